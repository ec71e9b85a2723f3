//! Durability: `rollguard serve` is killed with SIGKILL in the middle of sustained concurrent
//! ingest. After a restart every acknowledged batch is there in full, and no batch is
//! half-visible: each batch has its own metric, so a batch is present with all its points or not
//! at all.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Proc, batch};
use crate::support::{Backend, on_both_backends, test_db};

const WRITERS: usize = 4;
const POINTS: usize = 400;
/// Kill once this many batches are acknowledged (all writers are busy by then).
const KILL_AFTER: usize = 40;

fn metric(writer: usize, seq: usize) -> String {
    format!("w{writer}_b{seq}")
}

/// What one writer sent: batches acknowledged, and the one in flight when the server died.
#[derive(Debug, Default)]
struct Sent {
    acknowledged: BTreeSet<usize>,
    in_doubt: Option<usize>,
}

async fn writer(base: String, w: usize, acked: Arc<AtomicUsize>) -> Sent {
    let client = reqwest::Client::new();
    let mut sent = Sent::default();
    for seq in 0.. {
        let body = batch(&metric(w, seq), POINTS, seq as f64);
        let result = client
            .post(format!("{base}/v1/deployments/durable-{w}/points"))
            .header("content-type", "application/json")
            .body(body)
            .timeout(Duration::from_secs(30))
            .send()
            .await;
        match result {
            Ok(resp) if resp.status() == 200 => {
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                if body["accepted"] != POINTS {
                    sent.in_doubt = Some(seq);
                    break;
                }
                sent.acknowledged.insert(seq);
                acked.fetch_add(1, Ordering::SeqCst);
            }
            Ok(resp) => panic!("writer {w}: batch {seq} answered {}", resp.status()),
            Err(_) => {
                // The server died with this batch in flight: it may or may not have committed.
                sent.in_doubt = Some(seq);
                break;
            }
        }
    }
    sent
}

async fn acknowledged_batches_survive_sigkill(backend: Backend) {
    let db = test_db(backend).await;
    let mut p = Proc::start(&db.url, &[], &[]);
    let acked = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| tokio::spawn(writer(p.base.clone(), w, acked.clone())))
        .collect();
    let start = Instant::now();
    while acked.load(Ordering::SeqCst) < KILL_AFTER {
        assert!(start.elapsed() < Duration::from_secs(60), "ingest too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    p.signal("KILL");
    p.wait_for_exit(Duration::from_secs(10))
        .expect("SIGKILL ends the server");
    let mut sent = Vec::new();
    for w in writers {
        sent.push(w.await.unwrap());
    }
    let total: usize = sent.iter().map(|s| s.acknowledged.len()).sum();
    let in_doubt = sent.iter().filter(|s| s.in_doubt.is_some()).count();
    eprintln!("{backend:?}: killed after {total} acknowledged batches, {in_doubt} in flight");
    assert!(total >= KILL_AFTER, "{total}");
    // Every writer was still writing when the server died: its last batch got no answer (it was
    // in flight, or sent just after the kill).
    assert!(
        sent.iter().all(|s| s.in_doubt.is_some()),
        "a writer stopped before the kill: {sent:?}"
    );

    let p = Proc::start(&db.url, &[], &[]);
    let client = reqwest::Client::new();
    for (w, sent) in sent.iter().enumerate() {
        let stored: Value = client
            .get(p.url(&format!("/v1/deployments/durable-{w}/points")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut seen: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for series in stored["series"].as_array().unwrap() {
            assert_eq!(series["truncated"], false);
            let values = series["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["value"].as_f64().unwrap())
                .collect();
            seen.insert(series["metric"].as_str().unwrap().to_string(), values);
        }
        for &seq in &sent.acknowledged {
            let values = seen
                .remove(&metric(w, seq))
                .unwrap_or_else(|| panic!("writer {w}: acknowledged batch {seq} is missing"));
            let expected: Vec<f64> = (0..POINTS)
                .map(|i| seq as f64 + i as f64 / POINTS as f64)
                .collect();
            assert_eq!(values, expected, "writer {w}: batch {seq}");
        }
        // Anything else is the batch that was in flight, and then all of it.
        for (name, values) in seen {
            assert_eq!(
                Some(name.clone()),
                sent.in_doubt.map(|s| metric(w, s)),
                "writer {w}: unexpected {name}"
            );
            assert_eq!(values.len(), POINTS, "writer {w}: {name} is half there");
        }
    }
}

on_both_backends!(acknowledged_batches_survive_sigkill);
