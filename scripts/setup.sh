#!/usr/bin/env bash
# Installs what Forge's tests need on a fresh Debian 12 machine with the .NET 10 SDK and Node 20:
# PostgreSQL 15 server binaries (the tests start their own throwaway server), poppler-utils (pdftotext and
# pdfinfo, which extract PDF text), Azurite (npm, pinned in
# package-lock.json), and the NuGet packages. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${FORGE_PG_BIN:-}" ]; then
  need_apt+=(postgresql)
fi
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
  need_apt+=(poppler-utils)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${need_apt[*]}; run this script as root or install them (apt-get install ${need_apt[*]})." >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  # The tests run their own server; the distribution's cluster is not needed.
  [[ " ${need_apt[*]} " == *" postgresql "* ]] && service postgresql stop >/dev/null 2>&1 || true
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK (dotnet) is required and was not found on PATH." >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: Node.js with npm is required (for Azurite) and was not found on PATH." >&2
  exit 1
fi

if [ ! -x node_modules/.bin/azurite-blob ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

dotnet restore Forge.sln --verbosity quiet
