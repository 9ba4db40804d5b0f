//! `http`: one request through the engine's guarded client (egress rules,
//! timeouts, size limits), its templates resolved first.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

use super::failed;
use crate::engine::runner::{text_of, Runner};
use crate::engine::Stop;
use crate::workflow::template::resolve;
use crate::workflow::Step;

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
    runner
        .engine
        .http
        .send(
            call.method,
            &url,
            &headers,
            body.as_ref(),
            call.timeout_seconds.map(Duration::from_secs),
        )
        .await
        .map_err(fail)
}
