//! `http`: one request through the engine's guarded client (egress rules,
//! timeouts, size limits), its templates resolved first.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

use super::failed;
use crate::engine::http::Retries;
use crate::engine::runner::{text_of, Runner};
use crate::engine::Stop;
use crate::workflow::template::resolve;
use crate::workflow::Step;

/// Tries after the first of a GET or HEAD that failed on the way.
const SAFE_RETRIES: u32 = 2;
/// The wait before the first of them (doubling).
const SAFE_BACKOFF: Duration = Duration::from_millis(500);

/// The request as the step wrote it, before its templates are resolved.
pub(super) struct Call<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a BTreeMap<String, String>,
    pub body: Option<&'a Value>,
    pub timeout_seconds: Option<u64>,
}

pub(super) async fn run(
    runner: &Runner<'_>,
    step: &Step,
    call: Call<'_>,
    scope: &Value,
) -> Result<Value, Stop> {
    let fail = failed(step);
    let url = text_of(&resolve(&json!(call.url), scope).map_err(&fail)?);
    let mut headers = BTreeMap::new();
    for (name, value) in call.headers {
        headers.insert(
            name.clone(),
            text_of(&resolve(&json!(value), scope).map_err(&fail)?),
        );
    }
    let body = match call.body {
        Some(body) => Some(resolve(body, scope).map_err(&fail)?),
        None => None,
    };
    // A connection error, a time-out or a 5xx is tried again: as the
    // step's `on_error` says, else twice for requests safe to repeat.
    let safe = matches!(
        call.method.to_uppercase().as_str(),
        "GET" | "HEAD" | "OPTIONS"
    );
    let (times, backoff) = match step.on_error.retry {
        Some(retry) => (retry.times, Duration::from_secs_f64(retry.backoff_seconds)),
        None if safe => (SAFE_RETRIES, SAFE_BACKOFF),
        None => (0, SAFE_BACKOFF),
    };
    let until = runner.deadline;
    runner
        .engine
        .http
        .send_retrying(
            (call.method, &url),
            &headers,
            body.as_ref(),
            call.timeout_seconds.map(Duration::from_secs),
            Retries {
                times,
                backoff,
                until,
            },
        )
        .await
        .map_err(fail)
}
