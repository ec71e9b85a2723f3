//! The HTTP API (v1): one module per resource, each registering its handlers through utoipa so
//! the served router and `openapi/openapi.json` come from the same code.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::ApiError;
use crate::service::Service;
use crate::store::Store;
pub use document::ApiDocument;

/// Request limits are configuration; re-exported here, where the handlers and layers read them.
pub use crate::config::Limits;

pub mod deployments;
pub mod document;
pub mod evaluate;
pub mod extract;
pub mod health;
pub mod hooks;
pub mod kayenta;
pub mod middleware;
pub mod points;
pub mod policies;
pub mod replays;
pub mod series;
pub mod sources;
pub mod verdicts;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub limits: Limits,
    /// API tokens; open (none) by default.
    pub auth: Arc<crate::auth::Auth>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> Self {
        AppState {
            service: Service::new(store),
            limits: Limits::default(),
            auth: Arc::default(),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "rollguard",
        description = "Rollback decisions for progressive delivery: ingest canary metrics, \
                       ask for a verdict (pass, rollback or inconclusive) with its reasons.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "deployments", description = "Deployments and their metric points"),
        (name = "verdicts", description = "Evaluations: stateless, or of stored series with an audit trail"),
        (name = "policies", description = "Named, versioned rule parameters and environment defaults"),
        (name = "sources", description = "Prometheus sources and the PromQL templates read at verdict time"),
        (name = "replays", description = "Backtests: what policies would have done on past deployments"),
        (name = "hooks", description = "Controller-specific hooks (Flagger webhooks, the Kayenta remote judge)"),
        (name = "health", description = "Liveness, readiness and the API document"),
    )
)]
struct ApiDoc;

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(deployments::list_deployments))
        .routes(routes!(
            deployments::put_deployment,
            deployments::get_deployment,
            deployments::delete_deployment
        ))
        .routes(routes!(points::ingest_points))
        .routes(routes!(series::read_points))
        .routes(routes!(evaluate::evaluate_document))
        .routes(routes!(
            verdicts::create_verdict,
            verdicts::put_verdict,
            verdicts::list_verdicts
        ))
        .routes(routes!(verdicts::peek_verdict))
        .routes(routes!(hooks::flagger_gate))
        .routes(routes!(hooks::flagger_rollback))
        .routes(routes!(kayenta::kayenta_judge))
        .routes(routes!(replays::start_replay, replays::list_replays))
        .routes(routes!(replays::get_replay))
        .routes(routes!(replays::cancel_replay))
        .routes(routes!(policies::list_policies))
        .routes(routes!(policies::get_policy, policies::put_policy))
        .routes(routes!(policies::list_environments))
        .routes(routes!(
            policies::get_environment,
            policies::put_environment
        ))
        .routes(routes!(sources::list_sources))
        .routes(routes!(
            sources::get_source,
            sources::put_source,
            sources::delete_source
        ))
        .routes(routes!(sources::list_templates))
        .routes(routes!(
            sources::get_template,
            sources::put_template,
            sources::delete_template
        ))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
}

/// The OpenAPI document, as committed in `openapi/openapi.json`.
/// Built once: `/openapi.json` serves the same document to every request.
pub fn openapi() -> &'static ApiDocument {
    static DOCUMENT: std::sync::OnceLock<ApiDocument> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(build_openapi)
}

fn build_openapi() -> ApiDocument {
    let (_, mut doc) = api_router().split_for_parts();
    doc.paths
        .paths
        .insert("/openapi.json".to_string(), health::openapi_path_item());
    doc.paths.paths.insert(
        "/metrics".to_string(),
        crate::telemetry::openapi_path_item(),
    );
    merge_flattened(&mut doc, "Deployment", "DeploymentSpec");
    unwrap_optional_bodies(&mut doc);
    crate::auth::document(&mut doc);
    document::refine(doc)
}

