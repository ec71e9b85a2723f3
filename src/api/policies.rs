//! `/v1/policies` (named, versioned rule parameters; built-ins are read-only) and
//! `/v1/environments` (which policy an environment's deployments get by default).

use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::extract::{EnvironmentParam, Json, PolicyParam};
use crate::error::{ApiError, ErrorBody};
use crate::service::{
    EnvironmentName, EnvironmentPolicy, Policy, PolicyName, PolicyRecord, UniqueValue,
};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PolicyList {
    /// Built-in policies first, then the latest version of each stored one.
    pub policies: Vec<PolicyRecord>,
}

/// Lists built-in and stored policies.
#[utoipa::path(
    get, path = "/v1/policies", tag = "policies",
    responses(
        (status = 200, description = "Every policy", body = PolicyList),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn list_policies(
    State(state): State<AppState>,
) -> Result<JsonResponse<PolicyList>, ApiError> {
    let policies = state.service.list_policies().await?;
    Ok(JsonResponse(PolicyList { policies }))
}

/// The latest version of a policy.
#[utoipa::path(
    get, path = "/v1/policies/{name}", tag = "policies",
    params(PolicyParam),
    responses(
        (status = 200, description = "The policy's latest version", body = PolicyRecord),
        (status = 400, description = "Bad name", body = ErrorBody),
        (status = 404, description = "No such policy", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn get_policy(
    State(state): State<AppState>,
    name: PolicyName,
) -> Result<JsonResponse<PolicyRecord>, ApiError> {
    state
        .service
        .policy(&name)
        .await?
        .map(JsonResponse)
        .ok_or_else(|| ApiError::not_found(format!("no policy '{name}'")))
}

/// Stores a new version of a policy. The body is a full or partial policy: fields it leaves
/// out take the `seed` defaults. Built-in policies are read-only.
#[utoipa::path(
    put, path = "/v1/policies/{name}", tag = "policies",
    params(PolicyParam),
    request_body(content = Policy,
        description = "A full policy, or a partial one: the fields it leaves out take the `seed` defaults",
        example = json!({"rules": {"error_rate": {"threshold": 2.0}, "latency": {"sigmas": 3.0}}})),
    responses(
        (status = 200, description = "A new version of an existing policy", body = PolicyRecord),
        (status = 201, description = "Version 1 of a new policy", body = PolicyRecord),
        (status = 400, description = "Bad name or policy", body = ErrorBody),
        (status = 409, description = "Built-in policies are read-only", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn put_policy(
    State(state): State<AppState>,
    name: PolicyName,
    Json(UniqueValue(body)): Json<UniqueValue>,
) -> Result<(StatusCode, JsonResponse<PolicyRecord>), ApiError> {
    let record = state.service.put_policy(&name, &body).await?;
    let status = if record.version == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, JsonResponse(record)))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnvironmentList {
    pub environments: Vec<EnvironmentPolicy>,
}

/// Which policy each environment's deployments get when they name none.
#[utoipa::path(
    get, path = "/v1/environments", tag = "policies",
    responses(
        (status = 200, description = "Every environment with a default policy", body = EnvironmentList),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn list_environments(
    State(state): State<AppState>,
) -> Result<JsonResponse<EnvironmentList>, ApiError> {
    let environments = state.service.list_environments().await?;
    Ok(JsonResponse(EnvironmentList { environments }))
}

/// An environment's default policy.
#[utoipa::path(
    get, path = "/v1/environments/{name}", tag = "policies",
    params(EnvironmentParam),
    responses(
        (status = 200, description = "The environment's default policy", body = EnvironmentPolicy),
        (status = 400, description = "Bad name", body = ErrorBody),
        (status = 404, description = "No default set for this environment", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn get_environment(
    State(state): State<AppState>,
    name: EnvironmentName,
) -> Result<JsonResponse<EnvironmentPolicy>, ApiError> {
    Ok(JsonResponse(state.service.environment(&name).await?))
}

/// The policy to set as an environment's default: `policy` names a built-in or stored policy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentRequest {
    // A field's own description would turn the inlined schema into an `allOf` with an object.
    #[schema(value_type = PolicyName, inline)]
    pub policy: String,
}

/// Sets an environment's default policy; it must name an existing policy.
#[utoipa::path(
    put, path = "/v1/environments/{name}", tag = "policies",
    params(EnvironmentParam),
    request_body = EnvironmentRequest,
    responses(
        (status = 200, description = "The environment's new default policy", body = EnvironmentPolicy),
        (status = 400, description = "Bad name, body or unknown policy", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn put_environment(
    State(state): State<AppState>,
    name: EnvironmentName,
    Json(req): Json<EnvironmentRequest>,
) -> Result<JsonResponse<EnvironmentPolicy>, ApiError> {
    // Parsed here, not by serde, so that a bad name is `invalid_name` like one in the path.
    let policy = PolicyName::parse(&req.policy)?;
    Ok(JsonResponse(
        state.service.set_environment(&name, &policy).await?,
    ))
}
