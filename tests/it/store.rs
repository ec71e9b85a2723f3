//! The store contract: every method, on both backends, with the same assertions.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rollguard::analysis::metric::KNOWN_METRICS;
use rollguard::analysis::{Decision, Policy, Verdict, evaluate};
use rollguard::model::replay::{ReplayProgress, ReplayReport, ReplayStatus};
use rollguard::model::{
    Cohort, DeploymentKey, DeploymentQuery, DeploymentSpec, NewVerdict, Outcome, Point,
};

use crate::support::{Backend, on_both_backends, test_store};

fn key(k: &str) -> DeploymentKey {
    DeploymentKey::parse(k).unwrap()
}

fn t0() -> DateTime<Utc> {
    "2026-11-24T10:00:00Z".parse().unwrap()
}

fn points(metric: &str, cohort: Cohort, values: &[f64]) -> Vec<Point> {
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            Point::new(
                metric,
                cohort,
                t0() + Duration::minutes(i as i64),
                value,
                None,
            )
            .unwrap()
        })
        .collect()
}

/// A verdict to record, told apart by `points`; the other optional fields empty.
fn new_verdict(points: i64, report: Verdict) -> NewVerdict {
    NewVerdict {
        as_of: None,
        policy_version: None,
        points,
        first_ts: None,
        last_ts: None,
        report,
    }
}

/// Runs the futures as concurrent tasks; their outputs in the given order.
async fn join_all<T, F>(calls: impl IntoIterator<Item = F>) -> Vec<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = T> + Send + 'static,
{
    let tasks: Vec<_> = calls.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

fn verdict_report(decision_input: &[f64]) -> Verdict {
    let policy = Policy::seed();
    let inputs = rollguard::analysis::Inputs {
        error_rate: decision_input,
        ..Default::default()
    };
    Verdict::new("seed", &policy, &evaluate(&policy, &inputs))
}

async fn put_deployment_creates_then_replaces(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let spec = DeploymentSpec {
        service: Some("checkout".into()),
        environment: Some("production".into()),
        version: Some("v2.3.1".into()),
        started_at: Some(t0()),
        labels: BTreeMap::from([("team".into(), "payments".into())]),
        policy: Some("strict".into()),
        outcome: None,
    };
    let (created, was_new) = store
        .put_deployment(&key("checkout.prod.1"), &spec)
        .await
        .unwrap();
    assert!(was_new);
    assert_eq!(created.spec, spec);
    assert_eq!((created.points, created.latest_verdict), (0, None));

    let replacement = DeploymentSpec {
        outcome: Some(Outcome::Promoted),
        labels: BTreeMap::new(),
        ..spec.clone()
    };
    let (updated, was_new) = store
        .put_deployment(&key("checkout.prod.1"), &replacement)
        .await
        .unwrap();
    assert!(!was_new);
    assert_eq!(updated.spec, replacement);
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at >= created.updated_at);
    let read = store
        .get_deployment(&key("checkout.prod.1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, updated);
    assert!(store.get_deployment(&key("other")).await.unwrap().is_none());
    // The descriptive fields alone read back as given.
    assert_eq!(
        store
            .deployment_spec(&key("checkout.prod.1"))
            .await
            .unwrap(),
        Some(replacement)
    );
    assert_eq!(store.deployment_spec(&key("other")).await.unwrap(), None);
}

async fn ingest_creates_the_deployment_and_reads_back_in_time_order(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("svc.staging.7");
    let mut batch = points("latency_p99", Cohort::Canary, &[210.5, 199.25, 0.1 + 0.2]);
    batch.reverse(); // arrival order must not matter
    batch.extend(points("conversion_rate", Cohort::Baseline, &[0.031]));
    batch.extend(points("error_rate", Cohort::Pre, &[0.5]));
    batch.extend(points("rps", Cohort::Canary, &[1200.0]));
    store.ingest(&k, &batch).await.unwrap();

    let d = store
        .get_deployment(&k)
        .await
        .unwrap()
        .expect("created on first ingest");
    assert_eq!(d.points, 6);
    assert_eq!(d.spec, DeploymentSpec::default());

    let series = store
        .series(&k, &KNOWN_METRICS, None)
        .await
        .unwrap()
        .unwrap();
    let summary: Vec<(&str, Cohort, f64)> = series
        .iter()
        .map(|p| (p.metric(), p.cohort(), p.value()))
        .collect();
    assert_eq!(
        summary,
        [
            ("conversion_rate", Cohort::Baseline, 0.031),
            ("error_rate", Cohort::Pre, 0.5),
            ("latency_p99", Cohort::Canary, 210.5),
            ("latency_p99", Cohort::Canary, 199.25),
            ("latency_p99", Cohort::Canary, 0.1 + 0.2),
        ],
        "ordered by metric, cohort, time; values bit-exact; other metrics filtered out"
    );
    assert_eq!(series[2].ts(), t0());
    assert!(
        store
            .series(&key("unknown"), &KNOWN_METRICS, None)
            .await
            .unwrap()
            .is_none()
    );
}

async fn reingesting_replaces_values_and_never_double_counts(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("idem");
    let batch = points("error_rate", Cohort::Canary, &[1.0, 2.0, 3.0]);
    store.ingest(&k, &batch).await.unwrap();
    store.ingest(&k, &batch).await.unwrap();
    assert_eq!(store.get_deployment(&k).await.unwrap().unwrap().points, 3);

    // Same (metric, cohort, ts) with a new value replaces; another cohort is another point.
    let mut update = points("error_rate", Cohort::Canary, &[9.0]);
    update.extend(points("error_rate", Cohort::Baseline, &[4.0]));
    store.ingest(&k, &update).await.unwrap();
    let series = store
        .series(&k, &["error_rate"], None)
        .await
        .unwrap()
        .unwrap();
    let values: Vec<(Cohort, f64)> = series.iter().map(|p| (p.cohort(), p.value())).collect();
    // Ordered by cohort name, then time.
    assert_eq!(
        values,
        [
            (Cohort::Baseline, 4.0),
            (Cohort::Canary, 9.0),
            (Cohort::Canary, 2.0),
            (Cohort::Canary, 3.0)
        ]
    );
}

async fn duplicates_within_one_batch_keep_the_last_value(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("dups");
    let mut batch = points("error_rate", Cohort::Canary, &[1.0, 2.0]);
    batch.push(batch[0].with_value(7.0).unwrap());
    store.ingest(&k, &batch).await.unwrap();
    let series = store
        .series(&k, &["error_rate"], None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        series.iter().map(Point::value).collect::<Vec<_>>(),
        [7.0, 2.0]
    );
}

async fn series_as_of_a_time_reads_only_earlier_points(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("asof");
    store
        .ingest(
            &k,
            &points("error_rate", Cohort::Canary, &[1.0, 2.0, 3.0, 4.0]),
        )
        .await
        .unwrap();
    let until = t0() + Duration::minutes(2);
    let series = store
        .series(&k, &["error_rate"], Some(until))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        series.iter().map(Point::value).collect::<Vec<_>>(),
        [1.0, 2.0, 3.0],
        "inclusive bound"
    );
}

async fn timestamps_keep_microseconds(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("micro");
    let ts: DateTime<Utc> = "2026-11-24T10:00:00.123456Z".parse().unwrap();
    let p = Point::new("error_rate", Cohort::Canary, ts, 1.0, None).unwrap();
    store.ingest(&k, &[p]).await.unwrap();
    let series = store
        .series(&k, &["error_rate"], None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(series[0].ts(), ts);
}

async fn verdicts_are_an_append_only_trail_newest_first(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("trail");
    store
        .ingest(&k, &points("error_rate", Cohort::Canary, &[1.0]))
        .await
        .unwrap();
    let mut ids = Vec::new();
    let mut recorded = Vec::new();
    for (i, series) in [[1.0, 1.0, 1.0], [9.0, 9.0, 9.0], [1.0, 2.0, 3.0]]
        .iter()
        .enumerate()
    {
        let v = NewVerdict {
            as_of: (i == 1).then(t0),
            policy_version: Some(i as i64 + 1),
            points: 3,
            first_ts: Some(t0()),
            last_ts: Some(t0() + Duration::minutes(2)),
            report: verdict_report(series),
        };
        let before = Utc::now() - Duration::seconds(5);
        let stored = store.record_verdict(&k, v.clone()).await.unwrap();
        assert_eq!(
            (
                stored.deployment.as_str(),
                stored.as_of,
                stored.policy_version
            ),
            ("trail", v.as_of, v.policy_version)
        );
        assert_eq!(stored.report, v.report);
        assert!(
            stored.evaluated_at > before && stored.evaluated_at < Utc::now() + Duration::seconds(5),
            "evaluated_at {}",
            stored.evaluated_at
        );
        ids.push(stored.id.unwrap());
        recorded.push(stored);
    }
    let all = store.list_verdicts(&k, 10, None).await.unwrap();
    assert_eq!(
        all.iter().map(|v| v.id.unwrap()).collect::<Vec<_>>(),
        [ids[2], ids[1], ids[0]]
    );
    // What record_verdict answered is exactly what was stored, evaluated_at included.
    recorded.reverse();
    assert_eq!(all, recorded);
    assert_eq!(all[1].report.verdict, Decision::Rollback);
    let page = store.list_verdicts(&k, 2, Some(ids[2])).await.unwrap();
    assert_eq!(
        page.iter().map(|v| v.id.unwrap()).collect::<Vec<_>>(),
        [ids[1], ids[0]]
    );
    let d = store.get_deployment(&k).await.unwrap().unwrap();
    // Only error_rate data: the latest verdict is inconclusive.
    assert_eq!(d.latest_verdict, Some(Decision::Inconclusive));
    assert_eq!(d.latest_verdict_at, Some(all[0].evaluated_at));
}

/// Concurrent verdicts are written in batches (group commit): every caller must still get its
/// own row back, and the trail must hold exactly what the callers were told.
async fn concurrent_verdicts_each_get_their_own_row(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    for d in 0..4 {
        store
            .ingest(
                &key(&format!("busy.{d}")),
                &points("error_rate", Cohort::Canary, &[1.0]),
            )
            .await
            .unwrap();
    }
    let calls = (0..160).map(|i| {
        let store = store.clone();
        async move {
            // `points` tells the verdicts apart: a mix-up inside a batch would show.
            let v = NewVerdict {
                first_ts: Some(t0() + Duration::seconds(i)),
                ..new_verdict(i, verdict_report(&[i as f64 % 10.0; 3]))
            };
            let k = key(&format!("busy.{}", i % 4));
            (i, store.record_verdict(&k, v).await)
        }
    });
    let mut answered = Vec::new();
    for (i, result) in join_all(calls).await {
        let v = result.unwrap();
        assert_eq!(
            (v.deployment.clone(), v.points, v.first_ts),
            (
                format!("busy.{}", i % 4),
                i,
                Some(t0() + Duration::seconds(i))
            )
        );
        assert_eq!(v.report, verdict_report(&[i as f64 % 10.0; 3]));
        answered.push(v);
    }
    let mut ids: Vec<i64> = answered.iter().map(|v| v.id.unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 160, "ids are unique");
    let mut stored = Vec::new();
    for d in 0..4 {
        stored.extend(
            store
                .list_verdicts(&key(&format!("busy.{d}")), 500, None)
                .await
                .unwrap(),
        );
    }
    answered.sort_by_key(|v| v.id);
    stored.sort_by_key(|v| v.id);
    assert_eq!(
        stored, answered,
        "the trail holds exactly what callers were told"
    );

    // A verdict for a deployment that does not exist fails alone, even in a batch.
    let calls = (0..20).map(|i| {
        let store = store.clone();
        async move {
            let k = key(if i == 7 { "nowhere" } else { "busy.0" });
            let v = new_verdict(i, verdict_report(&[1.0; 3]));
            store.record_verdict(&k, v).await
        }
    });
    let results = join_all(calls).await;
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.is_ok(), i != 7, "verdict {i}: {r:?}");
    }
    assert_eq!(
        store
            .list_verdicts(&key("busy.0"), 500, None)
            .await
            .unwrap()
            .len(),
        40 + 19
    );
}

