//! Ingest under contention and at the edges of time, over real HTTP on both stores: pushers that
//! re-send overlapping windows concurrently, and timestamps the stores cannot hold as given.

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use crate::support::{Backend, TestServer, assert_error, on_both_backends};

/// Clients pushing at once, rounds of pushing, and the points each sends (the same set).
const CLIENTS: usize = 32;
const ROUNDS: usize = 5;
const METRICS: [&str; 2] = ["error_rate", "latency_p99"];
const COHORTS: [&str; 2] = ["canary", "baseline"];
const TIMES: usize = 125;

/// The shared set of points (metric × cohort × time), every value `value`, in a shuffled order
/// drawn from `seed`.
fn overlapping_batch(value: f64, seed: u64) -> Value {
    let mut points = Vec::with_capacity(METRICS.len() * COHORTS.len() * TIMES);
    for metric in METRICS {
        for cohort in COHORTS {
            for i in 0..TIMES {
                points.push(json!({
                    "metric": metric, "cohort": cohort, "value": value,
                    "ts": format!("2026-11-24T10:{:02}:{:02}Z", i / 60, i % 60),
                }));
            }
        }
    }
    points.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    json!({ "points": points })
}

/// Every stored value of the deployment, with how many points carry it.
async fn stored_values(s: &TestServer, key: &str) -> BTreeMap<String, usize> {
    let (status, body) = s.get(&format!("/v1/deployments/{key}/points")).await;
    assert_eq!(status, 200, "{body}");
    let mut values = BTreeMap::new();
    for series in body["series"].as_array().unwrap() {
        for p in series["points"].as_array().unwrap() {
            *values.entry(p["value"].to_string()).or_default() += 1;
        }
    }
    values
}

/// Many clients each send the same points in their own shuffled order, with their own value,
/// several rounds: every answer is a 200, and after each round the stored points are those of
/// one whole batch (all carry one client's value).
async fn overlapping_batches_in_any_order_all_succeed_atomically(backend: Backend) {
    // What is tested is the absence of deadlocks. 32 clients share 16 connections, and on a
    // loaded machine one may wait past the default 1 s for a connection: that is the overload
    // answer (503), not a deadlock, so the wait is long enough here never to end in one.
    let pool = rollguard::store::PoolSettings {
        acquire_timeout: std::time::Duration::from_secs(60),
        ..Default::default()
    };
    let s = Arc::new(TestServer::start_with_pool(backend, pool).await);
    let key = "overlap.prod.1";
    let path = format!("/v1/deployments/{key}/points");
    let started = std::time::Instant::now();
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    for round in 0..ROUNDS {
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let s = s.clone();
                let path = path.clone();
                // Values 1..=32: valid for both metrics, and distinct per client.
                let batch =
                    overlapping_batch((client + 1) as f64, (round * CLIENTS + client) as u64);
                tokio::spawn(async move {
                    let resp = s
                        .client
                        .post(s.url(&path))
                        .json(&batch)
                        .send()
                        .await
                        .unwrap();
                    let status = resp.status().as_u16();
                    let body: Value = resp.json().await.unwrap_or(Value::Null);
                    (status, body)
                })
            })
            .collect();
        for task in tasks {
            let (status, body) = task.await.unwrap();
            let label = if status == 200 {
                "200".to_string()
            } else {
                format!("{status} {}", body["error"]["code"])
            };
            *answers.entry(label).or_default() += 1;
        }
        let values = stored_values(&s, key).await;
        assert_eq!(
            values.len(),
            1,
            "round {round}: stored values mix batches: {values:?} (answers so far: {answers:?})"
        );
        assert_eq!(
            values.values().sum::<usize>(),
            METRICS.len() * COHORTS.len() * TIMES
        );
    }
    eprintln!(
        "{backend:?}: {} batches of {} points in {:.1?}: {answers:?}",
        CLIENTS * ROUNDS,
        METRICS.len() * COHORTS.len() * TIMES,
        started.elapsed()
    );
    assert_eq!(
        answers,
        BTreeMap::from([("200".to_string(), CLIENTS * ROUNDS)]),
        "every overlapping batch is stored"
    );
}

/// A batch of four good points with `bad_ts` at index 3.
fn batch_with_ts_at_3(bad_ts: &str) -> Value {
    let mut points: Vec<Value> = (0..3)
        .map(|i| json!({"metric": "error_rate", "ts": format!("2026-11-24T10:0{i}:00Z"), "value": 1.0}))
        .collect();
    points.push(json!({"metric": "error_rate", "ts": bad_ts, "value": 1.0}));
    json!({ "points": points })
}

