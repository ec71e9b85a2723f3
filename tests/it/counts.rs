//! A point's optional `count` (issue 15): accepted by ingest and the evaluation document, stored
//! and read back on both stores, carried into the analysis's series, and read from replay CSV.

use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use rollguard::model::{Cohort, DeploymentKey, Point, series_observations};
use serde_json::{Value, json};

use crate::support::{
    Backend, TestServer, assert_error, minute, on_both_backends, root, test_store,
};

fn point(metric: &str, i: usize, value: f64, count: Option<u64>) -> Value {
    let mut p = json!({"metric": metric, "ts": minute(i), "value": value});
    if let Some(c) = count {
        p["count"] = json!(c);
    }
    p
}

/// The deployment's read-back series by metric: (value, count) per point, `None` where the
/// point came back without a `count` field.
async fn read_back(s: &TestServer, key: &str) -> Vec<(String, Vec<(f64, Option<u64>)>)> {
    let (status, body) = s.get(&format!("/v1/deployments/{key}/points")).await;
    assert_eq!(status, 200, "{body}");
    body["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|series| {
            let points = series["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let count = p.get("count").map(|c| c.as_u64().unwrap());
                    (p["value"].as_f64().unwrap(), count)
                })
                .collect();
            (series["metric"].as_str().unwrap().to_string(), points)
        })
        .collect()
}

async fn counts_round_trip_through_ingest_and_read_back(backend: Backend) {
    let s = TestServer::start(backend).await;
    let max = i64::MAX as u64;
    let batch = json!({"points": [
        point("error_rate", 0, 1.0, Some(850)),
        point("error_rate", 1, 2.0, Some(0)),
        point("conversion_rate", 0, 0.03, Some(max)),
        point("latency_p99", 0, 200.0, None),
        {"metric": "latency_p99", "ts": minute(1), "value": 210.0, "count": null},
        {"metric": "rps", "ts": minute(0), "value": 5.0, "count": 12.0},
    ]});
    let (status, body) = s.post("/v1/deployments/counts.1/points", batch).await;
    assert_eq!((status, &body), (200, &json!({"accepted": 6})));
    assert_eq!(
        read_back(&s, "counts.1").await,
        [
            ("conversion_rate".into(), vec![(0.03, Some(max))]),
            ("error_rate".into(), vec![(1.0, Some(850)), (2.0, Some(0))]),
            ("latency_p99".into(), vec![(200.0, None), (210.0, None)]),
            ("rps".into(), vec![(5.0, Some(12))]),
        ]
    );
}

async fn a_resent_point_replaces_its_count_and_without_one_clears_it(backend: Backend) {
    let s = TestServer::start(backend).await;
    let path = "/v1/deployments/counts.resend/points";
    let first = json!({"points": [point("error_rate", 0, 1.0, Some(850)), point("error_rate", 1, 1.0, Some(900))]});
    assert_eq!(s.post(path, first).await.0, 200);
    let again = json!({"points": [point("error_rate", 0, 3.0, None), point("error_rate", 1, 1.0, Some(950))]});
    assert_eq!(s.post(path, again).await.0, 200);
    assert_eq!(
        read_back(&s, "counts.resend").await,
        [("error_rate".into(), vec![(3.0, None), (1.0, Some(950))])]
    );
}

