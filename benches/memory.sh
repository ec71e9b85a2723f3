#!/usr/bin/env bash
# Memory per request and health-probe latency under the largest bodies the limits allow (the
# hardening issue's memory finding).
#
#   benches/memory.sh
#
# What it does, in one run, against `rollguard serve` on a SQLite file in a temp dir (loopback):
#   1. generates two bodies just under --max-body-bytes (16 MiB by default) with python3: an
#      evaluation document of bare numbers (error_rate, latency_p99, conversion_rate: the
#      densest shape, so the most points per byte), and a replay request of many deployments
#      of 1,440 points per metric under `guarded` and `seed`;
#   2. idle RSS: starts the server, makes one small request, waits, reads VmRSS;
#   3. sends CONCURRENCY (default 12) `POST /v1/evaluate` of the 16 MiB document at once (curl),
#      sampling VmRSS every 10 ms; peak RSS is the larger of the samples' maximum and VmHWM;
#   4. settled RSS: VmRSS SETTLE seconds (default 5) after the last answer;
#   5. `GET /healthz` over one kept-alive connection (python3), as fast as answers come, while
#      the 16 MiB replay is uploaded, parsed and run (until `GET /v1/replays/{id}` is no longer
#      `running`); prints p50, p99 and max.
# Then prints the figures and whether each target is met: peak - idle below 3x the bytes of the
# bodies in flight, settled within 50 MB of idle, /healthz p99 below 50 ms.
# The server is stopped and the temp dir removed on exit. Takes about a minute once built.
#
# Environment: ROLLGUARD_BIN (a prebuilt binary: skips the build), BENCH_REV (build that commit
# from a clean export), CONCURRENCY (default 12), BODY_BYTES (default 16 MiB minus 1 KiB),
# SETTLE (seconds, default 5), QUIET_WAIT (default 15), SERVE_ARGS (extra `serve` flags, e.g. "--max-body-bytes-in-flight
# 67108864"), EXTRA_ENV (extra environment for the server, e.g. "MALLOC_ARENA_MAX=2").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=$(mktemp -d /tmp/rg-bench-memory.XXXXXX)
CONCURRENCY=${CONCURRENCY:-12}
BODY_BYTES=${BODY_BYTES:-$((16 * 1024 * 1024 - 1024))}
SETTLE=${SETTLE:-5}
SERVE_ARGS=${SERVE_ARGS:-}
EXTRA_ENV=${EXTRA_ENV:-}

# shellcheck source=service_common.sh
source "$ROOT/benches/service_common.sh"