/// Leap seconds and years outside 0001–9999 (Postgres held nothing before 4713 BC and answered
/// 500; years past 9999 came back as `+10000-…`, which is not RFC 3339): a 400 naming the
/// point's field, and nothing of the batch stored.
async fn timestamps_the_stores_cannot_hold_reject_the_batch(backend: Backend) {
    let s = TestServer::start(backend).await;
    for (ts, fragment) in [
        ("2016-12-31T23:59:60Z", "leap second"),
        ("2016-12-31T23:59:60.5Z", "leap second"),
        ("+10000-01-01T00:00:00Z", "years 0001–9999 (UTC)"),
        ("-4714-11-24T00:00:00Z", "years 0001–9999 (UTC)"),
        ("0000-12-31T23:59:59Z", "years 0001–9999 (UTC)"),
        ("9999-12-31T23:30:00-01:00", "years 0001–9999 (UTC)"),
    ] {
        let resp = s
            .post("/v1/deployments/edge.time/points", batch_with_ts_at_3(ts))
            .await;
        assert_error(&resp, 400, "invalid_body", fragment);
        assert_eq!(resp.1["error"]["details"]["field"], "points[3].ts", "{ts}");
        assert!(
            resp.1["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("points[3].ts: "),
            "{}",
            resp.1
        );
        assert_error(
            &s.get("/v1/deployments/edge.time").await,
            404,
            "not_found",
            "edge.time",
        );
    }
}

/// The first and last accepted instants are stored and read back exactly, as points, as a
/// deployment's start and as a verdict's `at`.
async fn boundary_years_round_trip_exactly(backend: Backend) {
    let s = TestServer::start(backend).await;
    let first = "0001-01-01T00:00:00Z";
    let last = "9999-12-31T23:59:59.999999Z";
    let batch = json!({"points": [
        {"metric": "latency_p99", "ts": last, "value": 2.0},
        {"metric": "latency_p99", "ts": first, "value": 1.0},
    ]});
    let (status, body) = s.post("/v1/deployments/edge.years/points", batch).await;
    assert_eq!((status, &body), (200, &json!({"accepted": 2})));
    let (status, body) = s.get("/v1/deployments/edge.years/points").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["series"][0]["points"],
        json!([{"ts": first, "value": 1.0}, {"ts": last, "value": 2.0}])
    );

    for started_at in [first, last] {
        let (status, d) = s
            .put(
                "/v1/deployments/edge.years",
                json!({"started_at": started_at}),
            )
            .await;
        assert_eq!((status, &d["started_at"]), (200, &json!(started_at)), "{d}");
        let (_, d) = s.get("/v1/deployments/edge.years").await;
        assert_eq!(d["started_at"], started_at);
    }

    let (status, v) = s
        .post("/v1/deployments/edge.years/verdicts", json!({"at": first}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["as_of"].as_str(), v["points"].as_i64()),
        (Some(first), Some(1))
    );
    let (status, v) = s
        .get(&format!("/v1/deployments/edge.years/verdict?at={last}"))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["as_of"].as_str(), v["points"].as_i64()),
        (Some(last), Some(2))
    );
}

/// Digits past the microsecond are cut, so two points of one batch 100 ns apart are one point:
/// the later in the batch wins, as for exact duplicates, and `accepted` counts the points
/// stored. The same on both stores (Postgres answered 500, SQLite merged them and said 2).
async fn points_within_one_microsecond_are_one_point_last_wins(backend: Backend) {
    let s = TestServer::start(backend).await;
    let batch = json!({"points": [
        {"metric": "error_rate", "ts": "2026-11-24T10:00:00.0000002Z", "value": 2.0},
        {"metric": "error_rate", "ts": "2026-11-24T10:00:00.0000001Z", "value": 1.0},
        {"metric": "error_rate", "ts": "2026-11-24T10:00:00.0000019Z", "value": 3.0},
        {"metric": "error_rate", "ts": "2026-11-24T10:00:00.123456789Z", "value": 4.0},
    ]});
    let (status, body) = s.post("/v1/deployments/edge.micro/points", batch).await;
    assert_eq!((status, &body), (200, &json!({"accepted": 3})));
    let (_, body) = s.get("/v1/deployments/edge.micro/points").await;
    assert_eq!(
        body["series"][0]["points"],
        json!([
            {"ts": "2026-11-24T10:00:00Z", "value": 1.0},
            {"ts": "2026-11-24T10:00:00.000001Z", "value": 3.0},
            {"ts": "2026-11-24T10:00:00.123456Z", "value": 4.0},
        ])
    );
    let (_, d) = s.get("/v1/deployments/edge.micro").await;
    assert_eq!(d["points"], 3);

    // Exact duplicates count once too.
    let twice = json!({"points": [
        {"metric": "error_rate", "ts": "2026-11-24T10:05:00Z", "value": 5.0},
        {"metric": "error_rate", "ts": "2026-11-24T10:05:00Z", "value": 6.0},
    ]});
    let (status, body) = s.post("/v1/deployments/edge.micro/points", twice).await;
    assert_eq!((status, &body), (200, &json!({"accepted": 1})));
}

