//! Generates a production-shaped labelled corpus for `rollguard replay`, as NDJSON on stdout.
//!
//! ```sh
//! cargo run --release --example prod_corpus -- --deployments 1000 --points 90 --seed 1 > prod.ndjson
//! ```
//!
//! Where `examples/corpus.rs` draws each canary point from a stationary noise model, this corpus
//! draws what a metrics pipeline would report: per-minute request counts, errors and conversions
//! drawn from them, a p99 computed from that minute's requests, and a baseline cohort (the stable
//! version) measured at the same minutes under the same load, dependencies and drift. Every line
//! is one deployment, one timed point a minute, each point with its `count`:
//!
//! ```json
//! {"key": "checkout.prod.0", "outcome": "promoted", "canary_rpm": 41.7, "started_at": "…",
//!  "metrics": {"error_rate": [{"ts": "2026-11-24T10:00:00Z", "value": 1.2, "count": 850}, …],
//!              "latency_p99": […], "conversion_rate": […]},
//!  "cohorts": {"baseline": {"error_rate": […], "latency_p99": […], "conversion_rate": […]}}}
//! ```
//!
//! Labels beside the document: `outcome` (`promoted` / `rolled_back`), for incidents
//! `onset_step` (1-based) and `regression` (`{"metric", "size", "unit"}`), and `canary_rpm`, the
//! canary's mean requests a minute (to band results by traffic). Each parameter is drawn per
//! deployment; `--seed` fixes them all. See docs/decision-quality.md, "The production-shaped
//! corpus", for the model and its caveats.
//!
//! Flags: `--deployments N --points N --seed N --incidents F`, `--no-baseline` (no baseline
//! cohort: an explicit pre-deployment `baseline.conversion_rate` instead), `--no-counts` (bare
//! `{ts, value}` points, for binaries that do not read `count`).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test or run

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Binomial, Distribution, Normal, Poisson};
use serde_json::{Value, json};
use statrs::distribution::{ContinuousCDF, Normal as StatNormal};

struct Args {
    deployments: usize,
    points: usize,
    seed: u64,
    incident_share: f64,
    baseline: bool,
    counts: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        deployments: 1000,
        points: 90,
        seed: 1,
        incident_share: 0.3,
        baseline: true,
        counts: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--no-baseline" => args.baseline = false,
            "--no-counts" => args.counts = false,
            _ => {
                let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
                match flag.as_str() {
                    "--deployments" => args.deployments = value.parse().expect("a count"),
                    "--points" => args.points = value.parse().expect("a count"),
                    "--seed" => args.seed = value.parse().expect("a number"),
                    "--incidents" => args.incident_share = value.parse().expect("a fraction"),
                    other => panic!(
                        "unknown flag {other}; flags: --deployments N --points N --seed N \
                         --incidents F --no-baseline --no-counts"
                    ),
                }
            }
        }
    }
    assert!(
        args.points >= 65,
        "--points must leave room for an onset at step 60"
    );
    assert!((0.0..=1.0).contains(&args.incident_share));
    args
}

/// Rounds to `digits` decimals: keeps the file small without changing what the rules see much.
fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Log-uniform on `[lo, hi)`.
fn log_uniform(rng: &mut StdRng, lo: f64, hi: f64) -> f64 {
    rng.random_range(lo.ln()..hi.ln()).exp()
}

fn poisson(rng: &mut StdRng, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    Poisson::new(lambda).unwrap().sample(rng) as u64
}

fn binomial(rng: &mut StdRng, n: u64, p: f64) -> u64 {
    if n == 0 {
        return 0;
    }
    Binomial::new(n, p.clamp(0.0, 1.0)).unwrap().sample(rng)
}

/// A Gaussian random walk of `n` steps from 0 (in log space: a multiplicative drift).
fn random_walk(rng: &mut StdRng, n: usize, sd: f64) -> Vec<f64> {
    let step = Normal::new(0.0, sd).unwrap();
    let mut x = 0.0;
    (0..n)
        .map(|_| {
            x += step.sample(rng);
            x
        })
        .collect()
}

