# Finding or starting a Postgres server for tests and benchmarks. Source it, then call
# ensure_postgres: it sets ROLLGUARD_TEST_DATABASE_URL (an admin URL on the `postgres` database).

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

pg_answers() {
  psql "$1" -Atqc 'select 1' >/dev/null 2>&1
}

ensure_postgres() {
  if [ -n "${ROLLGUARD_TEST_DATABASE_URL:-}" ]; then
    pg_answers "$ROLLGUARD_TEST_DATABASE_URL" && return 0
    echo "ROLLGUARD_TEST_DATABASE_URL=$ROLLGUARD_TEST_DATABASE_URL does not answer" >&2
    return 1
  fi
  if [[ "${DATABASE_URL:-}" == postgres* ]] && pg_answers "$DATABASE_URL"; then
    ROLLGUARD_TEST_DATABASE_URL=$DATABASE_URL
    return 0
  fi
  local local_url="postgres://postgres@127.0.0.1:5432/postgres"
  if pg_answers "$local_url"; then
    ROLLGUARD_TEST_DATABASE_URL=$local_url
    return 0
  fi
  start_throwaway_postgres
}

# A private cluster on a free port under a temporary directory, stopped and removed on exit.
start_throwaway_postgres() {
  local bin dir port owner
  bin=$(pg_bin) || { echo "no Postgres server answers and no Postgres binaries are installed (apt-get install postgresql)" >&2; return 1; }
  dir=$(mktemp -d /tmp/rollguard-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  owner=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    owner=postgres   # initdb refuses to run as root
    chown postgres:postgres "$dir"
  fi
  local run=(bash -c)
  [ "$owner" = "$(id -un)" ] || run=(su "$owner" -s /bin/bash -c)
  "${run[@]}" "$bin/initdb -D $dir/data -U postgres --auth=trust -E UTF8 >$dir/initdb.log 2>&1"
  "${run[@]}" "$bin/pg_ctl -D $dir/data -l $dir/server.log -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on' -w start >/dev/null"
  export ROLLGUARD_PG_DIR=$dir ROLLGUARD_PG_BIN=$bin ROLLGUARD_PG_OWNER=$owner
  trap 'stop_throwaway_postgres' EXIT
  ROLLGUARD_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "started a throwaway Postgres cluster in $dir on port $port" >&2
}

stop_throwaway_postgres() {
  [ -n "${ROLLGUARD_PG_DIR:-}" ] || return 0
  local run=(bash -c)
  [ "$ROLLGUARD_PG_OWNER" = "$(id -un)" ] || run=(su "$ROLLGUARD_PG_OWNER" -s /bin/bash -c)
  "${run[@]}" "$ROLLGUARD_PG_BIN/pg_ctl -D $ROLLGUARD_PG_DIR/data -m fast -w stop >/dev/null" || true
  rm -rf "$ROLLGUARD_PG_DIR"
}

# Test databases are named rg_test_<pid>_<n>; drop those a previous run left behind.
drop_test_databases() {
  local db
  for db in $(psql "$ROLLGUARD_TEST_DATABASE_URL" -Atqc "select datname from pg_database where datname like 'rg\_test\_%'"); do
    psql "$ROLLGUARD_TEST_DATABASE_URL" -qc "drop database if exists $db" >/dev/null 2>&1 || true
  done
}
