//! `/v1/deployments/{key}/verdicts`: evaluate the stored series and record the verdict (the
//! endpoint rollout controllers call), and read the audit trail.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json as JsonResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{KeyParam, OptionalJson, Query};
use super::{AppState, page_limit, parse_cursor};
use crate::auth::{Caller, Scope, refusal_without};
use crate::error::{ApiError, ErrorBody};
use crate::service::{
    DeploymentKey, DeploymentSpec, PolicyName, PolicySpec, Record, StoredVerdict, Timestamp,
    VerdictOptions, Weights,
};

/// Options for one evaluation of a deployment's stored series; the body may be empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRequest {
    /// Registers the deployment before judging it, with the fields and checks of `PUT
    /// /v1/deployments/{key}`: created when it does not exist, replaced when it differs (a field
    /// left out is cleared, as with PUT), left alone when it is the same, so a controller can
    /// send the same body at every measurement. Needs the `ingest` scope besides `evaluate`.
    /// A bad field is a 400 naming it (`deployment.version`); then nothing is stored and no
    /// verdict is recorded.
    pub deployment: Option<DeploymentSpec>,
    /// Overrides the deployment's policy: a name or an inline (partial) policy.
    pub policy: Option<PolicySpec>,
    /// Evaluate as of this time (RFC 3339, years 0001–9999): only points at or before it are read.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
    /// The canary's current traffic weight (percent); when given, the verdict carries the next
    /// step (see canary stepping in the README).
    #[schema(minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "crate::json::whole_number")]
    pub canary_weight: Option<u32>,
    /// The weight at which the canary is fully rolled out (percent, default 100).
    #[schema(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "crate::json::whole_number")]
    pub max_weight: Option<u32>,
}

impl VerdictRequest {
    pub fn options(self) -> Result<VerdictOptions, ApiError> {
        Ok(VerdictOptions {
            weights: Weights::new(self.canary_weight, self.max_weight)?,
            policy: self.policy,
            at: self.at.map(Timestamp::get),
            since: None,
        })
    }
}

/// Registers the deployment when the request carries one (after checking the token's `ingest`
/// scope), then judges and records: what `POST` and `PUT …/verdicts` do.
async fn register_and_judge(
    state: &AppState,
    caller: Option<&Caller>,
    key: &DeploymentKey,
    mut req: VerdictRequest,
) -> Response {
    let deployment = req.deployment.take();
    if deployment.is_some()
        && let Some(refused) = refusal_without(&state.auth, caller, Scope::Ingest)
    {
        return refused;
    }
    let judged = async {
        // Checked before anything is written: a bad option records nothing.
        let options = req.options()?;
        if let Some(spec) = &deployment {
            if let Some(policy) = &options.policy {
                state.service.resolve(policy).await?;
            }
            state.service.register(key, spec).await?;
        }
        let judged = state.service.judge(key, &options, Record::Yes).await?;
        Ok::<_, ApiError>(JsonResponse(judged.verdict))
    };
    judged.await.into_response()
}

/// Evaluates the deployment's stored series (canary, with baseline and pre cohorts for the
/// conversion baseline), records the verdict, and returns it. Every computed verdict is HTTP 200
/// with the decision at `$.verdict` (an unknown deployment is `inconclusive`); a non-2xx means
/// no verdict could be computed.
#[utoipa::path(
    post, path = "/v1/deployments/{key}/verdicts", tag = "verdicts",
    params(KeyParam),
    request_body(content = Option<VerdictRequest>,
        description = "Optional: with no body (and no content type), the defaults apply. With \
            `deployment`, the deployment is registered first (the token needs `ingest` too)",
        example = json!({"policy": "seed", "canary_weight": 20})),
    responses(
        (status = 200, description = "The verdict (also for unknown deployments: inconclusive)", body = StoredVerdict,
            example = json!({"id": 7, "deployment": "checkout.production.v2-3-1",
                "evaluated_at": "2026-11-24T10:08:02Z", "as_of": null, "policy_version": null,
                "points": 16, "first_ts": "2026-11-24T10:00:00Z", "last_ts": "2026-11-24T10:07:00Z",
                "verdict": "rollback", "policy": "seed",
                "rules": [
                    {"rule": "error_rate", "status": "triggered", "observed": 6.1, "threshold": 5.0,
                     "points": 3, "message": "mean error rate of last 3 points 6.10% > 5.00%"},
                    {"rule": "latency", "status": "passed", "observed": 199.0, "threshold": 216.33,
                     "points": 4, "mean": 200.0, "std_dev": 8.16,
                     "message": "last p99 latency 199.0 ms <= mean + 2σ = 216.3 ms (mean 200.0 ms, σ 8.2 ms over 3 points)"},
                    {"rule": "conversion", "status": "passed", "observed": 0.031, "threshold": 0.0248,
                     "points": 1, "baseline": 0.031, "baseline_source": "baseline_cohort",
                     "message": "conversion rate 0.0310 >= 0.8 × baseline 0.0310 = 0.0248 (baseline from the baseline cohort)"}],
                "recommendation": {"action": "abort", "current_weight": 20, "max_weight": 100,
                    "next_weight": 20, "reason": "the verdict is rollback"}})),
        (status = 400, description = "Bad key, body (a bad `deployment` field names it) or unknown policy", body = ErrorBody),
        (status = 403, description = "The token lacks the `evaluate` scope, or the `ingest` scope a body with `deployment` needs too (`insufficient_scope`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body given, but not as JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable: no verdict", body = ErrorBody),
    )
)]
pub async fn create_verdict(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    key: DeploymentKey,
    OptionalJson(req): OptionalJson<VerdictRequest>,
) -> Response {
    register_and_judge(&state, caller.as_deref(), &key, req).await
}

