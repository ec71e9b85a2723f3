#!/usr/bin/env bash
# Verdict throughput and latency under concurrent load (issue 3 target: thousands of verdicts per
# second on 2 cores, p99 in single-digit milliseconds), on Postgres and on SQLite.
#
#   benches/verdict_load.sh
#
# What it does, in one run:
#   1. builds the release binary (copied to a temp dir), finds Postgres (scripts/postgres.sh),
#      drops and creates the database rg_bench_verdict, and for each backend (Postgres, then a
#      SQLite file in a temp dir) starts `rollguard serve` on it;
#   2. creates DEPLOYMENTS deployments (PUT, service + environment "production", so each verdict
#      also looks up the environment's default policy, as in production) and ingests for each a
#      POINTS-point one-minute series of error_rate, latency_p99 and conversion_rate, plus the
#      baseline cohort's conversion_rate (the conversion rule's baseline), in one batch per
#      deployment; a quarter of them regress at the end, so verdicts mix pass and rollback.
#      SHAPE=compare instead gives every metric both cohorts (canary and baseline) with counts,
#      the shape `compare` judges with its paired tests (6 series per deployment);
#   3. drives POST /v1/deployments/{key}/verdicts (empty body) with wrk, THREADS threads, for
#      DURATION at each connection count in CONNECTIONS, a Lua script rotating over the keys
#      (each thread from its own offset), after a short warm-up; every request evaluates and
#      records a verdict. Before each measurement it waits for no other `cargo bench` and (up
#      to QUIET_WAIT s, default 60) for a mostly idle machine;
#   4. prints requests/s, p50, p90, p99, max, non-2xx responses and socket errors per run, the CPU
#      seconds used by rollguard and by its database backends during the run, and checks that
#      the number of recorded verdicts matches the requests wrk completed.
# The servers are stopped, the database dropped and the temp dir removed on exit.
#
# Backends: postgres (as shipped), sqlite (a file in the temp dir), and postgres-nosync: a
# diagnostic, NOT a shipped configuration: the same Postgres database with synchronous_commit=off
# (ALTER DATABASE), so commits do not wait for the WAL flush; it shows how much of the latency
# is the fsync that every recorded verdict waits for.
#
# Environment: ROLLGUARD_BIN (a prebuilt binary: skips the build), BENCH_REV (build that
# commit from a clean export, e.g. HEAD, instead of the working tree), DEPLOYMENTS (default 200),
# POINTS (default 60), SHAPE (seed or compare, default seed), DURATION (default 20s),
# CONNECTIONS (default "8 32"), THREADS (default 2), BACKENDS (default "postgres sqlite
# postgres-nosync"), BENCH_DB (default rg_bench_verdict), QUIET_WAIT (default 60), TARGET
# (default verdicts; gate or rollback drive the Flagger hook of that name instead, every payload
# with one checksum: a 412 is an answer too, counted in non-2xx), BEFORE_RUN (a diagnostic shell
# command run before each measurement, with RUN set to its number from 1 and DB_URL to the
# backend's URL: e.g. detach partitions between two runs of CONNECTIONS="32 32"). Takes about 3.5
# minutes once the binary is built.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=$(mktemp -d /tmp/rg-bench-verdict.XXXXXX)
DEPLOYMENTS=${DEPLOYMENTS:-200}
POINTS=${POINTS:-60}
SHAPE=${SHAPE:-seed}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-"8 32"}
THREADS=${THREADS:-2}
BACKENDS=${BACKENDS:-"postgres sqlite postgres-nosync"}
BENCH_DB=${BENCH_DB:-rg_bench_verdict}
TARGET=${TARGET:-verdicts}

# shellcheck source=service_common.sh
source "$ROOT/benches/service_common.sh"

