//! The interactive API reference at `/docs/`: served from the binary, reading `/openapi.json`,
//! and loading nothing from anywhere but this server.

use crate::support::{Backend, TestServer};

/// Fetches `path` and returns the status, the content type and the body.
async fn fetch(s: &TestServer, path: &str) -> (u16, String, String) {
    let resp = s.client.get(s.url(path)).send().await.unwrap();
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, resp.text().await.unwrap())
}

/// The values of every `src="…"` and `href="…"` attribute in an HTML page.
fn linked(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attr) {
            let rest = &html[start + attr.len()..];
            out.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    out
}

#[tokio::test]
async fn docs_page_and_its_assets_are_served_from_the_binary() {
    let s = TestServer::start(Backend::Sqlite).await;
    let (status, content_type, html) = fetch(&s, "/docs/").await;
    assert_eq!(status, 200, "{html}");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"),
        "the page names an external URL: {html}"
    );

    let links = linked(&html);
    assert!(
        links.iter().any(|l| l.ends_with(".js")) && links.iter().any(|l| l.ends_with(".css")),
        "{links:?}"
    );
    for link in &links {
        assert!(
            !link.contains("//") && !link.contains(':'),
            "{link} is not a path on this server"
        );
        let path = format!("/docs/{}", link.trim_start_matches("./"));
        let (status, content_type, body) = fetch(&s, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.is_empty(), "{path} is empty");
        if path.ends_with(".js") {
            assert!(
                content_type.contains("javascript"),
                "{path}: {content_type}"
            );
        }
        if path.ends_with(".css") {
            assert!(
                content_type.starts_with("text/css"),
                "{path}: {content_type}"
            );
            assert!(
                !body.contains("@import") && !body.contains("url(http") && !body.contains("url(//"),
                "{path} pulls in an external resource"
            );
        }
    }

    // The whole UI is embedded: the bundle is the real thing, not a loader for a CDN copy.
    let (_, _, bundle) = fetch(&s, "/docs/swagger-ui-bundle.js").await;
    assert!(bundle.len() > 500_000, "bundle is {} bytes", bundle.len());
    for cdn in ["unpkg.com", "jsdelivr", "cdnjs", "fonts.googleapis"] {
        assert!(!bundle.contains(cdn), "the bundle mentions {cdn}");
    }
}

#[tokio::test]
async fn docs_read_the_served_document_and_skip_the_online_validator() {
    let s = TestServer::start(Backend::Sqlite).await;
    let (status, content_type, init) = fetch(&s, "/docs/swagger-initializer.js").await;
    assert_eq!(status, 200);
    assert!(content_type.contains("javascript"), "{content_type}");
    assert!(init.contains(r#""url": "/openapi.json""#), "{init}");
    assert!(init.contains(r#""validatorUrl": "none""#), "{init}");
    assert!(
        !init.contains("http://") && !init.contains("https://"),
        "the initializer names an external URL: {init}"
    );
    let (status, _, _) = fetch(&s, "/openapi.json").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn docs_without_the_slash_redirects() {
    let s = TestServer::start(Backend::Sqlite).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = client.get(s.url("/docs")).send().await.unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    assert_eq!(resp.headers()["location"], "/docs/");
}

/// What client generators need from the document: openapi-python-client refuses a response
/// without a description, parameters declared twice generate clashing arguments, and a
/// `oneOf: [T, null]` body made the Python client send `null` when it had no body.
#[test]
fn the_document_is_complete_for_client_generators() {
    let doc = serde_json::to_value(rollguard::api::openapi()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{at}: no operationId");
            assert!(op["tags"][0].is_string(), "{at}: no tag");
            for (status, response) in op["responses"].as_object().unwrap() {
                let description = response["description"].as_str().unwrap_or_default();
                assert!(!description.is_empty(), "{at} {status}: no description");
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{at} {status}: not an ErrorBody"
                    );
                }
            }
            let mut names: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| format!("{}:{}", p["in"], p["name"]))
                .collect();
            let declared = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), declared, "{at}: a parameter is declared twice");
            for placeholder in path.split('{').skip(1) {
                let name = placeholder.split('}').next().unwrap();
                assert!(
                    names.contains(&format!("\"path\":\"{name}\"")),
                    "{at}: path parameter {name} is not declared"
                );
            }
            if let Some(body) = op.get("requestBody") {
                let schema = &body["content"]["application/json"]["schema"];
                assert!(
                    !schema.to_string().contains(r#"{"type":"null"}"#),
                    "{at}: the request body schema admits null: {schema}"
                );
            }
        }
    }
}

/// Two Rust types named `SeriesPoint` (the evaluation document's number-or-`{ts, value}`, and a
/// stored point) shared one schema name, and utoipa kept only one: the stored series' points
/// were documented, and generated, as `number | TimedPoint`.
#[test]
fn stored_series_points_have_their_own_schema() {
    let doc = serde_json::to_value(rollguard::api::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["StoredSeries"]["properties"]["points"]["items"]["$ref"],
        "#/components/schemas/StoredPoint"
    );
    assert_eq!(
        schemas["StoredPoint"]["required"],
        serde_json::json!(["ts", "value"])
    );
    assert!(
        schemas["SeriesPoint"]["oneOf"].is_array(),
        "{}",
        schemas["SeriesPoint"]
    );
}