/// `request_body = Option<T>` comes out as the schema `oneOf: [T, null]`, which says a JSON
/// `null` body is accepted (it is not: the body is absent or a `T`) and makes generated clients
/// send `null` when they have no body. That the body may be left out is already said by
/// `required` being unset, so the schema becomes plain `T`.
fn unwrap_optional_bodies(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::{RefOr, Required};

    let null = serde_json::json!({"type": "null"});
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.post, &mut item.put, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let Some(RefOr::T(body)) = operation.request_body.as_mut() else {
                continue;
            };
            if body.required == Some(Required::True) {
                continue;
            }
            for content in body.content.values_mut() {
                let RefOr::T(content) = content else { continue };
                let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema else {
                    continue;
                };
                let mut rest = one_of
                    .items
                    .iter()
                    .filter(|s| serde_json::to_value(s).ok().as_ref() != Some(&null));
                if let (Some(only), None) = (rest.next(), rest.next()) {
                    content.schema = Some(only.clone());
                }
            }
        }
    }
}

/// Rewrites the schema of a struct that `#[serde(flatten)]`s a `deny_unknown_fields` struct as
/// one object. utoipa renders the flatten as `allOf: [Flattened, {own fields}]`, and the
/// flattened struct's `additionalProperties: false` would then forbid the outer struct's own
/// fields: every such response would violate its schema.
fn merge_flattened(doc: &mut utoipa::openapi::OpenApi, outer: &str, flattened: &str) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;

    let schemas = &mut doc.components.as_mut().expect("components").schemas;
    let Some(RefOr::T(Schema::Object(inner))) = schemas.get(flattened).cloned() else {
        panic!("{flattened} is not an object schema");
    };
    let Some(RefOr::T(Schema::AllOf(all_of))) = schemas.get(outer) else {
        panic!("{outer} is not an allOf schema");
    };
    let mut object = all_of
        .items
        .iter()
        .find_map(|item| match item {
            RefOr::T(Schema::Object(o)) => Some(o.clone()),
            _ => None,
        })
        .expect("the outer struct's own fields");
    object.description = all_of.description.clone();
    object.properties.extend(inner.properties);
    object.required.splice(0..0, inner.required);
    schemas.insert(outer.to_string(), RefOr::T(Schema::Object(object)));
}

/// The interactive API reference at `/docs/`, reading `/openapi.json`. Its assets are compiled
/// into the binary (the `vendored` feature) and the online validator is off, so the page makes
/// no request beyond this server.
fn docs() -> SwaggerUi {
    SwaggerUi::new("/docs").config(Config::new(["/openapi.json"]).validator_url("none"))
}

/// The whole service as an axum router. Layers, from the outside in: request id (set, then
/// echoed), log span, metrics, auth, load shedding, time limit, body size limit, and a handler
/// that panics answered as a JSON 500.
pub fn router(state: AppState) -> Router {
    use axum::middleware::{from_fn, from_fn_with_state};
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    use tower_http::timeout::TimeoutLayer;

    crate::telemetry::init();
    let limits = state.limits.clone();
    let (router, _) = api_router().split_for_parts();
    router
        .route("/openapi.json", axum::routing::get(health::openapi_json))
        .route(
            "/metrics",
            axum::routing::get(crate::telemetry::metrics_handler),
        )
        .merge(
            Router::new()
                .merge(docs())
                .layer(axum::middleware::map_response(
                    crate::dashboard::security_headers,
                )),
        )
        .merge(crate::dashboard::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(middleware::panic_as_json))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(from_fn_with_state(
            limits.request_timeout,
            middleware::timeout_as_json,
        ))
        .layer(from_fn_with_state(
            middleware::BodyBudget::new(&limits),
            middleware::budget_bodies,
        ))
        .layer(from_fn_with_state(
            middleware::InFlightLimit::new(limits.max_concurrent_requests),
            middleware::shed_load,
        ))
        .layer(from_fn_with_state(
            state.auth.clone(),
            crate::auth::require_token,
        ))
        .layer(from_fn(crate::telemetry::track))
        .layer(TraceLayer::new_for_http().make_span_with(crate::telemetry::request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "route_not_found", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not accept that method",
    )
}

/// Pagination cursors are the last row's id, as an opaque decimal string.
pub(crate) fn parse_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    cursor
        .map(|c| {
            c.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("cursor '{c}' is not one this server issued"),
                )
            })
        })
        .transpose()
}

/// Checks a page size: 1..=500, default 50.
pub(crate) fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=500) => Ok(n),
        Some(n) => Err(ApiError::bad_request(
            "invalid_query",
            format!("limit {n} must be between 1 and 500"),
        )),
    }
}
