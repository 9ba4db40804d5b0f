//! `GET /api/v1/workflows/{id}/stats`: a workflow's runs over a period by
//! status, success rate, p50/p95 duration, tokens and cost.

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use chrono::TimeDelta;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::super::error::ApiError;
use super::super::ApiState;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{instant, ErrorBody};

/// The period when none is given: the last 30 days.
const DEFAULT_PERIOD: TimeDelta = TimeDelta::days(30);

/// A workflow's figures over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsView {
    pub workflow_id: i64,
    /// Slots at or after (RFC 3339).
    pub since: String,
    /// Slots before (RFC 3339).
    pub until: String,
    /// All runs with slots in the period.
    pub runs: i64,
    /// Runs per status (`succeeded`, `failed`, ...); statuses with none are left out.
    pub by_status: BTreeMap<String, i64>,
    /// Succeeded over finished (succeeded, failed, guardrail, interrupted); null when none finished.
    pub success_rate: Option<f64>,
    /// Median duration of the runs that ended, in milliseconds.
    pub p50_duration_ms: Option<i64>,
    pub p95_duration_ms: Option<i64>,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Null when a run used a model without a known price (not counted, not free).
    pub cost_usd: Option<f64>,
}

/// `GET /api/v1/workflows/{id}/stats?since=&until=`
#[utoipa::path(
    get,
    path = "/api/v1/workflows/{id}/stats",
    tag = "runs",
    summary = "A workflow's run figures over a period",
    params(
        ("id" = i64, Path, description = "The workflow's id"),
        ("since" = Option<String>, Query, description = "Slots at or after (RFC 3339); default 30 days before until"),
        ("until" = Option<String>, Query, description = "Slots before (RFC 3339); default now")
    ),
    responses(
        (status = 200, description = "The figures", body = StatsView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn stats(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<StatsView>, ApiError> {
    let id = input::id(&id)?;
    let params = input::query(raw.as_deref(), &["since", "until"])?;
    let until = input::instant(&params, "until")?.unwrap_or_else(|| state.rest.clock.now());
    let since = input::instant(&params, "since")?.unwrap_or(until - DEFAULT_PERIOD);
    if since >= until {
        return Err(ApiError::bad_request("since must be before until").on("since"));
    }
    let stats = state
        .rest
        .manager
        .stats(&caller.actor, id, since, until)
        .await
        .map_err(refused)?;
    Ok(Json(StatsView {
        workflow_id: id,
        since: instant(stats.since),
        until: instant(stats.until),
        runs: stats.total,
        by_status: stats.by_status.into_iter().collect(),
        success_rate: stats.success_rate,
        p50_duration_ms: stats.p50_ms,
        p95_duration_ms: stats.p95_ms,
        prompt_tokens: stats.prompt_tokens,
        completion_tokens: stats.completion_tokens,
        cost_usd: stats.cost_usd,
    }))
}
