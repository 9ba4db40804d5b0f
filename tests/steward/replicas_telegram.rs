//! Telegram long polling in one replica at a time: `steward serve`
//! processes on one database, each calling the fake Bot API through a path
//! of its own, so the fake tells them apart. The first polls, the second
//! waits; killed, the first is replaced within the lease; stopped, the
//! holder gives the lease up for the next at once.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::fake_telegram::{private_chat, text_message, user, FakeTelegram, TOKEN};
use crate::helpers::{serve_replica, test_db, KillOnDrop};

/// The lease: a dead holder is replaced within it.
const LEASE: Duration = Duration::from_secs(2);
const WAIT: Duration = Duration::from_secs(15);
const ANN: i64 = 42;

fn spawn(db: &Path, dir: &Path, fake: &FakeTelegram, node: &str) -> KillOnDrop {
    let url = format!("{}{node}", fake.url);
    serve_replica(
        db,
        dir,
        node,
        LEASE,
        &[("TELEGRAM_BOT_TOKEN", TOKEN), ("TELEGRAM_API_URL", &url)],
    )
}

/// How many times `node` asked for updates.
fn polls(fake: &FakeTelegram, node: &str) -> usize {
    fake.calls_via(node)
        .iter()
        .filter(|c| c.method == "getupdates")
        .count()
}

/// Waits until `node` polls; returns how long that took.
async fn polling_starts(fake: &FakeTelegram, node: &str, dir: &Path) -> Duration {
    let began = Instant::now();
    while polls(fake, node) == 0 {
        let log = std::fs::read_to_string(dir.join(format!("{node}.err"))).unwrap_or_default();
        assert!(began.elapsed() < WAIT, "{node} never polled: {log}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    began.elapsed()
}

/// Ann says /help; the answer must come through `node` alone.
async fn answered_by(fake: &FakeTelegram, node: &str, message_id: i64) {
    let before = fake.sent_to(ANN).len();
    let update = fake.push(text_message(
        message_id,
        user(ANN, "Ann"),
        private_chat(ANN, "Ann"),
        "/help",
    ));
    let began = Instant::now();
    while fake.sent_to(ANN).len() == before {
        assert!(began.elapsed() < WAIT, "nobody answered /help");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let senders: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendmessage")
        .skip(before)
        .map(|c| c.via)
        .collect();
    assert_eq!(senders, [node], "one answer, from {node}");
    // Confirmed by the next poll, so a replica taking over does not see it.
    while !fake
        .calls_via(node)
        .iter()
        .any(|c| c.method == "getupdates" && c.body["offset"].as_i64() > Some(update))
    {
        assert!(began.elapsed() < WAIT, "{node} did not confirm the update");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn lease_holder(db: &Path) -> Option<String> {
    let store = steward::store::Store::open(db).await.unwrap();
    let holder = store.lease_holder("telegram-polling").await.unwrap();
    store.close().await;
    holder.map(|(holder, _)| holder)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telegram_polls_in_one_replica_and_another_takes_over_when_it_dies_or_stops() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = test_db(dir.path());
    let mut one = spawn(&db, dir.path(), &fake, "one");
    polling_starts(&fake, "one", dir.path()).await;
    let mut two = spawn(&db, dir.path(), &fake, "two");
    // Two leases' time: "one" keeps polling and "two" never calls Telegram.
    let before = polls(&fake, "one");
    tokio::time::sleep(LEASE * 2).await;
    assert!(polls(&fake, "one") > before, "the holder kept polling");
    assert!(
        fake.calls_via("two").is_empty(),
        "the second replica waits: {:?}",
        fake.calls_via("two")
    );
    assert_eq!(lease_holder(&db).await.as_deref(), Some("one"));
    answered_by(&fake, "one", 1).await;

    one.kill().unwrap(); // SIGKILL: the lease is not given up, it lapses
    one.wait().unwrap();
    let took = polling_starts(&fake, "two", dir.path()).await;
    assert!(
        took < LEASE + Duration::from_millis(1_500),
        "a survivor polls within the lease after the holder died: {took:?}"
    );
    answered_by(&fake, "two", 2).await;

    let mut three = spawn(&db, dir.path(), &fake, "three");
    tokio::time::sleep(LEASE).await;
    assert!(fake.calls_via("three").is_empty(), "the third waits too");
    crate::helpers::stop_gracefully(&mut two);
    assert_ne!(
        lease_holder(&db).await.as_deref(),
        Some("two"),
        "a replica that stops gives the lease up"
    );
    polling_starts(&fake, "three", dir.path()).await;
    answered_by(&fake, "three", 3).await;
    crate::helpers::stop_gracefully(&mut three);
}
