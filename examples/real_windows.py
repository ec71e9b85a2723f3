"""Cuts anomaly-free windows out of real CloudWatch series (Numenta's NAB) and writes them as
NDJSON deployments for `rollguard replay`: real autocorrelation, daily cycles and level shifts,
labelled healthy (`promoted`) because no labelled anomaly window touches them. Any rollback a
policy makes on them is a false rollback.

    # the data (not in this repository): a checkout of https://github.com/numenta/NAB
    git clone --depth 1 https://github.com/numenta/NAB /tmp/NAB
    python3 examples/real_windows.py /tmp/NAB > target/nab-windows.ndjson
    # or a bare mirror of it, read with `git show`:
    python3 examples/real_windows.py --git /path/to/NAB.git > target/nab-windows.ndjson
    target/release/rollguard replay target/nab-windows.ndjson --policy seed --policy guarded

Options: --subdir realAWSCloudwatch (the NAB data folder), --points 90 (window length),
--stride 90 (windows do not overlap each other), --level-ms 200 (each window is scaled so its
median is this many ms). NAB's CloudWatch series are CPU %, bytes and request counts at 5-minute
intervals; each window's values are written as `latency_p99` scaled to a plausible p99 (the
rules compare a point with its own window's mean and σ, so the scale changes nothing but the
look). Points keep their real timestamps (a repeated timestamp keeps its last value). Windows whose median is 0 are skipped. A window is
kept only if it overlaps no window of `labels/combined_windows.json` (NAB's anomaly windows,
which already pad each labelled anomaly).

Standard library only. The data stays outside the repository.
"""
import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
from datetime import datetime


def parse_ts(s):
    return datetime.strptime(s.split(".")[0], "%Y-%m-%d %H:%M:%S")


class Source:
    """Files of a NAB checkout (a directory) or of a git repository (`git show HEAD:path`)."""

    def __init__(self, root, git):
        self.root, self.git = root, git

    def read(self, path):
        if self.git:
            return subprocess.run(["git", "--git-dir", self.root, "show", f"HEAD:{path}"],
                                  check=True, capture_output=True, text=True).stdout
        with open(os.path.join(self.root, path)) as f:
            return f.read()

    def list(self, folder):
        if self.git:
            out = subprocess.run(["git", "--git-dir", self.root, "ls-tree", "--name-only",
                                  f"HEAD:{folder}"], check=True, capture_output=True,
                                 text=True).stdout
            return sorted(out.split())
        return sorted(os.listdir(os.path.join(self.root, folder)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="a NAB checkout, or with --git its git directory")
    ap.add_argument("--git", action="store_true", help="root is a git directory (bare or .git)")
    ap.add_argument("--subdir", default="realAWSCloudwatch")
    ap.add_argument("--points", type=int, default=90)
    ap.add_argument("--stride", type=int, default=90)
    ap.add_argument("--level-ms", type=float, default=200.0)
    a = ap.parse_args()

    src = Source(a.root, a.git)
    labels = json.loads(src.read("labels/combined_windows.json"))
    counts = {}
    for name in src.list(f"data/{a.subdir}"):
        if not name.endswith(".csv"):
            continue
        rel = f"{a.subdir}/{name}"
        anomalies = [(parse_ts(lo), parse_ts(hi)) for lo, hi in labels.get(rel, [])]
        rows = [(parse_ts(r["timestamp"]), float(r["value"]))
                for r in csv.DictReader(io.StringIO(src.read(f"data/{rel}")))]
        # A few files repeat a timestamp (or step back): keep the last value per time, in order.
        rows = sorted(dict(rows).items())
        kept = 0
        for start in range(0, len(rows) - a.points + 1, a.stride):
            window = rows[start:start + a.points]
            first, last = window[0][0], window[-1][0]
            if any(lo <= last and first <= hi for lo, hi in anomalies):
                continue
            median = statistics.median(v for _, v in window)
            if median <= 0:
                continue
            scale = a.level_ms / median
            stem = name[:-4].replace("_", "-")
            print(json.dumps({
                "key": f"nab.{stem}.{start}",
                "outcome": "promoted",
                "metrics": {"latency_p99": [
                    {"ts": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "value": round(v * scale, 2)}
                    for t, v in window]},
            }, separators=(",", ":")))
            kept += 1
        counts[name] = kept
    for name, kept in counts.items():
        print(f"{name}: {kept} windows", file=sys.stderr)
    print(f"total: {sum(counts.values())} windows", file=sys.stderr)


if __name__ == "__main__":
    main()
