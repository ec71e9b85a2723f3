//! `/v1/deployments/{key}/verdicts`: evaluate the stored series and record the verdict (the
//! endpoint rollout controllers call), and read the audit trail.

use axum::Json as JsonResponse;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::deployments::key;
use super::evaluate::resolve_spec;
use super::extract::{OptionalJson, Path, Query};
use super::{AppState, page_limit, parse_cursor};
use crate::analysis::metric::KNOWN_METRICS;
use crate::analysis::policy::SEED;
use crate::analysis::{Observations, Policy, PolicySpec, Verdict, evaluate};
use crate::error::{ApiError, ErrorBody};
use crate::model::{Deployment, DeploymentKey, NewVerdict, StoredVerdict, observations};

/// Options for one evaluation of a deployment's stored series; the body may be empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRequest {
    /// Overrides the deployment's policy: a name or an inline (partial) policy.
    pub policy: Option<PolicySpec>,
    /// Evaluate as of this time: only points at or before it are read.
    pub at: Option<DateTime<Utc>>,
}

/// The policy for a deployment: the request's, else the deployment's, else its environment's
/// default, else `seed`.
async fn choose_policy(
    state: &AppState,
    requested: Option<&PolicySpec>,
    deployment: Option<&Deployment>,
) -> Result<(String, Policy, Option<i64>), ApiError> {
    if let Some(spec) = requested {
        return resolve_spec(state, spec).await;
    }
    let spec = deployment.map(|d| &d.spec);
    let mut name = spec.and_then(|s| s.policy.clone());
    if name.is_none()
        && let Some(env) = spec.and_then(|s| s.environment.as_deref())
    {
        name = state
            .store
            .get_environment_policy(env)
            .await?
            .map(|e| e.policy);
    }
    resolve_spec(
        state,
        &PolicySpec::Name(name.unwrap_or_else(|| SEED.into())),
    )
    .await
}

/// Evaluates `key`'s stored series; records the verdict when the deployment exists.
pub async fn judge(
    state: &AppState,
    key: &DeploymentKey,
    req: &VerdictRequest,
) -> Result<StoredVerdict, ApiError> {
    let deployment = state.store.get_deployment(key).await?;
    let (name, policy, version) =
        choose_policy(state, req.policy.as_ref(), deployment.as_ref()).await?;
    let exists = deployment.is_some();
    let points = match deployment {
        Some(_) => state
            .store
            .series(key, &KNOWN_METRICS, req.at)
            .await?
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let count = points.len() as i64;
    let first_ts = points.iter().map(|p| p.ts).min();
    let last_ts = points.iter().map(|p| p.ts).max();
    let obs: Observations = observations(points);
    let evaluation = evaluate(&policy, &obs.inputs());
    let report = Verdict::new(name, &policy, &evaluation);
    let new = NewVerdict {
        as_of: req.at,
        policy_version: version,
        points: count,
        first_ts,
        last_ts,
        report,
    };
    if exists {
        Ok(state.store.record_verdict(key, &new).await?)
    } else {
        // An unknown deployment is inconclusive, not an error: there is nothing to record it on.
        Ok(StoredVerdict {
            id: None,
            deployment: key.to_string(),
            evaluated_at: Utc::now(),
            as_of: new.as_of,
            policy_version: new.policy_version,
            points: 0,
            first_ts: None,
            last_ts: None,
            report: new.report,
        })
    }
}

/// Evaluates the deployment's stored series (canary, with baseline and pre cohorts for the
/// conversion baseline), records the verdict, and returns it. Every computed verdict is HTTP 200
/// with the decision at `$.verdict` (an unknown deployment is `inconclusive`); a non-2xx means
/// no verdict could be computed.
#[utoipa::path(
    post, path = "/v1/deployments/{key}/verdicts", tag = "verdicts",
    params(("key" = String, Path, description = "Deployment key")),
    request_body(content = Option<VerdictRequest>, description = "Optional; may be empty"),
    responses(
        (status = 200, description = "The verdict (also for unknown deployments: inconclusive)", body = StoredVerdict),
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
    judge(&state, &key, &req).await.map(JsonResponse)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

/// A page of a deployment's verdicts, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VerdictPage {
    pub verdicts: Vec<StoredVerdict>,
    pub next_cursor: Option<String>,
}

/// The deployment's recorded verdicts, newest first.
#[utoipa::path(
    get, path = "/v1/deployments/{key}/verdicts", tag = "verdicts",
    params(("key" = String, Path, description = "Deployment key"), HistoryQuery),
    responses(
        (status = 200, body = VerdictPage),
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
