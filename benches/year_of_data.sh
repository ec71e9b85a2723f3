#!/usr/bin/env bash
# Rollguard on a database that has been kept for a while (issue 18): verdicts, the dashboard's
# list endpoints and a retention sweep, on Postgres with its daily partitions of points.
#
#   benches/year_of_data.sh
#
# What it does, in one run:
#   1. builds the release binary (or takes ROLLGUARD_BIN), finds Postgres, creates the database
#      rg_bench_year and starts `rollguard serve` on it (migrations create the partitions of
#      today and the 8 days after);
#   2. "empty": HOT deployments (service svcN, environment production) with a day of one-minute
#      points up to now, 3 metrics x 2 cohorts with counts (8,640 points each), loaded with SQL;
#      drives POST /v1/deployments/{key}/verdicts on them with wrk (CONNECTIONS connections,
#      DURATION), and times the dashboard's list endpoints (GET /v1/deployments: the first page,
#      filtered by service, by environment and latest verdict), RUNS times each;
#   3. "full": adds DEPLOYMENTS - HOT deployments, each a day of the same points, spread over the
#      DAYS days before today (a partition each, made with the server's naming), and one verdict
#      each; 2,000 deployments give 17.3 M points. `vacuum analyze` and `checkpoint` (as after
#      the first load), then the same measurements;
#   4. a retention sweep of one day: while a client posts 10-point batches to one deployment
#      back to back (timing each), `rollguard sweep --retention (DAYS-1)d` drops the oldest day's
#      partition; prints the sweep's time and the ingest latencies during it.
# Prints p50/p99 of verdicts and their ratio (target: full within 1.5x of empty), the list
# endpoints' median and max (target < 50 ms), the sweep's time (target < 1 s) and the longest
# ingest during it (target < 100 ms).
#
# Environment: ROLLGUARD_BIN, BENCH_REV (as the other benches), DEPLOYMENTS (default 2000), HOT
# (default 200), DAYS (default 30), DURATION (default 15s), CONNECTIONS (default 8), RUNS
# (default 20), BENCH_DB (default rg_bench_year), KEEP_DB (set: keep the database afterwards, to
# look into it). Loading 17 M points takes a few minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=$(mktemp -d /tmp/rg-bench-year.XXXXXX)
DEPLOYMENTS=${DEPLOYMENTS:-2000}
HOT=${HOT:-200}
DAYS=${DAYS:-30}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-8}
RUNS=${RUNS:-20}
BENCH_DB=${BENCH_DB:-rg_bench_year}

# shellcheck source=service_common.sh
source "$ROOT/benches/service_common.sh"

