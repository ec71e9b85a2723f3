//! `/v1/deployments`: create, update, read, delete and list deployments.

use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json, KeyParam, Query};
use super::{AppState, page_limit, parse_cursor};
use crate::error::{ApiError, ErrorBody};
use crate::service::{Decision, Deployment, DeploymentKey, DeploymentQuery, DeploymentSpec};

/// Creates the deployment, or replaces its descriptive fields (points and verdicts are kept).
#[utoipa::path(
    put, path = "/v1/deployments/{key}", tag = "deployments",
    params(KeyParam),
    request_body(content = DeploymentSpec, example = json!({"service": "checkout",
        "environment": "production", "version": "v2.3.1", "started_at": "2026-11-24T10:00:00Z",
        "labels": {"team": "payments"}})),
    responses(
        (status = 200, description = "Updated", body = Deployment),
        (status = 201, description = "Created", body = Deployment),
        (status = 400, description = "Bad key or body", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn put_deployment(
    State(state): State<AppState>,
    key: DeploymentKey,
    Json(spec): Json<DeploymentSpec>,
) -> Result<(StatusCode, JsonResponse<Deployment>), ApiError> {
    let (deployment, created) = state.service.put_deployment(&key, &spec).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, JsonResponse(deployment)))
}

/// One deployment, with its point count and latest verdict.
#[utoipa::path(
    get, path = "/v1/deployments/{key}", tag = "deployments",
    params(KeyParam),
    responses(
        (status = 200, description = "The deployment", body = Deployment),
        (status = 400, description = "Bad key", body = ErrorBody),
        (status = 404, description = "No such deployment", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn get_deployment(
    State(state): State<AppState>,
    key: DeploymentKey,
) -> Result<JsonResponse<Deployment>, ApiError> {
    Ok(JsonResponse(state.service.deployment(&key).await?))
}

/// Deletes the deployment with its points and verdicts. Deleting it again answers 404.
#[utoipa::path(
    delete, path = "/v1/deployments/{key}", tag = "deployments",
    params(KeyParam),
    responses(
        (status = 204, description = "Deleted, with its points and verdicts"),
        (status = 400, description = "Bad key", body = ErrorBody),
        (status = 404, description = "No such deployment", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn delete_deployment(
    State(state): State<AppState>,
    key: DeploymentKey,
) -> Result<StatusCode, ApiError> {
    state.service.delete_deployment(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a `service` or `environment` filter like the stored field it matches: no stored value
/// could match a longer one or one with control or bidirectional formatting characters.
fn check_filter(name: &str, value: Option<&str>) -> Result<(), ApiError> {
    match value {
        Some(v) if !crate::service::is_valid_field(v) => Err(ApiError::bad_request(
            "invalid_query",
            format!(
                "{name} must be at most {} characters without control characters or bidirectional \
                 formatting characters",
                crate::service::MAX_FIELD_LEN
            ),
        )),
        _ => Ok(()),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only deployments of this service.
    #[param(max_length = 256)]
    pub service: Option<String>,
    /// Only deployments in this environment.
    #[param(max_length = 256)]
    pub environment: Option<String>,
    /// Only deployments whose latest recorded verdict is this one (never-judged deployments
    /// have none, so they match no value).
    pub verdict: Option<Decision>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    #[param(pattern = "^[1-9][0-9]{0,17}$")]
    pub cursor: Option<String>,
}

/// A page of deployments, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeploymentPage {
    pub deployments: Vec<Deployment>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Lists deployments, newest first.
#[utoipa::path(
    get, path = "/v1/deployments", tag = "deployments",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of deployments", body = DeploymentPage),
        (status = 400, description = "Bad query string", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn list_deployments(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<JsonResponse<DeploymentPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    check_filter("service", q.service.as_deref())?;
    check_filter("environment", q.environment.as_deref())?;
    let query = DeploymentQuery {
        service: q.service,
        environment: q.environment,
        verdict: q.verdict,
        limit,
        before_id: parse_cursor(q.cursor.as_deref())?,
    };
    let rows = state.service.list_deployments(&query).await?;
    let next_cursor = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|(id, _)| id.to_string()))
        .flatten();
    Ok(JsonResponse(DeploymentPage {
        deployments: rows.into_iter().map(|(_, d)| d).collect(),
        next_cursor,
    }))
}