/// Every kind of bad count: a 400 naming the point (index 2), and nothing of the batch stored.
async fn a_bad_count_rejects_the_whole_batch_naming_the_point(backend: Backend) {
    let s = TestServer::start(backend).await;
    for (count, code, fragment) in [
        (
            json!(1.5),
            "invalid_point",
            "count 1.5 must be a whole number",
        ),
        (
            json!(-1),
            "invalid_point",
            "count -1 must be a whole number",
        ),
        (
            json!(1e30),
            "invalid_point",
            "must be a whole number from 0 to 9223372036854775807",
        ),
        (
            json!(9_223_372_036_854_775_808_u64),
            "invalid_point",
            "count 9223372036854775808",
        ),
        (json!(u64::MAX), "invalid_point", "must be a whole number"),
        (json!("3"), "invalid_body", "invalid type: string \"3\""),
        (json!(true), "invalid_body", "invalid type: boolean"),
    ] {
        let mut points: Vec<Value> = (0..4)
            .map(|i| point("error_rate", i, 1.0, Some(10)))
            .collect();
        points[2]["count"] = count.clone();
        let resp = s
            .post(
                "/v1/deployments/counts.bad/points",
                json!({"points": points}),
            )
            .await;
        assert_error(&resp, 400, code, fragment);
        let message = resp.1["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("points[2]"), "{count}: {message}");
        assert_eq!(
            resp.1["error"]["details"]["field"], "points[2].count",
            "{count}"
        );
        if code == "invalid_point" {
            assert_eq!(resp.1["error"]["details"]["index"], 2, "{count}");
        }
        assert_error(
            &s.get("/v1/deployments/counts.bad").await,
            404,
            "not_found",
            "counts.bad",
        );
    }
}

async fn the_evaluation_document_takes_counts_on_every_point_or_none(backend: Backend) {
    let s = TestServer::start(backend).await;
    let timed = |i: usize, count: Option<u64>| {
        let mut p = json!({"ts": minute(i), "value": 0.5});
        if let Some(c) = count {
            p["count"] = json!(c);
        }
        p
    };
    let all = json!({"metrics": {"error_rate": [timed(0, Some(850)), timed(1, Some(900))]}});
    let (status, body) = s.post("/v1/evaluate", all).await;
    assert_eq!(status, 200, "{body}");

    let mixed = json!({"metrics": {"error_rate": [timed(0, Some(1)), timed(1, Some(2)), timed(2, Some(3)), timed(3, None)]}});
    let resp = s.post("/v1/evaluate", mixed).await;
    assert_error(
        &resp,
        400,
        "invalid_input",
        "metrics.error_rate[3]: a series must give count on every point or on none",
    );
    assert_eq!(resp.1["error"]["details"]["field"], "metrics.error_rate[3]");

    for bad in [json!(1.5), json!(-1), json!("3"), json!(1e30)] {
        let mut doc = json!({"metrics": {"error_rate": [timed(0, Some(1)), timed(1, Some(1)), timed(2, Some(1))]}});
        doc["metrics"]["error_rate"][2]["count"] = bad.clone();
        let resp = s.post("/v1/evaluate", doc).await;
        assert_error(&resp, 400, "invalid_body", "metrics.error_rate[2].count: ");
    }
}

/// The store carries counts into the analysis: a series has them when every stored point has
/// one, and points read through `series` keep theirs.
async fn stored_counts_reach_the_observations(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let k = DeploymentKey::parse("counts.obs").unwrap();
    let t0: DateTime<Utc> = "2026-11-24T10:00:00Z".parse().unwrap();
    let p = |metric: &str, cohort, i: i64, count| {
        Point::new(metric, cohort, t0 + Duration::minutes(i), 1.0, count).unwrap()
    };
    let batch = vec![
        p("error_rate", Cohort::Canary, 1, Some(20)),
        p("error_rate", Cohort::Canary, 0, Some(10)),
        p("error_rate", Cohort::Baseline, 0, Some(30)),
        p("latency_p99", Cohort::Canary, 0, Some(5)),
        p("latency_p99", Cohort::Canary, 1, None),
        p("conversion_rate", Cohort::Canary, 0, None),
    ];
    store.ingest(&k, &batch).await.unwrap();
    let metrics = ["error_rate", "latency_p99", "conversion_rate"];
    let inputs = store
        .verdict_inputs(&k, &metrics, None)
        .await
        .unwrap()
        .unwrap();
    let obs = series_observations(inputs.series);
    assert_eq!(obs.canary["error_rate"].counts, Some(vec![10, 20]));
    assert_eq!(obs.baseline_cohort["error_rate"].counts, Some(vec![30]));
    assert_eq!(obs.canary["latency_p99"].counts, None, "one point has none");
    assert_eq!(obs.canary["conversion_rate"].counts, None);
    let points = store
        .series(&k, &["latency_p99"], None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        points.iter().map(Point::count).collect::<Vec<_>>(),
        [Some(5), None]
    );
}

on_both_backends!(
    counts_round_trip_through_ingest_and_read_back,
    a_resent_point_replaces_its_count_and_without_one_clears_it,
    a_bad_count_rejects_the_whole_batch_naming_the_point,
    the_evaluation_document_takes_counts_on_every_point_or_none,
    stored_counts_reach_the_observations,
);

fn replay_csv(text: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("points.csv");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rollguard"))
        .arg("replay")
        .arg(&path)
        .arg("--json")
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
fn replay_reads_a_csv_count_column() {
    let mut text = String::from("deployment,metric,cohort,ts,value,count\n");
    for i in 0..5 {
        text += &format!("a,error_rate,canary,{},0.5,{}\n", minute(i), 800 + i);
        text += &format!("a,latency_p99,canary,{},200,\n", minute(i));
    }
    let (code, stdout, stderr) = replay_csv(&text);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["deployments"][0]["key"], "a", "{report}");

    let (code, _, stderr) = replay_csv(&format!(
        "{text}a,error_rate,canary,{},0.5,1.5\n",
        minute(9)
    ));
    assert_ne!(code, 0);
    assert!(
        stderr.contains("line 12: error_rate: count 1.5 must be a whole number"),
        "{stderr}"
    );
}
