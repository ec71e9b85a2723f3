//! Lifecycle (issue 18): deleting a deployment over HTTP, on both backends.

use serde_json::{Value, json};

use crate::support::{Backend, TestServer, assert_error, minute_points, on_both_backends};

fn batch(values: &[f64]) -> Value {
    json!({ "points": minute_points("error_rate", "canary", values) })
}

async fn delete_removes_the_deployment_its_points_and_verdicts(backend: Backend) {
    let s = TestServer::start(backend).await;
    for key in ["life.a", "life.b"] {
        let (status, _) = s
            .post(
                &format!("/v1/deployments/{key}/points"),
                batch(&[0.4, 6.2, 6.3]),
            )
            .await;
        assert_eq!(status, 200);
        let (status, v) = s
            .post(&format!("/v1/deployments/{key}/verdicts"), json!({}))
            .await;
        assert_eq!(status, 200, "{v}");
    }

    let (status, body) = s.delete("/v1/deployments/life.a").await;
    assert_eq!((status, body), (204, Value::Null));
    assert_error(
        &s.get("/v1/deployments/life.a").await,
        404,
        "not_found",
        "life.a",
    );
    assert_error(
        &s.get("/v1/deployments/life.a/points").await,
        404,
        "not_found",
        "life.a",
    );
    assert_error(
        &s.get("/v1/deployments/life.a/verdicts").await,
        404,
        "not_found",
        "life.a",
    );
    // A second delete is harmless: the deployment is not there.
    assert_error(
        &s.delete("/v1/deployments/life.a").await,
        404,
        "not_found",
        "life.a",
    );
    // The other deployment keeps everything.
    let (_, b) = s.get("/v1/deployments/life.b").await;
    assert_eq!(b["points"].as_i64(), Some(3));
    assert!(b["latest_verdict"].is_string(), "{b}");
    let (_, list) = s.get("/v1/deployments").await;
    let keys: Vec<&str> = list["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["life.b"]);

    // A verdict asked for after the delete judges nothing and records nothing, as for any
    // unknown key; the key is free for a new deployment, which starts empty.
    let (status, v) = s.post("/v1/deployments/life.a/verdicts", json!({})).await;
    assert_eq!((status, v["points"].as_i64()), (200, Some(0)), "{v}");
    assert_error(
        &s.get("/v1/deployments/life.a").await,
        404,
        "not_found",
        "life.a",
    );
    let (status, _) = s.post("/v1/deployments/life.a/points", batch(&[0.1])).await;
    assert_eq!(status, 200);
    let (_, a) = s.get("/v1/deployments/life.a").await;
    assert_eq!(
        (a["points"].as_i64(), a["latest_verdict"].as_str()),
        (Some(1), None)
    );
    let (_, history) = s.get("/v1/deployments/life.a/verdicts").await;
    assert_eq!(history["verdicts"], json!([]));
}

async fn delete_answers_a_bad_key_with_400(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, body) = s.delete("/v1/deployments/bad%20key").await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["code"].is_string(), "{body}");
}

on_both_backends!(
    delete_removes_the_deployment_its_points_and_verdicts,
    delete_answers_a_bad_key_with_400,
);
