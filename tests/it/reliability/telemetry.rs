//! Self-observability: `/metrics` after some traffic, and request ids in answers and logs.
//!
//! The in-process servers of this test binary share one metrics recorder, and tests run in
//! parallel, so the in-process checks compare counters before and after their own traffic and
//! expect at least that much more.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::Proc;
use crate::support::{Backend, TestServer, minute_points, test_db};

/// Parses the Prometheus text format: `name{labels}` → value.
fn scrape(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_string(), value.parse().ok()?))
        })
        .collect()
}

async fn metrics(s: &TestServer) -> (String, HashMap<String, f64>) {
    let resp = s.client.get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = resp.text().await.unwrap();
    let parsed = scrape(&text);
    (text, parsed)
}

fn get(m: &HashMap<String, f64>, series: &str) -> f64 {
    m.get(series).copied().unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_verdicts_ingest_and_store_errors() {
    let s = TestServer::start(Backend::Sqlite).await;
    let (_, before) = metrics(&s).await;

    let points = json!({"points": minute_points("error_rate", "canary", &[6.0, 7.0, 8.0, 9.0])});
    let (status, _) = s.post("/v1/deployments/metrics.d1/points", points).await;
    assert_eq!(status, 200);
    let (status, v) = s
        .post(
            "/v1/deployments/metrics.d1/verdicts",
            json!({"policy": "seed"}),
        )
        .await;
    assert_eq!(
        (status, v["verdict"].as_str()),
        (200, Some("rollback")),
        "{v}"
    );
    let doc = json!({"metrics": {"error_rate": [0.1, 0.2, 0.3]}});
    let (status, v) = s.post("/v1/evaluate", doc).await;
    assert_eq!(
        (status, v["verdict"].as_str()),
        (200, Some("inconclusive")),
        "{v}"
    );
    let (status, _) = s.get("/v1/no-such-route-for-metrics").await;
    assert_eq!(status, 404);
    let down = TestServer::start_with_store_down().await;
    let (status, _) = down.get("/v1/deployments").await;
    assert_eq!(status, 503);

    let (text, after) = metrics(&s).await;
    let grew = |series: &str, by: f64| {
        let (b, a) = (get(&before, series), get(&after, series));
        assert!(a - b >= by, "{series}: {b} -> {a}\n{text}");
    };
    grew(
        r#"rollguard_http_requests_total{method="POST",route="/v1/deployments/{key}/points",status="200"}"#,
        1.0,
    );
    grew(
        r#"rollguard_http_requests_total{method="POST",route="/v1/deployments/{key}/verdicts",status="200"}"#,
        1.0,
    );
    grew(
        r#"rollguard_http_requests_total{method="GET",route="unmatched",status="404"}"#,
        1.0,
    );
    grew(
        r#"rollguard_http_requests_total{method="GET",route="/v1/deployments",status="503"}"#,
        1.0,
    );
    grew(
        r#"rollguard_http_request_duration_seconds_count{method="POST",route="/v1/evaluate"}"#,
        1.0,
    );
    grew(
        r#"rollguard_http_request_duration_seconds_bucket{method="POST",route="/v1/evaluate",le="+Inf"}"#,
        1.0,
    );
    grew(r#"rollguard_verdicts_total{verdict="rollback"}"#, 1.0);
    grew(r#"rollguard_verdicts_total{verdict="inconclusive"}"#, 1.0);
    grew(
        r#"rollguard_rule_results_total{rule="error_rate",status="triggered"}"#,
        1.0,
    );
    grew(
        r#"rollguard_rule_results_total{rule="latency",status="insufficient_data"}"#,
        2.0,
    );
    grew("rollguard_ingest_points_total", 4.0);
    grew("rollguard_ingest_batches_total", 1.0);
    grew(r#"rollguard_store_errors_total{kind="unavailable"}"#, 1.0);
    assert_eq!(
        get(&after, r#"rollguard_build_info{version="0.1.0"}"#),
        1.0,
        "{text}"
    );
    // Routes are labelled by template, never by the raw path.
    assert!(
        !text.contains("metrics.d1") && !text.contains("no-such-route"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE rollguard_http_request_duration_seconds histogram"),
        "{text}"
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_given_one_is_kept() {
    let s = TestServer::start(Backend::Sqlite).await;
    let mut ids = Vec::new();
    for path in ["/healthz", "/v1/deployments", "/v1/nothing"] {
        let resp = s.client.get(s.url(path)).send().await.unwrap();
        let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        ids.push(id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 3, "{ids:?}");
    let resp = s
        .client
        .get(s.url("/v1/deployments"))
        .header("x-request-id", "from-the-caller-42")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "from-the-caller-42");
}

#[tokio::test]
async fn logs_carry_the_request_id_and_the_token_name() {
    let db = test_db(Backend::Sqlite).await;
    let p = Proc::start(
        &db.url,
        &["--log-format", "json"],
        &[("ROLLGUARD_TOKENS", "reader:read:0123456789abcdef")],
    );
    let client = reqwest::Client::new();
    let resp = client
        .put(p.url("/v1/policies/x"))
        .header("x-request-id", "req-7f3a")
        .bearer_auth("0123456789abcdef")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(resp.headers()["x-request-id"], "req-7f3a");
    let line = (0..50)
        .find_map(|_| {
            let found = p
                .log()
                .lines()
                .find(|l| l.contains("req-7f3a"))
                .map(str::to_string);
            if found.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            found
        })
        .unwrap_or_else(|| panic!("no log line with the request id:\n{}", p.log()));
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["span"]["request_id"], "req-7f3a", "{event}");
    assert_eq!(event["span"]["token"], "reader", "{event}");
    assert_eq!(event["span"]["path"], "/v1/policies/x", "{event}");
    assert!(
        !p.log().contains("0123456789abcdef"),
        "the secret is never logged"
    );
}
