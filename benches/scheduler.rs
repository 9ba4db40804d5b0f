//! The scheduler budget of DESIGN §8: 100,000 active workflows with 10,000 due
//! in the same second. Prints due-to-start lateness (p50, p99, max), the time
//! until the last of them started, CPU while idle, RSS, start-up time, and
//! the steady state: 1,000 workflows firing every second.
//!
//! `cargo bench --bench scheduler` (STEWARD_BENCH_WORKFLOWS and
//! STEWARD_BENCH_DUE change the sizes; STEWARD_MAX_CONCURRENT_RUNS, read by
//! the bench and the `serve` it starts, the run limit; STEWARD_BENCH_DATABASE_URL, a
//! PostgreSQL server's URL, runs it there in a new database instead of a
//! SQLite file; STEWARD_BENCH_SERVE_LOG, a file, keeps the serving
//! process's log there).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DurationRound, TimeDelta, Timelike, Utc};
use serde_json::json;
use steward::app::App;
use steward::clock::SystemClock;
use steward::config::Config;
use steward::store::workflows;
use steward::workflow::notify::{Notice, Notifier};
use steward::workflow::Definition;

/// Counts notices instead of printing them.
#[derive(Default)]
struct Counting(AtomicUsize);

#[async_trait]
impl Notifier for Counting {
    async fn notify(&self, _notice: Notice) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench());
}

