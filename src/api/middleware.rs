//! Limits on the work one request, and all requests together, may cause: a time limit per
//! request (408) and a limit on requests handled at once (503 beyond it). Both answer in the
//! API's JSON error shape.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Paths never shed: probes and scrapes must answer while the service is saturated, or an
/// orchestrator would restart a busy but healthy process.
fn exempt(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// How many requests are handled at once.
#[derive(Clone, Debug)]
pub struct InFlightLimit {
    permits: Arc<Semaphore>,
    max: usize,
}

impl InFlightLimit {
    pub fn new(max: usize) -> Self {
        InFlightLimit {
            permits: Arc::new(Semaphore::new(max)),
            max,
        }
    }
}

/// Middleware: answers 503 `overloaded` (with `Retry-After: 1`) at once, rather than queueing,
/// when `max` requests are already being handled.
pub async fn shed_load(State(limit): State<InFlightLimit>, req: Request, next: Next) -> Response {
    if exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let Ok(_permit) = limit.permits.clone().try_acquire_owned() else {
        tracing::warn!(limit = limit.max, "shed a request: too many in flight");
        let mut response = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            format!(
                "the server is handling its limit of {} requests at once; retry shortly",
                limit.max
            ),
        )
        .with_details(json!({"max_concurrent_requests": limit.max}))
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    next.run(req).await
}

/// Middleware, outside tower-http's `TimeoutLayer`: gives that layer's bare 408 the API's JSON
/// error body. No handler answers 408 itself.
pub async fn timeout_as_json(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::REQUEST_TIMEOUT
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    tracing::warn!(limit = ?limit, "request timed out");
    let mut response = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        format!(
            "the request took longer than the server's limit of {} and was abandoned; retry it",
            humantime::format_duration(limit)
        ),
    )
    .with_details(json!({"timeout_ms": limit.as_millis() as u64}))
    .into_response();
    // The request may still be sending its body: do not reuse the connection.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
