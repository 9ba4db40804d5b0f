//! Nothing said is lost: notices are written to the outbox before delivery;
//! a receiver that hangs, then a stop, then a restart with the receiver
//! healthy, and every notice arrives, each delivery id at least once, in
//! order.

use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::Served;

const TOKEN: &str = "api-token-outbox";

/// A callback receiver that hangs (never answers) until told to recover.
#[derive(Clone, Default)]
struct Flaky {
    hanging: Arc<AtomicBool>,
    /// Delivery ids and texts answered 200, in arrival order.
    delivered: Arc<Mutex<Vec<(String, String)>>>,
    /// Delivery ids seen while hanging.
    held: Arc<Mutex<Vec<String>>>,
}

impl Flaky {
    async fn start() -> (Flaky, String) {
        let flaky = Flaky::default();
        flaky.hanging.store(true, Ordering::SeqCst);
        let shared = flaky.clone();
        let router = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let shared = shared.clone();
                async move {
                    let id = headers["x-steward-delivery"].to_str().unwrap().to_string();
                    if shared.hanging.load(Ordering::SeqCst) {
                        shared.held.lock().unwrap().push(id.clone());
                        std::future::pending::<()>().await;
                    }
                    let sent: Value = serde_json::from_slice(&body).unwrap();
                    let text = sent["text"].as_str().unwrap().to_string();
                    shared.delivered.lock().unwrap().push((id, text));
                    StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        // Serves until the test's runtime ends.
        tokio::spawn(async move { axum::serve(listener, router).await });
        (flaky, url)
    }
}

async fn say(served: &Served, body: Value) {
    let (status, answer) = served.chat(TOKEN, &body).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_held_up_by_a_hanging_receiver_survive_a_stop_and_arrive_after_a_restart() {
    let settings = [
        ("STEWARD_API_TOKEN", TOKEN),
        ("STEWARD_WEBHOOK_SECRET", "s3cret"),
    ];
    let served = Served::start(&settings).await;
    let (receiver, url) = Flaky::start().await;
    let said = |text: &str| json!({"conversation_id": "room", "user_id": "alice", "text": text});
    let mut create = said("every 2 seconds remind me to drink water");
    create["callback_url"] = url.into();
    say(&served, create).await;
    say(
        &served,
        json!({"conversation_id": "room", "user_id": "alice", "action": "confirm"}),
    )
    .await;
    // Notices pile up behind the one the receiver holds; then no more come.
    tokio::time::sleep(Duration::from_secs(5)).await;
    say(&served, said("pause it")).await;
    let halted = served.halt().await;

    // What the stop left, in order: the held notice first.
    let store = steward::store::Store::open(&halted.db).await.unwrap();
    let left: Vec<String> = steward::store::outbox::waiting(store.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.delivery_id)
        .collect();
    store.close().await;
    let held = receiver.held.lock().unwrap().clone();
    assert!(left.len() >= 2, "{left:?}");
    assert_eq!(held.first(), left.first(), "held {held:?}, left {left:?}");

    receiver.hanging.store(false, Ordering::SeqCst);
    let served = halted.start(&settings).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let delivered: Vec<String> = receiver
            .delivered
            .lock()
            .unwrap()
            .iter()
            .map(|(id, _)| id.clone())
            .collect();
        let arrived: Vec<String> = delivered
            .iter()
            .filter(|id| left.contains(id))
            .cloned()
            .collect();
        if arrived.len() >= left.len() {
            let mut once = arrived.clone();
            once.dedup();
            assert_eq!(once, left, "in order, each at least once");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "after the restart {arrived:?} of {left:?} arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let store = served.store().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !steward::store::outbox::waiting(store.pool())
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox kept delivered notices"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    served.stop().await;
}
