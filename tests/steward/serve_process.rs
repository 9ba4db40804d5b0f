//! `steward serve` as real processes: killed with SIGKILL mid-run and
//! restarted, and two of them on one database file. Each slot runs once.

use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::output_of;

const BIN: &str = env!("CARGO_BIN_EXE_steward");

fn env(command: &mut Command, db: &Path, node: &str) {
    command
        .arg("--db")
        .arg(db)
        .env("STEWARD_MIN_INTERVAL_SECONDS", "1")
        .env("STEWARD_QUOTA_RUNS_PER_HOUR", "1000000")
        .env("STEWARD_LEASE_SECONDS", "2")
        .env("STEWARD_ON_TIME_GRACE_SECONDS", "1")
        .env("STEWARD_SHUTDOWN_GRACE_SECONDS", "10")
        .env("STEWARD_NODE", node)
        .env("STEWARD_BIND", "127.0.0.1:0")
        .env_remove("STEWARD_TIMEZONE");
}

fn cli(db: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut command = Command::new(BIN);
    env(&mut command, db, "cli");
    let (code, stdout, stderr) = output_of(command.args(args), stdin);
    assert_eq!(code, 0, "steward {args:?}: {stderr}");
    stdout
}

fn serve(db: &Path, node: &str, log: &Path) -> Child {
    let mut command = Command::new(BIN);
    env(&mut command, db, node);
    command
        .arg("serve")
        .stdout(Stdio::from(File::create(log).unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn runs(db: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&cli(db, &["runs", "--json"], None))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Lines that start with `prefix` in the logs, without their "[#id name] " head.
fn lines(logs: &[PathBuf], prefix: &str) -> Vec<String> {
    logs.iter()
        .flat_map(|log| {
            std::fs::read_to_string(log)
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter_map(|line| line.split_once("] ").map(|(_, text)| text.to_string()))
        .filter(|text| text.starts_with(prefix))
        .collect()
}

fn assert_unique_slots(all: &[Value]) {
    let mut seen = HashSet::new();
    for run in all {
        let key = (
            run["workflow_id"].as_i64().unwrap(),
            run["scheduled_for"].as_str().unwrap().to_string(),
        );
        assert!(seen.insert(key.clone()), "slot {key:?} has two runs");
    }
}

#[test]
fn a_serve_killed_mid_run_and_restarted_runs_no_slot_twice_and_records_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let definitions = json!([{
        "name": "Ticker",
        "owner": "alice",
        "trigger": {"kind": "cron", "expression": "* * * * * *", "timezone": "UTC"},
        // Runs overlap, so one is always mid-way when the kill comes.
        "policies": {"overlap": "allow"},
        "steps": [
            {"id": "start", "type": "message", "text": "start ${run.scheduled_for}"},
            {"id": "work", "type": "delay", "seconds": 1.5},
            {"id": "done", "type": "message", "text": "done ${run.scheduled_for}"}
        ]
    }]);
    cli(
        &db,
        &["workflows", "import", "-"],
        Some(&definitions.to_string()),
    );
    let first_log = dir.path().join("first.log");
    let mut first = serve(&db, "first", &first_log);
    std::thread::sleep(Duration::from_millis(3_300));
    first.kill().unwrap(); // SIGKILL, mid-run: a run is inside its 1.5 s delay
    first.wait().unwrap();
    // Downtime longer than the look-ahead: the slots the killed process had
    // claimed ahead (up to about 2.5 s) come back interrupted, the later
    // ones, past the 1 s on-time grace, missed.
    std::thread::sleep(Duration::from_millis(5_000));
    let second_log = dir.path().join("second.log");
    let mut second = serve(&db, "second", &second_log);
    std::thread::sleep(Duration::from_millis(5_000));
    crate::helpers::stop_gracefully(&mut second);

    let all = runs(&db);
    assert_unique_slots(&all);
    let count = |status: &str| all.iter().filter(|r| r["status"] == status).count();
    assert!(
        count("interrupted") >= 1,
        "the run killed mid-way is marked interrupted: {all:#?}"
    );
    let interrupted = all.iter().find(|r| r["status"] == "interrupted").unwrap();
    assert!(interrupted["error"]
        .as_str()
        .unwrap()
        .contains("interrupted"));
    assert!(
        count("missed") >= 1,
        "slots during the downtime are recorded as missed: {all:#?}"
    );
    assert!(count("succeeded") >= 2, "{all:#?}");
    assert!(
        all.iter().all(|r| r["status"] != "running"),
        "nothing is left running: {all:#?}"
    );

    let logs = [first_log, second_log];
    let starts = lines(&logs, "start ");
    let unique: HashSet<&String> = starts.iter().collect();
    assert_eq!(
        unique.len(),
        starts.len(),
        "a slot started twice: {starts:#?}"
    );
    // The killed run is not run again: the second process never finishes
    // it. (The first may have sent its last message just before the kill,
    // with the end not yet recorded: then it is interrupted all the same.)
    let interrupted_slot = interrupted["scheduled_for"].as_str().unwrap();
    assert!(!lines(&logs[1..], "done ")
        .iter()
        .any(|l| l.ends_with(interrupted_slot)));
}

#[test]
fn two_serve_processes_on_one_database_run_each_slot_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let definitions: Vec<Value> = (1..=3)
        .map(|n| {
            json!({
                "name": format!("Every second {n}"),
                "owner": "alice",
                "trigger": {"kind": "cron", "expression": "* * * * * *", "timezone": "UTC"},
                "steps": [{"type": "message", "text": "fire ${run.workflow_id} ${run.scheduled_for}"}]
            })
        })
        .collect();
    cli(
        &db,
        &["workflows", "import", "-"],
        Some(&Value::Array(definitions).to_string()),
    );
    let logs = [dir.path().join("a.log"), dir.path().join("b.log")];
    let mut a = serve(&db, "a", &logs[0]);
    let mut b = serve(&db, "b", &logs[1]);
    std::thread::sleep(Duration::from_millis(5_000));
    crate::helpers::stop_gracefully(&mut a);
    crate::helpers::stop_gracefully(&mut b);

    let all = runs(&db);
    assert_unique_slots(&all);
    let fired = lines(&logs, "fire ");
    let mut per_line: HashMap<&String, usize> = HashMap::new();
    for line in &fired {
        *per_line.entry(line).or_default() += 1;
    }
    let twice: Vec<_> = per_line.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "slots fired twice: {twice:?}");
    let succeeded = all.iter().filter(|r| r["status"] == "succeeded").count();
    assert_eq!(
        fired.len(),
        succeeded,
        "every succeeded run fired once, and only those"
    );
    assert!(
        succeeded >= 3 * 3,
        "three workflows for about five seconds: {succeeded}"
    );
}

#[test]
fn a_graceful_stop_lets_short_runs_finish_and_marks_long_ones_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let definitions = json!([
        {"name": "Short", "owner": "alice", "trigger": {"kind": "cron", "expression": "*/2 * * * * *"},
         "steps": [{"type": "delay", "seconds": 0.5}, {"type": "message", "text": "short done"}]},
        {"name": "Long", "owner": "alice", "trigger": {"kind": "cron", "expression": "*/2 * * * * *"},
         "steps": [{"type": "delay", "seconds": 60}]}
    ]);
    cli(
        &db,
        &["workflows", "import", "-"],
        Some(&definitions.to_string()),
    );
    let log = dir.path().join("serve.log");
    let mut command = Command::new(BIN);
    env(&mut command, &db, "graceful");
    let mut child = command
        .env("STEWARD_SHUTDOWN_GRACE_SECONDS", "2")
        .arg("serve")
        .stdout(Stdio::from(File::create(&log).unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2_600));
    let stopped = std::time::Instant::now();
    crate::helpers::stop_gracefully(&mut child);
    assert!(
        stopped.elapsed() < Duration::from_secs(6),
        "the grace period bounds the stop"
    );
    let all = runs(&db);
    let long: Vec<&Value> = all.iter().filter(|r| r["workflow_id"] == 2).collect();
    assert!(!long.is_empty());
    for run in &long {
        assert!(
            run["status"] == "interrupted" || run["status"] == "skipped",
            "a long run still going at the end of the grace period is interrupted: {run}"
        );
    }
    assert!(long.iter().any(
        |r| r["status"] == "interrupted" && r["error"].as_str().unwrap().contains("shut down")
    ));
    assert!(all.iter().all(|r| r["status"] != "running"));
    assert!(!lines(&[log], "short done").is_empty());
}
