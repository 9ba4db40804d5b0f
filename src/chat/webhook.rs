//! The webhook chat API's way back: a conversation's later notices (run
//! results, failures, approval requests) are POSTed as JSON to the callback
//! URL its messages gave, signed with HMAC-SHA256.
//!
//! Each POST carries
//! - `X-Steward-Timestamp`: unix seconds when it was signed (fresh on each try);
//! - `X-Steward-Signature`: `sha256=` and the hex HMAC-SHA256, keyed with the
//!   webhook secret, of `"<timestamp>.<body>"`;
//! - `X-Steward-Delivery`: an id that stays the same across retries of one
//!   notice, so a receiver can drop duplicates.
//!
//! A receiver checks the signature and refuses timestamps older than a few
//! minutes (replays) with [`verify`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

use super::{Outbound, Platform, SendError};
use crate::egress::{self, resolver::GuardedResolver, HOW_TO_ALLOW_CALLBACKS};
use crate::store::{callbacks, Store};

pub const SIGNATURE_HEADER: &str = "x-steward-signature";
pub const TIMESTAMP_HEADER: &str = "x-steward-timestamp";
pub const DELIVERY_HEADER: &str = "x-steward-delivery";

/// How old a signed timestamp [`verify`] accepts by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The `X-Steward-Signature` value for `body` signed at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Why a callback was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the timestamp header is missing or not a number")]
    BadTimestamp,
    #[error("the timestamp is {0} s away from now: a replay or a wrong clock")]
    Stale(i64),
    #[error("the signature header is missing or malformed")]
    Malformed,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Checks a callback as a receiver should: the signature matches the body
/// and the timestamp is within `tolerance` of `now`. The comparison takes the
/// same time however many bytes match.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
    tolerance: Duration,
) -> Result<(), VerifyError> {
    let timestamp: i64 = timestamp
        .and_then(|t| t.trim().parse().ok())
        .ok_or(VerifyError::BadTimestamp)?;
    let skew = now.timestamp().saturating_sub(timestamp);
    if skew.unsigned_abs() > tolerance.as_secs() {
        return Err(VerifyError::Stale(skew));
    }
    let given = signature
        .and_then(|s| s.trim().strip_prefix("sha256="))
        .and_then(|h| hex::decode(h).ok())
        .ok_or(VerifyError::Malformed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given).map_err(|_| VerifyError::Mismatch)
}

/// Where callbacks go.
#[derive(Clone, Debug, Default)]
pub struct CallbackRoute {
    /// The operator's one URL for every conversation
    /// (`STEWARD_WEBHOOK_CALLBACK_URL`); trusted wherever it points.
    pub pinned: Option<String>,
    /// Where conversations' own URLs may point, checked on every address
    /// their names resolve to, at delivery time.
    pub policy: egress::Policy,
}

/// Posts notices to conversations' callback URLs.
pub struct WebhookPlatform {
    store: Store,
    http: reqwest::Client,
    secret: Vec<u8>,
    route: CallbackRoute,
}

impl WebhookPlatform {
    pub fn new(
        store: Store,
        secret: &str,
        timeout: Duration,
        route: CallbackRoute,
    ) -> Result<WebhookPlatform, String> {
        // The pinned URL is the operator's own: only it is ever called then.
        let policy = match &route.pinned {
            Some(_) => egress::Policy {
                allow_private: true,
                allow: Vec::new(),
            },
            None => route.policy.clone(),
        };
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver {
                policy,
                hint: HOW_TO_ALLOW_CALLBACKS,
            }))
            // A proxy would resolve names itself, past the address check.
            .no_proxy()
            .user_agent(concat!("steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("building the callback client: {e}"))?;
        Ok(WebhookPlatform {
            store,
            http,
            secret: secret.as_bytes().to_vec(),
            route,
        })
    }

    /// The URL `address`'s notices go to.
    async fn url(&self, address: &str) -> Result<String, SendError> {
        if let Some(pinned) = &self.route.pinned {
            return Ok(pinned.clone());
        }
        let chat = format!("webhook:{address}");
        let url = callbacks::get(self.store.reader(), &chat)
            .await
            .map_err(|e| SendError::transient(format!("loading the callback URL: {e}")))?
            .ok_or_else(|| {
                SendError::permanent(format!(
                    "conversation '{address}' gave no callback_url to send this to"
                ))
            })?;
        let parsed = url::Url::parse(&url)
            .map_err(|e| SendError::permanent(format!("the stored callback URL: {e}")))?;
        if let Some(refused) = egress::refusal(&self.route.policy, &parsed) {
            return Err(SendError::permanent(format!(
                "the callback URL was refused: {refused} ({HOW_TO_ALLOW_CALLBACKS})"
            )));
        }
        Ok(url)
    }
}

#[async_trait]
impl Platform for WebhookPlatform {
    fn name(&self) -> &'static str {
        "webhook"
    }

    async fn send(&self, address: &str, message: &Outbound) -> Result<(), SendError> {
        let url = self.url(address).await?;
        let delivery = message.delivery_id.clone().unwrap_or_default();
        let body = json!({
            "delivery_id": delivery,
            "conversation_id": address,
            "text": message.text,
            "buttons": message.buttons,
            "about": message.about,
        })
        .to_string();
        // Sent once per try by the retry policy; the id stays, the timestamp
        // and signature are fresh.
        let timestamp = Utc::now().timestamp();
        let response = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(
                SIGNATURE_HEADER,
                sign(&self.secret, timestamp, body.as_bytes()),
            )
            .header(DELIVERY_HEADER, &delivery)
            .body(body)
            .send()
            .await
            .map_err(|e| SendError::unanswered("the callback URL", &e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        Err(SendError::from_status(
            status.as_u16(),
            format!("the callback URL answered HTTP {}", status.as_u16()),
            retry_after,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_changed_body_or_secret_does_not() {
        let now = Utc::now();
        let body = br#"{"text":"hi"}"#;
        let signature = sign(b"s3cret", now.timestamp(), body);
        let ts = now.timestamp().to_string();
        assert_eq!(
            verify(
                b"s3cret",
                Some(&ts),
                Some(&signature),
                body,
                now,
                DEFAULT_TOLERANCE
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                b"s3cret",
                Some(&ts),
                Some(&signature),
                br#"{"text":"hj"}"#,
                now,
                DEFAULT_TOLERANCE
            ),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(
                b"other",
                Some(&ts),
                Some(&signature),
                body,
                now,
                DEFAULT_TOLERANCE
            ),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(
                b"s3cret",
                Some(&ts),
                Some("sha256=zz"),
                body,
                now,
                DEFAULT_TOLERANCE
            ),
            Err(VerifyError::Malformed)
        );
    }

    #[test]
    fn an_old_timestamp_is_a_replay() {
        let now = Utc::now();
        let then = now.timestamp() - 600;
        let signature = sign(b"k", then, b"{}");
        assert_eq!(
            verify(
                b"k",
                Some(&then.to_string()),
                Some(&signature),
                b"{}",
                now,
                DEFAULT_TOLERANCE
            ),
            Err(VerifyError::Stale(600))
        );
    }
}
