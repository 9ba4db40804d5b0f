//! The chat API's bearer token: read from `Authorization` with the scheme in
//! any case (RFC 9110 §11.1), compared in constant time, and guessing it
//! made slow: each client address gets a few failures a minute, then 429
//! with `Retry-After` until its bucket refills (right tokens included, so
//! the answer tells a guesser nothing while it waits).

use axum::http::{header, HeaderMap, StatusCode};
use secrecy::ExposeSecret;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use super::error::ApiError;
use super::ApiState;

/// Checks the bearer token of a request from `peer`.
pub fn authorize(state: &ApiState, headers: &HeaderMap, peer: SocketAddr) -> Result<(), ApiError> {
    let Some(expected) = &state.token else {
        return Ok(());
    };
    let client = client_key(peer.ip());
    if let Err(wait) = state.auth_failures.check(&client, Instant::now()) {
        return Err(too_many(wait.as_secs().max(1)));
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer);
    let refusal = match given {
        Some(token) if same(token.as_bytes(), expected.expose_secret().as_bytes()) => return Ok(()),
        Some(_) => "the bearer token is not valid",
        None => "send the API token as 'Authorization: Bearer <token>'",
    };
    tracing::warn!(
        client,
        "the chat API refused a request without the right token"
    );
    match state.auth_failures.take(&client, Instant::now()) {
        Ok(()) => Err(ApiError::new(StatusCode::UNAUTHORIZED, refusal)),
        Err(wait) => Err(too_many(wait.as_secs().max(1))),
    }
}

pub(super) fn too_many(seconds: u64) -> ApiError {
    ApiError {
        retry_after: Some(seconds),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many failed authentications from this address; try again in {seconds} s"),
        )
    }
}

/// The token of an `Authorization: Bearer <token>` value; the scheme is
/// case-insensitive.
pub(super) fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whose failures count together: one IPv4 address, or one IPv6 /64 (what a
/// single customer is usually given, so rotating addresses inside it gains
/// nothing).
pub(super) fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        for value in ["Bearer t0k", "bearer t0k", "BEARER t0k", "BeArEr   t0k "] {
            assert_eq!(bearer(value), Some("t0k"), "{value}");
        }
        for value in ["Basic t0k", "Bearer", "Bearer ", "Bearert0k", "t0k"] {
            assert_eq!(bearer(value), None, "{value}");
        }
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let key = |s: &str| client_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:10.0.0.7"), "10.0.0.7");
        assert_eq!(key("10.0.0.7"), "10.0.0.7");
    }
}