/// A dependency blip: a few minutes during which both cohorts see more errors and/or latency.
struct Shock {
    from: usize,
    len: usize,
    error_factor: f64,
    latency_factor: f64,
}

/// What both cohorts share: the load curve, the base rates and their drift, the shocks.
struct World {
    /// Load multiplier per minute (the daily curve): ×0.7 to ×1.3.
    load: Vec<f64>,
    /// Error probability per request, per minute (base × drift × shocks), before incidents.
    error_p: Vec<f64>,
    /// Log of the p99 level's multiplier per minute (drift, load, shocks).
    latency_log: Vec<f64>,
    /// The p99 level (ms) at multiplier 1.
    latency_level: f64,
    /// Log-sd of one request's latency (log-normal): sets how far a small-sample p99 falls.
    request_sigma: f64,
    /// AR(1) of each cohort's own latency wander (log space).
    ar_phi: f64,
    ar_innovation_sd: f64,
    /// Conversion probability per session, per minute.
    conversion_p: Vec<f64>,
    /// Requests per session.
    requests_per_session: f64,
}

fn world(rng: &mut StdRng, n: usize) -> World {
    // A smooth daily-ish load curve: part of a sine with a period of 2–8 hours, ±10–30 %.
    let amplitude = rng.random_range(0.1..0.3);
    let period = rng.random_range(120.0..480.0);
    let phase = rng.random_range(0.0..std::f64::consts::TAU);
    let load: Vec<f64> = (0..n)
        .map(|t| 1.0 + amplitude * (phase + std::f64::consts::TAU * t as f64 / period).sin())
        .collect();

    let shocks: Vec<Shock> = (0..poisson(rng, 0.7))
        .map(|_| {
            let len = rng.random_range(1..=5usize);
            Shock {
                from: rng.random_range(0..n),
                len,
                error_factor: if rng.random_bool(0.7) {
                    rng.random_range(3.0..10.0)
                } else {
                    1.0
                },
                latency_factor: if rng.random_bool(0.6) {
                    rng.random_range(1.2..2.0)
                } else {
                    1.0
                },
            }
        })
        .collect();
    let shock_at = |t: usize, pick: fn(&Shock) -> f64| -> f64 {
        shocks
            .iter()
            .filter(|s| (s.from..s.from + s.len).contains(&t))
            .map(pick)
            .product()
    };

    let base_error = log_uniform(rng, 0.0005, 0.02);
    let error_drift = random_walk(rng, n, 0.02);
    let error_p = (0..n)
        .map(|t| (base_error * error_drift[t].exp() * shock_at(t, |s| s.error_factor)).min(1.0))
        .collect();

    let latency_drift = random_walk(rng, n, 0.01);
    let latency_log = (0..n)
        .map(|t| latency_drift[t] + 0.5 * load[t].ln() + shock_at(t, |s| s.latency_factor).ln())
        .collect();
    let ar_phi: f64 = rng.random_range(0.6..0.9);
    let ar_sd: f64 = rng.random_range(0.05..0.15);

    let base_conversion = rng.random_range(0.01..0.08);
    let conversion_drift = random_walk(rng, n, 0.005);
    let conversion_p = (0..n)
        .map(|t| base_conversion * conversion_drift[t].exp())
        .collect();

    World {
        load,
        error_p,
        latency_log,
        latency_level: rng.random_range(80.0..600.0),
        request_sigma: rng.random_range(0.3..0.8),
        ar_phi,
        ar_innovation_sd: ar_sd * (1.0 - ar_phi * ar_phi).sqrt(),
        conversion_p,
        requests_per_session: rng.random_range(2.0..5.0),
    }
}