cleanup() {
    [ -n "${LOADER_PID:-}" ] && kill "$LOADER_PID" 2>/dev/null || true
    stop_server
    [ -n "${KEEP_DB:-}" ] || drop_db "$BENCH_DB"
    rm -rf "$WORK"
    stop_throwaway_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || { log "wrk is missing: apt-get install -y wrk"; exit 2; }

build_release
setup_postgres
URL=$(db_url "$BENCH_DB")
recreate_db "$BENCH_DB"
PSQL=(psql "$URL" -qAt -v ON_ERROR_STOP=1)
start_server "$URL"

# load_deployments FIRST LAST END_EXPR: deployments FIRST..LAST (keys d.N), each a day of
# one-minute points of 3 metrics x 2 cohorts, the last one a minute before END_EXPR.
load_deployments() {
    "${PSQL[@]}" <<SQL
insert into deployments (key, service, environment)
select 'd.' || i, 'svc' || (i % 20), case when i % 3 = 0 then 'staging' else 'production' end
from generate_series($1, $2) i;
insert into points (deployment_id, metric, cohort, ts, value, count, writer)
select d.id, m.metric, c.cohort, e.end_at - make_interval(mins => n),
       case m.metric when 'error_rate' then 0.5 + random() when 'latency_p99' then 200 + 20 * random()
                     else 0.03 + 0.002 * random() end,
       1000, pg_current_xact_id()
from deployments d
cross join lateral (select $3 as end_at) e
cross join (values ('error_rate'), ('latency_p99'), ('conversion_rate')) m (metric)
cross join (values ('canary'), ('baseline')) c (cohort)
cross join generate_series(1, 1440) n
where d.key in (select 'd.' || i from generate_series($1, $2) i);
-- The days the points span, as ingest records them (migration 0012), when that table exists.
do \$\$ begin
    if to_regclass('point_days') is not null then
        insert into point_days (deployment_id, first_day, last_day)
        select d.id, (min(e.end_at) - interval '1440 minutes') at time zone 'UTC',
               (max(e.end_at) - interval '1 minute') at time zone 'UTC'
        from deployments d cross join lateral (select $3 as end_at) e
        where d.key in (select 'd.' || i from generate_series($1, $2) i)
        group by d.id
        on conflict (deployment_id) do update
            set first_day = least(point_days.first_day, excluded.first_day),
                last_day = greatest(point_days.last_day, excluded.last_day);
    end if;
end \$\$;
SQL
}

verdicts() {  # verdicts LABEL: wrk over the HOT keys; sets P50_<LABEL>, P99_<LABEL>, RPS_<LABEL>
    cat >"$WORK/v.lua" <<LUA
local n = 0
request = function()
    n = n + 1
    return wrk.format("POST", "/v1/deployments/d." .. (n % $HOT + 1) .. "/verdicts",
        {["content-type"] = "application/json"}, "{}")
end
done = function(summary, latency, requests)
    io.write(string.format("RESULT %.1f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
LUA
    wrk -t 2 -c "$CONNECTIONS" -d 3s -s "$WORK/v.lua" "$BASE" >/dev/null  # warm-up (fills the cache)
    wait_for_quiet
    local out
    out=$(wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" -s "$WORK/v.lua" "$BASE" | grep '^RESULT')
    read -r _ rps p50 p99 bad <<<"$out"
    log "verdicts ($1, ${IDLE}% idle): $rps/s, p50 $p50 ms, p99 $p99 ms, non-2xx $bad"
    printf -v "RPS_$1" '%s' "$rps"
    printf -v "P50_$1" '%s' "$p50"
    printf -v "P99_$1" '%s' "$p99"
}

lists() {  # lists LABEL: times the dashboard's list endpoints; appends to $WORK/lists
    local path
    for path in "/v1/deployments?limit=50" "/v1/deployments?service=svc7&limit=50" \
        "/v1/deployments?environment=production&verdict=rollback&limit=50" \
        "/v1/deployments?environment=staging&verdict=pass&limit=50"; do
        for _ in $(seq 1 "$RUNS"); do
            curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE$path"
        done | awk -v label="$1" -v path="$path" '
            $1 != 200 { bad++ } { t[NR] = $2 * 1000 }
            END { n = asort(t); printf "%-6s %-66s median %6.1f ms  max %6.1f ms%s\n", label, path,
                  t[int((n + 1) / 2)], t[n], bad ? "  NON-200: " bad : "" }' >>"$WORK/lists"
    done
}

# The partitions of the DAYS days before today, named as the server names them, made first so
# that both measurements see the same partitions (as a database kept DAYS days would have).
for day in $(seq 1 "$DAYS"); do
    d=$(date -u -d "-$day days" +%Y%m%d)
    "${PSQL[@]}" -c "create table if not exists points_p$d partition of points for values
        from ('$(date -u -d "-$day days" +%F) 00:00:00+00') to ('$(date -u -d "-$((day - 1)) days" +%F) 00:00:00+00')"
done

log "empty: $HOT deployments with a day of points up to now"
load_deployments 1 "$HOT" "date_trunc('minute', now())"
# Loaded with SQL, past the service: each deployment's point count and latest verdict, which the
# service keeps on its row (migration 0010), are filled as that migration fills them. Run again
# after each load.
fill_counts() {
    "${PSQL[@]}" <<SQL
update deployments d set point_count = c.n
from (select deployment_id, count(*) as n from points group by deployment_id) c
where c.deployment_id = d.id and d.point_count <> c.n;
update deployments d
set latest_verdict_id = v.id, latest_verdict = v.verdict, latest_verdict_at = v.evaluated_at,
    latest_verdict_policy = v.policy
from (select distinct on (deployment_id) deployment_id, id, verdict, evaluated_at, policy
      from verdicts order by deployment_id, id desc) v
where v.deployment_id = d.id and d.latest_verdict_id is distinct from v.id;
SQL
}
fill_counts
"${PSQL[@]}" -c "vacuum analyze"
# The load's dirty pages written out now: a spread checkpoint still writing gigabytes would make
# every verdict's commit wait on the disk (in both phases alike).
"${PSQL[@]}" -c "checkpoint"
verdicts EMPTY
lists empty

log "full: $((DEPLOYMENTS - HOT)) more, over the $DAYS days before today"
per_day=$(( (DEPLOYMENTS - HOT + DAYS - 1) / DAYS ))
first=$((HOT + 1))
for day in $(seq "$DAYS" -1 1); do
    (( first > DEPLOYMENTS )) && break
    last=$((first + per_day - 1)); (( last > DEPLOYMENTS )) && last=$DEPLOYMENTS
    # A day of points, 00:00 to 23:59 of that day: each deployment's points in its day's partition.
    load_deployments "$first" "$last" "date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' - interval '$((day - 1)) days'"
    first=$((last + 1))
done
"${PSQL[@]}" -c "insert into verdicts (deployment_id, policy, verdict, points, report)
    select d.id, 'compare', (array['pass', 'rollback', 'inconclusive'])[1 + d.id % 3], 8640,
           (select report from verdicts limit 1)
    from deployments d where d.id > $HOT"
fill_counts
"${PSQL[@]}" -c "vacuum analyze"
"${PSQL[@]}" -c "checkpoint"
TOTAL=$("${PSQL[@]}" -c "select count(*) from points")
PARTS=$("${PSQL[@]}" -c "select count(*) from pg_inherits where inhparent = 'points'::regclass")
SIZE=$("${PSQL[@]}" -c "select pg_size_pretty(sum(pg_total_relation_size(inhrelid))) from pg_inherits where inhparent = 'points'::regclass")
log "full: $TOTAL points in $PARTS partitions, $SIZE"
verdicts FULL
lists full

log "retention: dropping the oldest day while ingest runs"
python3 - "$BASE" "$WORK/ingest.times" <<'PY' &
import http.client, json, sys, time
from datetime import datetime, timedelta, timezone
base, out = sys.argv[1], sys.argv[2]
host, port = base.removeprefix("http://").split(":")
conn = http.client.HTTPConnection(host, int(port))
t = datetime.now(timezone.utc).replace(microsecond=0)
with open(out, "w") as f:
    while True:
        pts = [{"metric": "error_rate", "cohort": "canary", "value": 1.0,
                "ts": (t + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")} for i in range(10)]
        t += timedelta(seconds=10)
        start = time.time()
        conn.request("POST", "/v1/deployments/d.1/points", json.dumps({"points": pts}),
                     {"content-type": "application/json"})
        r = conn.getresponse(); r.read()
        f.write(f"{start:.6f} {time.time() - start:.6f} {r.status}\n"); f.flush()
PY
LOADER_PID=$!
sleep 2
SWEEP_START=$(now)
DATABASE_URL="$URL" "$BIN" sweep --retention "$((DAYS - 1))d" >"$WORK/sweep.json"
SWEEP_END=$(now)
sleep 1
kill "$LOADER_PID"; wait "$LOADER_PID" 2>/dev/null || true; LOADER_PID=
SWEEP=$(awk -v a="$SWEEP_START" -v b="$SWEEP_END" 'BEGIN { printf "%.3f", b - a }')
read -r n_during max_during p99_before <<<"$(awk -v a="$SWEEP_START" -v b="$SWEEP_END" '
    $1 + $2 >= a && $1 <= b { n++; if ($2 > m) m = $2 }
    $1 + $2 < a { before[++k] = $2 }
    END { asort(before); printf "%d %.1f %.1f\n", n, m * 1000, before[int(k * 0.99) + 1] * 1000 }' "$WORK/ingest.times")"
BAD=$(awk '$3 != 200' "$WORK/ingest.times" | wc -l)

echo
echo "$BUILD_DESC; Postgres $(psql "$URL" -qAtc 'show server_version')"
echo "data: $TOTAL points ($DEPLOYMENTS deployments x 8,640), $PARTS partitions, $SIZE"
echo
echo "verdicts (POST .../verdicts, $CONNECTIONS connections, $DURATION, over $HOT deployments):"
printf "  %-6s %8s/s  p50 %6s ms  p99 %6s ms\n" empty "$RPS_EMPTY" "$P50_EMPTY" "$P99_EMPTY"
printf "  %-6s %8s/s  p50 %6s ms  p99 %6s ms\n" full "$RPS_FULL" "$P50_FULL" "$P99_FULL"
awk -v a="$P50_EMPTY" -v b="$P50_FULL" -v c="$P99_EMPTY" -v d="$P99_FULL" \
    'BEGIN { printf "  full / empty: p50 %.2fx, p99 %.2fx (target: within 1.5x)\n", b / a, d / c }'
echo
echo "dashboard lists ($RUNS requests each; target < 50 ms):"
sed 's/^/  /' "$WORK/lists"
echo
echo "retention sweep of one day: $SWEEP s (target < 1 s): $(cat "$WORK/sweep.json")"
echo "  ingest during it: $n_during batches, longest $max_during ms (target < 100 ms); p99 before it $p99_before ms; non-200 overall: $BAD"
