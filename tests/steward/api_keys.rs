//! The REST API's keys: a person's key in `Authorization: Bearer`, revoked
//! keys and the chat API's token refused with 401, guessing slowed to 429,
//! and `steward keys` making, listing and revoking them.

use reqwest::Method;
use serde_json::Value;
use steward::store::api_keys;

use crate::api_client::{key_for, served, Api};
use crate::helpers::{output_of, steward_command, Served};

async fn status_with(served: &Served, authorization: Option<&str>) -> (u16, Value, String) {
    let mut request = reqwest::Client::new().get(format!("{}/api/v1/workflows", served.base));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        challenge,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_a_key_is_refused_with_401_in_the_error_shape() {
    let served = served().await;
    let (status, body, challenge) = status_with(&served, None).await;
    assert_eq!(status, 401);
    assert_eq!(challenge, "Bearer");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("steward keys create"),
        "{body}"
    );
    let (status, _, _) = status_with(&served, Some("Bearer stw_0000000000")).await;
    assert_eq!(status, 401);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_scheme_of_a_key_is_read_in_any_case() {
    let served = served().await;
    let key = key_for(&served, "alice", false).await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let (status, body, _) = status_with(&served, Some(&format!("{scheme} {key}"))).await;
        assert_eq!(status, 200, "{scheme}: {body}");
    }
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_is_refused_with_401() {
    let served = served().await;
    let api = Api::of(&served, "alice").await;
    assert_eq!(api.get("/api/v1/workflows").await.status, 200);
    let store = served.store().await;
    let prefix = &api.key[..12];
    assert!(api_keys::revoke(store.pool(), prefix, chrono::Utc::now())
        .await
        .unwrap());
    store.close().await;
    let answer = api.get("/api/v1/workflows").await;
    answer.assert_error(401, None);
    assert!(answer.body["error"].as_str().unwrap().contains("revoked"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_api_token_is_not_a_rest_key() {
    let served = served().await;
    let (status, body, _) = status_with(&served, Some("Bearer chat-token")).await;
    assert_eq!(status, 401);
    assert!(
        body["error"].as_str().unwrap().contains("chat API"),
        "{body}"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_keys_from_one_address_are_slowed_to_429_with_retry_after() {
    let served = Served::start(&[("STEWARD_AUTH_FAILURES_PER_MINUTE", "3")]).await;
    let key = key_for(&served, "alice", false).await;
    let mut statuses = Vec::new();
    for guess in 0..5 {
        let (status, _, _) = status_with(&served, Some(&format!("Bearer stw_guess{guess}"))).await;
        statuses.push(status);
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/workflows", served.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "even the right key waits");
    assert!(response.headers().contains_key("retry-after"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_records_when_it_was_last_used() {
    let served = served().await;
    let api = Api::of(&served, "alice").await;
    let store = served.store().await;
    let before = api_keys::list(store.pool(), Some("alice")).await.unwrap();
    assert_eq!(before[0].last_used_at, None);
    api.send(Method::GET, "/api/v1/workflows", None, &[]).await;
    let after = api_keys::list(store.pool(), Some("alice")).await.unwrap();
    assert!(after[0].last_used_at.is_some());
    store.close().await;
    served.stop().await;
}

#[test]
fn steward_keys_prints_a_key_once_lists_its_prefix_and_revokes_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let run = |args: &[&str]| {
        let mut command = steward_command();
        command.env("STEWARD_DB", &db).arg("keys").args(args);
        output_of(&mut command, None)
    };
    let (code, out, err) = run(&["create", "--user", "alice", "--name", "laptop"]);
    assert_eq!(code, 0, "{err}");
    let key = out.lines().next().unwrap().to_string();
    assert!(key.starts_with("stw_") && key.len() == 52, "{key}");
    assert!(out.contains("shown only now"), "{out}");

    let (code, out, _) = run(&["list", "--json"]);
    assert_eq!(code, 0);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["prefix"], key[..12]);
    assert_eq!(listed[0]["user"], "alice");
    assert_eq!(listed[0]["name"], "laptop");
    assert!(!out.contains(&key), "the key is never shown again");

    let (code, out, _) = run(&["revoke", &key[..12]]);
    assert_eq!(code, 0, "{out}");
    let (_, out, _) = run(&["list"]);
    assert!(out.contains("revoked"), "{out}");
    let (code, _, err) = run(&["revoke", &key[..12]]);
    assert_eq!(code, 2);
    assert!(err.contains("already revoked"), "{err}");
}
