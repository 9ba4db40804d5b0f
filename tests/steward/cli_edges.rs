//! The command line at its edges: a mistake in `--json` mode still prints
//! JSON, a database "path" that is really a URL is refused, and logs going to
//! a file or pipe carry no colour codes.

use serde_json::Value;

use crate::helpers::{output_of, steward_command};

#[test]
fn a_command_line_mistake_with_json_prints_a_json_error() {
    let (code, stdout, stderr) = output_of(
        steward_command().args(["schedule", "every day", "--count", "abc", "--json"]),
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    let error: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout:?} {stderr:?}"));
    let message = error["error"].as_str().unwrap();
    assert!(
        message.contains("'abc'") && message.contains("--count"),
        "{message}"
    );
    // Without --json, clap's own text as before.
    let (code, stdout, stderr) = output_of(
        steward_command().args(["schedule", "every day", "--count", "abc"]),
        None,
    );
    assert_eq!(code, 2);
    assert!(stdout.is_empty() && stderr.contains("--count"), "{stderr}");
}

#[test]
fn a_database_path_with_url_options_is_refused_instead_of_opened_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    for db in [
        format!("{}/x.db?mode=memory", dir.path().display()),
        ":memory:".to_string(),
        "sqlite://x.db".to_string(),
    ] {
        let (code, stdout, stderr) = output_of(
            steward_command().current_dir(dir.path()).args([
                "--db",
                &db,
                "workflows",
                "import",
                "-",
            ]),
            Some(
                r#"[{"name": "w", "owner": "me", "trigger": {"schedule": "every day"}, "steps": [{"type": "message", "text": "hi"}]}]"#,
            ),
        );
        assert_ne!(code, 0, "{db}: {stdout}");
        let said = format!("{stdout}{stderr}");
        assert!(said.contains("not a database file path"), "{db}: {said}");
    }
}

#[test]
fn logs_to_a_pipe_have_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = output_of(
        steward_command()
            .env("STEWARD_LOG", "debug")
            .env_remove("NO_COLOR")
            .arg("--db")
            .arg(dir.path().join("steward.db"))
            .args(["workflows", "list"]),
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("DEBUG"), "some logs were written: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn json_logs_are_one_object_a_line_and_an_unknown_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db").display().to_string();
    let (code, _, stderr) = crate::helpers::output_of(
        crate::helpers::steward_command()
            .args(["--db", &db, "workflows", "list"])
            .env("STEWARD_LOG", "debug")
            .env("STEWARD_LOG_FORMAT", "json"),
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(!lines.is_empty(), "debug logs were written");
    for line in lines {
        let object: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(object["level"].is_string(), "{line}");
    }
    let (code, _, stderr) = crate::helpers::output_of(
        crate::helpers::steward_command()
            .args(["--db", &db, "workflows", "list"])
            .env("STEWARD_LOG_FORMAT", "xml"),
        None,
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("STEWARD_LOG_FORMAT must be text or json"),
        "{stderr}"
    );
}
