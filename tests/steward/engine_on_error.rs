//! Failures handled step by step (`on_error`: continue, retry, a handler
//! seeing `${error}`), the default retries of requests safe to repeat, and a
//! workflow's `on_failure` (another chat told, another workflow started).

use serde_json::{json, Value};
use steward::store::steps as step_log;
use steward::workflow::notify::Notice;
use steward::workflow::{RunStatus, StepStatus};

use crate::fake_http::FakeHttp;
use crate::helpers::Sim;

fn manual(name: &str, steps: Value) -> Value {
    json!({"name": name, "owner": "alice", "trigger": {"kind": "manual"}, "steps": steps})
}

#[tokio::test]
async fn a_get_is_tried_again_after_a_5xx_and_a_post_is_not() {
    let server = FakeHttp::start().await;
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let get = sim
        .add(manual(
            "get",
            json!([{"id": "check", "type": "http", "url": format!("{}/flaky/2/get", server.base)}]),
        ))
        .await;
    let run = sim.run_now(get).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    let output = run.output.unwrap();
    assert_eq!(output["check"]["status"], 200);
    assert_eq!(output["check"]["attempts"], 3);
    assert_eq!(server.hits("/flaky/2/get"), 3);

    let post = sim
        .add(manual(
            "post",
            json!([{"id": "send", "type": "http", "method": "POST", "url": format!("{}/flaky/2/post", server.base)}]),
        ))
        .await;
    let run = sim.run_now(post).await;
    assert_eq!(run.output.unwrap()["send"]["status"], 503);
    assert_eq!(
        server.hits("/flaky/2/post"),
        1,
        "a POST is never repeated unasked"
    );

    // Asked to, a POST is tried again too.
    let asked = sim
        .add(manual(
            "asked",
            json!([{"id": "send", "type": "http", "method": "POST",
                    "url": format!("{}/flaky/1/asked", server.base),
                    "on_error": {"retry": {"times": 3, "backoff_seconds": 0.05}}}]),
        ))
        .await;
    let run = sim.run_now(asked).await;
    assert_eq!(run.output.unwrap()["send"]["status"], 200);
    assert_eq!(server.hits("/flaky/1/asked"), 2);
}

#[tokio::test]
async fn continue_records_the_error_and_the_run_goes_on() {
    let server = FakeHttp::start().await;
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let id = sim
        .add(manual(
            "goes on",
            json!([
                {"id": "fetch", "type": "http", "url": format!("{}/big", server.base), "on_error": "continue"},
                {"id": "tell", "type": "message", "text": "fetch failed: ${steps.fetch.output.failed}; ${steps.fetch.output.error}"}
            ]),
        ))
        .await;
    let run = sim.run_now(id).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    let said = sim.messages();
    assert_eq!(said.len(), 1);
    assert!(
        said[0].starts_with("fetch failed: true; step 'fetch': the response from"),
        "{said:?}"
    );
    // A size cap is no passing trouble: asked once, not retried.
    assert_eq!(server.hits("/big"), 1);
    let steps = step_log::list(sim.store.pool(), run.id).await.unwrap();
    assert_eq!(steps[0].status, StepStatus::Failed);
    assert!(steps[0].error.as_deref().unwrap().contains("larger than"));
}

#[tokio::test]
async fn retry_tries_a_failing_step_again_then_does_what_then_says() {
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    // A reference to nothing fails every time: three tries, then on.
    let id = sim
        .add(manual(
            "retries",
            json!([
                {"id": "bad", "type": "message", "text": "${steps.nothing.output}",
                 "on_error": {"retry": {"times": 2, "backoff_seconds": 0.05}, "then": "continue"}},
                {"id": "after", "type": "message", "text": "tried ${steps.bad.output.attempts} times"}
            ]),
        ))
        .await;
    let started = std::time::Instant::now();
    let run = sim.run_now(id).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    assert_eq!(sim.messages(), ["tried 3 times"]);
    // 0.05 s, then 0.1 s.
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
    let steps = step_log::list(sim.store.pool(), run.id).await.unwrap();
    let bad = steps.iter().find(|s| s.step_key == "bad").unwrap();
    assert_eq!(bad.status, StepStatus::Failed);
    assert_eq!(bad.output.as_ref().unwrap()["attempts"], 3);

    // Without `then`, the run fails once the retries are used up.
    let fails = sim
        .add(manual(
            "fails",
            json!([{"id": "bad", "type": "message", "text": "${steps.nothing.output}",
                    "on_error": {"retry": {"times": 1, "backoff_seconds": 0}}}]),
        ))
        .await;
    let run = sim.run_now(fails).await;
    assert_eq!(run.status, RunStatus::Failed);
    assert!(run.error.unwrap().contains("refers to nothing"));
}

