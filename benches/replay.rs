//! Replay throughput (issue 5): 10,000 deployments × 1,440 per-minute points, one core.
//!
//! * `replay/full_walk`: a policy whose thresholds are never reached, so every one of the
//!   14.4 million steps is evaluated (the per-step cost: Welford update, three rule checks).
//! * `replay/seed_first_rollback`: the seed policy, stopping at each deployment's first
//!   rollback, as `rollguard replay` does.
//!
//! * `replay_compare/full_walk`: the `compare` policy on 1,000 healthy deployments × 1,440 minutes
//!   with both cohorts and counts on every metric (the paired count and value tests at every
//!   step; timestamps, so each canary minute is paired with the baseline's by time).
//!
//! Throughput is in steps (elements); `benches/replay_compare.sh` sets the full walk against the
//! numpy reference replaying prefixes.
//!
//! * `replay_flat/{seed,guarded}/N`: one deployment of N equal latency points (10k, 20k, 40k),
//!   the series that ties its own threshold at every step. Per-step cost must stay flat, so the
//!   time grows linearly in N.
//! * `replay_flat/alternating/N`: 100, 200, 100, … under `seed` with one sigma and no excluded
//!   points, which ties a *varying* baseline's threshold at every other step; whole numbers, so
//!   the engine's exact sums decide each tie in O(1) (it used to rerun the two-pass rule there).
//! * `replay_flat/two_pass_every_step/N`: the exact two-pass rule run on every prefix, which is
//!   what the engine used to do at each of those ties (quadratic): the "before" figure.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test or run

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Binomial, Distribution, Normal};
use rollguard::analysis::{Observations, Policy, Series, rules};
use rollguard::replay::{Polling, Timeline};

const DEPLOYMENTS: usize = 10_000;
const POINTS: usize = 1_440;

fn corpus() -> Vec<Observations> {
    let mut rng = StdRng::seed_from_u64(0x7e91a7);
    let noise = Normal::new(0.0f64, 1.0).unwrap();
    (0..DEPLOYMENTS)
        .map(|_| {
            let level = rng.random_range(150.0..400.0);
            let mut obs = Observations::default();
            let mut series =
                |name: &str, f: &mut dyn FnMut(&mut StdRng) -> f64, rng: &mut StdRng| {
                    let values = (0..POINTS).map(|_| f(rng)).collect();
                    obs.canary.insert(
                        name.into(),
                        Series {
                            values,
                            times: None,
                            counts: None,
                        },
                    );
                };
            series(
                "error_rate",
                &mut |r| (0.5 + 0.2 * noise.sample(r)).max(0.0),
                &mut rng,
            );
            series(
                "latency_p99",
                &mut |r| level + 0.05 * level * noise.sample(r),
                &mut rng,
            );
            series(
                "conversion_rate",
                &mut |r| (0.031 * (1.0 + 0.05 * noise.sample(r))).clamp(0.0, 1.0),
                &mut rng,
            );
            obs.explicit_conversion_baseline = Some(0.031);
            obs
        })
        .collect()
}

fn never_fires() -> Policy {
    let mut p = Policy::seed();
    p.rules.error_rate.threshold = 100.0;
    p.rules.latency.sigmas = 1e6;
    p.rules.conversion.min_ratio = 1e-9;
    p
}

fn bench(c: &mut Criterion) {
    let data = corpus();
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    group.throughput(Throughput::Elements((DEPLOYMENTS * POINTS) as u64));
    for (name, policy) in [
        ("full_walk", never_fires()),
        ("seed_first_rollback", Policy::seed()),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut fired = 0usize;
                for obs in &data {
                    let hits = Timeline::new(obs)
                        .first_rollbacks(&[&policy], Polling::EveryPoints(1))
                        .unwrap();
                    fired += usize::from(hits[0].is_some());
                }
                black_box(fired)
            });
        });
    }
    group.finish();
}

