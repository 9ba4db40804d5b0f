//! The chat budget of DESIGN §8 through HTTP: `POST /api/v1/chat` on a running
//! `serve` (offline mode, SQLite), "list my workflows" from 100 users with 10
//! workflows each. Prints p50/p99/max per request and throughput, one client
//! at a time and with concurrent clients. The clients run in this process, on
//! the same 2 cores as the server, so the figures include their cost.
//!
//! `cargo bench --bench chat_api` (STEWARD_BENCH_REQUESTS changes the count,
//! STEWARD_BENCH_CLIENTS the concurrency).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use steward::clock::SystemClock;
use steward::config::Config;
use support::{report, Quiet};

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn say(client: &reqwest::Client, url: &str, user: usize, text: &str) -> Duration {
    let started = Instant::now();
    send(client, url, user, text).await.bytes().await.unwrap();
    started.elapsed()
}

/// The reply's text, for the setup to check what it made.
async fn reply(client: &reqwest::Client, url: &str, user: usize, text: &str) -> String {
    let answer: serde_json::Value = send(client, url, user, text).await.json().await.unwrap();
    answer["reply"].as_str().unwrap_or_default().to_string()
}

async fn send(client: &reqwest::Client, url: &str, user: usize, text: &str) -> reqwest::Response {
    let response = client
        .post(url)
        .bearer_auth("bench-token")
        // The person's zone, as an integration that knows it sends it: without
        // one, a time of day waits for "What's your time zone?".
        .json(&json!({"conversation_id": format!("room-{user}"), "user_id": format!("user{user}"), "text": text, "timezone": "Europe/Paris"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response
}

#[tokio::main]
async fn main() {
    let requests = setting("STEWARD_BENCH_REQUESTS", 5_000);
    let clients = setting("STEWARD_BENCH_CLIENTS", 32);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db").display().to_string();
    let config = Config::from_lookup(|name| match name {
        "STEWARD_DB" => Some(db.clone()),
        "STEWARD_BIND" => Some("127.0.0.1:0".into()),
        "STEWARD_API_TOKEN" => Some("bench-token".into()),
        "STEWARD_API_RATE_PER_MINUTE" => Some("4000000000".into()),
        // One user sends the whole run: far past a person's 20 a minute.
        "STEWARD_QUOTA_MESSAGES_PER_MINUTE" => Some("4000000000".into()),
        _ => None,
    })
    .unwrap();
    let started = Instant::now();
    let serving = steward::app::start(
        config,
        Arc::new(SystemClock),
        Arc::new(Quiet),
        Default::default(),
    )
    .await
    .unwrap();
    let ready = started.elapsed();
    let url = format!("http://{}/api/v1/chat", serving.addr);
    let client = reqwest::Client::new();

    // Each of 100 users has 10 workflows.
    for u in 0..100 {
        for w in 0..10 {
            let text = format!(
                "every weekday at {}:{:02} remind me to do task {w}",
                7 + w,
                u % 60
            );
            say(&client, &url, u, &text).await;
            let created = reply(&client, &url, u, "yes").await;
            assert!(created.starts_with("Created"), "{text}: {created}");
        }
    }
    let listed = reply(&client, &url, 0, "list my workflows").await;
    assert!(listed.contains("task 9"), "ten workflows listed: {listed}");
    println!(
        "chat_api: 100 users × 10 workflows, offline mode, SQLite at {db}; serve ready in {:.1} ms",
        ready.as_secs_f64() * 1e3
    );

    let mut latencies = Vec::with_capacity(requests);
    let started = Instant::now();
    for i in 0..requests {
        latencies.push(say(&client, &url, i % 100, "list my workflows").await);
    }
    report(
        "list my workflows, 1 client",
        "requests",
        latencies,
        started.elapsed(),
    );

    for clients in [4, clients] {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (client, url) = (reqwest::Client::new(), url.clone());
            let share = requests / clients;
            // One client: its requests one after another on a kept-alive connection.
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(share);
                for i in 0..share {
                    latencies
                        .push(say(&client, &url, (c * share + i) % 100, "list my workflows").await);
                }
                latencies
            }));
        }
        let mut latencies = Vec::with_capacity(requests);
        for task in tasks {
            latencies.extend(task.await.unwrap());
        }
        report(
            &format!("list my workflows, {clients} clients"),
            "requests",
            latencies,
            started.elapsed(),
        );
    }
    serving.stop().await.unwrap();
}
