//! The dashboard: HTML pages at `/` (deployments), `/deployments/{key}` (one deployment's
//! charts and verdict history) and `/replays`, drawn in the browser from the JSON API.
//!
//! Every asset is compiled into the binary with `include_str!`/`include_bytes!`: the pages make
//! no request beyond this server (the Content-Security-Policy says so to the browser too).
//! The charts use uPlot, vendored under `assets/vendor/` from the npm package `uplot`, version
//! 1.6.32 (MIT, licence alongside). To refresh it:
//!
//! ```sh
//! cd "$(mktemp -d)" && npm pack uplot@VERSION && tar xzf uplot-*.tgz
//! cp package/dist/uPlot.iife.min.js package/dist/uPlot.min.css /path/to/rollguard/src/dashboard/assets/vendor/
//! cp package/LICENSE /path/to/rollguard/src/dashboard/assets/vendor/uPlot.LICENSE
//! ```
//!
//! then update the version here and in `assets/vendor/README.md`, and run `scripts/test-e2e`.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const INDEX_HTML: &str = include_str!("assets/index.html");

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("assets/app.js"),
    },
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("assets/app.css"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("assets/favicon.svg"),
    },
    Asset {
        name: "uPlot.iife.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("assets/vendor/uPlot.iife.min.js"),
    },
    Asset {
        name: "uPlot.min.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("assets/vendor/uPlot.min.css"),
    },
];

/// Only this server: scripts, styles, data. uPlot sets element styles from script, which a
/// policy without `'unsafe-inline'` for styles would block.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; object-src 'none'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The dashboard's routes, to merge into the service's router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(page))
        .route("/deployments/{key}", get(page))
        .route("/replays", get(page))
        .route("/replays/{id}", get(page))
        .route("/assets/{name}", get(asset))
}

/// A strong validator for embedded file `i` (`ASSETS.len()` is the page shell): FNV-1a, 64
/// bits, computed once.
fn etag(i: usize) -> &'static str {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    let tags = TAGS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| a.body)
            .chain([INDEX_HTML.as_bytes()])
            .map(|b| {
                let h = b.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &c| {
                    (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3)
                });
                format!("\"{h:016x}\"")
            })
            .collect()
    });
    &tags[i]
}

/// Answers 304 when the browser already has this version; otherwise the body. `no-cache` makes
/// the browser ask each time, so a new binary's assets are picked up at once.
fn respond(
    headers: &HeaderMap,
    tag: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    html: bool,
) -> Response {
    let mut out = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == tag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let h = out.headers_mut();
    h.insert(header::ETAG, HeaderValue::from_static(tag));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if html {
        page_headers(h);
    }
    out
}

/// The headers of an HTML page: only this server's scripts, styles and data (the CSP), never in
/// a frame (clickjacking), no referrer.
fn page_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// The dashboard's security headers on another page's responses (the API reference at
/// `/docs/`): `nosniff` on every file, and the page headers on HTML. Swagger UI loads its
/// scripts from files and sets styles inline, as uPlot does, so the dashboard's policy fits it.
pub async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        page_headers(h);
    }
    response
}

/// Every page is the same shell; `app.js` draws the page the path names.
async fn page(headers: HeaderMap) -> Response {
    respond(
        &headers,
        etag(ASSETS.len()),
        "text/html; charset=utf-8",
        INDEX_HTML.as_bytes(),
        true,
    )
}

async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().position(|a| a.name == name) {
        Some(i) => {
            let a = &ASSETS[i];
            respond(&headers, etag(i), a.content_type, a.body, false)
        }
        None => crate::error::ApiError::not_found(format!("no dashboard asset '{name}'"))
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_the_shell_names_is_embedded() {
        for a in ASSETS {
            assert!(!a.body.is_empty(), "{}", a.name);
        }
        let names: Vec<&str> = ASSETS.iter().map(|a| a.name).collect();
        for part in INDEX_HTML.split("/assets/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(
                names.contains(&name),
                "index.html names {name}, not embedded"
            );
        }
    }

    #[test]
    fn the_shell_loads_nothing_from_elsewhere() {
        for text in [INDEX_HTML, include_str!("assets/app.js")] {
            assert!(!text.contains("http://") && !text.contains("https://"));
        }
    }
}
