//! `POST /v1/deployments/{key}/points`: idempotent, all-or-nothing batch ingest.

use axum::Json as JsonResponse;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::AppState;
use super::extract::{Json, KeyParam};
use crate::analysis::metric;
use crate::error::{ApiError, ErrorBody};
use crate::service::{Cohort, DeploymentKey, MetricName, Point, PointError, Timestamp};

/// A batch of points for one deployment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestRequest {
    /// At most the server's `--max-batch-points` (50,000 by default); more is a 413.
    pub points: Vec<PointInput>,
}

/// One metric value at one time. `metric` is `error_rate` (percent, 0–100), `latency_p99` (ms),
/// `conversion_rate` (fraction, 0–1), or any other name matching `[a-z][a-z0-9_]{0,63}` (stored,
/// not yet read by a rule).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointInput {
    // A field's own description would turn the inlined schema into an `allOf` with an object.
    #[schema(value_type = MetricName, inline)]
    pub metric: String,
    /// RFC 3339, years 0001–9999 (UTC), no leap second; digits past the microsecond are cut.
    #[schema(value_type = String, format = DateTime, example = "2026-11-24T10:00:00Z")]
    pub ts: Timestamp,
    /// A finite, non-negative number in the metric's unit; at most 100 for `error_rate` and 1
    /// for `conversion_rate`.
    #[schema(example = 1.2, minimum = 0)]
    pub value: f64,
    /// Defaults to `canary`.
    #[serde(default)]
    pub cohort: Cohort,
    /// Optional: the number of requests behind an `error_rate` or `latency_p99` value, or of
    /// sessions behind a `conversion_rate` value; a whole number from 0 to 2^63 - 1. Re-sending
    /// a point without it clears a stored count.
    // Read as any number and checked in `validate`, so that a bad count is `invalid_point`
    // with the point's index, like a bad value.
    #[serde(default)]
    #[schema(value_type = Option<u64>, example = 850, minimum = 0)]
    pub count: Option<serde_json::Number>,
}

/// How many points were stored (committed) by the request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IngestResponse {
    /// The number of points stored. Points of the batch with the same (metric, cohort, ts),
    /// times cut to microseconds, are one point (the last of them is stored) and count once.
    #[schema(example = 2)]
    pub accepted: usize,
}

fn bad_point(index: usize, field: &str, message: String) -> ApiError {
    ApiError::bad_request("invalid_point", format!("points[{index}]: {message}"))
        .with_details(json!({"index": index, "field": format!("points[{index}].{field}")}))
}

/// Validates the whole batch before anything is stored; the first bad point is named.
pub fn validate(points: Vec<PointInput>) -> Result<Vec<Point>, ApiError> {
    points
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            // The metric is checked here rather than by serde, so that the error is
            // `invalid_point` with the point's index, like a bad value.
            let count = p
                .count
                .as_ref()
                .map(metric::count_from_json)
                .transpose()
                .map_err(|e| bad_point(i, "count", e.to_string()))?;
            Point::new(&p.metric, p.cohort, p.ts.get(), p.value, count).map_err(|e| {
                let field = match e {
                    PointError::Metric(_) => "metric",
                    PointError::Value(_) => "value",
                    PointError::Count(_) => "count",
                };
                bad_point(i, field, e.to_string())
            })
        })
        .collect()
}

/// Stores a batch of points. The deployment is created on first ingest. Re-sending a point with
/// the same (metric, cohort, ts) replaces its value and count, so re-sending a batch changes
/// nothing. Any bad point rejects the whole batch; `accepted` is returned only once the batch is
/// committed.
#[utoipa::path(
    post, path = "/v1/deployments/{key}/points", tag = "deployments",
    params(KeyParam),
    request_body(content = IngestRequest, example = json!({"points": [
        {"metric": "error_rate", "ts": "2026-11-24T10:00:00Z", "value": 1.2, "cohort": "canary", "count": 850},
        {"metric": "latency_p99", "ts": "2026-11-24T10:00:00Z", "value": 212.5}]})),
    responses(
        (status = 200, description = "The whole batch is stored", body = IngestResponse),
        (status = 400, description = "Bad key, body or point; nothing was stored", body = ErrorBody,
            example = json!({"error": {"code": "invalid_point",
                "message": "points[1]: error rate 140 is above 100 (error_rate is a percentage, 0-100)",
                "details": {"index": 1, "field": "points[1].value"}}})),
        (status = 413, description = "Body or batch too large; nothing was stored", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable; nothing was stored", body = ErrorBody),
    )
)]
pub async fn ingest_points(
    State(state): State<AppState>,
    key: DeploymentKey,
    Json(req): Json<IngestRequest>,
) -> Result<JsonResponse<IngestResponse>, ApiError> {
    let max = state.limits.max_batch_points;
    if req.points.len() > max {
        return Err(ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!(
                "{} points in one batch; the limit is {max}",
                req.points.len()
            ),
        ));
    }
    let points = validate(req.points)?;
    let accepted = state.service.ingest(&key, &points).await?;
    Ok(JsonResponse(IngestResponse { accepted }))
}
