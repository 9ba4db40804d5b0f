//! What only PostgreSQL does: replicas on one database wake each other at
//! once (LISTEN/NOTIFY), and share one schedule without running a slot
//! twice. Skipped, loudly, without `STEWARD_TEST_DATABASE_URL`; never under
//! CI. (Every other integration test runs on PostgreSQL too in `.ci/run`'s
//! second pass.)

use serde_json::json;
use std::time::{Duration, Instant};

use crate::api_client::Api;
use crate::helpers::{output_of, postgres_or_skip, steward_command, Served};

const TOKEN: (&str, &str) = ("STEWARD_API_TOKEN", "chat-token");

/// A workflow of alice firing every second; its id.
async fn every_second(alice: &Api<'_>, name: &str) -> i64 {
    let made = alice
        .post(
            "/api/v1/workflows",
            &json!({
                "name": name,
                "trigger": {"schedule": "every second"},
                "steps": [{"id": "hi", "type": "message", "text": "tick"}],
            }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    made.body["id"].as_i64().unwrap()
}

/// One number read from the database `db`, through a connection of its own.
async fn number(db: &std::path::Path, sql: &str, id: Option<i64>) -> i64 {
    let store = steward::store::Store::open(db).await.unwrap();
    let mut query = sqlx::query_scalar(sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let count = query.fetch_one(store.pool()).await.unwrap();
    store.close().await;
    count
}

/// How many runs workflow `id` has.
async fn runs_of(served: &Served, id: i64) -> i64 {
    number(
        &served.db,
        "SELECT COUNT(*) FROM runs WHERE workflow_id = $1",
        Some(id),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_from_another_process_wakes_serve_at_once_not_at_its_resync() {
    let Some(db) = postgres_or_skip("a_resume_from_another_process_wakes_serve") else {
        return;
    };
    let served = Served::start_on(db.clone(), &[TOKEN]).await;
    let alice = Api::of(&served, "alice").await;
    let id = every_second(&alice, "Ticker").await;
    let paused = alice
        .post(&format!("/api/v1/workflows/{id}/pause"), &json!({}))
        .await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    // Nothing is due: serve sleeps until its resync, 10 s away.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = runs_of(&served, id).await;

    // Another process (the admin CLI) resumes it in the database.
    let resumed_at = Instant::now();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        output_of(
            steward_command()
                .env("STEWARD_MIN_INTERVAL_SECONDS", "1")
                .env("STEWARD_QUOTA_RUNS_PER_HOUR", "1000000")
                .arg("--db")
                .arg(&db)
                .args(["workflows", "resume", &id.to_string()]),
            None,
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stdout}{stderr}");
    while runs_of(&served, id).await == before {
        assert!(
            resumed_at.elapsed() < Duration::from_secs(5),
            "serve did not notice the resume within 5 s (its resync is 10 s)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_a_schedule_and_run_every_slot_once() {
    let Some(db) = postgres_or_skip("two_replicas_share_a_schedule") else {
        return;
    };
    let one = Served::start_on(db.clone(), &[TOKEN]).await;
    let two = Served::start_on(db.clone(), &[TOKEN]).await;
    let alice = Api::of(&one, "alice").await;
    let mut ids = Vec::new();
    for n in 0..10 {
        ids.push(every_second(&alice, &format!("Ticker {n}")).await);
    }
    tokio::time::sleep(Duration::from_secs(4)).await;
    one.stop().await;
    two.stop().await;

    let store = steward::store::Store::open(&db).await.unwrap();
    let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT workflow_id, scheduled_for, status, lease_owner FROM runs ORDER BY workflow_id, scheduled_for",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    store.close().await;
    for id in &ids {
        let slots: Vec<i64> = rows
            .iter()
            .filter(|(w, ..)| w == id)
            .map(|(_, slot, ..)| *slot)
            .collect();
        assert!(slots.len() >= 3, "workflow {id} ran {} times", slots.len());
        // One run per second, none skipped, none twice.
        for pair in slots.windows(2) {
            assert_eq!(pair[1] - pair[0], 1000, "workflow {id}: {slots:?}");
        }
    }
    assert!(
        rows.iter().all(|(_, _, status, _)| status == "succeeded"),
        "{rows:?}"
    );
}

/// Transactions committed in the database `db` so far.
async fn commits(db: &std::path::Path) -> i64 {
    let sql = "SELECT CAST(xact_commit AS BIGINT) FROM pg_stat_database WHERE datname = current_database()";
    number(db, sql, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_serve_stays_idle_its_wakes_do_not_wake_it_again() {
    let Some(db) = postgres_or_skip("an_idle_serve_stays_idle") else {
        return;
    };
    let served = Served::start_on(db.clone(), &[TOKEN]).await;
    // Statistics reach pg_stat_database within about a second.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = commits(&db).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let during = commits(&db).await - before;
    served.stop().await;
    // Nothing is due: a claim at most every few seconds (a wake loop made
    // hundreds a second).
    assert!(during < 40, "{during} transactions in 4 idle seconds");
}
