//! A scripted OpenAI-compatible server on 127.0.0.1 for tests that need a
//! language model: `POST {base_url}/chat/completions` answers with the next
//! [`Reply`] of its script (then `Text("(script ended)")`), and every request's
//! JSON body and headers are kept in order.
//!
//! ```ignore
//! let server = FakeOpenAi::start(vec![Reply::Status(500), Reply::text("hi")]).await;
//! let model = OpenAi::new(LlmConfig { base_url: server.base_url.clone(), .. })?;
//! ```
//!
//! Served by axum (HTTP/1.1 with keep-alive), so concurrent requests are
//! answered concurrently and bodies of any length are read whole.

#![allow(dead_code)] // Shared by several test modules; not each uses every item.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};
use tokio::net::TcpListener;

/// Tokens every completion reports using.
pub const PROMPT_TOKENS: u64 = 100;
pub const COMPLETION_TOKENS: u64 = 20;

/// What the server answers to one chat completion request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// An assistant message with this text.
    Text(String),
    /// An assistant message calling these functions: (name, raw arguments).
    /// Ids run `call_1`, `call_2`... across the server's life.
    ToolCalls(Vec<(String, String)>),
    /// This status with a body in OpenAI's error shape.
    Status(u16),
    /// A 200 with exactly this body (for malformed answers).
    Raw(String),
    /// Any status, extra headers and body (a 429 with `Retry-After`, a 400
    /// naming a parameter).
    Custom {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Never answers, so the client's timeout fires.
    Hang,
    /// The reply, reporting these prompt and completion tokens instead of
    /// [`PROMPT_TOKENS`] and [`COMPLETION_TOKENS`].
    Used(Box<Reply>, u64, u64),
    /// The reply, after this many milliseconds.
    Delayed(Box<Reply>, u64),
    /// An assistant message with this text, stopped at the token limit
    /// (`finish_reason: "length"`).
    CutOff(String),
    /// A model that never stops writing (a made-up list of workflows):
    /// with `max_tokens` (or `max_completion_tokens`) in the request it
    /// writes that many tokens and stops with `finish_reason: "length"`,
    /// reporting them as its completion tokens; without, it never answers.
    Endless,
}

impl Reply {
    pub fn text(text: &str) -> Reply {
        Reply::Text(text.to_string())
    }

    pub fn call(name: &str, arguments: &str) -> Reply {
        Reply::ToolCalls(vec![(name.to_string(), arguments.to_string())])
    }

    /// This reply, reporting `prompt` and `completion` tokens used.
    pub fn used(self, prompt: u64, completion: u64) -> Reply {
        Reply::Used(Box::new(self), prompt, completion)
    }

    /// This reply, `ms` milliseconds late.
    pub fn after_ms(self, ms: u64) -> Reply {
        Reply::Delayed(Box::new(self), ms)
    }
}

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    requests: Vec<Value>,
    headers: Vec<HashMap<String, String>>,
    calls: usize,
    completions: usize,
}

/// A running fake; it serves until the test's runtime ends.
pub struct FakeOpenAi {
    /// `http://127.0.0.1:<port>/v1`, the value for `STEWARD_LLM_BASE_URL`.
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

impl FakeOpenAi {
    pub async fn start(script: Vec<Reply>) -> FakeOpenAi {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            script: script.into(),
            ..State::default()
        }));
        let router = axum::Router::new()
            .route("/v1/chat/completions", axum::routing::post(completions))
            .fallback(|method: Method, uri: Uri| async move {
                respond((
                    404,
                    Vec::new(),
                    error_body(404, &format!("no route {method} {uri}")),
                ))
            })
            .with_state(Arc::clone(&state));
        // Serves until the test's runtime ends; axum answers each
        // connection on its own task, so a hanging reply holds up no other.
        tokio::spawn(async move { axum::serve(listener, router).await });
        FakeOpenAi { base_url, state }
    }

    /// The JSON bodies of the chat completion requests, in arrival order.
    pub fn requests(&self) -> Vec<Value> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Their headers, names lowercased, in the same order.
    pub fn headers(&self) -> Vec<HashMap<String, String>> {
        self.state.lock().unwrap().headers.clone()
    }

    /// The `Authorization` header of request `index`.
    pub fn authorization(&self, index: usize) -> Option<String> {
        self.headers().get(index)?.get("authorization").cloned()
    }
}

/// `POST /v1/chat/completions`: records the request and answers with the
/// next reply of the script, after its delay; a `Hang` never answers.
async fn completions(
    AxumState(state): AxumState<Arc<Mutex<State>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let headers: HashMap<String, String> = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_lowercase(),
                value.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    match answer(&state, &headers, &body) {
        Some((delay, answer)) => {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            respond(answer)
        }
        None => std::future::pending().await,
    }
}

