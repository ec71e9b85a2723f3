# Helpers for scripts/gen-clients, scripts/test-clients and scripts/fuzz-api: the Python tool
# venv and a live rollguard server. Source it from the repository root.

# The venv with the client generator, pytest and schemathesis, every package pinned in
# scripts/tools-requirements.txt (the generated code and the fuzzer's behaviour depend on the
# versions). Rebuilt when that file changes.
TOOLS_VENV=${ROLLGUARD_TOOLS_VENV:-.venv-clients}

ensure_tools_venv() {
  local pins=scripts/tools-requirements.txt stamp="$TOOLS_VENV/.requirements"
  if [ -x "$TOOLS_VENV/bin/python" ] && cmp -s "$pins" "$stamp"; then
    return 0
  fi
  echo "creating $TOOLS_VENV from $pins" >&2
  rm -rf "$TOOLS_VENV"
  python3 -m venv "$TOOLS_VENV"
  "$TOOLS_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$pins"
  cp "$pins" "$stamp"
}

# Builds the debug binary (extra arguments go to cargo, e.g. --locked).
build_rollguard() {
  echo "building target/debug/rollguard" >&2
  cargo build --quiet --bin rollguard "$@"
}

# Starts target/debug/rollguard on a free loopback port with DATABASE_URL=$1 and waits for its
# "rollguard listening on http://ADDR" line. Sets ROLLGUARD_URL and ROLLGUARD_PID; the server's
# output goes to $2 (a directory). stop_rollguard ends it.
start_rollguard() {
  local db_url=$1 logs=$2 i
  mkdir -p "$logs"
  : >"$logs/server.out"
  # Port 0: the kernel picks a free port and the server prints the one it bound.
  DATABASE_URL=$db_url ROLLGUARD_LOG=${ROLLGUARD_LOG:-warn} NO_COLOR=1 \
    target/debug/rollguard serve --listen 127.0.0.1:0 >"$logs/server.out" 2>"$logs/server.log" &
  ROLLGUARD_PID=$!
  for i in $(seq 1 300); do
    ROLLGUARD_URL=$(sed -n 's/^rollguard listening on \(http:\/\/.*\)$/\1/p' "$logs/server.out")
    [ -n "$ROLLGUARD_URL" ] && break
    if ! kill -0 "$ROLLGUARD_PID" 2>/dev/null; then
      echo "rollguard exited before listening; its log:" >&2
      cat "$logs/server.log" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$ROLLGUARD_URL" ]; then
    echo "rollguard did not print its address within 30 s; its log:" >&2
    cat "$logs/server.log" >&2
    return 1
  fi
  echo "rollguard (pid $ROLLGUARD_PID) listening on $ROLLGUARD_URL, log in $logs/server.log" >&2
}

stop_rollguard() {
  [ -n "${ROLLGUARD_PID:-}" ] || return 0
  kill -TERM "$ROLLGUARD_PID" 2>/dev/null || true
  wait "$ROLLGUARD_PID" 2>/dev/null || true
  ROLLGUARD_PID=
}
