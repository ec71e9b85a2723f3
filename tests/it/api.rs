//! The v1 HTTP API over real HTTP, on both stores: every endpoint and its error paths.

use serde_json::{Value, json};

use crate::support::{Backend, TestServer, assert_error, minute, minute_points, on_both_backends};

/// Error rates that trip the seed's sustained-error rule, latency that stays calm.
fn failing_batch() -> Value {
    let mut points = minute_points("error_rate", "canary", &[0.4, 0.7, 5.9, 6.2, 6.2]);
    points.extend(minute_points(
        "latency_p99",
        "canary",
        &[200.0, 210.0, 190.0, 205.0, 195.0, 200.0, 201.0, 199.0],
    ));
    points.extend(minute_points("conversion_rate", "canary", &[0.031]));
    points.extend(minute_points(
        "conversion_rate",
        "baseline",
        &[0.030, 0.032],
    ));
    json!({ "points": points })
}

async fn ingest_then_verdict_rolls_back_and_is_recorded(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, body) = s
        .post("/v1/deployments/checkout.prod.1/points", failing_batch())
        .await;
    assert_eq!((status, &body), (200, &json!({"accepted": 16})));

    let (status, v) = s
        .post("/v1/deployments/checkout.prod.1/verdicts", json!({}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["verdict"], "rollback");
    assert_eq!(
        v["policy"], "compare",
        "deployments default to the compare policy"
    );
    assert_eq!(
        v["rules"][0]["message"],
        "no baseline cohort: against the fixed threshold; mean error rate of last 3 points \
         6.10% > 5.00%; 3 of last 3 points above (needs 3)"
    );
    // Conversion has a baseline cohort: compared minute by minute (no counts here).
    assert_eq!(v["rules"][2]["method"], "values_vs_baseline");
    // guarded averages the last 3 conversion points; there is one.
    assert_eq!(v["rules"][2]["status"], "insufficient_data");
    assert_eq!(
        (
            v["points"].as_i64(),
            v["first_ts"].as_str(),
            v["last_ts"].as_str()
        ),
        (Some(16), Some(minute(0).as_str()), Some(minute(7).as_str()))
    );

    let (status, history) = s.get("/v1/deployments/checkout.prod.1/verdicts").await;
    assert_eq!(status, 200);
    assert_eq!(history["verdicts"].as_array().unwrap().len(), 1);
    assert_eq!(history["verdicts"][0]["id"], v["id"]);
    assert_eq!(history["verdicts"][0]["rules"], v["rules"]);

    let (_, d) = s.get("/v1/deployments/checkout.prod.1").await;
    assert_eq!(
        (d["points"].as_i64(), d["latest_verdict"].as_str()),
        (Some(16), Some("rollback"))
    );
}

