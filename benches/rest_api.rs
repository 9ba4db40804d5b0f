//! The REST API budget of DESIGN §8: `GET /api/v1/workflows` (50 per page)
//! with 100,000 workflows stored, and `POST /api/v1/workflows`, on a
//! running `serve` (SQLite). Prints p50/p99/max per request and throughput
//! at 1 and at 32 clients. The clients run in this process, on the same 2
//! cores as the server, so the figures include their cost.
//!
//! `cargo bench --bench rest_api` (STEWARD_BENCH_REQUESTS changes the count,
//! STEWARD_BENCH_CLIENTS the concurrency).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use steward::clock::SystemClock;
use steward::config::Config;
use steward::schedule::Zone;
use steward::store::api_keys::{self, NewKey};
use steward::store::{workflows, Store};
use steward::workflow::Definition;
use support::{report, Quiet};

/// Workflows stored before measuring: 100 owners with 1,000 each.
const OWNERS: usize = 100;
const EACH: usize = 1_000;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn definition(owner: &str, n: usize) -> Value {
    json!({
        "name": format!("Check {n}"),
        "owner": owner,
        "trigger": {"schedule": format!("every day at {:02}:{:02}", n % 24, n % 60), "timezone": "UTC"},
        "steps": [{"type": "http", "url": "https://status.example.com"}],
    })
}

/// Stores the workflows and one key per owner (and an admin key); returns
/// the keys.
async fn fill(db: &std::path::Path) -> (Vec<String>, String) {
    let store = Store::open(db).await.unwrap();
    let now = chrono::Utc::now();
    let mut tx = store.begin_write().await.unwrap();
    for owner in 0..OWNERS {
        for n in 0..EACH {
            let definition: Definition =
                serde_json::from_value(definition(&format!("user{owner}"), n)).unwrap();
            let new = definition.validate(now, Zone::UTC, 60).unwrap();
            let next = new.schedule.next_after(now);
            workflows::insert(&mut tx, &new, next, now).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    let key = |user: String, admin: bool| {
        let (key, prefix) = api_keys::generate().unwrap();
        let hash = api_keys::hash(&key);
        let pool = store.pool().clone();
        async move {
            let new = NewKey {
                prefix: &prefix,
                hash: &hash,
                name: "bench",
                user: &user,
                admin,
            };
            api_keys::insert(&pool, &new, now).await.unwrap();
            key
        }
    };
    let mut keys = Vec::new();
    for owner in 0..OWNERS {
        keys.push(key(format!("user{owner}"), false).await);
    }
    let admin = key("root".into(), true).await;
    store.close().await;
    (keys, admin)
}

async fn list(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    cursor: Option<&str>,
) -> (Duration, Option<String>) {
    let url = match cursor {
        Some(cursor) => format!("{base}/api/v1/workflows?limit=50&cursor={cursor}"),
        None => format!("{base}/api/v1/workflows?limit=50"),
    };
    let started = Instant::now();
    let response = client.get(url).bearer_auth(key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(page["items"].as_array().unwrap().len(), 50);
    (elapsed, page["next_cursor"].as_str().map(str::to_string))
}

async fn create(client: &reqwest::Client, base: &str, key: &str, n: usize) -> Duration {
    let mut body = definition("", n);
    body.as_object_mut().unwrap().remove("owner");
    let started = Instant::now();
    let response = client
        .post(format!("{base}/api/v1/workflows"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.bytes().await.unwrap();
    started.elapsed()
}

/// `requests` lists by one key after another, each following its own
/// cursor through its workflows (and back to the first page at the end).
async fn lists(base: &str, keys: &[String], requests: usize) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut cursors: Vec<Option<String>> = vec![None; keys.len()];
    let mut latencies = Vec::with_capacity(requests);
    for i in 0..requests {
        let k = i % keys.len();
        let (elapsed, next) = list(&client, base, &keys[k], cursors[k].as_deref()).await;
        latencies.push(elapsed);
        cursors[k] = next;
    }
    latencies
}

/// The same work spread over `clients` concurrent clients.
async fn concurrently<F, Fut>(clients: usize, requests: usize, work: F) -> (Vec<Duration>, Duration)
where
    F: Fn(usize, usize) -> Fut,
    Fut: std::future::Future<Output = Vec<Duration>> + Send + 'static,
{
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| tokio::spawn(work(c, requests / clients)))
        .collect();
    let mut latencies = Vec::with_capacity(requests);
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    (latencies, started.elapsed())
}

#[tokio::main]
async fn main() {
    let requests = setting("STEWARD_BENCH_REQUESTS", 5_000);
    let clients = setting("STEWARD_BENCH_CLIENTS", 32);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("bench.db");
    let filled = Instant::now();
    let (keys, admin) = fill(&db_path).await;
    let db = db_path.display().to_string();
    println!(
        "rest_api: {} workflows of {OWNERS} owners stored in {:.1} s, SQLite at {db}",
        OWNERS * EACH,
        filled.elapsed().as_secs_f64()
    );
    let config = Config::from_lookup(|name| match name {
        "STEWARD_DB" => Some(db.clone()),
        "STEWARD_BIND" => Some("127.0.0.1:0".into()),
        // Each owner already has more than the default quota of 50.
        "STEWARD_QUOTA_WORKFLOWS" => Some("1000000".into()),
        "STEWARD_QUOTA_RUNS_PER_HOUR" => Some("1000000000".into()),
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
    let base = format!("http://{}", serving.addr);

    let started = Instant::now();
    let latencies = lists(&base, &keys, requests).await;
    report(
        "GET /workflows (a user's, 50/page), 1 client",
        "requests",
        latencies,
        started.elapsed(),
    );

    let started = Instant::now();
    let latencies = lists(&base, std::slice::from_ref(&admin), requests).await;
    report(
        "GET /workflows (admin, all, 50/page), 1 client",
        "requests",
        latencies,
        started.elapsed(),
    );

    let keys = Arc::new(keys);
    let (latencies, elapsed) = concurrently(clients, requests, |c, share| {
        let (base, keys) = (base.clone(), Arc::clone(&keys));
        async move { lists(&base, &keys[c % keys.len()..=c % keys.len()], share).await }
    })
    .await;
    report(
        &format!("GET /workflows (a user's), {clients} clients"),
        "requests",
        latencies,
        elapsed,
    );

    let creates = requests / 5;
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(creates);
    for n in 0..creates {
        latencies.push(create(&client, &base, &keys[n % keys.len()], n).await);
    }
    report(
        "POST /workflows, 1 client",
        "requests",
        latencies,
        started.elapsed(),
    );

    let (latencies, elapsed) = concurrently(clients, creates, |c, share| {
        let (base, key) = (base.clone(), keys[c % keys.len()].clone());
        async move {
            let client = reqwest::Client::new();
            let mut latencies = Vec::with_capacity(share);
            for n in 0..share {
                latencies.push(create(&client, &base, &key, n).await);
            }
            latencies
        }
    })
    .await;
    report(
        &format!("POST /workflows, {clients} clients"),
        "requests",
        latencies,
        elapsed,
    );
    serving.stop().await.unwrap();
}