/// The regression an incident injects into the canary from `from` (0-based) to the end.
#[derive(Clone, Copy)]
enum Regression {
    None,
    /// Absolute: added to the error probability (0.03 = +3 percentage points).
    Errors(f64),
    /// Multiplies the latency scale.
    Latency(f64),
    /// Multiplies the conversion probability.
    Conversion(f64),
}

/// One minute of one cohort, `None` where nothing can be measured (no requests or sessions).
struct Minute {
    requests: u64,
    error_rate: f64,
    latency_p99: Option<f64>,
    sessions: u64,
    conversion_rate: Option<f64>,
}

/// One cohort's minutes under `world`, at `rpm` requests a minute on average.
fn cohort(
    rng: &mut StdRng,
    w: &World,
    rpm: f64,
    regression: Regression,
    from: usize,
    z: &StatNormal,
) -> Vec<Minute> {
    let innovation = Normal::new(0.0, w.ar_innovation_sd).unwrap();
    // Start the AR(1) in its stationary distribution.
    let stationary_sd = w.ar_innovation_sd / (1.0 - w.ar_phi * w.ar_phi).sqrt();
    let mut ar = Normal::new(0.0, stationary_sd).unwrap().sample(rng);
    // The request-level latency distribution is log-normal with log-sd `request_sigma`, its
    // 0.99 quantile at the p99 level: median = level / e^(2.326 σ).
    let z99 = z.inverse_cdf(0.99);
    (0..w.load.len())
        .map(|t| {
            ar = w.ar_phi * ar + innovation.sample(rng);
            let active = t >= from;
            let requests = poisson(rng, rpm * w.load[t]);

            let mut p_err = w.error_p[t];
            if let (true, Regression::Errors(add)) = (active, regression) {
                p_err = (p_err + add).min(1.0);
            }
            let errors = binomial(rng, requests, p_err);
            let error_rate = if requests == 0 {
                0.0
            } else {
                100.0 * errors as f64 / requests as f64
            };

            let latency_p99 = (requests > 0).then(|| {
                let mut log_scale = w.latency_level.ln() + w.latency_log[t] + ar;
                if let (true, Regression::Latency(f)) = (active, regression) {
                    log_scale += f.ln();
                }
                // The minute's p99 is the k-th smallest of its n request latencies, k = ⌈0.99 n⌉
                // (the maximum for n ≤ 100). Its quantile in the request distribution is the k-th
                // order statistic of n uniforms, Beta(k, n + 1 − k): drawn exactly, so a handful
                // of requests gives a low, wildly varying "p99" and millions a steady one.
                let n = requests as f64;
                let k = (0.99 * n).ceil().max(1.0);
                let u = Beta::new(k, n + 1.0 - k).unwrap().sample(rng);
                let u = u.clamp(1e-12, 1.0 - 1e-12);
                let mut p99 = (log_scale + w.request_sigma * (z.inverse_cdf(u) - z99)).exp();
                // A single-point spike: a GC pause, a slow host, a cold cache (not an incident).
                if rng.random_bool(0.02) {
                    p99 *= rng.random_range(1.3..2.2);
                }
                p99
            });

            let sessions = binomial(rng, requests, 1.0 / w.requests_per_session);
            let mut p_conv = w.conversion_p[t];
            if let (true, Regression::Conversion(f)) = (active, regression) {
                p_conv *= f;
            }
            let conversions = binomial(rng, sessions, p_conv);
            let conversion_rate = (sessions > 0).then(|| conversions as f64 / sessions as f64);

            Minute {
                requests,
                error_rate,
                latency_p99,
                sessions,
                conversion_rate,
            }
        })
        .collect()
}

fn point(ts: &str, value: f64, count: u64, counts: bool) -> Value {
    if counts {
        json!({"ts": ts, "value": value, "count": count})
    } else {
        json!({"ts": ts, "value": value})
    }
}

