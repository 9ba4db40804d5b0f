//! The store failing under a person's feet: what they are told holds no SQL
//! and no table names, and closing the store loses nothing written.

use serde_json::json;

use crate::helpers::{at, output_of, steward_command, Chat};
use steward::store::{runs, steps, Store};
use steward::workflow::{Definition, RunStatus, Usage};

/// Words that only an internal error would bring.
const INTERNAL: [&str; 6] = [
    "SQL",
    "sqlite",
    "no such table",
    "audit",
    "constraint",
    "database",
];

fn leaks(text: &str) -> Option<&'static str> {
    INTERNAL
        .into_iter()
        .find(|word| text.to_lowercase().contains(&word.to_lowercase()))
}

#[tokio::test]
async fn a_store_failure_in_chat_is_a_sentence_without_sql() {
    let chat = Chat::start("2026-06-01T08:00:00Z").await;
    let drafted = chat
        .say("alice", "every day at 9 remind me to stretch")
        .await;
    assert!(drafted.draft.is_some(), "{}", drafted.text);
    // Every change is audited in its transaction: without the table, the
    // confirmation fails in the store.
    sqlx::raw_sql("DROP TABLE audit")
        .execute(chat.app.store.pool())
        .await
        .unwrap();
    let reply = chat.say("alice", "yes").await;
    assert_eq!(leaks(&reply.text), None, "{}", reply.text);
    assert!(reply.text.contains("went wrong"), "{}", reply.text);
    assert!(
        chat.workflows("alice").await.is_empty(),
        "nothing was created"
    );
}

#[test]
fn a_store_failure_at_the_command_line_is_a_sentence_without_sql() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let definitions = json!([
        {"name": "stretch", "owner": "alice", "trigger": {"schedule": "every day at 9"}, "steps": [{"type": "message", "text": "stretch"}]}
    ]);
    let steward = |args: &[&str], stdin: Option<&str>| {
        output_of(steward_command().arg("--db").arg(&db).args(args), stdin)
    };
    let (code, _, stderr) = steward(
        &["workflows", "import", "-"],
        Some(&definitions.to_string()),
    );
    assert_eq!(code, 0, "{stderr}");
    run_sql(&db, "DROP TABLE audit");
    let (code, stdout, stderr) = steward(&["workflows", "pause", "1"], None);
    assert_eq!(code, 2, "{stdout}{stderr}");
    // The answer is the `error:` line; the log above it keeps the cause for
    // the operator.
    let answer: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(answer.len(), 1, "{stderr}");
    assert_eq!(leaks(answer[0]), None, "{stderr}");
    assert!(answer[0].contains("went wrong"), "{stderr}");
}

/// Runs `sql` on the database file (as a broken disk or a hand edit would
/// leave it).
fn run_sql(db: &std::path::Path, sql: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}", db.display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::raw_sql(sql).execute(&pool).await.unwrap();
        pool.close().await;
    });
}

#[tokio::test]
async fn closing_the_store_writes_every_step_the_run_log_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("steward.db");
    let now = at("2026-06-01T08:00:00Z");
    let store = Store::open(&path).await.unwrap();
    let definition: Definition = serde_json::from_value(json!({
        "name": "many steps", "owner": "alice", "trigger": {"kind": "manual"},
        "steps": [{"type": "message", "text": "hi"}]
    }))
    .unwrap();
    let new = definition
        .validate(now, steward::schedule::Zone::UTC, 60)
        .unwrap();
    let mut tx = store.begin_write().await.unwrap();
    let workflow = steward::store::workflows::insert(&mut tx, &new, None, now)
        .await
        .unwrap();
    let run = runs::insert(
        &mut tx,
        &runs::NewRun {
            workflow_id: workflow,
            workflow_version: 1,
            trigger: "manual",
            scheduled_for: now,
            status: RunStatus::Running,
            input: None,
            error: None,
            lease: Some(("test", now)),
        },
        now,
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    for i in 0..2_000 {
        store.log().step(
            run,
            &format!("step-{i}"),
            "message",
            steward::workflow::StepStatus::Succeeded,
            Some(&json!({ "sent": i })),
            None,
            None,
            &Usage::default(),
            now,
            now,
        );
    }
    store.close().await;

    let reopened = Store::open(&path).await.unwrap();
    let written = steps::list(reopened.pool(), run).await.unwrap();
    assert_eq!(written.len(), 2_000);
}
