//! `GET /metrics` in Prometheus text: what the scheduler, the engine, the
//! chat and the HTTP server count through the `metrics` facade (names in
//! docs/operations.md), rendered by `metrics-exporter-prometheus`. Off the
//! public listener unless configured: its own listener
//! (`STEWARD_METRICS_BIND`, no key: bind it where only the scraper reaches)
//! or the main one behind a token (`STEWARD_METRICS_TOKEN`).

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use secrecy::ExposeSecret;
use std::sync::OnceLock;
use std::time::Instant;

use crate::config::Secret;

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// Seconds buckets for lateness, durations and claims: 1 ms to 5 minutes.
const SECONDS: [f64; 16] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// Installs the process's recorder once (every `serve` in a process shares
/// it) and returns its handle.
pub fn install() -> PrometheusHandle {
    RECORDER
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS)
                .expect("the buckets are not empty");
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if let Err(error) = metrics::set_global_recorder(recorder) {
                tracing::warn!(%error, "another metrics recorder is installed; /metrics shows only this one's");
            }
            describe();
            handle
        })
        .clone()
}

/// Who may read `/metrics` on a listener: anyone (its own listener) or the
/// holder of the token.
#[derive(Clone)]
pub struct Scrape {
    pub handle: PrometheusHandle,
    pub token: Option<Secret>,
    /// Reads the outbox depth and the due backlog at each scrape.
    pub manager: crate::manage::Manager,
}

/// `GET /metrics`
pub async fn render(State(scrape): State<Scrape>, request: Request) -> Response {
    if let Some(token) = &scrape.token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(super::auth::bearer);
        let ok = given
            .is_some_and(|g| super::auth::same(g.as_bytes(), token.expose_secret().as_bytes()));
        if !ok {
            return (
                StatusCode::UNAUTHORIZED,
                "a bearer token (STEWARD_METRICS_TOKEN) is needed\n",
            )
                .into_response();
        }
    }
    match scrape.manager.backlog().await {
        Ok(backlog) => {
            metrics::gauge!("steward_outbox_depth").set(backlog.outbox as f64);
            metrics::gauge!("steward_due_backlog").set(backlog.due as f64);
        }
        Err(error) => tracing::warn!(%error, "metrics: the backlog could not be read"),
    }
    scrape.handle.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        scrape.handle.render(),
    )
        .into_response()
}

/// Counts every request by its route (the pattern, never the path with its
/// ids) and status.
pub async fn count_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_string();
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("steward_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("steward_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The help text of each metric.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        "steward_runs_total",
        "Runs that ended, by status and trigger"
    );
    describe_histogram!(
        "steward_run_start_lateness_seconds",
        Unit::Seconds,
        "From a run's slot to its start"
    );
    describe_histogram!(
        "steward_run_duration_seconds",
        Unit::Seconds,
        "From a run's start to its end, by status"
    );
    describe_histogram!(
        "steward_claim_duration_seconds",
        Unit::Seconds,
        "One claim of due workflows"
    );
    describe_gauge!("steward_claimed_last", "Runs the last claim started");
    describe_gauge!("steward_outbox_depth", "Notices waiting in the outbox");
    describe_gauge!(
        "steward_due_backlog",
        "Active workflows due now and not claimed yet"
    );
    describe_counter!("steward_deliveries_total", "Notices delivered, by result");
    describe_counter!(
        "steward_llm_tokens_total",
        "Model tokens used by agent steps and chat, by model and kind"
    );
    describe_counter!(
        "steward_llm_cost_microdollars_total",
        "What agent steps cost in millionths of a dollar, by model (models with a price)"
    );
    describe_counter!(
        "steward_chat_turns_total",
        "Chat turns answered, by platform and mode (offline or llm)"
    );
    describe_counter!(
        "steward_limit_hits_total",
        "Refusals and stops for a person's quota, by limit"
    );
    describe_counter!(
        "steward_http_requests_total",
        "HTTP requests, by method, route and status"
    );
    describe_histogram!(
        "steward_http_request_duration_seconds",
        Unit::Seconds,
        "HTTP request durations, by method and route"
    );
}
