#!/usr/bin/env bash
# Kayenta remote judge latency under concurrent load: wrk POSTs one RemoteJudgeRequest to
# /v1/kayenta/judge, over and over, on a release `rollguard serve` with a SQLite file (the
# judge reads no store for a built-in policy and writes nothing).
#
#   benches/kayenta_load.sh
#
# The request has three metrics (error rate, p99 latency, conversion) with control and
# experiment series of POINTS one-minute points each (default 360: a 6-hour canary, the long end
# of Spinnaker's guidance), every tenth experiment point "NaN", judged by `compare`.
# Environment: ROLLGUARD_BIN (a prebuilt binary; default target/release/rollguard, built when
# missing), POINTS, DURATION (default 15s), CONNECTIONS (default "8 32"), THREADS (default 2).
# Prints wrk's latency distribution per connection count, and checks every answer was a 200.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=$(mktemp -d /tmp/rg-bench-kayenta.XXXXXX)
POINTS=${POINTS:-360}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-"8 32"}
THREADS=${THREADS:-2}
BIN=${ROLLGUARD_BIN:-$ROOT/target/release/rollguard}
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release -q)

python3 - "$POINTS" >"$WORK/request.json" <<'PY'
import json, random, sys
n = int(sys.argv[1])
rng = random.Random(7)
def series(mean, spread, nan_every=0):
    return ["NaN" if nan_every and i % nan_every == 0 else round(mean + rng.uniform(-spread, spread), 6)
            for i in range(n)]
scope = {"startTimeIso": "2026-12-01T10:00:00Z", "startTimeMillis": 1796119200000, "stepMillis": 60000}
pairs = [
    ("error_rate", 0.5, 0.2), ("latency_p99", 200.0, 15.0), ("conversion_rate", 0.05, 0.005),
]
print(json.dumps({
    "canaryConfig": {"name": "load", "judge": {"name": "RemoteJudge-v1.0", "judgeConfigurations": {}},
                     "metrics": [{"name": m, "groups": [m]} for m, _, _ in pairs]},
    "scoreThresholds": {"pass": 95.0, "marginal": 75.0},
    "metricSetPairList": [
        {"name": m, "id": m, "tags": {}, "values": {"control": series(mu, sd), "experiment": series(mu, sd, 10)},
         "scopes": {"control": scope, "experiment": scope}} for m, mu, sd in pairs],
}))
PY

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATABASE_URL="sqlite://$WORK/rollguard.db" ROLLGUARD_LOG=warn "$BIN" serve --listen "127.0.0.1:$PORT" \
    2>"$WORK/serve.log" &
PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done
answer=$(curl -fsS -X POST "$BASE/v1/kayenta/judge" -H 'content-type: application/json' \
    --data-binary @"$WORK/request.json")
echo "request: $(wc -c <"$WORK/request.json") bytes, 3 metrics x $POINTS points; answer: $(
    python3 -c 'import json,sys; a=json.load(sys.stdin); print(a["rollguard"], a["score"]["score"])' <<<"$answer")"

cat >"$WORK/judge.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/request.json")
wrk.body = f:read("*a")
f:close()
non200 = 0
function response(status) if status ~= 200 then non200 = non200 + 1 end end
function done(summary, latency, requests)
  io.write(string.format("kayenta_load: requests %d, non-2xx %d, errors %d\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
wrk -t "$THREADS" -c 8 -d 3s -s "$WORK/judge.lua" "$BASE/v1/kayenta/judge" >/dev/null  # warm-up
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), nproc $(nproc)"
for c in $CONNECTIONS; do
    echo "== $c connections, $THREADS threads, $DURATION"
    wrk -t "$THREADS" -c "$c" -d "$DURATION" --latency -s "$WORK/judge.lua" "$BASE/v1/kayenta/judge" \
        | grep -E "Requests/sec|Latency|50%|90%|99%|kayenta_load"
done
