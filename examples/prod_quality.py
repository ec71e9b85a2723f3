"""Scores a replay (`rollguard replay --json`) of the production-shaped corpus
(examples/prod_corpus.rs) and prints Markdown tables.

    python3 examples/prod_quality.py REPLAY.json CORPUS.ndjson [--rollguard BIN] [--policy ARG]...
    python3 examples/prod_quality.py --strip CORPUS.ndjson > REPLAY_INPUT.ndjson

Per policy:
- false rollbacks among healthy deployments, overall and by the canary's traffic
  (`canary_rpm` < 30, 30–300, ≥ 300 requests a minute), and which rule fired them;
- per regression kind: incidents caught at or after their onset, median and p90 minutes from
  the onset to the rollback, rollbacks before the onset, and how the rest ended;
- caught share per kind and traffic band.

"How the rest ended" needs the final verdict, which replay does not report: with `--rollguard
BIN`, every deployment a policy never rolled back is evaluated whole with `BIN evaluate
--policy ARG` (its exit code: 0 pass, 3 inconclusive). `--policy` gives the argument each
replayed policy was named by when it is a file (replay names it by the file's stem);
built-in names need none.

`--strip` writes the corpus without the labels `rollguard replay` does not read (today:
`canary_rpm`); replay rejects unknown fields. Standard library only.
"""
import json
import math
import os
import subprocess
import sys
from collections import Counter, defaultdict

KINDS = {"error_rate": "error rate +3–10 pts", "latency_p99": "p99 ×1.3–2.0",
         "conversion_rate": "conversion −25–50 %"}
BANDS = [("< 30 rpm", 0, 30), ("30–300 rpm", 30, 300), ("≥ 300 rpm", 300, math.inf)]
# What replay's NDJSON line accepts besides the evaluation document.
REPLAY_LABELS = {"key", "outcome", "started_at", "onset_step", "regression"}
DOCUMENT = {"metrics", "baseline", "cohorts"}


def band_of(rpm):
    return next(name for name, lo, hi in BANDS if lo <= rpm < hi)


def pct(n, d):
    return f"{100 * n / d:.1f} % ({n}/{d})" if d else "–"


def nearest_rank(xs, p):
    xs = sorted(xs)
    return xs[max(1, math.ceil(p * len(xs))) - 1] if xs else None


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print()


def strip(path):
    out = sys.stdout
    for line in open(path):
        if line.strip():
            d = json.loads(line)
            out.write(json.dumps({k: v for k, v in d.items() if k in REPLAY_LABELS | DOCUMENT},
                                 separators=(",", ":")) + "\n")


def end_verdicts(binary, policy_args, replay, corpus):
    """(policy, key) -> "pass" | "inconclusive" | "rollback" for never-rolled-back deployments."""
    verdicts = {}
    for policy in replay["policies"]:
        arg = policy_args.get(policy, policy)
        for d in replay["deployments"]:
            if d["results"][policy]["first_rollback_step"] is not None:
                continue
            doc = {k: v for k, v in corpus[d["key"]].items() if k in DOCUMENT}
            run = subprocess.run([binary, "evaluate", "--policy", arg, "-"],
                                 input=json.dumps(doc), capture_output=True, text=True)
            code = {0: "pass", 1: "rollback", 3: "inconclusive"}.get(run.returncode)
            if code is None:
                sys.exit(f"{binary} evaluate --policy {arg} failed on {d['key']}: {run.stderr}")
            verdicts[policy, d["key"]] = code
    return verdicts


def main(argv):
    if argv[:1] == ["--strip"]:
        return strip(argv[1])
    args, binary, policy_args = [], None, {}
    it = iter(argv)
    for a in it:
        if a == "--rollguard":
            binary = next(it)
        elif a == "--policy":
            p = next(it)
            name = os.path.splitext(os.path.basename(p))[0] if os.path.isfile(p) else p
            policy_args[name] = p
        else:
            args.append(a)
    replay = json.load(open(args[0]))
    corpus = {}
    for line in open(args[1]):
        if line.strip():
            d = json.loads(line)
            corpus[d["key"]] = d
    verdicts = end_verdicts(binary, policy_args, replay, corpus) if binary else {}

    deployments = replay["deployments"]
    n_healthy = sum(d["outcome"] == "promoted" for d in deployments)
    print(f"{len(deployments)} deployments, {n_healthy} healthy, "
          f"{len(deployments) - n_healthy} incidents; delays in minutes from the onset.\n")

    print("**Healthy deployments** (`promoted`): rolled back, by the canary's traffic\n")
    rows = []
    for policy in replay["policies"]:
        fired, total, rules, ends = Counter(), Counter(), Counter(), Counter()
        for d in deployments:
            if d["outcome"] != "promoted":
                continue
            r = d["results"][policy]
            b = band_of(corpus[d["key"]]["canary_rpm"])
            total["all"] += 1
            total[b] += 1
            if r["first_rollback_step"] is not None:
                fired["all"] += 1
                fired[b] += 1
                rules[r["rule"]] += 1
            elif (policy, d["key"]) in verdicts:
                ends[verdicts[policy, d["key"]]] += 1
        by_rule = ", ".join(f"{k} {v}" for k, v in rules.most_common()) or "–"
        inconclusive = pct(ends["inconclusive"], total["all"]) if verdicts else "–"
        rows.append((policy, pct(fired["all"], total["all"]),
                     *[pct(fired[b], total[b]) for b, _, _ in BANDS], by_rule, inconclusive))
    table(("policy", "false rollbacks", *[b for b, _, _ in BANDS], "rules that fired",
           "inconclusive at end"), rows)

    print("**Incidents** (`rolled_back`), per injected regression\n")
    rows, band_rows = [], []
    for policy in replay["policies"]:
        for kind, label in KINDS.items():
            total = caught = early = 0
            delays, ends = [], Counter()
            band_total, band_caught = Counter(), Counter()
            for d in deployments:
                c = corpus[d["key"]]
                if d["outcome"] != "rolled_back" or (c.get("regression") or {}).get("metric") != kind:
                    continue
                r = d["results"][policy]
                step, onset = r["first_rollback_step"], d["onset_step"]
                b = band_of(c["canary_rpm"])
                total += 1
                band_total[b] += 1
                if step is not None and step >= onset:
                    caught += 1
                    band_caught[b] += 1
                    delays.append(step - onset)
                elif step is not None:
                    early += 1
                elif (policy, d["key"]) in verdicts:
                    ends[verdicts[policy, d["key"]]] += 1
            missed = total - caught - early
            rows.append((policy, label, total, pct(caught, total), nearest_rank(delays, 0.5) if delays else "–",
                         nearest_rank(delays, 0.9) if delays else "–", pct(early, total),
                         pct(ends["inconclusive"], total) if verdicts else "–",
                         pct(ends["pass"], total) if verdicts else f"{missed} never rolled back"))
            band_rows.append((policy, label,
                              *[pct(band_caught[b], band_total[b]) for b, _, _ in BANDS]))
    table(("policy", "regression", "incidents", "caught after onset", "median delay",
           "p90 delay", "rolled back before onset", "inconclusive at end", "passed at end"), rows)

    print("**Incidents caught after onset, by the canary's traffic**\n")
    table(("policy", "regression", *[b for b, _, _ in BANDS]), band_rows)


if __name__ == "__main__":
    main(sys.argv[1:])
