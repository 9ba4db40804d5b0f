//! The REST API under `/api/v1` (docs/api.md): workflows, runs, approvals,
//! templates and schedule readings for programs, with per-user keys (`keys.rs`),
//! cursor pagination (`cursor.rs`) and `Idempotency-Key` on the POSTs that
//! create or run (`idempotency.rs`). Every workflow and run operation goes
//! through `manage`; one file per resource.

mod actions;
mod audit;
mod cursor;
mod generate;
mod idempotency;
mod input;
pub(crate) mod keys;
mod limits;
mod openapi;
mod patch;
mod runs;
mod schedule;
mod stats;
mod template_view;
pub(crate) mod templates;
pub mod tools;
mod view;
mod workflows;

use axum::middleware::{from_fn_with_state, Next};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::ApiState;
use crate::clock::Clock;
use crate::manage::Manager;
use crate::schedule::Zone;

/// What the REST handlers need besides the chat API's state.
pub struct Rest {
    pub manager: Manager,
    pub clock: Arc<dyn Clock>,
    /// The zone of a definition that names none (`STEWARD_TIMEZONE`).
    pub default_zone: Zone,
    pub min_interval_seconds: i64,
    /// When each key's use was last written.
    seen: Mutex<HashMap<i64, DateTime<Utc>>>,
    /// The tools agent steps can use (`None`: none listed).
    tools: Option<Arc<dyn tools::ToolCatalog>>,
}

impl Rest {
    /// The REST API over `manager`.
    pub fn new(
        manager: Manager,
        clock: Arc<dyn Clock>,
        default_zone: Zone,
        min_interval_seconds: i64,
    ) -> Rest {
        Rest {
            manager,
            clock,
            default_zone,
            min_interval_seconds,
            seen: Mutex::new(HashMap::new()),
            tools: None,
        }
    }

    /// The same, listing `catalog`'s tools at `/tools`.
    pub fn with_tools(self, catalog: Arc<dyn tools::ToolCatalog>) -> Rest {
        Rest {
            tools: Some(catalog),
            ..self
        }
    }
}

/// Every REST route with its method, as served (the OpenAPI test compares
/// this with the document).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/workflows"),
    ("POST", "/api/v1/workflows"),
    ("GET", "/api/v1/workflows/{id}"),
    ("PATCH", "/api/v1/workflows/{id}"),
    ("DELETE", "/api/v1/workflows/{id}"),
    ("POST", "/api/v1/workflows/{id}/pause"),
    ("POST", "/api/v1/workflows/{id}/resume"),
    ("POST", "/api/v1/workflows/{id}/run"),
    ("POST", "/api/v1/workflows/{id}/skip-next"),
    ("POST", "/api/v1/workflows/{id}/snooze"),
    ("POST", "/api/v1/workflows/{id}/copy"),
    ("GET", "/api/v1/runs"),
    ("GET", "/api/v1/runs/{id}"),
    ("POST", "/api/v1/runs/{id}/approve"),
    ("POST", "/api/v1/runs/{id}/reject"),
    ("POST", "/api/v1/runs/{id}/cancel"),
    ("GET", "/api/v1/schedule"),
    ("GET", "/api/v1/templates"),
    ("POST", "/api/v1/templates"),
    ("GET", "/api/v1/templates/{id}"),
    ("DELETE", "/api/v1/templates/{id}"),
    ("POST", "/api/v1/templates/{id}/instantiate"),
    ("GET", "/api/v1/workflows/{id}/stats"),
    ("GET", "/api/v1/audit"),
    ("POST", "/api/v1/workflows/generate"),
    ("GET", "/api/v1/tools"),
    ("GET", "/api/v1/limits"),
    ("PUT", "/api/v1/limits/{user}"),
    ("GET", "/api/v1/limits/hits"),
];

/// The document of the routes, served without a key.
pub const DOCUMENT: &str = "/api/v1/openapi.json";

/// The REST routes, each behind key authentication; the POSTs that create
/// or run also behind `Idempotency-Key`.
pub fn routes(state: ApiState) -> Router<ApiState> {
    let once = Router::new()
        .route("/api/v1/workflows", post(workflows::create))
        .route("/api/v1/workflows/{id}/run", post(actions::run))
        .route("/api/v1/workflows/{id}/copy", post(actions::copy))
        .route("/api/v1/templates", post(templates::save))
        .route(
            "/api/v1/templates/{id}/instantiate",
            post(templates::instantiate),
        )
        .route_layer(from_fn_with_state(state.clone(), idempotency::idempotent));
    Router::new()
        .route("/api/v1/workflows", get(workflows::list))
        .route(
            "/api/v1/workflows/{id}",
            get(workflows::get)
                .patch(patch::patch)
                .delete(workflows::delete),
        )
        .route("/api/v1/workflows/{id}/pause", post(actions::pause))
        .route("/api/v1/workflows/{id}/resume", post(actions::resume))
        .route("/api/v1/workflows/{id}/skip-next", post(actions::skip_next))
        .route("/api/v1/workflows/{id}/snooze", post(actions::snooze))
        .route("/api/v1/runs", get(runs::list))
        .route("/api/v1/runs/{id}", get(runs::get))
        .route("/api/v1/runs/{id}/approve", post(runs::approve))
        .route("/api/v1/runs/{id}/reject", post(runs::reject))
        .route("/api/v1/runs/{id}/cancel", post(runs::cancel))
        .route("/api/v1/schedule", get(schedule::read))
        .route("/api/v1/templates", get(templates::list))
        .route(
            "/api/v1/templates/{id}",
            get(templates::get).delete(templates::delete),
        )
        .route("/api/v1/workflows/{id}/stats", get(stats::stats))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/workflows/generate", post(generate::generate))
        .route("/api/v1/tools", get(tools::list))
        .route("/api/v1/limits", get(limits::show))
        .route("/api/v1/limits/hits", get(limits::hits))
        .route("/api/v1/limits/{user}", axum::routing::put(limits::set))
        .merge(once)
        .route_layer(from_fn_with_state(state, keys::authenticate))
        .route(DOCUMENT, get(openapi::document))
        .layer(axum::middleware::from_fn(no_store))
}

/// Answers about one person's workflows are not for shared caches.
async fn no_store(request: axum::extract::Request, next: Next) -> axum::response::Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}
