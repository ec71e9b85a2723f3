//! Replay: the verdict at every step equals full evaluation of that prefix (property-style, on
//! generated series with ties, constant stretches and large offsets), and `rollguard replay` as a
//! real process over NDJSON, CSV and the store.

use std::collections::BTreeMap;
use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rollguard::analysis::rules::ConversionBaseline;
use rollguard::analysis::{Decision, Observations, Policy, Series, evaluate, stats};
use rollguard::replay::{Polling, Timeline};
use serde_json::Value;

use crate::support::root;

fn t(i: usize) -> DateTime<Utc> {
    "2026-11-24T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(i as i64)
}

/// A latency series that sits on, just over, or just under its own threshold now and then.
fn latency(rng: &mut StdRng, n: usize) -> Vec<f64> {
    let (offset, sd): (f64, f64) = match rng.random_range(0..4) {
        0 => (200.0, 20.0),
        1 => (1e7, 1e-3),
        2 => (250.0, 0.0), // constant: every step is a tie
        _ => (50.0, 5.0),
    };
    let noise = Normal::new(0.0f64, 1.0).unwrap();
    let mut xs: Vec<f64> = (0..n)
        .map(|_| (offset + sd * noise.sample(rng)).max(0.0))
        .collect();
    for k in 7..n {
        if rng.random_bool(0.15) {
            let (m, s) = stats::mean_and_population_std(&xs[..k - 5]).unwrap();
            let limit = m + 2.0 * s;
            xs[k - 1] =
                [limit, limit.next_up(), limit.next_down()][rng.random_range(0..3)].max(0.0);
        }
    }
    xs
}

fn deployment(rng: &mut StdRng, timed: bool) -> Observations {
    let n = rng.random_range(0..160);
    let series = |values: Vec<f64>, rng: &mut StdRng| {
        // Timed series skip minutes now and then, so the timeline merges distinct timestamps.
        let times = timed.then(|| {
            let mut minute = 0;
            values
                .iter()
                .map(|_| {
                    minute += rng.random_range(1..3);
                    t(minute)
                })
                .collect()
        });
        Series {
            values,
            times,
            counts: None,
        }
    };
    let n_err = rng.random_range(0..=n);
    let errors: Vec<f64> = (0..n_err)
        .map(|_| [4.0, 5.0, 6.0, rng.random_range(0.0..12.0)][rng.random_range(0..4)])
        .collect();
    let n_conv = rng.random_range(0..=n);
    let conversion: Vec<f64> = (0..n_conv).map(|_| rng.random_range(0.01..0.05)).collect();
    let mut obs = Observations::default();
    obs.canary.insert("error_rate".into(), series(errors, rng));
    obs.canary
        .insert("latency_p99".into(), series(latency(rng, n), rng));
    obs.canary
        .insert("conversion_rate".into(), series(conversion, rng));
    if rng.random_bool(0.5) {
        obs.explicit_conversion_baseline = Some(rng.random_range(0.02..0.04));
    } else {
        obs.pre.insert(
            "conversion_rate".into(),
            Series {
                values: vec![0.03, 0.032],
                times: None,
                counts: None,
            },
        );
    }
    obs
}

fn policies() -> Vec<Policy> {
    let mut variants = vec![Policy::seed()];
    let mut p = Policy::seed();
    p.rules.latency.exclude_recent = 0;
    p.rules.error_rate.window = 1;
    variants.push(p);
    let mut p = Policy::seed();
    p.rules.latency.sigmas = 3.0;
    p.rules.latency.min_baseline_points = 20;
    p.rules.conversion.window = 5;
    p.rules.conversion.min_ratio = 0.95;
    variants.push(p);
    let mut p = Policy::seed();
    p.rules.error_rate.enabled = false;
    variants.push(p);
    // Winsorized baseline: the engine's accumulator is the rule itself.
    variants.push(Policy::builtin("guarded").unwrap());
    // Sequential comparisons, and their fallbacks without a baseline cohort (threshold rules;
    // latency's own-past detector).
    variants.push(Policy::builtin("compare").unwrap());
    variants
}

