//! Liveness (`/healthz`), readiness (`/readyz`: the store answers) and the API document.

use std::time::Duration;

use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::response::ResponseBuilder;

use super::AppState;
use crate::error::{ApiError, ErrorBody};

/// How long readiness waits for the store before reporting it unavailable.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The process's or the store's state.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok` on `/healthz`, `ready` on `/readyz`.
    #[schema(example = "ok", pattern = "^(ok|ready)$")]
    pub status: String,
    /// The store backend on `/readyz`: `sqlite` or `postgres`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^(sqlite|postgres)$")]
    pub store: Option<String>,
}

/// The process is up.
#[utoipa::path(
    get, path = "/healthz", tag = "health",
    responses((status = 200, description = "Up", body = Health, example = json!({"status": "ok"}))),
)]
pub async fn healthz() -> JsonResponse<Health> {
    JsonResponse(Health {
        status: "ok".into(),
        store: None,
    })
}

/// The store answers; 503 when it does not (within 2 s).
#[utoipa::path(
    get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", body = Health,
            example = json!({"status": "ready", "store": "postgres"})),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> Result<JsonResponse<Health>, ApiError> {
    match tokio::time::timeout(READY_TIMEOUT, state.service.ping()).await {
        Ok(Ok(())) => Ok(JsonResponse(Health {
            status: "ready".into(),
            store: Some(state.service.backend().into()),
        })),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "the database did not answer in time",
        )),
    }
}

/// Serves the OpenAPI document.
pub async fn openapi_json() -> JsonResponse<&'static super::ApiDocument> {
    JsonResponse(super::openapi())
}

/// `/openapi.json` itself, described in the document.
pub fn openapi_path_item() -> PathItem {
    PathItem::new(
        HttpMethod::Get,
        OperationBuilder::new()
            .tag("health")
            .summary(Some("This OpenAPI document"))
            .operation_id(Some("openapi_json"))
            .response(
                "200",
                ResponseBuilder::new()
                    .description("OpenAPI 3.1 document")
                    .content(
                        "application/json",
                        utoipa::openapi::content::Content::new(
                            None::<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>,
                        ),
                    )
                    .build(),
            )
            .build(),
    )
}
