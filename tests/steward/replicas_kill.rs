//! Three `steward serve` processes on one PostgreSQL database share ten
//! per-second workflows; one is killed with SIGKILL while it holds running
//! runs. Every slot still runs once, the dead process's runs end
//! `interrupted` and a survivor retries them to success, nothing is left
//! `running`, and the survivors' HTTP API answers throughout. Skipped,
//! loudly, without `STEWARD_TEST_DATABASE_URL`; never under CI.

use serde_json::{json, Value};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use steward::store::Store;

use crate::helpers::{output_of, postgres_or_skip, steward_command};

mod checks;
use checks::{every_slot_ran_once, held_runs_were_retried_elsewhere, logs_agree_with_rows, Row};

/// The lease of every process: short, so the dead one's runs are taken back
/// within seconds; three heartbeats (one a second) fit in it.
const LEASE_SECONDS: &str = "3";

/// One `steward serve` child process and what it wrote.
struct Replica {
    node: String,
    /// Killed when the test ends, passing or not.
    child: crate::helpers::KillOnDrop,
    /// Its stdout: the notices of the runs it executed, a line each.
    out: PathBuf,
    /// `http://127.0.0.1:PORT`, read from its start-up line.
    base: String,
}

fn configured(command: &mut Command, db: &Path, node: &str) {
    command
        .arg("--db")
        .arg(db)
        .env("STEWARD_MIN_INTERVAL_SECONDS", "1")
        .env("STEWARD_QUOTA_RUNS_PER_HOUR", "1000000")
        .env("STEWARD_LEASE_SECONDS", LEASE_SECONDS)
        // A busy test machine may start a slot late; late is not missed here.
        .env("STEWARD_ON_TIME_GRACE_SECONDS", "10")
        .env("STEWARD_SHUTDOWN_GRACE_SECONDS", "10")
        .env("STEWARD_NODE", node);
}

