//! The webhook chat API: `POST /api/v1/chat` on a running `serve`, and the
//! signed callbacks a test receiver checks.

use axum::http::HeaderMap;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use steward::chat::webhook::{verify, VerifyError, DEFAULT_TOLERANCE};

use crate::helpers::Served;

const TOKEN: &str = "api-token-1";
const SECRET: &str = "callback-secret";

/// One POST as received: its headers and body.
pub type Received = (HeaderMap, Vec<u8>);

/// A chat integration's callback endpoint: records each POST and answers
/// with the queued statuses, then 200.
#[derive(Clone, Default)]
pub struct Receiver {
    received: Arc<Mutex<Vec<Received>>>,
    statuses: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    pub async fn start(statuses: &[u16]) -> (Receiver, String) {
        let receiver = Receiver::default();
        receiver.statuses.lock().unwrap().extend(statuses);
        let shared = receiver.clone();
        let router = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let shared = shared.clone();
                async move {
                    shared
                        .received
                        .lock()
                        .unwrap()
                        .push((headers, body.to_vec()));
                    let status = shared.statuses.lock().unwrap().pop_front().unwrap_or(200);
                    axum::http::StatusCode::from_u16(status).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        // Serves until the test's runtime ends.
        tokio::spawn(async move { axum::serve(listener, router).await });
        (receiver, url)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while self.received().len() < count {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} callbacks, wanted {count}",
                self.received().len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.received()
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn post(
    served: &Served,
    token: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/v1/chat", served.base))
        .header("content-type", "application/json")
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn say(served: &Served, user: &str, text: &str) -> Value {
    let body = json!({"conversation_id": "room-1", "user_id": user, "text": text});
    let (status, answer) = post(served, Some(TOKEN), body.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

async fn served() -> Served {
    Served::start(&[
        ("STEWARD_API_TOKEN", TOKEN),
        ("STEWARD_WEBHOOK_SECRET", SECRET),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_needs_the_bearer_token() {
    let served = served().await;
    let body =
        json!({"conversation_id": "c", "user_id": "u", "text": "list my workflows"}).to_string();
    for token in [None, Some("wrong"), Some("api-token-")] {
        let (status, answer) = post(&served, token, body.clone()).await;
        assert_eq!(status, 401, "token {token:?}");
        assert!(
            answer["error"].as_str().unwrap().contains("token"),
            "{answer}"
        );
    }
    let (status, answer) = post(&served, Some(TOKEN), body).await;
    assert_eq!(status, 200);
    assert!(
        answer["reply"].as_str().unwrap().contains("no workflows"),
        "{answer}"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_json_errors_with_the_right_status() {
    let served = served().await;
    let cases: Vec<(String, u16, &str)> = vec![
        ("{not json".into(), 400, "not valid JSON"),
        ("[1, 2]".into(), 422, "JSON object"),
        (json!({"conversation_id": "c", "user_id": 5, "text": "hi"}).to_string(), 422, "user_id"),
        (json!({"conversation_id": "c", "user_id": "u"}).to_string(), 422, "exactly one of text"),
        (json!({"conversation_id": "c", "user_id": "u", "text": "a", "action": "confirm"}).to_string(), 422, "exactly one"),
        (json!({"conversation_id": "c", "user_id": "u", "txt": "hi"}).to_string(), 422, "unknown field `txt`"),
        (json!({"conversation_id": " ", "user_id": "u", "text": "hi"}).to_string(), 422, "conversation_id must not be empty"),
        (json!({"conversation_id": "c", "user_id": "u\u{7}", "text": "hi"}).to_string(), 422, "control characters"),
        (json!({"conversation_id": "c", "user_id": "u", "text": "hi", "callback_url": "ftp://x"}).to_string(), 422, "http(s) URL"),
        (json!({"conversation_id": "c", "user_id": "u", "text": "x".repeat(70_000)}).to_string(), 413, "limit of 65536 bytes"),
    ];
    for (body, status, says) in cases {
        let (got, answer) = post(&served, Some(TOKEN), body.clone()).await;
        assert_eq!(got, status, "{body:.80}: {answer}");
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(error.contains(says), "{body:.80}: {error}");
    }
    // A long message within the body limit is answered with the message limit.
    let answer = say(&served, "u", &"word ".repeat(1_000)).await;
    assert!(
        answer["reply"]
            .as_str()
            .unwrap()
            .contains("the limit is 4000"),
        "{answer}"
    );
    // Unknown paths answer JSON too; health says ok.
    let missing = reqwest::get(format!("{}/api/v2/chat", served.base))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let health = reqwest::get(format!("{}/healthz", served.base))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<Value>().await.unwrap()["status"], "ok");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_over_the_rate_gets_429_with_retry_after_and_others_are_served() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", TOKEN),
        ("STEWARD_API_RATE_PER_MINUTE", "3"),
    ])
    .await;
    for _ in 0..3 {
        say(&served, "alice", "list my workflows").await;
    }
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/chat", served.base))
        .bearer_auth(TOKEN)
        .json(&json!({"conversation_id": "room-1", "user_id": "alice", "text": "list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    say(&served, "bob", "list my workflows").await;
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_creates_a_workflow_and_its_results_arrive_signed_at_the_callback() {
    let served = served().await;
    let (receiver, url) = Receiver::start(&[]).await;
    let body = json!({
        "conversation_id": "room-1", "user_id": "alice", "user_name": "Alice",
        "text": "every 2 seconds remind me to drink water", "callback_url": url,
    });
    let (status, draft) = post(&served, Some(TOKEN), body.to_string()).await;
    assert_eq!(status, 200, "{draft}");
    assert!(
        draft["reply"].as_str().unwrap().contains("(draft)"),
        "{draft}"
    );
    // Each button names its draft ("confirm:<token>").
    let actions: Vec<(&str, &str)> = draft["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let action = b["action"].as_str().unwrap();
            (
                b["label"].as_str().unwrap(),
                action.split(':').next().unwrap(),
            )
        })
        .collect();
    assert_eq!(actions, [("Create", "confirm"), ("Cancel", "cancel")]);
    assert_eq!(draft["draft"]["kind"], "create", "{draft}");

    let press = json!({"conversation_id": "room-1", "user_id": "alice", "action": "confirm"});
    let (status, created) = post(&served, Some(TOKEN), press.to_string()).await;
    assert_eq!(status, 200);
    assert!(
        created["reply"].as_str().unwrap().starts_with("Created"),
        "{created}"
    );
    assert_eq!(created["draft"], Value::Null);

    let (headers, body) = receiver.wait_for(1).await.remove(0);
    let sent: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(sent["conversation_id"], "room-1");
    assert_eq!(sent["text"], "[#1 Drink water] drink water");
    assert_eq!(sent["about"]["type"], "message");
    assert_eq!(sent["about"]["workflow"]["id"], 1);
    let (timestamp, signature) = (
        header(&headers, "x-steward-timestamp"),
        header(&headers, "x-steward-signature"),
    );
    let now = chrono::Utc::now();
    assert_eq!(
        verify(
            SECRET.as_bytes(),
            timestamp,
            signature,
            &body,
            now,
            DEFAULT_TOLERANCE
        ),
        Ok(())
    );

    // What a receiver refuses: a forged body, a wrong key, a replay later on.
    let mut forged = body.clone();
    forged[10] ^= 1;
    assert_eq!(
        verify(
            SECRET.as_bytes(),
            timestamp,
            signature,
            &forged,
            now,
            DEFAULT_TOLERANCE
        ),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        verify(
            b"guess",
            timestamp,
            signature,
            &body,
            now,
            DEFAULT_TOLERANCE
        ),
        Err(VerifyError::Mismatch)
    );
    let later = now + chrono::TimeDelta::minutes(10);
    assert!(matches!(
        verify(
            SECRET.as_bytes(),
            timestamp,
            signature,
            &body,
            later,
            DEFAULT_TOLERANCE
        ),
        Err(VerifyError::Stale(_))
    ));
    assert_eq!(
        verify(
            SECRET.as_bytes(),
            None,
            signature,
            &body,
            now,
            DEFAULT_TOLERANCE
        ),
        Err(VerifyError::BadTimestamp)
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_callback_is_retried_with_the_same_delivery_id_and_fresh_signatures() {
    let served = served().await;
    let (receiver, url) = Receiver::start(&[500, 503]).await;
    let body = json!({
        "conversation_id": "room-2", "user_id": "alice",
        "text": "every 2 seconds remind me to stretch", "callback_url": url,
    });
    assert_eq!(post(&served, Some(TOKEN), body.to_string()).await.0, 200);
    let press = json!({"conversation_id": "room-2", "user_id": "alice", "action": "confirm"});
    assert_eq!(post(&served, Some(TOKEN), press.to_string()).await.0, 200);

    let tries = receiver.wait_for(3).await;
    let ids: Vec<&str> = tries
        .iter()
        .map(|(h, _)| header(h, "x-steward-delivery").unwrap())
        .collect();
    assert_eq!(ids[0], ids[1], "a retry keeps its delivery id");
    assert_eq!(ids[1], ids[2]);
    for (headers, body) in &tries {
        assert_eq!(
            verify(
                SECRET.as_bytes(),
                header(headers, "x-steward-timestamp"),
                header(headers, "x-steward-signature"),
                body,
                chrono::Utc::now(),
                DEFAULT_TOLERANCE
            ),
            Ok(())
        );
    }
    // Nothing recorded as undelivered: the third try went through.
    let store = served.store().await;
    let runs = steward::store::runs::list(store.pool(), Some(1), None, 10)
        .await
        .unwrap();
    assert!(
        runs[0].delivery_errors.is_empty(),
        "{:?}",
        runs[0].delivery_errors
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_signing_key_a_callback_url_is_refused_and_the_api_is_open_on_loopback() {
    let served = Served::start(&[]).await;
    let body = json!({"conversation_id": "c", "user_id": "u", "text": "hi", "callback_url": "http://127.0.0.1:9/hook"});
    let (status, answer) = post(&served, None, body.to_string()).await;
    assert_eq!(status, 422);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("STEWARD_WEBHOOK_SECRET"),
        "{answer}"
    );
    let body = json!({"conversation_id": "c", "user_id": "u", "text": "list my workflows"});
    assert_eq!(post(&served, None, body.to_string()).await.0, 200);
    assert!(served.notifier.notices.lock().unwrap().is_empty());
    served.stop().await;
}

#[tokio::test]
async fn serve_refuses_an_open_api_on_a_public_address() {
    let error = Served::refusal(&[("STEWARD_BIND", "0.0.0.0:0")]).await;
    assert!(error.contains("STEWARD_API_TOKEN"), "{error}");
}

#[tokio::test]
async fn serve_refuses_an_open_api_behind_telegrams_public_webhook() {
    let error = Served::refusal(&[
        ("TELEGRAM_BOT_TOKEN", "1:x"),
        ("TELEGRAM_WEBHOOK_URL", "https://bot.example.com/hook"),
    ])
    .await;
    assert!(
        error.contains("TELEGRAM_WEBHOOK_URL") && error.contains("STEWARD_API_TOKEN"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_integrations_timezone_is_used_while_the_person_has_none() {
    let served = served().await;
    let with_zone = |user: &str, text: &str| {
        json!({"conversation_id": "room-9", "user_id": user, "text": text, "timezone": "America/New_York"})
            .to_string()
    };
    let (status, drafted) = post(
        &served,
        Some(TOKEN),
        with_zone("hana", "every weekday at 8:30 remind me to stand up"),
    )
    .await;
    assert_eq!(status, 200, "{drafted}");
    assert_eq!(
        drafted["draft"]["kind"], "create",
        "drafted at once: {drafted}"
    );
    assert_eq!(
        drafted["draft"]["workflow"]["trigger"]["timezone"],
        "America/New_York"
    );
    post(&served, Some(TOKEN), with_zone("hana", "no")).await;

    // Once the person sets their own, theirs wins over the integration's.
    post(
        &served,
        Some(TOKEN),
        with_zone("hana", "my timezone is Europe/Paris"),
    )
    .await;
    let (_, drafted) = post(
        &served,
        Some(TOKEN),
        with_zone("hana", "every day at 7 remind me to water the plants"),
    )
    .await;
    assert_eq!(
        drafted["draft"]["workflow"]["trigger"]["timezone"], "Europe/Paris",
        "{drafted}"
    );

    // Without the field, a newcomer is asked first.
    let asked = say(
        &served,
        "ivan",
        "every day at 7 remind me to water the plants",
    )
    .await;
    assert!(
        asked["reply"]
            .as_str()
            .unwrap()
            .starts_with("What's your time zone? A city is enough (Paris, New York, Tokyo)."),
        "{asked}"
    );
    assert_eq!(asked["draft"]["kind"], "time_zone_question");
    assert_eq!(
        asked["buttons"],
        json!([{"label": "Skip (use the server's zone)", "action": "skip_zone"}])
    );
    let skip = json!({"conversation_id": "room-1", "user_id": "ivan", "action": "skip_zone"});
    let (_, drafted) = post(&served, Some(TOKEN), skip.to_string()).await;
    assert_eq!(
        drafted["draft"]["workflow"]["trigger"]["timezone"], "UTC",
        "{drafted}"
    );
    assert!(
        drafted["reply"]
            .as_str()
            .unwrap()
            .contains("the server's time zone, UTC"),
        "{drafted}"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_timezone_is_refused_with_422_naming_the_field() {
    let served = served().await;
    let body = json!({"conversation_id": "room-1", "user_id": "jo", "text": "list my workflows", "timezone": "Mars/Olympus"});
    let (status, answer) = post(&served, Some(TOKEN), body.to_string()).await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("timezone: unknown time zone 'Mars/Olympus'"),
        "{answer}"
    );
    served.stop().await;
}
