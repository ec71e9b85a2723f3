//! The `compare` policy (issue 15): its false-rollback guarantee by simulation, detection of
//! clear regressions, warm-up, `not_applicable`, `extends`, and the verdict over HTTP with counts
//! on both stores.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Binomial, Distribution, Normal};
use rollguard::analysis::compare::Method;
use rollguard::analysis::{
    Decision, Observations, Policy, RuleName, RuleStatus, Series, Verdict, evaluate,
};
use rollguard::replay::{Polling, Timeline};
use serde_json::{Value, json};

use crate::support::{Backend, TestServer, minute, on_both_backends};

fn t(i: usize) -> DateTime<Utc> {
    "2026-11-24T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(i as i64)
}

/// What a regression does to the canary from `onset` on.
#[derive(Clone, Copy, PartialEq)]
enum Regression {
    None,
    /// Error rate + this many points.
    Errors(f64),
    /// p99 × this.
    Latency(f64),
}

/// One deployment of `minutes` minutes: canary and baseline with counts, sharing drift, shocks
/// and a daily-ish traffic curve; the canary's p99 carries its own AR(1) noise and spikes.
fn deployment(
    rng: &mut StdRng,
    minutes: usize,
    regression: Regression,
    onset: usize,
) -> Observations {
    let canary_rpm = 10f64.powf(rng.random_range(1.0..3.7));
    let base_error: f64 = rng.random_range(0.0005..0.02);
    let level = rng.random_range(80.0..600.0);
    let phi = rng.random_range(0.6..0.9);
    let innovation = Normal::new(0.0, 0.08 * (1.0f64 - phi * phi).sqrt()).unwrap();
    let mut ar = [0.0f64; 2];
    let mut obs = Observations::default();
    let mut series = [
        [(); 2].map(|_| (Vec::new(), Vec::new(), Vec::new())),
        [(); 2].map(|_| (Vec::new(), Vec::new(), Vec::new())),
    ];
    for i in 0..minutes {
        let drift = 1.0 + 0.3 * (i as f64 / 60.0).sin();
        let shock: f64 = if rng.random_bool(0.02) {
            rng.random_range(2.0..10.0)
        } else {
            1.0
        };
        for (c, share) in [1.0, 9.0].into_iter().enumerate() {
            let regressed = c == 0 && i >= onset;
            let n = (canary_rpm * share * drift).round().max(1.0) as u64;
            let mut p = (base_error * shock).min(0.5);
            if let (true, Regression::Errors(points)) = (regressed, regression) {
                p = (p + points / 100.0).min(1.0);
            }
            let errors = Binomial::new(n, p).unwrap().sample(rng);
            ar[c] = phi * ar[c] + innovation.sample(rng);
            let spike = if rng.random_bool(0.02) {
                rng.random_range(1.3..2.2)
            } else {
                1.0
            };
            let sampling = Normal::new(0.0, 0.5 / (n as f64).sqrt())
                .unwrap()
                .sample(rng);
            let mut p99 = level * drift * shock.sqrt() * (ar[c] + sampling).exp() * spike;
            if let (true, Regression::Latency(factor)) = (regressed, regression) {
                p99 *= factor;
            }
            let er = &mut series[0][c];
            er.0.push(100.0 * errors as f64 / n as f64);
            er.1.push(t(i));
            er.2.push(n);
            let lat = &mut series[1][c];
            lat.0.push(p99);
            lat.1.push(t(i));
            lat.2.push(n);
        }
    }
    for (m, metric) in ["error_rate", "latency_p99"].into_iter().enumerate() {
        for (c, (values, times, counts)) in std::mem::take(&mut series[m]).into_iter().enumerate() {
            let s = Series {
                values,
                times: Some(times),
                counts: Some(counts),
            };
            if c == 0 {
                obs.canary.insert(metric.into(), s);
            } else {
                obs.baseline_cohort.insert(metric.into(), s);
            }
        }
    }
    obs
}

/// The step of the first rollback when asked every minute, if any.
fn first_rollback(obs: &Observations, policy: &Policy) -> Option<usize> {
    let timeline = Timeline::new(obs);
    timeline
        .first_rollbacks(&[policy], Polling::EveryPoints(1))
        .unwrap()[0]
        .as_ref()
        .map(|hit| hit.step)
}

