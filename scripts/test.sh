#!/usr/bin/env bash
# Runs every test: unit, API (WebApplicationFactory over SQLite and PostgreSQL), the engine conformance
# suite (with real worker processes killed mid-run) and the blob-store contract suite against Azurite.
# Usage: bash scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Engine]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
set +e
dotnet test Forge.sln --nologo --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" 2>&1 | tee "$results/output.log"
status=${PIPESTATUS[0]}
set -e

# One closing line in the plain form CI reads: "N passed, N failed, N skipped".
summary=$(python3 - "$results" <<'PY' 2>/dev/null || true
import sys, glob, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is not None:
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
        skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
)
if [ -z "$summary" ]; then
  summary=$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$results/output.log" | awk -F'[:,]' '{f+=$2; p+=$4; s+=$6} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
fi
echo
echo "$summary"
if [ "$status" -eq 0 ] && [[ "$summary" == 0\ passed* ]]; then
  echo "test: no test ran" >&2
  exit 1
fi
exit "$status"
