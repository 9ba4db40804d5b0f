//! Secrets typed in chat: the workflow keeps what it needs to run, and
//! nothing shown or kept in words (the draft, `show`, the history, the
//! actions) repeats them.

use serde_json::{json, Value};

use crate::helpers::Served;

const TOKEN: &str = "api-token-secrets";

async fn say(served: &Served, body: Value) -> Value {
    let (status, answer) = served.chat(TOKEN, &body).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_in_a_url_runs_the_workflow_but_is_never_shown_or_kept_in_words() {
    let served = Served::start(&[("STEWARD_API_TOKEN", TOKEN)]).await;
    // The integration knows alice's zone, so no zone question comes first.
    let who = json!({"conversation_id": "room", "user_id": "alice", "timezone": "Europe/Paris"});
    let with = |key: &str, value: &str| {
        let mut body = who.clone();
        body[key] = value.into();
        body
    };
    let draft = say(
        &served,
        with(
            "text",
            "every day at 9 check https://admin:hunter2@status.example.com and tell me if it's down",
        ),
    )
    .await;
    assert!(
        draft["reply"].as_str().unwrap().contains("(draft)"),
        "{draft}"
    );
    let created = say(&served, with("action", "confirm")).await;
    let shown = say(&served, with("text", "show it")).await;
    for answer in [&draft, &created, &shown] {
        assert!(!answer.to_string().contains("hunter2"), "{answer}");
    }
    assert!(
        shown["reply"]
            .as_str()
            .unwrap()
            .contains("status.example.com"),
        "{shown}"
    );

    let store = served.store().await;
    let workflows = steward::store::workflows::list(store.pool(), Some("webhook:alice"))
        .await
        .unwrap();
    assert_eq!(workflows.len(), 1);
    assert!(
        format!("{:?}", workflows[0]).contains("admin:hunter2@"),
        "the stored workflow needs the password to run"
    );
    let history: Vec<String> = sqlx::query_scalar("SELECT history FROM conversations")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert!(!history.is_empty());
    assert!(
        history.iter().all(|h| !h.contains("hunter2")),
        "{history:?}"
    );
    served.stop().await;
}
