//! Who is looking: signing in (a one-time link from chat, or an API key),
//! the session cookie, the CSRF token every form sends back, signing out.
//!
//! The cookie holds a random token whose SHA-256 names the session row; it
//! is HttpOnly and SameSite=Strict, Secure when `STEWARD_PUBLIC_URL` is
//! https, and expires with the session ([`LIFETIME`]).

use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::TimeDelta;
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Instant;

use super::super::auth::{client_key, same};
use super::super::ApiState;
use super::page::{render, Nav, WebError};
use crate::manage::Actor;
use crate::store::api_keys;
use crate::store::web_sessions::{self, NewSession, Person};

/// The session cookie's name.
pub const COOKIE: &str = "steward_session";

/// How long a session lasts after signing in.
pub const LIFETIME: TimeDelta = TimeDelta::hours(12);

/// A signed-in person, as the use cases see them, with their session's
/// CSRF token.
#[derive(Clone, Debug)]
pub struct Signed {
    pub actor: Actor,
    pub csrf: String,
}

impl Signed {
    /// The page chrome for this person, on page `here`.
    pub fn nav(&self, here: &'static str) -> Nav {
        Nav {
            user: Some(self.actor.id.clone()),
            admin: self.actor.admin,
            csrf: self.csrf.clone(),
            here,
            notice: None,
        }
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check(&self, given: &str) -> Result<(), WebError> {
        if same(given.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::new(
                StatusCode::FORBIDDEN,
                "Refused",
                "The form did not carry this session's token (an old page, or a form from another site). Reload the page and try again.",
            ))
        }
    }
}