/// Every other place a time is accepted refuses the same times with a 400 naming the field,
/// never a 500.
async fn every_time_field_refuses_what_the_stores_cannot_hold(backend: Backend) {
    let s = TestServer::start(backend).await;
    let leap = "2016-12-31T23:59:60Z";
    let far = "+10000-01-01T00:00:00Z";
    let early = "-4714-11-24T00:00:00Z";

    let resp = s
        .put("/v1/deployments/edge.fields", json!({"started_at": far}))
        .await;
    assert_error(&resp, 400, "invalid_body", "started_at: ");
    assert_eq!(resp.1["error"]["details"]["field"], "started_at");
    assert_error(
        &s.get("/v1/deployments/edge.fields").await,
        404,
        "not_found",
        "edge.fields",
    );

    s.post(
        "/v1/deployments/edge.fields/points",
        batch_with_ts_at_3("2026-11-24T10:03:00Z"),
    )
    .await;
    for at in [leap, early, far] {
        let resp = s
            .post("/v1/deployments/edge.fields/verdicts", json!({"at": at}))
            .await;
        assert_error(&resp, 400, "invalid_body", "at: ");
        assert_eq!(resp.1["error"]["details"]["field"], "at");
        let query = at.replace('+', "%2B");
        let resp = s
            .get(&format!("/v1/deployments/edge.fields/verdict?at={query}"))
            .await;
        assert_error(&resp, 400, "invalid_query", "query string: at: ");
    }
    let (_, history) = s.get("/v1/deployments/edge.fields/verdicts").await;
    assert_eq!(history["verdicts"], json!([]), "no verdict recorded");

    let resp = s
        .post(
            "/v1/evaluate",
            json!({"metrics": {"latency_p99": [
                {"ts": "2026-11-24T10:00:00Z", "value": 1.0}, {"ts": far, "value": 1.0}]}}),
        )
        .await;
    assert_error(&resp, 400, "invalid_body", "years 0001–9999");
    assert_eq!(
        resp.1["error"]["details"]["field"],
        "metrics.latency_p99[1].ts"
    );

    let resp = s
        .post(
            "/v1/replays",
            json!({"deployments": [
                {"key": "a", "metrics": {"error_rate": [1.0]}},
                {"key": "b", "metrics": {"error_rate": [{"ts": leap, "value": 1.0}]}}]}),
        )
        .await;
    assert_error(&resp, 400, "invalid_body", "deployments[1]: ");
    assert!(
        resp.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("leap second")
    );
    let resp = s
        .post(
            "/v1/replays",
            json!({"deployments": [{"key": "a", "started_at": early, "metrics": {}}]}),
        )
        .await;
    assert_error(&resp, 400, "invalid_body", "years 0001–9999");
    for (field, value) in [("since", far), ("until", leap)] {
        let resp = s
            .post("/v1/replays", json!({"from_store": {field: value}}))
            .await;
        assert_error(&resp, 400, "invalid_body", &format!("from_store.{field}: "));
    }
    let (_, replays) = s.get("/v1/replays").await;
    assert_eq!(replays["replays"], json!([]), "no replay started");
}

on_both_backends!(
    overlapping_batches_in_any_order_all_succeed_atomically,
    timestamps_the_stores_cannot_hold_reject_the_batch,
    boundary_years_round_trip_exactly,
    points_within_one_microsecond_are_one_point_last_wins,
    every_time_field_refuses_what_the_stores_cannot_hold,
);
