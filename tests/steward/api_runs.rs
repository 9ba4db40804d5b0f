//! `/api/v1/runs`: one run with its steps, filters, another user's run,
//! approving and rejecting; and `/api/v1/schedule`.

use serde_json::{json, Value};
use std::time::Duration;

use crate::api_client::{served, Api};
use crate::helpers::{output_of, steward_command};

fn approval_workflow(name: &str) -> Value {
    json!({
        "name": name,
        "trigger": {"kind": "manual"},
        "steps": [
            {"id": "ask", "type": "approval", "prompt": "Go ahead?"},
            {"id": "done", "type": "message", "text": "approved"}
        ],
    })
}

/// Polls run `id` until it has `status` (10 s at most).
async fn until_status(api: &Api<'_>, id: i64, status: &str) -> Value {
    for _ in 0..100 {
        let run = api.get(&format!("/api/v1/runs/{id}")).await;
        if run.body["status"] == status {
            return run.body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("run {id} never became {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_read_with_its_steps_and_filtered_by_status() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Greeter").await;
    let run = alice
        .post(
            &format!("/api/v1/workflows/{id}/run?wait=10"),
            &json!({"who": "Ada"}),
        )
        .await;
    let run_id = run.body["id"].as_i64().unwrap();
    let read = alice.get(&format!("/api/v1/runs/{run_id}")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["workflow_id"], id);
    assert_eq!(read.body["steps"][0]["key"], "hello");
    assert_eq!(read.body["steps"][0]["status"], "succeeded");
    assert!(read.body["usage"].is_object(), "{}", read.body);
    assert!(read.body["delivery_errors"].is_array());

    let ok = alice.get("/api/v1/runs?status=succeeded,failed").await;
    assert_eq!(ok.body["items"].as_array().unwrap().len(), 1);
    let failed = alice.get("/api/v1/runs?status=failed").await;
    assert_eq!(failed.body["items"], json!([]));
    let later = alice.get("/api/v1/runs?since=2999-01-01T00:00:00Z").await;
    assert_eq!(later.body["items"], json!([]));
    alice
        .get("/api/v1/runs?status=sleeping")
        .await
        .assert_error(400, Some("status"));
    alice
        .get("/api/v1/runs?since=yesterday")
        .await
        .assert_error(400, Some("since"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_users_run_is_not_found_and_an_admin_sees_it() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let admin = Api::admin(&served, "root").await;
    let id = alice.create("Greeter").await;
    let run = alice
        .act(&format!("/api/v1/workflows/{id}/run?wait=10"))
        .await;
    let run_id = run.body["id"].as_i64().unwrap();
    bob.get(&format!("/api/v1/runs/{run_id}"))
        .await
        .assert_error(404, None);
    bob.act(&format!("/api/v1/runs/{run_id}/approve"))
        .await
        .assert_error(404, None);
    assert_eq!(bob.get("/api/v1/runs").await.body["items"], json!([]));
    assert_eq!(
        admin.get(&format!("/api/v1/runs/{run_id}")).await.status,
        200
    );
    let all = admin.get("/api/v1/runs").await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 1);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_run_is_approved_and_goes_on_and_a_rejected_one_fails() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let created = alice
        .post("/api/v1/workflows", &approval_workflow("Careful"))
        .await;
    let id = created.body["id"].as_i64().unwrap();

    let waiting = alice
        .act(&format!("/api/v1/workflows/{id}/run?wait=5"))
        .await;
    assert_eq!(waiting.status, 202, "{}", waiting.body);
    assert_eq!(waiting.body["status"], "waiting");
    let run_id = waiting.body["id"].as_i64().unwrap();
    let approved = alice.act(&format!("/api/v1/runs/{run_id}/approve")).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    until_status(&alice, run_id, "succeeded").await;
    alice
        .act(&format!("/api/v1/runs/{run_id}/approve"))
        .await
        .assert_error(409, None);

    let waiting = alice
        .act(&format!("/api/v1/workflows/{id}/run?wait=5"))
        .await;
    let run_id = waiting.body["id"].as_i64().unwrap();
    let rejected = alice.act(&format!("/api/v1/runs/{run_id}/reject")).await;
    assert_eq!(rejected.status, 200, "{}", rejected.body);
    until_status(&alice, run_id, "failed").await;
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_endpoint_answers_what_steward_schedule_json_prints() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let answer = alice
        .get("/api/v1/schedule?text=every%20weekday%20at%208:30&tz=Europe/Paris&count=3")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (code, out, _) = output_of(
        steward_command().args([
            "schedule",
            "every weekday at 8:30",
            "--tz",
            "Europe/Paris",
            "--count",
            "3",
            "--json",
        ]),
        None,
    );
    assert_eq!(code, 0);
    let cli: Value = serde_json::from_str(&out).unwrap();
    for field in [
        "input",
        "kind",
        "expression",
        "timezone",
        "description",
        "task",
    ] {
        assert_eq!(answer.body[field], cli[field], "{field}");
    }
    assert_eq!(answer.body["next"].as_array().unwrap().len(), 3);
    alice
        .get("/api/v1/schedule?text=daily&tz=Mars/Olympus")
        .await
        .assert_error(400, Some("tz"));
    alice
        .get("/api/v1/schedule?text=every%20blursday")
        .await
        .assert_error(422, Some("text"));
    alice
        .get("/api/v1/schedule")
        .await
        .assert_error(400, Some("text"));
    served.stop().await;
}
