//! The operator's hard ceilings on run guardrails (`STEWARD_MAX_TOOL_CALLS`,
//! `STEWARD_MAX_RUN_SECONDS`, `STEWARD_MAX_TOKENS`, `STEWARD_MAX_COST_USD`):
//! a workflow may ask for less, never more, on every surface.

use serde_json::{json, Value};

use crate::api_client::{definition, served, Api};
use crate::helpers::{output_of, steward_command, Chat, Served};

fn with_guardrails(guardrails: Value) -> Value {
    let mut definition = definition("Busy agent");
    definition["guardrails"] = guardrails;
    definition
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_refuses_guardrails_over_the_ceilings_naming_them() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    for (guardrails, field, ceiling) in [
        (
            json!({"timeout_seconds": 999_999}),
            "guardrails.timeout_seconds",
            "ceiling of 300 s",
        ),
        (
            json!({"max_tool_calls": 1_000_000}),
            "guardrails.max_tool_calls",
            "ceiling of 100 tool calls",
        ),
        (
            json!({"max_cost_usd": 500.0}),
            "guardrails.max_cost_usd",
            "ceiling of $10.00",
        ),
    ] {
        for path in ["/api/v1/workflows", "/api/v1/workflows?dry_run=true"] {
            let answer = alice.post(path, &with_guardrails(guardrails.clone())).await;
            assert_eq!(answer.status, 422, "{path}: {}", answer.body);
            assert_eq!(answer.body["field"], field, "{}", answer.body);
            let error = answer.body["error"].as_str().unwrap();
            assert!(error.contains(ceiling), "{error}");
            assert!(
                !error.contains("guardrails.") || error.starts_with(field),
                "{error}"
            );
        }
    }
    let list = alice.get("/api/v1/workflows").await;
    assert_eq!(list.body["items"], json!([]), "nothing was stored");

    let within = alice
        .post(
            "/api/v1/workflows",
            &with_guardrails(json!({"timeout_seconds": 60, "max_tool_calls": 10})),
        )
        .await;
    assert_eq!(within.status, 201, "{}", within.body);
    served.stop().await;
}

#[test]
fn an_import_over_a_ceiling_is_refused_whole_and_the_operator_can_raise_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let definitions = json!([{
        "name": "Deep research", "owner": "alice",
        "trigger": {"schedule": "every day at 9"},
        "steps": [{"type": "message", "text": "hi"}],
        "guardrails": {"timeout_seconds": 999_999, "max_tool_calls": 1_000_000}
    }])
    .to_string();
    let import = |env: &[(&str, &str)]| {
        let mut command = steward_command();
        command
            .arg("--db")
            .arg(&db)
            .args(["workflows", "import", "-"]);
        for (name, value) in env {
            command.env(name, value);
        }
        output_of(&mut command, Some(&definitions))
    };
    let (code, stdout, _) = import(&[]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("1000000 tool calls is over this steward's ceiling of 100 tool calls"),
        "{stdout}"
    );
    assert!(stdout.contains("STEWARD_MAX_TOOL_CALLS"), "{stdout}");
    let (code, stdout, _) = import(&[
        ("STEWARD_MAX_TOOL_CALLS", "1000000"),
        ("STEWARD_MAX_RUN_SECONDS", "1000000"),
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("\"imported\""), "{stdout}");
}

#[test]
fn a_ceiling_that_is_not_a_positive_number_stops_steward_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = steward_command();
    command
        .arg("--db")
        .arg(dir.path().join("steward.db"))
        .args(["workflows", "list"])
        .env("STEWARD_MAX_COST_USD", "lots");
    let (code, stdout, stderr) = output_of(&mut command, None);
    assert_ne!(code, 0);
    assert!(
        format!("{stdout}{stderr}").contains("STEWARD_MAX_COST_USD must be a number above 0"),
        "{stdout}{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_keeps_at_most_the_workflow_quota_and_an_admin_is_exempt() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_QUOTA_WORKFLOWS", "2"),
    ])
    .await;
    let alice = Api::of(&served, "alice").await;
    for name in ["One", "Two"] {
        let created = alice.post("/api/v1/workflows", &definition(name)).await;
        assert_eq!(created.status, 201, "{}", created.body);
    }
    let third = alice.post("/api/v1/workflows", &definition("Three")).await;
    assert_eq!(third.status, 403, "{}", third.body);
    assert_eq!(
        third.body["error"],
        "you have 2 of 2 workflows: delete one you no longer need, or ask an admin for more"
    );
    // A completed or deleted workflow frees its place; an admin is not counted.
    let root = Api::admin(&served, "root").await;
    for name in ["A", "B", "C"] {
        let created = root.post("/api/v1/workflows", &definition(name)).await;
        assert_eq!(created.status, 201, "{}", created.body);
    }
    let list = alice.get("/api/v1/workflows").await;
    let first = list.body["items"][0]["id"].as_i64().unwrap();
    let deleted = alice.delete(&format!("/api/v1/workflows/{first}")).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    let again = alice.post("/api/v1/workflows", &definition("Three")).await;
    assert_eq!(again.status, 201, "{}", again.body);
    served.stop().await;
}

#[tokio::test]
async fn past_the_quota_chat_says_so_before_drafting_anything() {
    let chat = Chat::with("2026-11-21T10:00:00Z", |name| {
        (name == "STEWARD_QUOTA_WORKFLOWS").then(|| "1".to_string())
    })
    .await;
    chat.say("bob", "every day at 9 remind me to water the plants")
        .await;
    let created = chat.say("bob", "yes").await;
    assert!(created.text.starts_with("Created"), "{}", created.text);
    let refused = chat
        .say("bob", "every day at 10 remind me to stretch")
        .await;
    assert!(
        refused.text.contains(
            "You have 1 of 1 workflows: delete one you no longer need, or ask an admin for more."
        ),
        "{}",
        refused.text
    );
    assert!(!refused.text.contains("(draft)"), "{}", refused.text);
    let list = chat.say("bob", "list my workflows").await;
    assert!(
        list.text.contains("Your workflow:\n#1 Water the plants"),
        "{}",
        list.text
    );
    assert!(!list.text.contains("#2"), "{}", list.text);
    // Deleting one frees its place.
    chat.say("bob", "delete water the plants").await;
    chat.say("bob", "yes").await;
    let drafted = chat
        .say("bob", "every day at 10 remind me to stretch")
        .await;
    assert!(drafted.text.contains("(draft)"), "{}", drafted.text);
}
