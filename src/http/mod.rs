//! The HTTP server (axum routes on a hyper listener with connection limits,
//! `server.rs`): `GET /healthz`, the webhook chat API (`POST /api/v1/chat`),
//! webhook triggers (`POST /hooks/{id}`, `hooks.rs`), the REST API (`rest/`, `/api/v1/...` with per-user keys), the
//! dashboard (`web/`, `/` and its pages), and Telegram's webhook when it is on.

mod activity;
mod auth;
mod callback_url;
mod chat_api;
mod deadline;
mod error;
mod hooks;
mod ids;
pub mod metrics;
pub mod rest;
mod server;
pub mod web;

use axum::routing::{get, post};
pub use axum::Router;
use std::sync::Arc;

use crate::agent::Agent;
use crate::config::Secret;
use crate::store::Store;

pub use crate::rate::RateLimiter;
pub use chat_api::{ChatRequest, ChatResponse, MAX_BODY_BYTES};
pub use server::serve;

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub agent: Arc<Agent>,
    pub store: Store,
    /// The bearer token the chat API requires; `None` leaves it open.
    pub token: Option<Secret>,
    /// Whether callbacks can be signed, so a `callback_url` is accepted.
    pub callbacks: bool,
    pub rate: Arc<RateLimiter>,
    /// Failed authentications per client address.
    pub auth_failures: Arc<RateLimiter>,
    /// Calls per webhook URL (`POST /hooks/...`).
    pub hook_rate: Arc<RateLimiter>,
    /// The one callback URL of the whole integration, when the operator set
    /// it (`STEWARD_WEBHOOK_CALLBACK_URL`).
    pub callback_pin: Option<String>,
    /// Where conversations' callback URLs may point.
    pub callback_policy: crate::egress::Policy,
    /// The REST API's use cases and settings.
    pub rest: Arc<rest::Rest>,
    /// `GET /metrics` on this listener, behind its token
    /// (`STEWARD_METRICS_TOKEN`); `None` keeps it off this listener.
    pub metrics: Option<metrics::Scrape>,
    /// The dashboard's settings.
    pub web: web::Settings,
}

/// The routes; `extra` (Telegram's webhook) is merged in.
pub fn router(state: ApiState, extra: Option<Router>) -> Router {
    let scrape = state.metrics.clone();
    let mut api = Router::new()
        .route("/healthz", get(health))
        .route("/api/v1/chat", post(chat_api::chat))
        .route("/hooks/{hook_id}", post(hooks::signed))
        .route("/hooks/{hook_id}/{secret}", post(hooks::with_secret))
        .merge(rest::routes(state.clone()))
        .merge(web::routes())
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state);
    if let Some(scrape) = scrape {
        api = api.merge(metrics_router(scrape));
    }
    let api = match extra {
        Some(extra) => api.merge(extra),
        None => api,
    };
    api.route_layer(axum::middleware::from_fn(metrics::count_requests))
}

/// `GET /metrics` alone: its own listener's routes, or merged into the
/// main one's behind a token.
pub fn metrics_router(scrape: metrics::Scrape) -> Router {
    Router::new()
        .route("/metrics", get(metrics::render))
        .with_state(scrape)
}

/// Up when the database answers and the writers that run on their own
/// (claims, leases, the run log) are not failing again and again; else 503
/// with the reason.
async fn health(
    axum::extract::State(state): axum::extract::State<ApiState>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use serde_json::json;
    let failing = match state.store.ping().await {
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            Some("the database does not answer".to_string())
        }
        Ok(()) => state.store.health().failing(),
    };
    match failing {
        None => axum::Json(json!({ "status": "ok" })).into_response(),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({ "status": "failing", "error": reason })),
        )
            .into_response(),
    }
}
