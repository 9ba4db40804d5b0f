//! The dashboard's budgets (issue: the web dashboard): the workflows page of
//! a person with 1,000 workflows, each with runs (its last result read for
//! every row), server time p99 under 50 ms; a workflow's page (its chart,
//! next fire times and runs); and the page of a 100-step run, under 50 ms.
//! On a running `serve` (SQLite), one client in this process on the same 2
//! cores: the figures are round trips on loopback, so they include the
//! client's share.
//!
//! `cargo bench --bench dashboard` (STEWARD_BENCH_REQUESTS changes the count).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use serde_json::{json, Value};
use steward::clock::SystemClock;
use steward::config::Config;
use steward::schedule::Zone;
use steward::store::api_keys;
use steward::store::web_sessions::{self, Person};
use steward::store::{workflows, Store};
use steward::workflow::Definition;
use support::{report, Quiet};

/// The person's workflows.
const WORKFLOWS: usize = 1_000;
/// Steps of the long run.
const STEPS: usize = 100;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Stores alice's workflows; returns a sign-in link's token for her.
async fn fill(db: &std::path::Path) -> String {
    let store = Store::open(db).await.unwrap();
    let now = chrono::Utc::now();
    let mut tx = store.begin_write().await.unwrap();
    for n in 0..WORKFLOWS {
        let definition: Definition = serde_json::from_value(json!({
            "name": format!("Check {n}"),
            "owner": "alice",
            "trigger": {"schedule": format!("every day at {:02}:{:02}", n % 24, n % 60), "timezone": "Europe/Paris"},
            "steps": [{"id": "check", "type": "http", "url": "https://status.example.com"}],
        }))
        .unwrap();
        let new = definition.validate(now, Zone::UTC, 60).unwrap();
        let next = new.schedule.next_after(now);
        workflows::insert(&mut tx, &new, next, now).await.unwrap();
    }
    tx.commit().await.unwrap();
    let token = web_sessions::token().unwrap();
    let person = Person {
        user: "alice".into(),
        admin: false,
    };
    web_sessions::insert_link(
        store.pool(),
        &api_keys::hash(&token),
        &person,
        now,
        now + TimeDelta::minutes(10),
    )
    .await
    .unwrap();
    store.close().await;
    token
}

/// Gives every workflow a few ended runs, so the last results are read.
async fn runs(db: &std::path::Path) {
    let store = Store::open(db).await.unwrap();
    let day = 86_400_000i64;
    let now = chrono::Utc::now().timestamp_millis();
    for id in 1..=WORKFLOWS as i64 {
        for back in 1..=5i64 {
            let at = now - back * day;
            sqlx::query(
                "INSERT INTO runs (workflow_id, workflow_version, trigger, scheduled_for, status, attempt, started_at, ended_at, created_at) \
                 VALUES ($1, 1, 'schedule', $2, $3, 1, $2, $4, $2)",
            )
            .bind(id)
            .bind(at)
            .bind(if back % 3 == 0 { "failed" } else { "succeeded" })
            .bind(at + 300)
            .execute(store.pool())
            .await
            .unwrap();
        }
    }
    store.close().await;
}

/// Gives workflow 1 a run a minute for 30 days (43,200): its page's chart
/// counts them all.
async fn busy(db: &std::path::Path) {
    let store = Store::open(db).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let minute = 60_000i64;
    let mut tx = store.begin_write().await.unwrap();
    for back in 1..=43_200i64 {
        // 7 ms off the minute, so never the slot of a run `runs` made.
        let at = now - back * minute + 7;
        sqlx::query(
            "INSERT INTO runs (workflow_id, workflow_version, trigger, scheduled_for, status, attempt, started_at, ended_at, created_at) \
             VALUES (1, 1, 'schedule', $1, $2, 1, $1, $3, $1)",
        )
        .bind(at)
        .bind(match back % 50 { 0 => "failed", 1 => "missed", _ => "succeeded" })
        .bind(at + 200)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    store.close().await;
}

/// GETs `path` with the session cookie `requests` times.
async fn pages(base: &str, cookie: &str, path: &str, requests: usize, must: &str) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        let response = client
            .get(format!("{base}{path}"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.unwrap();
        latencies.push(started.elapsed());
        assert!(body.contains(must), "{path} lacks {must}");
    }
    latencies
}

/// A run of 100 message steps, through the REST API's run.
async fn long_run(base: &str, db: &str) -> i64 {
    let store = Store::open(std::path::Path::new(db)).await.unwrap();
    let (key, prefix) = api_keys::generate().unwrap();
    let hash = api_keys::hash(&key);
    let new = api_keys::NewKey {
        prefix: &prefix,
        hash: &hash,
        name: "bench",
        user: "alice",
        admin: false,
    };
    api_keys::insert(store.pool(), &new, chrono::Utc::now())
        .await
        .unwrap();
    store.close().await;
    let steps: Vec<Value> = (0..STEPS)
        .map(|n| json!({"id": format!("step{n}"), "type": "message", "text": format!("step {n}: {}", "x".repeat(200))}))
        .collect();
    let client = reqwest::Client::new();
    let made: Value = client
        .post(format!("{base}/api/v1/workflows"))
        .bearer_auth(&key)
        .json(
            &json!({"name": "Long", "trigger": {"kind": "manual"}, "steps": steps,
                      "guardrails": {"max_steps": 200}}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = made["id"].as_i64().unwrap_or_else(|| panic!("{made}"));
    let run: Value = client
        .post(format!("{base}/api/v1/workflows/{id}/run?wait=30"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(run["status"], "succeeded", "{run}");
    run["id"].as_i64().unwrap()
}

#[tokio::main]
async fn main() {
    let requests = setting("STEWARD_BENCH_REQUESTS", 500);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("bench.db");
    let token = fill(&db_path).await;
    runs(&db_path).await;
    busy(&db_path).await;
    let db = db_path.display().to_string();
    let config = Config::from_lookup(|name| match name {
        "STEWARD_DB" => Some(db.clone()),
        "STEWARD_BIND" => Some("127.0.0.1:0".into()),
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
    let signed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}/sign-in/{token}"))
        .send()
        .await
        .unwrap();
    let cookie = signed.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    println!("dashboard: {WORKFLOWS} workflows of one person, 5 runs each (workflow 1: a run a minute for 30 days), SQLite at {db}");
    let run = long_run(&base, &db).await;

    for (label, path, must) in [
        (
            "GET / (first 50 of 1,000, last results)",
            "/".to_string(),
            "Check 49",
        ),
        (
            "GET /?q=Check 9 (name search)",
            "/?q=Check+9".to_string(),
            "Check 9",
        ),
        (
            "GET /workflows/{id} (chart, fires, runs)",
            "/workflows/500".to_string(),
            "Runs per day",
        ),
        (
            "GET /workflows/1 (43,200 runs in 30 days)",
            "/workflows/1".to_string(),
            "Runs per day",
        ),
        (
            "GET /runs/{id} (a 100-step run)",
            format!("/runs/{run}"),
            "step99",
        ),
    ] {
        let started = Instant::now();
        let latencies = pages(&base, &cookie, &path, requests, must).await;
        report(label, "requests", latencies, started.elapsed());
    }
    println!("budget: p99 under 50 ms for the workflows page and the run page");
    serving.stop().await.unwrap();
}
