#!/usr/bin/env bash
# Runs Forge on http://localhost:8000 with the embedded defaults: SQLite and file-system blobs in ./.forge,
# the engine in-process, the offline extractive generator. Prints a development token at start.
# Extra arguments go to Forge, e.g. `bash scripts/run.sh --role api` or `bash scripts/run.sh token --user alice`.
set -euo pipefail
cd "$(dirname "$0")/.."
# A developer's machine: Development, so the server logs a ready-made token (it never does in any other environment).
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet run --project src/Forge.Functions -- "$@"
