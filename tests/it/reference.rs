//! Differential test: the `seed` policy against the seed's own numpy code
//! (`tests/reference/seed_rules.py`, a copy of `shared/reference/seed_rules.py`), on thousands of
//! generated cases of varied lengths and shapes, including exact ties at every threshold.

use std::io::Write;
use std::process::{Command, Stdio};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal, Pareto};
use rollguard::analysis::rules::{self, ConversionBaseline};
use rollguard::analysis::{Decision, Inputs, Policy, RuleStatus, evaluate, stats};
use serde_json::{Value, json};

use crate::support::{python_with_numpy, root};

struct Case {
    error_rate: Vec<f64>,
    latency: Vec<f64>,
    conversion: f64,
    baseline: f64,
}

fn latency_series(rng: &mut StdRng, n: usize, shape: u32) -> Vec<f64> {
    let noise = Normal::new(0.0f64, 15.0).unwrap();
    let heavy = Pareto::new(20.0, 1.5).unwrap();
    let mut xs: Vec<f64> = match shape {
        // Flat and constant baselines: σ = 0, ties at the mean.
        0 => vec![rng.random_range(50.0..500.0f64).round(); n],
        // Gaussian noise around a level.
        1 => {
            let level = rng.random_range(100.0..900.0);
            (0..n)
                .map(|_| (level + noise.sample(rng)).max(0.0))
                .collect()
        }
        // Heavy-tailed noise.
        2 => (0..n).map(|_| 150.0 + heavy.sample(rng)).collect(),
        // A step up in the recent points.
        3 => (0..n)
            .map(|i| (if i + 5 >= n { 400.0 } else { 200.0 }) + noise.sample(rng).abs())
            .collect(),
        // Small integers: many exact ties in mean and spread.
        4 => (0..n)
            .map(|_| rng.random_range(0..4) as f64 * 10.0)
            .collect(),
        // A large offset with tiny noise: cancellation-prone.
        _ => (0..n).map(|_| 1e7 + rng.random_range(0.0..1e-3)).collect(),
    };
    // Sometimes place the last point exactly on, or one ulp either side of, mean + 2σ as we
    // compute it: decisions there agree only if the statistics are bit-identical to numpy's.
    if rng.random_bool(0.3) && n > 5 {
        let (m, s) = stats::mean_and_population_std(&xs[..n - 5]).unwrap();
        let limit = m + 2.0 * s;
        xs[n - 1] = match rng.random_range(0..3) {
            0 => limit,
            1 => limit.next_up(),
            _ => limit.next_down().max(0.0),
        };
    }
    xs
}

fn error_series(rng: &mut StdRng, n: usize) -> Vec<f64> {
    let mut xs: Vec<f64> = match rng.random_range(0..3) {
        0 => (0..n).map(|_| rng.random_range(0.0..10.0)).collect(),
        1 => (0..n).map(|_| rng.random_range(0..=10) as f64).collect(),
        _ => (0..n).map(|_| 5.0).collect(),
    };
    if n >= 3 && rng.random_bool(0.2) {
        // Means that land exactly on the threshold: (4 + 5 + 6) / 3 and 15 / 3.
        xs[n - 3..].copy_from_slice(&[4.0, 5.0, 6.0]);
    }
    xs
}

fn generate(count: usize) -> Vec<Case> {
    let mut rng = StdRng::seed_from_u64(0x5eed_2026);
    (0..count)
        .map(|i| {
            // Lengths: the short edge (7..20), minute-level hours, long and very long series.
            let n = match i % 4 {
                // Past numpy's 8192-element buffer: long series must still match bit for bit.
                _ if i % 100 == 3 => rng.random_range(8000..120_000),
                0 => rng.random_range(7..20),
                1 => rng.random_range(20..200),
                2 => rng.random_range(200..3000),
                _ => rng.random_range(7..130),
            };
            let baseline = rng.random_range(0.001..0.2f64);
            let conversion = match rng.random_range(0..4) {
                0 => 0.8 * baseline,
                1 => (0.8 * baseline).next_down(),
                _ => rng.random_range(0.0..0.25f64),
            };
            let er_len = rng.random_range(3..60);
            Case {
                error_rate: error_series(&mut rng, er_len),
                latency: latency_series(&mut rng, n, (i % 6) as u32),
                conversion,
                baseline,
            }
        })
        .collect()
}

fn run_reference(cases: &[Case]) -> Vec<Value> {
    let input: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({"error_rate": c.error_rate, "latency_p99": c.latency,
                   "conversion_rate": c.conversion, "baseline_conversion_rate": c.baseline})
        })
        .collect();
    let mut child = Command::new(python_with_numpy())
        .arg(root().join("tests/reference/run_reference.py"))
        .current_dir(root().join("tests/reference"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the reference");
    let payload = serde_json::to_vec(&input).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&payload));
    let out = child.wait_with_output().expect("reference runs");
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "reference failed");
    serde_json::from_slice(&out.stdout).expect("reference prints JSON")
}

#[test]
fn seed_policy_decides_exactly_as_the_numpy_reference() {
    let cases = generate(3000);
    let expected = run_reference(&cases);
    let policy = Policy::seed();
    let mut disagreements = Vec::new();
    let mut fired_counts = [0usize; 3];
    for (i, (case, reference)) in cases.iter().zip(&expected).enumerate() {
        let inputs = Inputs {
            error_rate: &case.error_rate,
            latency_p99: &case.latency,
            conversion_rate: std::slice::from_ref(&case.conversion),
            conversion_baseline: ConversionBaseline {
                explicit: Some(case.baseline),
                ..Default::default()
            },
            ..Default::default()
        };
        let ours = evaluate(&policy, &inputs);
        let fired: Vec<&str> = ours
            .rules
            .iter()
            .filter(|r| r.status == RuleStatus::Triggered)
            .map(|r| r.rule.as_str())
            .collect();
        let theirs: Vec<&str> = reference["fired"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for (k, rule) in ["error_rate", "latency", "conversion"].iter().enumerate() {
            fired_counts[k] += usize::from(fired.contains(rule));
        }
        let latency = &ours.rules[1];
        let stats_match = latency.mean.map(f64::to_bits)
            == reference["latency_mean"].as_f64().map(f64::to_bits)
            && latency.std_dev.map(f64::to_bits)
                == reference["latency_std"].as_f64().map(f64::to_bits);
        let decision = if theirs.is_empty() {
            Decision::Pass
        } else {
            Decision::Rollback
        };
        if fired != theirs || ours.decision != decision || !stats_match {
            disagreements.push(format!(
                "case {i}: ours {fired:?} (mean {:?}, std {:?}), reference {theirs:?} ({}, {})",
                latency.mean, latency.std_dev, reference["latency_mean"], reference["latency_std"]
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(10)].join("\n")
    );
    // The generator must exercise both outcomes of every rule, or agreement proves little.
    for (k, count) in fired_counts.iter().enumerate() {
        assert!(
            *count > 100 && *count < cases.len() - 100,
            "rule {k} fired in {count} cases"
        );
    }
}

#[test]
fn where_the_reference_reads_an_empty_slice_the_seed_policy_lacks_data() {
    // numpy's mean of an empty slice is NaN and every comparison with NaN is false: the reference
    // silently passes. rollguard says insufficient_data instead.
    let p = Policy::seed().rules;
    for n in 0..=6 {
        assert_eq!(
            rules::latency(&p.latency, &vec![500.0; n]).status,
            RuleStatus::InsufficientData
        );
    }
    assert_eq!(
        rules::error_rate(&p.error_rate, &[]).status,
        RuleStatus::InsufficientData
    );
}
