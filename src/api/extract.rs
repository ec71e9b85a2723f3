//! Extractors that answer malformed input in the API's JSON error shape instead of axum's plain
//! text: request bodies (with the path of the bad field), query strings and path parameters.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::ApiError;
use crate::service::{DeploymentKey, EnvironmentName, PolicyName, SourceName};

/// A JSON request body. Errors name the offending field's path, e.g. `points[3].value`.
pub struct Json<T>(pub T);

/// A JSON request body that may be empty (then `T::default()`): for endpoints that controllers
/// call with or without a body. A body that is not empty must be sent as JSON, like any other:
/// otherwise a web page could post one as `text/plain`, which a browser sends cross-site without
/// asking the server first.
pub struct OptionalJson<T>(pub T);

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send the body as JSON with Content-Type: application/json",
    )
}

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "request body is larger than the server's limit",
            )
        } else {
            ApiError::bad_request("invalid_body", e.body_text())
        }
    })
}

/// Parses JSON, reporting where it failed: syntax errors by line and column, data errors by path.
/// Every body this API takes is a JSON object: serde would also read a struct from an array of
/// its fields in order (`[null, null]`), which the API document does not allow.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.trim_ascii_start().first() == Some(&b'[') {
        return Err(ApiError::bad_request(
            "invalid_body",
            "the body must be a JSON object, not an array",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            let message = if path == "." {
                inner.to_string()
            } else {
                format!("{path}: {inner}")
            };
            ApiError::bad_request("invalid_body", message).with_details(json!({"field": path}))
        } else {
            ApiError::bad_request("invalid_json", format!("malformed JSON: {inner}"))
        }
    })?;
    Ok(value)
}

/// Checks that `bytes`, one JSON value found at `field` of a body already parsed (e.g.
/// `deployments[3]`, kept as raw text), repeats no key in any object: the error names the path
/// from the body's root, as [`parse_json`] would have.
pub fn check_unique_keys(bytes: &[u8], field: &str) -> Result<(), ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, crate::json::UniqueValue>(de)
        .map(drop)
        .map_err(|e| {
            let path = match e.path().to_string() {
                p if p == "." => field.to_string(),
                p if p.starts_with('[') => format!("{field}{p}"),
                p => format!("{field}.{p}"),
            };
            ApiError::bad_request("invalid_body", format!("{path}: {}", e.into_inner()))
                .with_details(json!({"field": path}))
        })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(&req) {
            return Err(unsupported_media_type());
        }
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(Json)
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = is_json(&req);
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        if !json {
            return Err(unsupported_media_type());
        }
        parse_json(&bytes).map(OptionalJson)
    }
}

/// A query string; a bad one is a 400 `invalid_query`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))
    }
}

/// Path parameters; a bad one is a 400 `invalid_path`.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))
    }
}

/// Identifiers taken from the path, parsed by their own rule: a bad deployment key is a 400
/// `invalid_key`, a bad policy or environment name a 400 `invalid_name`.
macro_rules! path_identifier {
    ($($t:ty),*) => {$(
        impl<S: Send + Sync> FromRequestParts<S> for $t {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
                let Path(raw) = Path::<String>::from_request_parts(parts, state).await?;
                Ok(<$t>::parse(&raw)?)
            }
        }
    )*};
}

path_identifier!(DeploymentKey, PolicyName, EnvironmentName, SourceName);

/// The `{key}` path parameter, for the API document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct KeyParam {
    /// Deployment key, chosen by the caller.
    #[param(inline)]
    key: DeploymentKey,
}

/// The `{name}` path parameter of `/v1/policies/{name}`, for the API document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct PolicyParam {
    /// Policy name.
    #[param(inline)]
    name: PolicyName,
}

/// The `{name}` path parameter of `/v1/environments/{name}`, for the API document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct EnvironmentParam {
    /// Environment name.
    #[param(inline)]
    name: EnvironmentName,
}

/// The `{name}` path parameter of `/v1/sources/{name}`, for the API document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct SourceParam {
    /// Source name.
    #[param(inline)]
    name: SourceName,
}

/// The `{scope}` and `{target}` of `/v1/templates/{scope}/{target}`, the scope checked.
pub struct TemplateTarget {
    pub scope: crate::service::TemplateScope,
    pub target: String,
}

impl<S: Send + Sync> FromRequestParts<S> for TemplateTarget {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((scope, target)) =
            Path::<(String, String)>::from_request_parts(parts, state).await?;
        let scope = crate::service::TemplateScope::parse(&scope).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_path",
                format!(
                    "scope '{}' must be environment, service or deployment",
                    scope.chars().take(40).collect::<String>()
                ),
            )
        })?;
        Ok(TemplateTarget { scope, target })
    }
}

/// The path parameters of `/v1/templates/{scope}/{target}`, for the API document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct TemplateParams {
    /// Where the set applies: `environment`, `service` or `deployment` (narrower wins).
    #[param(inline)]
    scope: crate::service::TemplateScope,
    /// The environment's name, the service's name or the deployment's key.
    #[param(max_length = 256)]
    target: String,
}
