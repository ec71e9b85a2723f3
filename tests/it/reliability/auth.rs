//! API tokens: every /v1 route needs a token with its scope once tokens are configured; 401 with
//! `WWW-Authenticate: Bearer` without a valid one, 403 with the wrong scope, both JSON. Health,
//! readiness, the API document, /docs/ and the dashboard stay open. Without tokens, `serve`
//! refuses a non-loopback address unless told otherwise.

use std::sync::Arc;

use rollguard::auth::{Auth, Scope, Token};
use serde_json::{Value, json};

use super::Proc;
use crate::support::{Backend, TestServer, minute_points, test_db};

const INGEST: &str = "ingest-secret-0001";
const EVALUATE: &str = "evaluate-secret-0002";
const ADMIN: &str = "admin-secret-00003";
const READ: &str = "read-secret-000004";
const ALL: &str = "all-scopes-secret-5";

fn tokens() -> Auth {
    Auth::new(vec![
        Token::new("pusher", &[Scope::Ingest], INGEST),
        Token::new("argo", &[Scope::Evaluate], EVALUATE),
        Token::new("ops", &[Scope::Admin], ADMIN),
        Token::new("dashboard", &[Scope::Read], READ),
        Token::new("root", &Scope::ALL, ALL),
    ])
    .unwrap()
}

async fn server(auth: Auth) -> TestServer {
    TestServer::start_with(Backend::Sqlite, |st| st.auth = Arc::new(auth)).await
}