fn flat(c: &mut Criterion) {
    let mut group = c.benchmark_group("replay_flat");
    group.sample_size(10);
    for n in [10_000, 20_000, 40_000] {
        let mut obs = Observations::default();
        obs.canary.insert(
            "latency_p99".into(),
            Series {
                values: vec![0.0; n],
                times: None,
                counts: None,
            },
        );
        group.throughput(Throughput::Elements(n as u64));
        for (name, policy) in [
            ("seed", Policy::seed()),
            ("guarded", Policy::builtin("guarded").unwrap()),
        ] {
            group.bench_function(format!("{name}/{n}"), |b| {
                b.iter(|| {
                    Timeline::new(&obs)
                        .first_rollbacks(&[&policy], Polling::EveryPoints(1))
                        .unwrap()
                });
            });
        }
        // Whole numbers that tie a varying baseline's threshold at every other step (100, 200, …
        // under one sigma): the exact sums decide those ties in O(1).
        let mut tied = Policy::seed();
        tied.rules.latency.sigmas = 1.0;
        tied.rules.latency.exclude_recent = 0;
        let mut alternating = Observations::default();
        alternating.canary.insert(
            "latency_p99".into(),
            Series {
                values: (0..n)
                    .map(|i| if i % 2 == 0 { 100.0 } else { 200.0 })
                    .collect(),
                times: None,
                counts: None,
            },
        );
        group.bench_function(format!("alternating/{n}"), |b| {
            b.iter(|| {
                Timeline::new(&alternating)
                    .first_rollbacks(&[&tied], Polling::EveryPoints(1))
                    .unwrap()
            });
        });
        let guarded = Policy::builtin("guarded").unwrap();
        let series = vec![0.0; n];
        group.bench_function(format!("two_pass_every_step/{n}"), |b| {
            b.iter(|| {
                (1..=n)
                    .filter(|&k| {
                        rules::latency(&guarded.rules.latency, &series[..k])
                            .threshold
                            .is_some()
                    })
                    .count()
            });
        });
    }
    group.finish();
}

/// Healthy deployments with a baseline cohort and counts: what `compare` judges with its paired
/// tests. Errors and conversions are drawn as counts, the p99s log-normal around one level.
fn cohort_corpus(deployments: usize) -> Vec<Observations> {
    let mut rng = StdRng::seed_from_u64(0x0c0_3a7e);
    let noise = Normal::new(0.0f64, 1.0).unwrap();
    let start: DateTime<Utc> = "2026-11-24T00:00:00Z".parse().unwrap();
    let times: Vec<DateTime<Utc>> = (0..POINTS)
        .map(|i| start + TimeDelta::minutes(i as i64))
        .collect();
    (0..deployments)
        .map(|_| {
            let level = rng.random_range(150.0..400.0);
            let canary_rpm = rng.random_range(50..500u64);
            let mut obs = Observations::default();
            for (cohort, rpm) in [(true, canary_rpm), (false, canary_rpm * 9)] {
                let mut errors = Vec::with_capacity(POINTS);
                let mut latency = Vec::with_capacity(POINTS);
                let mut conversion = Vec::with_capacity(POINTS);
                for _ in 0..POINTS {
                    let failed = Binomial::new(rpm, 0.01).unwrap().sample(&mut rng);
                    errors.push(100.0 * failed as f64 / rpm as f64);
                    latency.push(level * (0.1 * noise.sample(&mut rng)).exp());
                    let converted = Binomial::new(rpm / 4, 0.03).unwrap().sample(&mut rng);
                    conversion.push(converted as f64 / (rpm / 4) as f64);
                }
                let map = if cohort {
                    &mut obs.canary
                } else {
                    &mut obs.baseline_cohort
                };
                for (metric, values, count) in [
                    ("error_rate", errors, rpm),
                    ("latency_p99", latency, rpm),
                    ("conversion_rate", conversion, rpm / 4),
                ] {
                    let series = Series {
                        values,
                        times: Some(times.clone()),
                        counts: Some(vec![count; POINTS]),
                    };
                    map.insert(metric.into(), series);
                }
            }
            obs
        })
        .collect()
}

fn compare(c: &mut Criterion) {
    const DEPLOYMENTS: usize = 1_000;
    let data = cohort_corpus(DEPLOYMENTS);
    let policy = Policy::builtin("compare").unwrap();
    let mut group = c.benchmark_group("replay_compare");
    group.sample_size(10);
    group.throughput(Throughput::Elements((DEPLOYMENTS * POINTS) as u64));
    group.bench_function("full_walk", |b| {
        b.iter(|| {
            let mut fired = 0usize;
            for obs in &data {
                let hits = Timeline::new(obs)
                    .first_rollbacks(&[&policy], Polling::EveryPoints(1))
                    .unwrap();
                fired += usize::from(hits[0].is_some());
            }
            black_box(fired)
        });
    });
    group.finish();
}

criterion_group!(benches, bench, flat, compare);
criterion_main!(benches);
