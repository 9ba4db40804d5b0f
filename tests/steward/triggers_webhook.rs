//! Webhook triggers end to end through `steward serve` on 127.0.0.1: a
//! workflow made through the REST API with trigger `webhook` gets a URL and a
//! secret; signed calls start runs with the body as `${input}`.

use serde_json::{json, Value};
use steward::schedule::HookAuth;
use steward::workflow::hook::sign;

use crate::api_client::{served, Api};
use crate::helpers::Served;

/// Creates a webhook workflow checked by `check` whose one step says the
/// commit message; its id, URL path and secret.
async fn hook_workflow(api: &Api<'_>, check: &str) -> (i64, String, String) {
    let made = api
        .post(
            "/api/v1/workflows",
            &json!({
                "name": format!("Push {check}"),
                "trigger": {"kind": "webhook", "expression": check},
                "steps": [{"id": "tell", "type": "message", "text": "commit: ${input.body.head_commit.message}"}],
            }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.body["trigger"]["kind"], "webhook");
    assert_eq!(made.body["next_run"], Value::Null);
    let hook = &made.body["hook"];
    (
        made.body["id"].as_i64().unwrap(),
        hook["path"].as_str().unwrap().to_string(),
        hook["secret"].as_str().unwrap().to_string(),
    )
}

/// POSTs `body` to `path` with `headers`: status and JSON answer.
async fn call(
    served: &Served,
    path: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", served.base))
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn count(served: &Served, sql: &str, id: i64) -> i64 {
    let store = served.store().await;
    let n = sqlx::query_scalar::<_, i64>(sql)
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    store.close().await;
    n
}

async fn runs_of(served: &Served, id: i64) -> i64 {
    count(
        served,
        "SELECT COUNT(*) FROM runs WHERE workflow_id = $1",
        id,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_webhook_starts_exactly_one_run_a_retry_none_and_a_bad_signature_none() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let (id, path, secret) = hook_workflow(&alice, "github").await;
    assert_eq!(
        path.matches('/').count(),
        2,
        "a signed hook's URL holds no secret: {path}"
    );
    let body = serde_json::to_vec(&json!({"head_commit": {"message": "Fix the thing"}})).unwrap();
    let mut headers: Vec<(&str, String)> =
        sign(HookAuth::Github, &secret, &body, chrono::Utc::now());
    headers.push(("x-github-delivery", "delivery-1".into()));
    headers.push(("x-github-event", "push".into()));

    let (status, first) = call(&served, &path, body.clone(), &headers).await;
    assert_eq!(status, 202, "{first}");
    let run_id = first["run_id"].as_i64().unwrap();

    // GitHub redelivers: same delivery id, no second run.
    let (status, again) = call(&served, &path, body.clone(), &headers).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["run_id"], run_id);

    // A signature made with another secret: 401, no run, counted.
    let mut forged: Vec<(&str, String)> =
        sign(HookAuth::Github, "guess", &body, chrono::Utc::now());
    forged.push(("x-github-delivery", "delivery-2".into()));
    let (status, refused) = call(&served, &path, body.clone(), &forged).await;
    assert_eq!(status, 401, "{refused}");
    assert!(!refused.to_string().contains(&secret));
    // No signature at all: 401 too.
    let (status, _) = call(&served, &path, body.clone(), &[]).await;
    assert_eq!(status, 401);

    assert_eq!(runs_of(&served, id).await, 1);
    let rejected = count(
        &served,
        "SELECT rejected FROM hooks WHERE workflow_id = $1",
        id,
    )
    .await;
    assert_eq!(rejected, 2);

    // The run had the body and the kept headers as its input.
    let run = alice.get(&format!("/api/v1/runs/{run_id}")).await;
    assert_eq!(
        run.body["input"]["body"]["head_commit"]["message"],
        "Fix the thing"
    );
    assert_eq!(run.body["input"]["headers"]["x-github-event"], "push");
    assert!(run.body["input"]["headers"]
        .get("x-hub-signature-256")
        .is_none());
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_returns_the_runs_result_and_a_body_over_1_mib_is_refused_with_413() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let (id, path, secret) = hook_workflow(&alice, "path").await;
    assert!(path.ends_with(&secret), "the secret is in the path: {path}");
    let body = serde_json::to_vec(&json!({"head_commit": {"message": "Ship it"}})).unwrap();
    let (status, done) = call(&served, &format!("{path}?wait=10"), body, &[]).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "succeeded");
    assert!(
        done["output"].to_string().contains("commit: Ship it"),
        "{done}"
    );

    let big = vec![b' '; 1024 * 1024 + 1];
    let (status, refused) = call(&served, &path, big, &[]).await;
    assert_eq!(status, 413, "{refused}");
    let (status, _) = call(&served, &format!("{path}?wait=31"), b"{}".to_vec(), &[]).await;
    assert_eq!(status, 400);
    // The wrong secret in the path.
    let wrong = format!("{}x", &path[..path.len() - 1]);
    let (status, _) = call(&served, &wrong, b"{}".to_vec(), &[]).await;
    assert_eq!(status, 401);
    assert_eq!(runs_of(&served, id).await, 1);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_and_slack_signatures_start_runs_and_an_unknown_hook_is_404() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    for (check, auth) in [
        ("stripe", HookAuth::Stripe),
        ("slack", HookAuth::Slack),
        ("steward", HookAuth::Steward),
    ] {
        let (id, path, secret) = hook_workflow(&alice, check).await;
        let body = b"{\"head_commit\": {\"message\": \"m\"}}".to_vec();
        let headers = sign(auth, &secret, &body, chrono::Utc::now());
        let (status, answer) =
            call(&served, &format!("{path}?wait=10"), body.clone(), &headers).await;
        assert_eq!(status, 200, "{check}: {answer}");
        // Signed five minutes and more ago: a replay.
        let old = chrono::Utc::now() - chrono::TimeDelta::seconds(400);
        if auth != HookAuth::Steward {
            let (status, _) = call(&served, &path, body, &sign(auth, &secret, b"x", old)).await;
            assert_eq!(status, 401, "{check}");
        }
        assert_eq!(runs_of(&served, id).await, 1, "{check}");
    }
    let (status, _) = call(&served, "/hooks/nothing-here", b"{}".to_vec(), &[]).await;
    assert_eq!(status, 404);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_rotates_the_secret_and_the_old_url_stops_working() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let (id, path, _) = hook_workflow(&alice, "path").await;
    let printed = crate::helpers::steward_command()
        .env("STEWARD_DB", &served.db)
        .args(["workflows", "hook", &id.to_string(), "--rotate", "--json"])
        .output()
        .unwrap();
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let shown: Value = serde_json::from_slice(&printed.stdout).unwrap();
    let url = shown["url"].as_str().unwrap();
    let new_path = &url[url.find("/hooks/").unwrap()..];
    assert_ne!(new_path, path);
    let (status, _) = call(&served, &path, b"{}".to_vec(), &[]).await;
    assert_eq!(status, 404);
    let (status, answer) = call(&served, new_path, b"{}".to_vec(), &[]).await;
    assert_eq!(status, 202, "{answer}");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hook_called_past_its_rate_gets_429_and_others_are_unaffected() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_HOOK_RATE_PER_MINUTE", "2"),
    ])
    .await;
    let alice = Api::of(&served, "alice").await;
    let (first, path, _) = hook_workflow(&alice, "path").await;
    for _ in 0..2 {
        let (status, answer) = call(&served, &path, b"{}".to_vec(), &[]).await;
        assert_eq!(status, 202, "{answer}");
    }
    let (status, refused) = call(&served, &path, b"{}".to_vec(), &[]).await;
    assert_eq!(status, 429, "{refused}");
    assert_eq!(runs_of(&served, first).await, 2);
    let made = alice
        .post(
            "/api/v1/workflows",
            &json!({"name": "Other", "trigger": {"kind": "webhook", "expression": "path"},
                    "steps": [{"id": "m", "type": "message", "text": "x"}]}),
        )
        .await;
    let other = made.body["hook"]["path"].as_str().unwrap().to_string();
    let (status, _) = call(&served, &other, b"{}".to_vec(), &[]).await;
    assert_eq!(status, 202);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_changed_to_a_webhook_gets_its_url_once_and_loses_it_when_changed_back() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let path = format!("/api/v1/workflows/{id}");
    let changed = alice
        .patch(
            &path,
            1,
            &json!({"trigger": {"kind": "webhook", "expression": "path"}}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["next_run"], Value::Null);
    let hook_path = changed.body["hook"]["path"].as_str().unwrap().to_string();
    assert!(
        alice.get(&path).await.body.get("hook").is_none(),
        "shown once"
    );
    let (status, _) = call(&served, &hook_path, b"{}".to_vec(), &[]).await;
    assert_eq!(status, 202);
    let back = alice
        .patch(
            &path,
            2,
            &json!({"trigger": {"schedule": "every day at 9:00"}}),
        )
        .await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert!(back.body["next_run"].is_string());
    let (status, _) = call(&served, &hook_path, b"{}".to_vec(), &[]).await;
    assert_eq!(status, 404, "the URL went with the trigger");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_runs_count_against_the_owners_runs_an_hour() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_QUOTA_RUNS_PER_HOUR", "3"),
    ])
    .await;
    let alice = Api::of(&served, "alice").await;
    let (id, path, _) = hook_workflow(&alice, "path").await;
    for _ in 0..3 {
        let (status, answer) = call(&served, &path, b"{}".to_vec(), &[]).await;
        assert_eq!(status, 202, "{answer}");
    }
    let (status, refused) = call(&served, &path, b"{}".to_vec(), &[]).await;
    assert_eq!(status, 429, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("your quota of 3 runs an hour"),
        "{refused}"
    );
    assert_eq!(runs_of(&served, id).await, 3);
    served.stop().await;
}
