//! Spinnaker Kayenta's remote judge (`RemoteJudge-v1.0`): Kayenta POSTs its
//! `RemoteJudgeRequest` to `{base-url}/judge` and reads a `CanaryJudgeResult`. Its Retrofit 1
//! client appends `/judge` to the base URL as text, so a base path survives:
//! `base-url: http://rollguard:8080/v1/kayenta` reaches this route. Kayenta sends no
//! credentials; `--open-kayenta-judge` leaves the route open when tokens are configured.

use axum::Json as JsonResponse;
use axum::extract::State;

use super::AppState;
use super::extract::Json;
use crate::analysis::kayenta::{CanaryJudgeResult, RemoteJudgeRequest};
use crate::error::{ApiError, ErrorBody};

/// Judges one Kayenta canary interval with a rollguard policy: the canary config's
/// `judge.judgeConfigurations.policy`, else `compare`. `control` is the baseline cohort,
/// `experiment` the canary; `"NaN"` and `null` are missing points. The verdict becomes
/// `score.score`: 100 for pass, 0 for rollback, and for inconclusive the midpoint of the
/// thresholds (strictly between them). Stateless: nothing is stored. See
/// docs/integrations/kayenta.md for the mapping of Kayenta metrics onto rules.
#[utoipa::path(
    post, path = "/v1/kayenta/judge", tag = "hooks",
    request_body(content = RemoteJudgeRequest, example = json!({
        "canaryConfig": {"name": "checkout", "judge": {"name": "RemoteJudge-v1.0",
            "judgeConfigurations": {"policy": "compare"}},
            "metrics": [{"name": "error_rate", "query": {"type": "prometheus"}, "groups": ["errors"]}],
            "classifier": {"groupWeights": {"errors": 100}}},
        "scoreThresholds": {"pass": 95.0, "marginal": 75.0},
        "metricSetPairList": [{"name": "error_rate", "id": "7d0e6c8a", "tags": {},
            "values": {"control": [0.5, 0.6, "NaN"], "experiment": [0.4, 0.7, 0.5]},
            "scopes": {"control": {"startTimeIso": "2026-12-01T10:00:00Z", "startTimeMillis": 1796119200000_i64, "stepMillis": 60000},
                       "experiment": {"startTimeIso": "2026-12-01T10:00:00Z", "startTimeMillis": 1796119200000_i64, "stepMillis": 60000}}}]})),
    responses(
        (status = 200, description = "The judgement: `score.score` against the thresholds decides", body = CanaryJudgeResult),
        (status = 400, description = "Bad request: a value out of range, thresholds without room for inconclusive, a metric mapped twice, an unknown policy", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable (a stored policy was named)", body = ErrorBody),
    )
)]
pub async fn kayenta_judge(
    State(state): State<AppState>,
    Json(request): Json<RemoteJudgeRequest>,
) -> Result<JsonResponse<CanaryJudgeResult>, ApiError> {
    Ok(JsonResponse(state.service.kayenta_judge(&request).await?))
}
