//! The admin CLI as operators use it: import errors, list and runs JSON shapes,
//! per-workflow control.

use serde_json::{json, Value};
use std::path::Path;

use crate::helpers::{output_of, steward_command};

fn steward(db: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    output_of(steward_command().arg("--db").arg(db).args(args), stdin)
}

#[test]
fn a_bad_definition_is_refused_whole_with_its_position_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let definitions = json!([
        {"name": "fine", "owner": "alice", "trigger": {"schedule": "every day at 9"}, "steps": [{"type": "message", "text": "hi"}]},
        {"name": "broken", "owner": "alice", "trigger": {"schedule": "at 25:00"}, "steps": [{"type": "message", "text": "hi"}]}
    ]);
    let (code, stdout, _) = steward(
        &db,
        &["workflows", "import", "-"],
        Some(&definitions.to_string()),
    );
    assert_eq!(code, 2);
    let error: Value = serde_json::from_str(&stdout).unwrap();
    let message = error["error"].as_str().unwrap();
    assert!(
        message.starts_with("definition 2: workflow 'broken'"),
        "{message}"
    );
    assert!(
        message.contains("'25:00' is not a time of day"),
        "{message}"
    );
    let (_, stdout, _) = steward(&db, &["workflows", "list", "--json"], None);
    assert_eq!(stdout.trim(), "[]", "nothing was imported");

    let bad_step = json!([{"name": "x", "owner": "alice", "trigger": {"schedule": "every day"}, "steps": [{"type": "teleport"}]}]);
    let (code, stdout, _) = steward(
        &db,
        &["workflows", "import", "-"],
        Some(&bad_step.to_string()),
    );
    assert_eq!(code, 2);
    assert!(stdout.contains("unknown type 'teleport'"), "{stdout}");
}

#[test]
fn list_and_runs_print_the_documented_json_and_control_commands_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let definitions = json!([{
        "name": "Status check", "owner": "alice",
        "trigger": {"schedule": "every weekday at 8:30", "timezone": "Europe/Paris"},
        "steps": [{"id": "say", "type": "message", "text": "checked"}]
    }]);
    let (code, stdout, _) = steward(
        &db,
        &["workflows", "import", "-"],
        Some(&definitions.to_string()),
    );
    assert_eq!(code, 0, "{stdout}");
    let (_, stdout, _) = steward(&db, &["workflows", "list", "--json"], None);
    let list: Value = serde_json::from_str(&stdout).unwrap();
    let first = &list[0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "owner",
            "status",
            "trigger",
            "next_run",
            "paused_until",
            "steps"
        ]
    );
    assert_eq!(
        first["trigger"],
        json!({"kind": "cron", "expression": "30 8 * * MON-FRI", "timezone": "Europe/Paris",
               "description": "At 08:30 on weekdays (Europe/Paris)"})
    );
    assert_eq!(first["status"], "active");
    assert_eq!(first["steps"][0]["type"], "message");

    let (code, stdout, _) = steward(&db, &["workflows", "run", "1", "--json"], None);
    assert_eq!(code, 0);
    let run: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(run["status"], "succeeded");
    assert_eq!(run["trigger"], "manual");

    let (_, stdout, _) = steward(&db, &["runs", "--workflow", "1", "--json"], None);
    let runs: Value = serde_json::from_str(&stdout).unwrap();
    let keys: Vec<&str> = runs[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "workflow_id",
        "scheduled_for",
        "started_at",
        "ended_at",
        "status",
        "output",
        "error",
        "usage",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    assert_eq!(runs[0]["output"]["say"]["sent"], "checked");

    let (code, _, _) = steward(
        &db,
        &["workflows", "pause", "1", "--note", "on holiday"],
        None,
    );
    assert_eq!(code, 0);
    let (_, stdout, _) = steward(&db, &["workflows", "list", "--json"], None);
    let list: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list[0]["status"], "paused");
    assert_eq!(list[0]["next_run"], Value::Null);
    let (code, _, stderr) = steward(&db, &["workflows", "pause", "1"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("is paused, not active"), "{stderr}");
    let (code, stdout, _) = steward(&db, &["workflows", "resume", "1"], None);
    assert_eq!(code, 0);
    assert!(stdout.contains("next run"), "{stdout}");
    let (code, _, stderr) = steward(&db, &["workflows", "pause", "99"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("workflow #99 was not found"), "{stderr}");
}