async fn bench() {
    let total = env_number("STEWARD_BENCH_WORKFLOWS", 100_000);
    let due = env_number("STEWARD_BENCH_DUE", 10_000).min(total);
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.max_concurrent_runs =
        env_number("STEWARD_MAX_CONCURRENT_RUNS", config.max_concurrent_runs);
    let server = std::env::var("STEWARD_BENCH_DATABASE_URL").ok();
    config.db_path = match &server {
        Some(server) => new_database(server).await.into(),
        None => dir.path().join("bench.db"),
    };
    config.node = "bench-setup".into();
    let on = if server.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "steward scheduler benchmark on {on}: {total} active workflows, {due} due in the same second; \
         at most {} runs at once (STEWARD_MAX_CONCURRENT_RUNS)",
        config.max_concurrent_runs
    );

    // Fill the database: `due` workflows share one slot, the rest fire daily
    // twelve hours from now.
    let setup = Instant::now();
    let app = App::build(
        &config,
        Arc::new(Counting::default()),
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    let now = Utc::now();
    let quiet_hour = (now.hour() + 12) % 24;
    let template = |expression: &str| {
        let definition: Definition = serde_json::from_value(json!({
            "name": "bench",
            "owner": "bench",
            "trigger": {"kind": "cron", "expression": expression, "timezone": "UTC"},
            "steps": [{"id": "say", "type": "message", "text": "slot ${run.scheduled_for}"}]
        }))
        .unwrap();
        definition.validate(now, config.default_zone, 60).unwrap()
    };
    let (due_template, quiet_template) = (
        template("0 0 1 1 *"),
        template(&format!("0 {quiet_hour} * * *")),
    );
    let far = Utc::now() + TimeDelta::days(300);
    let mut tx = app.store.begin_write().await.unwrap();
    for n in 0..total {
        let mut new = if n < due {
            due_template.clone()
        } else {
            quiet_template.clone()
        };
        new.definition.name = format!("workflow {n}");
        new.definition.owner = format!("user{}", n % 1_000);
        // Due ones are parked far ahead until the measured slot is set below.
        let next = if n < due {
            Some(far)
        } else {
            new.schedule.next_after(now)
        };
        workflows::insert(&mut tx, &new, next, now).await.unwrap();
    }
    tx.commit().await.unwrap();
    println!(
        "  setup: {total} workflows stored in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // `steward serve` on that database, as a user runs it.
    let mut child = Command::new(env!("CARGO_BIN_EXE_steward"))
        .arg("--db")
        .arg(&config.db_path)
        .arg("serve")
        .env("STEWARD_NODE", "bench")
        .env("STEWARD_BIND", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    // Warnings may come before the line that says it is ready: read up to it.
    let mut ready_ms = String::from("?");
    for _ in 0..100 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(rest) = line.to_lowercase().split("ready in ").nth(1) {
            ready_ms = rest.split(' ').next().unwrap_or("?").to_string();
            break;
        }
    }
    println!("  start-up to ready of `steward serve` on {total} workflows: {ready_ms} ms (budget < 300 ms)");
    // Drains the rest of stderr so the child never blocks on a full pipe,
    // into STEWARD_BENCH_SERVE_LOG when it names a file (with RUST_LOG, to
    // see what the serving process did).
    let mut keep = std::env::var_os("STEWARD_BENCH_SERVE_LOG")
        .map(|path| std::fs::File::create(path).expect("creating STEWARD_BENCH_SERVE_LOG"));
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(file) = keep.as_mut() {
                use std::io::Write;
                let _ = writeln!(file, "{line}");
            }
        }
    });
    let pid = child.id();
    // More replicas on the same database (PostgreSQL): STEWARD_BENCH_REPLICAS.
    let replicas = env_number("STEWARD_BENCH_REPLICAS", 1).max(1);
    let mut others: Vec<std::process::Child> = (1..replicas)
        .map(|n| {
            Command::new(env!("CARGO_BIN_EXE_steward"))
                .arg("--db")
                .arg(&config.db_path)
                .arg("serve")
                .env("STEWARD_NODE", format!("bench-{n}"))
                .env("STEWARD_BIND", "127.0.0.1:0")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    if replicas > 1 {
        println!("  {replicas} replicas of `steward serve` on the database");
    }
    let pids: Vec<u32> = std::iter::once(pid)
        .chain(others.iter().map(|c| c.id()))
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_before = process_cpu(pid);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle_cpu = process_cpu(pid) - idle_before;
    println!(
        "  idle before the burst: {:.3} s CPU in 5 s, RSS {}",
        idle_cpu,
        process_rss_mb(pid)
    );

    // The measured second: all `due` workflows share one slot, 15 s ahead.
    // The serving process picks the change up at its next resync (at most
    // 10 s), so it knows of the slot a few seconds ahead, as it knows of
    // any workflow's next slot that was not changed at the last moment.
    let due_at = (Utc::now() + TimeDelta::seconds(15))
        .duration_trunc(TimeDelta::seconds(1))
        .unwrap();
    sqlx::query("UPDATE workflows SET next_run = $1 WHERE next_run = $2")
        .bind(due_at.timestamp_millis())
        .bind(far.timestamp_millis())
        .execute(app.store.pool())
        .await
        .unwrap();
    let pool = app.store.pool().clone();
    let deadline = Instant::now() + Duration::from_secs(180);
    let cpu_before: f64 = pids.iter().map(|p| process_cpu(*p)).sum();
    loop {
        let finished: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM runs WHERE status = 'succeeded'")
                .fetch_one(&pool)
                .await
                .unwrap();
        if finished as usize >= due || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let burst_cpu = pids.iter().map(|p| process_cpu(*p)).sum::<f64>() - cpu_before;
    let rows: Vec<(i64, i64, Option<i64>, String)> =
        sqlx::query_as("SELECT scheduled_for, COALESCE(started_at, 0), ended_at, status FROM runs")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut lateness: Vec<i64> = rows
        .iter()
        .map(|(slot, start, _, _)| start - slot)
        .collect();
    lateness.sort_unstable();
    let succeeded = rows.iter().filter(|r| r.3 == "succeeded").count();
    let last_end = rows.iter().filter_map(|r| r.2).max().unwrap_or(0);
    let pct = |p: f64| lateness[((lateness.len() as f64 - 1.0) * p).round() as usize];
    // Several replicas on PostgreSQL have 1 s (the budget for them).
    let budget_ms = if replicas > 1 { 1_000 } else { 500 };
    println!(
        "  runs: {} recorded, {succeeded} succeeded; {burst_cpu:.2} s CPU for the burst, peak RSS {:.1} MB",
        rows.len(),
        process_peak_mb(pid)
    );
    println!(
        "  due-to-start lateness: p50 {} ms, p99 {} ms, max {} ms (budget: all {due} start within {budget_ms} ms)",
        pct(0.5),
        pct(0.99),
        lateness.last().unwrap()
    );
    let mut ends: Vec<i64> = rows
        .iter()
        .filter_map(|(slot, _, end, _)| end.map(|e| e - slot))
        .collect();
    ends.sort_unstable();
    let end_pct = |p: f64| ends[((ends.len() as f64 - 1.0) * p).round() as usize];
    let span = (last_end - due_at.timestamp_millis()).max(1);
    println!(
        "  slot-to-end: p50 {} ms, p99 {} ms, last {span} ms ({:.0} runs/s)",
        end_pct(0.5),
        end_pct(0.99),
        due as f64 * 1000.0 / span as f64
    );
    let mut starts: Vec<i64> = rows.iter().map(|(_, start, _, _)| *start).collect();
    starts.sort_unstable();
    let first_start = starts.first().copied().unwrap_or(0);
    let deciles: Vec<i64> = (0..=10)
        .map(|d| starts[((starts.len() - 1) * d) / 10] - first_start)
        .collect();
    println!("  start deciles after the first start (ms): {deciles:?}");

    // Idle again: nothing due for hours. The first window includes the WAL
    // checkpoint after the burst; the second is the steady state.
    for window in ["first", "second"] {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let before = process_cpu(pid);
        tokio::time::sleep(Duration::from_secs(10)).await;
        let cpu = process_cpu(pid) - before;
        println!(
            "  idle after the burst ({window} 10 s): {cpu:.3} s CPU ({:.2} %), RSS {} (budget: no CPU while idle, RSS < 30 MB)",
            cpu * 10.0,
            process_rss_mb(pid)
        );
    }
    steady(&pool, pid, &far).await;
    // Idle once more, after the steady state's 20,000 runs.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = process_cpu(pid);
    tokio::time::sleep(Duration::from_secs(10)).await;
    println!(
        "  idle after the steady state (10 s): {:.3} s CPU, RSS {} (budget: RSS < 30 MB)",
        process_cpu(pid) - before,
        process_rss_mb(pid)
    );
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
    let _ = child.wait();
    for other in &mut others {
        let _ = other.kill();
        let _ = other.wait();
    }
}

/// The steady state: 1,000 workflows (STEWARD_BENCH_STEADY) firing every
/// second for 20 s; lateness of their starts (budget: p99 under 10 ms).
/// Intervals are anchored on whole seconds, so all 1,000 share each
/// second's first millisecond: every second is a burst of 1,000.
async fn steady(pool: &sqlx::AnyPool, pid: u32, far: &chrono::DateTime<Utc>) {
    let count = env_number("STEWARD_BENCH_STEADY", 1_000) as i64;
    let seconds = 20;
    // Past the serving process's next resync (at most 10 s), so its first
    // wake is the first slot.
    let first = (Utc::now() + TimeDelta::seconds(12))
        .duration_trunc(TimeDelta::seconds(1))
        .unwrap();
    let last = first + TimeDelta::seconds(seconds);
    sqlx::query(
        "UPDATE workflows SET trigger_kind = 'interval', trigger_expression = 'PT1S', status = 'active', \
         next_run = $1 \
         WHERE id IN (SELECT id FROM workflows WHERE next_run != $2 ORDER BY id DESC LIMIT $3)",
    )
    .bind(first.timestamp_millis())
    .bind(far.timestamp_millis())
    .bind(count)
    .execute(pool)
    .await
    .unwrap();
    let cpu_before = process_cpu(pid);
    let wait = (last - Utc::now()).to_std().unwrap_or_default() + Duration::from_secs(2);
    tokio::time::sleep(wait).await;
    let cpu = process_cpu(pid) - cpu_before;
    // Stop them, so the idle process is idle again.
    sqlx::query("UPDATE workflows SET status = 'paused' WHERE trigger_kind = 'interval'")
        .execute(pool)
        .await
        .unwrap();
    let mut lateness: Vec<i64> = sqlx::query_scalar(
        "SELECT started_at - scheduled_for FROM runs \
         WHERE scheduled_for >= $1 AND scheduled_for < $2 AND started_at IS NOT NULL",
    )
    .bind(first.timestamp_millis())
    .bind(last.timestamp_millis())
    .fetch_all(pool)
    .await
    .unwrap();
    lateness.sort_unstable();
    if lateness.is_empty() {
        println!("  steady state: no runs started");
        return;
    }
    // Where each second's lateness comes from: the wait for its first start
    // (the check at the slot, the wake) and the spread of the rest.
    let spans: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT MIN(started_at - scheduled_for), MAX(started_at - scheduled_for) FROM runs \
         WHERE scheduled_for >= $1 AND scheduled_for < $2 AND started_at IS NOT NULL \
         GROUP BY scheduled_for ORDER BY scheduled_for",
    )
    .bind(first.timestamp_millis())
    .bind(last.timestamp_millis())
    .fetch_all(pool)
    .await
    .unwrap();
    // Every second's last start, to see which seconds were late.
    let lasts: Vec<String> = spans.iter().map(|s| s.1.to_string()).collect();
    println!(
        "  steady state, last start of each second (ms): {}",
        lasts.join(" ")
    );
    let median = |mut v: Vec<i64>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    println!(
        "  steady state, each second (median of {}): first start {} ms after the slot, last {} ms",
        spans.len(),
        median(spans.iter().map(|s| s.0).collect()),
        median(spans.iter().map(|s| s.1).collect())
    );
    let pct = |p: f64| lateness[((lateness.len() as f64 - 1.0) * p).round() as usize];
    let expected = count * seconds;
    println!(
        "  steady state, {count} workflows every second for {seconds} s: {} of {expected} slots started ({:.0} fires/s), lateness p50 {} ms, p99 {} ms, max {} ms (budget: p99 < 10 ms); {cpu:.2} s CPU, RSS {}",
        lateness.len(),
        lateness.len() as f64 / seconds as f64,
        pct(0.5),
        pct(0.99),
        lateness.last().unwrap(),
        process_rss_mb(pid)
    );
}

/// User plus system CPU seconds of a process, from /proc.
fn process_cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0);
    ticks / 100.0
}

/// The process's RSS in MB, with what it is made of: anonymous memory (the
/// heap and stacks) and file pages (mostly the binary's code).
fn process_rss_mb(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    format!(
        "{:.1} MB (anon {:.1}, file {:.1})",
        field("VmRSS:"),
        field("RssAnon:"),
        field("RssFile:")
    )
}

/// The most memory the process has held (VmHWM), in MB.
fn process_peak_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A new empty database on the PostgreSQL server `server`; its URL.
async fn new_database(server: &str) -> String {
    use sqlx::Connection;
    let name = format!("steward_bench_{}", std::process::id());
    let mut conn = sqlx::postgres::PgConnection::connect(server).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    format!("{base}/{name}")
}
