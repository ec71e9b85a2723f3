//! Generates a labelled corpus of deployments for `rollguard replay`, as NDJSON on stdout.
//!
//! ```sh
//! cargo run --release --example corpus -- --deployments 1000 --points 90 --seed 7 > corpus.ndjson
//! ```
//!
//! Each line is one deployment, polled once a minute: `error_rate` (percent), `latency_p99` (ms)
//! and `conversion_rate` (fraction) series, the pre-deployment conversion baseline, `outcome`
//! and, for incidents, `onset_step` (1-based) and `regression` (what was injected).
//!
//! - Healthy deployments (`promoted`, 70 % by default) carry realistic noise: Gaussian or
//!   heavy-tailed (Student-t, 3 degrees of freedom) latency, log-normal error rates with
//!   occasional one-point bursts, noisy conversion — plus single-point latency and error spikes
//!   that are not incidents.
//! - Incidents (`rolled_back`) add one sustained regression from a random onset (step 20–70) to
//!   the end: latency +3σ to +6σ, error rate +5 to +10 points, or conversion −25 % to −50 %.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test or run

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, LogNormal, Normal, StudentT};
use serde_json::json;

struct Args {
    deployments: usize,
    points: usize,
    seed: u64,
    incident_share: f64,
}

fn parse_args() -> Args {
    let mut args = Args {
        deployments: 1000,
        points: 90,
        seed: 7,
        incident_share: 0.3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--deployments" => args.deployments = value.parse().expect("a count"),
            "--points" => args.points = value.parse().expect("a count"),
            "--seed" => args.seed = value.parse().expect("a number"),
            "--incidents" => args.incident_share = value.parse().expect("a fraction"),
            other => panic!(
                "unknown flag {other}; flags: --deployments N --points N --seed N --incidents F"
            ),
        }
    }
    assert!(
        args.points >= 75,
        "--points must leave room for an onset at step 70"
    );
    args
}

/// Rounds to `digits` decimals: keeps the file small without changing what the rules see much.
fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn main() {
    let args = parse_args();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let services = [
        "checkout",
        "search",
        "cart",
        "payments",
        "recommendations",
        "login",
    ];
    for i in 0..args.deployments {
        let n = args.points;
        // Latency: level, spread, and the noise's shape.
        let level: f64 = rng.random_range(120.0..400.0);
        let sigma = level * rng.random_range(0.03..0.08);
        let heavy = rng.random_bool(0.5);
        let t3 = StudentT::new(3.0).unwrap();
        let gauss = Normal::new(0.0, 1.0).unwrap();
        let mut latency: Vec<f64> = (0..n)
            .map(|_| {
                // Student-t(3) has variance 3: scale it to unit variance.
                let z = if heavy {
                    t3.sample(&mut rng) / 3f64.sqrt()
                } else {
                    gauss.sample(&mut rng)
                };
                (level + sigma * z).max(1.0)
            })
            .collect();
        // Error rate: log-normal around a base, with rare one-point bursts.
        let base_err: f64 = rng.random_range(0.1..1.0);
        let wobble = LogNormal::new(0.0, 0.3).unwrap();
        let mut errors: Vec<f64> = (0..n)
            .map(|_| {
                let burst = if rng.random_bool(0.02) {
                    rng.random_range(3.0..10.0)
                } else {
                    0.0
                };
                base_err * wobble.sample(&mut rng) + burst
            })
            .collect();
        // Conversion: noisy around the pre-deployment baseline.
        let baseline: f64 = rng.random_range(0.02..0.06);
        let conv_noise = Normal::new(0.0, 0.08).unwrap();
        let mut conversion: Vec<f64> = (0..n)
            .map(|_| baseline * (1.0 + conv_noise.sample(&mut rng)))
            .collect();
        // Single-point latency spikes: not incidents.
        for x in &mut latency {
            if rng.random_bool(0.01) {
                *x += sigma * rng.random_range(4.0..8.0);
            }
        }

        let incident = rng.random_bool(args.incident_share);
        let mut line = json!({
            "key": format!("{}.prod.{i}", services[i % services.len()]),
            "outcome": if incident { "rolled_back" } else { "promoted" },
            "started_at": format!("2026-11-{:02}T{:02}:00:00Z", 1 + (i / 24) % 28, i % 24),
        });
        if incident {
            let onset = rng.random_range(20..=70usize);
            let kind = rng.random_range(0..3);
            let from = onset - 1;
            let regression = match kind {
                0 => {
                    let k = rng.random_range(3.0..6.0);
                    latency[from..].iter_mut().for_each(|x| *x += k * sigma);
                    json!({"metric": "latency_p99", "size": round(k, 2), "unit": "sigma"})
                }
                1 => {
                    let points = rng.random_range(5.0..10.0);
                    errors[from..].iter_mut().for_each(|x| *x += points);
                    json!({"metric": "error_rate", "size": round(points, 2), "unit": "percentage points"})
                }
                _ => {
                    let drop = rng.random_range(0.25..0.5);
                    conversion[from..].iter_mut().for_each(|x| *x *= 1.0 - drop);
                    json!({"metric": "conversion_rate", "size": round(drop, 3), "unit": "fraction dropped"})
                }
            };
            line["onset_step"] = json!(onset);
            line["regression"] = regression;
        }
        line["metrics"] = json!({
            "error_rate": errors.iter().map(|x| round(x.clamp(0.0, 100.0), 3)).collect::<Vec<_>>(),
            "latency_p99": latency.iter().map(|x| round(*x, 1)).collect::<Vec<_>>(),
            "conversion_rate": conversion.iter().map(|x| round(x.clamp(0.0, 1.0), 5)).collect::<Vec<_>>(),
        });
        line["baseline"] = json!({"conversion_rate": round(baseline, 5)});
        println!("{line}");
    }
}
