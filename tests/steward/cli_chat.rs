//! `steward chat` as a person uses it: one turn per invocation with state kept
//! in the store, `--json`, and the interactive conversation on stdin.

use serde_json::Value;

use crate::helpers::{output_of, steward_command};

fn turn(db: &str, user: &str, message: &str) -> Value {
    let (code, stdout, stderr) = output_of(
        steward_command().args([
            "--db",
            db,
            "chat",
            "--user",
            user,
            "--json",
            "--message",
            message,
        ]),
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON object: {stdout}");
    let value: Value = serde_json::from_str(lines[0]).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["reply", "actions", "draft"]);
    value
}

#[test]
fn one_turn_at_a_time_keeps_the_draft_between_invocations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db").display().to_string();
    let draft = turn(&db, "alice", "every weekday at 8:30 remind me to stand up");
    assert_eq!(draft["actions"][0]["tool"], "create_workflow");
    assert_eq!(draft["actions"][0]["ok"], true);
    assert_eq!(draft["draft"]["kind"], "create");
    assert_eq!(
        draft["draft"]["workflow"]["trigger"]["expression"],
        "30 8 * * MON-FRI"
    );
    assert_eq!(
        draft["draft"]["workflow"]["trigger"]["next"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let created = turn(&db, "alice", "yes but at 9");
    assert_eq!(created["draft"], Value::Null);
    assert_eq!(created["actions"][0]["result"]["id"], 1);
    assert!(created["reply"]
        .as_str()
        .unwrap()
        .contains("At 09:00 on weekdays"));

    let listed = turn(&db, "alice", "list my workflows");
    assert!(
        listed["reply"].as_str().unwrap().contains("#1 Stand up"),
        "{listed}"
    );
    let other = turn(&db, "bob", "list my workflows");
    assert!(
        other["reply"]
            .as_str()
            .unwrap()
            .contains("no workflows yet"),
        "{other}"
    );
}

#[test]
fn the_interactive_chat_reads_lines_until_quit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db").display().to_string();
    let (code, stdout, stderr) = output_of(
        steward_command().args(["--db", &db, "chat", "--user", "carol"]),
        Some("every day at 7 remind me to water the plants\ncall it Plants\nyes\nlist my workflows\nquit\n"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("offline mode"), "{stdout}");
    assert!(
        stdout.contains("New workflow \"Plants\" (draft)"),
        "{stdout}"
    );
    assert!(stdout.contains("Created \"Plants\" (#1)"), "{stdout}");
    assert!(
        stdout.contains("#1 Plants — At 07:00 every day"),
        "{stdout}"
    );
}
