//! `/api/v1/workflows/{id}/stats` (figures over a period, owner or admin)
//! and `/api/v1/audit` (admin keys; filters, pages, masked details).

use serde_json::json;

use crate::api_client::{definition, served, Api};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflows_stats_count_its_runs_for_the_owner_and_an_admin_only() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let admin = Api::admin(&served, "root").await;
    let id = alice.create("Greeter").await;
    let empty = alice.get(&format!("/api/v1/workflows/{id}/stats")).await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert_eq!(empty.body["runs"], 0);
    assert_eq!(empty.body["success_rate"], json!(null));
    assert_eq!(empty.body["p50_duration_ms"], json!(null));
    for _ in 0..2 {
        let run = alice
            .post(
                &format!("/api/v1/workflows/{id}/run?wait=10"),
                &json!({"who": "Ada"}),
            )
            .await;
        assert_eq!(run.body["status"], "succeeded", "{}", run.body);
        // Manual runs take the instant they were asked as their slot.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let stats = alice.get(&format!("/api/v1/workflows/{id}/stats")).await;
    assert_eq!(stats.status, 200, "{}", stats.body);
    assert_eq!(stats.body["runs"], 2, "{}", stats.body);
    assert_eq!(stats.body["by_status"]["succeeded"], 2);
    assert_eq!(stats.body["success_rate"], 1.0);
    assert!(stats.body["p95_duration_ms"].as_i64().unwrap() >= 0);
    assert_eq!(stats.body["prompt_tokens"], 0);
    assert_eq!(stats.body["cost_usd"], 0.0);

    let before = alice
        .get(&format!(
            "/api/v1/workflows/{id}/stats?since=2020-01-01T00:00:00Z&until=2020-02-01T00:00:00Z"
        ))
        .await;
    assert_eq!(before.body["runs"], 0, "{}", before.body);
    assert_eq!(before.body["since"], "2020-01-01T00:00:00.000Z");
    alice
        .get(&format!("/api/v1/workflows/{id}/stats?since=last+week"))
        .await
        .assert_error(400, Some("since"));
    alice
        .get(&format!(
            "/api/v1/workflows/{id}/stats?since=2020-02-01T00:00:00Z&until=2020-01-01T00:00:00Z"
        ))
        .await
        .assert_error(400, Some("since"));
    alice
        .get(&format!("/api/v1/workflows/{id}/stats?period=week"))
        .await
        .assert_error(400, Some("period"));
    alice
        .get("/api/v1/workflows/x/stats")
        .await
        .assert_error(400, Some("id"));
    bob.get(&format!("/api/v1/workflows/{id}/stats"))
        .await
        .assert_error(404, None);
    alice
        .get("/api/v1/workflows/999999/stats")
        .await
        .assert_error(404, None);
    let seen = admin.get(&format!("/api/v1/workflows/{id}/stats")).await;
    assert_eq!(seen.body["runs"], 2, "{}", seen.body);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_is_for_admins_filtered_paged_and_masks_secrets() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let admin = Api::admin(&served, "root").await;
    let first = alice.create("Greeter").await;
    let secret = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    let second = alice
        .post(
            "/api/v1/workflows",
            &definition(&format!("Poll with {secret}")),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.body);
    bob.create("Bob's").await;
    let paused = alice.act(&format!("/api/v1/workflows/{first}/pause")).await;
    assert_eq!(paused.status, 200, "{}", paused.body);

    alice.get("/api/v1/audit").await.assert_error(403, None);
    let all = admin.get("/api/v1/audit").await;
    assert_eq!(all.status, 200, "{}", all.body);
    let items = all.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "{}", all.body);
    assert_eq!(items[0]["action"], "pause", "newest first: {}", all.body);
    assert!(!all.body.to_string().contains(secret), "{}", all.body);

    let alices = admin.get("/api/v1/audit?actor=alice").await;
    assert_eq!(alices.body["items"].as_array().unwrap().len(), 3);
    let one = admin.get(&format!("/api/v1/audit?workflow={first}")).await;
    assert_eq!(one.body["items"].as_array().unwrap().len(), 2);
    let later = admin.get("/api/v1/audit?since=2999-01-01T00:00:00Z").await;
    assert_eq!(later.body["items"], json!([]));
    assert_eq!(later.body["next_cursor"], json!(null));

    let page = admin.get("/api/v1/audit?limit=3").await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 3);
    let cursor = page.body["next_cursor"].as_str().unwrap().to_string();
    let rest = admin
        .get(&format!("/api/v1/audit?limit=3&cursor={cursor}"))
        .await;
    assert_eq!(
        rest.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        rest.body
    );
    assert_eq!(rest.body["next_cursor"], json!(null));

    // A last page exactly full has no next cursor.
    let full = admin.get("/api/v1/audit?limit=4").await;
    assert_eq!(full.body["items"].as_array().unwrap().len(), 4);
    assert_eq!(full.body["next_cursor"], json!(null));
    admin
        .get("/api/v1/audit?limit=0")
        .await
        .assert_error(400, Some("limit"));
    admin
        .get("/api/v1/audit?cursor=bm9wZQ")
        .await
        .assert_error(400, Some("cursor"));
    admin
        .get("/api/v1/audit?workflow=abc")
        .await
        .assert_error(400, Some("workflow"));
    admin
        .get("/api/v1/audit?who=alice")
        .await
        .assert_error(400, Some("who"));
    served.stop().await;
}