async fn deployments_list_newest_first_with_filters_and_pages(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    for (k, service, env) in [
        ("a", "checkout", "prod"),
        ("b", "search", "prod"),
        ("c", "checkout", "staging"),
        ("d", "checkout", "prod"),
    ] {
        let spec = DeploymentSpec {
            service: Some(service.into()),
            environment: Some(env.into()),
            ..Default::default()
        };
        store.put_deployment(&key(k), &spec).await.unwrap();
    }
    let q = |service: Option<&str>, environment: Option<&str>, limit, before_id| DeploymentQuery {
        service: service.map(Into::into),
        environment: environment.map(Into::into),
        limit,
        before_id,
        ..Default::default()
    };
    let keys = |rows: &[(i64, rollguard::model::Deployment)]| {
        rows.iter().map(|(_, d)| d.key.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        keys(
            &store
                .list_deployments(&q(None, None, 10, None))
                .await
                .unwrap()
        ),
        ["d", "c", "b", "a"]
    );
    assert_eq!(
        keys(
            &store
                .list_deployments(&q(Some("checkout"), Some("prod"), 10, None))
                .await
                .unwrap()
        ),
        ["d", "a"]
    );
    let first = store
        .list_deployments(&q(None, None, 2, None))
        .await
        .unwrap();
    assert_eq!(keys(&first), ["d", "c"]);
    let second = store
        .list_deployments(&q(None, None, 2, Some(first[1].0)))
        .await
        .unwrap();
    assert_eq!(keys(&second), ["b", "a"]);
}

async fn deployments_filter_by_latest_verdict_and_name_its_policy(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let record = |series: &'static [f64], policy: &'static str| NewVerdict {
        as_of: None,
        policy_version: None,
        points: series.len() as i64,
        first_ts: Some(t0()),
        last_ts: Some(t0()),
        report: Verdict {
            policy: policy.into(),
            ..verdict_report(series)
        },
    };
    // error_rate alone: a high window rolls back, a low one is inconclusive (no latency data).
    let high: &'static [f64] = &[9.0, 9.0, 9.0];
    let low: &'static [f64] = &[1.0, 1.0, 1.0];
    for (k, service, verdicts) in [
        (
            "a",
            "checkout",
            vec![record(high, "seed"), record(low, "strict")],
        ),
        (
            "b",
            "checkout",
            vec![record(low, "seed"), record(high, "strict")],
        ),
        ("c", "search", vec![record(high, "seed")]),
        ("d", "checkout", vec![]),
    ] {
        let spec = DeploymentSpec {
            service: Some(service.into()),
            ..Default::default()
        };
        store.put_deployment(&key(k), &spec).await.unwrap();
        for v in verdicts {
            store.record_verdict(&key(k), v).await.unwrap();
        }
    }
    let list = |service: Option<&str>, verdict: Option<Decision>, limit, before_id| {
        let store = store.clone();
        let q = DeploymentQuery {
            service: service.map(Into::into),
            environment: None,
            verdict,
            limit,
            before_id,
        };
        async move { store.list_deployments(&q).await.unwrap() }
    };
    let keys = |rows: &[(i64, rollguard::model::Deployment)]| {
        rows.iter().map(|(_, d)| d.key.clone()).collect::<Vec<_>>()
    };
    let rollbacks = list(None, Some(Decision::Rollback), 10, None).await;
    assert_eq!(
        keys(&rollbacks),
        ["c", "b"],
        "only the latest verdict counts"
    );
    assert_eq!(
        rollbacks
            .iter()
            .map(|(_, d)| d.latest_verdict_policy.as_deref())
            .collect::<Vec<_>>(),
        [Some("seed"), Some("strict")]
    );
    assert_eq!(
        keys(&list(None, Some(Decision::Inconclusive), 10, None).await),
        ["a"]
    );
    assert!(list(None, Some(Decision::Pass), 10, None).await.is_empty());
    assert_eq!(
        keys(&list(Some("checkout"), Some(Decision::Rollback), 10, None).await),
        ["b"],
        "combines with the other filters"
    );
    // Pages of a filtered list hold only matching rows.
    let first = list(None, Some(Decision::Rollback), 1, None).await;
    assert_eq!(keys(&first), ["c"]);
    let second = list(None, Some(Decision::Rollback), 1, Some(first[0].0)).await;
    assert_eq!(keys(&second), ["b"]);
    // A never-judged deployment has no latest verdict and no policy for it.
    let d = store.get_deployment(&key("d")).await.unwrap().unwrap();
    assert_eq!((d.latest_verdict, d.latest_verdict_policy), (None, None));
    let a = store.get_deployment(&key("a")).await.unwrap().unwrap();
    assert_eq!(a.latest_verdict_policy.as_deref(), Some("strict"));
}

async fn points_read_back_by_metric_and_cohort_newest_kept(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("chart");
    let mut batch = points("error_rate", Cohort::Canary, &[1.0, 2.0, 3.0, 4.0]);
    batch.extend(points("error_rate", Cohort::Baseline, &[0.5, 0.6]));
    batch.extend(points("custom_metric", Cohort::Pre, &[7.0]));
    batch.reverse();
    store.ingest(&k, &batch).await.unwrap();

    let all = store
        .read_points(&k, None, None, 100)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        all.iter()
            .map(|p| (p.metric(), p.cohort()))
            .collect::<Vec<_>>(),
        [
            ("custom_metric", Cohort::Pre),
            ("error_rate", Cohort::Baseline),
            ("error_rate", Cohort::Baseline),
            ("error_rate", Cohort::Canary),
            ("error_rate", Cohort::Canary),
            ("error_rate", Cohort::Canary),
            ("error_rate", Cohort::Canary),
        ],
        "every metric, stored or judged, by metric then cohort"
    );
    assert!(
        all.windows(2)
            .filter(|w| (&w[0].metric(), w[0].cohort()) == (&w[1].metric(), w[1].cohort()))
            .all(|w| w[0].ts() < w[1].ts()),
        "oldest first within a series"
    );
    let values = |ps: &[Point], c: Cohort| {
        ps.iter()
            .filter(|p| p.cohort() == c)
            .map(Point::value)
            .collect::<Vec<_>>()
    };
    let canary = store
        .read_points(&k, Some("error_rate"), Some(Cohort::Canary), 100)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(canary.len(), 4);
    assert_eq!(values(&canary, Cohort::Canary), [1.0, 2.0, 3.0, 4.0]);
    // per_series 2: the newest two of each series, plus one older point where more exist.
    let cut = store
        .read_points(&k, Some("error_rate"), None, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(values(&cut, Cohort::Canary), [2.0, 3.0, 4.0]);
    assert_eq!(values(&cut, Cohort::Baseline), [0.5, 0.6]);
    assert!(
        store
            .read_points(&k, Some("latency_p99"), None, 10)
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .read_points(&key("unknown"), None, None, 10)
            .await
            .unwrap()
            .is_none()
    );
}

async fn policies_are_versioned_by_name(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    assert!(store.get_policy("strict").await.unwrap().is_none());
    let mut p = Policy::seed();
    p.rules.error_rate.threshold = 2.0;
    let v1 = store.put_policy("strict", &p).await.unwrap();
    p.rules.error_rate.threshold = 1.0;
    let v2 = store.put_policy("strict", &p).await.unwrap();
    store.put_policy("lenient", &Policy::seed()).await.unwrap();
    assert_eq!((v1.version, v2.version, v2.builtin), (1, 2, false));
    let latest = store.get_policy("strict").await.unwrap().unwrap();
    assert_eq!(
        (latest.version, latest.policy.rules.error_rate.threshold),
        (2, 1.0)
    );
    let all = store.list_policies().await.unwrap();
    let names: Vec<(String, i64)> = all.iter().map(|r| (r.name.clone(), r.version)).collect();
    assert_eq!(
        names,
        [("lenient".to_string(), 1), ("strict".to_string(), 2)]
    );
}

async fn verdict_inputs_carry_the_default_policy_and_grouped_series(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let mut strict = Policy::seed();
    strict.rules.error_rate.threshold = 2.0;
    store.put_policy("strict", &strict).await.unwrap();
    strict.rules.error_rate.threshold = 1.0;
    store.put_policy("strict", &strict).await.unwrap();
    store
        .put_environment_policy("production", "strict")
        .await
        .unwrap();
    store.put_environment_policy("dev", "seed").await.unwrap();
    let deploy = |k: &'static str, environment: Option<&str>, policy: Option<&str>| {
        let store = store.clone();
        let spec = DeploymentSpec {
            environment: environment.map(Into::into),
            policy: policy.map(Into::into),
            ..Default::default()
        };
        async move {
            store.put_deployment(&key(k), &spec).await.unwrap();
            store
                .verdict_inputs(&key(k), &KNOWN_METRICS, None)
                .await
                .unwrap()
                .unwrap()
        }
    };
    // The environment's default, a stored policy at its latest version.
    let prod = deploy("prod", Some("production"), None).await;
    assert_eq!(prod.policy_name.as_deref(), Some("strict"));
    let record = prod.stored_policy.expect("strict is stored");
    assert_eq!(
        (record.name.as_str(), record.version, record.builtin),
        ("strict", 2, false)
    );
    assert_eq!(record.policy, strict);
    assert_eq!(
        Some(record),
        store.get_policy("strict").await.unwrap(),
        "the same record as get_policy"
    );
    // The deployment's own policy wins over its environment's.
    let own = deploy("own", Some("production"), Some("seed")).await;
    assert_eq!(
        (own.policy_name.as_deref(), own.stored_policy),
        (Some("seed"), None)
    );
    // A built-in environment default; no default at all; a name nothing is stored under.
    let dev = deploy("dev", Some("dev"), None).await;
    assert_eq!(
        (dev.policy_name.as_deref(), dev.stored_policy),
        (Some("seed"), None)
    );
    let staging = deploy("staging", Some("staging"), None).await;
    assert_eq!((staging.policy_name, staging.stored_policy), (None, None));
    let gone = deploy("gone", None, Some("never-stored")).await;
    assert_eq!(
        (gone.policy_name.as_deref(), gone.stored_policy),
        (Some("never-stored"), None)
    );
    assert!(prod.series.is_empty() && prod.spec.environment.as_deref() == Some("production"));

    // Series: one per (metric, cohort), ordered by metric then cohort name, points in time order,
    // only the metrics asked for and only points up to `until`.
    let k = key("prod");
    let mut batch = points("latency_p99", Cohort::Canary, &[210.0, 199.0, 205.0]);
    batch.reverse();
    batch.extend(points("error_rate", Cohort::Canary, &[0.5, 0.6]));
    batch.extend(points("conversion_rate", Cohort::Baseline, &[0.031, 0.032]));
    batch.extend(points("conversion_rate", Cohort::Canary, &[0.030]));
    batch.extend(points("rps", Cohort::Canary, &[1200.0]));
    store.ingest(&k, &batch).await.unwrap();
    let all = store
        .verdict_inputs(&k, &["error_rate", "latency_p99", "conversion_rate"], None)
        .await
        .unwrap()
        .unwrap();
    let shape: Vec<(&str, Cohort, Vec<f64>)> = all
        .series
        .iter()
        .map(|s| (s.metric.as_str(), s.cohort, s.values.clone()))
        .collect();
    assert_eq!(
        shape,
        [
            ("conversion_rate", Cohort::Baseline, vec![0.031, 0.032]),
            ("conversion_rate", Cohort::Canary, vec![0.030]),
            ("error_rate", Cohort::Canary, vec![0.5, 0.6]),
            ("latency_p99", Cohort::Canary, vec![210.0, 199.0, 205.0]),
        ]
    );
    let latency = &all.series[3];
    assert_eq!(
        latency.ts,
        (0..3)
            .map(|i| t0() + Duration::minutes(i))
            .collect::<Vec<_>>()
    );
    let early = store
        .verdict_inputs(&k, &["latency_p99"], Some(t0() + Duration::minutes(1)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(early.series.len(), 1);
    assert_eq!(early.series[0].values, [210.0, 199.0]);
}

/// Every finite non-negative double comes back with the same bits, through both reads. (An
/// aggregated SQLite read that rendered values as text was tried and missed by one ulp.)
async fn values_read_back_bit_for_bit(backend: Backend) {
    use rand::{Rng, SeedableRng};
    let (store, _db) = test_store(backend).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut values = vec![
        0.0,
        5e-324,
        f64::MAX,
        0.1 + 0.2,
        1.0 / 3.0,
        2.0f64.sqrt() * 1e-310,
    ];
    while values.len() < 1500 {
        // Random bits: every exponent, subnormals included; the sign bit cleared.
        let v = f64::from_bits(rng.random::<u64>() >> 1);
        if v.is_finite() {
            values.push(v);
        }
    }
    let k = key("bits");
    store
        .ingest(&k, &points("latency_p99", Cohort::Canary, &values))
        .await
        .unwrap();
    let inputs = store
        .verdict_inputs(&k, &["latency_p99"], None)
        .await
        .unwrap()
        .unwrap();
    let read: Vec<u64> = inputs.series[0]
        .values
        .iter()
        .map(|v| v.to_bits())
        .collect();
    let sent: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
    assert_eq!(read, sent);
    let series = store
        .series(&k, &["latency_p99"], None)
        .await
        .unwrap()
        .unwrap();
    let read: Vec<u64> = series.iter().map(|p| p.value().to_bits()).collect();
    assert_eq!(read, sent);
}

async fn environment_defaults_are_data(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    assert!(
        store
            .get_environment_policy("production")
            .await
            .unwrap()
            .is_none()
    );
    store
        .put_environment_policy("production", "strict")
        .await
        .unwrap();
    store.put_environment_policy("dev", "seed").await.unwrap();
    let updated = store
        .put_environment_policy("production", "stricter")
        .await
        .unwrap();
    assert_eq!(updated.policy, "stricter");
    assert_eq!(
        store
            .get_environment_policy("production")
            .await
            .unwrap()
            .unwrap()
            .policy,
        "stricter"
    );
    let all = store.list_environment_policies().await.unwrap();
    assert_eq!(
        all.iter()
            .map(|e| e.environment.as_str())
            .collect::<Vec<_>>(),
        ["dev", "production"]
    );
}

async fn concurrent_ingest_to_one_new_deployment_loses_nothing(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("race");
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            let k = k.clone();
            tokio::spawn(async move {
                let batch: Vec<Point> = (0..50)
                    .map(|j| {
                        let ts = t0() + Duration::seconds(i * 1000 + j);
                        Point::new("error_rate", Cohort::Canary, ts, 1.0, None).unwrap()
                    })
                    .collect();
                store.ingest(&k, &batch).await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(store.get_deployment(&k).await.unwrap().unwrap().points, 400);
}

async fn ping_and_backend_name(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    store.ping().await.unwrap();
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(store.backend(), expected);
    // Migrating twice is a no-op.
    store.migrate().await.unwrap();
}

async fn replay_runs_are_recorded_progressed_finished_and_listed(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let names = vec!["seed".to_string(), "inline-2".to_string()];
    let a = store.create_replay(&names).await.unwrap();
    assert_eq!(a.status, ReplayStatus::Running);
    assert_eq!(a.policies, names);
    assert_eq!(a.progress, ReplayProgress::default());
    assert_eq!(
        (a.finished_at, a.error.as_deref(), a.result.as_ref()),
        (None, None, None)
    );
    let progress = ReplayProgress {
        done: 3,
        total: Some(7),
    };
    store.update_replay_progress(a.id, progress).await.unwrap();
    assert_eq!(
        store.get_replay(a.id).await.unwrap().unwrap().progress,
        progress
    );
    let report = ReplayReport {
        policies: names.clone(),
        steps: 42,
        ..Default::default()
    };
    store.finish_replay(a.id, Ok(&report)).await.unwrap();
    let done = store.get_replay(a.id).await.unwrap().unwrap();
    assert_eq!(done.status, ReplayStatus::Done);
    assert_eq!(done.result, Some(report));
    assert!(done.finished_at.is_some());
    let b = store.create_replay(&names).await.unwrap();
    store.finish_replay(b.id, Err("boom")).await.unwrap();
    let failed = store.get_replay(b.id).await.unwrap().unwrap();
    assert_eq!(
        (failed.status, failed.error.as_deref(), failed.result),
        (ReplayStatus::Failed, Some("boom"), None)
    );
    // Newest first, without results; the limit holds.
    let listed = store.list_replays(10).await.unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        [b.id, a.id]
    );
    assert!(listed.iter().all(|r| r.result.is_none()));
    assert_eq!(store.list_replays(1).await.unwrap().len(), 1);
    assert_eq!(store.get_replay(b.id + 1000).await.unwrap(), None);
}

async fn replays_left_running_are_failed_and_finished_ones_kept(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let names = vec!["seed".to_string()];
    let done = store.create_replay(&names).await.unwrap();
    store
        .finish_replay(done.id, Ok(&ReplayReport::default()))
        .await
        .unwrap();
    let failed = store.create_replay(&names).await.unwrap();
    store
        .finish_replay(failed.id, Err("earlier"))
        .await
        .unwrap();
    let left = [
        store.create_replay(&names).await.unwrap(),
        store.create_replay(&names).await.unwrap(),
    ];
    assert_eq!(store.fail_running_replays("stopped").await.unwrap(), 2);
    for r in &left {
        let r = store.get_replay(r.id).await.unwrap().unwrap();
        assert_eq!(
            (r.status, r.error.as_deref()),
            (ReplayStatus::Failed, Some("stopped"))
        );
        assert!(r.finished_at.is_some());
    }
    let done = store.get_replay(done.id).await.unwrap().unwrap();
    assert_eq!((done.status, done.error), (ReplayStatus::Done, None));
    let failed = store.get_replay(failed.id).await.unwrap().unwrap();
    assert_eq!(failed.error.as_deref(), Some("earlier"));
    // Nothing left: a second call changes nothing.
    assert_eq!(store.fail_running_replays("stopped").await.unwrap(), 0);
}

/// Flagger revisions: the first checksum starts before every point; a new one after the newest
/// point at the time; the current one keeps its start; an unknown deployment has none.
async fn revisions_start_after_the_newest_point_when_first_seen(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("test.podinfo");
    assert_eq!(store.enter_revision(&k, "a").await.unwrap(), None);
    store
        .ingest(&k, &points("error_rate", Cohort::Canary, &[1.0, 2.0, 3.0]))
        .await
        .unwrap();
    assert_eq!(store.enter_revision(&k, "a").await.unwrap(), Some(None));
    store
        .ingest(
            &k,
            &points("error_rate", Cohort::Baseline, &[1.0, 2.0, 3.0, 4.0]),
        )
        .await
        .unwrap();
    assert_eq!(store.enter_revision(&k, "a").await.unwrap(), Some(None));
    let b_since = Some(t0() + Duration::minutes(3));
    assert_eq!(store.enter_revision(&k, "b").await.unwrap(), Some(b_since));
    store
        .ingest(&k, &points("latency_p99", Cohort::Canary, &[1.0; 6]))
        .await
        .unwrap();
    assert_eq!(
        store.enter_revision(&k, "b").await.unwrap(),
        Some(b_since),
        "the current revision keeps its start"
    );
    assert_eq!(
        store.enter_revision(&k, "a").await.unwrap(),
        Some(Some(t0() + Duration::minutes(5))),
        "a checksum coming back is a new revision"
    );
}

async fn delete_removes_the_deployment_with_its_points_and_verdicts(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    for k in ["del.a", "del.b"] {
        store
            .ingest(&key(k), &points("error_rate", Cohort::Canary, &[0.1, 0.2]))
            .await
            .unwrap();
        store
            .record_verdict(&key(k), new_verdict(2, verdict_report(&[0.1, 0.2])))
            .await
            .unwrap();
    }
    assert!(store.delete_deployment(&key("del.a")).await.unwrap());
    assert!(store.get_deployment(&key("del.a")).await.unwrap().is_none());
    assert!(
        store
            .series(&key("del.a"), &KNOWN_METRICS, None)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .list_verdicts(&key("del.a"), 10, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store.delete_deployment(&key("del.a")).await.unwrap(),
        "a second delete finds nothing"
    );
    // The other deployment is untouched.
    let b = store.get_deployment(&key("del.b")).await.unwrap().unwrap();
    assert_eq!(b.points, 2);
    assert_eq!(
        store
            .list_verdicts(&key("del.b"), 10, None)
            .await
            .unwrap()
            .len(),
        1
    );
    // The key starts afresh: no point or verdict of the deleted deployment comes back.
    store
        .ingest(
            &key("del.a"),
            &points("latency_p99", Cohort::Canary, &[9.0]),
        )
        .await
        .unwrap();
    let series = store
        .series(&key("del.a"), &KNOWN_METRICS, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].metric(), "latency_p99");
    assert!(
        store
            .list_verdicts(&key("del.a"), 10, None)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Deletes racing ingests of the same key: every point stored belongs to a deployment that
/// exists (Postgres's points carry no foreign key, so nothing else would stop an orphan), and
/// the deployment that stays counts exactly its points.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_delete_racing_ingest_leaves_no_orphan_points() {
    use rollguard::store::{PgStore, Store};
    let db = crate::support::test_db(Backend::Postgres).await;
    let store = std::sync::Arc::new(PgStore::connect(&db.url).await.unwrap());
    store.migrate().await.unwrap();
    let k = key("race.1");
    for round in 0..20 {
        // Four ingests and, between them, two deletes, all at once.
        let mut tasks = Vec::new();
        for i in 0..6 {
            let (store, k) = (store.clone(), k.clone());
            tasks.push(tokio::spawn(async move {
                if i % 3 == 2 {
                    store.delete_deployment(&k).await.unwrap();
                } else {
                    let batch = points("error_rate", Cohort::Canary, &vec![f64::from(i); 200]);
                    store.ingest(&k, &batch).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let orphans: i64 = sqlx::query_scalar(
            "select count(*) from points p
             where not exists (select from deployments d where d.id = p.deployment_id)",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(orphans, 0, "round {round}");
        let dyn_store: std::sync::Arc<dyn Store> = store.clone();
        crate::support::assert_point_counts_exact(&dyn_store, &format!("round {round}")).await;
    }
    // And afterwards the key works as any other: deleted, then created afresh.
    store.delete_deployment(&k).await.unwrap();
    store
        .ingest(&k, &points("error_rate", Cohort::Canary, &[7.0]))
        .await
        .unwrap();
    assert_eq!(store.get_deployment(&k).await.unwrap().unwrap().points, 1);
}

/// Replays as leased jobs (issue 18): a held lease keeps other replicas off; a lapsed one is
/// claimed once, with the request; only the holder renews, sees the cancel flag and records the
/// end.
async fn replay_jobs_are_claimed_once_their_lease_lapses(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let names = vec!["seed".to_string()];
    let value = serde_json::json!({"any": "request"});
    let request = serde_json::value::to_raw_value(&value).unwrap();
    let hour = std::time::Duration::from_secs(3600);
    let held = store
        .create_replay_job(&names, &request, "a", hour)
        .await
        .unwrap();
    assert_eq!(held.status, ReplayStatus::Running);
    assert_eq!(
        store.claim_lapsed_replay("b", hour, &[]).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .renew_replay_leases("a", &[held.id, held.id + 100], hour)
            .await
            .unwrap(),
        vec![(held.id, false)]
    );

    // A lease of zero has lapsed by the next statement.
    let lapsed = store
        .create_replay_job(&names, &request, "dead", std::time::Duration::ZERO)
        .await
        .unwrap();
    // Not by the replica still running it (its heartbeat was late).
    assert_eq!(
        store
            .claim_lapsed_replay("dead", hour, &[lapsed.id])
            .await
            .unwrap(),
        None
    );
    let claimed = store
        .claim_lapsed_replay("b", hour, &[])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, lapsed.id);
    assert_eq!(claimed.request.as_ref(), Some(&value));
    assert_eq!((claimed.runs, claimed.cancel_requested), (2, false));
    assert_eq!(
        store.claim_lapsed_replay("c", hour, &[]).await.unwrap(),
        None
    );
    // The dead owner no longer holds it: it renews nothing and records nothing.
    assert!(
        store
            .renew_replay_leases("dead", &[lapsed.id], hour)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .finish_held_replay(lapsed.id, "dead", Err("late"))
            .await
            .unwrap()
    );

    assert_eq!(
        store.request_replay_cancel(lapsed.id).await.unwrap(),
        Some(ReplayStatus::Running)
    );
    assert_eq!(
        store
            .renew_replay_leases("b", &[lapsed.id], hour)
            .await
            .unwrap(),
        vec![(lapsed.id, true)]
    );
    assert!(
        store
            .finish_held_replay(lapsed.id, "b", Err("cancelled"))
            .await
            .unwrap()
    );
    let r = store.get_replay(lapsed.id).await.unwrap().unwrap();
    assert_eq!(
        (r.status, r.error.as_deref()),
        (ReplayStatus::Failed, Some("cancelled"))
    );
    assert!(r.finished_at.is_some());
    // Finished: not renewed, not claimed, not finished again, a cancel reads its status.
    assert!(
        store
            .renew_replay_leases("b", &[lapsed.id], hour)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .finish_held_replay(lapsed.id, "b", Ok(&ReplayReport::default()))
            .await
            .unwrap()
    );
    assert_eq!(
        store.request_replay_cancel(lapsed.id).await.unwrap(),
        Some(ReplayStatus::Failed)
    );
    assert_eq!(
        store.request_replay_cancel(lapsed.id + 100).await.unwrap(),
        None
    );

    // A replay recorded without a lease (by a version before leases) is claimable at once,
    // without a request.
    let old = store.create_replay(&names).await.unwrap();
    let claimed = store
        .claim_lapsed_replay("b", hour, &[])
        .await
        .unwrap()
        .unwrap();
    assert_eq!((claimed.id, claimed.request), (old.id, None));
    assert!(
        store
            .finish_held_replay(held.id, "a", Ok(&ReplayReport::default()))
            .await
            .unwrap()
    );
    assert_eq!(
        store.get_replay(held.id).await.unwrap().unwrap().status,
        ReplayStatus::Done
    );
}

fn source(name: &str, url: &str) -> rollguard::model::source::Source {
    rollguard::model::source::Source {
        name: name.into(),
        url: url.into(),
        auth: Some(rollguard::model::source::SourceAuth {
            kind: rollguard::model::source::AuthKind::Bearer,
            username: None,
            secret_env: Some("ROLLGUARD_SECRET_PROM".into()),
            secret_file: None,
        }),
        timeout_ms: 2000,
        updated_at: None,
    }
}

fn template_set(
    scope: rollguard::model::source::TemplateScope,
    target: &str,
    source: &str,
) -> rollguard::model::source::TemplateSet {
    use rollguard::model::source::MetricQuery;
    rollguard::model::source::TemplateSet {
        scope,
        target: target.into(),
        source: source.into(),
        step_seconds: 60,
        metrics: BTreeMap::from([(
            "error_rate".to_string(),
            BTreeMap::from([(
                Cohort::Canary,
                MetricQuery {
                    query: format!("q_{target}"),
                    count_query: Some("c".into()),
                },
            )]),
        )]),
        updated_at: None,
    }
}

async fn sources_are_replaced_by_name_and_kept_while_in_use(backend: Backend) {
    use rollguard::model::source::TemplateScope;
    let (store, _db) = test_store(backend).await;
    let a = store
        .put_source(&source("a", "http://one:9090"))
        .await
        .unwrap();
    assert!(a.updated_at.is_some());
    store
        .put_source(&source("b", "http://two:9090"))
        .await
        .unwrap();
    let replaced = store
        .put_source(&source("a", "http://three:9090"))
        .await
        .unwrap();
    assert_eq!(replaced.url, "http://three:9090");
    assert_eq!(replaced.auth, source("a", "").auth);
    let names: Vec<String> = store
        .list_sources()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(
        store.get_source("a").await.unwrap().unwrap().url,
        "http://three:9090"
    );
    assert!(store.get_source("c").await.unwrap().is_none());

    store
        .put_template_set(&template_set(TemplateScope::Service, "checkout", "a"))
        .await
        .unwrap();
    // The database refuses to delete a source in use, and a set naming no source.
    assert!(store.delete_source("a").await.is_err());
    assert!(
        store
            .put_template_set(&template_set(TemplateScope::Service, "x", "nope"))
            .await
            .is_err()
    );
    assert!(store.delete_source("b").await.unwrap());
    assert!(!store.delete_source("b").await.unwrap());
    assert!(
        store
            .delete_template_set(TemplateScope::Service, "checkout")
            .await
            .unwrap()
    );
    assert!(
        !store
            .delete_template_set(TemplateScope::Service, "checkout")
            .await
            .unwrap()
    );
    assert!(store.delete_source("a").await.unwrap());
}

async fn template_sets_apply_by_deployment_service_and_environment(backend: Backend) {
    use rollguard::model::source::TemplateScope;
    let (store, _db) = test_store(backend).await;
    store
        .put_source(&source("p", "http://p:9090"))
        .await
        .unwrap();
    for (scope, target) in [
        (TemplateScope::Environment, "production"),
        (TemplateScope::Environment, "staging"),
        (TemplateScope::Service, "checkout"),
        (TemplateScope::Service, "payments"),
        (TemplateScope::Deployment, "checkout.v2"),
    ] {
        store
            .put_template_set(&template_set(scope, target, "p"))
            .await
            .unwrap();
    }
    let spec = DeploymentSpec {
        service: Some("checkout".into()),
        environment: Some("production".into()),
        ..Default::default()
    };
    store
        .put_deployment(&key("checkout.v2"), &spec)
        .await
        .unwrap();
    store
        .put_deployment(&key("bare"), &DeploymentSpec::default())
        .await
        .unwrap();
    let mut applied: Vec<(TemplateScope, String)> = store
        .template_sets_for(&key("checkout.v2"))
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.scope, s.target))
        .collect();
    applied.sort();
    assert_eq!(
        applied,
        [
            (TemplateScope::Environment, "production".to_string()),
            (TemplateScope::Service, "checkout".to_string()),
            (TemplateScope::Deployment, "checkout.v2".to_string()),
        ]
    );
    assert!(
        store
            .template_sets_for(&key("bare"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .template_sets_for(&key("unknown"))
            .await
            .unwrap()
            .is_empty()
    );
    // Replacing keeps one set per (scope, target), with the new queries.
    let mut set = template_set(TemplateScope::Service, "checkout", "p");
    set.step_seconds = 30;
    store.put_template_set(&set).await.unwrap();
    let got = store
        .get_template_set(TemplateScope::Service, "checkout")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((got.step_seconds, got.metrics), (30, set.metrics));
    assert_eq!(store.list_template_sets().await.unwrap().len(), 5);
}

async fn pull_marks_move_forward_only(backend: Backend) {
    use rollguard::model::source::PullMark;
    let (store, _db) = test_store(backend).await;
    let k = key("marks");
    store
        .put_deployment(&k, &DeploymentSpec::default())
        .await
        .unwrap();
    let mark = |metric: &str, cohort, minutes| PullMark {
        metric: metric.into(),
        cohort,
        until: t0() + Duration::minutes(minutes),
    };
    store
        .set_pull_marks(
            &k,
            &[
                mark("error_rate", Cohort::Canary, 5),
                mark("error_rate", Cohort::Baseline, 5),
            ],
        )
        .await
        .unwrap();
    store
        .set_pull_marks(
            &k,
            &[
                mark("error_rate", Cohort::Canary, 9),
                mark("error_rate", Cohort::Baseline, 2),
            ],
        )
        .await
        .unwrap();
    let mut marks = store.pull_marks(&k).await.unwrap();
    marks.sort_by_key(|m| m.cohort);
    assert_eq!(
        marks,
        [
            mark("error_rate", Cohort::Canary, 9),
            mark("error_rate", Cohort::Baseline, 5)
        ]
    );
    // No deployment, no marks.
    store
        .set_pull_marks(&key("none"), &[mark("x", Cohort::Canary, 1)])
        .await
        .unwrap();
    assert!(store.pull_marks(&key("none")).await.unwrap().is_empty());
}

/// Six batches at once on one deployment, each overlapping its neighbours by half (new points,
/// and points another batch stores or already stored), sent twice over: the count is the number
/// of distinct points, never one stored twice or missed.
async fn point_counts_stay_exact_under_overlapping_concurrent_batches(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = key("overlap");
    let batch = |i: i64, value: f64| -> Vec<Point> {
        let mut out = Vec::new();
        for m in i * 20..i * 20 + 40 {
            for cohort in [Cohort::Canary, Cohort::Baseline] {
                let ts = t0() + Duration::minutes(m);
                let count = (m % 2 == 0).then_some(100);
                out.push(Point::new("error_rate", cohort, ts, value, count).unwrap());
            }
        }
        out
    };
    for round in 0..2 {
        let calls = (0..6).map(|i| {
            let (store, k, points) = (store.clone(), k.clone(), batch(i, f64::from(round)));
            async move { store.ingest(&k, &points).await }
        });
        for r in join_all(calls).await {
            r.unwrap();
        }
        // Minutes 0 to 139, two cohorts.
        assert_eq!(
            store.get_deployment(&k).await.unwrap().unwrap().points,
            280,
            "round {round}"
        );
        crate::support::assert_point_counts_exact(&store, &format!("round {round}")).await;
    }
}

/// The latest verdict on the deployment's row follows the verdicts recorded at once in many
/// batches: it is the one with the highest id, as the trail's newest.
async fn the_latest_verdict_is_the_newest_of_concurrent_ones(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    for d in 0..3 {
        store
            .ingest(
                &key(&format!("latest.{d}")),
                &points("error_rate", Cohort::Canary, &[1.0]),
            )
            .await
            .unwrap();
    }
    let calls = (0..90).map(|i| {
        let store = store.clone();
        async move {
            let input = if i % 2 == 0 { [9.0; 3] } else { [1.0; 3] };
            let v = new_verdict(i, verdict_report(&input));
            store
                .record_verdict(&key(&format!("latest.{}", i % 3)), v)
                .await
        }
    });
    for r in join_all(calls).await {
        r.unwrap();
    }
    for d in 0..3 {
        let k = key(&format!("latest.{d}"));
        let newest = store.list_verdicts(&k, 1, None).await.unwrap().remove(0);
        let got = store.get_deployment(&k).await.unwrap().unwrap();
        assert_eq!(
            (
                got.latest_verdict,
                got.latest_verdict_at,
                got.latest_verdict_policy.as_deref()
            ),
            (
                Some(newest.report.verdict),
                Some(newest.evaluated_at),
                Some(newest.report.policy.as_str())
            ),
            "latest.{d}"
        );
    }
}

on_both_backends!(
    sources_are_replaced_by_name_and_kept_while_in_use,
    template_sets_apply_by_deployment_service_and_environment,
    pull_marks_move_forward_only,
    replay_jobs_are_claimed_once_their_lease_lapses,
    delete_removes_the_deployment_with_its_points_and_verdicts,
    revisions_start_after_the_newest_point_when_first_seen,
    replay_runs_are_recorded_progressed_finished_and_listed,
    replays_left_running_are_failed_and_finished_ones_kept,
    put_deployment_creates_then_replaces,
    ingest_creates_the_deployment_and_reads_back_in_time_order,
    reingesting_replaces_values_and_never_double_counts,
    duplicates_within_one_batch_keep_the_last_value,
    series_as_of_a_time_reads_only_earlier_points,
    timestamps_keep_microseconds,
    verdicts_are_an_append_only_trail_newest_first,
    concurrent_verdicts_each_get_their_own_row,
    deployments_list_newest_first_with_filters_and_pages,
    deployments_filter_by_latest_verdict_and_name_its_policy,
    points_read_back_by_metric_and_cohort_newest_kept,
    policies_are_versioned_by_name,
    environment_defaults_are_data,
    values_read_back_bit_for_bit,
    verdict_inputs_carry_the_default_policy_and_grouped_series,
    concurrent_ingest_to_one_new_deployment_loses_nothing,
    ping_and_backend_name,
    point_counts_stay_exact_under_overlapping_concurrent_batches,
    the_latest_verdict_is_the_newest_of_concurrent_ones,
);

/// The verdict read runs at every analysis step of every canary, so Postgres must plan it once
/// per connection (a generic plan) rather than afresh at each execution: with a planning cost
/// above the execution's, re-planning halved verdict throughput (docs/performance.md).
#[tokio::test]
async fn postgres_plans_the_verdict_read_once_per_connection() {
    use rollguard::store::{PgStore, PoolSettings, Store};
    let db = crate::support::test_db(Backend::Postgres).await;
    let settings = PoolSettings {
        max_connections: 1,
        ..Default::default()
    };
    let store = PgStore::connect_with(&db.url, settings).await.unwrap();
    store.migrate().await.unwrap();
    for d in 0..3 {
        let k = key(&format!("plan.{d}"));
        let mut batch = points("error_rate", Cohort::Canary, &[0.5, 0.6, 0.7]);
        batch.extend(points("latency_p99", Cohort::Canary, &[200.0, 210.0]));
        store.ingest(&k, &batch).await.unwrap();
    }
    for i in 0..12 {
        let inputs = store
            .verdict_inputs(&key(&format!("plan.{}", i % 3)), &KNOWN_METRICS, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(inputs.series.len(), 2);
    }
    let (generic, custom): (i64, i64) = sqlx::query_as(
        "select generic_plans, custom_plans from pg_prepared_statements
         where statement like '%from points where deployment_id = d.id%'
           and statement not like '%pg_prepared_statements%'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(
        custom <= 5 && generic >= 7,
        "the verdict read was planned per execution: {generic} generic, {custom} custom plans"
    );
    // The series cache's read of what was written since: one full read per key, then deltas.
    for i in 0..15 {
        let inputs = store
            .verdict_inputs_cached(&key(&format!("plan.{}", i % 3)), &KNOWN_METRICS)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(inputs.series.len(), 2);
    }
    // 12 delta reads, split between the statement for a snapshot with nothing in progress and
    // the one with transactions in progress (other tests'): each is planned afresh at most at
    // its first 5 executions, so the one run at least 6 times has a generic plan.
    let plans: Vec<(i64, i64)> = sqlx::query_as(
        "select generic_plans, custom_plans from pg_prepared_statements
         where statement like '%writer >= $2%'
           and statement not like '%pg_prepared_statements%'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let executions: i64 = plans.iter().map(|(g, c)| g + c).sum();
    assert_eq!(executions, 12, "{plans:?}");
    assert!(
        plans.iter().all(|&(_, custom)| custom <= 5) && plans.iter().any(|&(g, _)| g >= 1),
        "the cache's delta read was planned per execution: {plans:?} (generic, custom)"
    );
}

/// The verdict cache's delta read names the days the deployment's points span as literal
/// bounds, so Postgres plans it over those days' partitions only: today's points, with today's
/// partition, the days ahead and the default one attached, are read through today's partition
/// alone. Without the bounds the generic plan scans every partition (docs/performance.md).
#[tokio::test]
async fn postgres_cache_delta_read_is_planned_over_the_points_days_only() {
    use rollguard::store::{PgStore, PoolSettings, Store};
    let db = crate::support::test_db(Backend::Postgres).await;
    let settings = PoolSettings {
        max_connections: 1,
        ..Default::default()
    };
    let store = PgStore::connect_with(&db.url, settings).await.unwrap();
    store.migrate().await.unwrap();
    let today = Utc::now().date_naive();
    let partitions: i64 =
        sqlx::query_scalar("select count(*) from pg_inherits where inhparent = 'points'::regclass")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(partitions >= 3, "{partitions} partitions of points");
    let k = key("days.today");
    let noon = today.and_hms_opt(12, 0, 0).unwrap().and_utc();
    let batch: Vec<Point> = (0..3)
        .map(|i| {
            let ts = noon + Duration::minutes(i);
            Point::new("error_rate", Cohort::Canary, ts, 0.5 + i as f64, None).unwrap()
        })
        .collect();
    store.ingest(&k, &batch).await.unwrap();
    for _ in 0..2 {
        let inputs = store
            .verdict_inputs_cached(&k, &KNOWN_METRICS)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(inputs.series[0].ts.len(), 3);
    }
    let statement: String = sqlx::query_scalar(
        "select statement from pg_prepared_statements
         where statement like '%writer >= $2%' and statement like '%and ts >= %'
           and statement not like '%pg_prepared_statements%'
         limit 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(
        statement.contains(&format!("'{} 00:00:00+00'", today.format("%Y-%m-%d"))),
        "the delta read is not bounded by today: {statement}"
    );
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query("set plan_cache_mode = force_generic_plan")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "prepare bounded as {statement}"
    )))
    .execute(&mut *conn)
    .await
    .unwrap();
    // The variant for a snapshot with transactions in progress (other tests') takes their ids.
    let execute = if statement.contains("$3") {
        "explain execute bounded('days.today', 0, '{}')"
    } else {
        "explain execute bounded('days.today', 0)"
    };
    let plan: Vec<String> = sqlx::query_scalar(execute)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let plan = plan.join("\n");
    let scanned: std::collections::BTreeSet<&str> = plan
        .split_whitespace()
        .filter(|w| {
            *w == "points_default"
                || (w.starts_with("points_p") && w.len() == "points_pYYYYMMDD".len())
        })
        .collect();
    let own = format!("points_p{}", today.format("%Y%m%d"));
    assert_eq!(
        scanned.into_iter().collect::<Vec<_>>(),
        vec![own.as_str()],
        "the plan reads other partitions:\n{plan}"
    );
}

/// Points written outside the days the cache last read (a backfill of last month, a point in
/// another century) widen the deployment's days in their own transaction, and the next cached
/// read, bounded by the old days, sees the wider ones and reads again: it returns exactly what
/// an uncached read does. Without the second read the backfill would be missing.
#[tokio::test]
async fn postgres_cache_reads_points_written_beyond_the_days_it_last_read() {
    let (store, db) = test_store(Backend::Postgres).await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let k = key("days.wider");
    let today = Utc::now();
    let at =
        |ts: DateTime<Utc>, v: f64| Point::new("error_rate", Cohort::Canary, ts, v, None).unwrap();
    store.ingest(&k, &[at(today, 1.0)]).await.unwrap();
    let first = store
        .verdict_inputs_cached(&k, &KNOWN_METRICS)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.series[0].values, vec![1.0]);
    let days = |pool: sqlx::PgPool| async move {
        sqlx::query_as::<_, (chrono::NaiveDate, chrono::NaiveDate)>(
            "select r.first_day, r.last_day from point_days r
             join deployments d on d.id = r.deployment_id where d.key = 'days.wider'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(
        days(pool.clone()).await,
        (today.date_naive(), today.date_naive())
    );

    let month_ago = today - Duration::days(40);
    let far: DateTime<Utc> = "2140-06-01T12:00:00Z".parse().unwrap();
    store
        .ingest(&k, &[at(month_ago, 2.0), at(far, 3.0)])
        .await
        .unwrap();
    assert_eq!(
        days(pool.clone()).await,
        (month_ago.date_naive(), far.date_naive())
    );
    let cached = store
        .verdict_inputs_cached(&k, &KNOWN_METRICS)
        .await
        .unwrap()
        .unwrap();
    let whole = store
        .verdict_inputs(&k, &KNOWN_METRICS, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cached.series, whole.series);
    assert_eq!(cached.series[0].values, vec![2.0, 1.0, 3.0]);

    // A point within the days changes nothing of them.
    store
        .ingest(&k, &[at(today - Duration::days(1), 4.0)])
        .await
        .unwrap();
    assert_eq!(
        days(pool.clone()).await,
        (month_ago.date_naive(), far.date_naive())
    );
    let cached = store
        .verdict_inputs_cached(&k, &KNOWN_METRICS)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cached.series[0].values, vec![2.0, 4.0, 1.0, 3.0]);

    // Deleting the deployment deletes its days.
    assert!(store.delete_deployment(&k).await.unwrap());
    let left: i64 = sqlx::query_scalar("select count(*) from point_days")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

/// An ingest chosen as a deadlock's victim is run once more inside the store, so its caller
/// sees it succeed. The other party here is a transaction outside the service: it holds a
/// stored point that the ingest waits for, having inserted a new one first, and then inserts
/// that same new point; it waits longer before checking for deadlocks, so the ingest is the one
/// Postgres aborts. It then rolls back, and the retried ingest stores both points, counted once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_ingest_retries_once_when_chosen_as_a_deadlock_victim() {
    use sqlx::Connection;
    let (store, db) = test_store(Backend::Postgres).await;
    let k = key("victim");
    // Minutes 0 and 1: the stored point is the second one in canonical order.
    let batch = points("error_rate", Cohort::Canary, &[7.0, 7.0]);
    store.ingest(&k, &batch[1..]).await.unwrap();

    let mut other = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::query("set deadlock_timeout = '30s'")
        .execute(&mut other)
        .await
        .unwrap();
    sqlx::query("begin").execute(&mut other).await.unwrap();
    sqlx::query("update points set value = 50 where metric = 'error_rate' and ts = $1")
        .bind(batch[1].ts())
        .execute(&mut other)
        .await
        .unwrap();
    let ingest = tokio::spawn({
        let store = store.clone();
        let k = k.clone();
        let batch = batch.clone();
        async move { store.ingest(&k, &batch).await }
    });
    // Until the ingest holds the new point and waits for the stored one. Watched from a third
    // connection: inside `other`'s transaction pg_stat_activity is one snapshot, which would
    // never show the wait if the first look came before it.
    let watch = tokio::sync::Mutex::new(sqlx::PgConnection::connect(&db.url).await.unwrap());
    crate::support::eventually(
        "the ingest waits for a lock",
        Duration::seconds(30).to_std().unwrap(),
        || async {
            let waiting: i64 = sqlx::query_scalar(
                "select count(*) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'
               and query like '%insert into points%'",
            )
            .fetch_one(&mut *watch.lock().await)
            .await
            .unwrap();
            (waiting > 0).then_some(())
        },
    )
    .await;
    // The new point: a lock cycle. The ingest detects it first and is rolled back, which lets
    // this insert through.
    sqlx::query(
        "insert into points (deployment_id, metric, cohort, ts, value)
         select id, 'error_rate', 'canary', $1, 50 from deployments where key = 'victim'",
    )
    .bind(batch[0].ts())
    .execute(&mut other)
    .await
    .unwrap();
    sqlx::query("rollback").execute(&mut other).await.unwrap();

    ingest.await.unwrap().expect("the retried ingest succeeds");
    let series = store
        .series(&k, &["error_rate"], None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        series.iter().map(Point::value).collect::<Vec<_>>(),
        [7.0, 7.0],
        "the retry ran after the other transaction ended"
    );
    let stored = store.get_deployment(&k).await.unwrap().unwrap();
    assert_eq!(stored.points, 2, "the rolled-back attempt counted nothing");
}

/// With Postgres unreachable, recording a verdict fails as unavailable (a 503 upstream) within
/// the acquire timeout, rather than hanging in the batch writer.
#[tokio::test]
async fn recording_a_verdict_with_postgres_down_fails_as_unavailable() {
    use rollguard::store::{PgStore, PoolSettings, Store, StoreError};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // bound and released: nothing listens there
    let settings = PoolSettings {
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_millis(300),
        ..Default::default()
    };
    let url = format!("postgres://postgres@127.0.0.1:{port}/none");
    let store = PgStore::connect_with(&url, settings).await.unwrap();
    let calls = (0..3).map(|i| {
        let store = store.clone();
        async move {
            let v = new_verdict(i, verdict_report(&[1.0; 3]));
            let start = std::time::Instant::now();
            (store.record_verdict(&key("down"), v).await, start.elapsed())
        }
    });
    for (result, took) in join_all(calls).await {
        assert!(
            matches!(result, Err(StoreError::Unavailable(_))),
            "{result:?}"
        );
        assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
    }
}

/// The verdict path's series cache (Postgres) answers exactly what a full read answers, whatever
/// was written between two verdicts: appended, rewritten and back-filled points, new series, a
/// write that was in progress while the cache read (its transaction began before and committed
/// after), and a deployment deleted and created again under the same key.
#[tokio::test]
async fn postgres_series_cache_matches_a_full_read_after_every_write() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use rollguard::store::{PgStore, Store};
    let db = crate::support::test_db(Backend::Postgres).await;
    let store = PgStore::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let k = key("cache.prod.1");
    let check = async |what: &str| {
        let cached = store
            .verdict_inputs_cached(&k, &KNOWN_METRICS)
            .await
            .unwrap();
        let full = store
            .verdict_inputs(&k, &KNOWN_METRICS, None)
            .await
            .unwrap();
        assert_eq!(cached, full, "after {what}");
        full
    };
    assert!(check("nothing").await.is_none());

    let mut rng = StdRng::seed_from_u64(11);
    let cohorts = [Cohort::Canary, Cohort::Baseline];
    for round in 0..40 {
        // Mostly the next minutes; sometimes a rewrite or a back-fill of earlier ones.
        let mut batch = BTreeMap::new();
        for _ in 0..rng.random_range(1..6) {
            // A metric no verdict reads now and then: the cache must leave it out too.
            let metric = [
                "error_rate",
                "latency_p99",
                "conversion_rate",
                "queue_depth",
            ][rng.random_range(0..4)];
            let cohort = cohorts[rng.random_range(0..2)];
            let minute = if rng.random_bool(0.7) {
                round * 2 + rng.random_range(0..2)
            } else {
                rng.random_range(0..=round * 2)
            };
            let count = rng.random_bool(0.5).then(|| rng.random_range(0..500u64));
            let p = Point::new(
                metric,
                cohort,
                t0() + Duration::minutes(minute),
                rng.random_range(0.0..1.0),
                count,
            )
            .unwrap();
            batch.insert((metric, cohort, minute), p);
        }
        let batch: Vec<Point> = batch.into_values().collect();
        store.ingest(&k, &batch).await.unwrap();
        check(&format!("round {round}")).await;
    }

    // A write whose transaction is open while the cache reads: invisible then, and found by the
    // next read although the cache's horizon has moved on past later writes.
    let mut tx = store.pool().begin().await.unwrap();
    sqlx::query(
        "update points set value = 42, writer = pg_current_xact_id()
         where deployment_id = (select id from deployments where key = $1)
           and metric = 'error_rate'",
    )
    .bind(k.as_str())
    .execute(&mut *tx)
    .await
    .unwrap();
    let errors = |i: &rollguard::model::VerdictInputs| -> Vec<f64> {
        i.series
            .iter()
            .filter(|s| s.metric == "error_rate")
            .flat_map(|s| s.values.clone())
            .collect()
    };
    let before = check("a write in progress").await.unwrap();
    assert!(!errors(&before).is_empty() && !errors(&before).contains(&42.0));
    store
        .ingest(&k, &points("latency_p99", Cohort::Pre, &[1.0]))
        .await
        .unwrap();
    check("a later write committed first").await;
    tx.commit().await.unwrap();
    let after = check("the earlier write committed").await.unwrap();
    assert!(errors(&after).iter().all(|&v| v == 42.0));

    // Deleted and created again under the same key between two verdicts: the cache notices the
    // new row id. Deleted and asked for: gone from the cache too. Both through the store's
    // delete, and behind its back (another replica's delete leaves this cache as it was).
    let delete = async |own: bool| {
        if own {
            assert!(store.delete_deployment(&k).await.unwrap());
            return;
        }
        for sql in [
            "delete from points where deployment_id = (select id from deployments where key = $1)",
            "delete from deployments where key = $1",
        ] {
            sqlx::query(sql)
                .bind(k.as_str())
                .execute(store.pool())
                .await
                .unwrap();
        }
    };
    for own in [false, true] {
        delete(own).await;
        store
            .ingest(&k, &points("latency_p99", Cohort::Baseline, &[3.0]))
            .await
            .unwrap();
        let fresh = check(&format!("created again (own delete: {own})"))
            .await
            .unwrap();
        assert_eq!(fresh.series.len(), 1);
        assert_eq!(fresh.series[0].values, vec![3.0]);
        delete(own).await;
        assert!(
            check(&format!("deleted (own delete: {own})"))
                .await
                .is_none(),
            "a verdict after the delete reads nothing"
        );
        store
            .ingest(&k, &points("conversion_rate", Cohort::Canary, &[0.9]))
            .await
            .unwrap();
        check(&format!("deleted then created (own delete: {own})")).await;
    }
    delete(true).await;
    store
        .ingest(&k, &points("error_rate", Cohort::Canary, &[0.5, 0.6]))
        .await
        .unwrap();
    let fresh = check("the deployment created again").await.unwrap();
    assert_eq!(fresh.series.len(), 1);
    assert_eq!(fresh.series[0].values, vec![0.5, 0.6]);
    delete(true).await;
    assert!(check("the deployment deleted").await.is_none());
    assert_eq!(
        store.series_cache_size(),
        (0, 0),
        "unknown keys are not kept"
    );
}

/// A verdict read that fails (the database is down) leaves nothing in the verdict cache: an
/// empty slot holds no points, so the budget would never evict it.
#[tokio::test]
async fn postgres_series_cache_keeps_nothing_of_a_failed_read() {
    use rollguard::store::{PgStore, PoolSettings, Store};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // bound and released: nothing listens there
    let settings = PoolSettings {
        acquire_timeout: std::time::Duration::from_millis(300),
        ..Default::default()
    };
    let url = format!("postgres://postgres@127.0.0.1:{port}/none");
    let store = PgStore::connect_with(&url, settings).await.unwrap();
    for i in 0..5 {
        let k = key(&format!("down.{i}"));
        assert!(
            store
                .verdict_inputs_cached(&k, &KNOWN_METRICS)
                .await
                .is_err()
        );
    }
    assert_eq!(store.series_cache_size(), (0, 0));
}

/// Replicas claiming lapsed replays at once each get different ones (`for update skip locked`):
/// 12 lapsed replays, 12 claimers on their own connections, 12 distinct claims.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_replicas_claiming_at_once_never_claim_one_replay_twice() {
    let (store, _db) = test_store(Backend::Postgres).await;
    let names = vec!["seed".to_string()];
    let mut ids = Vec::new();
    for _ in 0..12 {
        let r = store
            .create_replay_job(
                &names,
                &serde_json::value::to_raw_value(&serde_json::json!({})).unwrap(),
                "dead",
                std::time::Duration::ZERO,
            )
            .await
            .unwrap();
        ids.push(r.id);
    }
    let claims = (0..12).map(|i| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .claim_lapsed_replay(
                    &format!("replica-{i}"),
                    std::time::Duration::from_secs(3600),
                    &[],
                )
                .await
                .unwrap()
                .map(|c| c.id)
        })
    });
    let mut claimed = Vec::new();
    for c in claims.collect::<Vec<_>>() {
        claimed.extend(c.await.unwrap());
    }
    claimed.sort_unstable();
    assert_eq!(claimed, ids, "each lapsed replay claimed exactly once");
}

/// A claim passes over a lapsed replay whose row another replica is claiming (locked) instead
/// of waiting for it: the claim answers at once with the next one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_claim_skips_a_replay_another_replica_is_claiming() {
    use sqlx::Connection;
    let (store, db) = test_store(Backend::Postgres).await;
    let names = vec!["seed".to_string()];
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = store
            .create_replay_job(
                &names,
                &serde_json::value::to_raw_value(&serde_json::json!({})).unwrap(),
                "dead",
                std::time::Duration::ZERO,
            )
            .await
            .unwrap();
        ids.push(r.id);
    }
    let mut other = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let mut tx = other.begin().await.unwrap();
    sqlx::query("select id from replays where id = $1 for update")
        .bind(ids[0])
        .execute(&mut *tx)
        .await
        .unwrap();
    let claimed = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        store.claim_lapsed_replay("b", std::time::Duration::from_secs(3600), &[]),
    )
    .await
    .expect("the claim waited for the locked row")
    .unwrap()
    .unwrap();
    assert_eq!(claimed.id, ids[1]);
    tx.rollback().await.unwrap();
}
