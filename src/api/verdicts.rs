//! `/v1/deployments/{key}/verdicts`: evaluate the stored series and record the verdict (the
//! endpoint rollout controllers call), and read the audit trail.

use axum::Json as JsonResponse;
use axum::extract::State;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::deployments::key;
use super::evaluate::resolve_spec;
use super::extract::{OptionalJson, Path, Query};
use super::{AppState, page_limit, parse_cursor};
use crate::analysis::metric::{self, JUDGED_METRICS};
use crate::analysis::policy::{GUARDED, PolicyError};
use crate::analysis::{Observations, Policy, PolicySpec, Traffic, Verdict, evaluate, recommend};
use crate::error::{ApiError, ErrorBody};
use crate::model::{
    DeploymentKey, NewVerdict, StoredVerdict, Timestamp, VerdictInputs, series_observations,
};

/// Options for one evaluation of a deployment's stored series; the body may be empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRequest {
    /// Overrides the deployment's policy: a name or an inline (partial) policy.
    pub policy: Option<PolicySpec>,
    /// Evaluate as of this time (RFC 3339, years 0001–9999): only points at or before it are read.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
    /// The canary's current traffic weight (percent); when given, the verdict carries the next
    /// step (see canary stepping in the README).
    #[schema(minimum = 0, maximum = 100)]
    pub canary_weight: Option<u32>,
    /// The weight at which the canary is fully rolled out (percent, default 100).
    #[schema(minimum = 1, maximum = 100)]
    pub max_weight: Option<u32>,
}

impl VerdictRequest {
    /// The (current, max) weights, checked, when the caller gave a current weight.
    fn weights(&self) -> Result<Option<(u32, u32)>, ApiError> {
        let max = self.max_weight.unwrap_or(100);
        if !(1..=100).contains(&max) {
            return Err(ApiError::bad_request(
                "invalid_body",
                format!("max_weight {max} must be between 1 and 100"),
            ));
        }
        match self.canary_weight {
            None => Ok(None),
            Some(w) if w <= max => Ok(Some((w, max))),
            Some(w) => Err(ApiError::bad_request(
                "invalid_body",
                format!("canary_weight {w} must be between 0 and max_weight {max}"),
            )),
        }
    }
}

/// The policy for a deployment: the request's, else the deployment's, else its environment's
/// default (both read with the deployment), else `guarded`.
async fn choose_policy(
    state: &AppState,
    requested: Option<&PolicySpec>,
    inputs: Option<&VerdictInputs>,
) -> Result<(String, Policy, Option<i64>), ApiError> {
    if let Some(requested) = requested {
        return resolve_spec(state, requested).await;
    }
    let name = inputs
        .and_then(|i| i.policy_name.as_deref())
        .unwrap_or(GUARDED);
    if let Some(policy) = Policy::builtin(name) {
        return Ok((name.to_string(), policy, None));
    }
    match inputs.and_then(|i| i.stored_policy.clone()) {
        Some(record) => Ok((record.name, record.policy, Some(record.version))),
        None => Err(PolicyError::Unknown(name.to_string()).into()),
    }
}

/// Whether a judgement goes into the deployment's audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Yes,
    No,
}

fn last(obs: &Observations, metric: &str) -> Option<f64> {
    obs.canary
        .get(metric)
        .and_then(|s| s.values.last().copied())
}

/// Evaluates `key`'s stored series; records the verdict when asked and the deployment exists.
pub async fn judge(
    state: &AppState,
    key: &DeploymentKey,
    req: &VerdictRequest,
    record: Record,
) -> Result<StoredVerdict, ApiError> {
    let weights = req.weights()?;
    // One read for the deployment, its default policy and its series.
    let inputs = state
        .store
        .verdict_inputs(key, &JUDGED_METRICS, req.at.map(Timestamp::get))
        .await?;
    let (name, policy, version) =
        choose_policy(state, req.policy.as_ref(), inputs.as_ref()).await?;
    let exists = inputs.is_some();
    let series = inputs.map(|i| i.series).unwrap_or_default();
    let count = series.iter().map(|s| s.ts.len() as i64).sum();
    let first_ts = series.iter().filter_map(|s| s.ts.first()).min().copied();
    let last_ts = series.iter().filter_map(|s| s.ts.last()).max().copied();
    let obs: Observations = series_observations(series);
    let evaluation = evaluate(&policy, &obs.inputs());
    let mut report = Verdict::new(name, &policy, &evaluation);
    crate::telemetry::record_verdict(&report);
    if let Some((current, max)) = weights {
        let traffic = Traffic {
            latency_p99: last(&obs, metric::LATENCY_P99),
            rps: last(&obs, metric::RPS),
        };
        report.recommendation = Some(recommend(evaluation.decision, current, max, traffic));
    }
    let new = NewVerdict {
        as_of: req.at.map(Timestamp::get),
        policy_version: version,
        points: count,
        first_ts,
        last_ts,
        report,
    };
    if exists && record == Record::Yes {
        Ok(state.store.record_verdict(key, new).await?)
    } else {
        // Read-only, or an unknown deployment (inconclusive, not an error): nothing to record.
        Ok(StoredVerdict::new(None, key, Utc::now(), new))
    }
}

