//! Self-observability: Prometheus metrics at `/metrics`, request ids, and the request log span.
//!
//! Metrics (all prefixed `rollguard_`):
//!
//! | name | type | labels |
//! |---|---|---|
//! | `http_requests_total` | counter | `method`, `route` (the route template, `unmatched` for 404s), `status` |
//! | `http_request_duration_seconds` | histogram | `method`, `route` |
//! | `http_requests_in_flight` | gauge | |
//! | `http_request_body_bytes_in_flight` | gauge | |
//! | `verdicts_total` | counter | `verdict` (`pass`, `rollback`, `inconclusive`) |
//! | `rule_results_total` | counter | `rule`, `status` (`passed`, `triggered`, `insufficient_data`) |
//! | `ingest_points_total`, `ingest_batches_total` | counter | |
//! | `store_errors_total` | counter | `kind` (`unavailable`, `database`, `corrupt`) |
//! | `retention_removed_total` | counter | `kind` (`points`, `partitions`, `verdicts`, `deployments`) |
//! | `build_info` | gauge (1) | `version` |
//!
//! The recorder is process-wide (the `metrics` crate's global recorder), installed on first use.

use std::sync::OnceLock;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::analysis::{RuleStatus, Verdict};
use crate::store::StoreError;

/// The header carrying a request's id, set when the client sent none and echoed in the answer.
pub const REQUEST_ID: &str = "x-request-id";

/// Latency buckets, seconds: 1 ms to 30 s.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the Prometheus recorder once per process; `None` if another recorder was there first.
pub fn init() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("rollguard_http_request_duration_seconds".into()),
                    BUCKETS,
                )
                .expect("non-empty buckets")
                .build_recorder();
            let handle = recorder.handle();
            match metrics::set_global_recorder(recorder) {
                Ok(()) => {
                    describe();
                    gauge!("rollguard_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
                    Some(handle)
                }
                Err(_) => None,
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "rollguard_http_requests_total",
        "HTTP requests answered, by method, route template and status"
    );
    describe_histogram!(
        "rollguard_http_request_duration_seconds",
        Unit::Seconds,
        "Time from a request's arrival to its answer, by method and route template"
    );
    describe_gauge!(
        "rollguard_http_requests_in_flight",
        "Requests being handled now"
    );
    describe_gauge!(
        "rollguard_http_request_body_bytes_in_flight",
        Unit::Bytes,
        "Bytes of request bodies held now, against --max-body-bytes-in-flight"
    );
    describe_counter!(
        "rollguard_verdicts_total",
        "Verdicts computed (recorded or not), by result"
    );
    describe_counter!(
        "rollguard_rule_results_total",
        "Rule results within computed verdicts, by rule and status"
    );
    describe_counter!(
        "rollguard_ingest_points_total",
        "Points stored by acknowledged ingest batches"
    );
    describe_counter!(
        "rollguard_ingest_batches_total",
        "Acknowledged ingest batches"
    );
    describe_counter!(
        "rollguard_source_pulls_total",
        "Pulls from metrics sources at verdict time, by status (pulled, stored, stale)"
    );
    describe_counter!(
        "rollguard_store_errors_total",
        "Failed store calls that reached the API, by kind"
    );
    describe_counter!(
        "rollguard_retention_removed_total",
        "What retention removed, by kind: points (those of dropped partitions included), \
         partitions of points dropped whole, verdicts, deployments left with neither"
    );
    describe_gauge!("rollguard_build_info", "Always 1; the version as a label");
}

/// `GET /metrics`: the Prometheus text format.
pub async fn metrics_handler() -> Response {
    let body = match init() {
        Some(handle) => {
            handle.run_upkeep();
            handle.render()
        }
        None => String::new(),
    };
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// `/metrics` in the OpenAPI document.
pub fn openapi_path_item() -> utoipa::openapi::path::PathItem {
    use utoipa::openapi::content::Content;
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
    use utoipa::openapi::response::ResponseBuilder;
    use utoipa::openapi::schema::{Schema, Type};
    use utoipa::openapi::{ObjectBuilder, RefOr};

    let text = Content::new(Some(RefOr::T(Schema::Object(
        ObjectBuilder::new().schema_type(Type::String).build(),
    ))));
    PathItem::new(
        HttpMethod::Get,
        OperationBuilder::new()
            .tag("health")
            .summary(Some("Prometheus metrics"))
            .description(Some(
                "Requests by route template and status, latency histograms, verdicts by result \
                 and rule, ingested points and store errors, in the Prometheus text format.",
            ))
            .operation_id(Some("metrics"))
            .response(
                "200",
                ResponseBuilder::new()
                    .description("Prometheus text exposition format 0.0.4")
                    .content("text/plain", text)
                    .build(),
            )
            .build(),
    )
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

struct InFlight;

impl InFlight {
    fn enter() -> Self {
        gauge!("rollguard_http_requests_in_flight").increment(1.0);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        gauge!("rollguard_http_requests_in_flight").decrement(1.0);
    }
}

/// Middleware: counts and times every request by route template and status.
pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let response = {
        let _in_flight = InFlight::enter();
        next.run(req).await
    };
    let status = response.status().as_u16().to_string();
    counter!("rollguard_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    histogram!("rollguard_http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    response
}

/// The log span of one request: method, path, request id, and (once known) the token's name.
/// At INFO level under this crate's target, so every event logged while handling the request
/// carries the request id with the default log filter.
pub fn request_span(req: &axum::http::Request<Body>) -> tracing::Span {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %id,
        token = tracing::field::Empty,
    )
}

/// Counts a computed verdict and its rules' results.
pub fn record_verdict(verdict: &Verdict) {
    counter!("rollguard_verdicts_total", "verdict" => verdict.verdict.as_str()).increment(1);
    for rule in &verdict.rules {
        let status = match rule.outcome.status {
            RuleStatus::Passed => "passed",
            RuleStatus::Triggered => "triggered",
            RuleStatus::InsufficientData => "insufficient_data",
            RuleStatus::NotApplicable => "not_applicable",
        };
        counter!("rollguard_rule_results_total", "rule" => rule.outcome.rule.as_str(), "status" => status)
            .increment(1);
    }
}

/// Counts a verdict's pull from its metrics sources.
pub fn record_pull(status: crate::analysis::PullStatus) {
    use crate::analysis::PullStatus;
    let status = match status {
        PullStatus::Pulled => "pulled",
        PullStatus::Stored => "stored",
        PullStatus::Stale => "stale",
    };
    counter!("rollguard_source_pulls_total", "status" => status).increment(1);
}

/// Counts an acknowledged ingest batch.
pub fn record_ingest(points: usize) {
    counter!("rollguard_ingest_batches_total").increment(1);
    counter!("rollguard_ingest_points_total").increment(points as u64);
}

/// Counts a failed store call.
pub fn record_store_error(error: &StoreError) {
    let kind = match error {
        StoreError::Unavailable(_) => "unavailable",
        StoreError::Database(_) => "database",
        StoreError::Corrupt(_) => "corrupt",
    };
    counter!("rollguard_store_errors_total", "kind" => kind).increment(1);
}

/// Counts what a retention step removed.
pub fn record_retention(removed: &crate::store::Removed) {
    for (kind, n) in [
        ("points", removed.points),
        ("partitions", removed.partitions),
        ("verdicts", removed.verdicts),
        ("deployments", removed.deployments),
    ] {
        counter!("rollguard_retention_removed_total", "kind" => kind).increment(n);
    }
}
