//! `POST /v1/evaluate`: the stateless evaluation document in, a verdict out; nothing is stored.

use axum::Json as JsonResponse;
use axum::extract::State;

use super::AppState;
use super::extract::Json;
use crate::analysis::{EvaluationDocument, Policy, PolicySpec, Verdict, evaluate};
use crate::error::{ApiError, ErrorBody};

/// Resolves a request's policy spec: inline objects directly, names against built-ins and the store.
pub async fn resolve_spec(
    state: &AppState,
    spec: &PolicySpec,
) -> Result<(String, Policy, Option<i64>), ApiError> {
    match spec {
        PolicySpec::Name(name) => {
            let record = state.require_policy(name).await?;
            let version = (!record.builtin).then_some(record.version);
            Ok((record.name, record.policy, version))
        }
        PolicySpec::Inline(_) => {
            let (name, policy) = spec.resolve(|_| None)?;
            Ok((name, policy, None))
        }
    }
}

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
    let (spec, obs) = doc.into_observations()?;
    let spec = spec.unwrap_or_else(|| PolicySpec::Name(crate::analysis::policy::SEED.into()));
    let (name, policy, _) = resolve_spec(&state, &spec).await?;
    let evaluation = evaluate(&policy, &obs.inputs());
    let verdict = Verdict::new(name, &policy, &evaluation);
    crate::telemetry::record_verdict(&verdict);
    Ok(JsonResponse(verdict))
}
