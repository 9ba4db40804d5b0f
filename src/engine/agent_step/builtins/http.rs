//! `http_request`: an HTTP call, its answer cut to what the model reads.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

use super::super::clip;
use super::MAX_HTTP_SECONDS;
use crate::engine::runner::Runner;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    name: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HttpArgs {
    method: String,
    url: String,
    #[serde(default)]
    headers: Option<Vec<Header>>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    timeout_seconds: Option<u64>,
}

pub(super) async fn http_request(runner: &Runner<'_>, args: HttpArgs) -> Result<Value, String> {
    let mut headers = BTreeMap::new();
    for header in args.headers.unwrap_or_default() {
        headers.insert(header.name, header.value);
    }
    let body = args.body.map(|text| {
        let is_json =
            serde_json::from_str::<Value>(&text).is_ok_and(|v| v.is_object() || v.is_array());
        if is_json
            && !headers
                .keys()
                .any(|k| k.eq_ignore_ascii_case("content-type"))
        {
            headers.insert("Content-Type".into(), "application/json".into());
        }
        Value::String(text)
    });
    let timeout = Duration::from_secs(
        args.timeout_seconds
            .unwrap_or(30)
            .clamp(1, MAX_HTTP_SECONDS),
    );
    let mut response = runner
        .engine
        .http
        .send(
            &args.method,
            &args.url,
            &headers,
            body.as_ref(),
            Some(timeout),
        )
        .await?;
    // The model reads at most a page or so of the body.
    if let Some(Value::String(text)) = response.get("body") {
        let cut = clip(text, super::super::MAX_TOOL_RESULT_CHARS / 2);
        response["body"] = Value::String(cut);
    }
    Ok(response)
}