/// A deployment with canary and baseline cohorts at shared minutes (each cohort missing some),
/// with counts on some series and not others, healthy or with a regression from a random onset.
fn compared_deployment(rng: &mut StdRng) -> Observations {
    let n = rng.random_range(0..120);
    let onset = rng.random_range(0..=n);
    let worse = rng.random_range(0..4); // 0: healthy, 1: errors, 2: latency, 3: conversion
    let counted = rng.random_bool(0.7);
    let requests = 10f64.powf(rng.random_range(0.5..3.5));
    let mut obs = Observations::default();
    for (metric, base) in [
        ("error_rate", rng.random_range(0.1..3.0)),
        ("latency_p99", rng.random_range(80.0..400.0)),
        ("conversion_rate", rng.random_range(0.01..0.08)),
    ] {
        if rng.random_bool(0.1) {
            continue; // a metric this deployment never sends
        }
        for (cohort, share) in [("canary", 1.0), ("baseline", 9.0)] {
            if cohort == "baseline" && rng.random_bool(0.2) {
                continue; // no baseline cohort: the fallback judges
            }
            let (mut values, mut times, mut counts) = (Vec::new(), Vec::new(), Vec::new());
            for i in 0..n {
                if rng.random_bool(0.1) {
                    continue;
                }
                let count = ((requests * share) * rng.random_range(0.5..1.5)).round() as u64;
                let regressed = cohort == "canary" && i >= onset;
                let noise = Normal::new(0.0, 0.1).unwrap().sample(rng);
                let value: f64 = match metric {
                    "error_rate" => {
                        let rate = base + if regressed && worse == 1 { 5.0 } else { 0.0 };
                        let errors = (rate / 100.0 * count as f64 * (1.0 + noise))
                            .round()
                            .max(0.0);
                        if count == 0 {
                            0.0
                        } else {
                            (100.0 * errors / count as f64).min(100.0)
                        }
                    }
                    "latency_p99" => {
                        base * noise.exp() * if regressed && worse == 2 { 1.6 } else { 1.0 }
                    }
                    _ => (base * (1.0 + noise) * if regressed && worse == 3 { 0.4 } else { 1.0 })
                        .clamp(0.0, 1.0),
                };
                values.push(value);
                times.push(t(i));
                counts.push(count);
            }
            let series = Series {
                values,
                times: Some(times),
                counts: counted.then_some(counts),
            };
            let cohorts = if cohort == "canary" {
                &mut obs.canary
            } else {
                &mut obs.baseline_cohort
            };
            cohorts.insert(metric.into(), series);
        }
    }
    if rng.random_bool(0.3) {
        obs.explicit_conversion_baseline = Some(rng.random_range(0.02..0.06));
    }
    obs
}

