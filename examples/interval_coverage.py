#!/usr/bin/env python3
"""How often the interval `compare` reports excludes the truth, asked at every minute.

For each healthy deployment of a production-shaped corpus (examples/prod_corpus.rs, with its
baseline cohort) whose canary takes at least --min-rpm requests a minute, evaluates every prefix
of its series (minutes 2, 3, …, 90) with `rollguard evaluate --policy compare`, as a controller
asking each minute would see it, and reads the latency rule's interval for the canary's p99 over
the baseline's. A healthy canary's p99 is the baseline's in distribution, so its true ratio is 1
wherever both p99s come from 100 requests or more (below that a nearest-rank p99 is the maximum of
the minute's requests, biased low, and the truth is below 1: hence the default --min-rpm 300).
Prints the share of deployments whose interval ever excluded 1, which the interval's level (the
rule's share of alpha, 1 %/3) should bound, and the median width of the interval (as the factor
f of "ratio ×/÷ f") after 10, 30 and 90 minutes. `--rule error_rate` and `--rule conversion`
read those rules' intervals instead (counts): both cohorts of a healthy deployment share their
probabilities, so the truth is a difference of 0 points and a ratio of 1 at every traffic
(`--min-rpm 0`).

    target/release/examples/prod_corpus --deployments 1000 --seed 1 > corpus.ndjson
    python3 examples/interval_coverage.py corpus.ndjson --rollguard target/release/rollguard

Standard library only.
"""

import argparse
import json
import math
import statistics
import subprocess
import sys


def prefix(series, stamps):
    return [p for p in series if p["ts"] in stamps]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--rollguard", default="target/release/rollguard")
    ap.add_argument("--min-rpm", type=float, default=300.0)
    ap.add_argument("--first", type=int, default=2, help="first minute asked")
    ap.add_argument(
        "--rule",
        choices=["latency", "error_rate", "conversion"],
        default="latency",
        help="whose interval: a healthy canary's true effect is a ratio of 1 (latency, "
        "conversion) or a difference of 0 points (error rate)",
    )
    a = ap.parse_args()

    truth = 0.0 if a.rule == "error_rate" else 1.0
    healthy = missed = asked = 0
    first_miss = []
    widths = {10: [], 30: [], 90: []}
    with open(a.corpus) as f:
        for line in f:
            d = json.loads(line)
            if d.get("outcome") != "promoted" or d.get("canary_rpm", 0) < a.min_rpm:
                continue
            if "baseline" not in d.get("cohorts", {}):
                raise SystemExit("the corpus has no baseline cohort")
            healthy += 1
            stamps = sorted({p["ts"] for p in d["metrics"]["latency_p99"]})
            missed_here = False
            for k in range(a.first, len(stamps) + 1):
                keep = set(stamps[:k])
                doc = {
                    "metrics": {m: prefix(s, keep) for m, s in d["metrics"].items()},
                    "cohorts": {
                        c: {m: prefix(s, keep) for m, s in ms.items()}
                        for c, ms in d["cohorts"].items()
                    },
                }
                out = subprocess.run(
                    [a.rollguard, "evaluate", "--policy", "compare", "-"],
                    input=json.dumps(doc),
                    capture_output=True,
                    text=True,
                )
                if out.returncode == 2:
                    raise SystemExit(f"{d['key']}: {out.stdout}{out.stderr}")
                verdict = json.loads(out.stdout)
                rule = next(r for r in verdict["rules"] if r["rule"] == a.rule)
                c = rule.get("comparison")
                if c is None:
                    continue
                asked += 1
                if k in widths:
                    widths[k].append(
                        (c["effect_high"] - c["effect_low"]) / 2
                        if a.rule == "error_rate"
                        else math.sqrt(c["effect_high"] / max(c["effect_low"], 1e-300))
                    )
                if not missed_here and not c["effect_low"] <= truth <= c["effect_high"]:
                    missed_here = True
                    missed += 1
                    first_miss.append(k)
    if not healthy:
        raise SystemExit(f"no healthy deployment at {a.min_rpm:g} requests a minute or more")
    print(
        f"{healthy} healthy deployments at >= {a.min_rpm:g} requests a minute, {asked} intervals "
        f"read: the {a.rule} interval ever excluded {truth:g} for {missed} "
        f"({100 * missed / healthy:.1f} %)"
        + (f", first at minutes {sorted(first_miss)}" if first_miss else "")
    )
    width = "half-width (points)" if a.rule == "error_rate" else "width (ratio ×/÷ f)"
    print(
        f"median {width}: "
        + ", ".join(
            f"{k} minutes {statistics.median(w):.2f}" for k, w in widths.items() if w
        )
    )


if __name__ == "__main__":
    sys.exit(main())
