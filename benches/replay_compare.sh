#!/usr/bin/env bash
# Replay throughput, rollguard against the numpy reference, measured in one run.
#
# numpy: replays by re-evaluating every prefix with tests/reference/seed_rules.py's
#        should_rollback (the only way the reference can answer "what would it have said at each
#        step"), over DEPLOYMENTS deployments × 1,440 points; steps per second.
# rollguard: the criterion bench `replay/full_walk` (benches/replay.rs): 10,000 deployments ×
#        1,440 points, every step evaluated, one core; steps per second from criterion's mean.
#
#   benches/replay_compare.sh        # about two minutes once the bench is built
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo "$ROOT/.venv/bin/python" || echo python3 )}"
"$PYTHON" -c 'import numpy' 2>/dev/null || { echo "numpy missing: python3 -m venv .venv && .venv/bin/pip install numpy" >&2; exit 1; }
DEPLOYMENTS="${DEPLOYMENTS:-3}"

numpy_rate=$(cd tests/reference && "$PYTHON" - "$DEPLOYMENTS" <<'PY'
import sys, time, warnings
import numpy as np
from seed_rules import should_rollback
warnings.simplefilter("ignore")
rng = np.random.default_rng(7)
deployments, n = int(sys.argv[1]), 1440
steps, t0 = 0, time.perf_counter()
for _ in range(deployments):
    err = np.maximum(0.5 + 0.2 * rng.standard_normal(n), 0)
    lat = 250 + 12.5 * rng.standard_normal(n)
    conv = 0.031 * (1 + 0.05 * rng.standard_normal(n))
    for k in range(1, n + 1):
        should_rollback(err[:k], lat[:k], conv[k - 1], 0.031)
        steps += 1
print(steps / (time.perf_counter() - t0))
PY
)

cargo bench --bench replay -- --warm-up-time 2 --measurement-time 20 full_walk >/dev/null 2>&1
mean_ns=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["mean"]["point_estimate"])' target/criterion/replay/full_walk/new/estimates.json)
rg_rate=$("$PYTHON" -c "print(10000 * 1440 / ($mean_ns / 1e9))")

printf 'machine: %s cores, %s\n' "$(nproc)" "$(rustc --version)"
printf '%-34s %16s\n' "replay" "steps/s"
printf '%-34s %16.0f\n' "numpy reference (prefixes)" "$numpy_rate"
printf '%-34s %16.0f\n' "rollguard (full walk, one core)" "$rg_rate"
printf '%-34s %15.0fx\n' "speed-up" "$("$PYTHON" -c "print($rg_rate / $numpy_rate)")"
