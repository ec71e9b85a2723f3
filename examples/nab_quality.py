#!/usr/bin/env python3
"""Scores a replay of NAB's windows (examples/real_windows.py) with the windows split in two.

NAB's labels mark the anomalies its labellers scored, not every burst: some windows that
overlap no labelled anomaly still hold an episode that, read as p99 latency, any judge should
roll back (a level at least doubled for five minutes running). This script finds those
episodes and prints, per policy, the windows rolled back among the windows that hold one and
among the rest ("quiet"), and per series.

    python3 examples/real_windows.py --git NAB_MIRROR > target/nab/windows.ndjson
    target/release/rollguard replay target/nab/windows.ndjson --policy guarded \\
        --policy compare --json > target/nab/replay.json
    python3 examples/nab_quality.py target/nab/windows.ndjson target/nab/replay.json

An episode is a run of RUN (5) consecutive points, each at least FACTOR (2) times the median
of all of the window's points before the run, of which there are at least 12 (the warm-up of
`compare`'s detector without a baseline). Flags: --run N, --factor F.

The quiet windows are split once more: a *sustained rise* is a run of RISE_RUN (10) consecutive
points after the first 12, each more than MARGIN (10 %, the latency rule's default margin) above
the median of those 12: read as p99 latency, a level above the policy's own margin for ten
minutes, which the rule is meant to roll back. The rest are "steady". Flags: --rise-run N,
--margin M. Neither test looks at any policy's verdicts.
"""

import argparse
import collections
import json
import statistics


def values(window):
    return [p["value"] if isinstance(p, dict) else p for p in window["metrics"]["latency_p99"]]


def episode_start(v, run, factor, warm_up=12):
    """The 0-based index where the first episode starts, or None."""
    for i in range(warm_up, len(v) - run + 1):
        ref = statistics.median(v[:i])
        if ref > 0 and all(x >= factor * ref for x in v[i : i + run]):
            return i
    return None


def sustained_rise(v, run, margin, warm_up=12):
    """Whether `run` consecutive points after the warm-up each exceed (1 + margin) × its median."""
    ref = statistics.median(v[:warm_up])
    streak = 0
    for x in v[warm_up:]:
        streak = streak + 1 if x > (1 + margin) * ref else 0
        if streak >= run:
            return True
    return False


def series(key):
    # "nab.<series>.<offset>"
    return key.rsplit(".", 1)[0].removeprefix("nab.")


def pct(k, n):
    return f"{100 * k / n:.1f} % ({k}/{n})" if n else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("windows")
    ap.add_argument("replay")
    ap.add_argument("--run", type=int, default=5)
    ap.add_argument("--factor", type=float, default=2.0)
    ap.add_argument("--rise-run", type=int, default=10)
    ap.add_argument("--margin", type=float, default=0.1)
    a = ap.parse_args()

    episodes = {}
    rises = set()
    with open(a.windows) as f:
        for line in f:
            w = json.loads(line)
            episodes[w["key"]] = episode_start(values(w), a.run, a.factor)
            if sustained_rise(values(w), a.rise_run, a.margin):
                rises.add(w["key"])
    with open(a.replay) as f:
        replay = json.load(f)
    policies = [p if isinstance(p, str) else p["name"] for p in replay["policies"]]
    steps = {
        d["key"]: {p: d["results"][p]["first_rollback_step"] for p in policies}
        for d in replay["deployments"]
    }
    missing = set(episodes) - set(steps)
    if missing:
        raise SystemExit(f"{len(missing)} windows are not in the replay, e.g. {min(missing)}")

    held = [k for k, e in episodes.items() if e is not None]
    quiet = [k for k, e in episodes.items() if e is None]
    risen = [k for k in quiet if k in rises]
    steady = [k for k in quiet if k not in rises]
    print(
        f"{len(episodes)} windows; {len(held)} hold an episode of {a.run} points at "
        f">= {a.factor:g}x the median before it, {len(quiet)} do not (quiet); of those, "
        f"{len(risen)} hold a sustained rise ({a.rise_run} points > {1 + a.margin:g}x the "
        f"warm-up median), {len(steady)} do not (steady)\n"
    )
    print(
        "| policy | all windows rolled back | windows with an episode | quiet windows "
        "| quiet, with a sustained rise | steady |"
    )
    print("|---|---|---|---|---|---|")
    for p in policies:
        fired = lambda keys: sum(steps[k][p] is not None for k in keys)  # noqa: E731
        print(
            f"| {p} | {pct(fired(episodes), len(episodes))} | {pct(fired(held), len(held))} "
            f"| {pct(fired(quiet), len(quiet))} | {pct(fired(risen), len(risen))} "
            f"| {pct(fired(steady), len(steady))} |"
        )
    print("\nQuiet windows rolled back, by series:\n")
    print("| policy | series (rolled back / quiet windows) |")
    print("|---|---|")
    for p in policies:
        by = collections.Counter(series(k) for k in quiet if steps[k][p] is not None)
        total = collections.Counter(series(k) for k in quiet)
        text = ", ".join(f"{s} {n}/{total[s]}" for s, n in by.most_common()) or "none"
        print(f"| {p} | {text} |")


if __name__ == "__main__":
    main()