cleanup() {
    stop_server
    drop_db "$BENCH_DB"
    rm -rf "$WORK"
    stop_throwaway_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v wrk >/dev/null; then
    log "wrk is missing: apt-get install -y wrk"
    apt-get install -y wrk >/dev/null
fi

build_release
if [[ " $BACKENDS " == *" postgres"* ]]; then
    setup_postgres
    PG_URL=$(db_url "$BENCH_DB")
fi

# --- data ------------------------------------------------------------------------------------
python3 - "$WORK" "$DEPLOYMENTS" "$POINTS" "$SHAPE" <<'PY'
import json, random, sys
from datetime import datetime, timedelta, timezone

work, deployments, points, shape = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(7)
t0 = datetime(2026, 11, 24, 10, 0, 0, tzinfo=timezone.utc)
keys = []
for d in range(deployments):
    key = f"svc{d % 20}.production.{d}"
    keys.append(key)
    regress = d % 4 == 0
    pts = []
    for i in range(points):
        ts = (t0 + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        late = regress and i >= points - 5
        err = rng.uniform(6.0, 9.0) if late else rng.uniform(0.2, 2.0)
        lat = rng.gauss(420.0, 10.0) if late else rng.gauss(220.0, 15.0)
        conv = rng.uniform(0.028, 0.032)
        if shape == "compare":
            # Both cohorts for every metric, with counts: the canary takes 10 % of 2,000 requests
            # a minute (400 sessions), the baseline the rest.
            for cohort, n, bad in (("canary", 200, late), ("baseline", 1800, False)):
                errors = sum(rng.random() < (0.07 if bad else 0.01) for _ in range(n))
                sessions = n // 5
                conversions = sum(rng.random() < 0.03 for _ in range(sessions))
                lat = rng.gauss(420.0 if bad else 220.0, 10.0)
                pts += [{"metric": "error_rate", "ts": ts, "value": round(100.0 * errors / n, 4),
                         "count": n, "cohort": cohort},
                        {"metric": "latency_p99", "ts": ts, "value": round(abs(lat), 2),
                         "count": n, "cohort": cohort},
                        {"metric": "conversion_rate", "ts": ts,
                         "value": round(conversions / sessions, 5), "count": sessions,
                         "cohort": cohort}]
            continue
        pts += [{"metric": "error_rate", "ts": ts, "value": round(err, 4)},
                {"metric": "latency_p99", "ts": ts, "value": round(abs(lat), 2)},
                {"metric": "conversion_rate", "ts": ts, "value": round(conv, 5)},
                {"metric": "conversion_rate", "ts": ts, "value": round(conv * 1.02, 5),
                 "cohort": "baseline"}]
    with open(f"{work}/body-{d}.json", "w") as f:
        json.dump({"points": pts}, f, separators=(",", ":"))
with open(f"{work}/keys", "w") as f:
    f.write("\n".join(keys) + "\n")
PY

cat >"$WORK/verdicts.lua" <<LUA
local keys = {}
local counter = 0
local nthreads = $THREADS
local threads_made = 0

setup = function(thread)
    thread:set("id", threads_made)
    threads_made = threads_made + 1
end

init = function(args)
    for line in io.lines("$WORK/keys") do keys[#keys + 1] = line end
    counter = math.floor(id * #keys / nthreads)
end

local target = "$TARGET"
local json = {["Content-Type"] = "application/json"}

request = function()
    counter = counter % #keys + 1
    if target == "verdicts" then
        return wrk.format("POST", "/v1/deployments/" .. keys[counter] .. "/verdicts", nil, "")
    end
    -- A Flagger webhook payload naming the key, as a Canary's metadata.deployment would.
    local body = '{"name":"podinfo","namespace":"production","phase":"Progressing",'
        .. '"checksum":"85d557f47b","metadata":{"deployment":"' .. keys[counter] .. '"}}'
    return wrk.format("POST", "/v1/hooks/flagger/" .. target, json, body)
end

done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
        latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
LUA

load_data() {
    local d key
    mapfile -t KEYS <"$WORK/keys"
    for d in "${!KEYS[@]}"; do
        key=${KEYS[$d]}
        curl -sf -o /dev/null -X PUT "$BASE/v1/deployments/$key" -H 'content-type: application/json' \
            -d "{\"service\":\"svc$((d % 20))\",\"environment\":\"production\",\"version\":\"v2.$d.0\"}"
        curl -sf -o /dev/null -X POST "$BASE/v1/deployments/$key/points" \
            -H 'content-type: application/json' --data-binary "@$WORK/body-$d.json"
    done
    # sanity: one verdict of a regressing and of a healthy deployment
    curl -sf -X POST "$BASE/v1/deployments/${KEYS[0]}/verdicts" >"$WORK/v0.json"
    curl -sf -X POST "$BASE/v1/deployments/${KEYS[1]}/verdicts" >"$WORK/v1.json"
    log "sample verdicts: ${KEYS[0]} -> $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$WORK/v0.json"), ${KEYS[1]} -> $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$WORK/v1.json")"
}

recorded_verdicts() {  # the number of verdicts stored so far
    case $1 in
        postgres*) psql "$PG_URL" -qAt -c "select count(*) from verdicts" ;;
        sqlite) python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from verdicts").fetchone()[0])' "$WORK/bench.db" ;;
    esac
}

ROWS=()
for backend in $BACKENDS; do
    case $backend in
        postgres) recreate_db "$BENCH_DB"; url=$PG_URL ;;
        postgres-nosync)
            # Diagnostic only, not a configuration rollguard ships: the same Postgres with
            # synchronous_commit=off for this database, i.e. commits do not wait for the WAL
            # flush. Shows how much of the latency is the per-verdict fsync.
            recreate_db "$BENCH_DB"; url=$PG_URL
            psql "$ADMIN_URL" -qAt -c "alter database $BENCH_DB set synchronous_commit = off" ;;
        sqlite) url="sqlite://$WORK/bench.db" ;;
        *) echo "unknown backend $backend" >&2; exit 2 ;;
    esac
    start_server "$url"
    log "$backend: loading $DEPLOYMENTS deployments x 3 metrics x $POINTS points"
    load_data
    wrk -t "$THREADS" -c 8 -d 3s -s "$WORK/verdicts.lua" "$BASE" >/dev/null   # warm-up
    run=0
    for c in $CONNECTIONS; do
        run=$((run + 1))
        if [ -n "${BEFORE_RUN:-}" ]; then
            RUN=$run DB_URL=$url bash -c "$BEFORE_RUN" >&2
        fi
        wait_for_quiet
        before=$(recorded_verdicts "$backend")
        cpu_track_start "$BENCH_DB"
        log "$backend: wrk -t$THREADS -c$c -d$DURATION"
        wrk -t "$THREADS" -c "$c" -d "$DURATION" --latency -s "$WORK/verdicts.lua" "$BASE" >"$WORK/wrk.out" 2>&1
        read -r srvcpu dbcpu < <(cpu_track_stop "$BENCH_DB")
        sleep 1   # let responses in flight at wrk's end be recorded
        after=$(recorded_verdicts "$backend")
        sed 's/^/    /' "$WORK/wrk.out" >&2
        line=$(grep '^RESULT' "$WORK/wrk.out")
        # shellcheck disable=SC2086
        eval "${line#RESULT }"   # sets requests duration_us p50_us p90_us p99_us max_us non2xx ...
        sock=$((connect + read + write + timeout))
        rps=$(awk -v n="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", n / (d / 1e6) }')
        secs=$(awk -v d="$duration_us" 'BEGIN { printf "%.1f", d / 1e6 }')
        # CPU per verdict (rollguard + its database backends): robust to a busy machine
        perreq=$(awk -v s="$srvcpu" -v d="$dbcpu" -v n="$requests" 'BEGIN { printf "%.2f", n ? 1000 * (s + d) / n : 0 }')
        [ "$backend" = sqlite ] && dbcpu="(in process)"
        ROWS+=("$(printf '%-15s %5s %9s %8.2f %8.2f %8.2f %8.1f %8s %7s %12s %8s %12s %9s %6s %6s' \
            "$backend" "$c" "$rps" \
            "$(awk -v x="$p50_us" 'BEGIN { print x / 1000 }')" \
            "$(awk -v x="$p90_us" 'BEGIN { print x / 1000 }')" \
            "$(awk -v x="$p99_us" 'BEGIN { print x / 1000 }')" \
            "$(awk -v x="$max_us" 'BEGIN { print x / 1000 }')" \
            "$non2xx" "$sock" "$((after - before))/$requests" \
            "$srvcpu" "$dbcpu" "$perreq" "$secs" "$IDLE%")")
    done
    stop_server
