//! The hardening issue's smaller findings, over real HTTP: cross-site bodies, DNS rebinding,
//! duplicate JSON keys, bidirectional formatting characters, `/docs/` headers, and latency
//! statistics that overflow.

use reqwest::header::{CONTENT_TYPE, HOST};
use serde_json::{Value, json};

use crate::support::{Backend, TestServer, assert_error, minute_points, on_both_backends};

/// Sends `body` as is, with `content_type` when given; the status and the JSON answer.
async fn raw(
    s: &TestServer,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = s.client.request(method, s.url(path)).body(body.to_string());
    if let Some(ct) = content_type {
        req = req.header(CONTENT_TYPE, ct);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, json)
}

async fn json_raw(s: &TestServer, method: &str, path: &str, body: &str) -> (u16, Value) {
    raw(s, method, path, Some("application/json"), body).await
}

/// Error rates that trip the seed policy: a verdict of rollback unless a policy disables it.
async fn failing_deployment(s: &TestServer, key: &str) {
    let points = minute_points("error_rate", "canary", &[6.0, 7.0, 8.0, 9.0]);
    let (status, body) = s
        .post(
            &format!("/v1/deployments/{key}/points"),
            json!({ "points": points }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// A web page can post `text/plain` cross-site without a preflight: the verdict endpoint, whose
/// body is optional, must not read such a body as JSON.
async fn a_verdict_body_must_be_sent_as_json(backend: Backend) {
    let s = TestServer::start(backend).await;
    failing_deployment(&s, "shop.prod.1").await;
    let path = "/v1/deployments/shop.prod.1/verdicts";
    let disable_all = r#"{"policy": {"rules": {"error_rate": {"enabled": false},
        "latency": {"enabled": false}, "conversion": {"enabled": false}}}}"#;
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let resp = raw(&s, "POST", path, ct, disable_all).await;
        assert_error(&resp, 415, "unsupported_media_type", "application/json");
    }
    let (_, history) = s.get(path).await;
    assert_eq!(history["verdicts"], json!([]), "nothing was recorded");

    // Controllers call without a body (and without a content type), or with JSON.
    let (status, v) = raw(&s, "POST", path, None, "").await;
    assert_eq!(
        (status, v["verdict"].as_str()),
        (200, Some("rollback")),
        "{v}"
    );
    let (status, v) = raw(&s, "POST", path, Some("application/merge-patch+json"), "{}").await;
    assert_eq!(
        (status, v["verdict"].as_str()),
        (200, Some("rollback")),
        "{v}"
    );
}

/// A server without tokens answers only the hosts it knows: a rebinding page's requests name
/// the page's host.
async fn an_open_server_answers_only_its_hosts(backend: Backend) {
    let s = TestServer::start(backend).await;
    let port = s.base.rsplit(':').next().unwrap().to_string();
    let get = |host: String, path: &'static str| {
        let req = s.client.get(s.url(path)).header(HOST, host);
        async move {
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        let resp = get(format!("{host}:{port}"), "/v1/deployments").await;
        assert_error(&resp, 421, "misdirected_request", "--allowed-hosts");
    }
    let (status, _) = get(format!("rebind.example:{port}"), "/").await;
    assert_eq!(status, 421, "the dashboard too");
    for host in ["localhost", "127.0.0.1", "[::1]", "LocalHost"] {
        let (status, body) = get(format!("{host}:{port}"), "/v1/deployments").await;
        assert_eq!(status, 200, "{host}: {body}");
    }
    // Probes name the pod's address.
    let (status, _) = get(format!("10.1.2.3:{port}"), "/healthz").await;
    assert_eq!(status, 200);
}

