//! Who calls the REST API: a per-user key (`steward keys create`) in
//! `Authorization: Bearer stw_...`, looked up by its SHA-256. Failures count
//! in the same per-address bucket as the chat API's, so guessing keys is as
//! slow as guessing the token. `STEWARD_API_TOKEN` is not a REST key: it
//! belongs to the chat integration, and a key names a person.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::time::Instant;

use super::super::auth::{bearer, client_key, same, too_many};
use super::super::error::ApiError;
use super::super::ApiState;
use crate::manage::Actor;
use crate::store::api_keys;

/// The caller of a REST request, put in the request's extensions.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The API key's id (idempotency keys are kept per API key).
    pub key_id: i64,
    /// The key's user, as the use cases see them.
    pub actor: Actor,
}

/// How often a key's last use is written (a write per request would cost
/// every request a turn at the one writer).
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// Authenticates a REST request, or answers 401 (429 after too many failures
/// from the address).
pub async fn authenticate(
    State(state): State<ApiState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let client = client_key(peer.ip());
    if let Err(wait) = state.auth_failures.check(&client, Instant::now()) {
        return Err(too_many(wait.as_secs().max(1)));
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .map(str::to_string);
    let refusal = match given {
        None => "send an API key as 'Authorization: Bearer <key>'; `steward keys create --user NAME` makes one".to_string(),
        Some(key) => match find(&state, &key).await? {
            Ok(caller) => {
                request.extensions_mut().insert(caller);
                return Ok(next.run(request).await);
            }
            Err(refusal) => refusal,
        },
    };
    tracing::warn!(client, "the REST API refused a request without a valid key");
    match state.auth_failures.take(&client, Instant::now()) {
        Ok(()) => Err(ApiError::new(StatusCode::UNAUTHORIZED, refusal)),
        Err(wait) => Err(too_many(wait.as_secs().max(1))),
    }
}

/// The caller holding `key`, or why it is refused.
async fn find(state: &ApiState, key: &str) -> Result<Result<Caller, String>, ApiError> {
    let found = api_keys::by_hash(state.store.reader(), &api_keys::hash(key))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let Some(found) = found else {
        let chat_token = state
            .token
            .as_ref()
            .is_some_and(|t| same(key.as_bytes(), t.expose_secret().as_bytes()));
        return Ok(Err(if chat_token {
            "that is the chat API's token (STEWARD_API_TOKEN); the REST API takes a person's key from `steward keys create`".into()
        } else {
            "the API key is not valid".into()
        }));
    };
    if found.revoked_at.is_some() {
        return Ok(Err("this API key was revoked".into()));
    }
    touch(state, found.id, found.last_used_at).await;
    Ok(Ok(Caller {
        key_id: found.id,
        actor: Actor {
            id: found.user,
            admin: found.admin,
            manages: None,
        },
    }))
}

/// Records the key's use, at most once a minute per key; a failure is
/// logged and the request goes on.
async fn touch(state: &ApiState, id: i64, stored: Option<DateTime<Utc>>) {
    let now = state.rest.clock.now();
    {
        let mut seen = state.rest.seen.lock().unwrap_or_else(|e| e.into_inner());
        let last = seen.get(&id).copied().or(stored);
        if last.is_some_and(|at| now - at < TOUCH_EVERY) {
            return;
        }
        seen.insert(id, now);
    }
    if let Err(error) = api_keys::touch(state.store.pool(), id, now).await {
        tracing::warn!(%error, key = id, "could not record an API key's use");
    }
}
