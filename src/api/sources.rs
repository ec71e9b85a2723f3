//! `/v1/sources` (Prometheus servers rollguard reads at verdict time) and `/v1/templates` (the
//! PromQL that says what to read, per environment, service or deployment). Admin scope, reads
//! included: they show where the secrets are kept.

use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::extract::{Json, SourceParam, TemplateParams, TemplateTarget};
use crate::error::{ApiError, ErrorBody};
use crate::service::{Source, SourceName, SourceSpec, TemplateSet, TemplateSetSpec};

fn created(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SourceList {
    /// By name.
    pub sources: Vec<Source>,
}

/// Every source.
#[utoipa::path(
    get, path = "/v1/sources", tag = "sources",
    responses(
        (status = 200, description = "Every source", body = SourceList),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn list_sources(
    State(state): State<AppState>,
) -> Result<JsonResponse<SourceList>, ApiError> {
    let sources = state.service.list_sources().await?;
    Ok(JsonResponse(SourceList { sources }))
}

/// One source: its URL, time limit, and where its secret is (never the secret).
#[utoipa::path(
    get, path = "/v1/sources/{name}", tag = "sources",
    params(SourceParam),
    responses(
        (status = 200, description = "The source", body = Source),
        (status = 400, description = "Bad name", body = ErrorBody),
        (status = 404, description = "No such source", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn get_source(
    State(state): State<AppState>,
    name: SourceName,
) -> Result<JsonResponse<Source>, ApiError> {
    Ok(JsonResponse(state.service.source(&name).await?))
}

/// Creates or replaces a source. Its URL is plain `http://`; its auth names an environment
/// variable or a file holding the token or password, which must be readable now.
#[utoipa::path(
    put, path = "/v1/sources/{name}", tag = "sources",
    params(SourceParam),
    request_body(content = SourceSpec,
        example = json!({"url": "http://prometheus.monitoring:9090", "timeout_ms": 5000,
            "auth": {"type": "bearer", "secret_file": "/var/run/secrets/prometheus/token"}})),
    responses(
        (status = 200, description = "The source, replaced", body = Source),
        (status = 201, description = "The source, created", body = Source),
        (status = 400, description = "Bad name, URL, auth or time limit; or the secret cannot be read", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn put_source(
    State(state): State<AppState>,
    name: SourceName,
    Json(spec): Json<SourceSpec>,
) -> Result<(StatusCode, JsonResponse<Source>), ApiError> {
    let (source, is_new) = state.service.put_source(&name, spec).await?;
    Ok((created(is_new), JsonResponse(source)))
}

/// Deletes a source no template set uses.
#[utoipa::path(
    delete, path = "/v1/sources/{name}", tag = "sources",
    params(SourceParam),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Bad name", body = ErrorBody),
        (status = 404, description = "No such source", body = ErrorBody),
        (status = 409, description = "Template sets use it", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn delete_source(
    State(state): State<AppState>,
    name: SourceName,
) -> Result<StatusCode, ApiError> {
    state.service.delete_source(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TemplateSetList {
    /// By scope, then target.
    pub templates: Vec<TemplateSet>,
}

/// Every template set.
#[utoipa::path(
    get, path = "/v1/templates", tag = "sources",
    responses(
        (status = 200, description = "Every template set", body = TemplateSetList),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn list_templates(
    State(state): State<AppState>,
) -> Result<JsonResponse<TemplateSetList>, ApiError> {
    let templates = state.service.list_template_sets().await?;
    Ok(JsonResponse(TemplateSetList { templates }))
}

/// One template set, with the queries as stored (a preset's included).
#[utoipa::path(
    get, path = "/v1/templates/{scope}/{target}", tag = "sources",
    params(TemplateParams),
    responses(
        (status = 200, description = "The template set", body = TemplateSet),
        (status = 400, description = "Bad scope or target", body = ErrorBody),
        (status = 404, description = "No template set there", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn get_template(
    State(state): State<AppState>,
    TemplateTarget { scope, target }: TemplateTarget,
) -> Result<JsonResponse<TemplateSet>, ApiError> {
    let set = state.service.template_set(scope, &target).await?;
    Ok(JsonResponse(set))
}

/// Creates or replaces a template set. Placeholders: `{{service}}`, `{{environment}}`,
/// `{{version}}`, `{{baseline_version}}`, `{{key}}`, `{{labels.NAME}}` inside string literals,
/// `{{step}}` outside them. Every query is run once against the source with sample values: a
/// query Prometheus rejects is a 400 with Prometheus's message, and nothing is stored.
#[utoipa::path(
    put, path = "/v1/templates/{scope}/{target}", tag = "sources",
    params(TemplateParams),
    request_body(content = TemplateSetSpec,
        example = json!({"source": "prometheus-main", "preset": "http", "step_seconds": 60})),
    responses(
        (status = 200, description = "The template set, replaced", body = TemplateSet),
        (status = 201, description = "The template set, created", body = TemplateSet),
        (status = 400, description = "Bad scope, target, source, metric, placeholder (`invalid_template`), or a query Prometheus rejects (`template_rejected`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 424, description = "The source could not be asked (down, timed out, refused the credentials): `source_unavailable`", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn put_template(
    State(state): State<AppState>,
    TemplateTarget { scope, target }: TemplateTarget,
    Json(spec): Json<TemplateSetSpec>,
) -> Result<(StatusCode, JsonResponse<TemplateSet>), ApiError> {
    let (set, is_new) = state.service.put_template_set(scope, &target, spec).await?;
    Ok((created(is_new), JsonResponse(set)))
}

/// Deletes a template set; the points it pulled stay.
#[utoipa::path(
    delete, path = "/v1/templates/{scope}/{target}", tag = "sources",
    params(TemplateParams),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Bad scope or target", body = ErrorBody),
        (status = 404, description = "No template set there", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn delete_template(
    State(state): State<AppState>,
    TemplateTarget { scope, target }: TemplateTarget,
) -> Result<StatusCode, ApiError> {
    state.service.delete_template_set(scope, &target).await?;
    Ok(StatusCode::NO_CONTENT)
}
