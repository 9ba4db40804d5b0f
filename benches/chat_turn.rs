//! The chat budget of DESIGN §8, for the agent alone: the overhead of one
//! offline turn (grammar + store: load the user and conversation, run the
//! tool, save the history). Prints p50/p99/max per message and throughput,
//! sequential and with concurrent conversations. The HTTP path on top of this
//! is measured with the webhook API.
//!
//! `cargo bench --bench chat_turn` (STEWARD_BENCH_TURNS changes the count).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use steward::agent::{Content, Inbound};
use steward::app::App;
use steward::clock::SystemClock;
use steward::config::Config;
use support::{report, Quiet};

fn inbound(user: &str, text: &str) -> Inbound {
    Inbound {
        conversation: format!("bench:{user}"),
        user: user.to_string(),
        user_name: None,
        home_chat: format!("bench:{user}"),
        manages: None,
        // Zone known: turns are measured, not the question asked once.
        timezone: Some(steward::schedule::Zone::UTC),
        greet_newcomer: false,
        answer_by: steward::agent::AnswerBy::Words,
        content: Content::Text(text.to_string()),
    }
}

#[tokio::main]
async fn main() {
    let turns: usize = std::env::var("STEWARD_BENCH_TURNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db").display().to_string();
    let config = Config::from_lookup(|name| (name == "STEWARD_DB").then(|| db.clone())).unwrap();
    let app = App::build(&config, Arc::new(Quiet), Arc::new(SystemClock))
        .await
        .unwrap();
    let agent = Arc::new(app.agent(&config, Duration::from_secs(5)).unwrap());

    // Each of 100 users has 10 workflows.
    for u in 0..100 {
        let user = format!("user{u}");
        for w in 0..10 {
            let text = format!(
                "every weekday at {}:{:02} remind me to do task {w}",
                7 + w,
                u % 60
            );
            agent.handle(inbound(&user, &text)).await.unwrap();
            agent.handle(inbound(&user, "yes")).await.unwrap();
        }
    }
    println!("chat_turn: 100 users × 10 workflows, offline mode, SQLite at {db}");

    let mixes: [(&str, &[&str]); 4] = [
        ("list my workflows", &["list my workflows"]),
        (
            "show / history by name",
            &[
                "show task 3",
                "what did do task 5 do today?",
                "any errors this week?",
            ],
        ),
        ("pause + resume (writes)", &["pause #1", "resume #1"]),
        (
            "draft + cancel (phrase parse, writes)",
            &["every monday at 9 remind me to water the plants", "cancel"],
        ),
    ];
    for (label, messages) in mixes {
        let mut latencies = Vec::with_capacity(turns);
        let started = Instant::now();
        for i in 0..turns {
            let user = format!("user{}", i % 100);
            let text = messages[i % messages.len()];
            // "#1" is user0's; other users get "not found", also a full turn.
            let t = Instant::now();
            agent.handle(inbound(&user, text)).await.unwrap();
            latencies.push(t.elapsed());
        }
        report(label, "turns", latencies, started.elapsed());
    }

    // Concurrent conversations: 32 clients saying "list my workflows".
    let clients = 32;
    let per_client = turns / clients;
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let agent = Arc::clone(&agent);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let t = Instant::now();
                    agent
                        .handle(inbound(&format!("user{}", c % 100), "list my workflows"))
                        .await
                        .unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    report(
        "list my workflows, 32 concurrent clients",
        "turns",
        all,
        started.elapsed(),
    );
    app.store.close().await;
}
