//! `steward schedule` as a user runs it: human output, `--json`, exit codes.

use serde_json::Value;
use std::process::Command;

use crate::helpers::{output_of, steward_command};

fn steward(args: &[&str]) -> (i32, String, String) {
    output_of(steward_command().args(args), None)
}

#[test]
fn json_output_is_exactly_one_object_with_the_documented_fields() {
    let (code, stdout, _) = steward(&[
        "schedule",
        "every weekday at 8:30",
        "--tz",
        "America/New_York",
        "--now",
        "2026-03-05T12:00:00-05:00",
        "--count",
        "3",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(stdout.trim().lines().count(), 1, "{stdout}");
    let value: Value = serde_json::from_str(&stdout).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "input",
            "kind",
            "expression",
            "timezone",
            "description",
            "task",
            "next"
        ]
    );
    assert_eq!(value["kind"], "cron");
    assert_eq!(value["expression"], "30 8 * * MON-FRI");
    assert_eq!(value["timezone"], "America/New_York");
    assert_eq!(
        value["description"],
        "At 08:30 on weekdays (America/New_York)"
    );
    assert_eq!(value["task"], Value::Null);
    assert_eq!(
        value["next"],
        serde_json::json!([
            "2026-03-06T08:30:00-05:00",
            "2026-03-09T08:30:00-04:00",
            "2026-03-10T08:30:00-04:00"
        ])
    );
}

#[test]
fn the_task_comes_back_with_the_schedule() {
    let (code, stdout, _) = steward(&[
        "schedule",
        "remind me to move the car every other day at 7",
        "--now",
        "2026-11-21T10:00:00Z",
        "--json",
    ]);
    assert_eq!(code, 0);
    let value: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["task"], "move the car");
    assert_eq!(value["kind"], "rrule");
    assert_eq!(value["timezone"], "UTC");
    assert_eq!(value["next"].as_array().unwrap().len(), 5);
}

#[test]
fn a_one_time_schedule_lists_fewer_times_because_it_ends() {
    let (_, stdout, _) = steward(&[
        "schedule",
        "in 20 minutes",
        "--now",
        "2026-11-21T10:00:00Z",
        "--count",
        "4",
        "--json",
    ]);
    let value: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["kind"], "once");
    assert_eq!(
        value["next"],
        serde_json::json!(["2026-11-21T10:20:00+00:00"])
    );
}

#[test]
fn unreadable_input_exits_2_with_an_error_object() {
    for input in ["every 0 minutes", "60 * * * *", "hello there", ""] {
        let (code, stdout, _) = steward(&["schedule", input, "--json"]);
        assert_eq!(code, 2, "{input}");
        let value: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{input}: {e}: {stdout}"));
        let error = value["error"].as_str().unwrap();
        assert!(
            error.contains("try") || error.contains("Try"),
            "{input}: {error}"
        );
        assert_eq!(value.as_object().unwrap().len(), 1);
    }
}

#[test]
fn a_bad_zone_or_clock_is_an_error_too() {
    let (code, stdout, _) = steward(&["schedule", "every day", "--tz", "Mars/Olympus", "--json"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("unknown time zone"), "{stdout}");
    let (code, stdout, _) = steward(&["schedule", "every day", "--now", "yesterday", "--json"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("RFC 3339"), "{stdout}");
}

#[test]
fn human_output_shows_the_description_and_next_times() {
    let (code, stdout, _) = steward(&[
        "schedule",
        "30 8 * * 1-5",
        "--tz",
        "Europe/Paris",
        "--now",
        "2026-11-21T10:00:00+01:00",
        "--count",
        "2",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("At 08:30 on weekdays (Europe/Paris)"),
        "{stdout}"
    );
    assert!(stdout.contains("Mon 23 Nov 2026 08:30 CET"), "{stdout}");
    assert!(stdout.contains("Tue 24 Nov 2026 08:30 CET"), "{stdout}");
    let (code, _, stderr) = steward(&["schedule", "at 25:00"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("'25:00' is not a time of day"), "{stderr}");
}

#[test]
fn the_default_zone_comes_from_the_configuration() {
    let output = Command::new(env!("CARGO_BIN_EXE_steward"))
        .args([
            "schedule",
            "every day at 9",
            "--now",
            "2026-11-21T10:00:00Z",
            "--json",
        ])
        .env("STEWARD_TIMEZONE", "Asia/Tokyo")
        .output()
        .unwrap();
    let value: Value = serde_json::from_str(&String::from_utf8_lossy(&output.stdout)).unwrap();
    assert_eq!(value["timezone"], "Asia/Tokyo");
}