/// With tokens configured a rebinding page has no token: the host is not checked.
async fn a_server_with_tokens_does_not_check_the_host(backend: Backend) {
    let tokens = rollguard::auth::Auth::parse_entries("ui:read:0123456789abcdef", "test").unwrap();
    let s = TestServer::start_with(backend, |state| {
        state.auth = std::sync::Arc::new(rollguard::auth::Auth::new(tokens).unwrap());
    })
    .await;
    let resp = s
        .client
        .get(s.url("/v1/deployments"))
        .header(HOST, "rollguard.example.com")
        .bearer_auth("0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

/// serde keeps the last of two equal keys in a map: `{"error_rate": [9, 9, 9], "error_rate":
/// [0, 0, 0]}` would be judged on the zeros.
async fn duplicate_keys_are_refused_with_their_path(backend: Backend) {
    let s = TestServer::start(backend).await;
    let cases = [
        (
            "POST",
            "/v1/evaluate",
            r#"{"metrics": {"error_rate": [9, 9, 9], "error_rate": [0, 0, 0]}}"#,
            "metrics",
            "error_rate",
        ),
        (
            "POST",
            "/v1/evaluate",
            r#"{"cohorts": {"baseline": {"conversion_rate": [0.1], "conversion_rate": [0.2]}}}"#,
            "cohorts.baseline",
            "conversion_rate",
        ),
        (
            "POST",
            "/v1/evaluate",
            r#"{"policy": {"rules": {"error_rate": {"threshold": 1, "threshold": 99}}}}"#,
            "policy.rules.error_rate",
            "threshold",
        ),
        (
            "PUT",
            "/v1/deployments/shop.prod.1",
            r#"{"labels": {"team": "a", "team": "b"}}"#,
            "labels",
            "team",
        ),
        (
            "POST",
            "/v1/deployments/shop.prod.1/verdicts",
            r#"{"policy": {"rules": {}, "rules": {"error_rate": {"enabled": false}}}}"#,
            "policy",
            "rules",
        ),
        (
            "PUT",
            "/v1/policies/strict",
            r#"{"rules": {"latency": {"sigmas": 1, "sigmas": 9}}}"#,
            "rules.latency",
            "sigmas",
        ),
        (
            "POST",
            "/v1/hooks/flagger/gate",
            r#"{"name": "podinfo", "namespace": "test",
                "metadata": {"policy": "seed", "policy": "guarded"}}"#,
            "metadata",
            "policy",
        ),
        (
            "POST",
            "/v1/replays",
            r#"{"deployments": [{"key": "a", "metrics": {"error_rate": [1], "error_rate": [2]}}]}"#,
            "deployments[0].metrics",
            "error_rate",
        ),
    ];
    for (method, path, body, field, key) in cases {
        let resp = json_raw(&s, method, path, body).await;
        assert_error(
            &resp,
            400,
            "invalid_body",
            &format!("duplicate key `{key}`"),
        );
        assert_eq!(
            resp.1["error"]["details"]["field"], field,
            "{path}: {}",
            resp.1
        );
    }
    // The same bodies without the repeat are fine.
    let (status, body) = json_raw(
        &s,
        "POST",
        "/v1/evaluate",
        r#"{"metrics": {"error_rate": [9, 9, 9], "latency_p99": [1]}}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = json_raw(&s, "PUT", "/v1/policies/strict", r#"{"rules": {}}"#).await;
    assert_eq!(status, 201, "{body}");
}

/// U+202E and its kin make a display field read differently from what it holds.
async fn bidi_controls_are_refused_in_display_fields(backend: Backend) {
    let s = TestServer::start(backend).await;
    let path = "/v1/deployments/shop.prod.1";
    for c in [
        '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}',
    ] {
        let text = format!("v1.2{c}.3");
        for body in [
            json!({"version": text}),
            json!({"service": text}),
            json!({"environment": text}),
            json!({"labels": {"team": text}}),
            json!({"labels": {text.clone(): "payments"}}),
        ] {
            let resp = s.put(path, body.clone()).await;
            assert_error(&resp, 400, "invalid_body", "bidirectional");
        }
        let filter = format!("/v1/deployments?service=a{}", urlencode(c));
        assert_error(&s.get(&filter).await, 400, "invalid_query", "bidirectional");
    }
    let (status, _) = s.get(path).await;
    assert_eq!(status, 404, "nothing was stored");
    // Other right-to-left text is fine.
    let (status, body) = s
        .put(path, json!({"service": "متجر", "version": "v1"}))
        .await;
    assert_eq!(status, 201, "{body}");
}

fn urlencode(c: char) -> String {
    let mut buf = [0; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// A latency series near f64::MAX overflows the mean: the rule cannot judge, and says why.
async fn overflowing_latency_statistics_are_insufficient_data(backend: Backend) {
    let s = TestServer::start(backend).await;
    let values = [1.7e308; 12];
    let (status, body) = s
        .post(
            "/v1/deployments/big.prod.1/points",
            json!({"points": minute_points("latency_p99", "canary", &values)}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, v) = s
        .post(
            "/v1/deployments/big.prod.1/verdicts",
            json!({"policy": "seed"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let latency = &v["rules"][1];
    assert_eq!(latency["rule"], "latency");
    assert_eq!(latency["status"], "insufficient_data", "{latency}");
    assert_eq!(latency["threshold"], Value::Null, "{latency}");
    let message = latency["message"].as_str().unwrap();
    assert!(message.contains("too large"), "{message}");
    assert!(message.len() < 200, "{message}");
    assert_eq!(v["verdict"], "inconclusive");

    // The stateless evaluation says the same.
    let (status, v) = s
        .post(
            "/v1/evaluate",
            json!({"policy": "seed", "metrics": {"latency_p99": values}}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["rules"][1]["status"], "insufficient_data", "{v}");

    // `guarded` winsorizes its baseline in running order: the first spread (inf - inf) made the
    // clip bounds NaN and `f64::clamp` panicked in the handler. Its running mean of a constant
    // series stays finite, so it judges: the last point is not above its own mean.
    let many = vec![1.7e308; 40];
    let (status, v) = s
        .post(
            "/v1/evaluate",
            json!({"policy": "guarded", "metrics": {"latency_p99": many}}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["rules"][1]["status"], "passed", "{v}");
}

on_both_backends!(
    a_verdict_body_must_be_sent_as_json,
    an_open_server_answers_only_its_hosts,
    a_server_with_tokens_does_not_check_the_host,
    duplicate_keys_are_refused_with_their_path,
    bidi_controls_are_refused_in_display_fields,
    overflowing_latency_statistics_are_insufficient_data,
);

/// The API reference gets the dashboard's security headers, and its assets load under the CSP
/// (scripts and styles from this server only).
#[tokio::test]
async fn docs_pages_carry_the_security_headers() {
    let s = TestServer::start(Backend::Sqlite).await;
    let resp = s.client.get(s.url("/docs/")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let html = resp.text().await.unwrap();
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
        "swagger-ui.css",
    ] {
        assert!(html.contains(&format!("./{asset}")), "{asset} is a file");
        let r = s
            .client
            .get(s.url(&format!("/docs/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{asset}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{asset}");
    }
    assert!(
        !html.contains("<script>"),
        "no inline script for the CSP to block"
    );
    // The dashboard's pages carry them too.
    let r = s.client.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["x-frame-options"], "DENY");
}
