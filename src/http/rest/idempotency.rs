//! `Idempotency-Key` on the POSTs that create or run: the first answer to a
//! key (per API key) is kept 24 hours and given again to a retry, which does
//! nothing twice. The same key with another request (method, path, query or
//! body) is refused; a retry while the first is still being answered gets
//! 409. An answer of 5xx is not kept, so a retry after steward's failure
//! runs again.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sha2::{Digest, Sha256};

use super::super::chat_api::MAX_BODY_BYTES;
use super::super::error::ApiError;
use super::super::ApiState;
use super::keys::Caller;
use crate::store::idempotency::{self, Claim};

/// The header.
const HEADER: &str = "idempotency-key";

/// The longest key accepted.
const MAX_KEY: usize = 255;

/// The largest answer kept for replay.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Replays or records the answer of a request with `Idempotency-Key`.
pub async fn idempotent(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(key) = request.headers().get(HEADER) else {
        return Ok(next.run(request).await);
    };
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Idempotency-Key must be 1 to {MAX_KEY} visible ASCII characters, e.g. a UUID"
            ))
            .on("Idempotency-Key")
        })?
        .to_string();
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than the limit of {MAX_BODY_BYTES} bytes"),
            )
        })?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update(b"\n");
    hasher.update(parts.uri.to_string());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let fingerprint = hex::encode(hasher.finalize());
    let pool = state.store.pool();
    let now = state.rest.clock.now();
    let claim = idempotency::claim(pool, caller.key_id, &key, &fingerprint, now)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    match claim {
        Claim::Mismatch => Err(ApiError::unprocessable(
            "this Idempotency-Key was used with a different request; use a new key for a new request",
        )
        .on("Idempotency-Key")),
        Claim::InFlight => Err(ApiError::new(
            StatusCode::CONFLICT,
            "a request with this Idempotency-Key is still being answered; retry in a moment",
        )
        .on("Idempotency-Key")),
        Claim::Answered { status, body } => Ok(replay(status, body)),
        Claim::New => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            Ok(keep(&state, caller.key_id, &key, response).await)
        }
    }
}

/// The kept answer, marked as a replay.
fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// Keeps `response` for retries (a 5xx lets the key go instead) and
/// returns it.
async fn keep(state: &ApiState, key_id: i64, key: &str, response: Response) -> Response {
    let pool = state.store.pool();
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ANSWER_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "reading an answer to keep for Idempotency-Key");
            let _ = idempotency::release(pool, key_id, key).await;
            return ApiError::internal(&"an answer too large to keep").into_response();
        }
    };
    let kept = if parts.status.is_server_error() {
        idempotency::release(pool, key_id, key).await
    } else {
        let text = String::from_utf8_lossy(&bytes);
        idempotency::answer(pool, key_id, key, parts.status.as_u16(), &text).await
    };
    if let Err(error) = kept {
        // The answer stands; a retry may then do it again, which the log says.
        tracing::error!(%error, key_id, "could not keep an answer for Idempotency-Key");
    }
    Response::from_parts(parts, Body::from(bytes))
}
