//! Completion triggers (`after`) end to end through `steward serve`: the
//! follower runs with the finished run as its input, only on the outcome it
//! names; a cycle is refused at creation; a follower owed when steward stops
//! runs when it starts again.

use serde_json::{json, Value};
use std::time::Duration;

use crate::api_client::{served, Api};
use crate::helpers::Served;

/// "Backup": succeeds with `{"x": ...}` as input, fails without (the
/// reference is missing).
fn backup() -> Value {
    json!({
        "name": "Backup",
        "trigger": {"kind": "manual"},
        "steps": [{"id": "save", "type": "message", "text": "saved ${input.x}"}],
    })
}

fn alert(after: i64, on: &str) -> Value {
    json!({
        "name": format!("Alert on {on}"),
        "trigger": {"kind": "after", "expression": format!("{after} {on}")},
        "steps": [{"id": "tell", "type": "message", "text": "${input.workflow} ${input.status}: ${input.summary}"}],
    })
}

async fn create(api: &Api<'_>, definition: &Value) -> i64 {
    let made = api.post("/api/v1/workflows", definition).await;
    assert_eq!(made.status, 201, "{}", made.body);
    made.body["id"].as_i64().unwrap()
}

/// The runs of workflow `id` as (status, input), oldest first.
async fn runs(served: &Served, id: i64) -> Vec<(String, Value)> {
    let store = served.store().await;
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT status, input FROM runs WHERE workflow_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(store.pool())
            .await
            .unwrap();
    store.close().await;
    rows.into_iter()
        .map(|(status, input)| {
            let input = input
                .and_then(|i| serde_json::from_str(&i).ok())
                .unwrap_or(Value::Null);
            (status, input)
        })
        .collect()
}