/// Evaluates the deployment's stored series (canary, with baseline and pre cohorts for the
/// conversion baseline), records the verdict, and returns it. Every computed verdict is HTTP 200
/// with the decision at `$.verdict` (an unknown deployment is `inconclusive`); a non-2xx means
/// no verdict could be computed.
#[utoipa::path(
    post, path = "/v1/deployments/{key}/verdicts", tag = "verdicts",
    params(("key" = String, Path, description = "Deployment key, chosen by the caller",
        pattern = "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$", min_length = 1, max_length = 200,
        example = "checkout.production.v2-3-1")),
    request_body(content = Option<VerdictRequest>,
        description = "Optional: with no body (and no content type), the defaults apply",
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
        (status = 400, description = "Bad key, body or unknown policy", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 503, description = "Database unavailable: no verdict", body = ErrorBody),
    )
)]
pub async fn create_verdict(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OptionalJson(req): OptionalJson<VerdictRequest>,
) -> Result<JsonResponse<StoredVerdict>, ApiError> {
    let key = key(&raw)?;
    judge(&state, &key, &req, Record::Yes)
        .await
        .map(JsonResponse)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeekQuery {
    /// A built-in or stored policy name; default as for POST.
    #[param(pattern = "^[a-z0-9][a-z0-9._-]{0,63}$", example = "seed")]
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
    params(("key" = String, Path, description = "Deployment key, chosen by the caller",
        pattern = "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$", min_length = 1, max_length = 200,
        example = "checkout.production.v2-3-1"), PeekQuery),
    responses(
        (status = 200, description = "The verdict, not recorded (id is null)", body = StoredVerdict),
        (status = 400, description = "Bad key, query or unknown policy", body = ErrorBody),
        (status = 503, description = "Database unavailable: no verdict", body = ErrorBody),
    )
)]
pub async fn peek_verdict(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<PeekQuery>,
) -> Result<JsonResponse<StoredVerdict>, ApiError> {
    let key = key(&raw)?;
    let req = VerdictRequest {
        policy: q.policy.map(PolicySpec::Name),
        at: q.at,
        canary_weight: q.canary_weight,
        max_weight: q.max_weight,
    };
    judge(&state, &key, &req, Record::No)
        .await
        .map(JsonResponse)
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
    params(("key" = String, Path, description = "Deployment key, chosen by the caller",
        pattern = "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$", min_length = 1, max_length = 200,
        example = "checkout.production.v2-3-1"), HistoryQuery),
    responses(
        (status = 200, description = "A page of verdicts", body = VerdictPage),
        (status = 400, description = "Bad key or query", body = ErrorBody),
        (status = 404, description = "No such deployment", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn list_verdicts(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Result<JsonResponse<VerdictPage>, ApiError> {
    let key = key(&raw)?;
    let limit = page_limit(q.limit)?;
    let before = parse_cursor(q.cursor.as_deref())?;
    if state.store.get_deployment(&key).await?.is_none() {
        return Err(ApiError::not_found(format!("no deployment '{key}'")));
    }
    let verdicts = state.store.list_verdicts(&key, limit, before).await?;
    let next_cursor = (verdicts.len() as i64 == limit)
        .then(|| verdicts.last().and_then(|v| v.id).map(|id| id.to_string()))
        .flatten();
    Ok(JsonResponse(VerdictPage {
        verdicts,
        next_cursor,
    }))
}
