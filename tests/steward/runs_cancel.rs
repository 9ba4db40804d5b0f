//! Cancelling a run: `steward runs cancel RUN` from a second process stops a
//! run that `steward serve` is executing, in the middle of a 60 s HTTP call,
//! within about a second; the call's connection is dropped; the run ends
//! `cancelled` saying who cancelled it.

use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use crate::api_client::{served, Api};
use crate::helpers::{output_of, steward_command};

/// A server on 127.0.0.1 that takes connections and never answers; the
/// port, and a receiver told when the first client hangs up.
async fn silent_server() -> (
    u16,
    tokio::sync::oneshot::Receiver<Instant>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (closed_tx, closed) = tokio::sync::oneshot::channel::<Instant>();
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        while socket
            .read(&mut buffer)
            .await
            .map(|n| n > 0)
            .unwrap_or(false)
        {}
        let _ = closed_tx.send(Instant::now());
    });
    (port, closed, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_it_in_chat_cancels_the_run_that_is_going() {
    let (port, closed, silent) = silent_server().await;
    let served = served().await;
    // The chat API's person "alice" is steward's user "webhook:alice".
    let alice = Api::of(&served, "webhook:alice").await;
    let made = alice
        .post(
            "/api/v1/workflows",
            &json!({
                "name": "Slow fetch",
                "trigger": {"kind": "manual"},
                "steps": [{"id": "fetch", "type": "http", "url": format!("http://127.0.0.1:{port}/"), "timeout_seconds": 60}],
            }),
        )
        .await;
    let id = made.body["id"].as_i64().unwrap();
    let run = alice.act(&format!("/api/v1/workflows/{id}/run")).await.body["id"]
        .as_i64()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let say = |text: &str| json!({"conversation_id": "c1", "user_id": "alice", "text": text});
    let (status, reply) = served
        .chat("chat-token", &say("stop the slow fetch's run"))
        .await;
    assert_eq!(status, 200, "{reply}");
    let text = reply["reply"].as_str().unwrap();
    assert!(text.contains(&format!("run {run} cancelled")), "{text}");
    tokio::time::timeout(Duration::from_secs(5), closed)
        .await
        .expect("the HTTP call is aborted")
        .unwrap();
    // Nothing going now: "stop it" pauses the workflow, as before.
    let (_, reply) = served.chat("chat-token", &say("stop it")).await;
    assert!(
        reply["reply"].as_str().unwrap().contains("Paused"),
        "{reply}"
    );
    served.stop().await;
    silent.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_from_a_second_process_stops_a_run_in_a_long_http_call_within_a_second() {
    // A server that reads the request and never answers; it reports when
    // the client hangs up.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (connected_tx, connected) = tokio::sync::oneshot::channel::<()>();
    let (closed_tx, closed) = tokio::sync::oneshot::channel::<Instant>();
    let silent = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let _ = connected_tx.send(());
        let mut buffer = [0u8; 4096];
        // Reads until the client closes the connection.
        while socket
            .read(&mut buffer)
            .await
            .map(|n| n > 0)
            .unwrap_or(false)
        {}
        let _ = closed_tx.send(Instant::now());
    });

    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let made = alice
        .post(
            "/api/v1/workflows",
            &json!({
                "name": "Slow",
                "trigger": {"kind": "manual"},
                "steps": [{"id": "fetch", "type": "http", "url": format!("http://127.0.0.1:{port}/slow"), "timeout_seconds": 60}],
            }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let started = alice.act(&format!("/api/v1/workflows/{id}/run")).await;
    assert_eq!(started.status, 202, "{}", started.body);
    let run = started.body["id"].as_i64().unwrap();
    tokio::time::timeout(Duration::from_secs(10), connected)
        .await
        .expect("the run calls the server")
        .unwrap();

    let asked = Instant::now();
    let db = served.db.clone();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        output_of(
            steward_command().env("STEWARD_DB", &db).args([
                "runs",
                "cancel",
                &run.to_string(),
                "--by",
                "ops",
            ]),
            None,
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("cancelled"), "{stdout}");
    let hung_up = tokio::time::timeout(Duration::from_secs(5), closed)
        .await
        .expect("the HTTP call is aborted")
        .unwrap();
    assert!(
        hung_up.duration_since(asked) < Duration::from_millis(2_500),
        "stopped after {:?}",
        hung_up.duration_since(asked)
    );
    let record = alice.get(&format!("/api/v1/runs/{run}")).await;
    assert_eq!(record.body["status"], "cancelled", "{}", record.body);
    assert_eq!(record.body["error"], "cancelled by ops");

    // An ended run can't be cancelled again.
    alice
        .act(&format!("/api/v1/runs/{run}/cancel"))
        .await
        .assert_error(409, None);
    served.stop().await;
    silent.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_waiting_for_approval_is_cancelled_at_once_and_its_question_withdrawn() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let made = alice
        .post(
            "/api/v1/workflows",
            &json!({
                "name": "Deploy",
                "trigger": {"kind": "manual"},
                "steps": [
                    {"id": "ask", "type": "approval", "prompt": "Go ahead?"},
                    {"id": "done", "type": "message", "text": "deployed"}
                ],
            }),
        )
        .await;
    let id = made.body["id"].as_i64().unwrap();
    let run = alice
        .act(&format!("/api/v1/workflows/{id}/run?wait=5"))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let mut waiting = false;
    for _ in 0..100 {
        waiting = alice.get(&format!("/api/v1/runs/{run}")).await.body["status"] == "waiting";
        if waiting {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(waiting, "the run waits for its approval");
    let cancelled = alice.act(&format!("/api/v1/runs/{run}/cancel")).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    // The question is gone: approving it now changes nothing.
    let approved = alice.act(&format!("/api/v1/runs/{run}/approve")).await;
    assert_ne!(approved.status, 200, "{}", approved.body);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = alice.get(&format!("/api/v1/runs/{run}")).await;
    assert_eq!(after.body["status"], "cancelled", "{}", after.body);
    served.stop().await;
}
