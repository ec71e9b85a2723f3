#!/usr/bin/env bash
# Times the numpy reference (tests/reference/seed_rules.py, `should_rollback`) and rollguard's
# `evaluate` with the seed policy on the same series lengths, in one run, and prints a table:
# size, numpy µs/eval, rollguard µs/eval, speed-up (numpy / rollguard).
#
#   benches/compare_reference.sh            # from anywhere in the repository
#
# numpy: Python's timeit, best of REPEATS repeats, each repeat long enough for ~0.2 s (timeit's
#        autorange); inputs are numpy float64 arrays built beforehand (np.asarray is then free),
#        noisy Gaussian data of the same distribution as the bench's `noisy` shape.
# rollguard: the criterion bench `evaluate/noisy/<n>` (benches/evaluate.rs) with a short
#        warm-up and measurement; the figure is criterion's mean estimate (mean.point_estimate).
#        Its results go to target/criterion-compare, so a full `cargo bench` run in
#        target/criterion is left untouched.
#
# Environment: PYTHON (default: .venv/bin/python if present, else python3), REPEATS (default 7),
# WARM_UP (s, default 1), MEASURE (s, default 2). Takes well under 3 minutes once the bench is
# built (`cargo bench --bench evaluate --no-run`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SIZES=(60 1440 10000 100000)
REPEATS="${REPEATS:-7}"
WARM_UP="${WARM_UP:-1}"
MEASURE="${MEASURE:-2}"

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then
        PYTHON="$ROOT/.venv/bin/python"
    else
        PYTHON="python3"
    fi
fi
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "error: Python interpreter '$PYTHON' not found" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import numpy' >/dev/null 2>&1; then
    echo "error: numpy is not importable by $PYTHON." >&2
    echo "       Create the venv: python3 -m venv .venv && .venv/bin/pip install numpy" >&2
    exit 1
fi

echo "machine: $(nproc) cores, $(uname -sm); $("$PYTHON" -c 'import sys, numpy; print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}")'); $(rustc --version)"

# --- numpy reference -----------------------------------------------------------------------
NUMPY_OUT="$(mktemp)"
trap 'rm -f "$NUMPY_OUT"' EXIT
echo "timing numpy should_rollback (best of $REPEATS repeats)..." >&2
"$PYTHON" - "$REPEATS" "${SIZES[@]}" >"$NUMPY_OUT" <<'PY'
import sys, timeit, warnings
import numpy as np

sys.path.insert(0, "tests/reference")
from seed_rules import should_rollback

warnings.simplefilter("ignore")
repeats = int(sys.argv[1])
for n in map(int, sys.argv[2:]):
    rng = np.random.default_rng(0x5EED + n)
    # Same distribution as the bench's "noisy" shape (error %, p99 ms, conversion fraction).
    err = np.clip(rng.normal(1.0, 0.3, n), 0.0, 100.0)
    lat = np.clip(rng.normal(200.0, 20.0, n), 0.0, None)
    conv = np.clip(rng.normal(0.030, 0.002, n), 0.0, 1.0)
    current, baseline = float(conv[-1]), 0.031
    timer = timeit.Timer(lambda: should_rollback(err, lat, current, baseline))
    number, _ = timer.autorange()
    best = min(timer.repeat(repeat=repeats, number=number)) / number
    print(n, best * 1e6)
PY

# --- rollguard (criterion) -----------------------------------------------------------------
export CRITERION_HOME="$ROOT/target/criterion-compare"
rm -rf "$CRITERION_HOME/evaluate/noisy"
echo "timing rollguard evaluate (criterion, evaluate/noisy, warm-up ${WARM_UP}s, measurement ${MEASURE}s)..." >&2
cargo bench --bench evaluate -- '^evaluate/noisy/' \
    --warm-up-time "$WARM_UP" --measurement-time "$MEASURE" --noplot >&2

# --- table ---------------------------------------------------------------------------------
"$PYTHON" - "$CRITERION_HOME" "$NUMPY_OUT" "${SIZES[@]}" <<'PY'
import json, os, sys

home, numpy_out, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
numpy_us = {}
for line in open(numpy_out):
    n, us = line.split()
    numpy_us[int(n)] = float(us)

print()
print(f"{'size':>8} | {'numpy µs/eval':>14} | {'rollguard µs/eval':>17} | {'speed-up':>9}")
print(f"{'-' * 8}-+-{'-' * 14}-+-{'-' * 17}-+-{'-' * 9}")
missing = False
for n in sizes:
    path = os.path.join(home, "evaluate", "noisy", str(n), "new", "estimates.json")
    try:
        with open(path) as f:
            rust_us = json.load(f)["mean"]["point_estimate"] / 1e3
    except (OSError, KeyError, ValueError) as e:
        print(f"error: no criterion estimate for size {n} ({path}): {e}", file=sys.stderr)
        missing = True
        continue
    np_us = numpy_us[n]
    print(f"{n:>8} | {np_us:>14.3f} | {rust_us:>17.4f} | {np_us / rust_us:>8.0f}×")
sys.exit(1 if missing else 0)
PY
