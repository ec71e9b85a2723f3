//! Limits on the work one request, and all requests together, may cause: a time limit per
//! request (408), a limit on requests handled at once and one on the bytes of their bodies (503
//! beyond either). All answer in the API's JSON error shape.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use metrics::gauge;
use serde_json::{Value, json};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::Limits;

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
        return overloaded(
            format!(
                "the server is handling its limit of {} requests at once; retry shortly",
                limit.max
            ),
            json!({"max_concurrent_requests": limit.max}),
        );
    };
    next.run(req).await
}

/// 503 `overloaded` with `Retry-After: 1`.
fn overloaded(message: String, details: Value) -> Response {
    let mut response = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "overloaded", message)
        .with_details(details)
        .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// How many bytes of request bodies are held at once, all requests together: what bounds the
/// memory bodies take whatever `max_concurrent_requests` allows (a parsed body takes one to two
/// times its bytes, and the budget is held until the answer is made).
#[derive(Clone, Debug)]
pub struct BodyBudget {
    permits: Arc<Semaphore>,
    /// The budget in effect: `max_body_bytes_in_flight`, raised to `max_body_bytes` so that any
    /// body the limit allows can be taken by an otherwise idle server.
    max: usize,
    max_body: usize,
}

impl BodyBudget {
    pub fn new(limits: &Limits) -> Self {
        let max = limits
            .max_body_bytes_in_flight
            .max(limits.max_body_bytes)
            .min(Semaphore::MAX_PERMITS);
        BodyBudget {
            permits: Arc::new(Semaphore::new(max)),
            max,
            max_body: limits.max_body_bytes,
        }
    }

    fn exceeded(&self) -> Response {
        tracing::warn!(
            budget = self.max,
            "shed a request: request bodies over budget"
        );
        overloaded(
            format!(
                "the server holds its limit of {} bytes of request bodies at once; retry shortly",
                self.max
            ),
            json!({"max_body_bytes_in_flight": self.max}),
        )
    }
}

/// Middleware: takes a body's bytes from the [`BodyBudget`] for as long as its request is handled,
/// answering 503 `overloaded` at once when the budget cannot cover them. A body that declares its
/// length takes it all before a byte is read; a chunked one takes each chunk as it arrives. A body
/// over `max_body_bytes` takes nothing: the body limit answers it (413).
pub async fn budget_bodies(State(budget): State<BodyBudget>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let chunked = headers.contains_key(header::TRANSFER_ENCODING);
    match declared {
        // No body (HTTP/1.1 has one only with a length or a transfer coding), an empty one, or
        // one the body limit refuses.
        None if !chunked => next.run(req).await,
        Some(0) => next.run(req).await,
        Some(n) if n > budget.max_body as u64 => next.run(req).await,
        Some(n) => {
            let permits = u32::try_from(n)
                .ok()
                .and_then(|n| budget.permits.clone().try_acquire_many_owned(n).ok());
            let Some(permits) = permits else {
                return budget.exceeded();
            };
            let _held = Held::new(permits);
            next.run(req).await
        }
        None => {
            let held = Arc::new(Mutex::new(None));
            let over = Arc::new(AtomicBool::new(false));
            let (parts, body) = req.into_parts();
            let body = Body::new(Budgeted {
                inner: body,
                permits: budget.permits.clone(),
                held: held.clone(),
                over: over.clone(),
            });
            let response = next.run(Request::from_parts(parts, body)).await;
            drop(held);
            if over.load(Ordering::Relaxed) {
                return budget.exceeded();
            }
            response
        }
    }
}

/// Bytes taken from the budget, shown by the `rollguard_http_request_body_bytes_in_flight` gauge;
/// given back when dropped.
struct Held(OwnedSemaphorePermit);

impl Held {
    fn new(permit: OwnedSemaphorePermit) -> Self {
        gauge!("rollguard_http_request_body_bytes_in_flight")
            .increment(permit.num_permits() as f64);
        Held(permit)
    }

    fn merge(&mut self, permit: OwnedSemaphorePermit) {
        gauge!("rollguard_http_request_body_bytes_in_flight")
            .increment(permit.num_permits() as f64);
        self.0.merge(permit);
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        gauge!("rollguard_http_request_body_bytes_in_flight")
            .decrement(self.0.num_permits() as f64);
    }
}

/// A chunked body that takes each chunk's bytes from the budget as it arrives, and fails the
/// read when the budget cannot cover one.
struct Budgeted {
    inner: Body,
    permits: Arc<Semaphore>,
    /// Every permit taken so far, merged: held by the middleware until the answer is made.
    held: Arc<Mutex<Option<Held>>>,
    over: Arc<AtomicBool>,
}

#[derive(Debug, thiserror::Error)]
#[error("request bodies over the server's budget")]
struct OverBudget;

impl http_body::Body for Budgeted {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let frame = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &frame {
            let len = frame.data_ref().map_or(0, Bytes::len);
            let taken = u32::try_from(len)
                .ok()
                .and_then(|n| this.permits.clone().try_acquire_many_owned(n).ok());
            let Some(taken) = taken else {
                this.over.store(true, Ordering::Relaxed);
                return Poll::Ready(Some(Err(axum::Error::new(OverBudget))));
            };
            let mut held = this.held.lock().unwrap_or_else(PoisonError::into_inner);
            match held.as_mut() {
                Some(all) => all.merge(taken),
                None => *held = Some(Held::new(taken)),
            }
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
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

/// tower-http's `CatchPanicLayer` handler: a handler that panicked answers 500 in the API's JSON
/// error shape, its message in the server log, instead of dropping the connection unanswered.
/// The server goes on either way (each connection is its own task); this gives the client an
/// answer and the metrics a 500.
pub fn panic_as_json(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("no message");
    ApiError::internal(&format_args!("a request handler panicked: {message}")).into_response()
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    use super::*;

    #[tokio::test]
    async fn a_handler_that_panics_answers_500_in_json() {
        async fn panics() -> &'static str {
            let limit: u64 = std::hint::black_box(u64::MAX);
            panic!("count {limit} overflowed")
        }
        let app = Router::new()
            .route("/boom", get(panics))
            .route("/fine", get(|| async { "fine" }))
            .layer(CatchPanicLayer::custom(panic_as_json));
        let response = app
            .clone()
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "internal", "{v}");
        // The next request is served as usual.
        let response = app
            .oneshot(Request::get("/fine").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}
