//! The `guarded` policy's deterministic guarantees, over many generated deployments:
//! a single spike (or dip) never rolls back, and a sustained regression always does within the
//! documented delay (error rate: the 3rd point after onset; conversion: by the 3rd; latency: by
//! the 4th). Replay and full evaluation agree on every step here too.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rollguard::analysis::{Decision, Observations, Policy, RuleName, Series};
use rollguard::replay::{Polling, Timeline};

const POINTS: usize = 90;

/// Calm series with bounded, deterministic noise: level ± spread in a repeating pattern.
fn calm(level: f64, spread: f64, phase: usize) -> Vec<f64> {
    const PATTERN: [f64; 6] = [0.0, 1.0, -1.0, 0.5, -0.5, 0.8];
    (0..POINTS)
        .map(|i| level + spread * PATTERN[(i + phase) % 6])
        .collect()
}

fn deployment(
    error: Vec<f64>,
    latency: Vec<f64>,
    conversion: Vec<f64>,
    baseline: f64,
) -> Observations {
    let mut obs = Observations::default();
    for (name, values) in [
        ("error_rate", error),
        ("latency_p99", latency),
        ("conversion_rate", conversion),
    ] {
        obs.canary.insert(
            name.into(),
            Series {
                values,
                times: None,
                counts: None,
            },
        );
    }
    obs.explicit_conversion_baseline = Some(baseline);
    obs
}

struct Case {
    error: Vec<f64>,
    latency: Vec<f64>,
    conversion: Vec<f64>,
    baseline: f64,
    latency_sigma: f64,
}

fn healthy(rng: &mut StdRng) -> Case {
    let level = rng.random_range(80.0..600.0);
    let latency_sigma = level * rng.random_range(0.02..0.1);
    let baseline = rng.random_range(0.01..0.08);
    Case {
        error: calm(rng.random_range(0.1..2.0), 0.2, rng.random_range(0..6)),
        latency: calm(level, latency_sigma, rng.random_range(0..6)),
        conversion: calm(baseline, baseline * 0.05, rng.random_range(0..6)),
        baseline,
        latency_sigma,
    }
}

fn first_rollback(case: &Case) -> Option<(usize, RuleName)> {
    let obs = deployment(
        case.error.clone(),
        case.latency.clone(),
        case.conversion.clone(),
        case.baseline,
    );
    let timeline = Timeline::new(&obs);
    let hit = timeline
        .first_rollbacks(&[&Policy::guarded()], Polling::EveryPoints(1))
        .unwrap()
        .remove(0);
    // The same answer as evaluating every prefix in full.
    let full = timeline
        .decisions(&Policy::guarded(), Polling::EveryPoints(1))
        .unwrap()
        .into_iter()
        .find(|s| s.2 == Decision::Rollback)
        .map(|s| s.0);
    assert_eq!(hit.as_ref().map(|h| h.step), full);
    hit.map(|h| (h.step, h.rule))
}

#[test]
fn healthy_deployments_are_never_rolled_back() {
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..300 {
        assert_eq!(first_rollback(&healthy(&mut rng)), None);
    }
}

#[test]
fn a_single_spike_or_dip_never_rolls_back() {
    let mut rng = StdRng::seed_from_u64(2);
    for i in 0..600 {
        let mut case = healthy(&mut rng);
        let at = rng.random_range(0..POINTS);
        match i % 3 {
            0 => case.error[at] = 100.0,
            1 => case.latency[at] *= 20.0,
            _ => case.conversion[at] = 0.0,
        }
        assert_eq!(
            first_rollback(&case),
            None,
            "case {i}: one bad point at {at}"
        );
    }
}

#[test]
fn sustained_regressions_roll_back_within_the_documented_delay() {
    let mut rng = StdRng::seed_from_u64(3);
    for i in 0..600 {
        let mut case = healthy(&mut rng);
        // 1-based onset step; regressions of the sizes the issue names, or larger.
        let onset = rng.random_range(25..=80);
        let from = onset - 1;
        let (rule, max_delay) = match i % 3 {
            0 => {
                let size = rng.random_range(5.0..20.0);
                case.error[from..]
                    .iter_mut()
                    .for_each(|x| *x += size + 5.0 - 2.0);
                (RuleName::ErrorRate, 2)
            }
            1 => {
                let size = rng.random_range(3.0..8.0) * case.latency_sigma;
                case.latency[from..].iter_mut().for_each(|x| *x += size);
                (RuleName::Latency, 3)
            }
            _ => {
                let drop = rng.random_range(0.25..0.6);
                case.conversion[from..]
                    .iter_mut()
                    .for_each(|x| *x *= 1.0 - drop);
                (RuleName::Conversion, 2)
            }
        };
        let (step, fired) = first_rollback(&case)
            .unwrap_or_else(|| panic!("case {i}: onset {onset} never rolled back"));
        assert_eq!(fired, rule, "case {i}");
        assert!(
            step >= onset && step - onset <= max_delay,
            "case {i}: onset {onset}, rollback at {step}"
        );
    }
}