/// Waits up to 10 s for workflow `id` to have `count` finished runs.
async fn finished_runs(served: &Served, id: i64, count: usize) -> Vec<(String, Value)> {
    for _ in 0..100 {
        let found = runs(served, id).await;
        let done = found
            .iter()
            .filter(|(status, _)| !matches!(status.as_str(), "queued" | "running"))
            .count();
        if done >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    runs(served, id).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completion_trigger_fires_on_failure_and_not_on_success() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let backup_id = create(&alice, &backup()).await;
    let on_failure = create(&alice, &alert(backup_id, "failed")).await;
    let on_success = create(&alice, &alert(backup_id, "succeeded")).await;

    let ok = alice
        .post(
            &format!("/api/v1/workflows/{backup_id}/run?wait=10"),
            &json!({"x": "all"}),
        )
        .await;
    assert_eq!(ok.body["status"], "succeeded", "{}", ok.body);
    let after_success = finished_runs(&served, on_success, 1).await;
    assert_eq!(after_success.len(), 1, "{after_success:?}");
    assert_eq!(after_success[0].0, "succeeded");
    assert_eq!(after_success[0].1["status"], "succeeded");
    assert!(runs(&served, on_failure).await.is_empty());

    let failed = alice
        .act(&format!("/api/v1/workflows/{backup_id}/run?wait=10"))
        .await;
    assert_eq!(failed.body["status"], "failed", "{}", failed.body);
    let alerts = finished_runs(&served, on_failure, 1).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let (status, input) = &alerts[0];
    assert_eq!(status, "succeeded");
    assert_eq!(input["workflow"], "Backup");
    assert_eq!(input["status"], "failed");
    assert_eq!(input["run_id"], failed.body["id"]);
    assert!(
        input["summary"].as_str().unwrap().contains("input.x"),
        "{input}"
    );
    // The success follower did not fire on the failure.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(runs(&served, on_success).await.len(), 1);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cycle_of_completion_triggers_is_refused_naming_it() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let a = create(&alice, &json!({"name": "Export", "trigger": {"kind": "manual"}, "steps": [{"id": "m", "type": "message", "text": "a"}]})).await;
    let b = create(&alice, &json!({"name": "Report", "trigger": {"kind": "after", "expression": format!("{a} succeeded")}, "steps": [{"id": "m", "type": "message", "text": "b"}]})).await;
    let c = create(&alice, &json!({"name": "Archive", "trigger": {"kind": "after", "expression": format!("{b} finished")}, "steps": [{"id": "m", "type": "message", "text": "c"}]})).await;
    let current = alice.get(&format!("/api/v1/workflows/{a}")).await;
    let version = current.body["version"].as_i64().unwrap();
    let refused = alice
        .patch(
            &format!("/api/v1/workflows/{a}"),
            version,
            &json!({"trigger": {"kind": "after", "expression": format!("{c} failed")}}),
        )
        .await;
    refused.assert_error(422, Some("trigger"));
    let message = refused.body["error"].as_str().unwrap();
    assert!(
        message.contains("Export → Archive → Report → Export"),
        "{message}"
    );
    // Following itself is a cycle too.
    let own = alice
        .patch(
            &format!("/api/v1/workflows/{c}"),
            alice.get(&format!("/api/v1/workflows/{c}")).await.body["version"]
                .as_i64()
                .unwrap(),
            &json!({"trigger": {"kind": "after", "expression": format!("{c} failed")}}),
        )
        .await;
    assert!(
        own.body["error"].as_str().unwrap().contains("cycle"),
        "{}",
        own.body
    );
    // Another person's workflow can't be followed.
    let bob = Api::of(&served, "bob").await;
    let theirs = bob.post("/api/v1/workflows", &alert(a, "failed")).await;
    theirs.assert_error(422, Some("trigger"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_after_trigger_survives_a_restart_between_the_two_runs() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let backup_id = create(&alice, &backup()).await;
    let alert_id = create(&alice, &alert(backup_id, "failed")).await;
    let halted = served.halt().await;

    // While steward is down, a run of the backup ends failed (another
    // process finished it, or this one just before it stopped).
    let store = steward::store::Store::open(&halted.db).await.unwrap();
    let now = chrono::Utc::now();
    let mut conn = store.connection().await.unwrap();
    let new = steward::store::runs::NewRun {
        workflow_id: backup_id,
        workflow_version: 1,
        trigger: "manual",
        scheduled_for: now,
        status: steward::workflow::RunStatus::Running,
        input: None,
        error: None,
        lease: Some(("gone", now + chrono::TimeDelta::seconds(30))),
    };
    let run = steward::store::runs::insert(&mut conn, &new, now)
        .await
        .unwrap()
        .unwrap();
    let usage = steward::workflow::Usage::default();
    let failed = steward::workflow::RunStatus::Failed;
    let ended = steward::store::runs::finish(
        &mut conn,
        run,
        "gone",
        failed,
        None,
        Some("disk full"),
        &usage,
        now,
    )
    .await
    .unwrap();
    assert!(ended);
    drop(conn);
    store.close().await;

    let served = halted.start(&[("STEWARD_API_TOKEN", "chat-token")]).await;
    let alerts = finished_runs(&served, alert_id, 1).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].0, "succeeded");
    assert_eq!(alerts[0].1["summary"], "disk full");
    served.stop().await;
}

#[tokio::test]
async fn the_clock_never_fires_webhook_or_completion_workflows_but_a_run_now_fires_followers() {
    let sim = crate::helpers::Sim::start("2026-11-20T10:00:00Z").await;
    let step = json!([{"id": "m", "type": "message", "text": "hi"}]);
    let hook = sim
        .add(json!({"name": "Hook", "owner": "ann", "trigger": {"kind": "webhook", "expression": "github"}, "steps": step}))
        .await;
    let daily = sim
        .add(json!({"name": "Daily", "owner": "ann", "trigger": {"schedule": "every day at 9:00"}, "steps": step}))
        .await;
    let after = sim
        .add(json!({"name": "After daily", "owner": "ann", "trigger": {"kind": "after", "expression": format!("{daily} succeeded")}, "steps": step}))
        .await;
    sim.run_until("2026-11-23T10:00:00Z").await;
    assert!(sim.runs(hook).await.is_empty());
    assert_eq!(sim.runs(daily).await.len(), 3);
    // One follower run per run of the workflow it follows, never more.
    let followers = sim.runs(after).await;
    assert_eq!(followers.len(), 3, "{followers:?}");
    assert!(followers
        .iter()
        .all(|r| r.trigger == "after" && r.status.as_str() == "succeeded"));
}

#[tokio::test]
async fn an_interrupted_run_that_will_be_retried_fires_its_followers_only_when_it_ends() {
    let sim = crate::helpers::Sim::start("2026-11-20T10:00:00Z").await;
    let step = json!([{"id": "m", "type": "message", "text": "hi"}]);
    let flaky = sim
        .add(json!({"name": "Flaky", "owner": "ann", "trigger": {"kind": "manual"}, "steps": step, "policies": {"retries": 1, "retry_backoff_seconds": 60}}))
        .await;
    let after = sim
        .add(json!({"name": "After flaky", "owner": "ann", "trigger": {"kind": "after", "expression": format!("{flaky} finished")}, "steps": step}))
        .await;
    // A run whose process died: its lease ran out a minute ago.
    let now = sim.now();
    let mut conn = sim.store.connection().await.unwrap();
    let new = steward::store::runs::NewRun {
        workflow_id: flaky,
        workflow_version: 1,
        trigger: "manual",
        scheduled_for: now - chrono::TimeDelta::minutes(2),
        status: steward::workflow::RunStatus::Running,
        input: None,
        error: None,
        lease: Some(("dead", now - chrono::TimeDelta::minutes(1))),
    };
    steward::store::runs::insert(&mut conn, &new, now)
        .await
        .unwrap();
    drop(conn);
    sim.tick_at("2026-11-20T10:00:00Z").await;
    assert!(
        sim.runs(after).await.is_empty(),
        "it will be retried: not over yet"
    );
    sim.run_until("2026-11-20T10:05:00Z").await;
    let runs = sim.runs(flaky).await;
    assert_eq!(runs[0].status.as_str(), "succeeded", "{runs:?}");
    let followers = sim.runs(after).await;
    assert_eq!(followers.len(), 1, "{followers:?}");
    assert_eq!(followers[0].input.as_ref().unwrap()["status"], "succeeded");
}
