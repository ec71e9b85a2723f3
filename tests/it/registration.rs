//! Verdict requests that carry their deployment (`deployment` in the body of `POST` or `PUT
//! …/verdicts`): the deployment is created, replaced when it differs, and left alone (no write:
//! `updated_at` stays) when it is the same; a bad field is a 400 naming it, with nothing stored
//! and no verdict recorded; and the token needs the `ingest` scope besides `evaluate`.

use std::sync::Arc;

use rollguard::auth::{Auth, Scope, Token};
use serde_json::{Value, json};

use crate::support::{Backend, TestServer, on_both_backends};

const KEY: &str = "shop.checkout.7b9c5d6f48";

/// A deployment as a controller sends it; `started_at` with an offset and digits past the
/// microsecond, which the store keeps in UTC and cut: the same body is still the same.
fn spec() -> Value {
    json!({"service": "checkout", "environment": "production", "version": "7b9c5d6f48",
           "started_at": "2026-11-24T11:00:00.1234567+01:00",
           "labels": {"namespace": "shop", "baseline_version": "5f7c9d8b41"}})
}

fn deployment_path() -> String {
    format!("/v1/deployments/{KEY}")
}

fn verdicts_path() -> String {
    format!("/v1/deployments/{KEY}/verdicts")
}

async fn recorded(s: &TestServer) -> usize {
    let (status, body) = s.get(&verdicts_path()).await;
    assert_eq!(status, 200, "{body}");
    body["verdicts"].as_array().unwrap().len()
}

