//! Page cursors: opaque to clients (base64url), and naming what they page
//! so a runs cursor given to workflows is refused. A workflow cursor holds
//! the last id of its page (`w:42`); a run cursor the last slot and id
//! (`r:1764460800000:17`), since runs are listed newest slot first.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};

use super::super::error::ApiError;

/// The cursor after workflow `id`.
pub fn after_workflow(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("w:{id}"))
}

/// The cursor after the run of slot `at` and `id`.
pub fn after_run(at: DateTime<Utc>, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("r:{}:{id}", at.timestamp_millis()))
}

/// The cursor after template `id` (a slug or `user-<n>`).
pub fn after_template(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("t:{id}"))
}

/// The template id a cursor continues after.
pub fn template(cursor: &str) -> Result<String, ApiError> {
    let text = decode(cursor)?;
    text.strip_prefix("t:")
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .ok_or_else(bad)
}

/// The cursor after audit entry `id` (entries are listed newest first).
pub fn after_audit(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("a:{id}"))
}

/// The audit entry id a cursor continues before.
pub fn audit(cursor: &str) -> Result<i64, ApiError> {
    let text = decode(cursor)?;
    text.strip_prefix("a:")
        .and_then(|id| id.parse().ok())
        .ok_or_else(bad)
}

/// The workflow id a cursor continues after.
pub fn workflow(cursor: &str) -> Result<i64, ApiError> {
    let text = decode(cursor)?;
    text.strip_prefix("w:")
        .and_then(|id| id.parse().ok())
        .ok_or_else(bad)
}

/// The run slot and id a cursor continues after.
pub fn run(cursor: &str) -> Result<(DateTime<Utc>, i64), ApiError> {
    let text = decode(cursor)?;
    let (at, id) = text
        .strip_prefix("r:")
        .and_then(|rest| rest.split_once(':'))
        .ok_or_else(bad)?;
    let at = at
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .ok_or_else(bad)?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

fn decode(cursor: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(bad)
}

fn bad() -> ApiError {
    ApiError::bad_request(
        "cursor is not one this endpoint gave; send the next_cursor of the previous page unchanged",
    )
    .on("cursor")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_one_kind_is_refused_as_the_other() {
        assert_eq!(workflow(&after_workflow(42)).unwrap(), 42);
        let at = DateTime::from_timestamp_millis(1_764_460_800_123).unwrap();
        assert_eq!(run(&after_run(at, 17)).unwrap(), (at, 17));
        assert!(workflow(&after_run(at, 17)).is_err());
        assert!(run(&after_workflow(42)).is_err());
        assert!(workflow("not base64!").is_err());
        assert_eq!(template(&after_template("user-3")).unwrap(), "user-3");
        assert!(template(&after_workflow(42)).is_err());
    }
}
