#!/usr/bin/env bash
# Decision quality on the production-shaped corpus (examples/prod_corpus.rs): generates it,
# replays it at every point (as a controller polling each minute would) and scores the result
# with examples/prod_quality.py, by traffic band and regression kind.
#
#   examples/prod_quality.sh [DEPLOYMENTS] [SEED] [-- CORPUS_FLAGS...]   # defaults: 1000, seed 1
#   POLICIES="seed guarded compare" examples/prod_quality.sh           # policies: names or files
#   examples/prod_quality.sh 1000 1 -- --no-counts                     # for a binary without `count`
#   examples/prod_quality.sh 1000 1 -- --no-baseline                   # canary series only
#
# POLICIES defaults to "seed guarded". Each deployment a policy never rolls back is evaluated
# whole once more (`rollguard evaluate`) to tell "inconclusive" from "pass" at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}" seed="${2:-1}"
shift $(($# < 2 ? $# : 2))
[ "${1:-}" = "--" ] && shift
read -r -a policies <<< "${POLICIES:-seed guarded}"
out=target/prod-quality
mkdir -p "$out"
cargo build -q --release --bin rollguard --example prod_corpus
target/release/examples/prod_corpus --deployments "$n" --points 90 --seed "$seed" "$@" > "$out/corpus.ndjson"
# Replay reads outcome, onset_step and regression but rejects other labels (canary_rpm).
python3 examples/prod_quality.py --strip "$out/corpus.ndjson" > "$out/replay-input.ndjson"
policy_args=()
for p in "${policies[@]}"; do policy_args+=(--policy "$p"); done
target/release/rollguard replay "$out/replay-input.ndjson" "${policy_args[@]}" --json > "$out/replay.json"
python3 examples/prod_quality.py "$out/replay.json" "$out/corpus.ndjson" \
    --rollguard target/release/rollguard "${policy_args[@]}"
