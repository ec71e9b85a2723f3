"""Which conversion regressions of the production-shaped corpus the traffic can show at alpha,
and how many of those a policy caught (the judging issue's conversion target: "caught wherever
the traffic can show them at alpha").

    python3 examples/conversion_oracle.py target/prod-quality/corpus.ndjson \
        target/prod-quality/replay.json [POLICY]                     # POLICY defaults to compare

Run `POLICIES="... compare" examples/prod_quality.sh N SEED` first: it writes both files.

The oracle knows, for each deployment with a conversion drop, the onset, the drop's size and each
minute's canary sessions (the points' counts); for the conversion probability it takes the
baseline cohort's pooled rate over the whole deployment (thousands of sessions: its error is a
few per cent of the rate), or the explicit `baseline.conversion_rate` without one. It tests
"the canary converts at `min_ratio` (0.8) x that rate" against "it converts at (1 - drop) x that
rate", the alternative it knows, and accumulates the expected log likelihood ratio (the
Kullback-Leibler divergence) of the canary's sessions from the onset to the end:

    KL = sum over minutes t >= onset of n_t * KL(Bernoulli(q1) || Bernoulli(q0)),
    q1 = (1 - drop) * p, q0 = 0.8 * p.

The traffic "can show" a drop when KL reaches ln(1 / alpha'), alpha' = 1 % / 3, the conversion
rule's share of `compare`'s alpha: about where an oracle's sequential probability ratio test
(Wald 1947), which no rule that must hold its false-rollback rate without knowing the drop can
beat, stops in the median. A drop of 25 % against a margin of 20 % is a 6 % relative difference
in rate, so it takes many sessions: that is the margin the seed's rule sets (0.8 x baseline).
"""
import json
import math
import sys
from datetime import datetime


def parse(ts):
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def kl_bernoulli(q1, q0):
    """KL(Bernoulli(q1) || Bernoulli(q0)), in nats."""
    out = 0.0
    if q1 > 0:
        out += q1 * math.log(q1 / q0)
    if q1 < 1:
        out += (1 - q1) * math.log((1 - q1) / (1 - q0))
    return out


def band_of(rpm):
    return "< 30 rpm" if rpm < 30 else ("30-300 rpm" if rpm < 300 else ">= 300 rpm")


def main(argv):
    corpus_path, replay_path = argv[1], argv[2]
    policy = argv[3] if len(argv) > 3 else "compare"
    alpha, min_ratio = 0.01 / 3, 0.8
    needed = math.log(1 / alpha)
    replay = {d["key"]: d for d in json.load(open(replay_path))["deployments"]}
    rows = []
    for line in open(corpus_path):
        d = json.loads(line)
        reg = d.get("regression")
        if not reg or reg["metric"] != "conversion_rate":
            continue
        drop, onset = reg["size"], d["onset_step"]
        canary = d["metrics"]["conversion_rate"]
        base = (d.get("cohorts") or {}).get("baseline", {}).get("conversion_rate")
        if base:
            sessions = sum(p.get("count") or 0 for p in base)
            conversions = sum(p["value"] * (p.get("count") or 0) for p in base)
            p = conversions / sessions if sessions else None
        else:
            p = (d.get("baseline") or {}).get("conversion_rate")
        if not p:
            continue
        q1, q0 = (1 - drop) * p, min_ratio * p
        # Steps are 1-based minutes from `started_at` (the error-rate series has a point every
        # minute; a minute without sessions has no conversion point and adds nothing here).
        start = parse(d["started_at"])
        kl = 0.0
        for point in canary:
            step = int((parse(point["ts"]) - start).total_seconds() // 60) + 1
            if step >= onset:
                kl += (point.get("count") or 0) * kl_bernoulli(q1, q0)
        result = replay[d["key"]]["results"][policy]
        first = result["first_rollback_step"]
        caught = first is not None and first >= onset
        rows.append((band_of(d["canary_rpm"]), kl >= needed, caught, kl))

    def line(label, sel):
        n = len(sel)
        c = sum(1 for r in sel if r[2])
        share = f"{100 * c / n:.1f} % ({c}/{n})" if n else "-"
        return f"| {label} | {n} | {share} |"

    print(f"conversion drops 25-50 %, {policy}; 'showable': the oracle's KL from onset to the end")
    print(f"reaches ln(1/alpha') = {needed:.2f} (alpha' = 1 % / 3)")
    print()
    print("| deployments | count | caught after onset |")
    print("|---|---|---|")
    showable = [r for r in rows if r[1]]
    print(line("showable by the traffic", showable))
    print(line("clearly showable (KL at least twice that)", [r for r in rows if r[3] >= 2 * needed]))
    print(line("not showable", [r for r in rows if not r[1]]))
    for band in ("< 30 rpm", "30-300 rpm", ">= 300 rpm"):
        sel = [r for r in rows if r[0] == band]
        print(line(f"{band}: showable {sum(1 for r in sel if r[1])} of {len(sel)}",
                   [r for r in sel if r[1]]))


if __name__ == "__main__":
    main(sys.argv)
