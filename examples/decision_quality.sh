#!/usr/bin/env bash
# Regenerates the table in docs/decision-quality.md: generates the labelled corpus, replays it
# under `seed`, `guarded` and `compare` (every point, as a controller polling each minute would), and
# scores the result.
#
#   examples/decision_quality.sh [DEPLOYMENTS] [SEED]      # defaults: 5000 deployments, seed 1
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-5000}" seed="${2:-1}"
out=target/decision-quality
mkdir -p "$out"
cargo build -q --release --bin rollguard --example corpus
target/release/examples/corpus --deployments "$n" --points 90 --seed "$seed" > "$out/corpus.ndjson"
target/release/rollguard replay "$out/corpus.ndjson" --policy seed --policy guarded --policy compare --json > "$out/replay.json"
target/release/rollguard replay "$out/corpus.ndjson" --policy seed --policy guarded --policy compare | head -5
echo
python3 examples/decision_quality.py "$out/replay.json" "$out/corpus.ndjson"
