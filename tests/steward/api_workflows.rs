//! `/api/v1/workflows`: creating (and dry runs), reading, changing with
//! `If-Match`, deleting; each user sees only theirs, an admin everyone's.

use serde_json::json;

use crate::api_client::{definition, served, Api};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_creates_a_workflow_for_themselves_and_reads_it_back() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let created = alice
        .post("/api/v1/workflows", &definition("Morning"))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(
        created.header("location"),
        format!("/api/v1/workflows/{id}")
    );
    assert_eq!(created.header("etag"), "\"1\"");
    assert_eq!(created.body["owner"], "alice");
    assert_eq!(created.body["status"], "active");
    assert_eq!(created.body["trigger"]["kind"], "cron");
    assert!(created.body["next_run"]
        .as_str()
        .unwrap()
        .ends_with("T09:00:00.000Z"));

    let read = alice.get(&format!("/api/v1/workflows/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["name"], "Morning");
    assert_eq!(read.body["version"], 1);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_reads_the_schedule_and_stores_nothing() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let answer = alice
        .post(
            "/api/v1/workflows?dry_run=true",
            &definition("Just looking"),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["valid"], true);
    assert_eq!(
        answer.body["trigger"]["description"],
        "At 09:00 every day (UTC)"
    );
    assert_eq!(answer.body["next"].as_array().unwrap().len(), 5);
    let list = alice.get("/api/v1/workflows").await;
    assert_eq!(list.body["items"], json!([]));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_definitions_are_refused_naming_the_field() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let mut bad_schedule = definition("Bad");
    bad_schedule["trigger"] = json!({"schedule": "every blursday at 25:00"});
    let cases = [
        (bad_schedule, "trigger"),
        (
            json!({"trigger": {"schedule": "daily"}, "steps": []}),
            "name",
        ),
        (
            json!({"name": "x", "trigger": {"schedule": "daily", "timezone": "Mars/Olympus"}, "steps": []}),
            "trigger.timezone",
        ),
        (
            json!({"name": "x", "trigger": {"schedule": "daily"}, "steps": [{"type": "teleport"}]}),
            "steps",
        ),
        (
            json!({"name": "x", "trigger": {"schedule": "daily"}, "steps": [], "colour": "red"}),
            "colour",
        ),
        (
            json!({"name": 5, "trigger": {"schedule": "daily"}, "steps": []}),
            "name",
        ),
    ];
    for (body, field) in cases {
        let answer = alice.post("/api/v1/workflows", &body).await;
        answer.assert_error(422, Some(field));
    }
    let answer = alice
        .send(
            reqwest::Method::POST,
            "/api/v1/workflows?dry_run=maybe",
            Some(&definition("x")),
            &[],
        )
        .await;
    answer.assert_error(400, Some("dry_run"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_key_cannot_create_a_workflow_for_someone_else_but_an_admin_key_can() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let mut for_bob = definition("For Bob");
    for_bob["owner"] = json!("bob");
    alice
        .post("/api/v1/workflows", &for_bob)
        .await
        .assert_error(403, Some("owner"));
    let admin = Api::admin(&served, "root").await;
    let answer = admin.post("/api/v1/workflows", &for_bob).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(answer.body["owner"], "bob");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_users_workflow_answers_404_to_every_request() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let id = alice.create("Alice's").await;
    let path = format!("/api/v1/workflows/{id}");
    bob.get(&path).await.assert_error(404, None);
    bob.patch(&path, 1, &json!({"name": "Mine now"}))
        .await
        .assert_error(404, None);
    bob.delete(&path).await.assert_error(404, None);
    for action in ["pause", "resume", "run", "skip-next", "copy"] {
        bob.act(&format!("{path}/{action}"))
            .await
            .assert_error(404, None);
    }
    bob.post(&format!("{path}/snooze"), &json!({"by": "1h"}))
        .await
        .assert_error(404, None);
    let runs = bob.get(&format!("/api/v1/runs?workflow={id}")).await;
    runs.assert_error(404, None);
    assert_eq!(bob.get("/api/v1/workflows").await.body["items"], json!([]));
    bob.get("/api/v1/workflows?owner=alice")
        .await
        .assert_error(403, Some("owner"));
    assert_eq!(alice.get(&path).await.body["name"], "Alice's");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_key_sees_and_manages_everyones_workflows() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let admin = Api::admin(&served, "root").await;
    let a = alice.create("Alice's").await;
    bob.create("Bob's").await;
    let all = admin.get("/api/v1/workflows").await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    let bobs = admin.get("/api/v1/workflows?owner=bob").await;
    assert_eq!(bobs.body["items"][0]["name"], "Bob's");
    assert_eq!(bobs.body["items"].as_array().unwrap().len(), 1);
    let paused = admin.act(&format!("/api/v1/workflows/{a}/pause")).await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    assert_eq!(paused.body["status"], "paused");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_by_status_and_by_words_in_the_name() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let report = alice.create("Weekly report").await;
    alice.create("Status check").await;
    alice.create("100% sure").await;
    alice
        .act(&format!("/api/v1/workflows/{report}/pause"))
        .await;
    let names = |answer: crate::api_client::Answer| -> Vec<String> {
        answer.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(alice.get("/api/v1/workflows?status=paused").await),
        ["Weekly report"]
    );
    assert_eq!(
        names(alice.get("/api/v1/workflows?q=CHECK").await),
        ["Status check"]
    );
    assert_eq!(
        names(alice.get("/api/v1/workflows?q=0%25").await),
        ["100% sure"]
    );
    alice
        .get("/api/v1/workflows?status=sleeping")
        .await
        .assert_error(400, Some("status"));
    alice
        .get("/api/v1/workflows?colour=red")
        .await
        .assert_error(400, Some("colour"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_with_the_current_version_changes_the_workflow_and_its_version() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let path = format!("/api/v1/workflows/{id}");
    let answer = alice
        .patch(
            &path,
            1,
            &json!({"name": "Evening", "trigger": {"schedule": "every day at 18:00", "timezone": "UTC"},
                    "policies": {"retries": 2}}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["name"], "Evening");
    assert_eq!(answer.body["version"], 2);
    assert_eq!(answer.header("etag"), "\"2\"");
    assert!(answer.body["next_run"]
        .as_str()
        .unwrap()
        .ends_with("T18:00:00.000Z"));
    assert_eq!(answer.body["policies"]["retries"], 2);
    assert_eq!(
        answer.body["plan"]["steps"][0]["id"], "hello",
        "the steps are kept"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_with_a_stale_version_is_412_and_changes_nothing() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let path = format!("/api/v1/workflows/{id}");
    assert_eq!(
        alice
            .patch(&path, 1, &json!({"name": "First edit"}))
            .await
            .status,
        200
    );
    let stale = alice.patch(&path, 1, &json!({"name": "Second edit"})).await;
    stale.assert_error(412, None);
    assert_eq!(alice.get(&path).await.body["name"], "First edit");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_without_if_match_is_428_and_bad_fields_are_422() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let path = format!("/api/v1/workflows/{id}");
    alice
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&json!({"name": "x"})),
            &[],
        )
        .await
        .assert_error(428, Some("If-Match"));
    alice
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&json!({"name": "x"})),
            &[("if-match", "yesterday")],
        )
        .await
        .assert_error(400, Some("If-Match"));
    alice
        .patch(&path, 1, &json!({"name": ""}))
        .await
        .assert_error(422, Some("name"));
    alice
        .patch(&path, 1, &json!({"owner": "bob"}))
        .await
        .assert_error(422, Some("owner"));
    alice
        .patch(&path, 1, &json!({"paused": true}))
        .await
        .assert_error(422, Some("paused"));
    assert_eq!(alice.get(&path).await.body["version"], 1);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_removes_the_workflow() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Doomed").await;
    let path = format!("/api/v1/workflows/{id}");
    let answer = alice.delete(&path).await;
    assert_eq!(answer.status, 204);
    alice.get(&path).await.assert_error(404, None);
    alice
        .get("/api/v1/workflows/abc")
        .await
        .assert_error(400, Some("id"));
    served.stop().await;
}
