//! Benchmarks of the analysis hot path (issue 2, item 5).
//!
//! * `evaluate/{flat,noisy,spiky}/{60,1440,10000,100000}`: the full three-rule `evaluate` with
//!   the seed policy, over an error-rate, a p99-latency and a conversion series of `n` points
//!   each. Throughput is `n` elements (points per series), so criterion reports points/s.
//! * `verdict_60/{render,evaluate_and_render}/{flat,noisy,spiky}` at 60 points: `Verdict::new` (rendering the per-rule messages) on its own,
//!   and `evaluate` followed by `Verdict::new`, so the cost of formatting is visible separately.
//!
//! All data is generated up front from fixed seeds; only the analysis runs in the timed loop.
//! `benches/compare_reference.sh` runs the `noisy` shape against the numpy reference.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test or run

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rollguard::analysis::{ConversionBaseline, Inputs, Policy, Verdict, evaluate};

/// Points per series: one hour and one day of per-minute points, then two long series.
const SIZES: [usize; 4] = [60, 1_440, 10_000, 100_000];

/// The explicit conversion baseline every case uses (the canary converts at about 0.030).
const CONVERSION_BASELINE: f64 = 0.031;

#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Constant plus tiny noise.
    Flat,
    /// Gaussian around a healthy level.
    Noisy,
    /// Gaussian with occasional large spikes (about 1 point in 50, at least one per series).
    Spiky,
}

impl Shape {
    const ALL: [Shape; 3] = [Shape::Flat, Shape::Noisy, Shape::Spiky];

    fn name(self) -> &'static str {
        match self {
            Shape::Flat => "flat",
            Shape::Noisy => "noisy",
            Shape::Spiky => "spiky",
        }
    }

    /// A distinct fixed seed per shape and size, so every case is reproducible.
    fn seed(self, n: usize) -> u64 {
        0x5eed_0000 + (self as u64) * 1_000_003 + n as u64
    }
}

/// The three canary series of one case, in the units the rules expect (percent, ms, fraction).
struct Case {
    error_rate: Vec<f64>,
    latency_p99: Vec<f64>,
    conversion_rate: Vec<f64>,
}

impl Case {
    fn generate(shape: Shape, n: usize) -> Self {
        let mut rng = StdRng::seed_from_u64(shape.seed(n));
        // (mean, standard deviation) per series; "flat" keeps only a tiny jitter.
        let (err, lat, conv) = match shape {
            Shape::Flat => ((0.5, 1e-4), (200.0, 1e-3), (0.030, 1e-7)),
            Shape::Noisy | Shape::Spiky => ((1.0, 0.3), (200.0, 20.0), (0.030, 0.002)),
        };
        let mut series = |(mean, sd): (f64, f64), lo: f64, hi: f64| -> Vec<f64> {
            let normal = Normal::new(mean, sd).expect("valid normal");
            (0..n)
                .map(|_| normal.sample(&mut rng).clamp(lo, hi))
                .collect()
        };
        let mut error_rate = series(err, 0.0, 100.0);
        let mut latency_p99 = series(lat, 0.0, f64::MAX);
        let conversion_rate = series(conv, 0.0, 1.0);
        if let Shape::Spiky = shape {
            let mut spike = |i: usize, rng: &mut StdRng| {
                error_rate[i] = (error_rate[i] + rng.random_range(10.0..40.0)).min(100.0);
                latency_p99[i] *= rng.random_range(3.0..8.0);
            };
            let spiky: Vec<usize> = (0..n).filter(|_| rng.random_bool(0.02)).collect();
            if spiky.is_empty() {
                spike(n / 2, &mut rng);
            }
            for i in spiky {
                spike(i, &mut rng);
            }
        }
        Case {
            error_rate,
            latency_p99,
            conversion_rate,
        }
    }

    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            error_rate: &self.error_rate,
            latency_p99: &self.latency_p99,
            conversion_rate: &self.conversion_rate,
            conversion_baseline: ConversionBaseline {
                explicit: Some(CONVERSION_BASELINE),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

fn bench_evaluate(c: &mut Criterion) {
    let policy = Policy::seed();
    let mut group = c.benchmark_group("evaluate");
    for shape in Shape::ALL {
        for n in SIZES {
            let case = Case::generate(shape, n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(shape.name(), n), &case, |b, case| {
                let inputs = case.inputs();
                b.iter(|| evaluate(black_box(&policy), black_box(&inputs)));
            });
        }
    }
    group.finish();
}

fn bench_verdict(c: &mut Criterion) {
    const N: usize = 60;
    let policy = Policy::seed();
    let mut group = c.benchmark_group("verdict_60");
    group.throughput(Throughput::Elements(N as u64));
    for shape in Shape::ALL {
        let case = Case::generate(shape, N);
        let inputs = case.inputs();
        let evaluation = evaluate(&policy, &inputs);
        // Message formatting only, on an evaluation computed outside the loop.
        group.bench_with_input(
            BenchmarkId::new("render", shape.name()),
            &evaluation,
            |b, evaluation| {
                b.iter(|| {
                    Verdict::new(black_box("seed"), black_box(&policy), black_box(evaluation))
                });
            },
        );
        // The whole reported path: evaluate, then render.
        group.bench_with_input(
            BenchmarkId::new("evaluate_and_render", shape.name()),
            &inputs,
            |b, inputs| {
                b.iter(|| {
                    let evaluation = evaluate(black_box(&policy), black_box(inputs));
                    Verdict::new("seed", &policy, &evaluation)
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_evaluate, bench_verdict);
criterion_main!(benches);