async fn a_verdict_request_creates_replaces_and_then_leaves_its_deployment(backend: Backend) {
    let s = TestServer::start(backend).await;
    // Unknown: created, then judged (no points: inconclusive) and the verdict recorded.
    let (status, v) = s
        .post(&verdicts_path(), json!({"deployment": spec()}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["verdict"], "inconclusive", "{v}");
    assert!(v["id"].is_u64(), "recorded: {v}");
    let (status, created) = s.get(&deployment_path()).await;
    assert_eq!(status, 200, "{created}");
    for field in ["service", "environment", "version", "labels"] {
        assert_eq!(created[field], spec()[field], "{created}");
    }
    assert_eq!(
        created["started_at"], "2026-11-24T10:00:00.123456Z",
        "{created}"
    );
    assert_eq!(created["updated_at"], created["created_at"], "{created}");

    // The same body again, by POST and by PUT: judged and recorded, nothing else written.
    for method in ["POST", "PUT", "POST"] {
        let (status, v) = s
            .call(
                method,
                &verdicts_path(),
                Some(json!({"deployment": spec()})),
            )
            .await;
        assert_eq!(status, 200, "{method}: {v}");
    }
    let (_, same) = s.get(&deployment_path()).await;
    assert_eq!(same["updated_at"], created["updated_at"], "{same}");
    assert_eq!(recorded(&s).await, 4);

    // A new stable version and no environment: replaced as PUT would, the field left out cleared.
    let changed = json!({"service": "checkout", "version": "7b9c5d6f48",
                         "labels": {"namespace": "shop", "baseline_version": "0c1d2e3f4a"}});
    let (status, v) = s
        .call(
            "PUT",
            &verdicts_path(),
            Some(json!({"deployment": changed})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (_, updated) = s.get(&deployment_path()).await;
    assert_eq!(updated["labels"], changed["labels"], "{updated}");
    assert_eq!(updated["environment"], Value::Null, "{updated}");
    assert_eq!(updated["created_at"], created["created_at"], "{updated}");
    let at = |d: &Value| {
        d["updated_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    };
    assert!(at(&updated) > at(&created), "{created} -> {updated}");

    // A request without `deployment` leaves it as it is.
    let (status, v) = s.post(&verdicts_path(), json!({})).await;
    assert_eq!(status, 200, "{v}");
    let (_, after) = s.get(&deployment_path()).await;
    assert_eq!(after["updated_at"], updated["updated_at"], "{after}");
    assert_eq!(after["labels"], changed["labels"], "{after}");
}

async fn a_bad_deployment_in_a_verdict_request_stores_nothing(backend: Backend) {
    let s = TestServer::start(backend).await;
    let too_many: serde_json::Map<String, Value> =
        (0..65).map(|i| (format!("l{i}"), json!("v"))).collect();
    let cases = [
        (
            json!({"deployment": {"service": "check\u{7}out"}}),
            "deployment.service",
        ),
        (
            json!({"deployment": {"version": "v".repeat(257)}}),
            "deployment.version",
        ),
        (
            json!({"deployment": {"environment": "prod\u{202E}"}}),
            "deployment.environment",
        ),
        (
            json!({"deployment": {"labels": too_many}}),
            "deployment.labels",
        ),
        (
            json!({"deployment": {"labels": {"team": "a\nb"}}}),
            "deployment.labels",
        ),
        (
            json!({"deployment": {"policy": "Not A Name"}}),
            "deployment.policy",
        ),
        (
            json!({"deployment": {"started_at": "2026-11-24T23:59:60Z"}}),
            "deployment.started_at",
        ),
        (
            json!({"deployment": {"service": "checkout", "colour": "red"}}),
            "deployment",
        ),
        (json!({"deployment": "checkout"}), "deployment"),
        // The rest of the request is checked before anything is written, too.
        (
            json!({"deployment": spec(), "canary_weight": 120}),
            "canary_weight",
        ),
        (
            json!({"deployment": spec(), "policy": "no-such-policy"}),
            "no-such-policy",
        ),
    ];
    for (body, field) in cases {
        for method in ["POST", "PUT"] {
            let (status, answer) = s.call(method, &verdicts_path(), Some(body.clone())).await;
            assert_eq!(status, 400, "{method} {body}: {answer}");
            let error = answer["error"].to_string();
            assert!(
                error.contains(field),
                "{method} {body}: {answer} names no {field}"
            );
            let (status, d) = s.get(&deployment_path()).await;
            assert_eq!(status, 404, "{method} {body}: stored {d}");
        }
    }
}

on_both_backends!(
    a_verdict_request_creates_replaces_and_then_leaves_its_deployment,
    a_bad_deployment_in_a_verdict_request_stores_nothing,
);

const EVALUATE: &str = "evaluate-secret-0002";
const BOTH: &str = "argo-both-secret-03";
const INGEST: &str = "ingest-secret-00004";
const READ: &str = "read-secret-0000005";

/// Sends a verdict request with a token; status, `WWW-Authenticate` and JSON body.
async fn ask(s: &TestServer, method: &str, token: &str, body: Value) -> (u16, String, Value) {
    let resp = s
        .client
        .request(method.parse().unwrap(), s.url(&verdicts_path()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, challenge, resp.json().await.unwrap())
}

#[tokio::test]
async fn registering_in_a_verdict_request_needs_the_ingest_scope() {
    let auth = Auth::new(vec![
        Token::new("argo", &[Scope::Evaluate], EVALUATE),
        Token::new("argo-both", &[Scope::Evaluate, Scope::Ingest], BOTH),
        Token::new("pusher", &[Scope::Ingest], INGEST),
        Token::new("dashboard", &[Scope::Read], READ),
    ])
    .unwrap();
    let s = TestServer::start_with(Backend::Sqlite, |st| st.auth = Arc::new(auth)).await;
    let exists = |s: &TestServer| {
        let req = s
            .client
            .get(s.url(&deployment_path()))
            .bearer_auth(READ)
            .send();
        async move {
            let status = req.await.unwrap().status().as_u16();
            assert!(status == 200 || status == 404, "{status}");
            status == 200
        }
    };

    for method in ["POST", "PUT"] {
        let (status, challenge, body) =
            ask(&s, method, EVALUATE, json!({"deployment": spec()})).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "insufficient_scope", "{body}");
        assert_eq!(
            body["error"]["details"]["required_scope"], "ingest",
            "{body}"
        );
        assert_eq!(body["error"]["details"]["token"], "argo", "{body}");
        assert!(challenge.contains("scope=\"ingest\""), "{challenge}");
        assert!(!exists(&s).await, "{method}: registered without ingest");
    }
    // Without `deployment`, `evaluate` is enough (nothing stored: an unknown deployment).
    let (status, _, body) = ask(&s, "POST", EVALUATE, json!({})).await;
    assert_eq!(
        (status, &body["verdict"]),
        (200, &json!("inconclusive")),
        "{body}"
    );
    // `ingest` alone is refused by the route, which needs `evaluate`.
    let (status, _, body) = ask(&s, "POST", INGEST, json!({"deployment": spec()})).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["error"]["details"]["required_scope"], "evaluate",
        "{body}"
    );
    assert!(!exists(&s).await);
    // Both scopes: registered and judged.
    let (status, _, body) = ask(&s, "POST", BOTH, json!({"deployment": spec()})).await;
    assert_eq!(status, 200, "{body}");
    assert!(exists(&s).await);
}