#[test]
fn healthy_canaries_asked_every_minute_for_four_hours_are_rolled_back_within_alpha() {
    // 2,000 healthy deployments, 240 minutes each, judged at every minute: the share ever rolled
    // back stays within alpha plus three standard errors. The guarantee assumes exchangeable
    // cohorts; this corpus adds canary-only autocorrelated p99 noise and spikes on top, so the
    // latency rule is tested beyond its assumption.
    let policy = Policy::builtin("compare").unwrap();
    let alpha = policy.alpha;
    let mut rng = StdRng::seed_from_u64(2_026_113);
    let runs = 2000;
    let rolled_back = (0..runs)
        .filter(|_| {
            first_rollback(&deployment(&mut rng, 240, Regression::None, 0), &policy).is_some()
        })
        .count();
    let share = rolled_back as f64 / runs as f64;
    let se = (alpha * (1.0 - alpha) / runs as f64).sqrt();
    assert!(
        share <= alpha + 3.0 * se,
        "{rolled_back} of {runs} rolled back"
    );
}

#[test]
fn clear_regressions_are_caught_within_minutes_of_onset() {
    let policy = Policy::builtin("compare").unwrap();
    let mut rng = StdRng::seed_from_u64(42);
    for (regression, runs, within) in [
        (Regression::Errors(5.0), 100, 10),
        (Regression::Latency(2.0), 100, 30),
    ] {
        let mut delays: Vec<usize> = (0..runs)
            .filter_map(|_| {
                let obs = deployment(&mut rng, 90, regression, 30);
                first_rollback(&obs, &policy).map(|step| step.saturating_sub(30))
            })
            .collect();
        delays.sort_unstable();
        assert!(
            delays.len() >= runs * 70 / 100,
            "caught {} of {runs}",
            delays.len()
        );
        let median = delays[delays.len() / 2];
        assert!(median <= within, "median delay {median} minutes");
    }
}

fn counted(metric: &str, cohort: &str, values: &[(f64, u64)]) -> Vec<Value> {
    values
        .iter()
        .enumerate()
        .map(|(i, (v, n))| json!({"metric": metric, "cohort": cohort, "ts": minute(i), "value": v, "count": n}))
        .collect()
}

