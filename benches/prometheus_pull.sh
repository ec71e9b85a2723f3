#!/usr/bin/env bash
# Latency of a verdict that pulls one minute of new data from a local Prometheus (issue 17), on
# SQLite and on Postgres, next to the same verdict on pushed points.
#
#   benches/prometheus_pull.sh
#
# What it does, in one run:
#   1. builds the release binary (benches/service_common.sh), starts Debian's `prometheus` on a
#      free port with a temp data dir backfilled by `promtool tsdb create-blocks-from
#      openmetrics`: one service, a canary and a baseline version, 10 requests/s with 1 % 5xx
#      and a latency histogram, sampled every 15 s for the last 20 minutes;
#   2. for each backend, starts `rollguard serve`, creates the source and the `http` preset for
#      the environment `production` (4 series: error rate and p99, canary and baseline, each a
#      value and a count query);
#   3. for VERDICTS deployments in turn: PUT the deployment with `started_at` one minute before
#      the current minute, then POST one verdict, timed from a keep-alive connection. That
#      verdict's pull reads the one minute since `started_at` (2 steps per series: 8
#      `query_range` calls), stores the points through ingest, records its mark, judges and
#      records the verdict: the work of a controller's next measurement one minute after the
#      previous one. The verdicts whose pull was not `pulled` are counted and excluded;
#   4. the same on deployments in another environment (no template set) given the same points
#      by a push beforehand, for comparison;
#   5. prints p50, p90, p99 and max per backend and kind.
# Environment: ROLLGUARD_BIN (a prebuilt binary), VERDICTS (default 300), BACKENDS (default
# "sqlite postgres"), BENCH_DB (default rg_bench_prom). Takes about a minute once built.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=$(mktemp -d /tmp/rg-bench-prom.XXXXXX)
VERDICTS=${VERDICTS:-300}
BACKENDS=${BACKENDS:-"sqlite postgres"}
BENCH_DB=${BENCH_DB:-rg_bench_prom}
PROM_PID=

# shellcheck source=service_common.sh
source "$ROOT/benches/service_common.sh"

cleanup() {
    stop_server
    if [ -n "$PROM_PID" ]; then kill "$PROM_PID" 2>/dev/null || true; wait "$PROM_PID" 2>/dev/null || true; fi
    drop_db "$BENCH_DB"
    rm -rf "$WORK"
}
trap cleanup EXIT

build_release
log "binary: $BUILD_DESC"

# --- Prometheus with 20 minutes of history ------------------------------------------------------
python3 - "$WORK/history.om" <<'EOF'
import sys, time
now = int(time.time()) // 15 * 15
start = now - 20 * 60
out = []
times = list(range(start, now + 1, 15))
out.append("# TYPE http_requests_total gauge")
for version in ("v1", "v2"):
    for code, frac in (("200", 0.99), ("500", 0.01)):
        for i, t in enumerate(times):
            out.append(f'http_requests_total{{service="bench",version="{version}",code="{code}"}} {150 * frac * i} {t}')
out.append("# TYPE http_request_duration_seconds_bucket gauge")
for version in ("v1", "v2"):
    for le, frac in (("0.05", 0.5), ("0.1", 0.98), ("0.2", 1.0), ("+Inf", 1.0)):
        for i, t in enumerate(times):
            out.append(f'http_request_duration_seconds_bucket{{service="bench",version="{version}",le="{le}"}} {150 * frac * i} {t}')
out.append("# TYPE http_request_duration_seconds_count gauge")
for version in ("v1", "v2"):
    for i, t in enumerate(times):
        out.append(f'http_request_duration_seconds_count{{service="bench",version="{version}"}} {150 * i} {t}')
out.append("# EOF")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF
mkdir -p "$WORK/prom-data"
promtool tsdb create-blocks-from openmetrics "$WORK/history.om" "$WORK/prom-data" >/dev/null
printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' >"$WORK/prometheus.yml"
PROM_PORT=$(free_port)
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prom-data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=error >/dev/null 2>&1 &
PROM_PID=$!
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null && break
    sleep 0.1
done
log "prometheus $(prometheus --version 2>&1 | head -n 1 | awk '{print $3}') at 127.0.0.1:$PROM_PORT"

# --- the driver: one keep-alive connection, one request at a time -------------------------------
cat >"$WORK/drive.py" <<'EOF'
import http.client, json, sys, time, urllib.parse

base, prom, n, backend = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port)

def call(method, path, body=None):
    data = None if body is None else json.dumps(body)
    headers = {"Content-Type": "application/json"} if data is not None else {}
    t = time.perf_counter()
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    text = resp.read()
    elapsed = time.perf_counter() - t
    if resp.status >= 300:
        sys.exit(f"{method} {path}: {resp.status} {text[:300]}")
    return json.loads(text), elapsed

call("PUT", "/v1/sources/prom", {"url": prom})
call("PUT", "/v1/templates/environment/production", {"source": "prom", "preset": "http"})

def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]

results = {}
for kind in ("pulled", "pushed"):
    times, skipped, points = [], 0, 0
    for i in range(n):
        minute = int(time.time()) // 60 * 60
        key = f"{kind}.{i}"
        env = "production" if kind == "pulled" else "pushed"
        call("PUT", f"/v1/deployments/{key}", {"service": "bench", "environment": env,
             "version": "v2", "started_at": iso(minute - 60),
             "labels": {"baseline_version": "v1"}})
        if kind == "pushed":
            batch = [{"metric": m, "cohort": c, "ts": iso(minute - 60 * j), "value": v, "count": 600}
                     for m, v in (("error_rate", 1.0), ("latency_p99", 150.0))
                     for c in ("canary", "baseline") for j in (0, 1)]
            call("POST", f"/v1/deployments/{key}/points", {"points": batch})
        v, elapsed = call("POST", f"/v1/deployments/{key}/verdicts", {})
        if kind == "pulled":
            if v.get("pull", {}).get("status") != "pulled":
                skipped += 1
                continue
            points += v["pull"]["points"]
        times.append(elapsed * 1000)
    ms = lambda x: f"{x:.2f}"
    extra = f"  (points pulled per verdict: {points / max(1, len(times)):.1f}; not pulled: {skipped})" if kind == "pulled" else ""
    print(f"{backend:8} {kind:7} n={len(times):4}  p50 {ms(pct(times, .5))} ms  p90 {ms(pct(times, .9))} ms  "
          f"p99 {ms(pct(times, .99))} ms  max {ms(max(times))} ms{extra}")
EOF

for backend in $BACKENDS; do
    case $backend in
        sqlite) url="sqlite://$WORK/bench.db" ;;
        postgres)
            setup_postgres
            recreate_db "$BENCH_DB"
            url=$(db_url "$BENCH_DB")
            ;;
        *) echo "unknown backend $backend" >&2; exit 2 ;;
    esac
    start_server "$url"
    python3 "$WORK/drive.py" "$BASE" "http://127.0.0.1:$PROM_PORT" "$VERDICTS" "$backend"
    stop_server
done
