#!/usr/bin/env python3
"""Does `nearest_rank: true` hold for p99s interpolated from histogram buckets?

With `nearest_rank: true`, `compare`'s latency rule judges a minute in which the canary had
fewer than 100 requests by whether its p99 exceeded (1 + margin) × the baseline's, against
q = `max_exceeds_p99(n_c, n_b)`: the chance of that, with no margin, when both p99s are
nearest-rank order statistics of independent samples of one distribution. This script draws
both cohorts' requests from one log-normal distribution (a healthy canary), computes each
minute's p99 by nearest rank and as Prometheus's `histogram_quantile(0.99, …)` does (linear
interpolation inside the bucket that holds rank 0.99·n), and prints how often the canary's p99
exceeded (1 + margin) × the baseline's, beside q. A rate above q means the rule's null chance
does not hold for such p99s, and healthy canaries would be rolled back more often than alpha.

    /work/venv/bin/python examples/exceedance_histogram.py [--runs N] [--seed S]

Buckets: Prometheus's client default (5 ms … 10 s), and exponential ones of ratio 1.5 and 1.1.
The canary has n_c requests a minute, the baseline 10 n_c. numpy.
"""

import argparse
import math

import numpy as np

BUCKETS = {
    "prometheus default": np.array([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    "×1.5": 0.01 * 1.5 ** np.arange(25),
    "×1.1": 0.01 * 1.1 ** np.arange(80),
}


def max_exceeds_p99(n_c, n_b):
    k = math.ceil(0.99 * n_b)
    p = 1.0
    for i in range(n_c):
        p *= (k + i) / (n_b + 1 + i)
    return 1.0 - p


def nearest_rank(x):
    s = np.sort(x)
    return s[max(1, math.ceil(0.99 * len(s))) - 1]


def histogram_quantile(x, bounds):
    """Prometheus's histogram_quantile(0.99) over cumulative buckets with these upper bounds."""
    rank = 0.99 * len(x)
    cumulative = np.searchsorted(np.sort(x), bounds, side="right")
    below, lower = 0, 0.0
    for upper, count in zip(bounds, cumulative):
        if count >= rank:
            return lower + (upper - lower) * (rank - below) / (count - below)
        below, lower = count, upper
    return bounds[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    estimators = ["nearest rank"] + [f"histogram, {b}" for b in BUCKETS]
    print("| margin | log-sd | n_c | q | " + " | ".join(estimators) + " |")
    print("|---" * (4 + len(estimators)) + "|")
    for margin in (0.0, 0.1):
        for sigma, median in ((0.2, 0.15), (0.5, 0.15)):
            for n_c in (3, 10, 30):
                n_b = 10 * n_c
                hits = [0] * len(estimators)
                for _ in range(a.runs):
                    c = median * np.exp(sigma * rng.standard_normal(n_c))
                    b = median * np.exp(sigma * rng.standard_normal(n_b))
                    pairs = [(nearest_rank(c), nearest_rank(b))] + [
                        (histogram_quantile(c, u), histogram_quantile(b, u))
                        for u in BUCKETS.values()
                    ]
                    for i, (pc, pb) in enumerate(pairs):
                        hits[i] += pc > (1 + margin) * pb
                q = max_exceeds_p99(n_c, n_b)
                rates = " | ".join(
                    f"**{h / a.runs:.3f}**" if h / a.runs > q + 0.01 else f"{h / a.runs:.3f}"
                    for h in hits
                )
                print(f"| {margin:.0%} | {sigma} | {n_c} | {q:.3f} | {rates} |")
    print(f"\n{a.runs} minutes a cell; bold: more than q + 0.01.")


if __name__ == "__main__":
    main()
