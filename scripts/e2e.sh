#!/usr/bin/env bash
# Run the dashboard's browser tests against a real server with demo data: a throwaway
# embedded PostgreSQL (or TEST_DATABASE_URL's server), on a free port of 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

workdir=$(mktemp -d /tmp/creatives-e2e.XXXXXX)
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server_pid=""

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
  if [[ -n "${database_name:-}" ]]; then
    psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $database_name WITH (FORCE)" >/dev/null
  fi
}
trap cleanup EXIT

database_env=()
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  database_name="creatives_e2e_$$"
  psql "$TEST_DATABASE_URL" -qc "CREATE DATABASE $database_name" >/dev/null
  database_env=(DATABASE_URL="${TEST_DATABASE_URL%/*}/$database_name")
fi

env "${database_env[@]}" DATA_DIR="$workdir/data" PORT="$port" LOG_LEVEL=WARNING \
  INTEGRATION_INTERVAL_SECONDS=0 \
  JWT_SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
  .venv/bin/creatives serve --demo-if-empty >"$workdir/server.log" 2>&1 &
server_pid=$!

# The server loads the demo before it accepts requests: about 70 s on an idle 2-core machine.
for _ in $(seq 1 600); do
  if curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "The server stopped before it answered; its log:" >&2
    cat "$workdir/server.log" >&2
    exit 1
  fi
  sleep 0.5
done

cd frontend
E2E_BASE_URL="http://127.0.0.1:$port" npm run e2e
