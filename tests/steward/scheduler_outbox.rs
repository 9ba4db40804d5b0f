//! A notice is written in the same transaction as what caused it: a run's
//! end and its outbox row are stored together or not at all, so a crash
//! between the two cannot keep the end and lose what it had to say.

use serde_json::json;
use steward::workflow::RunStatus;

use crate::helpers::Sim;

/// The outbox rows as (run, text).
async fn outbox(sim: &Sim) -> Vec<(Option<i64>, String)> {
    sqlx::query_as("SELECT run_id, text FROM outbox ORDER BY id")
        .fetch_all(sim.store.pool())
        .await
        .unwrap()
}

/// Every outbox write fails from now on, as on a full disk.
async fn break_the_outbox(sim: &Sim) {
    crate::helpers::refuse_inserts(sim.store.pool(), "outbox", "the disk is full").await;
}

async fn mend_the_outbox(sim: &Sim) {
    crate::helpers::allow_inserts(sim.store.pool(), "outbox").await;
}

#[tokio::test]
async fn a_failed_run_is_not_recorded_as_ended_without_its_notice() {
    let sim = Sim::with_http("2026-06-01T08:59:00Z", true).await;
    sim.notifier.keep_in_outbox();
    let down = sim
        .add(
            json!({"name": "Down", "owner": "alice", "home_chat": "test:alice",
                    "trigger": {"kind": "cron", "expression": "0 9 * * *"},
                    "steps": [{"type": "http", "url": "http://127.0.0.1:1/"}]}),
        )
        .await;
    break_the_outbox(&sim).await;
    sim.tick_at("2026-06-01T09:00:00Z").await;
    let runs = sim.runs(down).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].status,
        RunStatus::Running,
        "the failure was rolled back with its notice"
    );
    assert!(sim.notices().is_empty(), "{:?}", sim.notices());

    // As after a crash: the lease runs out and the next claim records the
    // run as interrupted, this time with its notice.
    mend_the_outbox(&sim).await;
    sim.tick_at("2026-06-01T09:05:00Z").await;
    let runs = sim.runs(down).await;
    assert_eq!(runs[0].status, RunStatus::Interrupted);
    let kept = outbox(&sim).await;
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].0, Some(runs[0].id));
    assert!(kept[0].1.contains("interrupted"), "{kept:?}");
    assert_eq!(sim.notifier.kept.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_run_that_fails_and_its_notice_are_stored_together() {
    let sim = Sim::with_http("2026-06-01T08:59:00Z", true).await;
    sim.notifier.keep_in_outbox();
    let down = sim
        .add(
            json!({"name": "Down", "owner": "alice", "home_chat": "test:alice",
                    "trigger": {"kind": "cron", "expression": "0 9 * * *"},
                    "steps": [{"type": "http", "url": "http://127.0.0.1:1/"}]}),
        )
        .await;
    sim.tick_at("2026-06-01T09:00:00Z").await;
    let runs = sim.runs(down).await;
    assert_eq!(runs[0].status, RunStatus::Failed);
    let kept = outbox(&sim).await;
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].0, Some(runs[0].id));
    let handed = sim.notifier.kept.lock().unwrap().clone();
    assert_eq!(handed.len(), 1, "handed to delivery with its outbox row");
}

#[tokio::test]
async fn a_successful_run_is_not_recorded_without_its_notice() {
    let sim = Sim::start("2026-06-01T09:59:30Z").await;
    sim.notifier.keep_in_outbox();
    let quiet = sim
        .add(
            json!({"name": "Quiet", "owner": "alice", "home_chat": "test:alice",
                    "trigger": {"kind": "cron", "expression": "0 10 * * *"},
                    "steps": [{"type": "delay", "seconds": 0}]}),
        )
        .await;
    break_the_outbox(&sim).await;
    sim.tick_at("2026-06-01T10:00:00Z").await;
    assert_eq!(sim.runs(quiet).await[0].status, RunStatus::Running);
    assert!(sim.notices().is_empty(), "{:?}", sim.notices());

    mend_the_outbox(&sim).await;
    sim.tick_at("2026-06-02T10:00:00Z").await;
    let runs = sim.runs(quiet).await;
    let succeeded: Vec<i64> = runs
        .iter()
        .filter(|r| r.status == RunStatus::Succeeded)
        .map(|r| r.id)
        .collect();
    assert_eq!(succeeded.len(), 1, "{runs:?}");
    let kept = outbox(&sim).await;
    assert!(
        kept.iter()
            .any(|(run, text)| *run == Some(succeeded[0]) && text.contains("succeeded")),
        "{kept:?}"
    );
}