/// Sends a request with an optional Authorization header; status, headers and JSON body.
async fn send(
    s: &TestServer,
    method: &str,
    path: &str,
    body: Option<&Value>,
    authorization: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = s.client.request(method, s.url(path));
    if let Some(b) = body {
        req = req.json(b);
    }
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn routes() -> Vec<(&'static str, &'static str, Option<Value>, Scope)> {
    let points = json!({"points": minute_points("error_rate", "canary", &[6.0, 7.0, 8.0])});
    let hook =
        json!({"name": "podinfo", "namespace": "test", "metadata": {"deployment": "auth.d1"}});
    let replay = json!({
        "deployments": [{"key": "r1", "metrics": {"error_rate": [0.4, 0.7, 6.2, 6.1, 6.3]}, "outcome": "promoted"}],
        "policies": ["seed"],
    });
    vec![
        (
            "PUT",
            "/v1/deployments/auth.d1",
            Some(json!({"service": "checkout"})),
            Scope::Ingest,
        ),
        (
            "POST",
            "/v1/deployments/auth.d1/points",
            Some(points),
            Scope::Ingest,
        ),
        ("GET", "/v1/deployments", None, Scope::Read),
        ("GET", "/v1/deployments/auth.d1", None, Scope::Read),
        ("GET", "/v1/deployments/auth.d1/points", None, Scope::Read),
        (
            "POST",
            "/v1/deployments/auth.d1/verdicts",
            Some(json!({})),
            Scope::Evaluate,
        ),
        ("GET", "/v1/deployments/auth.d1/verdicts", None, Scope::Read),
        (
            "GET",
            "/v1/deployments/auth.d1/verdict",
            None,
            Scope::Evaluate,
        ),
        (
            "POST",
            "/v1/evaluate",
            Some(json!({"metrics": {"error_rate": [1.0]}})),
            Scope::Evaluate,
        ),
        (
            "POST",
            "/v1/hooks/flagger/gate",
            Some(hook.clone()),
            Scope::Evaluate,
        ),
        (
            "POST",
            "/v1/hooks/flagger/rollback",
            Some(hook),
            Scope::Evaluate,
        ),
        (
            "POST",
            "/v1/kayenta/judge",
            Some(json!({})),
            Scope::Evaluate,
        ),
        ("GET", "/v1/policies", None, Scope::Read),
        ("GET", "/v1/policies/seed", None, Scope::Read),
        (
            "PUT",
            "/v1/policies/auth-strict",
            Some(json!({"rules": {"error_rate": {"threshold": 2.0}}})),
            Scope::Admin,
        ),
        ("GET", "/v1/environments", None, Scope::Read),
        (
            "PUT",
            "/v1/environments/production",
            Some(json!({"policy": "seed"})),
            Scope::Admin,
        ),
        ("POST", "/v1/replays", Some(replay), Scope::Evaluate),
        ("GET", "/v1/replays", None, Scope::Read),
        // No such replay: past the token check, the handler answers 404.
        ("POST", "/v1/replays/999999/cancel", None, Scope::Evaluate),
        // Last: it removes auth.d1 (with every scope, the handler then answers 404).
        ("DELETE", "/v1/deployments/auth.d1", None, Scope::Admin),
        ("GET", "/metrics", None, Scope::Read),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_needs_a_token_with_its_scope() {
    let s = server(tokens()).await;
    let single = [
        (Scope::Ingest, INGEST),
        (Scope::Evaluate, EVALUATE),
        (Scope::Admin, ADMIN),
        (Scope::Read, READ),
    ];
    for (method, path, body, scope) in routes() {
        let what = format!("{method} {path}");
        let body = body.as_ref();

        let (status, headers, err) = send(&s, method, path, body, None).await;
        assert_eq!(status, 401, "{what} without a token: {err}");
        assert_eq!(err["error"]["code"], "unauthorized", "{what}: {err}");
        assert_eq!(
            err["error"]["details"]["required_scope"],
            scope.as_str(),
            "{what}"
        );
        let challenge = headers["www-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with("Bearer "), "{what}: {challenge}");

        for wrong in [
            "Bearer not-a-configured-token",
            "Basic YWRtaW46YWRtaW4=",
            "Bearer",
            "ingest-secret-0001",
        ] {
            let (status, headers, err) = send(&s, method, path, body, Some(wrong)).await;
            assert_eq!(status, 401, "{what} with {wrong:?}: {err}");
            assert_eq!(err["error"]["code"], "invalid_token", "{what}: {err}");
            let challenge = headers["www-authenticate"].to_str().unwrap();
            assert!(
                challenge.contains("error=\"invalid_token\""),
                "{what}: {challenge}"
            );
        }

        for (has, secret) in single {
            let (status, headers, err) =
                send(&s, method, path, body, Some(&format!("Bearer {secret}"))).await;
            if has == scope {
                let reached_handler = status == 404 && err["error"]["code"] == "not_found";
                assert!(
                    status < 400 || matches!(status, 412) || reached_handler,
                    "{what} with a '{has}' token: {status} {err}"
                );
            } else {
                assert_eq!(status, 403, "{what} with a '{has}' token: {err}");
                assert_eq!(err["error"]["code"], "insufficient_scope", "{what}: {err}");
                assert_eq!(err["error"]["details"]["required_scope"], scope.as_str());
                let challenge = headers["www-authenticate"].to_str().unwrap();
                assert!(
                    challenge.contains(&format!("scope=\"{scope}\"")),
                    "{what}: {challenge}"
                );
            }
        }
        // The scheme's name is case-insensitive.
        let (status, _, err) = send(&s, method, path, body, Some(&format!("bearer {ALL}"))).await;
        let reached_handler = status == 404 && err["error"]["code"] == "not_found";
        assert!(
            status < 400 || status == 412 || reached_handler,
            "{what} with every scope: {status} {err}"
        );
    }
}

#[tokio::test]
async fn unknown_v1_routes_need_a_token_too() {
    let s = server(tokens()).await;
    let (status, _, err) = send(&s, "PATCH", "/v1/deployments/x", None, None).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let bearer = format!("Bearer {READ}");
    let (status, _, err) = send(&s, "PATCH", "/v1/deployments/x", None, Some(&bearer)).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (403, Some("insufficient_scope"))
    );
    let (status, _, _) = send(&s, "GET", "/v1/no-such-thing", None, Some(&bearer)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn health_docs_and_dashboard_stay_open() {
    let s = server(tokens()).await;
    for path in [
        "/healthz",
        "/readyz",
        "/openapi.json",
        "/docs/",
        "/",
        "/deployments/checkout.prod.1",
        "/replays",
        "/assets/app.js",
        "/assets/uPlot.iife.min.js",
    ] {
        let resp = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path} is open");
    }
}

#[tokio::test]
async fn without_tokens_everything_is_open() {
    let s = TestServer::start(Backend::Sqlite).await;
    let (status, _, _) = send(&s, "PUT", "/v1/policies/open", Some(&json!({})), None).await;
    assert_eq!(status, 201);
    let (status, _, _) = send(&s, "GET", "/metrics", None, None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn open_flagger_hooks_need_no_token_but_nothing_else_opens() {
    let s = server(tokens().with_open_flagger_hooks(true)).await;
    let hook = json!({"name": "podinfo", "namespace": "test"});
    let (status, _, body) = send(&s, "POST", "/v1/hooks/flagger/gate", Some(&hook), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (412, Some("verdict_inconclusive"))
    );
    let (status, _, body) = send(&s, "POST", "/v1/hooks/flagger/rollback", Some(&hook), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (412, Some("no_rollback"))
    );
    for (method, path, body, _) in routes() {
        if path.starts_with("/v1/hooks/") {
            continue;
        }
        let (status, _, _) = send(&s, method, path, body.as_ref(), None).await;
        assert_eq!(status, 401, "{method} {path}");
    }
}

#[tokio::test]
async fn open_kayenta_judge_needs_no_token_but_nothing_else_opens() {
    let s = server(tokens().with_open_kayenta_judge(true)).await;
    let request = json!({"metricSetPairList": [{"name": "error_rate",
        "values": {"control": [0.5, 0.6, 0.4], "experiment": [0.5, 0.4, 0.6]}}]});
    let (status, _, body) = send(&s, "POST", "/v1/kayenta/judge", Some(&request), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rollguard"]["verdict"], "pass", "{body}");
    // Only POST on the one path is open.
    let (status, _, _) = send(&s, "GET", "/v1/kayenta/judge", None, None).await;
    assert_eq!(status, 401);
    let (status, _, _) = send(&s, "POST", "/v1/kayenta/judge/", Some(&request), None).await;
    assert_eq!(status, 401);
    for (method, path, body, _) in routes() {
        if path == "/v1/kayenta/judge" {
            continue;
        }
        let (status, _, _) = send(&s, method, path, body.as_ref(), None).await;
        assert_eq!(status, 401, "{method} {path}");
    }
}

#[tokio::test]
async fn the_document_declares_bearer_auth_and_each_operations_scope() {
    let s = TestServer::start(Backend::Sqlite).await;
    let (_, _, doc) = send(&s, "GET", "/openapi.json", None, None).await;
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (scheme["type"].as_str(), scheme["scheme"].as_str()),
        (Some("http"), Some("bearer")),
        "{scheme}"
    );
    let expect = [
        ("/v1/deployments/{key}/points", "post", "ingest"),
        ("/v1/deployments/{key}", "put", "ingest"),
        ("/v1/deployments/{key}", "get", "read"),
        ("/v1/deployments/{key}", "delete", "admin"),
        ("/v1/deployments/{key}/verdicts", "post", "evaluate"),
        ("/v1/deployments/{key}/verdict", "get", "evaluate"),
        ("/v1/evaluate", "post", "evaluate"),
        ("/v1/hooks/flagger/gate", "post", "evaluate"),
        ("/v1/kayenta/judge", "post", "evaluate"),
        ("/v1/policies/{name}", "put", "admin"),
        ("/v1/environments/{name}", "put", "admin"),
        ("/v1/deployments", "get", "read"),
        ("/metrics", "get", "read"),
    ];
    for (path, method, scope) in expect {
        let op = &doc["paths"][path][method];
        assert_eq!(
            op["security"],
            json!([{"bearer": [scope]}]),
            "{method} {path}"
        );
        for status in ["401", "403"] {
            assert_eq!(
                op["responses"][status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path} {status}"
            );
        }
    }
    // Every /v1 operation says what it needs; the open ones say nothing.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let secured = op.get("security").is_some();
            assert_eq!(
                secured,
                path.starts_with("/v1/") || path == "/metrics",
                "{method} {path}"
            );
        }
    }
}

fn fails(db: &str, args: &[&str], envs: &[(&str, &str)]) -> String {
    match Proc::try_start(db, args, envs) {
        Ok(p) => panic!("serve {args:?} started on {}", p.base),
        Err(f) => {
            assert!(!f.status.success());
            f.stderr
        }
    }
}

#[tokio::test]
async fn serve_without_tokens_listens_on_loopback_only() {
    let db = test_db(Backend::Sqlite).await;
    let stderr = fails(&db.url, &["--listen", "0.0.0.0:0"], &[]);
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0 without API tokens"),
        "{stderr}"
    );
    let stderr = fails(&db.url, &[], &[("ROLLGUARD_LISTEN", "[::]:0")]);
    assert!(stderr.contains("refusing to listen"), "{stderr}");

    // Told so, it serves; with tokens it serves and checks them.
    let open = Proc::try_start(
        &db.url,
        &["--listen", "0.0.0.0:0", "--allow-unauthenticated"],
        &[],
    )
    .unwrap();
    let port = open.base.rsplit(':').next().unwrap().to_string();
    let status = reqwest::get(format!("http://127.0.0.1:{port}/v1/deployments"))
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    drop(open);
    let open = Proc::try_start(
        &db.url,
        &["--listen", "0.0.0.0:0"],
        &[("ROLLGUARD_ALLOW_UNAUTHENTICATED", "true")],
    );
    assert!(open.is_ok(), "{open:?}", open = open.err());

    let guarded = Proc::try_start(
        &db.url,
        &["--listen", "0.0.0.0:0"],
        &[("ROLLGUARD_TOKENS", "argo:evaluate,read:0123456789abcdef")],
    )
    .unwrap();
    let port = guarded.base.rsplit(':').next().unwrap().to_string();
    let url = format!("http://127.0.0.1:{port}/v1/deployments");
    let client = reqwest::Client::new();
    assert_eq!(client.get(&url).send().await.unwrap().status(), 401);
    let resp = client
        .get(&url)
        .bearer_auth("0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn tokens_come_from_the_environment_and_a_file_of_hashes() {
    use sha2::Digest;
    let db = test_db(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens");
    let digest = format!("{:x}", sha2::Sha256::digest(b"file-secret-abcdefgh"));
    std::fs::write(
        &file,
        format!("# ops team\nops:admin,read:sha256:{digest}\n\n"),
    )
    .unwrap();
    let file = file.to_string_lossy().to_string();
    let p = super::Proc::start(
        &db.url,
        &["--tokens-file", &file],
        &[("ROLLGUARD_TOKENS", "pusher:ingest:env-secret-abcdefgh")],
    );
    let client = reqwest::Client::new();
    let put = |token: &'static str| {
        client
            .put(p.url("/v1/policies/from-file"))
            .bearer_auth(token)
            .json(&json!({}))
            .send()
    };
    assert_eq!(put("file-secret-abcdefgh").await.unwrap().status(), 201);
    assert_eq!(put("env-secret-abcdefgh").await.unwrap().status(), 403);
    let resp = client
        .post(p.url("/v1/deployments/t/points"))
        .bearer_auth("env-secret-abcdefgh")
        .json(&json!({"points": minute_points("error_rate", "canary", &[1.0])}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The hash in the file is not itself a token.
    assert_eq!(put("placeholder").await.unwrap().status(), 401);
    let resp = client
        .get(p.url("/v1/policies"))
        .bearer_auth(digest.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // A bad entry stops the server, naming the entry but not its secret.
    let stderr = fails(
        &db.url,
        &[],
        &[("ROLLGUARD_TOKENS", "argo:evaluate:tooshort1")],
    );
    assert!(
        stderr.contains("ROLLGUARD_TOKENS: entry 1 ('argo')"),
        "{stderr}"
    );
    assert!(!stderr.contains("tooshort1"), "{stderr}");
    let stderr = fails(&db.url, &["--tokens-file", "/nonexistent/tokens"], &[]);
    assert!(stderr.contains("reading the tokens file"), "{stderr}");
}
