//! Health that means it: `serve` will not start on a database it cannot
//! write, and `/healthz` reports failing (503, with the reason) while the
//! scheduler's claims keep failing, and ok again once they succeed.

use serde_json::{json, Value};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

use crate::helpers::{steward_command, Served};

#[test]
fn serve_refuses_to_start_on_a_database_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let (code, _, stderr) =
        crate::helpers::output_of(steward_command().arg("--db").arg(&db).arg("migrate"), None);
    assert_eq!(code, 0, "{stderr}");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut command = steward_command();
    command
        .arg("--db")
        .arg(&db)
        .arg("serve")
        .current_dir(dir.path());
    // Root writes through file permissions: run steward as nobody (the test
    // made the file, so its owner is who runs the test).
    if std::fs::metadata(&db).unwrap().uid() == 0 {
        command.uid(65534).gid(65534);
    }
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "serve kept running on a read-only database: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!status.success());
    assert!(
        stderr.contains("does not take writes") && !stderr.contains("Ready"),
        "{stderr}"
    );
}

async fn health(served: &Served) -> (u16, Value) {
    let response = reqwest::get(format!("{}/healthz", served.base))
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Polls `/healthz` until it answers `status`, for at most `within`.
async fn health_becomes(served: &Served, status: u16, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let (got, body) = health(served).await;
        if got == status {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "/healthz still {got} {body} after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_fails_with_the_reason_while_claims_keep_failing_and_recovers() {
    let served = Served::start(&[]).await;
    let chat = |body: Value| {
        let url = format!("{}/api/v1/chat", served.base);
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
    };
    chat(json!({"conversation_id": "c", "user_id": "u", "text": "every 2 seconds remind me to blink"}))
        .await;
    chat(json!({"conversation_id": "c", "user_id": "u", "action": "confirm"})).await;
    assert_eq!(health(&served).await.0, 200);

    // Every new run is refused from now on, as a read-only disk would.
    let store = served.store().await;
    crate::helpers::refuse_inserts(store.pool(), "runs", "attempt to write a readonly database")
        .await;
    let failing = health_becomes(&served, 503, Duration::from_secs(10)).await;
    assert_eq!(failing["status"], "failing");
    let reason = failing["error"].as_str().unwrap();
    assert!(
        reason.contains("claiming due workflows failed") && reason.contains("readonly"),
        "{reason}"
    );

    crate::helpers::allow_inserts(store.pool(), "runs").await;
    let ok = health_becomes(&served, 200, Duration::from_secs(10)).await;
    assert_eq!(ok["status"], "ok");
    served.stop().await;
}
