"""Runs the seed's reference rules (seed_rules.py, numpy) over a batch of cases.

stdin: a JSON array of cases {"error_rate": [...], "latency_p99": [...],
"conversion_rate": float, "baseline_conversion_rate": float}.
stdout: a JSON array, per case {"fired": [rule names], "latency_mean": float|null,
"latency_std": float|null}; the mean and std let the caller check its statistics bit for bit.
"""
import json
import sys
import warnings

import numpy as np

from seed_rules import should_rollback

warnings.simplefilter("ignore")  # numpy warns on the empty slices of short series


def run(case):
    fired = should_rollback(case["error_rate"], case["latency_p99"],
                            case["conversion_rate"], case["baseline_conversion_rate"])
    lat = np.asarray(case["latency_p99"], dtype=float)[:-5]
    finite = lat.size > 0
    return {"fired": fired,
            "latency_mean": float(np.mean(lat)) if finite else None,
            "latency_std": float(np.std(lat)) if finite else None}


json.dump([run(c) for c in json.load(sys.stdin)], sys.stdout)