async fn verdict_endpoint_accepts_an_empty_body(backend: Backend) {
    // Rollout controllers may POST with no body and no content type.
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/d1/points", failing_batch()).await;
    let resp = s
        .client
        .post(s.url("/v1/deployments/d1/verdicts"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["verdict"], "rollback");
}

async fn same_batch_twice_stores_the_same_and_decides_the_same(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/idem/points", failing_batch()).await;
    let (_, first) = s.post("/v1/deployments/idem/verdicts", json!({})).await;
    let (status, body) = s.post("/v1/deployments/idem/points", failing_batch()).await;
    assert_eq!((status, body["accepted"].as_i64()), (200, Some(16)));
    let (_, d) = s.get("/v1/deployments/idem").await;
    assert_eq!(d["points"], 16);
    let (_, second) = s.post("/v1/deployments/idem/verdicts", json!({})).await;
    assert_eq!(first["rules"], second["rules"]);
    assert_ne!(first["id"], second["id"]);
}

async fn one_bad_point_rejects_the_whole_batch(backend: Backend) {
    let s = TestServer::start(backend).await;
    let mut points = minute_points("error_rate", "canary", &[1.0, 2.0, 3.0, 4.0, 5.0]);
    points.push(json!({"metric": "error_rate", "ts": minute(9), "value": 140.0}));
    let resp = s
        .post("/v1/deployments/atomic/points", json!({"points": points}))
        .await;
    assert_error(
        &resp,
        400,
        "invalid_point",
        "points[5]: error rate 140 is above 100",
    );
    assert_eq!(resp.1["error"]["details"]["index"], 5);
    // Nothing stored: not even the deployment.
    assert_error(
        &s.get("/v1/deployments/atomic").await,
        404,
        "not_found",
        "atomic",
    );

    for (point, code, fragment) in [
        (
            json!({"metric": "latency_p99", "ts": minute(0), "value": -1.0}),
            "invalid_point",
            "points[1]: value -1 is negative",
        ),
        (
            json!({"metric": "conversion_rate", "ts": minute(0), "value": 1.5}),
            "invalid_point",
            "points[1]: conversion rate 1.5 is above 1",
        ),
        (
            json!({"metric": "Error-Rate", "ts": minute(0), "value": 1.0}),
            "invalid_point",
            "points[1]: metric name 'Error-Rate'",
        ),
        (
            json!({"metric": "error_rate", "ts": "yesterday", "value": 1.0}),
            "invalid_body",
            "points[1].ts",
        ),
        (
            json!({"metric": "error_rate", "ts": minute(0), "value": "1"}),
            "invalid_body",
            "points[1].value: invalid type",
        ),
        (
            json!({"metric": "error_rate", "ts": minute(0), "value": 1.0, "cohort": "control"}),
            "invalid_body",
            "points[1].cohort: unknown variant `control`",
        ),
        (
            json!({"metric": "error_rate", "ts": minute(0), "value": 1.0, "unit": "%"}),
            "invalid_body",
            "unknown field `unit`",
        ),
        (
            json!({"metric": "error_rate", "ts": minute(0)}),
            "invalid_body",
            "missing field `value`",
        ),
    ] {
        let batch =
            json!({"points": [{"metric": "error_rate", "ts": minute(0), "value": 1.0}, point]});
        let resp = s.post("/v1/deployments/atomic/points", batch).await;
        assert_error(&resp, 400, code, fragment);
    }
    assert_error(
        &s.get("/v1/deployments/atomic").await,
        404,
        "not_found",
        "atomic",
    );
}

async fn a_ten_thousand_point_batch_is_stored_whole(backend: Backend) {
    let s = TestServer::start(backend).await;
    let values: Vec<f64> = (0..10_000).map(|i| 200.0 + (i % 17) as f64).collect();
    let batch = json!({"points": minute_points("latency_p99", "canary", &values)});
    let (status, body) = s.post("/v1/deployments/big/points", batch).await;
    assert_eq!(
        (status, body["accepted"].as_i64()),
        (200, Some(10_000)),
        "{body}"
    );
    let (_, d) = s.get("/v1/deployments/big").await;
    assert_eq!(d["points"], 10_000);
}

async fn batch_over_the_limit_is_413(backend: Backend) {
    let s = TestServer::start_with(backend, |st| st.limits.max_batch_points = 10).await;
    let batch = json!({"points": minute_points("error_rate", "canary", &[1.0; 11])});
    assert_error(
        &s.post("/v1/deployments/lim/points", batch).await,
        413,
        "batch_too_large",
        "11 points",
    );
    let s = TestServer::start_with(backend, |st| st.limits.max_body_bytes = 1000).await;
    let batch = json!({"points": minute_points("error_rate", "canary", &[1.0; 40])});
    assert_error(
        &s.post("/v1/deployments/lim/points", batch).await,
        413,
        "payload_too_large",
        "limit",
    );
}

async fn deployments_are_created_updated_and_listed(backend: Backend) {
    let s = TestServer::start(backend).await;
    let spec = json!({"service": "checkout", "environment": "production", "version": "v2.3.1",
                      "started_at": "2026-11-24T09:58:00Z", "labels": {"team": "payments"},
                      "policy": "seed", "outcome": null});
    let (status, d) = s
        .put("/v1/deployments/checkout.production.v2-3-1", spec.clone())
        .await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["labels"]["team"], "payments");
    assert_eq!(d["started_at"], "2026-11-24T09:58:00Z");
    let (status, d) = s
        .put(
            "/v1/deployments/checkout.production.v2-3-1",
            json!({"service": "checkout", "outcome": "promoted"}),
        )
        .await;
    assert_eq!(
        (status, d["outcome"].as_str(), d["environment"].as_str()),
        (200, Some("promoted"), None),
        "PUT replaces"
    );

    for i in 0..5 {
        let env = if i % 2 == 0 { "staging" } else { "production" };
        s.put(
            &format!("/v1/deployments/search.{i}"),
            json!({"service": "search", "environment": env}),
        )
        .await;
    }
    let (_, page) = s.get("/v1/deployments?service=search&limit=2").await;
    let keys = |p: &Value| {
        p["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["key"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&page), ["search.4", "search.3"]);
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let (_, page2) = s
        .get(&format!(
            "/v1/deployments?service=search&limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(keys(&page2), ["search.2", "search.1"]);
    let (_, staging) = s.get("/v1/deployments?environment=staging").await;
    assert_eq!(keys(&staging), ["search.4", "search.2", "search.0"]);
    assert!(staging["next_cursor"].is_null());
}

async fn deployments_filter_by_latest_verdict(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/bad.1/points", failing_batch())
        .await;
    s.post("/v1/deployments/bad.1/verdicts", json!({})).await;
    s.post(
        "/v1/deployments/calm.2/points",
        json!({"points": minute_points("error_rate", "canary", &[0.1, 0.2, 0.3])}),
    )
    .await;
    s.post("/v1/deployments/calm.2/verdicts", json!({})).await;
    s.put("/v1/deployments/new.3", json!({"service": "x"}))
        .await;
    let keys = |p: &Value| {
        p["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["key"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (status, page) = s.get("/v1/deployments?verdict=rollback").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(keys(&page), ["bad.1"]);
    assert_eq!(page["deployments"][0]["latest_verdict"], "rollback");
    assert_eq!(page["deployments"][0]["latest_verdict_policy"], "compare");
    // calm.2 sends only error rates: the other rules are not applicable, and it passes.
    let (_, page) = s.get("/v1/deployments?verdict=inconclusive").await;
    assert_eq!(keys(&page), Vec::<String>::new());
    let (_, page) = s.get("/v1/deployments?verdict=pass").await;
    assert_eq!(keys(&page), ["calm.2"]);
    let (_, all) = s.get("/v1/deployments").await;
    assert_eq!(keys(&all), ["new.3", "calm.2", "bad.1"]);
    assert!(all["deployments"][0]["latest_verdict_policy"].is_null());
    assert_error(
        &s.get("/v1/deployments?verdict=maybe").await,
        400,
        "invalid_query",
        "maybe",
    );
}

async fn points_read_back_as_series(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.post("/v1/deployments/chart.1/points", failing_batch())
        .await;
    let (status, body) = s.get("/v1/deployments/chart.1/points").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deployment"], "chart.1");
    let shape: Vec<(String, String, usize, bool)> = body["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["metric"].as_str().unwrap().to_string(),
                s["cohort"].as_str().unwrap().to_string(),
                s["points"].as_array().unwrap().len(),
                s["truncated"].as_bool().unwrap(),
            )
        })
        .collect();
    let expect = |m: &str, c: &str, n, t| (m.to_string(), c.to_string(), n, t);
    assert_eq!(
        shape,
        [
            expect("conversion_rate", "canary", 1, false),
            expect("conversion_rate", "baseline", 2, false),
            expect("error_rate", "canary", 5, false),
            expect("latency_p99", "canary", 8, false),
        ]
    );
    assert_eq!(
        body["series"][2]["points"][4],
        json!({"ts": minute(4), "value": 6.2})
    );

    let (_, one) = s
        .get("/v1/deployments/chart.1/points?metric=conversion_rate&cohort=baseline")
        .await;
    assert_eq!(
        one["series"],
        json!([{"metric": "conversion_rate", "cohort": "baseline", "truncated": false,
                "points": [{"ts": minute(0), "value": 0.030}, {"ts": minute(1), "value": 0.032}]}])
    );
    let (_, cut) = s
        .get("/v1/deployments/chart.1/points?metric=error_rate&limit=2")
        .await;
    assert_eq!(
        cut["series"],
        json!([{"metric": "error_rate", "cohort": "canary", "truncated": true,
                "points": [{"ts": minute(3), "value": 6.2}, {"ts": minute(4), "value": 6.2}]}])
    );
    let (status, none) = s.get("/v1/deployments/chart.1/points?metric=rps").await;
    assert_eq!((status, none["series"].clone()), (200, json!([])));

    assert_error(
        &s.get("/v1/deployments/nothing.here/points").await,
        404,
        "not_found",
        "nothing.here",
    );
    assert_error(
        &s.get("/v1/deployments/chart.1/points?metric=Bad-Name")
            .await,
        400,
        "invalid_query",
        "Bad-Name",
    );
    assert_error(
        &s.get("/v1/deployments/chart.1/points?limit=0").await,
        400,
        "invalid_query",
        "limit 0",
    );
    assert_error(
        &s.get("/v1/deployments/chart.1/points?cohort=everyone")
            .await,
        400,
        "invalid_query",
        "everyone",
    );
}

async fn dashboard_pages_and_assets_are_served(backend: Backend) {
    let s = TestServer::start(backend).await;
    for path in [
        "/",
        "/deployments/checkout.prod.1",
        "/replays",
        "/replays/7",
    ] {
        let resp = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let headers = resp.headers().clone();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
        let html = resp.text().await.unwrap();
        assert!(html.contains("/assets/app.js") && html.contains("/docs/"));
    }
    for (path, kind) in [
        ("/assets/app.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
        ("/assets/uPlot.iife.min.js", "text/javascript"),
        ("/assets/uPlot.min.css", "text/css"),
        ("/assets/favicon.svg", "image/svg+xml"),
    ] {
        let resp = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        let etag = resp.headers()["etag"].clone();
        let again = s
            .client
            .get(s.url(path))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path} revalidates");
    }
    assert_error(&s.get("/assets/nope.js").await, 404, "not_found", "nope.js");
}

async fn bad_requests_get_json_errors_and_never_5xx(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_error(
        &s.get("/v1/deployments/bad%20key").await,
        400,
        "invalid_key",
        "must match",
    );
    assert_error(
        &s.get(&format!("/v1/deployments/{}", "k".repeat(201))).await,
        400,
        "invalid_key",
        "must match",
    );
    assert_error(
        &s.get("/v1/deployments/nope").await,
        404,
        "not_found",
        "nope",
    );
    assert_error(
        &s.get("/v1/deployments?limit=0").await,
        400,
        "invalid_query",
        "limit 0",
    );
    assert_error(
        &s.get("/v1/deployments?limit=ten").await,
        400,
        "invalid_query",
        "limit",
    );
    assert_error(
        &s.get("/v1/deployments?cursor=abc").await,
        400,
        "invalid_query",
        "cursor",
    );
    assert_error(
        &s.get("/v1/deployments?sort=asc").await,
        400,
        "invalid_query",
        "unknown field",
    );
    assert_error(
        &s.get("/v1/nothing-here").await,
        404,
        "route_not_found",
        "no such route",
    );
    assert_error(
        &s.call("PATCH", "/v1/deployments/x", None).await,
        405,
        "method_not_allowed",
        "method",
    );
    assert_error(
        &s.put("/v1/deployments/x", json!({"service": 3})).await,
        400,
        "invalid_body",
        "service: invalid type",
    );
    assert_error(
        &s.put("/v1/deployments/x", json!({"servce": "a"})).await,
        400,
        "invalid_body",
        "unknown field `servce`",
    );
    assert_error(
        &s.put("/v1/deployments/x", json!({"outcome": "shipped"}))
            .await,
        400,
        "invalid_body",
        "unknown variant `shipped`",
    );
    assert_error(
        &s.put("/v1/deployments/x", json!({"policy": "Bad Name"}))
            .await,
        400,
        "invalid_body",
        "policy name",
    );

    let raw = |body: &'static str, content_type: &'static str| {
        s.client
            .post(s.url("/v1/deployments/x/points"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let resp = raw("{\"points\": [", "application/json").await.unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_json");
    let resp = raw("{\"points\": []}", "text/plain").await.unwrap();
    assert_eq!(resp.status(), 415);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    let resp = raw("[1, 2]", "application/json").await.unwrap();
    assert_eq!(resp.status(), 400);
    // A verdict's body is optional, but one given must be sent as JSON (a cross-site page can
    // post text/plain): without a content type it is refused unread.
    let resp = s
        .client
        .post(s.url("/v1/deployments/x/verdicts"))
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    let resp = s
        .client
        .post(s.url("/v1/deployments/x/verdicts"))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

async fn stateless_evaluate_matches_the_cli_document(backend: Backend) {
    let s = TestServer::start(backend).await;
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(crate::support::root().join("examples/regression.json")).unwrap(),
    )
    .unwrap();
    let (status, v) = s.post("/v1/evaluate", doc).await;
    assert_eq!(
        (status, v["verdict"].as_str()),
        (200, Some("rollback")),
        "{v}"
    );
    assert_eq!(v["rules"].as_array().unwrap().len(), 3);

    let (status, v) = s
        .post("/v1/evaluate", json!({"metrics": {"error_rate": [1, 1]}}))
        .await;
    assert_eq!((status, v["verdict"].as_str()), (200, Some("inconclusive")));

    let resp = s
        .post(
            "/v1/evaluate",
            json!({"metrics": {"error_rate": [1, 1, -1]}}),
        )
        .await;
    assert_error(
        &resp,
        400,
        "invalid_input",
        "metrics.error_rate[2]: value -1 is negative",
    );
    assert_error(
        &s.post("/v1/evaluate", json!({"policy": "nope"})).await,
        400,
        "unknown_policy",
        "nope",
    );
    assert_error(
        &s.post(
            "/v1/evaluate",
            json!({"policy": {"rules": {"latency": {"sigmas": -2}}}}),
        )
        .await,
        400,
        "invalid_policy",
        "sigmas",
    );
    assert_error(
        &s.post("/v1/evaluate", json!({"metric": {}})).await,
        400,
        "invalid_body",
        "unknown field `metric`",
    );

    let inline = json!({"policy": {"rules": {"error_rate": {"threshold": 0.5}}}, "metrics": {"error_rate": [1, 1, 1]}});
    let (_, v) = s.post("/v1/evaluate", inline).await;
    assert_eq!(
        (v["policy"].as_str(), v["verdict"].as_str()),
        (Some("inline"), Some("rollback"))
    );
}

async fn verdict_as_of_a_time_reads_only_earlier_points(backend: Backend) {
    let s = TestServer::start(backend).await;
    // Calm for three minutes, then a sustained burst.
    let batch =
        json!({"points": minute_points("error_rate", "canary", &[1.0, 1.0, 1.0, 9.0, 9.0, 9.0])});
    s.post("/v1/deployments/asof/points", batch).await;
    let body = json!({"at": minute(2), "policy": {"rules": {"latency": {"enabled": false}, "conversion": {"enabled": false}}}});
    let (_, early) = s.post("/v1/deployments/asof/verdicts", body).await;
    assert_eq!(
        (
            early["verdict"].as_str(),
            early["as_of"].as_str(),
            early["points"].as_i64()
        ),
        (Some("pass"), Some(minute(2).as_str()), Some(3)),
        "{early}"
    );
    let (_, late) = s.post("/v1/deployments/asof/verdicts", json!({"policy": {"rules": {"latency": {"enabled": false}, "conversion": {"enabled": false}}}})).await;
    assert_eq!(late["verdict"], "rollback");
}

async fn unknown_deployment_is_inconclusive_not_an_error(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, v) = s
        .post("/v1/deployments/never.seen/verdicts", json!({}))
        .await;
    assert_eq!(
        (status, v["verdict"].as_str(), v["id"].is_null()),
        (200, Some("inconclusive"), true),
        "{v}"
    );
    // Nothing recorded, nothing created.
    assert_error(
        &s.get("/v1/deployments/never.seen").await,
        404,
        "not_found",
        "never.seen",
    );
    assert_error(
        &s.get("/v1/deployments/never.seen/verdicts").await,
        404,
        "not_found",
        "never.seen",
    );
}

async fn policy_comes_from_request_then_deployment_then_environment(backend: Backend) {
    let s = TestServer::start(backend).await;
    // Error rate 1%: passes the seed (5%), fails "strict" (0.5%).
    let (status, p) = s
        .put(
            "/v1/policies/strict",
            json!({"rules": {"error_rate": {"threshold": 0.5}}}),
        )
        .await;
    assert_eq!((status, p["version"].as_i64()), (201, Some(1)), "{p}");
    let (status, p) = s
        .put(
            "/v1/policies/strict",
            json!({"rules": {"error_rate": {"threshold": 0.8}}}),
        )
        .await;
    assert_eq!((status, p["version"].as_i64()), (200, Some(2)));
    let calm = json!({"points": minute_points("error_rate", "canary", &[1.0, 1.0, 1.0])});
    for k in ["a", "b", "c"] {
        s.post(&format!("/v1/deployments/{k}/points"), calm.clone())
            .await;
    }
    s.put("/v1/deployments/a", json!({"environment": "production"}))
        .await;
    s.put(
        "/v1/deployments/b",
        json!({"environment": "production", "policy": "seed"}),
    )
    .await;
    s.put("/v1/deployments/c", json!({"environment": "dev"}))
        .await;
    let (status, e) = s
        .put("/v1/environments/production", json!({"policy": "strict"}))
        .await;
    assert_eq!((status, e["policy"].as_str()), (200, Some("strict")));

    let s = &s;
    let verdict = |k: &'static str, body: Value| async move {
        s.post(&format!("/v1/deployments/{k}/verdicts"), body)
            .await
            .1
    };
    let a = verdict("a", json!({})).await;
    assert_eq!(
        (
            a["policy"].as_str(),
            a["policy_version"].as_i64(),
            a["rules"][0]["status"].as_str()
        ),
        (Some("strict"), Some(2), Some("triggered")),
        "environment default"
    );
    let b = verdict("b", json!({})).await;
    assert_eq!(
        (b["policy"].as_str(), b["rules"][0]["status"].as_str()),
        (Some("seed"), Some("passed")),
        "deployment's own policy wins"
    );
    let c = verdict("c", json!({})).await;
    assert_eq!(c["policy"], "compare", "no environment default: compare");
    let a2 = verdict("a", json!({"policy": "seed"})).await;
    assert_eq!(a2["policy"], "seed", "the request wins");
    let (_, envs) = s.get("/v1/environments").await;
    assert_eq!(envs["environments"][0]["environment"], "production");
    let (_, e) = s.get("/v1/environments/production").await;
    assert_eq!(e["policy"], "strict");
    assert_error(&s.get("/v1/environments/qa").await, 404, "not_found", "qa");
    assert_error(
        &s.put("/v1/environments/qa", json!({"policy": "missing"}))
            .await,
        400,
        "unknown_policy",
        "missing",
    );
    assert_error(
        &s.post("/v1/deployments/a/verdicts", json!({"policy": "missing"}))
            .await,
        400,
        "unknown_policy",
        "missing",
    );
}

async fn policies_endpoints(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, seed) = s.get("/v1/policies/seed").await;
    assert_eq!(
        (status, seed["builtin"].as_bool(), seed["version"].as_i64()),
        (200, Some(true), Some(0))
    );
    assert_eq!(seed["policy"]["rules"]["latency"]["sigmas"], 2.0);
    assert_error(
        &s.put("/v1/policies/seed", json!({})).await,
        409,
        "policy_read_only",
        "built-in",
    );
    assert_error(
        &s.put(
            "/v1/policies/x",
            json!({"rules": {"latency": {"sigma": 3}}}),
        )
        .await,
        400,
        "invalid_policy",
        "unknown field `sigma`",
    );
    assert_error(
        &s.put(
            "/v1/policies/x",
            json!({"rules": {"error_rate": {"window": 0}}}),
        )
        .await,
        400,
        "invalid_policy",
        "window",
    );
    assert_error(
        &s.put("/v1/policies/Bad", json!({})).await,
        400,
        "invalid_name",
        "policy name",
    );
    assert_error(&s.get("/v1/policies/x").await, 404, "not_found", "x");
    s.put(
        "/v1/policies/lenient",
        json!({"rules": {"latency": {"sigmas": 4}}}),
    )
    .await;
    let (_, list) = s.get("/v1/policies").await;
    let names: Vec<&str> = list["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["seed", "guarded", "compare", "lenient"]);
    let (_, lenient) = s.get("/v1/policies/lenient").await;
    assert_eq!(lenient["policy"]["rules"]["latency"]["sigmas"], 4.0);
    assert_eq!(
        lenient["policy"]["rules"]["error_rate"]["threshold"], 5.0,
        "unset fields take the seed's"
    );
}

async fn health_and_readiness(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(s.get("/healthz").await, (200, json!({"status": "ok"})));
    let (status, ready) = s.get("/readyz").await;
    assert_eq!(status, 200);
    assert_eq!(
        ready["store"],
        if backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
}

on_both_backends!(
    ingest_then_verdict_rolls_back_and_is_recorded,
    verdict_endpoint_accepts_an_empty_body,
    same_batch_twice_stores_the_same_and_decides_the_same,
    one_bad_point_rejects_the_whole_batch,
    a_ten_thousand_point_batch_is_stored_whole,
    batch_over_the_limit_is_413,
    deployments_are_created_updated_and_listed,
    deployments_filter_by_latest_verdict,
    points_read_back_as_series,
    dashboard_pages_and_assets_are_served,
    bad_requests_get_json_errors_and_never_5xx,
    stateless_evaluate_matches_the_cli_document,
    verdict_as_of_a_time_reads_only_earlier_points,
    unknown_deployment_is_inconclusive_not_an_error,
    policy_comes_from_request_then_deployment_then_environment,
    policies_endpoints,
    health_and_readiness,
);

#[tokio::test]
async fn openapi_served_and_committed_match_the_code() {
    let generated = rollguard::api::openapi().to_pretty_json().unwrap();
    let committed = std::fs::read_to_string(crate::support::root().join("openapi/openapi.json"))
        .unwrap_or_default();
    assert!(
        committed.trim_end() == generated.trim_end(),
        "openapi/openapi.json is stale: run `cargo run -q -- openapi > openapi/openapi.json`"
    );
    let s = TestServer::start(Backend::Sqlite).await;
    let (status, served) = s.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(served, serde_json::from_str::<Value>(&generated).unwrap());
    for path in [
        "/v1/deployments/{key}/points",
        "/v1/deployments/{key}/verdicts",
        "/v1/evaluate",
        "/v1/policies/{name}",
        "/readyz",
        "/openapi.json",
    ] {
        assert!(
            served["paths"][path].is_object(),
            "{path} missing from the document"
        );
    }
}