/// The session token in the request's cookies.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl FromRequestParts<ApiState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Signed, Response> {
        let away = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let to = format!("/sign-in?next={}", urlencode(next));
            Redirect::to(&to).into_response()
        };
        let Some(token) = cookie_token(&parts.headers) else {
            return Err(away());
        };
        let now = state.rest.clock.now();
        let found = web_sessions::session(state.store.reader(), &api_keys::hash(&token), now).await;
        match found {
            Ok(Some(session)) => Ok(Signed {
                actor: Actor {
                    id: session.person.user,
                    admin: session.person.admin,
                    manages: None,
                },
                csrf: session.csrf,
            }),
            Ok(None) => Err(away()),
            Err(error) => {
                tracing::error!(%error, "could not read a dashboard session");
                Err(WebError::internal().into_response())
            }
        }
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Where to go after signing in: a path of this site, else the start page.
fn local_path(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// `GET /sign-in`: how to sign in.
pub async fn page(
    axum::extract::Query(query): axum::extract::Query<NextQuery>,
) -> Result<Response, WebError> {
    sign_in_page(None, None, local_path(&query.next), StatusCode::OK)
}

fn sign_in_page(
    link: Option<&str>,
    error: Option<&str>,
    next: &str,
    status: StatusCode,
) -> Result<Response, WebError> {
    let page = super::pages::SignIn {
        nav: Nav::anonymous(),
        link: link.map(str::to_string),
        error: error.map(str::to_string),
        next: next.to_string(),
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /sign-in/{token}`: a button that uses the link. Opening the link
/// does not use it, so a chat's link preview cannot spend it.
pub async fn link_page(Path(token): Path<String>) -> Result<Response, WebError> {
    let token: String = token.chars().filter(char::is_ascii_hexdigit).collect();
    sign_in_page(Some(&token), None, "/", StatusCode::OK)
}

/// `POST /sign-in/{token}`: uses the link and starts a session.
pub async fn use_link(
    State(state): State<ApiState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let client = slow_down(&state, peer)?;
    let actor = state
        .rest
        .manager
        .use_sign_in_link(&token)
        .await
        .map_err(WebError::from)?;
    match actor {
        Some(actor) => start(&state, &actor, None, "/").await,
        None => {
            failed(&state, &client)?;
            sign_in_page(
                None,
                Some("This sign-in link was already used or has expired (links last 10 minutes and work once). Ask for a new one: say 'dashboard' to steward in a private chat."),
                "/",
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}

#[derive(Deserialize)]
pub struct KeyForm {
    key: String,
    #[serde(default)]
    next: String,
}

/// `POST /sign-in`: signs in with a REST API key.
pub async fn with_key(
    State(state): State<ApiState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<KeyForm>,
) -> Result<Response, WebError> {
    let client = slow_down(&state, peer)?;
    let next = local_path(&form.next).to_string();
    let found = api_keys::by_hash(state.store.reader(), &api_keys::hash(form.key.trim()))
        .await
        .map_err(|e| WebError::from(crate::manage::ManageError::from(e)))?;
    match found.filter(|key| key.revoked_at.is_none()) {
        Some(key) => {
            let actor = Actor {
                id: key.user,
                admin: key.admin,
                manages: None,
            };
            start(&state, &actor, Some(key.id), &next).await
        }
        None => {
            failed(&state, &client)?;
            sign_in_page(
                None,
                Some("That API key is not valid, or was revoked."),
                &next,
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}

/// Refuses an address that failed too often lately; its rate-limit key.
fn slow_down(state: &ApiState, peer: SocketAddr) -> Result<String, WebError> {
    let client = client_key(peer.ip());
    match state.auth_failures.check(&client, Instant::now()) {
        Ok(()) => Ok(client),
        Err(wait) => Err(too_many(wait.as_secs().max(1))),
    }
}

/// Counts a failed sign-in against the address.
fn failed(state: &ApiState, client: &str) -> Result<(), WebError> {
    tracing::warn!(client, "a dashboard sign-in failed");
    state
        .auth_failures
        .take(client, Instant::now())
        .map_err(|wait| too_many(wait.as_secs().max(1)))
}

fn too_many(seconds: u64) -> WebError {
    WebError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many tries",
        &format!("Too many failed sign-ins from this address; try again in {seconds} s."),
    )
}

/// Starts a session for `actor` and sends the browser to `next`.
async fn start(
    state: &ApiState,
    actor: &Actor,
    api_key_id: Option<i64>,
    next: &str,
) -> Result<Response, WebError> {
    let internal =
        |e: crate::store::StoreError| WebError::from(crate::manage::ManageError::from(e));
    let token = web_sessions::token().map_err(internal)?;
    let csrf = web_sessions::token().map_err(internal)?;
    let now = state.rest.clock.now();
    let person = Person {
        user: actor.id.clone(),
        admin: actor.admin,
    };
    let new = NewSession {
        hash: &api_keys::hash(&token),
        person: &person,
        api_key_id,
        csrf: &csrf,
        expires: now + LIFETIME,
    };
    web_sessions::insert_session(state.store.pool(), &new, now)
        .await
        .map_err(internal)?;
    let secure = if state.web.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        LIFETIME.num_seconds()
    );
    let mut response = Redirect::to(next).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|_| WebError::internal())?,
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /sign-out`: ends the session and forgets the cookie.
pub async fn sign_out(
    State(state): State<ApiState>,
    signed: Signed,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed.check(&form.csrf)?;
    if let Some(token) = cookie_token(&headers) {
        let now = state.rest.clock.now();
        web_sessions::revoke(state.store.pool(), &api_keys::hash(&token), now)
            .await
            .map_err(|e| WebError::from(crate::manage::ManageError::from(e)))?;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("steward_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_followed_after_signing_in() {
        assert_eq!(local_path("/workflows/3"), "/workflows/3");
        assert_eq!(local_path("//evil.example/x"), "/");
        assert_eq!(local_path("https://evil.example/"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path(""), "/");
    }

    #[test]
    fn the_cookie_is_found_among_others_and_must_look_like_a_token() {
        let mut headers = HeaderMap::new();
        let token = "ab".repeat(32);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=1; {COOKIE}={token}; b=2")).unwrap(),
        );
        assert_eq!(cookie_token(&headers), Some(token));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("steward_session=' OR 1=1"),
        );
        assert_eq!(cookie_token(&headers), None);
    }
}
