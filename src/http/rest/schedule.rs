//! `GET /api/v1/schedule?text=&tz=&count=`: a schedule read as `steward
//! schedule --json` reads it, stored nowhere.

use axum::extract::{RawQuery, State};
use axum::Json;
use serde_json::Value;

use super::super::error::ApiError;
use super::super::ApiState;
use super::input;
use crate::schedule::natural::Context;
use crate::schedule::{Reading, Zone};

/// The most fire times one reading lists here.
const MAX_COUNT: i64 = 100;

/// Reads `text` in `tz` (default the server's zone) and lists `count`
/// (default 5) fire times.
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