#[test]
fn compare_steps_equal_full_evaluation_with_baselines_and_counts() {
    let mut rng = StdRng::seed_from_u64(0xc0_3a7e);
    let compare = Policy::builtin("compare").unwrap();
    let mut required = compare.clone();
    required.rules.conversion.required = true;
    // Latency judged by exceedance in minutes with fewer than 100 canary requests.
    let mut nearest = compare.clone();
    if let Some(c) = nearest.rules.latency.compare.as_mut() {
        c.nearest_rank = true;
    }
    let mut seen = BTreeMap::new();
    let mut checked = 0;
    for case in 0..300 {
        let obs = compared_deployment(&mut rng);
        for policy in [&compare, &required, &nearest] {
            let timeline = Timeline::new(&obs);
            let full = obs.inputs();
            for (step, lens, decision) in
                timeline.decisions(policy, Polling::EveryPoints(1)).unwrap()
            {
                let expected = evaluate(policy, &full.prefix(lens));
                assert_eq!(
                    decision, expected.decision,
                    "case {case}, step {step}, lens {lens:?}"
                );
                for rule in &expected.rules {
                    *seen
                        .entry(format!("{:?}/{:?}", rule.method, rule.status))
                        .or_insert(0) += 1;
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 20_000, "{checked} steps checked");
    // Every method and status occurs, so each path of the engine was compared.
    for key in [
        "Some(CountsVsBaseline)/Triggered",
        "Some(CountsVsBaseline)/Passed",
        "Some(ValuesVsBaseline)/Triggered",
        "Some(ValuesVsBaseline)/Passed",
        "Some(CountsVsReference)/Passed",
        "Some(OwnPast)/Passed",
        "Some(OwnPastShift)/InsufficientData",
        "Some(OwnPastShift)/Passed",
        "Some(OwnPastShift)/Triggered",
        "None/NotApplicable",
    ] {
        assert!(seen.contains_key(key), "{key} never occurred: {seen:?}");
    }
}

/// Compares every step of `obs` under `policy` with full evaluation of its prefix.
fn assert_steps_equal_evaluate(obs: &Observations, policy: &Policy, what: &str) -> usize {
    let timeline = Timeline::new(obs);
    let full = obs.inputs();
    let steps = timeline.decisions(policy, Polling::EveryPoints(1)).unwrap();
    for (step, [n_err, n_lat, n_conv], decision) in &steps {
        let prefix = full.prefix([*n_err, *n_lat, *n_conv]);
        assert_eq!(
            *decision,
            evaluate(policy, &prefix).decision,
            "{what}, step {step}"
        );
    }
    steps.len()
}

#[test]
fn constant_and_tied_latency_series_equal_full_evaluation_on_every_prefix() {
    // Flat series, including values whose copies do not sum exactly (0.1, 1/3: the two-pass σ of
    // such a series is not 0), each tested as it is, with the last point nudged one ulp up or down
    // or pushed far up, and with a step change in the recent (excluded) points.
    let mut cases: Vec<(String, Vec<f64>)> = Vec::new();
    for v in [0.0, 0.1, 1.0 / 3.0, 199.7, 250.0, 1e7 + 0.1] {
        let flat = vec![v; 300];
        cases.push((format!("flat {v}"), flat.clone()));
        for (name, last) in [
            ("next_up", v.next_up()),
            ("next_down", v.next_down().max(0.0)),
            ("spike", v * 2.0 + 1.0),
        ] {
            let mut xs = flat.clone();
            *xs.last_mut().unwrap() = last;
            cases.push((format!("flat {v}, last {name}"), xs));
        }
        let mut stepped = flat.clone();
        for x in &mut stepped[150..] {
            *x = v + 1.0;
        }
        cases.push((format!("flat {v} then a step"), stepped));
    }
    // Exact ties on a varying baseline: 100, 200, … has mean 150 and σ 50, so with sigmas = 1
    // every point 200 that closes an even baseline sits exactly on the threshold.
    cases.push((
        "alternating".into(),
        (0..300)
            .map(|i| if i % 2 == 0 { 100.0 } else { 200.0 })
            .collect(),
    ));
    let mut policies = policies();
    let mut tied = Policy::seed();
    tied.rules.latency.sigmas = 1.0;
    tied.rules.latency.exclude_recent = 0;
    policies.push(tied);
    let mut checked = 0;
    for (what, values) in &cases {
        let mut obs = Observations::default();
        obs.canary.insert(
            "latency_p99".into(),
            Series {
                values: values.clone(),
                times: None,
                counts: None,
            },
        );
        for policy in &policies {
            checked += assert_steps_equal_evaluate(&obs, policy, what);
        }
    }
    assert!(checked > 30_000, "{checked} steps checked");
}

/// Statistics beyond f64: a latency series near f64::MAX overflows the mean, and with
/// `sigmas = 0` the threshold becomes NaN. The rule says `insufficient_data` there; the engine
/// must not read the NaN comparison as a pass.
#[test]
fn overflowing_latency_statistics_replay_as_evaluate_does() {
    let mut policies = policies();
    let mut flat_threshold = Policy::seed();
    flat_threshold.rules.latency.sigmas = 0.0;
    policies.push(flat_threshold);
    let mut obs = Observations::default();
    obs.canary.insert(
        "latency_p99".into(),
        Series {
            values: vec![1.7e308; 40],
            times: None,
            counts: None,
        },
    );
    for policy in &policies {
        assert_steps_equal_evaluate(&obs, policy, "values near f64::MAX");
    }
}

#[test]
fn every_replayed_step_equals_full_evaluation_of_its_prefix() {
    let mut rng = StdRng::seed_from_u64(0x0e91a7);
    let mut checked = 0usize;
    let mut seen = BTreeMap::new();
    for case in 0..400 {
        let obs = deployment(&mut rng, case % 2 == 1);
        let timeline = Timeline::new(&obs);
        let full = obs.inputs();
        for policy in policies() {
            let steps = timeline
                .decisions(&policy, Polling::EveryPoints(1))
                .unwrap();
            assert_eq!(steps.len(), timeline.steps());
            for (step, [n_err, n_lat, n_conv], decision) in steps {
                let prefix = full.prefix([n_err, n_lat, n_conv]);
                let expected = evaluate(&policy, &prefix).decision;
                assert_eq!(
                    decision,
                    expected,
                    "case {case}, step {step}, lens {:?}",
                    [n_err, n_lat, n_conv]
                );
                *seen.entry(format!("{expected:?}")).or_insert(0) += 1;
                checked += 1;
            }
        }
    }
    assert!(checked > 50_000, "{checked} steps checked");
    assert!(seen.len() == 3, "every decision occurs: {seen:?}");
}

#[test]
fn the_first_rollback_is_the_first_step_that_decides_rollback() {
    let mut rng = StdRng::seed_from_u64(77);
    for case in 0..200 {
        let obs = deployment(&mut rng, case % 3 == 0);
        let timeline = Timeline::new(&obs);
        for polling in [Polling::EveryPoints(1), Polling::EveryPoints(4)] {
            let policy = Policy::seed();
            let first = timeline
                .decisions(&policy, polling)
                .unwrap()
                .into_iter()
                .find(|s| s.2 == Decision::Rollback)
                .map(|s| s.0);
            let hit = timeline
                .first_rollbacks(&[&policy], polling)
                .unwrap()
                .remove(0);
            assert_eq!(
                hit.as_ref().map(|h| h.step),
                first,
                "case {case}, {polling:?}"
            );
            if let Some(h) = hit {
                assert_eq!(
                    h.step
                        % match polling {
                            Polling::EveryPoints(n) => n,
                            _ => 1,
                        },
                    0
                );
            }
        }
    }
}

#[test]
fn conversion_baseline_in_replay_is_resolved_like_evaluate() {
    // The pre cohort's mean is the baseline when nothing better is given.
    let mut obs = Observations::default();
    obs.canary.insert(
        "conversion_rate".into(),
        Series {
            values: vec![0.03, 0.02],
            times: None,
            counts: None,
        },
    );
    obs.pre.insert(
        "conversion_rate".into(),
        Series {
            values: vec![0.03, 0.03],
            times: None,
            counts: None,
        },
    );
    let d = Timeline::new(&obs)
        .decisions(&Policy::seed(), Polling::EveryPoints(1))
        .unwrap();
    let base = ConversionBaseline {
        pre: &[0.03, 0.03],
        ..Default::default()
    };
    assert_eq!(base.resolve().unwrap().0, 0.03);
    assert_eq!(
        d.iter().map(|s| s.2).collect::<Vec<_>>(),
        [Decision::Inconclusive, Decision::Rollback]
    );
}

fn replay(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rollguard"))
        .arg("replay")
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn replay_compares_policies_on_the_example_corpus() {
    std::fs::write(
        root().join("target/lenient-policy.json"),
        r#"{"rules": {"latency": {"sigmas": 4.0}, "conversion": {"min_ratio": 0.6}}}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = replay(
        &[
            "examples/replay/corpus.ndjson",
            "--policy",
            "seed",
            "--policy",
            "target/lenient-policy.json",
            "--json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["policies"],
        serde_json::json!(["seed", "lenient-policy"])
    );
    let deployments = report["deployments"].as_array().unwrap();
    assert_eq!(deployments.len(), 200);
    let first = &deployments[0];
    assert!(first["key"].is_string() && first["outcome"].is_string());
    for p in ["seed", "lenient-policy"] {
        let r = &first["results"][p];
        assert!(
            r.as_object().unwrap().contains_key("first_rollback_step")
                && r.as_object().unwrap().contains_key("rule")
        );
        let s = &report["summary"][p];
        let c = &s["confusion"];
        let total = ["tp", "fp", "tn", "fn"]
            .iter()
            .map(|k| c[k].as_u64().unwrap())
            .sum::<u64>();
        assert_eq!(total, 200, "every deployment in the corpus has an outcome");
    }
    // The seed rolls back nearly every healthy deployment; the lenient policy far fewer.
    let fr = |p: &str| {
        report["summary"][p]["false_rollback_rate"]
            .as_f64()
            .unwrap()
    };
    assert!(fr("seed") > 0.8, "seed false-rollback rate {}", fr("seed"));
    assert!(fr("lenient-policy") < fr("seed"));

    let (code, table, _) = replay(&["examples/replay/corpus.ndjson"], &[]);
    assert_eq!(code, 0);
    assert!(
        table.starts_with("policy")
            && table.contains("false-rb")
            && table.contains("more deployments: use --json"),
        "{table}"
    );
}

#[test]
fn replay_polls_every_n_points_or_every_interval() {
    let (_, every1, _) = replay(&["examples/replay/deployments.csv", "--json"], &[]);
    let (_, every4, _) = replay(
        &["examples/replay/deployments.csv", "--every", "4", "--json"],
        &[],
    );
    let (_, by_time, _) = replay(
        &[
            "examples/replay/deployments.csv",
            "--interval",
            "5m",
            "--json",
        ],
        &[],
    );
    let step = |out: &str, i: usize| {
        serde_json::from_str::<Value>(out).unwrap()["deployments"][i]["results"]["seed"]["first_rollback_step"].clone()
    };
    // checkout.prod.102: error rate jumps at minute 8; the seed fires when the 3-point mean passes 5%.
    assert_eq!(step(&every1, 1), 10);
    assert_eq!(step(&every4, 1), 12, "polled at steps 4, 8, 12");
    assert_eq!(step(&by_time, 1), 11, "polled at 10:05 and 10:10 (step 11)");
    let at = serde_json::from_str::<Value>(&by_time).unwrap()["deployments"][1]["results"]["seed"]
        ["first_rollback_at"]
        .clone();
    assert_eq!(at, "2026-11-24T10:10:00Z");
}

#[test]
fn replay_reports_bad_input_with_its_line() {
    std::fs::write(
        root().join("target/bad.ndjson"),
        "{\"key\": \"ok\"}\n{\"key\": \"x\", \"metrics\": {\"error_rate\": [200]}}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = replay(&["target/bad.ndjson"], &[]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("line 2: metrics.error_rate[0]: error rate 200 is above 100"),
        "{stderr}"
    );
    let (code, _, stderr) = replay(&["examples/replay/corpus.ndjson", "--interval", "5m"], &[]);
    assert_eq!(code, 2, "untimed series cannot be polled by time");
    assert!(stderr.contains("needs timestamped series"), "{stderr}");
    let (code, _, stderr) = replay(&["examples/replay/corpus.ndjson", "--policy", "nope"], &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown policy 'nope'"), "{stderr}");
}

#[tokio::test]
async fn replay_from_the_store_reads_outcomes_and_filters() {
    use rollguard::model::{Cohort, DeploymentKey, DeploymentSpec, Outcome, Point};
    let (store, db) = crate::support::test_store(crate::support::Backend::Sqlite).await;
    for (key, env, outcome, bad) in [
        ("a.1", "production", Outcome::RolledBack, true),
        ("a.2", "production", Outcome::Promoted, false),
        ("a.3", "staging", Outcome::Promoted, true),
    ] {
        let k = DeploymentKey::parse(key).unwrap();
        let spec = DeploymentSpec {
            environment: Some(env.into()),
            outcome: Some(outcome),
            started_at: Some(t(0)),
            ..Default::default()
        };
        store.put_deployment(&k, &spec).await.unwrap();
        let points: Vec<Point> = (0..10)
            .map(|i| {
                let value = if bad && i >= 5 { 9.0 } else { 1.0 };
                Point::new("error_rate", Cohort::Canary, t(i), value, None).unwrap()
            })
            .collect();
        store.ingest(&k, &points).await.unwrap();
    }
    let (code, stdout, stderr) = replay(
        &["--from-store", "--environment", "production", "--json"],
        &[("DATABASE_URL", &db.url)],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let keys: Vec<&str> = report["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["a.2", "a.1"], "newest first, staging filtered out");
    assert_eq!(
        report["deployments"][1]["results"]["seed"]["first_rollback_step"],
        7
    );
    assert_eq!(
        report["summary"]["seed"]["confusion"],
        serde_json::json!({"tp": 1, "fp": 0, "tn": 1, "fn": 0})
    );
}

mod http {
    //! `POST /v1/replays` in the background, `GET /v1/replays/{id}` for progress and result.

    use serde_json::{Value, json};

    use crate::support::{
        Backend, TestServer, assert_error, eventually, minute_points, on_both_backends, root,
    };

    /// Waits for a replay's record to say it is no longer running (bounded: 10 s).
    async fn finished(s: &TestServer, id: &Value) -> Value {
        finished_within(s, id, 10).await
    }

    async fn finished_within(s: &TestServer, id: &Value, seconds: u64) -> Value {
        let what = format!("replay {id} finished");
        eventually(&what, std::time::Duration::from_secs(seconds), || async {
            let (status, r) = s.get(&format!("/v1/replays/{id}")).await;
            assert_eq!(status, 200, "{r}");
            (r["status"] != "running").then_some(r)
        })
        .await
    }

    async fn replays_inline_deployments_in_the_background(backend: Backend) {
        let s = TestServer::start(backend).await;
        let corpus = std::fs::read_to_string(root().join("examples/replay/corpus.ndjson")).unwrap();
        let deployments: Vec<Value> = corpus
            .lines()
            .take(150)
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let (status, started) = s
            .post("/v1/replays", json!({"deployments": deployments}))
            .await;
        assert_eq!(status, 202, "{started}");
        assert_eq!(
            started["policies"],
            json!(["seed", "guarded", "compare"]),
            "default: every built-in"
        );
        let done = finished(&s, &started["id"]).await;
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(done["progress"], json!({"done": 150, "total": 150}));
        let result = &done["result"];
        assert_eq!(result["deployments"].as_array().unwrap().len(), 150);
        let (seed, guarded) = (&result["summary"]["seed"], &result["summary"]["guarded"]);
        assert!(
            seed["false_rollback_rate"].as_f64().unwrap()
                > guarded["false_rollback_rate"].as_f64().unwrap()
        );
        // The same report as the CLI gives for the same input.
        let (_, listed) = s.get("/v1/replays").await;
        assert_eq!(listed["replays"][0]["id"], started["id"]);
        assert!(
            listed["replays"][0].get("result").is_none(),
            "lists leave results out"
        );
    }

    async fn replays_the_store_with_a_filter(backend: Backend) {
        let s = TestServer::start(backend).await;
        for (key, env, outcome, errors) in [
            (
                "a.1",
                "production",
                "rolled_back",
                [1.0, 1.0, 9.0, 9.0, 9.0],
            ),
            ("a.2", "production", "promoted", [1.0; 5]),
            ("a.3", "staging", "promoted", [9.0; 5]),
        ] {
            s.put(
                &format!("/v1/deployments/{key}"),
                json!({"environment": env, "outcome": outcome}),
            )
            .await;
            s.post(
                &format!("/v1/deployments/{key}/points"),
                json!({"points": minute_points("error_rate", "canary", &errors)}),
            )
            .await;
        }
        let body = json!({"from_store": {"environment": "production"}, "policies": ["seed", {"rules": {"error_rate": {"threshold": 0.5}}}], "every": 1});
        let (status, started) = s.post("/v1/replays", body).await;
        assert_eq!(status, 202, "{started}");
        let done = finished(&s, &started["id"]).await;
        assert_eq!(done["status"], "done", "{done}");
        let r = &done["result"];
        assert_eq!(r["policies"], json!(["seed", "inline-2"]));
        let keys: Vec<&str> = r["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["a.2", "a.1"]);
        assert_eq!(
            r["deployments"][1]["results"]["seed"]["first_rollback_step"],
            4
        );
        assert_eq!(
            r["summary"]["seed"]["confusion"],
            json!({"tp": 1, "fp": 0, "tn": 1, "fn": 0})
        );
        assert_eq!(
            r["summary"]["inline-2"]["confusion"]["fp"], 1,
            "a 0.5% threshold fires on a.2"
        );
    }

    async fn bad_replay_requests_are_400_and_start_nothing(backend: Backend) {
        let s = TestServer::start(backend).await;
        let good = json!({"key": "ok", "metrics": {"error_rate": [1, 2, 3]}});
        let bad = json!({"key": "bad", "metrics": {"error_rate": [1, -2]}});
        let resp = s
            .post("/v1/replays", json!({"deployments": [good, bad]}))
            .await;
        assert_error(
            &resp,
            400,
            "invalid_body",
            "deployments[1]: metrics.error_rate[1]: value -2 is negative",
        );
        assert_error(
            &s.post("/v1/replays", json!({"deployments": [], "from_store": {}}))
                .await,
            400,
            "invalid_body",
            "exactly one",
        );
        assert_error(
            &s.post("/v1/replays", json!({})).await,
            400,
            "invalid_body",
            "exactly one",
        );
        assert_error(
            &s.post(
                "/v1/replays",
                json!({"deployments": [], "policies": ["nope"]}),
            )
            .await,
            400,
            "unknown_policy",
            "nope",
        );
        assert_error(
            &s.post("/v1/replays", json!({"deployments": [], "every": 0}))
                .await,
            400,
            "invalid_body",
            "at least 1",
        );
        // Arithmetic on what a request gives is checked: a 400 naming the field, never a panic.
        let (status, r) = s
            .post(
                "/v1/replays",
                json!({"deployments": [], "interval_seconds": 0}),
            )
            .await;
        assert_eq!(
            (status, &r["error"]["details"]["field"]),
            (400, &json!("interval_seconds")),
            "{r}"
        );
        let far = json!({"key": "k", "onset_step": 9_223_372_036_854_775_808_u64, "metrics": {"error_rate": [1, 9, 9]}});
        assert_error(
            &s.post("/v1/replays", json!({"deployments": [far]})).await,
            400,
            "invalid_body",
            "deployments[0]: onset_step must be at most",
        );
        assert_error(
            &s.post(
                "/v1/replays",
                json!({"deployments": [], "policies": ["seed", "seed"]}),
            )
            .await,
            400,
            "invalid_body",
            "twice",
        );
        let (_, listed) = s.get("/v1/replays").await;
        assert_eq!(listed["replays"], json!([]), "nothing was started");
        assert_error(&s.get("/v1/replays/999").await, 404, "not_found", "999");
        assert_error(&s.get("/v1/replays/x").await, 400, "invalid_path", "");
    }

    async fn a_replay_that_cannot_run_is_recorded_as_failed(backend: Backend) {
        let s = TestServer::start(backend).await;
        // Untimed series cannot be polled by time: the run fails, and says why.
        let d = json!({"key": "k", "metrics": {"error_rate": [1, 2, 3]}});
        let (status, started) = s
            .post(
                "/v1/replays",
                json!({"deployments": [d], "interval_seconds": 60}),
            )
            .await;
        assert_eq!(status, 202);
        let done = finished(&s, &started["id"]).await;
        assert_eq!(done["status"], "failed");
        assert!(
            done["error"]
                .as_str()
                .unwrap()
                .contains("needs timestamped series"),
            "{done}"
        );
        assert!(done["finished_at"].is_string());

        // A latency series crafted to sit within rounding of its own threshold at every other
        // step, off the whole numbers (and a hair below it, so that no rollback ends the walk):
        // exactness would cost quadratic time, so the run is refused and says which deployment
        // and why.
        let tied: Vec<f64> = (0..30_000)
            .map(|i| if i % 2 == 0 { 100.1 } else { 200.1 })
            .collect();
        let d = json!({"key": "crafted", "metrics": {"latency_p99": tied}});
        let policy =
            json!({"rules": {"latency": {"sigmas": 1.000_000_000_001, "exclude_recent": 0}}});
        let (status, started) = s
            .post(
                "/v1/replays",
                json!({"deployments": [d], "policies": [policy]}),
            )
            .await;
        assert_eq!(status, 202, "{started}");
        let done = finished(&s, &started["id"]).await;
        assert_eq!(done["status"], "failed");
        let error = done["error"].as_str().unwrap();
        assert!(
            error.contains("crafted") && error.contains("quadratic time"),
            "{done}"
        );
    }

    /// A replay that computes for many seconds even in a release build: one deployment of
    /// `points` flat latency points (never a rollback, so every step is walked) under `seed` and
    /// `policies - 1` inline variants of it.
    fn long_replay(points: usize, policies: usize) -> Value {
        let mut ps = vec![json!("seed")];
        for i in 1..policies {
            ps.push(json!({"rules": {"latency": {"sigmas": 2.0 + i as f64 / 100.0}}}));
        }
        json!({
            "policies": ps,
            "deployments": [{"key": "long", "metrics": {"latency_p99": vec![1; points]}}],
        })
    }

    async fn start_long(s: &TestServer) -> Value {
        let (status, started) = s.post("/v1/replays", long_replay(200_000, 40)).await;
        assert_eq!(status, 202, "{started}");
        started["id"].clone()
    }

    /// Cancels a replay and checks it ended `failed` with the error `cancelled`.
    async fn cancel(s: &TestServer, id: &Value) {
        let (status, r) = s
            .call("POST", &format!("/v1/replays/{id}/cancel"), None)
            .await;
        assert_eq!(status, 200, "{r}");
        assert_eq!(
            (&r["status"], &r["error"]),
            (&json!("failed"), &json!("cancelled")),
            "{r}"
        );
    }

    async fn long_replays_do_not_stall_healthz(backend: Backend) {
        let s = TestServer::start(backend).await;
        // More replays than the test runtime has workers (2): computed on the runtime, they
        // would hold every worker.
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(start_long(&s).await);
        }
        let mut took = Vec::new();
        for _ in 0..100 {
            let start = std::time::Instant::now();
            let (status, _) = s.get("/healthz").await;
            took.push(start.elapsed());
            assert_eq!(status, 200);
        }
        took.sort();
        let p99 = took[took.len() * 99 / 100 - 1];
        for id in &ids {
            let (_, r) = s.get(&format!("/v1/replays/{id}")).await;
            assert_eq!(
                r["status"], "running",
                "still computing while /healthz answered: {r}"
            );
        }
        for id in &ids {
            cancel(&s, id).await;
        }
        assert!(
            p99 < std::time::Duration::from_secs(1),
            "p99 of /healthz {p99:?}"
        );
    }

    async fn cancel_stops_running_and_queued_replays(backend: Backend) {
        let s = TestServer::start_with(backend, |state| {
            state.service = state.service.clone().with_max_concurrent_replays(1);
        })
        .await;
        let running = start_long(&s).await;
        let queued = start_long(&s).await;
        let (_, q) = s.get(&format!("/v1/replays/{queued}")).await;
        assert_eq!(
            (&q["status"], &q["progress"]["done"]),
            (&json!("running"), &json!(0)),
            "{q}"
        );
        let start = std::time::Instant::now();
        cancel(&s, &queued).await;
        cancel(&s, &running).await;
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "took {:?}",
            start.elapsed()
        );
        // A finished replay is kept; an unknown one is 404.
        assert_error(
            &s.call("POST", &format!("/v1/replays/{running}/cancel"), None)
                .await,
            409,
            "conflict",
            "failed",
        );
        assert_error(
            &s.call("POST", "/v1/replays/999/cancel", None).await,
            404,
            "not_found",
            "999",
        );
        // The permit came back: the next replay runs to the end.
        let (_, started) = s.post("/v1/replays", long_replay(100, 2)).await;
        assert_eq!(finished(&s, &started["id"]).await["status"], "done");
    }

    on_both_backends!(
        replays_inline_deployments_in_the_background,
        replays_the_store_with_a_filter,
        bad_replay_requests_are_400_and_start_nothing,
        a_replay_that_cannot_run_is_recorded_as_failed,
        long_replays_do_not_stall_healthz,
        cancel_stops_running_and_queued_replays,
    );

    /// 64 `from_store` replays at once on SQLite, over deployments that take real computation
    /// (flat latency series, 5,000 points). Computed on the runtime's workers, the replays kept
    /// the tasks that held pooled connections from being polled, and the others' reads timed out
    /// (3 s); on the blocking pool, with a bounded number at once, all of them finish.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_concurrent_from_store_replays_on_sqlite_all_finish() {
        let s = TestServer::start(Backend::Sqlite).await;
        for i in 0..10 {
            let key = format!("svc.prod.{i}");
            s.put(
                &format!("/v1/deployments/{key}"),
                json!({"environment": "production"}),
            )
            .await;
            let (status, r) = s
                .post(
                    &format!("/v1/deployments/{key}/points"),
                    json!({"points": minute_points("latency_p99", "canary", &[100.0; 5000])}),
                )
                .await;
            assert_eq!(status, 200, "{r}");
        }
        let starts = (0..64).map(|_| {
            let client = s.client.clone();
            let url = s.url("/v1/replays");
            tokio::spawn(async move {
                let resp = client
                    .post(url)
                    .json(&json!({"from_store": {}}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 202);
                resp.json::<Value>().await.unwrap()["id"].clone()
            })
        });
        let mut ids = Vec::new();
        for t in starts.collect::<Vec<_>>() {
            ids.push(t.await.unwrap());
        }
        for id in &ids {
            let r = finished_within(&s, id, 120).await;
            assert_eq!(r["status"], "done", "{r}");
            assert_eq!(r["progress"], json!({"done": 10, "total": 10}));
        }
    }

    /// A replay left `running` by a process that died is marked failed when `serve` starts.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_replay_left_running_is_marked_failed_at_the_next_start() {
        let db = crate::support::test_db(Backend::Sqlite).await;
        let store = rollguard::store::connect(&db.url).await.unwrap();
        store.migrate().await.unwrap();
        let left = store.create_replay(&["seed".into()]).await.unwrap();
        drop(store);
        let p = crate::reliability::Proc::start(&db.url, &[], &[]);
        let r: Value = reqwest::get(p.url(&format!("/v1/replays/{}", left.id)))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["status"], "failed", "{r}");
        assert_eq!(r["error"], rollguard::service::ORPHANED);
        assert!(r["finished_at"].is_string(), "{r}");
    }
}
