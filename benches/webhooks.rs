//! Webhook triggers through HTTP (issue #15's figure): signed `POST
//! /hooks/{id}` calls on a running `serve` (SQLite), each recording and
//! starting a run before it is answered 202, so the latency is from request
//! to run start. Prints p50/p99/max and runs per second with one client and
//! with concurrent clients, over 32 webhook workflows. The clients run in this
//! process, on the same cores as the server.
//!
//! `cargo bench --bench webhooks` (STEWARD_BENCH_REQUESTS changes the count,
//! STEWARD_BENCH_CLIENTS the concurrency).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use steward::clock::SystemClock;
use steward::config::Config;
use steward::schedule::{HookAuth, Zone};
use steward::store::{hooks, workflows, Store};
use steward::workflow::hook::sign;
use steward::workflow::Definition;
use support::{report, Quiet};

/// Webhook workflows the calls are spread over.
const HOOKS: usize = 32;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Stores the webhook workflows (GitHub signatures, one message step);
/// returns each one's URL path and secret.
async fn fill(db: &std::path::Path) -> Vec<(String, String)> {
    let store = Store::open(db).await.unwrap();
    let now = chrono::Utc::now();
    let mut tx = store.begin_write().await.unwrap();
    let mut made = Vec::new();
    for n in 0..HOOKS {
        let definition: Definition = serde_json::from_value(json!({
            "name": format!("Push {n}"),
            "owner": format!("user{n}"),
            "trigger": {"kind": "webhook", "expression": "github"},
            "steps": [{"id": "tell", "type": "message", "text": "pushed ${input.body.n}"}],
        }))
        .unwrap();
        let new = definition.validate(now, Zone::UTC, 60).unwrap();
        let id = workflows::insert(&mut tx, &new, None, now).await.unwrap();
        let hook = hooks::set(&mut tx, id, now).await.unwrap();
        made.push((hook.path(false), hook.secret));
    }
    tx.commit().await.unwrap();
    store.close().await;
    made
}

/// One signed call; its latency.
async fn call(client: &reqwest::Client, base: &str, hook: &(String, String), n: usize) -> Duration {
    let body = serde_json::to_vec(&json!({ "n": n })).unwrap();
    let mut request = client
        .post(format!("{base}{}", hook.0))
        .header("content-type", "application/json");
    for (name, value) in sign(HookAuth::Github, &hook.1, &body, chrono::Utc::now()) {
        request = request.header(name, value);
    }
    let started = Instant::now();
    let response = request.body(body).send().await.unwrap();
    assert_eq!(response.status(), 202);
    response.bytes().await.unwrap();
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let requests = setting("STEWARD_BENCH_REQUESTS", 5_000);
    let clients = setting("STEWARD_BENCH_CLIENTS", 32);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("bench.db");
    let db = db_path.display().to_string();
    let config = Config::from_lookup(|name| match name {
        "STEWARD_DB" => Some(db.clone()),
        "STEWARD_BIND" => Some("127.0.0.1:0".into()),
        "STEWARD_API_TOKEN" => Some("bench-token".into()),
        "STEWARD_HOOK_RATE_PER_MINUTE" => Some("4000000000".into()),
        _ => None,
    })
    .unwrap();
    let serving = steward::app::start(
        config,
        Arc::new(SystemClock),
        Arc::new(Quiet),
        Default::default(),
    )
    .await
    .unwrap();
    let hooks = Arc::new(fill(&db_path).await);
    let base = format!("http://{}", serving.addr);
    println!("webhooks: {HOOKS} webhook workflows (GitHub signatures), SQLite at {db}");

    for clients in [1, clients] {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (client, base, hooks) = (reqwest::Client::new(), base.clone(), Arc::clone(&hooks));
            let share = requests / clients;
            // One client: its calls one after another on a kept-alive connection.
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(share);
                for i in 0..share {
                    let n = c * share + i;
                    latencies.push(call(&client, &base, &hooks[n % HOOKS], n).await);
                }
                latencies
            }));
        }
        let mut latencies = Vec::with_capacity(requests);
        for task in tasks {
            latencies.extend(task.await.unwrap());
        }
        report(
            &format!("signed call to run start, {clients} clients"),
            "runs",
            latencies,
            started.elapsed(),
        );
    }
    serving.stop().await.unwrap();
}