fn spawn(db: &Path, dir: &Path, node: &str) -> Replica {
    let (out, err) = (
        dir.join(format!("{node}.out")),
        dir.join(format!("{node}.err")),
    );
    let mut command = steward_command();
    configured(&mut command, db, node);
    let child = crate::helpers::KillOnDrop(
        command
            .arg("serve")
            .stdout(Stdio::from(File::create(&out).unwrap()))
            .stderr(Stdio::from(File::create(&err).unwrap()))
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    let base = loop {
        let text = std::fs::read_to_string(&err).unwrap_or_default();
        if let Some((_, rest)) = text.split_once("chat API http://") {
            let addr = rest.split_once('/').unwrap().0;
            break format!("http://{addr}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{node} did not start: {text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    Replica {
        node: node.to_string(),
        child,
        out,
        base,
    }
}

/// Ten workflows of alice firing every second; six take 1.5 s (so a kill
/// lands mid-run) and retry twice, a second apart.
fn import(db: &Path) {
    let definitions: Vec<Value> = (0..10)
        .map(|n| {
            let mut steps = vec![
                json!({"id": "start", "type": "message", "text": "start ${run.id} ${run.attempt}"}),
            ];
            if n < 6 {
                steps.push(json!({"id": "work", "type": "delay", "seconds": 1.5}));
            }
            steps.push(
                json!({"id": "done", "type": "message", "text": "done ${run.id} ${run.attempt}"}),
            );
            json!({
                "name": format!("Tick {n}"),
                "owner": "alice",
                "trigger": {"kind": "cron", "expression": "* * * * * *", "timezone": "UTC"},
                "policies": {"overlap": "allow", "retries": 2, "retry_backoff_seconds": 1},
                "steps": steps,
            })
        })
        .collect();
    let mut command = steward_command();
    configured(&mut command, db, "cli");
    let (code, stdout, stderr) = output_of(
        command.args(["workflows", "import", "-"]),
        Some(&Value::Array(definitions).to_string()),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// Pauses the ten workflows through the admin CLI.
fn pause_all(db: &Path) {
    for id in 1..=10 {
        let mut command = steward_command();
        configured(&mut command, db, "cli");
        let (code, stdout, stderr) =
            output_of(command.args(["workflows", "pause", &id.to_string()]), None);
        assert_eq!(code, 0, "{stdout}{stderr}");
    }
}

/// Probes `GET /healthz` of each replica in `bases` every 200 ms until
/// `stop`; records every answer that was not a 200 within 2 s.
fn probe(
    bases: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    failures: Arc<Mutex<Vec<String>>>,
) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let mut probes = 0;
        while !stop.load(Ordering::Relaxed) {
            let now: Vec<String> = bases.lock().unwrap().clone();
            for base in now {
                probes += 1;
                let answer = client.get(format!("{base}/healthz")).send().await;
                // A replica taken out of `bases` (to be killed) while this
                // pass was under way is not a survivor: its dropped
                // connection is expected.
                let survivor = bases.lock().unwrap().contains(&base);
                match answer {
                    Ok(response) if response.status() == 200 => {}
                    _ if !survivor => {}
                    other => failures
                        .lock()
                        .unwrap()
                        .push(format!("{base}/healthz: {other:?}")),
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        probes
    })
}

/// A chat turn through `POST /api/v1/chat`, read from the shared database.
async fn chat_answers(base: &str) {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/chat"))
        .json(&json!({"conversation_id": "ops", "user_id": "alice", "text": "list my workflows"}))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{base}");
    let body: Value = response.json().await.unwrap();
    assert!(
        body["reply"]
            .as_str()
            .unwrap_or_default()
            .contains("workflows"),
        "{base}: {body}"
    );
}

async fn rows(store: &Store) -> Vec<Row> {
    let rows: Vec<(i64, i64, i64, String, i64, String)> = sqlx::query_as(
        "SELECT id, workflow_id, scheduled_for, status, attempt, history FROM runs \
         ORDER BY workflow_id, scheduled_for",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(
            |(id, workflow_id, scheduled_for, status, attempt, history)| Row {
                id,
                workflow_id,
                scheduled_for,
                status,
                attempt,
                history,
            },
        )
        .collect()
}

/// The runs `node` holds as `running` right now.
async fn running_under(store: &Store, node: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT id FROM runs WHERE status = 'running' AND lease_owner = $1 ORDER BY id",
    )
    .bind(node)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

/// The replica holding the most running runs (at least two: the slow runs
/// of one second's claim, inside their 1.5 s step); waits for one to.
async fn busiest(store: &Store, replicas: &[Replica]) -> usize {
    loop {
        let held: Vec<(String, i64)> = sqlx::query_as(
            "SELECT lease_owner, COUNT(*) FROM runs WHERE status = 'running' \
             GROUP BY lease_owner ORDER BY COUNT(*) DESC",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        if let Some((node, _)) = held.first().filter(|(_, count)| *count >= 2) {
            return replicas.iter().position(|r| r.node == *node).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_run_leaves_every_slot_run_once_and_its_runs_retried_by_the_others() {
    let Some(db) = postgres_or_skip("a_replica_killed_mid_run") else {
        return;
    };
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    // Started before any workflow exists: a starting replica delivers the
    // outbox others left, which must not be notices of runs going elsewhere.
    let mut replicas: Vec<Replica> = ["alpha", "beta", "gamma"]
        .into_iter()
        .map(|node| spawn(&db, dir.path(), node))
        .collect();
    let bases = Arc::new(Mutex::new(
        replicas.iter().map(|r| r.base.clone()).collect::<Vec<_>>(),
    ));
    let (stop, failures) = (Arc::new(AtomicBool::new(false)), Arc::default());
    let probing = probe(bases.clone(), stop.clone(), Arc::clone(&failures));
    import(&db);
    let store = Store::open(&db).await.unwrap();

    tokio::time::sleep(Duration::from_secs(6)).await;
    let victim_index = busiest(&store, &replicas).await;
    let mut victim = replicas.remove(victim_index);
    bases.lock().unwrap().retain(|b| *b != victim.base);
    victim.child.kill().unwrap(); // SIGKILL: no shutdown, no last writes
    victim.child.wait().unwrap();
    // Nothing changes a dead process's rows until its lease expires.
    let held = running_under(&store, &victim.node).await;
    assert!(
        !held.is_empty(),
        "the kill landed while {} held runs",
        victim.node
    );
    for replica in &replicas {
        chat_answers(&replica.base).await;
    }

    tokio::time::sleep(Duration::from_secs(8)).await;
    for replica in &replicas {
        chat_answers(&replica.base).await;
    }
    // Paused, the workflows claim no slot the stop would cut short; the
    // last runs end within their 1.5 s.
    let paused = tokio::task::spawn_blocking(move || pause_all(&db));
    paused.await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let probes = probing.await.unwrap();
    replicas
        .iter_mut()
        .for_each(|r| crate::helpers::sigterm(&r.child));
    for replica in &mut replicas {
        let status = replica.child.wait().unwrap();
        assert!(status.success(), "{} stops cleanly: {status}", replica.node);
    }

    let failures = failures.lock().unwrap().clone();
    assert!(
        failures.is_empty(),
        "the API stopped answering: {failures:#?}"
    );
    assert!(probes >= 50, "the API was probed throughout: {probes}");
    let all = rows(&store).await;
    store.close().await;
    eprintln!(
        "{} runs; {} killed while holding runs {held:?}; {probes} health probes",
        all.len(),
        victim.node
    );
    every_slot_ran_once(&all);
    held_runs_were_retried_elsewhere(&all, &held, &victim, &replicas);
    logs_agree_with_rows(&all, &held, &victim, &replicas);
    assert!(
        began.elapsed() < Duration::from_secs(40),
        "took {:?}",
        began.elapsed()
    );
}