SAMPLER=
cleanup() {
    [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_release

# --- bodies ----------------------------------------------------------------------------------
python3 - "$WORK" "$BODY_BYTES" <<'PY'
import json, random, sys

work, limit = sys.argv[1], int(sys.argv[2])
rng = random.Random(11)

# Evaluate: bare numbers, as many as fit. Written by hand (not json.dumps of a huge list) so the
# size is exact and generation is quick.
metrics = [("error_rate", lambda: f"{rng.uniform(0.1, 2.0):.2f}"),
           ("latency_p99", lambda: f"{rng.gauss(220, 15):.1f}"),
           ("conversion_rate", lambda: f"{rng.uniform(0.028, 0.032):.4f}")]
share = (limit - 200) // len(metrics)
parts = []
for name, gen in metrics:
    vals, size = [], 0
    while size < share - 16:
        v = gen()
        vals.append(v)
        size += len(v) + 1
    parts.append(f'"{name}":[' + ",".join(vals) + "]")
body = '{"policy":"seed","metrics":{' + ",".join(parts) + "}}"
assert len(body) <= limit, len(body)
open(f"{work}/evaluate.json", "w").write(body)
print(f"evaluate body: {len(body)} bytes, {sum(p.count(',') + 1 for p in parts)} points",
      file=sys.stderr)

# Replay: deployments of 1,440 one-minute steps, a quarter regressing at the end.
deps, size, d = [], 0, 0
while True:
    n = 1440
    regress = d % 4 == 0
    err = [round(rng.uniform(6, 9) if regress and i >= n - 30 else rng.uniform(0.2, 2), 2)
           for i in range(n)]
    lat = [round(abs(rng.gauss(420 if regress and i >= n - 30 else 220, 15)), 1) for i in range(n)]
    conv = [round(rng.uniform(0.028, 0.032), 4) for i in range(n)]
    dep = json.dumps({"key": f"svc{d % 20}.production.{d}",
                      "outcome": "rolled_back" if regress else "promoted",
                      "metrics": {"error_rate": err, "latency_p99": lat,
                                  "conversion_rate": conv}}, separators=(",", ":"))
    if size + len(dep) + 1 > limit - 100:
        break
    deps.append(dep)
    size += len(dep) + 1
    d += 1
body = '{"policies":["guarded","seed"],"deployments":[' + ",".join(deps) + "]}"
assert len(body) <= limit, len(body)
open(f"{work}/replay.json", "w").write(body)
print(f"replay body: {len(body)} bytes, {len(deps)} deployments x 3 metrics x 1440 points",
      file=sys.stderr)
PY
EVAL_BYTES=$(stat -c %s "$WORK/evaluate.json")

cat >"$WORK/healthz.py" <<'PY'
# GET /healthz on one kept-alive connection until the stop file exists; prints latencies in ms.
import http.client, os, sys, time
host, port, stop, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
conn = http.client.HTTPConnection(host, port, timeout=30)
lat = []
while not os.path.exists(stop) or len(lat) < 200:
    t = time.perf_counter()
    conn.request("GET", "/healthz")
    r = conn.getresponse()
    r.read()
    lat.append((time.perf_counter() - t) * 1000)
    if r.status != 200:
        print(f"healthz answered {r.status}", file=sys.stderr)
    time.sleep(0.002)
open(out, "w").write("\n".join(f"{x:.3f}" for x in lat) + "\n")
PY

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# --- server ----------------------------------------------------------------------------------
start_server_with() {
    local port
    port=$(free_port)
    : >"$WORK/server.out"
    # shellcheck disable=SC2086
    env $EXTRA_ENV DATABASE_URL="sqlite://$WORK/bench.db" ROLLGUARD_LOG=warn \
        "$BIN" serve --listen "127.0.0.1:$port" $SERVE_ARGS \
        >"$WORK/server.out" 2>>"$WORK/server.err" &
    SERVER_PID=$!
    PORT=$port
    wait_listening "sqlite"
}
start_server_with
# QUIET_WAIT=0 measures at once, without waiting for other benches or an idle machine.
if [ "${QUIET_WAIT:-15}" = 0 ]; then IDLE=$(idle_percent 1); else QUIET_WAIT=${QUIET_WAIT:-15} wait_for_quiet; fi
IDLE_PCT=$IDLE

# --- idle ------------------------------------------------------------------------------------
curl -sf -o /dev/null -X POST "$BASE/v1/evaluate" -H 'content-type: application/json' \
    -d '{"metrics":{"error_rate":[0.4,0.7,6.2]}}'
sleep 1
IDLE_RSS=$(rss_kb)
log "idle RSS $(mb "$IDLE_RSS") MB"

# --- concurrent evaluates --------------------------------------------------------------------
# Samples VmRSS every 10 ms into file $1, keeping the largest.
sample_peak() {
    ( peak=0; while :; do
          r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
          (( r > peak )) && { peak=$r; echo "$peak" >"$1"; }
          sleep 0.01
      done ) &
    SAMPLER=$!
}
sample_peak "$WORK/peak"
log "$CONCURRENCY concurrent POST /v1/evaluate of $EVAL_BYTES bytes"
t0=$(now)
pids=()
for i in $(seq 1 "$CONCURRENCY"); do
    curl -s -o "$WORK/eval-$i.out" -w '%{http_code}\n' -X POST "$BASE/v1/evaluate" \
        -H 'content-type: application/json' --data-binary "@$WORK/evaluate.json" \
        >"$WORK/eval-$i.code" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
t1=$(now)
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=
CODES=$(sort "$WORK"/eval-*.code | uniq -c | awk '{ printf "%s%sx%s", sep, $1, $2; sep=" " }')
SAMPLED=$(cat "$WORK/peak" 2>/dev/null || echo 0)
HWM=$(hwm_kb)
PEAK=$(( SAMPLED > HWM ? SAMPLED : HWM ))
ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
log "answers: $CODES in $ELAPSED s; peak RSS $(mb "$PEAK") MB"
sleep "$SETTLE"
SETTLED=$(rss_kb)
log "settled RSS $(mb "$SETTLED") MB"

# --- /healthz during the largest replay ------------------------------------------------------
REPLAY_BYTES=$(stat -c %s "$WORK/replay.json")
python3 "$WORK/healthz.py" 127.0.0.1 "$PORT" "$WORK/stop" "$WORK/healthz.ms" &
HZ=$!
sleep 0.5
log "POST /v1/replays of $REPLAY_BYTES bytes while polling /healthz"
BEFORE_REPLAY=$(rss_kb)
sample_peak "$WORK/replay_peak"
r0=$(now)
curl -s -o "$WORK/replay.out" -w '%{http_code}' -X POST "$BASE/v1/replays" \
    -H 'content-type: application/json' --data-binary "@$WORK/replay.json" >"$WORK/replay.code"
RID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("id", ""))' "$WORK/replay.out" 2>/dev/null || true)
STATUS="not started ($(cat "$WORK/replay.code"))"
if [ -n "$RID" ]; then
    for _ in $(seq 1 1200); do
        STATUS=$(curl -s "$BASE/v1/replays/$RID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
        [ "$STATUS" != running ] && break
        sleep 0.1
    done
fi
r1=$(now)
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=
REPLAY_PEAK=$(cat "$WORK/replay_peak" 2>/dev/null || echo 0)
touch "$WORK/stop"
wait "$HZ"
REPLAY_SECS=$(awk -v a="$r0" -v b="$r1" 'BEGIN { printf "%.1f", b - a }')
read -r N P50 P99 MAX < <(sort -g "$WORK/healthz.ms" | awk '{ a[NR] = $1 } END {
    i50 = int(0.50 * NR + 0.999); i99 = int(0.99 * NR + 0.999)
    printf "%d %.2f %.2f %.2f\n", NR, a[i50], a[i99], a[NR] }')
AFTER_REPLAY=$(rss_kb)
REPLAY_HWM=$(hwm_kb)

# --- report ----------------------------------------------------------------------------------
INFLIGHT=$(( CONCURRENCY * EVAL_BYTES ))
GROWTH_KB=$(( PEAK - IDLE_RSS ))
ok() { if [ "$1" = 1 ]; then echo met; else echo "NOT met"; fi; }
echo
echo "memory: rollguard serve (SQLite, loopback), $BUILD_DESC"
[ -n "$SERVE_ARGS$EXTRA_ENV" ] && echo "server: $EXTRA_ENV serve $SERVE_ARGS"
echo "machine: $(nproc) cores (shared), $(uname -sm); idle before the run: $IDLE_PCT%"
echo
printf '%-46s %s\n' "$CONCURRENCY x POST /v1/evaluate of" "$EVAL_BYTES bytes ($(mb $((INFLIGHT / 1024))) MB in flight): $CODES in $ELAPSED s"
printf '%-46s %6s MB\n' "idle RSS" "$(mb "$IDLE_RSS")"
printf '%-46s %6s MB  (+%s MB = %.2fx the bodies in flight)\n' "peak RSS" "$(mb "$PEAK")" \
    "$(mb "$GROWTH_KB")" "$(awk -v g="$GROWTH_KB" -v b="$INFLIGHT" 'BEGIN { print g * 1024 / b }')"
printf '%-46s %6s MB  (%+d MB from idle)\n' "settled RSS (${SETTLE} s after)" "$(mb "$SETTLED")" \
    "$(mb $((SETTLED - IDLE_RSS)))"
printf '%-46s %s\n' "POST /v1/replays of" "$REPLAY_BYTES bytes (guarded, seed): $(cat "$WORK/replay.code") then $STATUS after $REPLAY_SECS s"
printf '%-46s %s ms / %s ms (max %s ms, %s calls)\n' "/healthz p50 / p99 during the replay" "$P50" "$P99" "$MAX" "$N"
printf '%-46s %6s MB  (+%s MB over the RSS before it = %.2fx its body)\n' "peak RSS during the replay" "$(mb "$REPLAY_PEAK")" \
    "$(mb $((REPLAY_PEAK - BEFORE_REPLAY)))" "$(awk -v g="$((REPLAY_PEAK - BEFORE_REPLAY))" -v b="$REPLAY_BYTES" 'BEGIN { print g * 1024 / b }')"
printf '%-46s %6s MB  (VmHWM over the run %s MB)\n' "RSS after the replay" "$(mb "$AFTER_REPLAY")" "$(mb "$REPLAY_HWM")"
echo
echo "targets:"
echo "  peak growth below 3x the bodies in flight: $(ok "$(awk -v g="$GROWTH_KB" -v b="$INFLIGHT" 'BEGIN { print (g * 1024 < 3 * b) ? 1 : 0 }')")"
echo "  settled within 50 MB of idle:              $(ok "$(awk -v s="$SETTLED" -v i="$IDLE_RSS" 'BEGIN { print (s - i < 50 * 1024) ? 1 : 0 }')")"
echo "  /healthz p99 below 50 ms:                  $(ok "$(awk -v p="$P99" 'BEGIN { print (p < 50) ? 1 : 0 }')")"