/// Stores a finished run of `workflow` at `slot_ms` lasting `ms`, with `usage`.
async fn stored_run(
    served: &crate::helpers::Served,
    workflow: i64,
    slot_ms: i64,
    status: &str,
    ms: i64,
    usage: &str,
) {
    let store = served.store().await;
    sqlx::query(
        "INSERT INTO runs (workflow_id, workflow_version, trigger, scheduled_for, status, \
         started_at, ended_at, usage, created_at) VALUES ($1, 1, 'schedule', $2, $3, $4, $5, $6, $7)",
    )
    .bind(workflow)
    .bind(slot_ms)
    .bind(status)
    .bind(slot_ms)
    .bind(slot_ms + ms)
    .bind(usage)
    .bind(slot_ms)
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_add_up_durations_tokens_and_cost_and_an_unpriced_run_makes_the_cost_unknown() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Digest").await;
    let day = 1_767_225_600_000_i64; // 2026-01-01T00:00:00Z
    let priced = r#"{"duration_ms": 0, "steps": 1, "messages": 0, "tool_calls": 0, "model_calls": 1, "prompt_tokens": 100, "completion_tokens": 10, "cost_usd": 0.5}"#;
    for (n, ms) in [100, 200, 300, 400].into_iter().enumerate() {
        stored_run(
            &served,
            id,
            day + n as i64 * 60_000,
            "succeeded",
            ms,
            priced,
        )
        .await;
    }
    stored_run(&served, id, day + 10 * 60_000, "failed", 1_000, priced).await;
    let january = format!(
        "/api/v1/workflows/{id}/stats?since=2026-01-01T00:00:00Z&until=2026-01-02T00:00:00Z"
    );
    let stats = alice.get(&january).await;
    assert_eq!(stats.status, 200, "{}", stats.body);
    assert_eq!(stats.body["runs"], 5);
    assert_eq!(
        stats.body["by_status"],
        json!({"succeeded": 4, "failed": 1})
    );
    assert_eq!(stats.body["success_rate"], 0.8);
    assert_eq!(stats.body["p50_duration_ms"], 300);
    assert_eq!(stats.body["p95_duration_ms"], 1_000);
    assert_eq!(stats.body["prompt_tokens"], 500);
    assert_eq!(stats.body["completion_tokens"], 50);
    assert_eq!(stats.body["cost_usd"], 2.5);

    let unpriced = r#"{"duration_ms": 0, "steps": 1, "messages": 0, "tool_calls": 0, "model_calls": 1, "prompt_tokens": 7, "completion_tokens": 3, "cost_usd": null}"#;
    stored_run(&served, id, day + 20 * 60_000, "succeeded", 50, unpriced).await;
    let stats = alice.get(&january).await;
    assert_eq!(stats.body["prompt_tokens"], 507, "{}", stats.body);
    assert_eq!(stats.body["cost_usd"], json!(null), "{}", stats.body);
    served.stop().await;
}
