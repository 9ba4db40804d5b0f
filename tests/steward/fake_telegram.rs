//! A fake Telegram Bot API server on 127.0.0.1, speaking the real HTTP API
//! (`POST /bot<token>/<method>` with JSON, answers `{"ok": true, "result"}`):
//! getMe, getUpdates (long polling over the updates a test pushes),
//! sendMessage, answerCallbackQuery, setMyCommands, editMessageReplyMarkup,
//! deleteWebhook, setWebhook, getChatMember. Every call is recorded; failures
//! can be queued for sendMessage.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

pub const TOKEN: &str = "123456:TEST-token";
pub const BOT_ID: i64 = 999;
pub const BOT_USERNAME: &str = "steward_bot";

/// One call steward made.
#[derive(Clone, Debug)]
pub struct Call {
    /// The method as Telegram spells it (`sendMessage`), lower-cased.
    pub method: String,
    pub body: Value,
    /// The first segment of a `TELEGRAM_API_URL` ending in `/<via>`: which
    /// of several processes called (empty for the bare URL).
    pub via: String,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    updates: Vec<Value>,
    next_update_id: i64,
    next_message_id: i64,
    /// Answers for the next sendMessage calls: (HTTP status, body).
    send_failures: VecDeque<(u16, Value)>,
    admins: HashSet<i64>,
}

#[derive(Clone)]
pub struct FakeTelegram {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    pushed: Arc<Notify>,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        let inner = Arc::new(Mutex::new(Inner {
            next_update_id: 1,
            next_message_id: 100,
            ..Inner::default()
        }));
        let fake = FakeTelegram {
            url: String::new(),
            inner,
            pushed: Arc::new(Notify::new()),
        };
        let router = axum::Router::new()
            .route("/{bot}/{method}", axum::routing::post(api).get(api))
            .route(
                "/{via}/{bot}/{method}",
                axum::routing::post(api_via).get(api_via),
            )
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        // Serves until the test's runtime ends.
        tokio::spawn(async move { axum::serve(listener, router).await });
        FakeTelegram { url, ..fake }
    }

    /// Queues an update (its `update_id` is filled in); returns the id.
    pub fn push(&self, mut update: Value) -> i64 {
        let mut inner = self.inner.lock().unwrap();
        let id = inner.next_update_id;
        inner.next_update_id += 1;
        update["update_id"] = json!(id);
        inner.updates.push(update);
        drop(inner);
        self.pushed.notify_waiters();
        id
    }

    /// The calls made through `<url><via>` (teloxide appends `/bot<token>/<method>`).
    pub fn calls_via(&self, via: &str) -> Vec<Call> {
        let calls = self.calls().into_iter();
        calls.filter(|c| c.via == via).collect()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().unwrap().calls.clone()
    }

    /// The bodies of the calls of `method` (case-insensitive).
    pub fn bodies(&self, method: &str) -> Vec<Value> {
        let method = method.to_lowercase();
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .map(|c| c.body)
            .collect()
    }

    /// The texts sent to `chat`.
    pub fn sent_to(&self, chat: i64) -> Vec<Value> {
        self.bodies("sendMessage")
            .into_iter()
            .filter(|b| b["chat_id"] == json!(chat))
            .collect()
    }

    /// Waits until a message to `chat` contains `needle`; returns it.
    pub async fn wait_for_message(&self, chat: i64, needle: &str, within: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(found) = self
                .sent_to(chat)
                .into_iter()
                .find(|b| b["text"].as_str().unwrap_or_default().contains(needle))
            {
                return found;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "no message to {chat} containing {needle:?} within {within:?}; sent: {:#?}",
                    self.sent_to(chat)
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The next sendMessage answers `status` with `body` instead.
    pub fn fail_next_send(&self, status: u16, body: Value) {
        self.inner
            .lock()
            .unwrap()
            .send_failures
            .push_back((status, body));
    }

    /// `user` is an administrator of every group.
    pub fn make_admin(&self, user: i64) {
        self.inner.lock().unwrap().admins.insert(user);
    }
}

pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Steward", "username": BOT_USERNAME})
}

pub fn user(id: i64, name: &str) -> Value {
    json!({"id": id, "is_bot": false, "first_name": name, "username": name.to_lowercase()})
}

pub fn private_chat(id: i64, name: &str) -> Value {
    json!({"id": id, "type": "private", "first_name": name})
}

pub fn group_chat(id: i64) -> Value {
    json!({"id": id, "type": "supergroup", "title": "Ops team"})
}

/// A text message update from `from` in `chat`.
pub fn text_message(message_id: i64, from: Value, chat: Value, text: &str) -> Value {
    let mut message = json!({
        "message_id": message_id,
        "date": 1_795_000_000,
        "chat": chat,
        "from": from,
        "text": text,
    });
    if let Some(word) = text
        .split_whitespace()
        .find(|w| w.starts_with('@') || w.starts_with('/'))
    {
        let offset = text.find(word).unwrap();
        let kind = if word.starts_with('@') {
            "mention"
        } else {
            "bot_command"
        };
        // Telegram counts offsets in UTF-16 units; these texts are ASCII.
        message["entities"] = json!([{"type": kind, "offset": offset, "length": word.len()}]);
    }
    json!({ "message": message })
}