/// The three series of one cohort as JSON. Minutes without requests keep an `error_rate` of 0
/// with count 0 and have no latency or conversion point (there is no p99 of nothing).
fn series(minutes: &[Minute], times: &[String], counts: bool) -> Value {
    let errors: Vec<Value> = minutes
        .iter()
        .zip(times)
        .map(|(m, ts)| point(ts, round(m.error_rate, 3), m.requests, counts))
        .collect();
    let latency: Vec<Value> = minutes
        .iter()
        .zip(times)
        .filter_map(|(m, ts)| {
            m.latency_p99
                .map(|v| point(ts, round(v, 1), m.requests, counts))
        })
        .collect();
    let conversion: Vec<Value> = minutes
        .iter()
        .zip(times)
        .filter_map(|(m, ts)| {
            m.conversion_rate
                .map(|v| point(ts, round(v, 5), m.sessions, counts))
        })
        .collect();
    json!({"error_rate": errors, "latency_p99": latency, "conversion_rate": conversion})
}

fn main() {
    let args = parse_args();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let z = StatNormal::standard();
    let services = [
        "checkout",
        "search",
        "cart",
        "payments",
        "recommendations",
        "login",
    ];
    let epoch: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
    let n = args.points;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for i in 0..args.deployments {
        // Traffic: the canary takes 5–20 % of a service's requests.
        let canary_rpm = log_uniform(&mut rng, 3.0, 5000.0);
        let share = rng.random_range(0.05..0.20);
        let baseline_rpm = canary_rpm * (1.0 - share) / share;
        let w = world(&mut rng, n);

        let incident = rng.random_bool(args.incident_share);
        let started = epoch + Duration::minutes(97 * i as i64);
        let mut line = json!({
            "key": format!("{}.prod.{i}", services[i % services.len()]),
            "outcome": if incident { "rolled_back" } else { "promoted" },
            "started_at": started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "canary_rpm": round(canary_rpm, 1),
        });
        let (regression, onset) = if incident {
            let onset = rng.random_range(15..=60usize);
            let (regression, label) = match rng.random_range(0..3) {
                0 => {
                    let points = rng.random_range(3.0..10.0);
                    (
                        Regression::Errors(points / 100.0),
                        json!({"metric": "error_rate", "size": round(points, 2), "unit": "percentage points"}),
                    )
                }
                1 => {
                    let factor = rng.random_range(1.3..2.0);
                    (
                        Regression::Latency(factor),
                        json!({"metric": "latency_p99", "size": round(factor, 3), "unit": "factor"}),
                    )
                }
                _ => {
                    let drop = rng.random_range(0.25..0.5);
                    (
                        Regression::Conversion(1.0 - drop),
                        json!({"metric": "conversion_rate", "size": round(drop, 3), "unit": "fraction dropped"}),
                    )
                }
            };
            line["onset_step"] = json!(onset);
            line["regression"] = label;
            (regression, onset)
        } else {
            (Regression::None, n + 1)
        };

        let times: Vec<String> = (0..n)
            .map(|t| {
                (started + Duration::minutes(t as i64))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            })
            .collect();
        let canary = cohort(&mut rng, &w, canary_rpm, regression, onset - 1, &z);
        line["metrics"] = series(&canary, &times, args.counts);
        if args.baseline {
            let baseline = cohort(&mut rng, &w, baseline_rpm, Regression::None, n, &z);
            line["cohorts"] = json!({"baseline": series(&baseline, &times, args.counts)});
        } else {
            // No stable cohort: the conversion rule needs a baseline, so give the one a
            // pre-deployment hour of the whole service's traffic would have measured.
            let sessions = ((canary_rpm + baseline_rpm) * 60.0 / w.requests_per_session) as u64;
            let conversions = binomial(&mut rng, sessions.max(1), w.conversion_p[0]);
            line["baseline"] =
                json!({"conversion_rate": round(conversions as f64 / sessions.max(1) as f64, 5)});
        }
        use std::io::Write;
        writeln!(out, "{line}").unwrap();
    }
}
