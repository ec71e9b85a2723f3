#!/usr/bin/env bash
# Ingest throughput over HTTP against Postgres COPY of the same rows (issue 3 target: HTTP ingest
# at least half of COPY's rate into a table with the same indexes).
#
#   benches/ingest_vs_copy.sh
#
# What it does, in one run:
#   1. builds the release binary (copied to a temp dir), finds Postgres (scripts/postgres.sh:
#      ROLLGUARD_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres, else a
#      throwaway cluster), drops and creates the database rg_bench_ingest, starts
#      `rollguard serve` on it (migrations run at start);
#   2. generates, untimed, BATCHES JSON bodies of BATCH_POINTS points each, and the same rows as
#      one CSV file. Data: DEPLOYMENTS deployments, each pushing one-second samples: canary
#      error_rate, latency_p99, conversion_rate and baseline error_rate, latency_p99 (5 points a
#      second), values in range; a batch is one deployment's next contiguous time range;
#   3. runs REPEATS rounds; before each, waits for no other `cargo bench` and (up to QUIET_WAIT
#      s) for a mostly idle machine. Each round measures every method once, interleaved, so a
#      noisy period hits all of them alike:
#      a. HTTP, for each client count in CLIENTS (and for the first count once more with the
#         verdict cache's index `points_writer` dropped, to show what it costs): empties the tables, creates the deployments
#         (PUT, so their ids are 1..DEPLOYMENTS as in the CSV), CHECKPOINTs, then posts every
#         batch to POST /v1/deployments/{key}/points with that many concurrent keep-alive
#         clients (Python http.client, one thread and connection each); points/s = total
#         points / wall time from the first request to the last response. Every response must
#         be 200 with accepted = batch size, and the table must then hold every point;
#      b. `psql \copy` of the same CSV, each into an empty table after a CHECKPOINT, timing the
#         psql command, into
#           - points_copy: same columns, same primary key (deployment_id, metric, cohort, ts);
#           - the service's own points table (PK + foreign key + check: what ingest pays);
#           - points_copy_noidx: same columns, no index at all (reference);
#      c. (DECOMPOSE=1) where the time goes: one server-side INSERT … SELECT of the same rows
#         from an unlogged staging table (loaded untimed) into points_copy (plain, then ON
#         CONFLICT DO UPDATE) and into the service's points (plain, then ON CONFLICT DO UPDATE:
#         the service's statement without HTTP, JSON or the wire);
#   4. prints, per method, the median and best rows/s over the rounds, every round's figure,
#      the ratio to COPY with the same PK, and whether HTTP reaches half of it (medians).
# The server is stopped and the database dropped on exit.
#
# Environment: ROLLGUARD_BIN (a prebuilt binary: skips the build), BENCH_REV (build that
# commit from a clean export, e.g. HEAD, instead of the working tree), BATCHES (default 50),
# BATCH_POINTS (default 10000, a multiple of 5, at most the server's 50,000), DEPLOYMENTS
# (default 10), CLIENTS (default "2 4"), REPEATS (default 3), DECOMPOSE (default 1),
# QUIET_WAIT (default 60), BENCH_DB (default rg_bench_ingest), DATA_DAY (default today, UTC:
# the day the points fall on, 10:00 on; on Postgres since migration 0007 a day from today to 8
# days ahead has its own partition, as live data does, and any other day lands in
# points_default). About 3-4 minutes once the release binary is built (less on an idle machine).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=$(mktemp -d /tmp/rg-bench-ingest.XXXXXX)
BATCHES=${BATCHES:-50}
BATCH_POINTS=${BATCH_POINTS:-10000}
DEPLOYMENTS=${DEPLOYMENTS:-10}
CLIENTS=${CLIENTS:-"2 4"}
BENCH_DB=${BENCH_DB:-rg_bench_ingest}
REPEATS=${REPEATS:-3}
DECOMPOSE=${DECOMPOSE:-1}
DATA_DAY=${DATA_DAY:-$(date -u +%Y-%m-%d)}
TOTAL=$((BATCHES * BATCH_POINTS))

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

