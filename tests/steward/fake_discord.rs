//! Discord's REST API on 127.0.0.1: records every request (method, path,
//! JSON body, authorization) and answers the way Discord does; a test can
//! make the next request fail.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use steward::chat::discord::Discord;
use steward::config::{DiscordConfig, Secret};

use crate::discord_payloads::{bot_message, name_of, user_object, CHANNEL, DM};

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// The Authorization header.
    pub authorization: Option<String>,
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    /// Answers to give instead of the usual, in order: (status, body).
    failures: VecDeque<(u16, Value)>,
    /// What `GET /gateway` names (a fake gateway's address).
    gateway: Option<String>,
}

pub struct FakeDiscord {
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let ids = Arc::new(AtomicU64::new(1_500_000_000_000_000_000));
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = Arc::clone(&shared);
                let ids = Arc::clone(&ids);
                let authorization = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                async move { answer(&state, &ids, method, uri, authorization, body) }
            },
        );
        // Serves until the test's runtime ends; a serve error would show as
        // the test's requests failing.
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeDiscord { base, state }
    }

    /// steward's Discord adapter with its REST client pointed here.
    pub fn discord(&self) -> Discord {
        Discord::new(&DiscordConfig {
            token: Secret::from("fake-bot-token"),
            api_url: Some(self.base.clone()),
        })
        .unwrap()
    }

    /// Every request so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    /// The requests so far, forgetting them.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut self.state.lock().unwrap().calls)
    }

    /// Where `GET /gateway` sends clients.
    pub fn set_gateway(&self, url: &str) {
        self.state.lock().unwrap().gateway = Some(url.to_string());
    }

    /// The next request is answered with `status` and `body` instead.
    pub fn fail_next(&self, status: u16, body: Value) {
        self.state
            .lock()
            .unwrap()
            .failures
            .push_back((status, body));
    }
}

fn answer(
    state: &Mutex<State>,
    ids: &AtomicU64,
    method: Method,
    uri: Uri,
    authorization: Option<String>,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path().to_string();
    let (failure, gateway) = {
        let mut state = state.lock().unwrap();
        state.calls.push(Call {
            method: method.to_string(),
            path: path.clone(),
            body: body.clone(),
            authorization,
        });
        let gateway = state.gateway.clone();
        (state.failures.pop_front(), gateway)
    };
    if let Some((status, body)) = failure {
        return (StatusCode::from_u16(status).unwrap(), Json(body)).into_response();
    }
    let parts: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let id = || ids.fetch_add(1, Ordering::SeqCst);
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["channels", _, "typing"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["channels", channel, "messages"]) => {
            Json(message_object(id(), channel, &body)).into_response()
        }
        ("PATCH", ["webhooks", _, _, "messages", "@original"])
        | ("POST", ["webhooks", _, _]) => {
            Json(message_object(id(), &CHANNEL.to_string(), &body)).into_response()
        }
        ("POST", ["users", "@me", "channels"]) => {
            let recipient: u64 = body["recipient_id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .unwrap_or_default();
            Json(json!({
                "id": DM.to_string(),
                "type": 1,
                "last_message_id": null,
                "recipients": [user_object(recipient, name_of(recipient), false)]
            }))
            .into_response()
        }
        ("PUT", ["applications", app, "commands"]) => {
            let commands: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut command| {
                    command["id"] = json!(id().to_string());
                    command["application_id"] = json!(app);
                    command["version"] = json!(id().to_string());
                    if command.get("type").is_none() {
                        command["type"] = json!(1);
                    }
                    command
                })
                .collect();
            Json(Value::Array(commands)).into_response()
        }
        ("GET", ["gateway"] | ["gateway", "bot"]) => Json(json!({
            // Nothing listens on port 9 unless a test started a gateway.
            "url": gateway.unwrap_or_else(|| "ws://127.0.0.1:9".into()),
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        }))
        .into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({"message": "404: Not Found", "code": 0})),
        )
            .into_response(),
    }
}

/// The message Discord returns for a posted one.
fn message_object(id: u64, channel: &str, sent: &Value) -> Value {
    bot_message(
        &id.to_string(),
        channel,
        sent.get("content").cloned().unwrap_or(json!("")),
        sent.get("flags").cloned().unwrap_or(json!(0)),
        json!([]),
    )
}