/// An answer as an HTTP response with a JSON content type.
fn respond((status, extra, body): Answer) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in extra {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    response
}

/// An answer: status, extra headers, body.
type Answer = (u16, Vec<(String, String)>, String);

/// Records the request and takes the next reply (with how long to wait
/// before sending it), or `None` to hang.
fn answer(
    state: &Mutex<State>,
    headers: &HashMap<String, String>,
    body: &[u8],
) -> Option<(u64, Answer)> {
    let mut delay = 0;
    let answer = reply_to(state, headers, body, &mut delay)?;
    Some((delay, answer))
}

fn reply_to(
    state: &Mutex<State>,
    headers: &HashMap<String, String>,
    body: &[u8],
    delay: &mut u64,
) -> Option<Answer> {
    let request: Value = serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).to_string()));
    let model = request["model"].as_str().unwrap_or("unknown").to_string();
    let max_tokens = request["max_tokens"]
        .as_u64()
        .or(request["max_completion_tokens"].as_u64());
    // OpenAI refuses function names outside this pattern (no dots).
    let bad_name = request["tools"].as_array().and_then(|tools| {
        tools.iter().enumerate().find_map(|(i, tool)| {
            let name = tool["function"]["name"].as_str().unwrap_or_default();
            let fine = !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            (!fine).then_some(i)
        })
    });
    let mut state = state.lock().unwrap();
    state.requests.push(request);
    state.headers.push(headers.clone());
    if let Some(i) = bad_name {
        let message = format!("Invalid 'tools[{i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.");
        return Some((400, Vec::new(), error_body(400, &message)));
    }
    let mut reply = state
        .script
        .pop_front()
        .unwrap_or_else(|| Reply::text("(script ended)"));
    let (mut prompt_tokens, mut completion_tokens) = (PROMPT_TOKENS, COMPLETION_TOKENS);
    loop {
        match reply {
            Reply::Used(inner, prompt, completion) => {
                (prompt_tokens, completion_tokens) = (prompt, completion);
                reply = *inner;
            }
            Reply::Delayed(inner, ms) => {
                *delay += ms;
                reply = *inner;
            }
            other => {
                reply = other;
                break;
            }
        }
    }
    state.completions += 1;
    let id = format!("chatcmpl-fake-{}", state.completions);
    let mut finish_reason = None;
    let message = match reply {
        Reply::Hang => return None,
        Reply::Endless => {
            // About four characters a token, like the real thing.
            let tokens = max_tokens?;
            completion_tokens = tokens;
            finish_reason = Some("length");
            let list: String = (1..)
                .map(|n| format!("#{n} Status check\n"))
                .take_while({
                    let mut written = 0;
                    move |line| {
                        written += line.len();
                        written as u64 <= tokens * 4
                    }
                })
                .collect();
            json!({"role": "assistant", "content": list, "refusal": null})
        }
        Reply::CutOff(text) => {
            finish_reason = Some("length");
            json!({"role": "assistant", "content": text, "refusal": null})
        }
        Reply::Used(..) | Reply::Delayed(..) => unreachable!("unwrapped above"),
        Reply::Status(status) => return Some((status, Vec::new(), error_body(status, "scripted"))),
        Reply::Raw(body) => return Some((200, Vec::new(), body)),
        Reply::Custom {
            status,
            headers,
            body,
        } => return Some((status, headers, body)),
        Reply::Text(text) => json!({"role": "assistant", "content": text, "refusal": null}),
        Reply::ToolCalls(calls) => {
            let calls: Vec<Value> = calls
                .into_iter()
                .map(|(name, arguments)| {
                    state.calls += 1;
                    json!({
                        "id": format!("call_{}", state.calls),
                        "type": "function",
                        "function": {"name": name, "arguments": arguments},
                    })
                })
                .collect();
            json!({"role": "assistant", "content": null, "refusal": null, "tool_calls": calls})
        }
    };
    let finish_reason = finish_reason.unwrap_or(if message.get("tool_calls").is_some() {
        "tool_calls"
    } else {
        "stop"
    });
    let completion = json!({
        "id": id,
        "object": "chat.completion",
        "created": 1_767_225_600,
        "model": model,
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": finish_reason,
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    });
    Some((200, Vec::new(), completion.to_string()))
}

/// A body in OpenAI's error shape.
pub fn error_body(status: u16, message: &str) -> String {
    let (kind, code) = match status {
        401 => ("invalid_request_error", Value::from("invalid_api_key")),
        404 => ("invalid_request_error", Value::from("model_not_found")),
        429 => ("requests", Value::from("rate_limit_exceeded")),
        500.. => ("server_error", Value::Null),
        _ => ("invalid_request_error", Value::Null),
    };
    json!({"error": {"message": format!("{message} {status}"), "type": kind, "param": null, "code": code}})
        .to_string()
}
