//! Ingest under contention and at the edges of time, over real HTTP on both stores: pushers that
//! re-send overlapping windows concurrently, and timestamps the stores cannot hold as given.

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use crate::support::{Backend, TestServer, on_both_backends};

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
    let s = Arc::new(TestServer::start(backend).await);
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

on_both_backends!(overlapping_batches_in_any_order_all_succeed_atomically);
