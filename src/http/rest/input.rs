//! Reading a REST request: ids in paths, query parameters, JSON bodies, and
//! `manage`'s errors as statuses. Every refusal names its field.

use axum::body::Body;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;

use super::super::chat_api::MAX_BODY_BYTES;
use super::super::error::ApiError;
use crate::manage::ManageError;

/// A path's `{id}`: a positive whole number.
pub fn id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(format!("'{}' is not an id", clip(text))).on("id"))
}

/// The query parameters, refusing any not in `known` and any given twice.
pub fn query(raw: Option<&str>, known: &[&str]) -> Result<HashMap<String, String>, ApiError> {
    let mut found = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if !known.contains(&name.as_ref()) {
            return Err(ApiError::bad_request(format!(
                "unknown query parameter '{}'; this endpoint takes {}",
                clip(&name),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
            .on(name.into_owned()));
        }
        if found.insert(name.to_string(), value.into_owned()).is_some() {
            return Err(ApiError::bad_request(format!("'{name}' is given twice")).on(name));
        }
    }
    Ok(found)
}

/// Query parameter `name` as a whole number in `range`.
pub fn number(
    params: &HashMap<String, String>,
    name: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, ApiError> {
    let Some(text) = params.get(name) else {
        return Ok(None);
    };
    match text.parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(ApiError::bad_request(format!(
            "{name} must be a whole number from {} to {}",
            range.start(),
            range.end()
        ))
        .on(name)),
    }
}

/// Query parameter `name` as an RFC 3339 instant.
pub fn instant(
    params: &HashMap<String, String>,
    name: &str,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    params
        .get(name)
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|at| at.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::bad_request(format!(
                        "{name} must be an RFC 3339 instant such as 2026-03-06T08:00:00Z"
                    ))
                    .on(name)
                })
        })
        .transpose()
}

/// Query parameter `name` as true or false (absent: false).
pub fn flag(params: &HashMap<String, String>, name: &str) -> Result<bool, ApiError> {
    match params.get(name).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") | Some("") => Ok(true),
        Some(_) => Err(ApiError::bad_request(format!("{name} must be true or false")).on(name)),
    }
}

/// The body as JSON; an empty body is `None`.
pub async fn json_body(body: Body) -> Result<Option<Value>, ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than the limit of {MAX_BODY_BYTES} bytes"),
            )
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON ({e})")))
}

/// `value` as a `T`: well-formed JSON of the wrong shape is a 422 naming the
/// field (`trigger.timezone`, `steps[0].url`).
pub fn shaped<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::unprocessable("the body must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let error = e.into_inner().to_string();
        if path == "." {
            // "missing field `name`" is about that field.
            let field = error
                .split('`')
                .nth(1)
                .filter(|_| {
                    error.starts_with("missing field") || error.starts_with("unknown field")
                })
                .map(str::to_string);
            let refused = ApiError::unprocessable(error.clone());
            match field {
                Some(field) => refused.on(field),
                None => refused,
            }
        } else {
            ApiError::unprocessable(format!("{path}: {error}")).on(path)
        }
    })
}

/// The status a use case's refusal answers with.
pub fn refused(error: ManageError) -> ApiError {
    let status = match &error {
        ManageError::NotFound(_)
        | ManageError::RunNotFound(_)
        | ManageError::TemplateNotFound(_)
        | ManageError::UnknownPerson(_) => StatusCode::NOT_FOUND,
        ManageError::NotAllowed(_) | ManageError::OverQuota(_) => StatusCode::FORBIDDEN,
        ManageError::Invalid(_) | ManageError::Conflict(_) => StatusCode::CONFLICT,
        ManageError::Stale { .. } => StatusCode::PRECONDITION_FAILED,
        ManageError::Store(cause) => return ApiError::internal(cause),
        ManageError::OverCeiling(over) => {
            return ApiError::unprocessable(over.message.clone()).on(over.field)
        }
    };
    let message = error.for_user();
    // "owner: only an admin ..." names its field.
    match message.split_once(": ") {
        Some((field, rest)) if matches!(field, "owner" | "name") => {
            ApiError::new(status, rest.to_string()).on(field)
        }
        // A completion trigger naming no workflow of theirs, or a cycle; an
        // on_failure naming none, or itself.
        Some((field @ ("trigger" | "policies.on_failure"), rest)) => {
            ApiError::unprocessable(rest.to_string()).on(field)
        }
        _ => ApiError::new(status, message),
    }
}

fn clip(text: &str) -> String {
    crate::text::clip(text, 40)
}
