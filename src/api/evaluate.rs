//! `POST /v1/evaluate`: the stateless evaluation document in, a verdict out; nothing is stored.

use axum::Json as JsonResponse;
use axum::extract::State;

use super::AppState;
use super::extract::Json;
use crate::error::{ApiError, ErrorBody};
use crate::service::{EvaluationDocument, Verdict};

/// Evaluates series given in the request against a policy (default `seed`). The verdict is
/// always HTTP 200; a 4xx means no verdict could be computed.
#[utoipa::path(
    post, path = "/v1/evaluate", tag = "verdicts",
    request_body(content = EvaluationDocument, example = json!({"policy": "seed",
        "metrics": {"error_rate": [0.4, 0.7, 6.2],
                    "latency_p99": [{"ts": "2026-11-24T10:00:00Z", "value": 212.5}],
                    "conversion_rate": [0.029]},
        "baseline": {"conversion_rate": 0.031}})),
    responses(
        (status = 200, description = "The verdict", body = Verdict),
        (status = 400, description = "Bad document or unknown policy", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable (named stored policy)", body = ErrorBody),
    )
)]
pub async fn evaluate_document(
    State(state): State<AppState>,
    Json(doc): Json<EvaluationDocument>,
) -> Result<JsonResponse<Verdict>, ApiError> {
    Ok(JsonResponse(state.service.evaluate_document(doc).await?))
}
