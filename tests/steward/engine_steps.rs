//! Plans run as users write them: HTTP checks with conditions, loops,
//! parallel branches, chaining, approvals, guardrails, and bad data that fails
//! only its own run.

use serde_json::json;
use steward::manage::Actor;
use steward::store::{steps as step_log, workflows};
use steward::workflow::notify::Notice;
use steward::workflow::{Run, RunStatus};

use crate::fake_http::FakeHttp;
use crate::helpers::{at, Sim};

async fn run_now(sim: &Sim, id: i64) -> Run {
    sim.run_now(id).await
}

fn manual(name: &str, steps: serde_json::Value) -> serde_json::Value {
    json!({"name": name, "owner": "alice", "trigger": {"kind": "manual"}, "steps": steps})
}

fn status_check(url: &str) -> serde_json::Value {
    json!([
        {"id": "check", "type": "http", "url": url},
        {"id": "down", "type": "condition",
         "if": {"left": "${steps.check.output.status}", "op": "gte", "right": 400},
         "then": [{"id": "tell", "type": "message", "text": "The status page is down: HTTP ${steps.check.output.status}"}]}
    ])
}

#[tokio::test]
async fn a_status_check_tells_the_owner_only_when_the_page_is_down() {
    let server = FakeHttp::start().await;
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let up = sim
        .add(manual("up", status_check(&format!("{}/ok", server.base))))
        .await;
    let down = sim
        .add(manual(
            "down",
            status_check(&format!("{}/down", server.base)),
        ))
        .await;
    let run = run_now(&sim, up).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    assert_eq!(
        run.output.as_ref().unwrap()["check"]["body"]["status"],
        "up"
    );
    assert!(sim.messages().is_empty());
    let run = run_now(&sim, down).await;
    assert_eq!(run.status, RunStatus::Succeeded);
    assert_eq!(sim.messages(), ["The status page is down: HTTP 503"]);
    // A GET answered 503 is tried twice more before its answer counts.
    assert_eq!((server.hits("/ok"), server.hits("/down")), (1, 3));
    let steps = step_log::list(sim.store.pool(), run.id).await.unwrap();
    let keys: Vec<&str> = steps.iter().map(|s| s.step_key.as_str()).collect();
    assert_eq!(keys, ["check", "down", "down.then.tell"]);
    assert!(steps
        .iter()
        .all(|s| s.status == steward::workflow::StepStatus::Succeeded && s.ended_at.is_some()));
}

#[tokio::test]
async fn loopback_and_private_addresses_are_refused_unless_configured() {
    let server = FakeHttp::start().await;
    let sim = Sim::start("2026-06-01T10:00:00Z").await;
    let id = sim
        .add(manual(
            "sneaky",
            status_check(&format!("{}/ok", server.base)),
        ))
        .await;
    let run = run_now(&sim, id).await;
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.error
            .as_deref()
            .unwrap()
            .contains("private and loopback addresses are blocked"),
        "{:?}",
        run.error
    );
    assert_eq!(server.hits("/ok"), 0);
}

#[tokio::test]
async fn a_response_over_the_size_cap_fails_the_step() {
    let server = FakeHttp::start().await;
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let id = sim
        .add(manual(
            "big",
            json!([{"type": "http", "url": format!("{}/big", server.base)}]),
        ))
        .await;
    let run = run_now(&sim, id).await;
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.error
            .as_deref()
            .unwrap()
            .contains("larger than 1048576 bytes"),
        "{:?}",
        run.error
    );
}

#[tokio::test]
async fn foreach_parallel_and_placeholders_work_together() {
    let server = FakeHttp::start().await;
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let mut definition = manual(
        "fan out",
        json!([
            {"id": "list", "type": "http", "url": format!("{}/items", server.base),
             "headers": {"authorization": "Bearer {{KEY:token}}"}},
            {"id": "each", "type": "foreach", "items": "${steps.list.output.body}", "as": "name",
             "steps": [{"id": "say", "type": "message", "text": "item ${vars.index}: ${vars.name}"}]},
            {"id": "both", "type": "parallel", "branches": [
                [{"id": "a", "type": "http", "url": format!("{}/ok", server.base)}],
                [{"id": "b", "type": "http", "url": format!("{}/ok", server.base)}]
            ]}
        ]),
    );
    definition["placeholders"] = json!({"token": "s3cret"});
    let id = sim.add(definition).await;
    let run = run_now(&sim, id).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    assert_eq!(
        sim.messages(),
        ["item 0: alpha", "item 1: beta", "item 2: gamma"]
    );
    assert_eq!(server.hits("/ok"), 2);
    assert!(server
        .seen
        .lock()
        .unwrap()
        .headers
        .iter()
        .any(|h| h == "authorization: bearer s3cret"));
    assert_eq!(run.output.as_ref().unwrap()["each"]["count"], 3);
    let keys: Vec<String> = step_log::list(sim.store.pool(), run.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.step_key)
        .collect();
    assert!(keys.contains(&"each[2].say".to_string()), "{keys:?}");
    assert!(keys.contains(&"both[1].b".to_string()), "{keys:?}");
}

