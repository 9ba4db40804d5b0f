//! `GET /api/v1/limits` (the caller's quotas and usage; an admin key may
//! ask for `?user=`), `PUT /api/v1/limits/{user}` (admin keys: set one
//! person's quotas, `null` for the operator's default) and `GET
//! /api/v1/limits/hits` (admin keys: who hit which limit, the abuse signal).

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::error::ApiError;
use super::super::ApiState;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{instant, ErrorBody};
use crate::manage::QuotaReport;
use crate::workflow::Limit;

/// A person's quotas (the operator's, or what an admin set) and usage.
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitsView {
    pub user: String,
    /// An admin: no quota holds them.
    pub exempt: bool,
    pub messages_per_minute: u32,
    pub max_workflows: u32,
    pub runs_per_hour: u32,
    pub min_interval_seconds: i64,
    pub tokens_per_day: u64,
    pub cost_per_day_usd: f64,
    /// The quotas an admin set for this person.
    pub overridden: Vec<String>,
    /// Workflows kept (active or paused).
    pub workflows: i64,
    pub runs_last_hour: i64,
    /// Their active schedules' busiest hours added up.
    pub scheduled_runs_per_hour: i64,
    /// Agent usage since 00:00 UTC.
    pub tokens_today: u64,
    pub cost_today_usd: f64,
}

impl From<QuotaReport> for LimitsView {
    fn from(r: QuotaReport) -> LimitsView {
        LimitsView {
            user: r.user,
            exempt: r.exempt,
            messages_per_minute: r.quotas.messages_per_minute,
            max_workflows: r.quotas.max_workflows,
            runs_per_hour: r.quotas.runs_per_hour,
            min_interval_seconds: r.quotas.min_interval_seconds,
            tokens_per_day: r.quotas.tokens_per_day,
            cost_per_day_usd: r.quotas.cost_per_day_usd,
            overridden: r.overridden.iter().map(|s| s.to_string()).collect(),
            workflows: r.workflows,
            runs_last_hour: r.runs_last_hour,
            scheduled_runs_per_hour: r.scheduled_runs_per_hour,
            tokens_today: r.tokens_today,
            cost_today_usd: r.cost_today_usd,
        }
    }
}

/// Quotas to set for one person; a field left out stays, `null` goes back
/// to the operator's default.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsChange {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>)]
    pub messages_per_minute: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>)]
    pub max_workflows: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>)]
    pub runs_per_hour: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub min_interval_seconds: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u64>)]
    pub tokens_per_day: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub cost_per_day_usd: Option<Option<f64>>,
}

/// A field given, maybe as `null`: `Some(None)`; left out: `None`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(d).map(Some)
}

impl LimitsChange {
    fn changes(&self) -> Vec<(Limit, Option<f64>)> {
        [
            (Limit::Messages, self.messages_per_minute),
            (Limit::Workflows, self.max_workflows),
            (Limit::RunsPerHour, self.runs_per_hour),
            (Limit::Interval, self.min_interval_seconds),
            (Limit::TokensPerDay, self.tokens_per_day),
            (Limit::CostPerDay, self.cost_per_day_usd),
        ]
        .into_iter()
        .filter_map(|(limit, value)| value.map(|v| (limit, v)))
        .collect()
    }
}

/// One person's hits of one limit.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitView {
    pub user: String,
    pub limit: String,
    pub count: i64,
    pub last_at: String,
}

/// `GET /api/v1/limits?user=`
#[utoipa::path(
    get,
    path = "/api/v1/limits",
    tag = "limits",
    summary = "The caller's quotas and usage (admin keys: anyone's)",
    params(("user" = Option<String>, Query, description = "Whose (admin keys); default the caller")),
    responses(
        (status = 200, description = "Quotas and usage", body = LimitsView),
        (status = 403, description = "A user key asking for someone else", body = ErrorBody),
        (status = 404, description = "Nobody known by that name", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn show(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Json<LimitsView>, ApiError> {
    let params = input::query(raw.as_deref(), &["user"])?;
    let manager = &state.rest.manager;
    let user = match params.get("user") {
        Some(name) => manager.person(&caller.actor, name).await.map_err(refused)?,
        None => caller.actor.id.clone(),
    };
    let report = manager
        .quota_report(&caller.actor, &user)
        .await
        .map_err(refused)?;
    Ok(Json(report.into()))
}

/// `PUT /api/v1/limits/{user}`
#[utoipa::path(
    put,
    path = "/api/v1/limits/{user}",
    tag = "limits",
    summary = "Set one person's quotas (admin keys)",
    params(("user" = String, Path, description = "The person's id")),
    request_body = LimitsChange,
    responses(
        (status = 200, description = "Their quotas and usage after", body = LimitsView),
        (status = 403, description = "A user key", body = ErrorBody),
        (status = 409, description = "A value that is not a positive number, or an interval below the operator's", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn set(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(user): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<LimitsView>, ApiError> {
    let change: LimitsChange = serde_json::from_slice(&body)
        .map_err(|e| ApiError::unprocessable(format!("the body is not a limits change: {e}")))?;
    let manager = &state.rest.manager;
    manager
        .set_quotas(&caller.actor, &user, &change.changes())
        .await
        .map_err(refused)?;
    let report = manager
        .quota_report(&caller.actor, &user)
        .await
        .map_err(refused)?;
    Ok(Json(report.into()))
}

/// `GET /api/v1/limits/hits?days=`
#[utoipa::path(
    get,
    path = "/api/v1/limits/hits",
    tag = "limits",
    summary = "Who hit which limit how often (admin keys)",
    params(("days" = Option<u32>, Query, description = "The last N UTC days, today being 1 (default 7)")),
    responses(
        (status = 200, description = "Hits, most first", body = [HitView]),
        (status = 403, description = "A user key", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn hits(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<HitView>>, ApiError> {
    let params = input::query(raw.as_deref(), &["days"])?;
    let days = match params.get("days") {
        Some(days) => days
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=366).contains(d))
            .ok_or_else(|| ApiError::bad_request("days must be 1 to 366").on("days"))?,
        None => 7,
    };
    let hits = state
        .rest
        .manager
        .limit_hits(&caller.actor, days)
        .await
        .map_err(refused)?;
    Ok(Json(
        hits.into_iter()
            .map(|h| HitView {
                user: h.user,
                limit: h.limit,
                count: h.count,
                last_at: instant(h.last_at),
            })
            .collect(),
    ))
}