/// The same as `POST`, for Argo Rollouts' web metric provider with `method: PUT` (it allows GET,
/// POST and PUT): evaluates, records and returns the verdict.
#[utoipa::path(
    put, path = "/v1/deployments/{key}/verdicts", tag = "verdicts",
    params(KeyParam),
    request_body(content = Option<VerdictRequest>,
        description = "Optional: with no body (and no content type), the defaults apply. With \
            `deployment`, the deployment is registered first (the token needs `ingest` too)",
        example = json!({"deployment": {"service": "recommendationservice",
            "environment": "production", "version": "7b9c5d6f48",
            "labels": {"namespace": "shop", "baseline_version": "5f7c9d8b41"}}})),
    responses(
        (status = 200, description = "The verdict, as for POST", body = StoredVerdict),
        (status = 400, description = "Bad key, body (a bad `deployment` field names it) or unknown policy", body = ErrorBody),
        (status = 403, description = "The token lacks the `evaluate` scope, or the `ingest` scope a body with `deployment` needs too (`insufficient_scope`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body given, but not as JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable: no verdict", body = ErrorBody),
    )
)]
pub async fn put_verdict(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    key: DeploymentKey,
    OptionalJson(req): OptionalJson<VerdictRequest>,
) -> Response {
    register_and_judge(&state, caller.as_deref(), &key, req).await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeekQuery {
    /// A built-in or stored policy name; default as for POST.
    #[param(value_type = Option<PolicyName>, inline)]
    pub policy: Option<String>,
    /// Evaluate as of this RFC 3339 time (years 0001–9999).
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
    /// The canary's current traffic weight (percent), for a step recommendation.
    #[param(minimum = 0, maximum = 100)]
    pub canary_weight: Option<u32>,
    /// The weight at which the canary is fully rolled out (percent, default 100).
    #[param(minimum = 1, maximum = 100)]
    pub max_weight: Option<u32>,
}

/// Read-only variant of `POST …/verdicts` for callers that can only GET (e.g. an Argo Rollouts
/// web metric left at its default method): the same verdict, not recorded in the audit trail.
#[utoipa::path(
    get, path = "/v1/deployments/{key}/verdict", tag = "verdicts",
    params(KeyParam, PeekQuery),
    responses(
        (status = 200, description = "The verdict, not recorded (id is null)", body = StoredVerdict),
        (status = 400, description = "Bad key, query or unknown policy", body = ErrorBody),
        (status = 503, description = "Database unavailable: no verdict", body = ErrorBody),
    )
)]
pub async fn peek_verdict(
    State(state): State<AppState>,
    key: DeploymentKey,
    Query(q): Query<PeekQuery>,
) -> Result<JsonResponse<StoredVerdict>, ApiError> {
    let options = VerdictOptions {
        weights: Weights::new(q.canary_weight, q.max_weight)?,
        policy: q.policy.map(PolicySpec::Name),
        at: q.at.map(Timestamp::get),
        since: None,
    };
    let judged = state.service.judge(&key, &options, Record::No).await?;
    Ok(JsonResponse(judged.verdict))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    #[param(pattern = "^[1-9][0-9]{0,17}$")]
    pub cursor: Option<String>,
}

/// A page of a deployment's verdicts, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VerdictPage {
    pub verdicts: Vec<StoredVerdict>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The deployment's recorded verdicts, newest first.
#[utoipa::path(
    get, path = "/v1/deployments/{key}/verdicts", tag = "verdicts",
    params(KeyParam, HistoryQuery),
    responses(
        (status = 200, description = "A page of verdicts", body = VerdictPage),
        (status = 400, description = "Bad key or query", body = ErrorBody),
        (status = 404, description = "No such deployment", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn list_verdicts(
    State(state): State<AppState>,
    key: DeploymentKey,
    Query(q): Query<HistoryQuery>,
) -> Result<JsonResponse<VerdictPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let before = parse_cursor(q.cursor.as_deref())?;
    let verdicts = state.service.list_verdicts(&key, limit, before).await?;
    let next_cursor = (verdicts.len() as i64 == limit)
        .then(|| verdicts.last().and_then(|v| v.id).map(|id| id.to_string()))
        .flatten();
    Ok(JsonResponse(VerdictPage {
        verdicts,
        next_cursor,
    }))
}
