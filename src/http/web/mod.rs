//! The web dashboard (docs/dashboard.md): server-rendered pages over the
//! same `manage` use cases as chat and the REST API, on the same listener.
//! Templates live in `web/pages` and are compiled into the binary; htmx
//! (vendored in `web/static`) refreshes lists and running runs in place,
//! and every page reads and every form works without JavaScript.

mod admin;
mod assets;
mod chart;
mod live;
mod page;
mod pages;
mod run_pages;
mod runs;
mod schedule_edit;
mod session;
mod templates;
mod workflows;

use axum::routing::{get, post};
use axum::Router;

use super::ApiState;

pub use session::{COOKIE, LIFETIME};

/// The dashboard's settings.
#[derive(Clone)]
pub struct Settings {
    /// Session cookies are `Secure` (`STEWARD_PUBLIC_URL` is https).
    pub secure_cookies: bool,
    /// Runs starting and ending in this process (`GET /events`).
    pub events: crate::events::RunEvents,
    /// Turns true when the server stops: event streams end.
    pub stopped: tokio::sync::watch::Receiver<bool>,
    /// How often an event stream says it is alive (under the idle timeout).
    pub keep_alive: std::time::Duration,
    /// Workflows' runs per day before today, kept a while.
    pub charts: std::sync::Arc<chart::PastDays>,
    /// Where a notice an admin retries is sent (the outbox and its delivery).
    pub notifier: std::sync::Arc<dyn crate::workflow::notify::Notifier>,
}

/// The dashboard's routes.
pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/", get(workflows::list))
        .route("/workflows/{id}", get(workflows::show))
        .route(
            "/workflows/{id}/delete",
            get(workflows::confirm_delete).post(workflows::delete),
        )
        .route("/workflows/{id}/schedule", post(schedule_edit::save))
        .route(
            "/workflows/{id}/placeholders",
            post(workflows::placeholders),
        )
        .route("/workflows/{id}/{action}", post(workflows::act))
        .route("/runs/{id}", get(runs::show))
        .route("/runs/{id}/{action}", post(runs::act))
        .route("/approvals", get(runs::approvals))
        .route("/admin", get(admin::show))
        .route("/admin/retry", post(admin::retry))
        .route("/templates", get(templates::list))
        .route(
            "/templates/{id}",
            get(templates::show).post(templates::instantiate),
        )
        .route("/sign-in", get(session::page).post(session::with_key))
        .route(
            "/sign-in/{token}",
            get(session::link_page).post(session::use_link),
        )
        .route("/sign-out", post(session::sign_out))
        .route("/events", get(live::events))
        .route("/static/{file}", get(assets::serve))
        .layer(axum::middleware::from_fn(page::guard))
}
