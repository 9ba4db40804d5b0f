//! `GET /api/v1/schedule?text=&tz=&count=`: a schedule read as `steward
//! schedule --json` reads it, stored nowhere.

use axum::extract::{RawQuery, State};
use axum::Json;
use serde_json::Value;

use super::super::error::ApiError;
use super::super::ApiState;
use super::input;
use super::view::{ErrorBody, ScheduleView};
use crate::schedule::natural::Context;
use crate::schedule::{Reading, Zone};

/// The most fire times one reading lists here.
const MAX_COUNT: i64 = 100;

/// Reads `text` in `tz` (default the server's zone) and lists `count`
/// (default 5) fire times.
#[utoipa::path(
    get,
    path = "/api/v1/schedule",
    tag = "schedule",
    summary = "Read a schedule phrase, cron or RRULE",
    params(
        ("text" = String, Query, description = "The schedule"),
        ("tz" = Option<String>, Query, description = "IANA zone; default the server's"),
        ("count" = Option<i64>, Query, description = "Fire times to list, 1 to 100, default 5")
    ),
    responses(
        (status = 200, description = "The reading", body = ScheduleView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape or a definition that does not validate (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn read(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = input::query(raw.as_deref(), &["text", "tz", "count"])?;
    let text = params
        .get("text")
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("text is the schedule to read, e.g. text=every weekday at 8:30")
                .on("text")
        })?;
    let zone = match params.get("tz") {
        Some(name) => name
            .parse::<Zone>()
            .map_err(|e| ApiError::bad_request(e.to_string()).on("tz"))?,
        None => state.rest.default_zone,
    };
    let count = input::number(&params, "count", 1..=MAX_COUNT)?.unwrap_or(5);
    let context = Context {
        now: state.rest.clock.now(),
        zone,
        min_interval_seconds: state.rest.min_interval_seconds,
    };
    let reading = Reading::of(text, &context, count as usize)
        .map_err(|e| ApiError::unprocessable(e).on("text"))?;
    Ok(Json(reading.to_json(text)))
}
