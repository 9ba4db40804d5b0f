//! Delivery: notices queue per destination chat, so a slow platform holds up
//! neither the caller nor other chats, and one chat's notices stay in order.

use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use steward::chat::delivery::{Delivery, RetryPolicy};
use steward::chat::{Outbound, Platform, SendError};
use steward::workflow::notify::{Audience, Notice, Notifier};

use crate::helpers::RecordingNotifier;

/// Records what it was given; chat "slow" takes 500 ms per message.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<(String, String, Instant)>>,
}

#[async_trait]
impl Platform for Recorder {
    fn name(&self) -> &'static str {
        "test"
    }

    async fn send(&self, address: &str, message: &Outbound) -> Result<(), SendError> {
        if address == "slow" {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        self.sent
            .lock()
            .unwrap()
            .push((address.to_string(), message.text.clone(), Instant::now()));
        Ok(())
    }
}

fn message(to: &str, text: &str) -> Notice {
    Notice::Message {
        audience: Audience {
            workflow_id: 1,
            workflow_name: "W".into(),
            owner: "alice".into(),
            to: Some(format!("test:{to}")),
        },
        run_id: 1,
        text: text.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_chat_holds_up_neither_the_sender_nor_other_chats_and_order_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = steward::store::Store::open(&dir.path().join("d.db"))
        .await
        .unwrap();
    let recorder = Arc::new(Recorder::default());
    let delivery = Delivery::new(
        store,
        RetryPolicy::default(),
        Arc::new(RecordingNotifier::default()),
        vec![recorder.clone()],
    );
    let started = Instant::now();
    for i in 0..3 {
        delivery.notify(message("slow", &format!("slow {i}"))).await;
    }
    delivery.notify(message("fast", "fast")).await;
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "notify only queues"
    );

    assert_eq!(delivery.drain(Duration::from_secs(5)).await, 0);
    let sent = recorder.sent.lock().unwrap().clone();
    let fast = sent.iter().find(|(to, ..)| to == "fast").unwrap();
    assert!(
        fast.2.duration_since(started) < Duration::from_millis(400),
        "the fast chat did not wait for the slow one"
    );
    let slow: Vec<&str> = sent
        .iter()
        .filter(|(to, ..)| to == "slow")
        .map(|(_, text, _)| text.as_str())
        .collect();
    assert_eq!(slow, ["[#1 W] slow 0", "[#1 W] slow 1", "[#1 W] slow 2"]);
}
