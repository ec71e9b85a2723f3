"""What an oracle could do on the production-shaped corpus's latency regressions
(examples/prod_corpus.rs): a bound on any `compare` latency rule, per traffic band.

    /work/venv/bin/python examples/latency_oracle.py [DRAWS] [SEED]     # needs numpy

The oracle knows every parameter of a deployment's latency model: each cohort's AR(1) wander
(phi, sd), the noise of a p99 from that minute's requests (the variance of the nearest-rank order
statistic, drawn from Beta(k, n + 1 - k) as the corpus does), the small-sample bias (it is
removed), the regression's size and its onset. It has no spikes or shocks to contend with, and
treats the per-minute noise as Gaussian. For a regression of factor f it accumulates the expected
log likelihood ratio (the Kullback-Leibler divergence) of the minutes seen so far, canary log p99
minus the baseline's, between "a step of ln f - ln(1 + margin) at the onset" and "no step":
KL_t = s' S^-1 s / 2 over minutes 1..t, S the covariance of two independent AR(1)s plus the white
order-statistic noise. Its detection time is the first minute after onset with
KL_t >= ln(1/alpha'), alpha' = 1 % / 3 (the rule's share, all of it, no averaging with a
detector): about the median stopping time of the oracle's sequential probability ratio test
(Wald 1947). Parameters are drawn as examples/prod_corpus.rs draws them.
"""
import math
import sys

import numpy as np


def ndtri(u):
    """Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9)."""
    a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01]
    c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539222377e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
         3.754408661907416e+00]
    u = np.asarray(u, dtype=float)
    x = np.empty_like(u)
    pl = 0.02425
    lo, hi = u < pl, u > 1 - pl
    mid = ~(lo | hi)
    q = np.sqrt(-2 * np.log(u[lo]))
    x[lo] = (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
    q = u[mid] - 0.5
    r = q * q
    x[mid] = (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
    q = np.sqrt(-2 * np.log(1 - u[hi]))
    x[hi] = -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
    return x


def main():
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 11)
    margin, points, target = 0.1, 90, math.log(300)

    def white_var(n, sigma):
        """Variance of the log of a nearest-rank p99 of n log-normal requests (log-sd sigma)."""
        k = math.ceil(0.99 * n)
        u = np.clip(rng.beta(k, n + 1 - k, 4000), 1e-12, 1 - 1e-12)
        return sigma * sigma * np.var(ndtri(u))

    bands = {"< 30 rpm": [], "30–300 rpm": [], "≥ 300 rpm": []}
    t = np.arange(points)
    for _ in range(draws):
        rpm = math.exp(rng.uniform(math.log(3), math.log(5000)))
        share = rng.uniform(0.05, 0.20)
        baseline_rpm = rpm * (1 - share) / share
        sigma, phi, ar_sd = rng.uniform(0.3, 0.8), rng.uniform(0.6, 0.9), rng.uniform(0.05, 0.15)
        f, onset = rng.uniform(1.3, 2.0), int(rng.integers(15, 61))
        white = white_var(max(1, round(rpm)), sigma) + white_var(max(1, round(baseline_rpm)), sigma)
        cov = 2 * ar_sd**2 * phi ** np.abs(t[:, None] - t[None, :]) + white * np.eye(points)
        step = (math.log(f) - math.log1p(margin)) * (t >= onset - 1)
        minutes = None
        for m in range(points - onset + 1):
            n = onset + m
            if 0.5 * step[:n] @ np.linalg.solve(cov[:n, :n], step[:n]) >= target:
                minutes = m
                break
        band = "< 30 rpm" if rpm < 30 else ("30–300 rpm" if rpm < 300 else "≥ 300 rpm")
        bands[band].append(minutes)
    bands["all"] = [m for ms in list(bands.values()) for m in ms]
    print("| traffic | regressions | oracle detects before the end | within 6 minutes | median minutes |")
    print("|---|---|---|---|---|")
    for name, ms in bands.items():
        found = [m for m in ms if m is not None]
        ordered = sorted(m if m is not None else math.inf for m in ms)
        median = ordered[(len(ordered) - 1) // 2]
        print(f"| {name} | {len(ms)} | {100 * len(found) / len(ms):.1f} % | "
              f"{100 * sum(m <= 6 for m in found) / len(ms):.1f} % | {median} |")


if __name__ == "__main__":
    main()
