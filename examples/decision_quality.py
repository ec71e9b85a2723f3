"""Scores a replay of a labelled corpus (the output of `rollguard replay --json`) and prints the
decision-quality table of docs/decision-quality.md as Markdown.

    python3 examples/decision_quality.py REPLAY.json CORPUS.ndjson

Per policy: false rollbacks on healthy deployments, incidents caught at or after their onset
(overall and per injected regression), rollbacks that came before the onset, and the median
and p90 detection delay in points (= minutes: the corpus is polled once a minute).
Standard library only.
"""
import json
import math
import sys
from collections import Counter

replay = json.load(open(sys.argv[1]))
kinds = {}
for line in open(sys.argv[2]):
    d = json.loads(line)
    kinds[d["key"]] = (d.get("regression") or {}).get("metric")

labels = {"error_rate": "error rate +5–10 pts", "latency_p99": "latency +3–6σ",
          "conversion_rate": "conversion −25–50 %"}


def pct(n, d):
    return f"{100 * n / d:.1f} % ({n}/{d})" if d else "–"


def nearest_rank(xs, p):
    xs = sorted(xs)
    return xs[max(1, math.ceil(p * len(xs))) - 1] if xs else None


rows = []
for policy in replay["policies"]:
    healthy = fired_healthy = 0
    caught, total, early, delays = Counter(), Counter(), 0, []
    for d in replay["deployments"]:
        r = d["results"][policy]
        step = r["first_rollback_step"]
        if d["outcome"] == "promoted":
            healthy += 1
            fired_healthy += step is not None
        elif d["outcome"] == "rolled_back":
            k = kinds[d["key"]]
            total[k] += 1
            if step is not None and step >= d["onset_step"]:
                caught[k] += 1
                delays.append(step - d["onset_step"])
            elif step is not None:
                early += 1
    rows.append((policy, pct(fired_healthy, healthy), pct(sum(caught.values()), sum(total.values())),
                 *[pct(caught[k], total[k]) for k in labels], str(early),
                 str(nearest_rank(delays, 0.5)), str(nearest_rank(delays, 0.9))))

header = ("policy", "false rollbacks (healthy)", "incidents caught", *labels.values(),
          "fired before onset", "median delay", "p90 delay")
print("| " + " | ".join(header) + " |")
print("|" + "---|" * len(header))
for row in rows:
    print("| " + " | ".join(row) + " |")
