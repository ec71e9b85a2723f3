//! `/v1/replays`: backtests run in the background over inline deployments or the store; their
//! progress and results are stored so the dashboard can show them.

use std::sync::Arc;

use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::evaluate::resolve_spec;
use super::extract::{Json, Path, Query};
use crate::analysis::{Policy, PolicySpec};
use crate::error::{ApiError, ErrorBody};
use crate::replay::input::deployment_from_value;
use crate::replay::source::{StoreFilter, StoreSource};
use crate::replay::{
    Polling, ReplayDeployment, ReplayProgress, ReplayRecord, replay_one, report_from,
};
use crate::store::Store;

/// How often (in deployments) a running replay records its progress.
const PROGRESS_EVERY: usize = 100;

/// What to replay, under which policies, polled how.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    /// Policy names or inline policies, compared side by side (default: `seed` and `guarded`).
    #[serde(default)]
    pub policies: Vec<PolicySpec>,
    /// Ask every N points (default 1).
    #[schema(minimum = 1)]
    pub every: Option<usize>,
    /// Ask every this many seconds instead (needs timestamped series).
    #[schema(minimum = 1)]
    pub interval_seconds: Option<u64>,
    /// Deployments to replay, each in the NDJSON line shape (`key`, `outcome`, `onset_step`,
    /// `metrics`, `baseline`, `cohorts`). Exactly one of `deployments` and `from_store`.
    pub deployments: Option<Vec<Value>>,
    /// Replay the stored deployments matching this filter.
    pub from_store: Option<StoreFilter>,
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

enum Source {
    Inline(Vec<ReplayDeployment>),
    Store(StoreFilter),
}

fn polling(req: &ReplayRequest) -> Result<Polling, ApiError> {
    match (req.every, req.interval_seconds) {
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            "invalid_body",
            "give every or interval_seconds, not both",
        )),
        (Some(0), _) | (_, Some(0)) => Err(ApiError::bad_request(
            "invalid_body",
            "every and interval_seconds must be at least 1",
        )),
        (Some(n), None) => Ok(Polling::EveryPoints(n)),
        (None, Some(s)) => Ok(Polling::Interval(chrono::Duration::seconds(
            s.min(i64::MAX as u64 / 1_000_000) as i64,
        ))),
        (None, None) => Ok(Polling::EveryPoints(1)),
    }
}

async fn policies(
    state: &AppState,
    specs: &[PolicySpec],
) -> Result<Vec<(String, Policy)>, ApiError> {
    let defaults = [
        PolicySpec::Name("seed".into()),
        PolicySpec::Name("guarded".into()),
    ];
    let specs = if specs.is_empty() {
        &defaults[..]
    } else {
        specs
    };
    let mut out: Vec<(String, Policy)> = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let (mut name, policy, _) = resolve_spec(state, spec).await?;
        if matches!(spec, PolicySpec::Inline(_)) {
            name = format!("inline-{}", i + 1);
        }
        if out.iter().any(|(n, _)| *n == name) {
            return Err(ApiError::bad_request(
                "invalid_body",
                format!("policy '{name}' is listed twice"),
            ));
        }
        out.push((name, policy));
    }
    Ok(out)
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
        (status = 400, description = "Bad request, deployment or policy", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn start_replay(
    State(state): State<AppState>,
    Json(req): Json<ReplayRequest>,
) -> Result<(StatusCode, JsonResponse<ReplayRecord>), ApiError> {
    let polling = polling(&req)?;
    let policies = policies(&state, &req.policies).await?;
    let source = match (req.deployments, req.from_store) {
        (Some(ds), None) => Source::Inline(
            ds.into_iter()
                .enumerate()
                .map(|(i, v)| {
                    deployment_from_value(v).map_err(|m| {
                        ApiError::bad_request("invalid_body", format!("deployments[{i}]: {m}"))
                            .with_details(json!({"index": i}))
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
        (None, Some(filter)) => Source::Store(filter),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_body",
                "give exactly one of deployments and from_store",
            ));
        }
    };
    let names: Vec<String> = policies.iter().map(|(n, _)| n.clone()).collect();
    let record = state.store.create_replay(&names).await?;
    let store = state.store.clone();
    let id = record.id;
    tokio::spawn(async move {
        let outcome = run(store.clone(), id, source, &policies, polling).await;
        let finished = match &outcome {
            Ok(report) => store.finish_replay(id, Ok(report)).await,
            Err(reason) => store.finish_replay(id, Err(reason)).await,
        };
        if let Err(e) = finished {
            tracing::error!(replay = id, error = %e, "could not record the end of a replay");
        }
    });
    Ok((StatusCode::ACCEPTED, JsonResponse(record)))
}

/// Runs a replay, recording progress now and then; the error is a message for the record.
async fn run(
    store: Arc<dyn Store>,
    id: i64,
    source: Source,
    policies: &[(String, Policy)],
    polling: Polling,
) -> Result<crate::replay::ReplayReport, String> {
    let progress = |done: usize, total: usize| ReplayProgress {
        done: done as i64,
        total: Some(total as i64),
    };
    let mut results = Vec::new();
    match source {
        Source::Inline(deployments) => {
            let total = deployments.len();
            for (i, d) in deployments.iter().enumerate() {
                results
                    .push(replay_one(d, policies, polling).map_err(|e| format!("{}: {e}", d.key))?);
                if (i + 1) % PROGRESS_EVERY == 0 {
                    let _ = store
                        .update_replay_progress(id, progress(i + 1, total))
                        .await;
                    tokio::task::yield_now().await;
                }
            }
            let _ = store
                .update_replay_progress(id, progress(total, total))
                .await;
        }
        Source::Store(filter) => {
            let mut source = StoreSource::list(store.clone(), &filter)
                .await
                .map_err(|e| e.to_string())?;
            let total = source.total();
            let _ = store.update_replay_progress(id, progress(0, total)).await;
            while let Some(d) = source.next().await {
                let d = d.map_err(|e| e.to_string())?;
                results.push(
                    replay_one(&d, policies, polling).map_err(|e| format!("{}: {e}", d.key))?,
                );
                if results.len() % PROGRESS_EVERY == 0 {
                    let _ = store
                        .update_replay_progress(id, progress(results.len(), total))
                        .await;
                }
            }
            let _ = store
                .update_replay_progress(id, progress(total, total))
                .await;
        }
    }
    Ok(report_from(policies, results))
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
    state
        .store
        .get_replay(id)
        .await?
        .map(JsonResponse)
        .ok_or_else(|| ApiError::not_found(format!("no replay {id}")))
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
        replays: state.store.list_replays(limit).await?,
    }))
}