#[tokio::test]
async fn a_handler_sees_the_error_and_its_own_failure_fails_the_run() {
    let server = FakeHttp::start().await;
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let handled = sim
        .add(manual(
            "handled",
            json!([
                {"id": "fetch", "type": "http", "url": format!("{}/big", server.base),
                 "on_error": {"steps": [
                     {"id": "warn", "type": "message", "text": "'${error.step}' failed after ${error.attempts} try: ${error.message}"}
                 ]}},
                {"id": "done", "type": "message", "text": "done"}
            ]),
        ))
        .await;
    let run = sim.run_now(handled).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    let said = sim.messages();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].starts_with("'fetch' failed after 1 try: step 'fetch': the response from"),
        "{said:?}"
    );
    assert_eq!(said[1], "done");
    let mut keys: Vec<String> = step_log::list(sim.store.pool(), run.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.step_key)
        .collect();
    keys.sort();
    assert_eq!(keys, ["done", "fetch", "fetch.on_error.warn"]);

    let broken = sim
        .add(manual(
            "broken handler",
            json!([
                {"id": "fetch", "type": "http", "url": format!("{}/big", server.base),
                 "on_error": {"steps": [{"id": "oops", "type": "message", "text": "${error.nope}"}]}},
                {"id": "never", "type": "message", "text": "never"}
            ]),
        ))
        .await;
    let run = sim.run_now(broken).await;
    assert_eq!(run.status, RunStatus::Failed);
    assert!(run.error.unwrap().contains("step 'oops'"));
    assert!(!sim.messages().contains(&"never".to_string()));
}

#[tokio::test]
async fn on_failure_tells_another_chat_and_starts_another_workflow_with_the_failure() {
    let server = FakeHttp::start().await;
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let alert = sim
        .add(manual(
            "Alert",
            json!([{"id": "page", "type": "message", "text": "ALERT: ${input.workflow} ${input.status}: ${input.error}"}]),
        ))
        .await;
    let mut backup = manual(
        "Backup",
        json!([{"id": "upload", "type": "http", "url": format!("{}/big", server.base)}]),
    );
    backup["policies"] = json!({"on_failure": {"notify": "telegram:99", "workflow": "alert"}});
    let backup = sim.add(backup).await;
    let run = sim.run_now(backup).await;
    assert_eq!(run.status, RunStatus::Failed);
    let told: Vec<Option<String>> = sim
        .notices()
        .into_iter()
        .filter_map(|n| match n {
            Notice::RunFinished {
                audience,
                status,
                run_id,
                ..
            } if run_id == run.id => {
                assert_eq!(status, RunStatus::Failed);
                Some(audience.to)
            }
            _ => None,
        })
        .collect();
    assert!(told.contains(&Some("telegram:99".to_string())), "{told:?}");
    assert_eq!(told.len(), 2, "the home chat and telegram:99: {told:?}");
    // The alert's run waits for the next claim.
    sim.tick_at("2026-06-01T10:00:01Z").await;
    let runs = sim.runs(alert).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].trigger, "after");
    assert_eq!(runs[0].input.as_ref().unwrap()["run_id"], run.id);
    let said = sim.messages();
    assert!(
        said.iter()
            .any(|m| m.starts_with("ALERT: Backup failed: step 'upload'")),
        "{said:?}"
    );
    // A success starts nothing.
    let fine = sim
        .add({
            let mut fine = manual("Fine", json!([{"type": "message", "text": "ok"}]));
            fine["policies"] = json!({"on_failure": {"workflow": alert}});
            fine
        })
        .await;
    sim.run_now(fine).await;
    sim.tick_at("2026-06-01T10:00:02Z").await;
    assert_eq!(sim.runs(alert).await.len(), 1);
}

#[tokio::test]
async fn on_failure_naming_nothing_or_itself_is_refused_when_stored() {
    let sim = Sim::with_http("2026-06-01T10:00:00Z", true).await;
    let manage = sim.manage();
    let actor = steward::manage::Actor::operator("test");
    for (on_failure, says) in [
        (
            json!({"workflow": "ghost"}),
            "there is no workflow called \"ghost\"",
        ),
        (json!({"workflow": "Self"}), "can't start itself"),
        (json!({}), "needs notify"),
        (json!({"notify": "x", "page": "y"}), "unknown field"),
    ] {
        let mut definition = manual("Self", json!([{"type": "message", "text": "hi"}]));
        definition["policies"] = json!({ "on_failure": on_failure });
        let error = match serde_json::from_value::<steward::workflow::Definition>(definition) {
            Err(error) => error.to_string(),
            Ok(definition) => match definition.validate(sim.now(), steward::schedule::Zone::UTC, 1)
            {
                Err(error) => error,
                Ok(new) => {
                    let mut change = manage.change(&actor, None).await.unwrap();
                    change
                        .create(&new)
                        .await
                        .map(|_| ())
                        .unwrap_err()
                        .for_user()
                }
            },
        };
        assert!(error.contains(says), "{on_failure}: {error}");
    }
}