if (( BATCH_POINTS % 5 != 0 )); then
    echo "BATCH_POINTS must be a multiple of 5" >&2
    exit 2
fi

build_release
setup_postgres
URL=$(db_url "$BENCH_DB")
recreate_db "$BENCH_DB"
PSQL=(psql "$URL" -qAt -v ON_ERROR_STOP=1)

# --- data, generated before anything is timed ------------------------------------------------
log "generating $BATCHES batches x $BATCH_POINTS points ($TOTAL points) and the same rows as CSV"
python3 - "$WORK" "$DATA_DAY" "$BATCHES" "$BATCH_POINTS" "$DEPLOYMENTS" <<'PY'
import json, random, sys
from datetime import datetime, timedelta, timezone

work, day = sys.argv[1], sys.argv[2]
batches, batch_points, deployments = map(int, sys.argv[3:])
rng = random.Random(3)
t0 = datetime.strptime(day, "%Y-%m-%d").replace(hour=10, tzinfo=timezone.utc)
seconds = batch_points // 5  # 5 points per second: 3 canary metrics, 2 baseline metrics
keys = [f"checkout-{d}.prod.bench" for d in range(deployments)]
with open(f"{work}/keys", "w") as f:
    f.write("\n".join(keys) + "\n")
csv = open(f"{work}/points.csv", "w")
for b in range(batches):
    d, part = b % deployments, b // deployments
    start = t0 + timedelta(seconds=part * seconds)
    pts = []
    for s in range(seconds):
        ts = (start + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for metric, cohort, value in (
            ("error_rate", "canary", round(rng.uniform(0.1, 3.0), 4)),
            ("latency_p99", "canary", round(rng.gauss(220.0, 25.0), 2)),
            ("conversion_rate", "canary", round(rng.uniform(0.02, 0.04), 5)),
            ("error_rate", "baseline", round(rng.uniform(0.1, 2.0), 4)),
            ("latency_p99", "baseline", round(rng.gauss(210.0, 20.0), 2)),
        ):
            value = abs(value)
            pts.append({"metric": metric, "ts": ts, "value": value, "cohort": cohort})
            csv.write(f"{d + 1},{metric},{cohort},{ts},{value!r}\n")
    with open(f"{work}/batch-{b:05d}.json", "w") as f:
        json.dump({"points": pts}, f, separators=(",", ":"))
    with open(f"{work}/batch-{b:05d}.key", "w") as f:
        f.write(keys[d])
csv.close()
PY
log "body size: $(du -h "$WORK/batch-00000.json" | cut -f1) per batch, CSV $(du -h "$WORK/points.csv" | cut -f1)"

# The HTTP client: one thread and one keep-alive connection per client; batches from a queue.
cat >"$WORK/post.py" <<'PY'
import glob, http.client, json, queue, sys, threading, time
from urllib.parse import urlparse

base, clients, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
u = urlparse(base)
jobs = queue.Queue()
for path in sorted(glob.glob(f"{work}/batch-*.json")):
    with open(path, "rb") as f:
        body = f.read()
    with open(path[:-5] + ".key") as f:
        key = f.read().strip()
    jobs.put((key, body, body.count(b'"metric"')))
lat, errors, lock = [], [], threading.Lock()

def client():
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    while True:
        try:
            key, body, n = jobs.get_nowait()
        except queue.Empty:
            return
        t = time.perf_counter()
        conn.request("POST", f"/v1/deployments/{key}/points", body,
                     {"content-type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        dt = time.perf_counter() - t
        with lock:
            lat.append(dt)
            if resp.status != 200 or json.loads(data).get("accepted") != n:
                errors.append(f"{resp.status} {data[:300]!r}")

threads = [threading.Thread(target=client) for _ in range(clients)]
t0 = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - t0
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
print(json.dumps({"wall": wall, "requests": len(lat), "errors": len(errors),
                  "first_error": errors[0] if errors else None,
                  "p50_ms": pct(0.5), "max_ms": lat[-1] * 1000}))
PY

start_server "$URL"
mapfile -t KEYS <"$WORK/keys"

"${PSQL[@]}" <<'SQL'
create table points_copy (
    deployment_id bigint not null,
    metric        text not null,
    cohort        text not null,
    ts            timestamptz not null,
    value         double precision not null,
    primary key (deployment_id, metric, cohort, ts)
);
create table points_copy_noidx (
    deployment_id bigint not null,
    metric        text not null,
    cohort        text not null,
    ts            timestamptz not null,
    value         double precision not null
);
create unlogged table staging (
    deployment_id bigint not null,
    metric        text not null,
    cohort        text not null,
    ts            timestamptz not null,
    value         double precision not null
);
SQL
"${PSQL[@]}" -c "\\copy staging from '$WORK/points.csv' with (format csv)"

declare -A RATES EXTRA
rate() { awk -v n="$TOTAL" -v w="$1" 'BEGIN { printf "%.0f", n / w }'; }
check_count() {  # check_count TABLE
    local n
    n=$("${PSQL[@]}" -c "select count(*) from $1")
    [ "$n" = "$TOTAL" ] || { echo "$1 holds $n rows, expected $TOTAL" >&2; exit 1; }
}

http_run() {  # http_run CLIENTS [VARIANT]
    local c=$1 label="http$1${2:-}" k out errs wall p50 srvcpu pgcpu
    # pull_marks references deployments (migration 0008); point_days is keyed by their ids (0012).
    "${PSQL[@]}" -c "truncate deployments, points, verdicts, pull_marks, point_days restart identity"
    for k in "${KEYS[@]}"; do   # in order, so deployment ids are 1..DEPLOYMENTS like the CSV
        curl -sf -o /dev/null -X PUT "$BASE/v1/deployments/$k" \
            -H 'content-type: application/json' -d '{"service":"checkout","environment":"prod"}'
    done
    "${PSQL[@]}" -c "checkpoint"
    cpu_track_start "$BENCH_DB"
    log "HTTP ingest: $BATCHES batches with $c clients"
    out=$(python3 "$WORK/post.py" "$BASE" "$c" "$WORK")
    read -r srvcpu pgcpu < <(cpu_track_stop "$BENCH_DB")
    echo "  $out" >&2
    read -r errs wall p50 < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["errors"], d["wall"], d["p50_ms"])' "$out")
    if [ "$errs" != 0 ]; then
        echo "HTTP ingest had $errs failed requests: $out" >&2
        exit 1
    fi
    check_count points
    RATES[$label]+="$(rate "$wall") "
    EXTRA[$label]+="$(awk -v w="$wall" -v p="$p50" -v s="$srvcpu" -v d="$pgcpu" \
        'BEGIN { printf "%.1fs wall, p50 %.0f ms, cpu rollguard %.1fs + postgres %.1fs", w, p, s, d }'); "
}

copy_into() {  # copy_into LABEL TABLE
    local t0 t1
    "${PSQL[@]}" -c "truncate $2"
    "${PSQL[@]}" -c "checkpoint"
    log "COPY into $2"
    t0=$(now)
    "${PSQL[@]}" -c "\\copy $2 (deployment_id, metric, cohort, ts, value) from '$WORK/points.csv' with (format csv)"
    t1=$(now)
    check_count "$2"
    RATES[$1]+="$(rate "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')") "
}

# Where the time goes: the same rows in one server-side INSERT … SELECT from the unlogged
# staging table, without HTTP, JSON or the wire.
UPSERT="on conflict (deployment_id, metric, cohort, ts) do update set value = excluded.value"
insert_into() {  # insert_into LABEL TABLE [SUFFIX]
    local t0 t1
    "${PSQL[@]}" -c "truncate $2"
    "${PSQL[@]}" -c "checkpoint"
    log "INSERT ... SELECT into $2 ${3:+(upsert)}"
    t0=$(now)
    "${PSQL[@]}" -c "insert into $2 (deployment_id, metric, cohort, ts, value) select * from staging ${3:-}"
    t1=$(now)
    check_count "$2"
    RATES[$1]+="$(rate "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')") "
}

# Repeats are interleaved (every method once per round), so a noisy period on the shared
# machine hits all methods alike rather than one of them.
IDLES=()
for r in $(seq 1 "$REPEATS"); do
    wait_for_quiet
    IDLES+=("$IDLE%")
    log "round $r/$REPEATS (machine ${IDLE}% idle before it)"
    for c in $CLIENTS; do http_run "$c"; done
    # What the verdict cache's index costs ingest (migration 0005): the first client count again,
    # with the index dropped for the load and created again after.
    c1=${CLIENTS%% *}
    "${PSQL[@]}" -c "drop index points_writer"
    http_run "$c1" nowriter
    "${PSQL[@]}" -c "create index points_writer on points (deployment_id, writer)"
    copy_into pk points_copy
    copy_into service points      # the service table as migrated (PK + check; no FK since migration 0003)
    copy_into noidx points_copy_noidx
    if [ "$DECOMPOSE" = 1 ]; then
        insert_into ins_pk points_copy
        insert_into ups_pk points_copy "$UPSERT"
        insert_into ins_svc points
        insert_into ups_svc points "$UPSERT"
    fi
done
stop_server

# --- report --------------------------------------------------------------------------------
PG_VERSION=$("${PSQL[@]}" -c "show server_version")
PG_SETTINGS=$("${PSQL[@]}" -c "select string_agg(name || '=' || setting || coalesce(unit, ''), ', ' order by name) from pg_settings where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'max_wal_size', 'wal_level')")
read -r PK_MED PK_BEST < <(median_best ${RATES[pk]})

row() {  # row LABEL KEY
    local med best
    read -r med best < <(median_best ${RATES[$2]})
    printf '%-55s %9s %9s %7s   %s\n' "$1" "$med" "$best" \
        "$(awk -v a="$med" -v b="$PK_MED" 'BEGIN { printf "%.2f", a / b }')" "${RATES[$2]% }"
}
echo
echo "ingest vs COPY: $TOTAL points per load ($BATCHES batches x $BATCH_POINTS points, $DEPLOYMENTS deployments), $REPEATS rounds"
echo "machine: $(nproc) cores (shared), $(uname -sm); idle before each round: ${IDLES[*]}"
echo "$BUILD_DESC; PostgreSQL $PG_VERSION ($PG_SETTINGS)"
echo
printf '%-55s %9s %9s %7s   %s\n' "method (rows/s)" "median" "best" "/COPY" "every round"
for c in $CLIENTS; do row "HTTP POST /v1/deployments/{key}/points, $c clients" "http$c"; done
row "the same, ${CLIENTS%% *} clients, without the index points_writer" "http${CLIENTS%% *}nowriter"
row "psql \\copy, same columns + same PK (points_copy)" pk
row "psql \\copy into the service's points (PK + check)" service
row "psql \\copy, no index (points_copy_noidx)" noidx
if [ "$DECOMPOSE" = 1 ]; then
    echo
    echo "where the time goes: one server-side INSERT ... SELECT of the same rows from a staging table"
    row "INSERT into points_copy (PK)" ins_pk
    row "INSERT ... ON CONFLICT DO UPDATE into points_copy (PK)" ups_pk
    row "INSERT into points (PK + check)" ins_svc
    row "INSERT ... ON CONFLICT DO UPDATE into points (= ingest)" ups_svc
fi
echo
for c in $CLIENTS; do
    echo "HTTP, $c clients, per round: ${EXTRA[http$c]%; }"
done
best_med=0
for c in $CLIENTS; do
    read -r med _ < <(median_best ${RATES[http$c]})
    best_med=$(awk -v a="$best_med" -v b="$med" 'BEGIN { print (b > a) ? b : a }')
done
ratio=$(awk -v a="$best_med" -v b="$PK_MED" 'BEGIN { printf "%.2f", a / b }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? "MET" : "MISSED" }')
echo "target: HTTP ingest >= 0.5 x COPY into a table with the same PK (medians, best client count): $ratio -> $verdict"
