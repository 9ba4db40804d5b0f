//! A conversation's callback URL belongs to it: the first registration
//! holds, another user's URL gets 409 unless replaced explicitly with the API
//! token, an operator can pin one URL for everything, and URLs to private or
//! loopback addresses are refused at registration and at delivery.

use serde_json::{json, Value};
use std::time::Duration;
use steward::chat::webhook::{CallbackRoute, WebhookPlatform};
use steward::chat::{Outbound, Platform, Retry};

use crate::chat_api::Receiver;
use crate::helpers::Served;

const TOKEN: &str = "api-token-callbacks";
const SECRET: &str = "callback-secret";

async fn post(served: &Served, body: Value) -> (u16, Value) {
    served.chat(TOKEN, &body).await
}

async fn served(extra: &[(&str, &str)]) -> Served {
    let mut settings = vec![
        ("STEWARD_API_TOKEN", TOKEN),
        ("STEWARD_WEBHOOK_SECRET", SECRET),
    ];
    settings.extend_from_slice(extra);
    Served::start(&settings).await
}

/// Alice makes a workflow in `room` that messages every 2 seconds.
async fn reminder(served: &Served, room: &str, callback: Option<&str>) {
    let mut said = json!({"conversation_id": room, "user_id": "alice",
        "text": "every 2 seconds remind me to drink water"});
    if let Some(url) = callback {
        said["callback_url"] = url.into();
    }
    let (status, answer) = post(served, said).await;
    assert_eq!(status, 200, "{answer}");
    let press = json!({"conversation_id": room, "user_id": "alice", "action": "confirm"});
    assert_eq!(post(served, press).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_user_cannot_take_over_a_conversations_callback() {
    let served = served(&[]).await;
    let (alices, alice_url) = Receiver::start(&[]).await;
    let (mallorys, mallory_url) = Receiver::start(&[]).await;
    reminder(&served, "room-9", Some(&alice_url)).await;

    let (status, answer) = post(
        &served,
        json!({"conversation_id": "room-9", "user_id": "mallory", "text": "list my workflows",
               "callback_url": mallory_url}),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("replace_callback"),
        "{answer}"
    );
    alices.wait_for(2).await;
    assert!(
        mallorys.received().is_empty(),
        "the other user's URL got notices"
    );

    // The integration, with its token, moves the conversation explicitly.
    let (status, answer) = post(
        &served,
        json!({"conversation_id": "room-9", "user_id": "alice", "text": "list my workflows",
               "callback_url": mallory_url, "replace_callback": true}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    mallorys.wait_for(1).await;
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_urls_to_private_or_loopback_addresses_are_refused_unless_allowed() {
    let served = served(&[("STEWARD_WEBHOOK_CALLBACK_ALLOW", "")]).await;
    for url in [
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/hook",
        "http://127.0.0.1:8080/api/v1/chat",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost:8080/hook",
    ] {
        let (status, answer) = post(
            &served,
            json!({"conversation_id": "c", "user_id": "u", "text": "hi", "callback_url": url}),
        )
        .await;
        assert_eq!(status, 422, "{url}: {answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(
            error.contains("private and loopback")
                && error.contains("STEWARD_WEBHOOK_CALLBACK_ALLOW"),
            "{error}"
        );
    }
    let (status, answer) = post(
        &served,
        json!({"conversation_id": "c", "user_id": "u", "text": "hi",
               "callback_url": "https://hooks.example.com/steward"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    served.stop().await;
}

#[tokio::test]
async fn a_stored_callback_to_loopback_is_refused_at_delivery() {
    let (receiver, url) = Receiver::start(&[]).await;
    let local = url.replace("127.0.0.1", "localhost");
    let dir = tempfile::tempdir().unwrap();
    let store = steward::store::Store::open(&dir.path().join("steward.db"))
        .await
        .unwrap();
    // As a URL stored before this check existed (or allowed then) would be.
    for (chat, stored) in [("webhook:a", &url), ("webhook:b", &local)] {
        steward::store::callbacks::register(store.pool(), chat, stored, false, chrono::Utc::now())
            .await
            .unwrap();
    }
    let platform = WebhookPlatform::new(
        store,
        SECRET,
        Duration::from_secs(2),
        CallbackRoute::default(),
    )
    .unwrap();
    for address in ["a", "b"] {
        let error = platform
            .send(address, &Outbound::text("hello"))
            .await
            .unwrap_err();
        assert_eq!(error.retry, Retry::Never, "{}", error.message);
        assert!(
            error.message.contains("private and loopback")
                || error.message.contains("private or loopback"),
            "{}",
            error.message
        );
    }
    assert!(receiver.received().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_pinned_callback_url_gets_every_notice_and_no_other_is_taken() {
    let (pinned, pinned_url) = Receiver::start(&[]).await;
    let served = served(&[("STEWARD_WEBHOOK_CALLBACK_URL", &pinned_url)]).await;
    reminder(&served, "room-1", None).await;
    let (_, sent) = pinned.wait_for(1).await.remove(0);
    let sent: Value = serde_json::from_slice(&sent).unwrap();
    assert_eq!(sent["conversation_id"], "room-1");
    let (status, answer) = post(
        &served,
        json!({"conversation_id": "room-2", "user_id": "u", "text": "hi",
               "callback_url": "https://elsewhere.example.com/hook"}),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("STEWARD_WEBHOOK_CALLBACK_URL"),
        "{answer}"
    );
    served.stop().await;
}