/// A button press on message `message_id` in `chat`.
pub fn button_press(from: Value, chat: Value, message_id: i64, data: &str) -> Value {
    json!({
        "callback_query": {
            "id": format!("cq-{message_id}-{data}"),
            "from": from,
            "chat_instance": "42",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": 1_795_000_000,
                "chat": chat,
                "from": bot_user(),
                "text": "the draft",
            },
        }
    })
}

fn ok(result: Value) -> (axum::http::StatusCode, Json<Value>) {
    (
        axum::http::StatusCode::OK,
        Json(json!({"ok": true, "result": result})),
    )
}

/// Reads a JSON body, or a multipart form's fields (teloxide sends setWebhook
/// as a form) as strings.
fn parse_body(headers: &axum::http::HeaderMap, body: &[u8]) -> Value {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(boundary) = content_type.split("boundary=").nth(1) else {
        return serde_json::from_slice(body).unwrap_or(json!({}));
    };
    let text = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in text.split(&format!("--{}", boundary.trim_matches('"'))) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|n| n.split('"').next())
        else {
            continue;
        };
        fields.insert(name.to_string(), json!(value.trim_end_matches("\r\n")));
    }
    Value::Object(fields)
}

/// A call through `<url><via>`, recorded with `via`.
async fn api_via(
    State(fake): State<FakeTelegram>,
    Path((via, bot, method)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> (axum::http::StatusCode, Json<Value>) {
    answer(fake, via, bot, method, headers, body).await
}

async fn api(
    State(fake): State<FakeTelegram>,
    Path((bot, method)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> (axum::http::StatusCode, Json<Value>) {
    answer(fake, String::new(), bot, method, headers, body).await
}

async fn answer(
    fake: FakeTelegram,
    via: String,
    bot: String,
    method: String,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> (axum::http::StatusCode, Json<Value>) {
    if bot != format!("bot{TOKEN}") {
        return (
            axum::http::StatusCode::UNAUTHORIZED,
            Json(json!({"ok": false, "error_code": 401, "description": "Unauthorized"})),
        );
    }
    let method = method.to_lowercase();
    let body = parse_body(&headers, &body);
    fake.inner.lock().unwrap().calls.push(Call {
        method: method.clone(),
        body: body.clone(),
        via,
    });
    match method.as_str() {
        "getme" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Steward", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "getupdates" => get_updates(&fake, &body).await,
        "sendmessage" => {
            if let Some((status, failure)) = fake.inner.lock().unwrap().send_failures.pop_front() {
                return (
                    axum::http::StatusCode::from_u16(status).unwrap(),
                    Json(failure),
                );
            }
            let id = {
                let mut inner = fake.inner.lock().unwrap();
                inner.next_message_id += 1;
                inner.next_message_id
            };
            ok(json!({
                "message_id": id,
                "date": 1_795_000_000,
                "chat": {"id": body["chat_id"], "type": "private", "first_name": "Someone"},
                "from": bot_user(),
                "text": body["text"],
            }))
        }
        "editmessagereplymarkup" => ok(json!({
            "message_id": body["message_id"],
            "date": 1_795_000_000,
            "chat": {"id": body["chat_id"], "type": "private", "first_name": "Someone"},
            "from": bot_user(),
            "text": "edited",
        })),
        "getchatmember" => {
            let user_id = body["user_id"].as_i64().unwrap_or(0);
            let admin = fake.inner.lock().unwrap().admins.contains(&user_id);
            let status = if admin { "creator" } else { "member" };
            ok(json!({
                "status": status,
                "user": user(user_id, "Member"),
                "is_anonymous": false,
            }))
        }
        "answercallbackquery" | "setmycommands" | "deletewebhook" | "setwebhook" => ok(json!(true)),
        other => (
            axum::http::StatusCode::NOT_FOUND,
            Json(
                json!({"ok": false, "error_code": 404, "description": format!("Not Found: method {other}")}),
            ),
        ),
    }
}

/// Long polling over the pushed updates: those from `offset` on, waiting a
/// little for one when there are none.
async fn get_updates(fake: &FakeTelegram, body: &Value) -> (axum::http::StatusCode, Json<Value>) {
    let offset = body["offset"].as_i64().unwrap_or(0);
    // As Telegram does: an offset confirms the updates before it,
    // which no later poll (another process's included) sees again.
    fake.inner
        .lock()
        .unwrap()
        .updates
        .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
    let waited =
        Duration::from_secs(body["timeout"].as_u64().unwrap_or(0)).min(Duration::from_millis(300));
    for _ in 0..2 {
        let ready: Vec<Value> = {
            let inner = fake.inner.lock().unwrap();
            inner
                .updates
                .iter()
                .filter(|u| u["update_id"].as_i64().unwrap_or(0) >= offset)
                .cloned()
                .collect()
        };
        if !ready.is_empty() {
            return ok(json!(ready));
        }
        let _ = tokio::time::timeout(waited, fake.pushed.notified()).await;
    }
    ok(json!([]))
}
