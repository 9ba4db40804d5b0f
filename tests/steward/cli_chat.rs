//! `steward chat` as a person uses it: one turn per invocation with state kept
//! in the store, `--json`, and the interactive conversation on stdin.

use serde_json::Value;

use crate::helpers::{output_of, steward_command};

/// One `steward chat --json --message` turn on a machine set to UTC (a zone
/// steward does not take as the person's).
fn turn(db: &str, user: &str, message: &str) -> Value {
    turn_in("UTC", db, user, message)
}

/// One turn on a machine whose zone is `machine_zone` (TZ).
fn turn_in(machine_zone: &str, db: &str, user: &str, message: &str) -> Value {
    let (code, stdout, stderr) = output_of(
        steward_command().env("TZ", machine_zone).args([
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
    let draft = turn_in(
        "Europe/Paris",
        &db,
        "alice",
        "every weekday at 8:30 remind me to stand up",
    );
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

    assert_eq!(
        draft["draft"]["workflow"]["trigger"]["timezone"], "Europe/Paris",
        "the machine's zone: {draft}"
    );
    let created = turn_in("Europe/Paris", &db, "alice", "yes but at 9");
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
        Some("every day at 7 remind me to water the plants\nLisbon\ncall it Plants\nyes\nlist my workflows\nquit\n"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("offline mode"), "{stdout}");
    assert!(stdout.contains("Hi, I'm steward"), "greeted: {stdout}");
    assert!(stdout.contains(QUESTION), "{stdout}");
    assert!(
        stdout.contains("your time zone is Europe/Lisbon"),
        "{stdout}"
    );
    assert!(
        stdout.contains("New workflow \"Plants\" (draft)"),
        "{stdout}"
    );
    assert!(stdout.contains("Created \"Plants\" (#1)"), "{stdout}");
    assert!(
        stdout.contains("#1 Plants — At 07:00 every day (Europe/Lisbon)"),
        "{stdout}"
    );
}

const QUESTION: &str = "What's your time zone? A city is enough (Paris, New York, Tokyo).";

#[test]
fn a_newcomers_first_timed_request_is_greeted_asks_the_zone_then_drafts_it_there() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db").display().to_string();
    let asked = turn(&db, "dana", "every weekday at 8:30 remind me to stand up");
    let reply = asked["reply"].as_str().unwrap();
    assert!(reply.starts_with("Hi, I'm steward"), "{asked}");
    assert!(reply.contains("help"), "{asked}");
    assert!(reply.contains(QUESTION), "{asked}");
    assert_eq!(asked["draft"]["kind"], "time_zone_question");
    assert_eq!(
        asked["draft"]["request"],
        "every weekday at 8:30 remind me to stand up"
    );

    let drafted = turn(&db, "dana", "Tokyo");
    let reply = drafted["reply"].as_str().unwrap();
    assert!(reply.contains("your time zone is Asia/Tokyo"), "{drafted}");
    assert!(
        !reply.contains("Hi, I'm steward"),
        "greeted once: {drafted}"
    );
    assert_eq!(drafted["draft"]["kind"], "create");
    let trigger = &drafted["draft"]["workflow"]["trigger"];
    assert_eq!(trigger["timezone"], "Asia/Tokyo");
    assert_eq!(trigger["expression"], "30 8 * * MON-FRI");
    let tools: Vec<&str> = drafted["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["tool"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["set_timezone", "create_workflow"]);
}

#[test]
fn skip_drafts_in_the_server_default_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db").display().to_string();
    turn(&db, "eve", "tomorrow at 5pm remind me to call mom");
    let drafted = turn(&db, "eve", "skip");
    let reply = drafted["reply"].as_str().unwrap();
    assert!(reply.contains("the server's time zone, UTC"), "{drafted}");
    assert!(reply.contains("(UTC)"), "{drafted}");
    assert_eq!(drafted["draft"]["workflow"]["trigger"]["timezone"], "UTC");
}

#[test]
fn a_relative_reminder_is_drafted_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db").display().to_string();
    let drafted = turn(&db, "finn", "in 20 minutes remind me to take the pizza out");
    let reply = drafted["reply"].as_str().unwrap();
    assert!(reply.contains("(draft)"), "{drafted}");
    assert!(!reply.contains("I'll draft your request"), "{drafted}");
    assert_eq!(drafted["draft"]["kind"], "create");
}

#[test]
fn i_moved_to_tokyo_moves_the_listed_workflows_after_one_yes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db").display().to_string();
    let paris = |message: &str| turn_in("Europe/Paris", &db, "gus", message);
    paris("every weekday at 8:30 remind me to stretch");
    paris("yes");
    paris("every friday at 17:00 remind me to send the report");
    paris("yes");
    let offered = paris("I moved to Tokyo");
    let reply = offered["reply"].as_str().unwrap();
    assert!(
        reply.contains("Your time zone is now Asia/Tokyo"),
        "{offered}"
    );
    assert!(reply.contains("#1 Stretch"), "{offered}");
    assert!(reply.contains("#2 Send the report"), "{offered}");
    assert_eq!(offered["draft"]["kind"], "move");

    let moved = paris("yes");
    assert!(
        moved["reply"]
            .as_str()
            .unwrap()
            .starts_with("Moved 2 workflows to Asia/Tokyo"),
        "{moved}"
    );
    let (code, stdout, stderr) = output_of(
        steward_command().args(["--db", &db, "workflows", "list", "--json"]),
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let listed: Value = serde_json::from_str(&stdout).unwrap();
    for workflow in listed.as_array().unwrap() {
        assert_eq!(workflow["trigger"]["timezone"], "Asia/Tokyo", "{listed}");
    }
    assert_eq!(listed[0]["trigger"]["expression"], "30 8 * * MON-FRI");
}

#[test]
fn the_terminal_obeys_the_message_quota_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db").display().to_string();
    let lines = "list my workflows\n".repeat(6) + "quit\n";
    let (code, stdout, stderr) = output_of(
        steward_command()
            .args(["--db", &db, "chat", "--user", "carol"])
            .env("STEWARD_QUOTA_MESSAGES_PER_MINUTE", "3"),
        Some(&lines),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.matches("You have no workflows yet").count(),
        3,
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("your limit is 3 a minute").count(),
        1,
        "told once: {stdout}"
    );
}
