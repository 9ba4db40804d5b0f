//! A conversation's `callback_url`, as the chat API accepts it: an http(s)
//! URL; not to a private, loopback or link-local address unless the operator
//! allows it (checked again at delivery against the resolved address, see
//! chat/webhook.rs); the first one registered holds, and another gets 409
//! unless the request has the API token and asks to replace it; with
//! `STEWARD_WEBHOOK_CALLBACK_URL` set, no conversation names its own.

use axum::http::StatusCode;

use super::error::ApiError;
use super::ApiState;
use crate::egress::{self, HOW_TO_ALLOW_CALLBACKS};
use crate::store::callbacks::{self, Registration};

/// The longest callback URL accepted.
const MAX_URL_CHARS: usize = 2_000;

/// Registers `url` as the callback of `chat`, said by `user`.
pub async fn register(
    state: &ApiState,
    chat: &str,
    user: &str,
    url: &str,
    replace: bool,
) -> Result<(), ApiError> {
    if !state.callbacks {
        return Err(ApiError::unprocessable(
            "callback_url needs a signing key: set STEWARD_WEBHOOK_SECRET (or STEWARD_API_TOKEN) on the server",
        ));
    }
    if url.len() > MAX_URL_CHARS {
        return Err(ApiError::unprocessable(format!(
            "callback_url is longer than {MAX_URL_CHARS} characters"
        )));
    }
    let parsed = url::Url::parse(url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| ApiError::unprocessable("callback_url must be an http(s) URL"))?;
    if let Some(pinned) = &state.callback_pin {
        if parsed.as_str() == pinned {
            return Ok(());
        }
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "this server sends every callback to the URL its operator set (STEWARD_WEBHOOK_CALLBACK_URL); leave callback_url out",
        ));
    }
    if let Some(refused) = egress::refusal(&state.callback_policy, &parsed) {
        return Err(ApiError::unprocessable(format!(
            "callback_url: {refused} ({HOW_TO_ALLOW_CALLBACKS})"
        )));
    }
    if replace && state.token.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "replacing a conversation's callback_url needs the API token, and this server has none (STEWARD_API_TOKEN)",
        ));
    }
    let registered = callbacks::register(
        state.store.pool(),
        chat,
        parsed.as_str(),
        replace,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| ApiError::internal(&e))?;
    match registered {
        Registration::First | Registration::Same => Ok(()),
        Registration::Replaced { previous } => {
            tracing::warn!(chat, user, previous, url = parsed.as_str(), "a conversation's callback URL was replaced");
            Ok(())
        }
        Registration::Taken { .. } => Err(ApiError::new(
            StatusCode::CONFLICT,
            "this conversation already has another callback_url, which stays; to move it, send \"replace_callback\": true with the API token",
        )),
    }
}
