//! The controllers' side of the contract, emulated exactly: Argo Rollouts' web metric provider
//! (status outside 200–299 is Error; Kubernetes JSONPath `{$.verdict}`; successCondition
//! `result == "pass"`, failureCondition `result == "rollback"`) and Flagger's webhooks (POST JSON,
//! success iff status <= 202). Healthy, failing, no-data, unknown-deployment and store-down.

use serde_json::{Value, json};

use crate::support::{Backend, TestServer, minute, minute_points, on_both_backends};

/// Argo Rollouts' measurement phases.
#[derive(Debug, PartialEq, Eq)]
enum ArgoPhase {
    Successful,
    Failed,
    Inconclusive,
    Error,
}

/// `{$.a.b}` in Kubernetes JSONPath: the first match, or none.
fn k8s_jsonpath<'a>(expr: &str, body: &'a Value) -> Option<&'a Value> {
    let path = expr
        .strip_prefix('{')?
        .strip_suffix('}')?
        .strip_prefix('$')?;
    path.split('.')
        .filter(|s| !s.is_empty())
        .try_fold(body, |v, field| v.get(field))
}

/// One measurement as Argo's web provider and `EvaluateResult` judge it.
async fn argo_measure(s: &TestServer, method: &str, url: &str) -> ArgoPhase {
    let req = match method {
        "GET" => s.client.get(s.url(url)),
        // jsonBody set by the template forces Content-Type: application/json.
        _ => s.client.post(s.url(url)).json(&json!({})),
    };
    let resp = req.send().await.unwrap();
    if !resp.status().is_success() {
        return ArgoPhase::Error;
    }
    let Ok(body) = resp.json::<Value>().await else {
        return ArgoPhase::Error;
    };
    let Some(result) = k8s_jsonpath("{$.verdict}", &body) else {
        return ArgoPhase::Error;
    };
    // Both conditions set: failure wins; both false is Inconclusive.
    if result == "rollback" {
        ArgoPhase::Failed
    } else if result == "pass" {
        ArgoPhase::Successful
    } else {
        ArgoPhase::Inconclusive
    }
}

/// One Flagger webhook call: `Ok` when Flagger counts it a success (status <= 202).
async fn flagger_call(s: &TestServer, hook: &str, payload: Value) -> (bool, u16, Value) {
    let resp = s
        .client
        .post(s.url(&format!("/v1/hooks/flagger/{hook}")))
        .json(&payload)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap();
    assert!(
        !(203..=299).contains(&status),
        "Flagger counts 203-299 as failures; got {status}"
    );
    assert_ne!(status, 429, "429 makes Flagger retry");
    (status <= 202, status, body)
}

fn flagger_payload(namespace: &str, name: &str) -> Value {
    json!({"name": name, "namespace": namespace, "phase": "Progressing", "checksum": "85d557f47b", "metadata": {}})
}

/// Enough calm data for every rule of the default (compare) policy to pass: no baseline cohort for
/// error rate and latency, so they fall back to `guarded`'s rules (30 latency points: it needs 12
/// baseline + 12 recent); 3 conversion minutes paired with the baseline cohort (it needs 2).
fn healthy() -> Value {
    let calm: Vec<f64> = (0..30)
        .map(|i| 200.0 + [0.0, 10.0, -10.0, 5.0, -5.0][i % 5])
        .collect();
    let mut points = minute_points("error_rate", "canary", &[0.4, 0.7, 0.5, 0.6]);
    points.extend(minute_points("latency_p99", "canary", &calm));
    points.extend(minute_points(
        "conversion_rate",
        "canary",
        &[0.031, 0.030, 0.031],
    ));
    points.extend(minute_points(
        "conversion_rate",
        "baseline",
        &[0.030, 0.031, 0.030],
    ));
    points.extend(minute_points("rps", "canary", &[1500.0]));
    json!({"points": points})
}

fn failing() -> Value {
    let mut batch = healthy();
    let extra = minute_points("error_rate", "canary", &[0.4, 0.7, 9.0, 9.0, 9.0]);
    batch["points"].as_array_mut().unwrap().extend(extra);
    batch
}

