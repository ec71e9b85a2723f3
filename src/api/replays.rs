//! `/v1/replays`: backtests run in the background over inline deployments or the store; their
//! progress and results are stored so the dashboard can show them.

use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::extract::{Json, Path, Query, check_unique_keys};
use crate::error::{ApiError, ErrorBody};
use crate::service::{
    PolicySpec, Polling, PrometheusDeployment, ReplayInput, ReplayRecord, ReplayStatus,
    ServiceError, StoreFilter,
};

/// What to replay, under which policies, polled how.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    /// Policy names or inline policies, compared side by side (default: `seed` and `guarded`).
    #[serde(default)]
    pub policies: Vec<PolicySpec>,
    /// Ask every N points (default 1).
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "crate::json::whole_number")]
    pub every: Option<i32>,
    /// Ask every this many seconds instead (needs timestamped series).
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "crate::json::whole_number")]
    pub interval_seconds: Option<i64>,
    /// Deployments to replay, each in the NDJSON line shape (`key`, `outcome`, `onset_step`,
    /// `metrics`, `baseline`, `cohorts`). Exactly one of `deployments`, `from_store` and
    /// `from_prometheus`.
    // Kept as their JSON text until each is read, one at a time: a `Value` of every deployment
    // at once took five to ten times the body.
    #[serde(default)]
    #[schema(value_type = Option<Vec<serde_json::Value>>)]
    pub deployments: Option<Vec<Box<RawValue>>>,
    /// Replay the stored deployments matching this filter.
    pub from_store: Option<StoreFilter>,
    /// Replay past deployments read from Prometheus through the template sets that apply to
    /// each (see docs/integrations/prometheus.md); nothing is stored.
    pub from_prometheus: Option<FromPrometheus>,
}

/// Past deployments to read from Prometheus, each by service, versions and time range.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromPrometheus {
    /// 1 to 1,000 deployments.
    pub deployments: Vec<PrometheusDeployment>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReplayList {
    /// Newest first, without results.
    pub replays: Vec<ReplayRecord>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReplayListQuery {
    /// How many, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// Starts a replay in the background and answers at once with its record (202); poll
/// `GET /v1/replays/{id}` for progress and the result. Inline deployments are checked before
/// anything starts: a bad one is a 400 naming its index.
#[utoipa::path(
    post, path = "/v1/replays", tag = "replays",
    request_body(content = ReplayRequest, example = json!({"policies": ["seed", "guarded"],
        "deployments": [{"key": "checkout.prod.42", "outcome": "promoted",
                         "metrics": {"error_rate": [0.4, 0.7, 0.5, 6.2, 6.1, 6.3]}}]})),
    responses(
        (status = 202, description = "Started", body = ReplayRecord),
        (status = 400, description = "Bad request, deployment or policy; a query Prometheus rejects (`template_rejected`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 424, description = "`from_prometheus`: a source could not be asked (`source_unavailable`)", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn start_replay(
    State(state): State<AppState>,
    Json(req): Json<ReplayRequest>,
) -> Result<(StatusCode, JsonResponse<ReplayRecord>), ApiError> {
    let polling = Polling::from_request(req.every, req.interval_seconds)?;
    let input = match (req.deployments, req.from_store, req.from_prometheus) {
        (Some(ds), None, None) => {
            for (i, d) in ds.iter().enumerate() {
                check_unique_keys(d.get().as_bytes(), &format!("deployments[{i}]"))?;
            }
            ReplayInput::Inline(ds)
        }
        (None, Some(filter), None) => ReplayInput::Store(filter),
        (None, None, Some(from)) => ReplayInput::from_values(
            &state
                .service
                .read_prometheus_deployments(&from.deployments)
                .await?,
        ),
        _ => {
            return Err(ServiceError::invalid(
                "deployments",
                "give exactly one of deployments, from_store and from_prometheus",
            )
            .into());
        }
    };
    let record = state
        .service
        .start_replay(&req.policies, polling, input)
        .await?;
    Ok((StatusCode::ACCEPTED, JsonResponse(record)))
}

/// One replay: status, progress, and the report once done.
#[utoipa::path(
    get, path = "/v1/replays/{id}", tag = "replays",
    params(("id" = i64, Path, description = "Replay id")),
    responses(
        (status = 200, description = "The replay: status, progress, and the report once done", body = ReplayRecord),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 404, description = "No such replay", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn get_replay(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<JsonResponse<ReplayRecord>, ApiError> {
    Ok(JsonResponse(state.service.replay(id).await?))
}

/// Cancels a running (or queued) replay, whichever replica runs it: it stops within a few
/// thousand steps of computation and is recorded `failed` with the error `cancelled` (a replay
/// running in another replica stops at that replica's next heartbeat, a tenth of
/// `--replay-lease`). The answer waits up to 5 s for that: 200 with the final record, or 202 with
/// the record still `running` if it took longer (poll `GET /v1/replays/{id}`). A finished replay
/// is kept (409); cancelling needs `evaluate`, like starting one. An action rather than `DELETE`:
/// the replay's record stays.
#[utoipa::path(
    post, path = "/v1/replays/{id}/cancel", tag = "replays",
    params(("id" = i64, Path, description = "Replay id")),
    responses(
        (status = 200, description = "Cancelled: the record, `failed` with error `cancelled`", body = ReplayRecord),
        (status = 202, description = "Cancelling: the replay is still stopping", body = ReplayRecord),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 404, description = "No such replay", body = ErrorBody),
        (status = 409, description = "The replay has already finished", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn cancel_replay(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<(StatusCode, JsonResponse<ReplayRecord>), ApiError> {
    let record = state.service.cancel_replay(id).await?;
    let status = if record.status == ReplayStatus::Running {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, JsonResponse(record)))
}

/// The newest replays, without their results.
#[utoipa::path(
    get, path = "/v1/replays", tag = "replays",
    params(ReplayListQuery),
    responses(
        (status = 200, description = "The newest replays, without their results", body = ReplayList),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn list_replays(
    State(state): State<AppState>,
    Query(q): Query<ReplayListQuery>,
) -> Result<JsonResponse<ReplayList>, ApiError> {
    let limit = super::page_limit(q.limit)?;
    Ok(JsonResponse(ReplayList {
        replays: state.service.list_replays(limit).await?,
    }))
}