/// Posts `canary` and `baseline` error-rate points with counts (one a minute) to deployment
/// `key`, then asks its verdict; both answers must be 200.
async fn judge_error_counts(
    s: &TestServer,
    key: &str,
    canary: &[(f64, u64)],
    baseline: &[(f64, u64)],
) -> Value {
    let mut points = counted("error_rate", "canary", canary);
    points.extend(counted("error_rate", "baseline", baseline));
    let (status, body) = s
        .post(
            &format!("/v1/deployments/{key}/points"),
            json!({"points": points}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, v) = s
        .post(&format!("/v1/deployments/{key}/verdicts"), json!({}))
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

async fn compare_judges_canary_against_baseline_with_counts(backend: Backend) {
    let s = TestServer::start(backend).await;
    // Healthy: a few minutes of error counts at baseline rates, and nothing else. The other rules
    // are not applicable; the error rule passes as soon as its minimum samples are in.
    let canary: Vec<(f64, u64)> = (0..4).map(|i| ([0.0, 1.0, 0.0, 1.0][i], 100)).collect();
    let baseline: Vec<(f64, u64)> = (0..4).map(|_| (0.5, 1000)).collect();
    let v = judge_error_counts(&s, "shop.prod.1", &canary, &baseline).await;
    assert_eq!(
        (v["policy"].as_str(), v["verdict"].as_str()),
        (Some("compare"), Some("pass")),
        "{v}"
    );
    let rule = &v["rules"][0];
    assert_eq!(rule["method"], "counts_vs_baseline");
    assert_eq!(rule["comparison"]["canary_count"], 400);
    assert_eq!(rule["comparison"]["canary_events"], 2);
    assert_eq!(rule["comparison"]["baseline_events"], 20);
    assert!(
        rule["message"]
            .as_str()
            .unwrap()
            .contains("no regression detected yet"),
        "{rule}"
    );
    assert_eq!(v["rules"][1]["status"], "not_applicable");
    assert_eq!(v["rules"][2]["status"], "not_applicable");
    // Broken: 8 % errors against 0.5 %, a few hundred requests a minute.
    let canary: Vec<(f64, u64)> = (0..8).map(|_| (8.0, 300)).collect();
    let baseline: Vec<(f64, u64)> = (0..8).map(|_| (0.5, 3000)).collect();
    let v = judge_error_counts(&s, "shop.prod.2", &canary, &baseline).await;
    assert_eq!(v["verdict"], "rollback", "{v}");
    let c = &v["rules"][0]["comparison"];
    assert!(
        c["evidence"].as_f64().unwrap() >= c["evidence_needed"].as_f64().unwrap(),
        "{c}"
    );
    let (low, high) = (
        c["effect_low"].as_f64().unwrap(),
        c["effect_high"].as_f64().unwrap(),
    );
    assert!(
        low > 0.0 && low < 7.5 && high > 7.5,
        "interval [{low}, {high}] around +7.5 points"
    );
    assert!(
        v["rules"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("canary error rate 8.00% (192/2,400) vs baseline 0.50% (120/24,000)"),
        "{}",
        v["rules"][0]["message"]
    );
    // Required: a rule marked required holds the verdict when its metric never arrived.
    let (_, v) = s
        .post(
            "/v1/deployments/shop.prod.1/verdicts",
            json!({"policy": {"extends": "compare", "rules": {"conversion": {"required": true}}}}),
        )
        .await;
    assert_eq!(v["verdict"], "inconclusive", "{v}");
    assert_eq!(v["rules"][2]["status"], "insufficient_data");
}

/// Counts at the top of their range (i64::MAX requests in a minute) are judged, not overflowed:
/// with the canary's error share estimated above the baseline's, a minute where both fail every
/// request made the minute's total events 2^64 in u64 (a panic where overflow is checked).
async fn compare_judges_counts_at_the_top_of_their_range(backend: Backend) {
    let s = TestServer::start(backend).await;
    let max = i64::MAX as u64;
    let canary: Vec<(f64, u64)> = (0..5).map(|_| (100.0, max)).collect();
    let baseline: Vec<(f64, u64)> = (0..5)
        .map(|i| (if i < 4 { 50.0 } else { 100.0 }, max))
        .collect();
    let v = judge_error_counts(&s, "shop.prod.9", &canary, &baseline).await;
    assert_eq!(v["verdict"], "rollback", "{v}");
    let rule = &v["rules"][0];
    assert_eq!(rule["method"], "counts_vs_baseline", "{rule}");
    assert_eq!(rule["comparison"]["minutes"], 5, "{rule}");
}

on_both_backends!(
    compare_judges_canary_against_baseline_with_counts,
    compare_judges_counts_at_the_top_of_their_range
);

/// A canary without a baseline cohort: `minutes` of p99 (no counts), an AR(1) in log space
/// (coefficient 0.8, stationary sd 8 %) on a level that drifts with a daily-ish load curve
/// (±10 % over an eight-hour period: up to 0.13 % a minute), with 2 % single-minute spikes,
/// times `factor` from `onset` on.
fn own_past_deployment(
    rng: &mut StdRng,
    minutes: usize,
    factor: f64,
    onset: usize,
) -> Observations {
    let phi: f64 = 0.8;
    let innovation = Normal::new(0.0, 0.08 * (1.0 - phi * phi).sqrt()).unwrap();
    let level = rng.random_range(80.0..600.0);
    let phase = rng.random_range(0.0..std::f64::consts::TAU);
    let mut ar = Normal::new(0.0, 0.08).unwrap().sample(rng);
    let (mut values, mut times) = (Vec::new(), Vec::new());
    for i in 0..minutes {
        ar = phi * ar + innovation.sample(rng);
        let load = 1.0 + 0.1 * (phase + std::f64::consts::TAU * i as f64 / 480.0).sin();
        let spike = if rng.random_bool(0.02) {
            rng.random_range(1.3..2.2)
        } else {
            1.0
        };
        let regressed = if i >= onset { factor } else { 1.0 };
        values.push(level * load * ar.exp() * spike * regressed);
        times.push(t(i));
    }
    let mut obs = Observations::default();
    obs.canary.insert(
        "latency_p99".into(),
        Series {
            values,
            times: Some(times),
            counts: None,
        },
    );
    obs
}

/// The own-past detector on 300 healthy and 300 regressed (+50 % p99 from minute 46) drifting
/// AR(1) canaries. The bounds pin what it does today, not the target: 49 of 300 healthy
/// canaries (16.3 %) are rolled back, most in their first 30 minutes, where a dozen warm-up
/// points of an AR(1) with coefficient 0.8 underestimate both its spread and its
/// autocorrelation; 228 of 300 steps are caught after onset, median 4 minutes.
#[test]
fn without_a_baseline_a_sustained_latency_step_is_caught_and_drifting_ar1_noise_rarely_fires() {
    let policy = Policy::builtin("compare").unwrap();
    let mut rng = StdRng::seed_from_u64(1_201);
    let runs = 300;
    let healthy = (0..runs)
        .filter(|_| first_rollback(&own_past_deployment(&mut rng, 90, 1.0, 90), &policy).is_some())
        .count();
    assert!(
        healthy * 5 <= runs,
        "{healthy} of {runs} healthy rolled back"
    );
    let mut delays: Vec<usize> = (0..runs)
        .filter_map(|_| {
            let obs = own_past_deployment(&mut rng, 90, 1.5, 45);
            // Steps are 1-based: the first regressed minute is step 46.
            first_rollback(&obs, &policy).and_then(|step| step.checked_sub(46))
        })
        .collect();
    delays.sort_unstable();
    assert!(
        delays.len() >= runs * 70 / 100,
        "caught {} of {runs}",
        delays.len()
    );
    let median = delays[delays.len() / 2];
    assert!(median <= 6, "median delay {median} minutes");
}

/// Without a baseline cohort, the detector's practical margin is the policy's latency margin
/// (`rules.latency.compare.margin`), as with one: a sustained 7 % rise on a steady canary is
/// rolled back under a 5 % margin and not under the default 10 %.
#[test]
fn without_a_baseline_the_latency_margin_is_the_policy_s() {
    let values: Vec<f64> = (0..90)
        .map(|i| {
            let steady = if i % 2 == 0 { 200.0 } else { 202.0 };
            if i >= 40 { steady * 1.07 } else { steady }
        })
        .collect();
    let mut obs = Observations::default();
    obs.canary.insert(
        "latency_p99".into(),
        Series {
            times: Some((0..values.len()).map(t).collect()),
            values,
            counts: None,
        },
    );
    let default = Policy::builtin("compare").unwrap();
    assert_eq!(first_rollback(&obs, &default), None);
    let verdict = Verdict::new("compare", &default, &evaluate(&default, &obs.inputs()));
    assert!(
        verdict.rules[1].message.contains("(margin 10%)"),
        "{}",
        verdict.rules[1].message
    );
    let tight = Policy::from_partial_json(
        &json!({"extends": "compare", "rules": {"latency": {"compare": {"margin": 0.05}}}}),
    )
    .unwrap();
    let step = first_rollback(&obs, &tight).expect("a 7 % rise beyond a 5 % margin");
    // Steps are 1-based: the first raised minute is step 41; at most 1.2 of the CUSUM's 6 a minute.
    assert!((45..=50).contains(&step), "rolled back at step {step}");
    let verdict = Verdict::new("compare", &tight, &evaluate(&tight, &obs.inputs()));
    assert_eq!(verdict.verdict, Decision::Rollback);
    assert!(
        verdict.rules[1].message.contains("(margin 5%)"),
        "{}",
        verdict.rules[1].message
    );
}

/// A series of one value a minute with the count behind each.
fn counted_series(values: Vec<f64>, counts: Vec<u64>) -> Series {
    Series {
        counts: Some(counts),
        ..timed(values)
    }
}

/// `rule`'s comparison when `compare` judges `obs` whole.
fn comparison_of(obs: &Observations, rule: RuleName) -> rollguard::analysis::compare::Comparison {
    let policy = Policy::builtin("compare").unwrap();
    let verdict = evaluate(&policy, &obs.inputs());
    let outcome = verdict.rules.into_iter().find(|r| r.rule == rule).unwrap();
    outcome.comparison.expect("a comparison")
}

fn timed(values: Vec<f64>) -> Series {
    Series {
        times: Some((0..values.len()).map(t).collect()),
        values,
        counts: None,
    }
}

/// `obs` cut to its first `n` minutes: what a controller asking at minute `n` has sent.
fn first_minutes(obs: &Observations, n: usize) -> Observations {
    let cut = |m: &std::collections::BTreeMap<String, Series>| {
        m.iter()
            .map(|(k, s)| {
                let n = n.min(s.values.len());
                let series = Series {
                    values: s.values[..n].to_vec(),
                    times: s.times.as_ref().map(|t| t[..n].to_vec()),
                    counts: s.counts.as_ref().map(|c| c[..n].to_vec()),
                };
                (k.clone(), series)
            })
            .collect()
    };
    Observations {
        canary: cut(&obs.canary),
        baseline_cohort: cut(&obs.baseline_cohort),
        pre: cut(&obs.pre),
        explicit_conversion_baseline: obs.explicit_conversion_baseline,
    }
}

/// The interval each rule reports is meant to be valid at the moment of asking, however often a
/// controller asks. Healthy canaries (the same probabilities and p99 as their baseline, with
/// shared drift and shocks, canary-only AR(1) p99 wander with φ 0.6–0.9, spikes, and unbiased
/// p99 sampling noise, so the true ratio is 1 and the true difference 0 at every traffic) are
/// asked at every minute; few of them may ever see an interval that excludes the truth. Before
/// the intervals took autocorrelation and their own few minutes into account (2026-12-01), the
/// latency interval excluded 1 for 102 of these 200 canaries, most at the second minute; now for
/// none, and the error-rate interval excluded 0 for 2.
#[test]
fn intervals_hold_when_asked_every_minute() {
    let policy = Policy::builtin("compare").unwrap();
    let mut rng = StdRng::seed_from_u64(1201);
    let runs = 200;
    let (mut latency_missed, mut errors_missed) = (0, 0);
    for _ in 0..runs {
        let obs = deployment(&mut rng, 90, Regression::None, 0);
        let (mut latency_out, mut errors_out) = (false, false);
        for n in 2..=90 {
            let verdict = evaluate(&policy, &first_minutes(&obs, n).inputs());
            for r in &verdict.rules {
                let Some(c) = &r.comparison else { continue };
                match r.rule {
                    RuleName::Latency => {
                        latency_out |= !(c.effect_low <= 1.0 && 1.0 <= c.effect_high);
                    }
                    RuleName::ErrorRate => {
                        errors_out |= !(c.effect_low <= 0.0 && 0.0 <= c.effect_high);
                    }
                    RuleName::Conversion => {}
                }
            }
        }
        latency_missed += usize::from(latency_out);
        errors_missed += usize::from(errors_out);
    }
    // The level is 1 %/3 a rule; allow for the approximation (asymptotic, AR(1)) and chance.
    assert!(latency_missed <= 4, "latency: {latency_missed} of {runs}");
    assert!(errors_missed <= 4, "error rate: {errors_missed} of {runs}");
}

/// No errors in a handful of requests does not mean a rate known to be 0: the interval for the
/// difference stays wide (it was [−1.7, +1.0] points for 0 of 30 against 1 of 300: the canary's
/// rate taken as exactly 0).
#[test]
fn a_few_requests_without_errors_give_a_wide_interval() {
    let mut obs = Observations::default();
    obs.canary.insert(
        "error_rate".into(),
        counted_series(vec![0.0, 0.0], vec![15, 15]),
    );
    obs.baseline_cohort.insert(
        "error_rate".into(),
        counted_series(vec![0.0, 100.0 / 150.0], vec![150, 150]),
    );
    let c = comparison_of(&obs, RuleName::ErrorRate);
    assert_eq!((c.canary_events, c.canary_count), (Some(0), Some(30)));
    assert!(
        c.effect_low < -0.3 && c.effect_high > 5.0,
        "[{}, {}] points",
        c.effect_low,
        c.effect_high
    );
}

/// No conversion among a canary's first few sessions does not make a ratio known to be 0: the
/// interval for the canary's conversion rate over the baseline's still holds 1. It was
/// [3e-13, 4e-9], around a ratio of 0, for 0 of 12 against 6 of 200; on the production-shaped
/// corpus 30 % of healthy canaries saw such an interval at some minute, most at the second.
#[test]
fn a_few_sessions_without_conversions_give_an_interval_that_holds_1() {
    let mut obs = Observations::default();
    obs.canary.insert(
        "conversion_rate".into(),
        counted_series(vec![0.0, 0.0], vec![6, 6]),
    );
    obs.baseline_cohort.insert(
        "conversion_rate".into(),
        counted_series(vec![0.03, 0.03], vec![100, 100]),
    );
    let c = comparison_of(&obs, RuleName::Conversion);
    assert_eq!((c.canary_events, c.canary_count), (Some(0), Some(12)));
    assert_eq!((c.baseline_events, c.baseline_count), (Some(6), Some(200)));
    assert!(
        c.effect_low < 1.0 && c.effect_high > 1.0 && c.effect_low > 0.0,
        "ratio interval [{}, {}]",
        c.effect_low,
        c.effect_high
    );
}

/// Conversion as values, without counts (as Kayenta sends them): a canary of a few sessions a
/// minute reads 0 most minutes and now and then a large rate. Its mean is the baseline's, but
/// the log ratio of the minutes says "lower" nearly every minute; the rule does not bet on such
/// minutes and says why. A canary whose rate is never 0 is still judged, and a halved rate
/// rolled back.
#[test]
fn conversion_values_from_too_few_sessions_are_not_taken_for_a_drop() {
    let policy = Policy::builtin("compare").unwrap();
    let baseline: Vec<f64> = (0..90)
        .map(|i| 0.03 + 0.002 * ((i % 5) as f64 - 2.0))
        .collect();
    // One conversion of two sessions every 15 minutes: 0.033 on average, 0 in 84 of 90 minutes.
    let sparse: Vec<f64> = (0..90)
        .map(|i| if i % 15 == 7 { 0.5 } else { 0.0 })
        .collect();
    let mut obs = Observations::default();
    obs.canary.insert("conversion_rate".into(), timed(sparse));
    obs.baseline_cohort
        .insert("conversion_rate".into(), timed(baseline.clone()));
    assert_eq!(first_rollback(&obs, &policy), None);
    let verdict = Verdict::new("compare", &policy, &evaluate(&policy, &obs.inputs()));
    let rule = verdict
        .rules
        .iter()
        .find(|r| r.outcome.rule == RuleName::Conversion)
        .unwrap();
    assert_eq!(rule.outcome.status, RuleStatus::Passed, "{}", rule.message);
    assert_eq!(rule.outcome.method, Some(Method::ValuesVsBaseline));
    assert!(
        rule.message
            .contains("canary conversion 0 in 84 of 90 minutes: too few sessions a minute"),
        "{}",
        rule.message
    );
    assert_eq!(rule.outcome.comparison.unwrap().zero_minutes, Some(84));
    // Dense values at half the baseline's rate: rolled back.
    let halved: Vec<f64> = baseline.iter().map(|b| b / 2.0).collect();
    obs.canary.insert("conversion_rate".into(), timed(halved));
    let step = first_rollback(&obs, &policy).expect("a halved conversion rate");
    assert!(step <= 30, "rolled back at step {step}");
}

#[test]
fn without_a_baseline_the_latency_verdict_says_it_judges_against_the_canary_s_own_past() {
    let policy = Policy::builtin("compare").unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    // Asked 15 minutes after the onset, before the reference has followed the step.
    let obs = own_past_deployment(&mut rng, 60, 1.5, 45);
    let verdict = Verdict::new("compare", &policy, &evaluate(&policy, &obs.inputs()));
    assert_eq!(verdict.verdict, Decision::Rollback);
    let latency = verdict
        .rules
        .iter()
        .find(|r| r.outcome.rule == RuleName::Latency)
        .unwrap();
    assert_eq!(latency.outcome.status, RuleStatus::Triggered);
    assert_eq!(latency.outcome.method, Some(Method::OwnPastShift));
    assert!(
        latency
            .message
            .starts_with("no baseline cohort: against the canary's own past; p99 "),
        "{}",
        latency.message
    );
    assert!(
        latency.message.ends_with(": roll back"),
        "{}",
        latency.message
    );
    let c = latency.outcome.comparison.unwrap();
    assert!(
        c.effect > 1.3 && c.effect_low < c.effect && c.effect < c.effect_high,
        "{c:?}"
    );
    // Before the warm-up is over the rule says what it waits for.
    let mut short = obs.clone();
    short
        .canary
        .get_mut("latency_p99")
        .unwrap()
        .values
        .truncate(5);
    short
        .canary
        .get_mut("latency_p99")
        .unwrap()
        .times
        .as_mut()
        .unwrap()
        .truncate(5);
    let verdict = Verdict::new("compare", &policy, &evaluate(&policy, &short.inputs()));
    assert_eq!(verdict.verdict, Decision::Inconclusive);
    assert_eq!(
        verdict.rules[1].message,
        "no baseline cohort: against the canary's own past; needs 13 p99 points before it judges (5 so far)"
    );
}

#[test]
fn partial_policies_extend_a_named_built_in() {
    let p = Policy::from_partial_json(&json!({"extends": "compare", "alpha": 0.05})).unwrap();
    let mut expected = Policy::builtin("compare").unwrap();
    expected.alpha = 0.05;
    assert_eq!(p, expected);
    let err = Policy::from_partial_json(&json!({"extends": "strict"}))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("extends: 'strict' is not a built-in policy"),
        "{err}"
    );
    assert_eq!(
        Policy::from_partial_json(&json!({})).unwrap(),
        Policy::seed()
    );
    for bad in [json!({"alpha": 0}), json!({"alpha": 0.7})] {
        assert!(Policy::from_partial_json(&bad).is_err(), "{bad}");
    }
}
