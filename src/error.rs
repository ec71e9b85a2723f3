//! The one API error type and its JSON body: `{"error": {"code", "message", "details"}}`.
//! `code` is stable and machine-readable; `message` is for people. 5xx bodies never carry
//! internals: the cause is logged once, here.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::service::{InputError, NameError, PolicyError, ServiceError};
use crate::store::StoreError;

/// An error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "invalid_point",
    "message": "points[3]: value -1 is negative",
    "details": {"index": 3, "field": "points[3].value"}}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable code for programs, a sentence for people, and context.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code. 400: `invalid_body`, `invalid_json`, `invalid_point`,
    /// `invalid_input`, `invalid_query`, `invalid_path`, `invalid_key`, `invalid_name`,
    /// `unknown_policy`, `invalid_policy`; 401: `unauthorized`, `invalid_token`; 403:
    /// `insufficient_scope`; 404: `not_found`, `route_not_found`; 405: `method_not_allowed`;
    /// 408: `request_timeout`; 409: `policy_read_only`, `conflict`; 412 (Flagger hooks): `verdict_rollback`,
    /// `verdict_inconclusive`, `no_rollback`; 413: `payload_too_large`, `batch_too_large`; 415:
    /// `unsupported_media_type`; 421 (a server without tokens, asked for a host it does not answer):
    /// `misdirected_request`; 424 (saving a template set whose source cannot be asked: down,
    /// timed out, credentials refused): `source_unavailable`; 500: `internal`; 503:
    /// `store_unavailable`, `overloaded`. 400 for templates: `invalid_template` (placeholders),
    /// `template_rejected` (with Prometheus's own message). New
    /// codes may be added: treat an unknown one by its HTTP status.
    #[schema(example = "invalid_point")]
    pub code: String,
    /// For people; the wording may change.
    #[schema(example = "points[3]: value -1 is negative")]
    pub message: String,
    /// Structured context, when there is some: e.g. `{"index": 3, "field": "points[3].value"}`
    /// for a bad point, `{"field": "metrics.error_rate[2]"}` for a bad document value, or
    /// `{"verdict": {...}}` (the whole verdict) on a Flagger hook's 412.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A server-side failure: the cause is logged, the client sees a generic message.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; the server log has the cause",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        crate::telemetry::record_store_error(&e);
        match e {
            StoreError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "store unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "the database is unavailable; retry later",
                )
            }
            other => ApiError::internal(&other),
        }
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        ApiError::bad_request("invalid_input", e.to_string())
            .with_details(serde_json::json!({"field": e.field}))
    }
}

impl From<PolicyError> for ApiError {
    fn from(e: PolicyError) -> Self {
        match e {
            PolicyError::Unknown(_) => ApiError::bad_request("unknown_policy", e.to_string()),
            PolicyError::Invalid(_) => ApiError::bad_request("invalid_policy", e.to_string()),
        }
    }
}

impl From<NameError> for ApiError {
    fn from(e: NameError) -> Self {
        let code = match e.kind {
            crate::service::NameKind::DeploymentKey => "invalid_key",
            _ => "invalid_name",
        };
        ApiError::bad_request(code, e.to_string())
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Store(e) => e.into(),
            ServiceError::Policy(e) => e.into(),
            ServiceError::Input(e) => e.into(),
            ServiceError::Name(e) => e.into(),
            ServiceError::Invalid { field, message } => {
                ApiError::bad_request("invalid_body", message)
                    .with_details(serde_json::json!({"field": field}))
            }
            e @ ServiceError::ReplayDeployment { index, .. } => {
                ApiError::bad_request("invalid_body", e.to_string())
                    .with_details(serde_json::json!({"index": index}))
            }
            ServiceError::NotFound(message) => ApiError::not_found(message),
            e @ ServiceError::PolicyReadOnly(_) => {
                ApiError::new(StatusCode::CONFLICT, "policy_read_only", e.to_string())
            }
            ServiceError::Conflict(message) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
            }
            ServiceError::Template { field, message } => {
                ApiError::bad_request("invalid_template", format!("{field}: {message}"))
                    .with_details(serde_json::json!({"field": field}))
            }
            ServiceError::TemplateRejected { field, message } => {
                ApiError::bad_request("template_rejected", format!("{field}: {message}"))
                    .with_details(serde_json::json!({"field": field}))
            }
            ServiceError::SourceUnavailable(message) => {
                ApiError::new(StatusCode::FAILED_DEPENDENCY, "source_unavailable", message)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                details: self.details,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
