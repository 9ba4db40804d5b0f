//! A webhook call checked and read (DESIGN §1, docs/workflows.md): the
//! secret in the path or an HMAC-SHA256 signature header in GitHub's,
//! Stripe's, Slack's or steward's scheme, compared in constant time; and the
//! body with the kept headers turned into the run's `${input}`. Pure: the
//! caller passes the secret, the request and "now".

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::schedule::{HookAuth, Webhook};

/// How far a signed timestamp (Stripe, Slack) may be from now.
pub const TOLERANCE_SECONDS: i64 = 300;

/// The largest body a webhook call may carry.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a call was refused: said to the caller, never with the secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("the {0} header is not in the expected form")]
    Malformed(&'static str),
    #[error("the signed timestamp is more than 5 minutes from now")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
    #[error("the secret in the URL does not match")]
    WrongSecret,
}

/// A request as the check reads it: header lookup by lower-case name.
pub struct Call<'a> {
    pub header: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// The secret given in the path, for [`HookAuth::Path`].
    pub path_secret: Option<&'a str>,
    pub body: &'a [u8],
}

/// Checks `call` against `secret` under `auth`.
pub fn verify(
    auth: HookAuth,
    secret: &str,
    call: &Call<'_>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    match auth {
        HookAuth::Path => {
            let given = call.path_secret.unwrap_or_default().as_bytes();
            match bool::from(given.ct_eq(secret.as_bytes())) {
                true => Ok(()),
                false => Err(Refusal::WrongSecret),
            }
        }
        HookAuth::Github => prefixed(call, "X-Hub-Signature-256", "sha256=", secret, &[call.body]),
        HookAuth::Steward => prefixed(call, "X-Steward-Signature", "sha256=", secret, &[call.body]),
        HookAuth::Slack => {
            let name = "X-Slack-Request-Timestamp";
            let ts = header(call, name)?;
            fresh(&ts, name, now)?;
            let signed: [&[u8]; 4] = [b"v0:", ts.as_bytes(), b":", call.body];
            prefixed(call, "X-Slack-Signature", "v0=", secret, &signed)
        }
        HookAuth::Stripe => stripe(call, secret, now),
    }
}

fn header(call: &Call<'_>, name: &'static str) -> Result<String, Refusal> {
    (call.header)(&name.to_ascii_lowercase()).ok_or(Refusal::Missing(name))
}

/// `<prefix><hex HMAC of parts>` in header `name`.
fn prefixed(
    call: &Call<'_>,
    name: &'static str,
    prefix: &str,
    secret: &str,
    parts: &[&[u8]],
) -> Result<(), Refusal> {
    let value = header(call, name)?;
    let hex_part = value
        .trim()
        .strip_prefix(prefix)
        .ok_or(Refusal::Malformed(name))?;
    let signature = hex::decode(hex_part).map_err(|_| Refusal::Malformed(name))?;
    matches(secret, parts, &signature)
}

fn matches(secret: &str, parts: &[&[u8]], signature: &[u8]) -> Result<(), Refusal> {
    let mut mac = mac(secret);
    parts.iter().for_each(|part| mac.update(part));
    mac.verify_slice(signature).map_err(|_| Refusal::Mismatch)
}

fn mac(secret: &str) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length")
}

/// A Unix timestamp within [`TOLERANCE_SECONDS`] of `now`.
fn fresh(ts: &str, name: &'static str, now: DateTime<Utc>) -> Result<(), Refusal> {
    let at = ts
        .trim()
        .parse::<i64>()
        .map_err(|_| Refusal::Malformed(name))?;
    match (now.timestamp() - at).abs() <= TOLERANCE_SECONDS {
        true => Ok(()),
        false => Err(Refusal::Stale),
    }
}

/// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]` over `"<t>.<body>"`:
/// any v1 that matches will do (Stripe sends two while a secret rolls).
fn stripe(call: &Call<'_>, secret: &str, now: DateTime<Utc>) -> Result<(), Refusal> {
    let name = "Stripe-Signature";
    let value = header(call, name)?;
    let mut ts = None;
    let mut signatures = Vec::new();
    for part in value.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => ts = Some(t.to_string()),
            Some(("v1", v)) => {
                signatures.push(hex::decode(v).map_err(|_| Refusal::Malformed(name))?)
            }
            _ => {}
        }
    }
    let ts = ts.ok_or(Refusal::Malformed(name))?;
    if signatures.is_empty() {
        return Err(Refusal::Malformed(name));
    }
    fresh(&ts, name, now)?;
    let parts: [&[u8]; 3] = [ts.as_bytes(), b".", call.body];
    signatures
        .iter()
        .any(|signature| matches(secret, &parts, signature).is_ok())
        .then_some(())
        .ok_or(Refusal::Mismatch)
}

/// The signature header a sender puts on `body` under `auth` at `now`, as
/// (name, value); `None` for [`HookAuth::Path`]. For tests and for people
/// setting up their own sender (`steward workflows hook`).
pub fn sign(
    auth: HookAuth,
    secret: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Vec<(&'static str, String)> {
    let hex_of = |parts: &[&[u8]]| {
        let mut mac = mac(secret);
        parts.iter().for_each(|part| mac.update(part));
        hex::encode(mac.finalize().into_bytes())
    };
    let ts = now.timestamp().to_string();
    match auth {
        HookAuth::Path => vec![],
        HookAuth::Github => vec![("X-Hub-Signature-256", format!("sha256={}", hex_of(&[body])))],
        HookAuth::Steward => vec![("X-Steward-Signature", format!("sha256={}", hex_of(&[body])))],
        HookAuth::Slack => vec![
            ("X-Slack-Request-Timestamp", ts.clone()),
            (
                "X-Slack-Signature",
                format!("v0={}", hex_of(&[b"v0:", ts.as_bytes(), b":", body])),
            ),
        ],
        HookAuth::Stripe => vec![(
            "Stripe-Signature",
            format!("t={ts},v1={}", hex_of(&[ts.as_bytes(), b".", body])),
        )],
    }
}

/// Why a body could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadBody(pub String);

/// The run's input: `{"body": ..., "headers": {...}}`. A JSON body is parsed
/// (invalid JSON is refused), a form becomes an object of its fields (GitHub's
/// form deliveries' `payload` field read as JSON), anything else is text.
pub fn input(hook: &Webhook, headers: &[(String, String)], body: &[u8]) -> Result<Value, BadBody> {
    let kept: Map<String, Value> = headers
        .iter()
        .filter(|(name, _)| hook.keeps(name))
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    let content_type = headers
        .iter()
        .find(|(name, _)| name == "content-type")
        .map(|(_, value)| value.to_ascii_lowercase())
        .unwrap_or_default();
    let body = if content_type.contains("json") {
        serde_json::from_slice::<Value>(body)
            .map_err(|e| BadBody(format!("the body is not valid JSON: {e}")))?
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let mut fields: Map<String, Value> = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        // GitHub's form deliveries: the JSON event in one `payload` field,
        // read as if it had been sent as JSON.
        match fields.get("payload") {
            Some(Value::String(payload)) if fields.len() == 1 => {
                serde_json::from_str::<Value>(payload).unwrap_or(Value::Object(fields))
            }
            _ => Value::Object(std::mem::take(&mut fields)),
        }
    } else {
        let text = std::str::from_utf8(body)
            .map_err(|_| BadBody("the body is neither JSON, a form nor UTF-8 text".into()))?;
        Value::String(text.to_string())
    };
    Ok(json!({ "body": body, "headers": kept }))
}

#[cfg(test)]
mod tests;
