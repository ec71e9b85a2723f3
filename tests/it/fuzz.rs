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
    json_array_bodies_are_400,
    whole_floats_are_integers,
    flagger_names_must_be_kubernetes_names,
    field_lengths_count_characters,
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

/// serde reads a struct from an array of its fields in order, so `[null, null]` was a valid
/// verdict request; the document says a body is an object.
async fn json_array_bodies_are_400(backend: Backend) {
    let s = TestServer::start(backend).await;
    for path in [
        "/v1/deployments/d1/verdicts",
        "/v1/evaluate",
        "/v1/replays",
        "/v1/deployments/d1/points",
    ] {
        assert_error(
            &s.post(path, json!([null, null])).await,
            400,
            "invalid_body",
            "must be a JSON object",
        );
    }
}

/// JSON Schema counts `20.0` as the integer 20, so generated clients may send it: fields the
/// document calls integers take whole floats, and refuse fractions.
async fn whole_floats_are_integers(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, v) = s
        .post(
            "/v1/deployments/d1/verdicts",
            json!({"policy": "seed", "canary_weight": 20.0, "max_weight": 50.0}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["recommendation"]["current_weight"], 20, "{v}");
    assert_error(
        &s.post(
            "/v1/deployments/d1/verdicts",
            json!({"canary_weight": 20.5}),
        )
        .await,
        400,
        "invalid_body",
        "canary_weight",
    );
    let (status, p) = s
        .put(
            "/v1/policies/wide",
            json!({"rules": {"error_rate": {"window": 4.0, "threshold": 2}}}),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(p["policy"]["rules"]["error_rate"]["window"], 4, "{p}");
    assert_eq!(p["policy"]["rules"]["error_rate"]["threshold"], 2.0, "{p}");
    // Beyond what the document's int64 allows.
    assert_error(
        &s.post(
            "/v1/replays",
            json!({"deployments": [], "interval_seconds": 9_223_372_036_854_775_808_u64}),
        )
        .await,
        400,
        "invalid_body",
        "interval_seconds",
    );
}

/// A Flagger payload's name and namespace are Kubernetes names (the document's patterns), also
/// when `metadata.deployment` gives the key.
async fn flagger_names_must_be_kubernetes_names(backend: Backend) {
    let s = TestServer::start(backend).await;
    for (name, namespace) in [("podinfo", "×ø"), ("PodInfo", "test"), ("-a", "test")] {
        let payload = json!({"name": name, "namespace": namespace,
                             "metadata": {"deployment": "test.podinfo"}});
        assert_error(
            &s.post("/v1/hooks/flagger/gate", payload).await,
            400,
            "invalid_key",
            "Kubernetes name",
        );
    }
    // Weights are digits (spaces around allowed), as the document's pattern says.
    for bad in ["+5", "5.0", "ten", ""] {
        let payload = json!({"name": "podinfo", "namespace": "test",
                             "metadata": {"canary_weight": bad}});
        assert_error(
            &s.post("/v1/hooks/flagger/gate", payload).await,
            400,
            "invalid_body",
            "not a whole number",
        );
    }
}

/// Lengths of descriptive fields count characters, as JSON Schema's `maxLength` does.
async fn field_lengths_count_characters(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, d) = s
        .put("/v1/deployments/wide", json!({"service": "é".repeat(256)}))
        .await;
    assert_eq!(status, 201, "{d}");
    assert_error(
        &s.put("/v1/deployments/wide", json!({"service": "é".repeat(257)}))
            .await,
        400,
        "invalid_body",
        "at most 256 characters",
    );
}

/// What a derive cannot say, the document says after refinement: a replay takes exactly one
/// source and at most one polling rule, a policy body may be partial, a policy name follows its
/// rule, and free text has no control characters.
#[test]
fn the_document_states_what_the_derives_cannot() {
    let doc = rollguard::api::openapi();
    let schemas = &doc.as_value()["components"]["schemas"];
    let replay = &schemas["ReplayRequest"];
    for keyword in ["if", "then", "else", "not"] {
        assert!(replay.get(keyword).is_some(), "{keyword}: {replay}");
    }
    let partial = &schemas["PartialPolicy"];
    assert!(partial.get("required").is_none(), "{partial}");
    assert!(
        partial["properties"]["rules"]["properties"]["error_rate"]
            .get("required")
            .is_none()
    );
    assert_eq!(
        schemas["PolicySpec"]["oneOf"][0]["pattern"],
        "^[a-z0-9][a-z0-9._-]{0,63}$"
    );
    assert_eq!(
        schemas["DeploymentSpec"]["properties"]["service"]["pattern"],
        rollguard::api::document::NO_CONTROL_CHARACTERS
    );
    let body = &doc.as_value()["paths"]["/v1/policies/{name}"]["put"]["requestBody"];
    assert_eq!(
        body["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/PartialPolicy"
    );
}
