#!/usr/bin/env bash
# Load test: mixed ingest and verdict traffic against `rollguard serve` (release build) on
# Postgres, over loopback with wrk, bounded in time. Prints throughput, latency percentiles and
# the error count, then what the server's own /metrics counted.
#
#   benches/load_test.sh                      # 60 s, 16 connections, 2 threads
#   DURATION=20s CONNECTIONS=32 benches/load_test.sh
#
# Settings (environment): DURATION (60s), CONNECTIONS (16), THREADS (2), DEPLOYMENTS (200),
# INGEST_PERCENT (50: the rest are verdicts), SEED_POINTS (30 per metric and deployment).
# ROLLGUARD_BIN=path uses that binary instead of building one.
#
# What it does:
#   1. builds target/release/rollguard and copies it to a temp dir, so a concurrent rebuild
#      cannot swap it mid-run;
#   2. finds Postgres as scripts/test does (scripts/postgres.sh: a running server, else a
#      throwaway cluster), drops and creates the database rg_load;
#   3. starts the server on a free loopback port with one API token (ingest, evaluate, read), as
#      in production, and logs at warn;
#   4. seeds DEPLOYMENTS deployments, each with SEED_POINTS one-minute points of error_rate,
#      latency_p99 and conversion_rate (canary and baseline cohorts);
#   5. runs wrk (benches/load_test.lua) for DURATION: each request picks a random deployment and
#      is an ingest of 10 new points (INGEST_PERCENT %) or a recorded verdict;
#   6. prints the figures, and the server's request counts by route and status from /metrics.
# Exits non-zero when any request failed (non-2xx or a socket error). Cleans up on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
DEPLOYMENTS=${DEPLOYMENTS:-200}
INGEST_PERCENT=${INGEST_PERCENT:-50}
SEED_POINTS=${SEED_POINTS:-30}

command -v wrk >/dev/null || { echo "load_test: wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "load_test: curl is missing" >&2; exit 1; }

WORK=$(mktemp -d /tmp/rollguard-load.XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "${ADMIN_URL:-}" ]; then
    psql "$ADMIN_URL" -qc "drop database if exists rg_load" >/dev/null 2>&1 || true
  fi
  stop_throwaway_postgres 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# 1. The binary.
if [ -n "${ROLLGUARD_BIN:-}" ]; then
  cp "$ROLLGUARD_BIN" "$WORK/rollguard"
else
  log "building the release binary"
  cargo build --release --quiet --bin rollguard
  cp target/release/rollguard "$WORK/rollguard"
fi

# 2. Postgres.
# shellcheck source=../scripts/postgres.sh
source scripts/postgres.sh
ensure_postgres
trap cleanup EXIT   # ensure_postgres may have set its own EXIT trap; ours also stops it
ADMIN_URL=$ROLLGUARD_TEST_DATABASE_URL
psql "$ADMIN_URL" -qc "drop database if exists rg_load" >/dev/null 2>&1
psql "$ADMIN_URL" -qc "create database rg_load" >/dev/null
DB_URL=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/rg_load")))' "$ADMIN_URL")

# 3. The server, with a token.
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
ROLLGUARD_TOKENS="load:ingest,evaluate,read:$TOKEN" DATABASE_URL=$DB_URL ROLLGUARD_LOG=warn NO_COLOR=1 \
  "$WORK/rollguard" serve --listen 127.0.0.1:0 >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
BASE=
for _ in $(seq 1 300); do
  BASE=$(sed -n 's/^rollguard listening on \(http:\/\/.*\)$/\1/p' "$WORK/server.out")
  [ -n "$BASE" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$BASE" ] || { echo "load_test: the server did not start" >&2; exit 1; }
log "rollguard $("$WORK/rollguard" --version | cut -d' ' -f2) on $BASE, Postgres database rg_load"

# 4. Seed data: one batch per deployment, points one minute apart ending at START.
START=$(date -u +%s)
python3 - "$DEPLOYMENTS" "$SEED_POINTS" "$START" "$WORK/seed" <<'PY'
import json, os, random, sys
deployments, n, start, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
os.makedirs(out, exist_ok=True)
rng = random.Random(7)
def ts(i):
    import datetime
    t = datetime.datetime.fromtimestamp(start - (n - i) * 60, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
for d in range(1, deployments + 1):
    points = []
    for i in range(n):
        points.append({"metric": "error_rate", "ts": ts(i), "value": round(rng.uniform(0.5, 2.0), 3)})
        points.append({"metric": "latency_p99", "ts": ts(i), "value": round(rng.gauss(200, 10), 1)})
        points.append({"metric": "conversion_rate", "ts": ts(i), "value": round(rng.uniform(0.028, 0.032), 4)})
        points.append({"metric": "conversion_rate", "cohort": "baseline", "ts": ts(i), "value": 0.03})
    with open(f"{out}/{d}.json", "w") as f:
        json.dump({"points": points}, f)
PY
log "seeding $DEPLOYMENTS deployments with $((SEED_POINTS * 4)) points each"
for d in $(seq 1 "$DEPLOYMENTS"); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' --data-binary "@$WORK/seed/$d.json" \
    "$BASE/v1/deployments/load.$d/points")
  [ "$code" = 200 ] || { echo "load_test: seeding load.$d answered $code" >&2; exit 1; }
done

# 5. The load.
log "wrk: $DURATION, $CONNECTIONS connections, $THREADS threads, $INGEST_PERCENT % ingest, load average $(cut -d' ' -f1-3 /proc/loadavg)"
CPU_BEFORE=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s benches/load_test.lua "$BASE" \
  -- "$DEPLOYMENTS" "$TOKEN" "$START" "$INGEST_PERCENT" "$THREADS" >"$WORK/wrk.out"
CPU_AFTER=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
figure() { sed -n "s/^load_test: $1 //p" "$WORK/wrk.out"; }

# 6. The figures.
echo
echo "rollguard load test: Postgres, release build, $CONNECTIONS connections, $THREADS wrk threads, $DURATION"
echo "  mix:            $INGEST_PERCENT % ingest (10 points a batch), the rest recorded verdicts, over $DEPLOYMENTS deployments"
echo "  requests:       $(figure requests) in $(figure seconds) s"
echo "  throughput:     $(figure rps) requests/s"
echo "  latency (ms):   p50 $(figure p50_ms)   p90 $(figure p90_ms)   p99 $(figure p99_ms)   max $(figure max_ms)"
echo "  errors:         $(figure non_2xx) non-2xx, $(figure socket_errors) socket errors"
echo "  server CPU:     $(( (CPU_AFTER - CPU_BEFORE) / $(getconf CLK_TCK) )) s over the run"
echo "  load average:   $(cut -d' ' -f1-3 /proc/loadavg) (after)"
echo "  server's count (rollguard_http_requests_total, by route and status):"
curl -s -H "authorization: Bearer $TOKEN" "$BASE/metrics" \
  | grep '^rollguard_http_requests_total{' | grep -v 'route="/metrics"' | sed 's/^/    /'
if grep -q ' ERROR ' "$WORK/server.log"; then
  echo "load_test: the server logged errors:" >&2
  grep ' ERROR ' "$WORK/server.log" | head -5 >&2
fi
[ "$(figure non_2xx)" = 0 ] && [ "$(figure socket_errors)" = 0 ]
