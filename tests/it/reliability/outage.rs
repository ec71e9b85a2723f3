//! A database outage: with Postgres stopped (`pg_ctl stop -m immediate`, as in a crash), every
//! request that needs the database fails fast with a JSON 503 and `/readyz` says so; once
//! Postgres is back the same rollguard process serves again, and what it acknowledged before
//! the outage is still there.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Proc;
use super::pg::Cluster;
use crate::support::minute_points;

/// `--db-acquire-timeout` in this test, and how long a failing request may take on top of it.
const ACQUIRE: Duration = Duration::from_secs(1);
const SLACK: Duration = Duration::from_millis(1500);

async fn call(
    client: &reqwest::Client,
    p: &Proc,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, Duration) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client
        .request(method, p.url(path))
        .timeout(Duration::from_secs(30));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let start = Instant::now();
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, body, start.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_fail_fast_while_postgres_is_down_and_recover_when_it_returns() {
    let cluster = Cluster::start();
    let mut p = Proc::start(&cluster.url(), &["--db-acquire-timeout", "1s"], &[]);
    let pid = p.pid();
    let client = reqwest::Client::new();
    let before = json!({"points": minute_points("error_rate", "canary", &[6.0, 7.0, 8.0])});
    let (status, body, _) = call(
        &client,
        &p,
        "POST",
        "/v1/deployments/outage/points",
        Some(before),
    )
    .await;
    assert_eq!((status, &body), (200, &json!({"accepted": 3})));
    let (status, _, _) = call(&client, &p, "GET", "/readyz", None).await;
    assert_eq!(status, 200);

    cluster.stop_immediate();

    let during = json!({"points": minute_points("latency_p99", "canary", &[200.0])});
    let requests = [
        ("GET", "/readyz", None),
        ("POST", "/v1/deployments/outage/points", Some(during)),
        ("GET", "/v1/deployments/outage", None),
        ("GET", "/v1/deployments", None),
        ("POST", "/v1/deployments/outage/verdicts", Some(json!({}))),
        (
            "POST",
            "/v1/hooks/flagger/gate",
            Some(json!({"name": "n", "namespace": "ns", "metadata": {"deployment": "outage"}})),
        ),
        ("PUT", "/v1/policies/during-outage", Some(json!({}))),
    ];
    // Twice: the first round also meets the pool's connections that the crash broke.
    for round in 0..2 {
        for (method, path, body) in requests.iter().cloned() {
            let (status, err, took) = call(&client, &p, method, path, body).await;
            assert_eq!(status, 503, "round {round}: {method} {path}: {err}");
            assert_eq!(
                err["error"]["code"], "store_unavailable",
                "{method} {path}: {err}"
            );
            assert!(
                took < ACQUIRE + SLACK,
                "round {round}: {method} {path} took {took:?}"
            );
            eprintln!("outage round {round}: {method} {path}: 503 in {took:?}");
        }
    }
    // What needs no database still answers.
    let (status, _, _) = call(&client, &p, "GET", "/healthz", None).await;
    assert_eq!(status, 200);
    let doc = json!({"metrics": {"error_rate": [0.1, 0.2, 0.3]}});
    let (status, v, _) = call(&client, &p, "POST", "/v1/evaluate", Some(doc)).await;
    assert_eq!(
        (status, v["verdict"].as_str()),
        (200, Some("inconclusive")),
        "{v}"
    );

    cluster.start_server();

    // The same process recovers by itself.
    let start = Instant::now();
    loop {
        let (status, _, _) = call(&client, &p, "GET", "/readyz", None).await;
        if status == 200 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "not ready 20 s after Postgres returned"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("ready again {:?} after Postgres restarted", start.elapsed());
    assert!(p.running() && p.pid() == pid, "rollguard was not restarted");
    let after = json!({"points": minute_points("error_rate", "baseline", &[1.0, 1.0])});
    let (status, body, _) = call(
        &client,
        &p,
        "POST",
        "/v1/deployments/outage/points",
        Some(after),
    )
    .await;
    assert_eq!((status, &body), (200, &json!({"accepted": 2})));
    let (status, d, _) = call(&client, &p, "GET", "/v1/deployments/outage", None).await;
    assert_eq!((status, d["points"].as_i64()), (200, Some(5)), "{d}");
    let (status, series, _) = call(
        &client,
        &p,
        "GET",
        "/v1/deployments/outage/points?metric=error_rate&cohort=canary",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let values: Vec<f64> = series["series"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .collect();
    assert_eq!(
        values,
        [6.0, 7.0, 8.0],
        "acknowledged before the outage: {series}"
    );
    let (status, v, _) = call(
        &client,
        &p,
        "POST",
        "/v1/deployments/outage/verdicts",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{v}");

    // The outage shows in the metrics.
    let metrics = client
        .get(p.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("rollguard_store_errors_total{kind=\"unavailable\"}")),
        "{metrics}"
    );
}