#[tokio::test]
async fn a_workflow_step_starts_another_workflow_with_input() {
    let sim = Sim::start("2026-06-01T10:00:00Z").await;
    let child = sim
        .add(manual(
            "Greeter",
            json!([{"id": "hi", "type": "message", "text": "hello ${input.who}"}]),
        ))
        .await;
    let parent = sim
        .add(manual("Caller", json!([{"id": "call", "type": "workflow", "workflow": "greeter", "input": {"who": "Ada"}}])))
        .await;
    let run = run_now(&sim, parent).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    assert_eq!(sim.messages(), ["hello Ada"]);
    let child_runs = sim.runs(child).await;
    assert_eq!(child_runs.len(), 1);
    assert_eq!(child_runs[0].trigger, "chain");
    assert_eq!(child_runs[0].input, Some(json!({"who": "Ada"})));
    assert_eq!(run.output.unwrap()["call"]["workflow_id"], child);
}

#[tokio::test]
async fn guardrails_stop_runs_that_take_too_long_or_too_many_steps() {
    let sim = Sim::start("2026-06-01T10:00:00Z").await;
    let mut slow = manual("slow", json!([{"type": "delay", "seconds": 5}]));
    slow["guardrails"] = json!({"timeout_seconds": 1});
    let slow = sim.add(slow).await;
    let run = run_now(&sim, slow).await;
    assert_eq!(run.status, RunStatus::Guardrail);
    assert!(
        run.error
            .as_deref()
            .unwrap()
            .contains("longer than its limit of 1 s"),
        "{:?}",
        run.error
    );

    let mut busy = manual(
        "busy",
        json!([{"id": "loop", "type": "foreach", "items": [1, 2, 3, 4, 5, 6, 7, 8],
                "steps": [{"type": "message", "text": "${vars.item}"}]}]),
    );
    busy["guardrails"] = json!({"max_steps": 5});
    let busy = sim.add(busy).await;
    let run = run_now(&sim, busy).await;
    assert_eq!(run.status, RunStatus::Guardrail);
    assert!(
        run.error
            .as_deref()
            .unwrap()
            .contains("more than its 5 steps"),
        "{:?}",
        run.error
    );
    assert_eq!(run.usage.unwrap().steps, 5);
}

fn approval_plan(timeout: u64) -> serde_json::Value {
    json!([
        {"id": "before", "type": "message", "text": "about to deploy"},
        {"id": "ask", "type": "approval", "prompt": "Deploy to production?", "timeout_seconds": timeout},
        {"id": "after", "type": "message", "text": "deployed"}
    ])
}

#[tokio::test]
async fn an_approved_run_continues_where_it_stopped() {
    let sim = Sim::start("2026-06-01T10:00:00Z").await;
    let id = sim.add(manual("deploy", approval_plan(3600))).await;
    let run = run_now(&sim, id).await;
    assert_eq!(run.status, RunStatus::Waiting);
    assert!(sim.notices().iter().any(|n| matches!(n, Notice::ApprovalRequested { prompt, .. } if prompt == "Deploy to production?")));
    sim.manage()
        .answer(&Actor::operator("bob"), run.id, true)
        .await
        .unwrap();
    sim.tick_at("2026-06-01T10:01:00Z").await;
    let run = sim
        .runs(id)
        .await
        .into_iter()
        .find(|r| r.id == run.id)
        .unwrap();
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    assert_eq!(
        sim.messages(),
        ["about to deploy", "deployed"],
        "the step before the approval ran once"
    );
    assert_eq!(run.output.unwrap()["ask"]["by"], "bob");
}