async fn argo_web_metric_phases(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/prod.checkout.6d4f8b9c7/points", healthy())
        .await;
    s.post("/v1/deployments/prod.checkout.7e5a9c0d8/points", failing())
        .await;
    s.post(
        "/v1/deployments/prod.checkout.nodata/points",
        json!({"points": minute_points("error_rate", "canary", &[0.1])}),
    )
    .await;
    for method in ["POST", "GET"] {
        let path = |k: &str| {
            if method == "GET" {
                format!("/v1/deployments/{k}/verdict")
            } else {
                format!("/v1/deployments/{k}/verdicts")
            }
        };
        assert_eq!(
            argo_measure(&s, method, &path("prod.checkout.6d4f8b9c7")).await,
            ArgoPhase::Successful,
            "{method} healthy"
        );
        assert_eq!(
            argo_measure(&s, method, &path("prod.checkout.7e5a9c0d8")).await,
            ArgoPhase::Failed,
            "{method} failing"
        );
        assert_eq!(
            argo_measure(&s, method, &path("prod.checkout.nodata")).await,
            ArgoPhase::Inconclusive,
            "{method} no data"
        );
        assert_eq!(
            argo_measure(&s, method, &path("prod.checkout.unknown")).await,
            ArgoPhase::Inconclusive,
            "{method} unknown"
        );
    }
    // POST records each measurement; GET does not.
    let (_, history) = s
        .get("/v1/deployments/prod.checkout.6d4f8b9c7/verdicts")
        .await;
    assert_eq!(history["verdicts"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn argo_sees_an_error_not_a_verdict_when_the_store_is_down() {
    let s = TestServer::start_with_store_down().await;
    assert_eq!(
        argo_measure(&s, "POST", "/v1/deployments/prod.checkout.x/verdicts").await,
        ArgoPhase::Error
    );
    assert_eq!(
        argo_measure(&s, "GET", "/v1/deployments/prod.checkout.x/verdict").await,
        ArgoPhase::Error
    );
    let (status, body) = s
        .post("/v1/deployments/prod.checkout.x/verdicts", json!({}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("store_unavailable"))
    );
}

async fn flagger_gate_and_rollback_hooks(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/test.podinfo/points", healthy())
        .await;
    s.post("/v1/deployments/test.broken/points", failing())
        .await;
    s.post("/v1/deployments/custom-key.v2/points", failing())
        .await;
    s.post(
        "/v1/deployments/test.early/points",
        json!({"points": minute_points("error_rate", "canary", &[0.1])}),
    )
    .await;

    let (ok, status, body) = flagger_call(&s, "gate", flagger_payload("test", "podinfo")).await;
    assert!(ok && status == 200, "healthy passes the gate: {body}");
    assert_eq!(body["verdict"], "pass");
    let (ok, status, body) = flagger_call(&s, "gate", flagger_payload("test", "broken")).await;
    assert!(!ok && status == 412, "failing is held");
    assert_eq!(body["error"]["code"], "verdict_rollback");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("mean error rate of last 3 points 9.00% > 5.00%"),
        "{body}"
    );
    let (ok, _, body) = flagger_call(&s, "gate", flagger_payload("test", "early")).await;
    assert!(!ok, "no data is held by default");
    assert_eq!(body["error"]["code"], "verdict_inconclusive");
    let (ok, _, _) = flagger_call(&s, "gate", flagger_payload("test", "never-seen")).await;
    assert!(!ok, "unknown deployment is inconclusive: held");

    // metadata.deployment wins over namespace/name.
    let mut p = flagger_payload("test", "podinfo");
    p["metadata"] = json!({"deployment": "custom-key.v2"});
    let (ok, _, _) = flagger_call(&s, "gate", p).await;
    assert!(!ok);

    // A policy may let inconclusive through the gate.
    s.put(
        "/v1/policies/patient",
        json!({"gate": {"pass_inconclusive": true}}),
    )
    .await;
    let mut p = flagger_payload("test", "early");
    p["metadata"] = json!({"policy": "patient"});
    let (ok, status, body) = flagger_call(&s, "gate", p).await;
    assert!(ok && status == 200, "{body}");
    assert_eq!(body["verdict"], "inconclusive");

    // The rollback hook is inverted: 200 only means "roll back now".
    assert!(
        flagger_call(&s, "rollback", flagger_payload("test", "broken"))
            .await
            .0
    );
    for name in ["podinfo", "early", "never-seen"] {
        let (ok, status, body) = flagger_call(&s, "rollback", flagger_payload("test", name)).await;
        assert!(!ok && status == 412, "{name}: {body}");
        assert_eq!(body["error"]["code"], "no_rollback");
    }
    // Each hook call is recorded like any stored verdict.
    let (_, history) = s.get("/v1/deployments/test.broken/verdicts").await;
    assert_eq!(history["verdicts"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn flagger_hooks_fail_safe_when_the_store_is_down() {
    let s = TestServer::start_with_store_down().await;
    let (ok, status, body) = flagger_call(&s, "gate", flagger_payload("test", "podinfo")).await;
    assert!(!ok && status == 503, "{body}");
    let (ok, _, _) = flagger_call(&s, "rollback", flagger_payload("test", "podinfo")).await;
    assert!(!ok, "an outage never signals a rollback");
}

async fn flagger_bad_payloads_are_4xx(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (ok, status, body) = flagger_call(&s, "gate", json!({"namespace": "test"})).await;
    assert!(!ok && status == 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing field `name`")
    );
    let (_, status, body) =
        flagger_call(&s, "gate", json!({"name": "a b", "namespace": "test"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_key"))
    );
    let mut p = flagger_payload("test", "podinfo");
    p["metadata"] = json!({"canary_weight": "ten"});
    assert_eq!(flagger_call(&s, "gate", p).await.1, 400);
}

async fn canary_stepping_follows_the_seed(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/fast/points", healthy()).await;
    let mut slow = healthy();
    slow["points"]
        .as_array_mut()
        .unwrap()
        .extend(minute_points("rps", "canary", &[300.0]));
    s.post("/v1/deployments/slow/points", slow).await;
    s.post("/v1/deployments/bad/points", failing()).await;

    let step = |v: &Value| {
        (
            v["recommendation"]["action"].as_str().map(String::from),
            v["recommendation"]["next_weight"].as_u64(),
        )
    };
    let (_, v) = s
        .post(
            "/v1/deployments/fast/verdicts",
            json!({"canary_weight": 10, "max_weight": 50}),
        )
        .await;
    assert_eq!(
        step(&v),
        (Some("increase".into()), Some(30)),
        "p99 < 500 and RPS 1500 > 1000: +20"
    );
    let (_, v) = s
        .post(
            "/v1/deployments/fast/verdicts",
            json!({"canary_weight": 40, "max_weight": 50}),
        )
        .await;
    assert_eq!(
        step(&v),
        (Some("increase".into()), Some(50)),
        "capped at max"
    );
    let (_, v) = s
        .post(
            "/v1/deployments/fast/verdicts",
            json!({"canary_weight": 50, "max_weight": 50}),
        )
        .await;
    assert_eq!(step(&v), (Some("promote".into()), Some(50)));
    let (_, v) = s
        .post(
            "/v1/deployments/slow/verdicts",
            json!({"canary_weight": 10}),
        )
        .await;
    assert_eq!(
        step(&v),
        (Some("increase".into()), Some(20)),
        "RPS 300: +10"
    );
    let (_, v) = s.get("/v1/deployments/bad/verdict?canary_weight=20").await;
    assert_eq!(step(&v), (Some("abort".into()), Some(20)));
    let (_, v) = s
        .post(
            "/v1/deployments/unknown/verdicts",
            json!({"canary_weight": 20}),
        )
        .await;
    assert_eq!(step(&v), (Some("hold".into()), Some(20)));
    let (_, v) = s.post("/v1/deployments/fast/verdicts", json!({})).await;
    assert!(
        v.get("recommendation").is_none(),
        "no weight, no recommendation"
    );
    let (status, body) = s
        .post(
            "/v1/deployments/fast/verdicts",
            json!({"canary_weight": 60, "max_weight": 50}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_body"))
    );
}

fn payload_at(name: &str, phase: &str, checksum: &str) -> Value {
    json!({"name": name, "namespace": "test", "phase": phase, "checksum": checksum})
}

/// Error-rate points with counts, canary and baseline, at minutes `from..from + rates.len()`.
fn counted(from: usize, canary: &[f64]) -> Value {
    let mut points = Vec::new();
    for (i, rate) in canary.iter().enumerate() {
        for (cohort, value, count) in [("canary", *rate, 200), ("baseline", 0.5, 2000)] {
            points.push(
                json!({"metric": "error_rate", "cohort": cohort, "ts": minute(from + i),
                "value": value, "count": count}),
            );
        }
    }
    json!({ "points": points })
}

/// A new checksum is judged on its own points only: revision B is neither rolled back on A's
/// bad points nor passed on them; its own points decide.
async fn flagger_revisions_are_judged_on_their_own_points(backend: Backend) {
    let s = TestServer::start(backend).await;
    let key = "/v1/deployments/test.rev";
    s.post(&format!("{key}/points"), counted(0, &[9.0; 5]))
        .await;
    let (ok, _, _) = flagger_call(&s, "rollback", payload_at("rev", "Progressing", "a1")).await;
    assert!(ok, "A is rolled back on its own bad points");

    let (ok, _, body) = flagger_call(&s, "rollback", payload_at("rev", "Progressing", "b2")).await;
    assert!(!ok, "B is not rolled back on A's points: {body}");
    assert_eq!(
        body["error"]["details"]["verdict"], "inconclusive",
        "{body}"
    );
    assert_eq!(body["error"]["details"]["points"], 0, "{body}");
    let (ok, _, _) = flagger_call(&s, "gate", payload_at("rev", "Progressing", "b2")).await;
    assert!(!ok, "nor passed");

    s.post(&format!("{key}/points"), counted(5, &[0.5; 4]))
        .await;
    let (ok, _, body) = flagger_call(&s, "gate", payload_at("rev", "Progressing", "b2")).await;
    assert!(ok, "B's own points pass: {body}");
    assert_eq!(body["points"], 8, "4 minutes, 2 cohorts: {body}");
    assert_eq!(body["first_ts"], minute(5));

    // A request without a checksum (not from Flagger) reads every point.
    let mut p = payload_at("rev", "Progressing", "");
    p.as_object_mut().unwrap().remove("checksum");
    let (ok, _, body) = flagger_call(&s, "rollback", p).await;
    let points = if ok {
        &body["points"]
    } else {
        &body["error"]["details"]["points"]
    };
    assert_eq!(points, 18, "9 minutes, 2 cohorts: {body}");

    let (_, status, body) = flagger_call(
        &s,
        "gate",
        payload_at("rev", "Progressing", &"x".repeat(200)),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_body"))
    );
}

/// Flagger copies a failed call's body into a Warning event: one short line first, a summary
/// after, never the whole verdict.
async fn flagger_412_bodies_are_short(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/test.broken/points", failing())
        .await;
    for hook in ["gate", "rollback"] {
        let name = if hook == "gate" {
            "broken"
        } else {
            "never-seen"
        };
        let resp = s
            .client
            .post(s.url(&format!("/v1/hooks/flagger/{hook}")))
            .json(&flagger_payload("test", name))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 412);
        let text = resp.text().await.unwrap();
        assert!(text.len() < 600, "{} bytes: {text}", text.len());
        let body: Value = serde_json::from_str(&text).unwrap();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            !message.contains('\n') && message.chars().count() <= 300,
            "{message}"
        );
        let details = &body["error"]["details"];
        assert!(details["rules"]["error_rate"].is_string(), "{body}");
        assert!(details.get("verdict_id").is_some(), "{body}");
    }
}

/// In Waiting phases Flagger asks the rollback hook every loop: only a rollback is recorded.
async fn flagger_rollback_hook_records_only_rollbacks_while_waiting(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/test.podinfo/points", healthy())
        .await;
    s.post("/v1/deployments/test.broken/points", failing())
        .await;
    for phase in ["Waiting", "WaitingPromotion", "Waiting"] {
        let (ok, _, _) = flagger_call(&s, "rollback", payload_at("podinfo", phase, "c1")).await;
        assert!(!ok);
    }
    let (_, history) = s.get("/v1/deployments/test.podinfo/verdicts").await;
    assert_eq!(
        history["verdicts"].as_array().unwrap().len(),
        0,
        "{history}"
    );
    let (ok, _, _) = flagger_call(&s, "rollback", payload_at("podinfo", "Progressing", "c1")).await;
    assert!(!ok);
    let (_, history) = s.get("/v1/deployments/test.podinfo/verdicts").await;
    assert_eq!(
        history["verdicts"].as_array().unwrap().len(),
        1,
        "Progressing records"
    );

    let (ok, _, body) = flagger_call(
        &s,
        "rollback",
        payload_at("broken", "WaitingPromotion", "c1"),
    )
    .await;
    assert!(ok, "{body}");
    assert!(body["id"].is_i64(), "a rollback is recorded: {body}");
}

/// Argo's web provider may use PUT: the same verdict as POST, recorded.
async fn argo_put_is_the_same_as_post(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/prod.checkout.7e5a9c0d8/points", failing())
        .await;
    let (status, body) = s
        .put(
            "/v1/deployments/prod.checkout.7e5a9c0d8/verdicts",
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["verdict"].as_str()),
        (200, Some("rollback")),
        "{body}"
    );
    assert!(body["id"].is_i64());
}

on_both_backends!(
    flagger_revisions_are_judged_on_their_own_points,
    flagger_412_bodies_are_short,
    flagger_rollback_hook_records_only_rollbacks_while_waiting,
    argo_put_is_the_same_as_post,
    argo_web_metric_phases,
    flagger_gate_and_rollback_hooks,
    flagger_bad_payloads_are_4xx,
    canary_stepping_follows_the_seed,
);
