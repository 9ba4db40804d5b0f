//! Change watches: a condition with `changed` compares a value with the
//! previous successful run's (`${previous...}`); the first run records the
//! baseline silently.

use serde_json::json;
use steward::workflow::RunStatus;

use crate::fake_http::FakeHttp;
use crate::helpers::Sim;

#[tokio::test]
async fn a_watch_is_silent_on_the_first_run_and_an_unchanged_page_and_speaks_on_a_change() {
    let server = FakeHttp::start().await;
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    server.set_page("Pro plan: $40");
    let id = sim
        .add(json!({
            "name": "Pricing watch", "owner": "alice",
            "trigger": {"schedule": "every hour"},
            "steps": [
                {"id": "page", "type": "http", "url": format!("{}/page", server.base)},
                {"id": "check", "type": "condition",
                 "if": {"left": "${steps.page.output.body}", "op": "changed"},
                 "then": [{"type": "message", "text": "The page changed: was '${previous.output.page.body}', now '${steps.page.output.body}'"}]}
            ]
        }))
        .await;
    sim.run_until("2026-06-01T11:00:01Z").await;
    sim.run_until("2026-06-01T12:00:01Z").await;
    assert!(sim.messages().is_empty(), "{:?}", sim.messages());
    server.set_page("Pro plan: $45");
    sim.run_until("2026-06-01T13:00:01Z").await;
    assert_eq!(
        sim.messages(),
        ["The page changed: was 'Pro plan: $40', now 'Pro plan: $45'"]
    );
    // Compared with the run before, not the first: quiet again.
    sim.run_until("2026-06-01T14:00:01Z").await;
    assert_eq!(sim.messages().len(), 1);
    let runs = sim.runs(id).await;
    assert_eq!(runs.len(), 4);
    assert!(runs.iter().all(|r| r.status == RunStatus::Succeeded));
    assert_eq!(server.hits("/page"), 4);
}

#[tokio::test]
async fn changed_on_something_that_is_not_a_step_output_is_a_clear_error() {
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let id = sim
        .add(json!({
            "name": "odd", "owner": "alice", "trigger": {"kind": "manual"},
            "steps": [{"type": "condition", "if": {"left": "${input.x}", "op": "changed"}, "then": []}]
        }))
        .await;
    let run = steward::manage::Manager::run_with_input(
        &sim.manage(),
        &steward::manage::Actor::operator("test"),
        id,
        Some(&json!({"x": 1})),
        None,
    )
    .await
    .unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.error
            .unwrap()
            .contains("'changed' compares a step's output"),
        "a typo'd watch must not pass silently"
    );
}
