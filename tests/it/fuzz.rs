//! Regressions found by `scripts/fuzz-api` (schemathesis against a live server on Postgres):
//! each test pins one answer that was a 5xx, an undocumented status or a response that broke
//! its documented schema.

use serde_json::{Value, json};

use crate::support::{Backend, TestServer, assert_error, on_both_backends};

/// Text holding NUL reached Postgres, which rejects it ("invalid byte sequence for encoding
/// UTF8: 0x00"), and came back as a 500. A policy name that breaks the naming rule is now an
/// unknown policy wherever a name is looked up.
async fn policy_names_with_nul_are_unknown_policies_not_500(backend: Backend) {
    let s = TestServer::start(backend).await;
    let unknown = |resp: (u16, Value)| assert_error(&resp, 400, "unknown_policy", "unknown policy");
    unknown(s.get("/v1/deployments/d1/verdict?policy=%00").await);
    unknown(s.get("/v1/deployments/d1/verdict?policy=a%00b").await);
    unknown(
        s.post("/v1/deployments/d1/verdicts", json!({"policy": "a\u{0}"}))
            .await,
    );
    unknown(s.post("/v1/evaluate", json!({"policy": "\u{0}"})).await);
    unknown(
        s.post(
            "/v1/hooks/flagger/gate",
            json!({"name": "app", "namespace": "ns", "metadata": {"policy": "\u{0}"}}),
        )
        .await,
    );
    // Setting an environment's default checks the name first.
    assert_error(
        &s.put("/v1/environments/production", json!({"policy": "x\u{0}"}))
            .await,
        400,
        "invalid_name",
        "must match",
    );
}

/// The `service` and `environment` filters of the deployment list reached Postgres with NUL.
async fn list_filters_with_control_characters_are_400_not_500(backend: Backend) {
    let s = TestServer::start(backend).await;
    for query in [
        "service=%00",
        "environment=prod%00",
        "environment=a%0Ab",
        &format!("service={}", "s".repeat(257)),
    ] {
        assert_error(
            &s.get(&format!("/v1/deployments?{query}")).await,
            400,
            "invalid_query",
            "without control characters",
        );
    }
    let (status, page) = s
        .get("/v1/deployments?service=checkout&environment=production")
        .await;
    assert_eq!((status, &page["deployments"]), (200, &json!([])));
}

on_both_backends!(
    policy_names_with_nul_are_unknown_policies_not_500,
    list_filters_with_control_characters_are_400_not_500,
);

/// `Deployment` flattens `DeploymentSpec`, which denies unknown fields: rendered as an `allOf`,
/// its `additionalProperties: false` forbade the deployment's own fields (`key`, `points`, …),
/// so every deployment response broke its schema.
#[tokio::test]
async fn every_field_of_a_deployment_response_is_a_documented_property() {
    let s = TestServer::start(Backend::Sqlite).await;
    let (status, deployment) = s
        .put(
            "/v1/deployments/checkout.prod.1",
            json!({"service": "checkout", "labels": {"team": "payments"}}),
        )
        .await;
    assert_eq!(status, 201, "{deployment}");
    let (_, doc) = s.get("/openapi.json").await;
    let schema = &doc["components"]["schemas"]["Deployment"];
    assert_eq!(schema["type"], "object", "{schema}");
    assert!(schema.get("allOf").is_none(), "{schema}");
    assert_ne!(schema["additionalProperties"], json!(false), "{schema}");
    for field in deployment.as_object().unwrap().keys() {
        assert!(
            schema["properties"].get(field).is_some(),
            "{field} is not a documented property of Deployment"
        );
    }
    // The request side still refuses unknown fields, in the document and in the service.
    let spec = &doc["components"]["schemas"]["DeploymentSpec"];
    assert_eq!(spec["additionalProperties"], json!(false), "{spec}");
    assert_error(
        &s.put("/v1/deployments/checkout.prod.1", json!({"key": "x"}))
            .await,
        400,
        "invalid_body",
        "unknown field",
    );
}

/// Flagger hooks answered 415 to a body that is not JSON, and the document did not list it.
#[tokio::test]
async fn hooks_document_the_415_they_answer() {
    let s = TestServer::start(Backend::Sqlite).await;
    let (_, doc) = s.get("/openapi.json").await;
    for hook in ["/v1/hooks/flagger/gate", "/v1/hooks/flagger/rollback"] {
        let resp = s.client.post(s.url(hook)).body("x").send().await.unwrap();
        assert_eq!(resp.status(), 415, "{hook}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unsupported_media_type", "{hook}");
        let responses = &doc["paths"][hook]["post"]["responses"];
        for status in ["413", "415"] {
            assert_eq!(
                responses[status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{hook} {status}"
            );
        }
    }
}