#[tokio::test]
async fn a_rejected_or_unanswered_request_ends_the_run_with_that_reason() {
    let sim = Sim::start("2026-06-01T10:00:00Z").await;
    let rejected = sim.add(manual("rejected", approval_plan(3600))).await;
    let expired = sim.add(manual("expired", approval_plan(60))).await;
    let first = run_now(&sim, rejected).await;
    let second = run_now(&sim, expired).await;
    sim.manage()
        .answer(&Actor::operator("bob"), first.id, false)
        .await
        .unwrap();
    sim.tick_at("2026-06-01T10:00:30Z").await;
    let run = sim.runs(rejected).await.remove(0);
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.error.as_deref().unwrap().contains("bob rejected"),
        "{:?}",
        run.error
    );
    assert_eq!(sim.runs(expired).await[0].status, RunStatus::Waiting);
    sim.tick_at("2026-06-01T10:01:01Z").await;
    let run = sim.runs(expired).await.remove(0);
    assert_eq!(run.id, second.id);
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.error.as_deref().unwrap().contains("expired"),
        "{:?}",
        run.error
    );
    assert!(
        sim.manage()
            .answer(&Actor::operator("bob"), second.id, true)
            .await
            .is_err(),
        "too late to answer"
    );
}

#[tokio::test]
async fn bad_data_fails_its_own_run_and_never_stops_the_scheduler() {
    let sim = Sim::start("2026-06-01T09:59:30Z").await;
    let pool = sim.store.pool();
    let next = Some(at("2026-06-01T10:00:00Z"));
    // Rows as an older or newer steward might have left them.
    let raw = |name: &'static str, plan: &'static str, cron: &'static str, zone: &'static str| {
        workflows::insert_raw(
            pool,
            "alice",
            name,
            plan,
            "cron",
            cron,
            zone,
            next,
            sim.now(),
        )
    };
    let message = r#"[{"type": "message", "text": "x"}]"#;
    let unknown = raw(
        "unknown step",
        r#"{"steps": [{"type": "teleport"}]}"#,
        "0 * * * *",
        "UTC",
    )
    .await
    .unwrap();
    let broken = raw("broken json", r#"{"steps": [{"type": "#, "0 * * * *", "UTC")
        .await
        .unwrap();
    let bad_trigger = raw("bad trigger", message, "61 * * * *", "UTC")
        .await
        .unwrap();
    let bad_zone = raw("bad zone", message, "0 * * * *", "Mars/Olympus")
        .await
        .unwrap();
    let fine = sim.add(json!({"name": "fine", "owner": "alice", "trigger": {"kind": "cron", "expression": "0 * * * *"},
                              "steps": [{"type": "message", "text": "still here"}]})).await;
    sim.tick_at("2026-06-01T10:00:00Z").await;

    let run = sim.runs(unknown).await.remove(0);
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.error
            .as_deref()
            .unwrap()
            .contains("unknown type 'teleport'"),
        "{:?}",
        run.error
    );
    let run = sim.runs(broken).await.remove(0);
    assert!(
        run.error.as_deref().unwrap().contains("not valid JSON"),
        "{:?}",
        run.error
    );
    for id in [bad_trigger, bad_zone] {
        let run = sim.runs(id).await.remove(0);
        assert_eq!(run.status, RunStatus::Failed);
        assert!(
            run.error
                .as_deref()
                .unwrap()
                .contains("schedule can't be read"),
            "{:?}",
            run.error
        );
        assert_eq!(sim.workflow(id).await.status.as_str(), "paused");
    }
    assert_eq!(sim.runs(fine).await[0].status, RunStatus::Succeeded);
    assert_eq!(sim.messages(), ["still here"]);
}

#[tokio::test]
async fn a_busy_database_delays_the_claim_instead_of_failing_it() {
    let sim = Sim::start("2026-06-01T09:59:30Z").await;
    let id = sim.add(json!({"name": "hourly", "owner": "alice", "trigger": {"kind": "cron", "expression": "0 * * * *"},
                            "steps": [{"type": "message", "text": "on time"}]})).await;
    // Another writer holds the lock for 1.5 s.
    let mut blocker = sim.store.begin_write().await.unwrap();
    sqlx::query("UPDATE users SET role = role")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let holder = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        blocker.commit().await.unwrap();
    });
    let started = std::time::Instant::now();
    sim.tick_at("2026-06-01T10:00:00Z").await;
    holder.await.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(1400));
    assert_eq!(sim.runs(id).await[0].status, RunStatus::Succeeded);
}
