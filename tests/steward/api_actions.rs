//! `POST /api/v1/workflows/{id}/pause|resume|run|skip-next|snooze|copy`,
//! and `Idempotency-Key` on the POSTs that create or run.

use serde_json::json;

use crate::api_client::{definition, served, Api};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_with_a_note_and_resume() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let path = format!("/api/v1/workflows/{id}");
    let paused = alice
        .post(&format!("{path}/pause"), &json!({"note": "on holiday"}))
        .await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    assert_eq!(paused.body["status"], "paused");
    assert_eq!(paused.body["paused_note"], "on holiday");
    assert_eq!(paused.body["next_run"], serde_json::Value::Null);
    alice
        .act(&format!("{path}/pause"))
        .await
        .assert_error(409, None);
    alice
        .post(
            &format!("{path}/pause"),
            &json!({"until": "2001-01-01T00:00:00Z"}),
        )
        .await
        .assert_error(422, Some("until"));
    let resumed = alice.act(&format!("{path}/resume")).await;
    assert_eq!(resumed.body["status"], "active");
    assert!(resumed.body["next_run"].is_string());
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_next_and_snooze_change_only_the_next_occurrence() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let path = format!("/api/v1/workflows/{id}");
    let before = alice.get(&path).await.body["next_run"].clone();
    let snoozed = alice
        .post(&format!("{path}/snooze"), &json!({"by": "2h"}))
        .await;
    assert_eq!(snoozed.status, 200, "{}", snoozed.body);
    assert!(snoozed.body["pending_change"]
        .as_str()
        .unwrap()
        .contains("snoozed"));
    assert_ne!(snoozed.body["next_run"], before);
    alice
        .post(&format!("{path}/snooze"), &json!({"by": "forever"}))
        .await
        .assert_error(422, Some("by"));
    alice
        .post(&format!("{path}/snooze"), &json!({}))
        .await
        .assert_error(422, Some("by"));
    let skipped = alice.act(&format!("{path}/skip-next")).await;
    assert_eq!(skipped.status, 200, "{}", skipped.body);
    assert!(skipped.body["pending_change"]
        .as_str()
        .unwrap()
        .contains("skipped"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_answers_202_with_the_run_at_once_and_wait_returns_it_finished_with_its_input() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Greeter").await;
    let started = alice.act(&format!("/api/v1/workflows/{id}/run")).await;
    assert_eq!(started.status, 202, "{}", started.body);
    assert!(started.body["id"].as_i64().is_some());
    assert_eq!(started.body["trigger"], "manual");

    let done = alice
        .post(
            &format!("/api/v1/workflows/{id}/run?wait=10"),
            &json!({"who": "Ada"}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["status"], "succeeded");
    assert_eq!(done.body["input"], json!({"who": "Ada"}));
    assert!(
        done.body["output"].to_string().contains("hello Ada"),
        "{}",
        done.body
    );
    alice
        .act(&format!("/api/v1/workflows/{id}/run?wait=31"))
        .await
        .assert_error(400, Some("wait"));
    alice
        .post(&format!("/api/v1/workflows/{id}/run"), &json!([1, 2]))
        .await
        .assert_error(422, Some("input"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_makes_a_paused_copy_with_a_new_name() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let copy = alice.act(&format!("/api/v1/workflows/{id}/copy")).await;
    assert_eq!(copy.status, 201, "{}", copy.body);
    assert_eq!(copy.body["name"], "Morning (copy)");
    assert_eq!(copy.body["status"], "paused");
    assert_eq!(copy.body["trigger"]["expression"], "0 9 * * *");
    assert_ne!(copy.body["id"].as_i64().unwrap(), id);
    let named = alice
        .post(
            &format!("/api/v1/workflows/{id}/copy"),
            &json!({"name": "Noon", "paused": false}),
        )
        .await;
    assert_eq!(named.body["name"], "Noon");
    assert_eq!(named.body["status"], "active");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_create_with_the_same_idempotency_key_returns_the_first_answer_and_creates_once()
{
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let body = definition("Once only");
    let send = |key: &'static str, body: serde_json::Value| {
        let alice = &alice;
        async move {
            alice
                .send(
                    reqwest::Method::POST,
                    "/api/v1/workflows",
                    Some(&body),
                    &[("idempotency-key", key)],
                )
                .await
        }
    };
    let first = send("k-1", body.clone()).await;
    assert_eq!(first.status, 201);
    let again = send("k-1", body.clone()).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), "true");
    let list = alice.get("/api/v1/workflows").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);

    send("k-1", definition("Something else"))
        .await
        .assert_error(422, Some("Idempotency-Key"));
    // Keys are per API key: another key's "k-1" is its own.
    let other = Api::of(&served, "alice").await;
    let fresh = other
        .send(
            reqwest::Method::POST,
            "/api/v1/workflows",
            Some(&body),
            &[("idempotency-key", "k-1")],
        )
        .await;
    assert_eq!(fresh.status, 201);
    assert_ne!(fresh.body["id"], first.body["id"]);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_run_with_the_same_idempotency_key_runs_once() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Greeter").await;
    let path = format!("/api/v1/workflows/{id}/run?wait=5");
    let input = json!({"who": "Ada"});
    let first = alice
        .send(
            reqwest::Method::POST,
            &path,
            Some(&input),
            &[("idempotency-key", "run-1")],
        )
        .await;
    let again = alice
        .send(
            reqwest::Method::POST,
            &path,
            Some(&input),
            &[("idempotency-key", "run-1")],
        )
        .await;
    assert_eq!(first.body["id"], again.body["id"]);
    let runs = alice.get(&format!("/api/v1/runs?workflow={id}")).await;
    assert_eq!(runs.body["items"].as_array().unwrap().len(), 1);
    served.stop().await;
}
