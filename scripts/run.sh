#!/usr/bin/env bash
# Runs Forge on http://localhost:8000 with the embedded defaults: SQLite and file-system blobs in the data folder
# (Forge__DataPath, default ./.forge at the repo root), the durable task hub on a local Azurite, the offline
# extractive generator. Prints a development token at start.
#
# On a fresh Debian 12 machine with the .NET 10 SDK and Node 20 it first installs what running needs when missing:
# Azurite (the repo's pinned npm package, `npm ci`) and poppler-utils (PDF text; apt-get when root, otherwise it
# says what to install). It then starts one whole Azurite (blob, queue, table) on free loopback ports with its data
# in {data folder}/azurite, hands Forge its connection string in AzureWebJobsStorage, and stops Azurite when Forge
# stops or the script is interrupted. When AzureWebJobsStorage is already set, that storage is used and no Azurite
# is started (also when local.settings.json sets it). Two copies side by side with different --urls and
# Forge__DataPath each get their own Azurite.
#
# Extra arguments go to Forge, e.g. `bash scripts/run.sh --urls http://127.0.0.1:8001 --role api`. The verbs
# (`bash scripts/run.sh token --user alice`, `apikey ...`) need no storage and start no Azurite.
#
# FORGE_RUN_NO_BUILD=1 skips the build (`dotnet run --no-build`): for callers that have just built the solution,
# such as tests/Forge.Tests/Hosting/RunScriptTests; FORGE_RUN_CONFIGURATION (default Debug) names the build it runs.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

# A Values entry of local.settings.json (Forge reads it from the repo root or src/Forge.Functions), "" when unset.
local_setting() {
  local file
  for file in "$repo/src/Forge.Functions/local.settings.json" "$repo/local.settings.json"; do
    if [ -f "$file" ] && command -v node >/dev/null 2>&1; then
      node -e 'const v = (JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).Values || {});
               for (const k of process.argv.slice(2)) if (v[k]) { process.stdout.write(String(v[k])); break; }' "$file" "$@" && return
    fi
  done
  return 0
}
if [ -z "${AzureWebJobsStorage:-}" ]; then
  # Set there, Forge gets it without the script; exported so the script also starts no Azurite.
  settings_storage="$(local_setting AzureWebJobsStorage)"
  [ -n "$settings_storage" ] && export AzureWebJobsStorage="$settings_storage"
fi
# Resolved before the cd and exported, so Forge (whose working folder `dotnet run` sets to the project) and
# Azurite agree on one absolute data folder, and a relative Forge__DataPath means relative to the caller
# (local.settings.json's relative to the repo root).
settings_data="$(local_setting Forge:DataPath Forge__DataPath)"
data="$(realpath -m "${Forge__DataPath:-$(cd "$repo" && realpath -m "${settings_data:-.forge}")}")"
export Forge__DataPath="$data"
cd "$repo"
# A developer's machine: Development, so the server logs a ready-made token (it never does in any other environment).
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"

run_args=(run --project src/Forge.Functions --configuration "${FORGE_RUN_CONFIGURATION:-Debug}")
[ "${FORGE_RUN_NO_BUILD:-}" = "1" ] && run_args+=(--no-build)

case "${1:-}" in
  token|apikey|-h|--help|-\?) exec dotnet "${run_args[@]}" -- "$@" ;;
esac

say() { echo "run: $*" >&2; }

# PDF uploads need pdftotext/pdfinfo; Forge runs without them, so a non-root user only gets told.
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing poppler-utils (PDF text extraction)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    say "poppler-utils is missing: PDF uploads will fail until it is installed (sudo apt-get install poppler-utils)."
  fi
fi

azurite_pid=""
forge_pid=""

install_azurite() {
  if [ -x node_modules/.bin/azurite ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    say "Node.js with npm is required to install Azurite (the local durable task storage) and was not found on PATH;"
    say "install Node 20, or set AzureWebJobsStorage to a storage account's connection string."
    exit 1
  fi
  say "installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
}

# A free loopback port: the kernel's choice when python3 is there, else a random unused one (probed with /dev/tcp).
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (: <>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

listening() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts Azurite on three fresh ports; fails (returns 1) when it exits first, e.g. a port taken in the meantime.
start_azurite_once() {
  blob_port="$(free_port)"
  queue_port="$(free_port)"
  while [ "$queue_port" = "$blob_port" ]; do queue_port="$(free_port)"; done
  table_port="$(free_port)"
  while [ "$table_port" = "$blob_port" ] || [ "$table_port" = "$queue_port" ]; do table_port="$(free_port)"; done
  mkdir -p "$data/azurite"
  node_modules/.bin/azurite \
    --blobHost 127.0.0.1 --blobPort "$blob_port" \
    --queueHost 127.0.0.1 --queuePort "$queue_port" \
    --tableHost 127.0.0.1 --tablePort "$table_port" \
    --location "$data/azurite" --skipApiVersionCheck --loose --disableTelemetry --silent \
    >"$data/azurite/azurite.log" 2>&1 &
  azurite_pid=$!
  local deadline=$((SECONDS + 60))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$azurite_pid" 2>/dev/null; then
      azurite_pid=""
      return 1
    fi
    if listening "$blob_port" && listening "$queue_port" && listening "$table_port"; then
      return 0
    fi
    sleep 0.2
  done
  say "Azurite did not listen on ports $blob_port, $queue_port, $table_port within 60 s; its log:"
  cat "$data/azurite/azurite.log" >&2
  exit 1
}

start_azurite() {
  local attempt
  for attempt in 1 2 3; do
    if start_azurite_once; then
      return
    fi
    say "Azurite exited before listening (attempt $attempt); its log:"
    cat "$data/azurite/azurite.log" >&2
  done
  exit 1
}

# Forge first, so it shuts down cleanly while its storage is still there; Azurite ignores SIGTERM, hence SIGKILL.
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$forge_pid" ] && kill -0 "$forge_pid" 2>/dev/null; then
    kill -TERM "$forge_pid" 2>/dev/null || true
    local deadline=$((SECONDS + 40))
    while kill -0 "$forge_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -KILL "$forge_pid" 2>/dev/null || true
  fi
  if [ -n "$azurite_pid" ]; then
    kill -KILL "$azurite_pid" 2>/dev/null || true
    wait "$azurite_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

if [ -z "${AzureWebJobsStorage:-}" ]; then
  if command -v flock >/dev/null 2>&1; then
    # Two copies started at once must not run `npm ci` over each other.
    exec 9>"${TMPDIR:-/tmp}/forge-run-install-$(id -u).lock"
    flock 9
    install_azurite
    flock -u 9
    exec 9>&-
  else
    install_azurite
  fi
  start_azurite
  account=devstoreaccount1
  key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/$account;QueueEndpoint=http://127.0.0.1:$queue_port/$account;TableEndpoint=http://127.0.0.1:$table_port/$account;"
  say "Azurite (pid $azurite_pid) on 127.0.0.1 ports $blob_port (blob), $queue_port (queue), $table_port (table), data in $data/azurite"
fi

# Not exec: the script stays to stop Azurite after Forge. A background job ignores SIGINT, so Ctrl-C reaches
# Forge through the trap (SIGTERM, which `dotnet run` passes on to the app).
dotnet "${run_args[@]}" -- "$@" &
forge_pid=$!
status=0
wait "$forge_pid" || status=$?
forge_pid=""
exit "$status"
