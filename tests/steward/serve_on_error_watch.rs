//! Errors per step, `on_failure` and change watches through `steward serve`:
//! workflows made with the REST API, run by its scheduler and its run
//! endpoint, against a page on 127.0.0.1 that the test changes.

use serde_json::{json, Value};
use std::time::Duration;
use steward::workflow::notify::Notice;

use crate::api_client::{served, Api};
use crate::fake_http::FakeHttp;
use crate::helpers::Served;

/// The texts of the messages `serve` sent, in order.
fn messages(served: &Served) -> Vec<String> {
    served
        .notifier
        .notices
        .lock()
        .unwrap()
        .iter()
        .filter_map(|n| match n {
            Notice::Message { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// Statuses of workflow `id`'s runs that ended, oldest first.
async fn ended(served: &Served, id: i64) -> Vec<String> {
    let store = served.store().await;
    let statuses: Vec<String> = sqlx::query_scalar(
        "SELECT status FROM runs WHERE workflow_id = $1 AND status NOT IN ('queued', 'running') ORDER BY id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    store.close().await;
    statuses
}

/// Waits up to 15 s for workflow `id` to have `count` ended runs.
async fn wait_for_runs(served: &Served, id: i64, count: usize) -> Vec<String> {
    for _ in 0..150 {
        let found = ended(served, id).await;
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "workflow {id} did not run {count} times: {:?}",
        ended(served, id).await
    );
}

async fn create(api: &Api<'_>, definition: &Value) -> i64 {
    let made = api.post("/api/v1/workflows", definition).await;
    assert_eq!(made.status, 201, "{}", made.body);
    made.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_watch_is_silent_until_the_page_changes_then_speaks_once() {
    let page = FakeHttp::start().await;
    page.set_page("Pro plan: $40");
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = create(
        &alice,
        &json!({
            "name": "Pricing watch",
            "trigger": {"schedule": "every second"},
            "steps": [
                {"id": "page", "type": "http", "url": format!("{}/page", page.base)},
                {"id": "changed", "type": "condition",
                 "if": {"left": "${steps.page.output.body}", "op": "changed"},
                 "then": [{"type": "message", "text": "was ${previous.output.page.body}, now ${steps.page.output.body}"}]}
            ]
        }),
    )
    .await;
    // The baseline and an unchanged page: nothing said.
    let before = wait_for_runs(&served, id, 3).await;
    assert!(before.iter().all(|s| s == "succeeded"), "{before:?}");
    assert!(messages(&served).is_empty(), "{:?}", messages(&served));
    page.set_page("Pro plan: $45");
    let changed = wait_for_runs(&served, id, before.len() + 3).await;
    assert!(changed.iter().all(|s| s == "succeeded"), "{changed:?}");
    assert_eq!(messages(&served), ["was Pro plan: $40, now Pro plan: $45"]);
    // Nor did a run with nothing to report say "succeeded".
    let reports = served
        .notifier
        .notices
        .lock()
        .unwrap()
        .iter()
        .filter(|n| matches!(n, Notice::RunFinished { .. }))
        .count();
    assert_eq!(reports, 0, "a watch speaks only when the page changes");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_error_variants_through_the_run_endpoint() {
    let server = FakeHttp::start().await;
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = create(
        &alice,
        &json!({
            "name": "Export",
            "trigger": {"kind": "manual"},
            "steps": [
                // 503 once, then 200: the explicit retry covers a POST.
                {"id": "export", "type": "http", "method": "POST", "url": format!("{}/flaky/1/export", server.base),
                 "on_error": {"retry": {"times": 2, "backoff_seconds": 0.1}}},
                // Over the size cap: recorded, and the run goes on.
                {"id": "extra", "type": "http", "url": format!("{}/big", server.base), "on_error": "continue"},
                // A handler sees the error.
                {"id": "report", "type": "message", "text": "${steps.nothing.output}",
                 "on_error": {"steps": [{"type": "message", "text": "report failed (${error.step})"}]}},
                {"id": "done", "type": "message", "text": "export ${steps.export.output.status}, extra failed: ${steps.extra.output.failed}"}
            ]
        }),
    )
    .await;
    let ran = alice
        .act(&format!("/api/v1/workflows/{id}/run?wait=10"))
        .await;
    assert_eq!(ran.body["status"], "succeeded", "{}", ran.body);
    assert_eq!(server.hits("/flaky/1/export"), 2);
    assert_eq!(server.hits("/big"), 1);
    assert_eq!(
        messages(&served),
        ["report failed (report)", "export 200, extra failed: true"]
    );
    let run_id = ran.body["id"].as_i64().unwrap();
    let shown = alice.get(&format!("/api/v1/runs/{run_id}")).await;
    let steps = shown.body["steps"].as_array().expect("the run's steps");
    let status_of = |key: &str| {
        steps
            .iter()
            .find(|s| s["key"] == key || s["step_key"] == key)
            .map(|s| s["status"].clone())
    };
    assert_eq!(status_of("extra"), Some(json!("failed")), "{}", shown.body);
    assert_eq!(
        status_of("export"),
        Some(json!("succeeded")),
        "{}",
        shown.body
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_failure_starts_the_named_workflow_and_a_bad_name_is_refused() {
    let server = FakeHttp::start().await;
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let refused = alice
        .post(
            "/api/v1/workflows",
            &json!({
                "name": "Backup", "trigger": {"kind": "manual"},
                "steps": [{"type": "message", "text": "x"}],
                "policies": {"on_failure": {"workflow": "Pager"}}
            }),
        )
        .await;
    refused.assert_error(422, Some("policies.on_failure"));
    let pager = create(
        &alice,
        &json!({
            "name": "Pager", "trigger": {"kind": "manual"},
            "steps": [{"type": "message", "text": "PAGE: ${input.workflow} ${input.status}"}]
        }),
    )
    .await;
    let backup = create(
        &alice,
        &json!({
            "name": "Backup", "trigger": {"kind": "manual"},
            "steps": [{"id": "upload", "type": "http", "url": format!("{}/big", server.base)}],
            "policies": {"on_failure": {"workflow": "Pager"}}
        }),
    )
    .await;
    let ran = alice
        .act(&format!("/api/v1/workflows/{backup}/run?wait=10"))
        .await;
    assert_eq!(ran.body["status"], "failed", "{}", ran.body);
    assert_eq!(wait_for_runs(&served, pager, 1).await, ["succeeded"]);
    assert!(
        messages(&served).contains(&"PAGE: Backup failed".to_string()),
        "{:?}",
        messages(&served)
    );
    served.stop().await;
}