done

echo
echo "verdict load ($TARGET): POST /v1/deployments/{key}/verdicts (empty body) or /v1/hooks/flagger/$TARGET, $DEPLOYMENTS deployments x 3 metrics x $POINTS points (shape $SHAPE), wrk -t$THREADS -d$DURATION"
echo "machine: $(nproc) cores (shared: wrk, rollguard and the database on the same 2 cores), $(uname -sm); $BUILD_DESC"
[ -n "${PG_URL:-}" ] && echo "PostgreSQL $(psql "$ADMIN_URL" -qAt -c 'show server_version') (synchronous_commit=$(psql "$ADMIN_URL" -qAt -c 'show synchronous_commit'), fsync=$(psql "$ADMIN_URL" -qAt -c 'show fsync')); SQLite: WAL, synchronous=FULL, one writer connection"
echo
printf '%-15s %5s %9s %8s %8s %8s %8s %8s %7s %12s %8s %12s %9s %6s %6s\n' \
    backend conns "req/s" "p50 ms" "p90 ms" "p99 ms" "max ms" non-2xx sockerr "recorded" "cpu srv" "cpu db" "cpu ms/req" "secs" "idle"
for r in "${ROWS[@]}"; do echo "$r"; done
echo
echo "recorded = verdicts stored during the run / requests wrk completed; cpu = CPU seconds used during the run"
echo "(rollguard; its Postgres backends), cpu ms/req = their sum per completed request; idle = machine"
echo "idle just before the run (the machine is shared: when it is busy, req/s and latency measure the"
echo "CPU share the service got, and cpu ms/req is the steadier figure)"
echo "target: thousands of verdicts/s on 2 cores with p99 in single-digit milliseconds"
