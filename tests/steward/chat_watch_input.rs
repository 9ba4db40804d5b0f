//! In chat, offline: a page watch drafted and stored, and a run given its
//! input in the same sentence ("run the report for last week").

use crate::helpers::Chat;

#[tokio::test]
async fn tell_me_when_a_page_changes_drafts_a_watch_that_says_how_it_starts() {
    let chat = Chat::start("2026-11-20T10:00:00Z").await;
    for (user, sentence) in [
        (
            "alice",
            "tell me when https://example.com/pricing changes, check every hour",
        ),
        (
            "bob",
            "every 2 hours let me know if https://example.com/pricing is updated",
        ),
        // No schedule: hourly, which the draft shows.
        ("carol", "watch https://example.com/pricing for changes"),
    ] {
        let draft = chat.say(user, sentence).await;
        assert!(
            draft
                .text
                .contains("if the page changed since the last run"),
            "{}",
            draft.text
        );
        assert!(
            draft
                .text
                .contains("the first run only records how it is now, silently"),
            "{}",
            draft.text
        );
        if user == "carol" {
            assert!(draft.text.contains("Every hour"), "{}", draft.text);
        }
        assert!(
            chat.say(user, "yes").await.text.starts_with("Created"),
            "{sentence}"
        );
        let stored = &chat.workflows(user).await[0];
        assert!(
            stored.plan_json.contains("\"changed\""),
            "{}",
            stored.plan_json
        );
        assert_eq!(stored.name, "Example watch");
    }
}

#[tokio::test]
async fn run_the_report_for_last_week_gives_the_run_its_input() {
    let chat = Chat::start("2026-11-20T10:00:00Z").await;
    chat.say("alice", "every monday at 9 remind me to send the report")
        .await;
    assert!(chat.say("alice", "yes").await.text.starts_with("Created"));
    let id = chat.workflows("alice").await[0].id;
    for (sentence, input) in [
        (
            "run send the report for last week",
            serde_json::json!({"text": "for last week"}),
        ),
        (
            "run send the report with {\"week\": 47}",
            serde_json::json!({"week": 47}),
        ),
        ("run send the report now", serde_json::Value::Null),
    ] {
        let ran = chat.say("alice", sentence).await;
        assert!(ran.text.starts_with("Ran #"), "{sentence}: {}", ran.text);
        let runs = steward::store::runs::list(chat.app.store.pool(), Some(id), None, 10)
            .await
            .unwrap();
        let last = runs.iter().max_by_key(|r| r.id).unwrap();
        assert_eq!(last.input.clone().unwrap_or_default(), input, "{sentence}");
    }
    // A name that is no workflow, even cut, is still "not found".
    let unknown = chat.say("alice", "run the invoices for march").await;
    assert!(!unknown.text.starts_with("Ran"), "{}", unknown.text);
}

#[tokio::test]
async fn a_clause_about_failing_becomes_the_workflows_policy() {
    let chat = Chat::start("2026-11-20T10:00:00Z").await;
    chat.say("alice", "every monday at 9 remind me to page on-call")
        .await;
    assert!(chat.say("alice", "yes").await.text.starts_with("Created"));
    let draft = chat
        .say(
            "alice",
            "every day at 9 check https://example.com and tell me if it's down, if it fails try again 3 times",
        )
        .await;
    assert!(
        draft
            .text
            .contains("If a run fails: it runs again up to 3 times"),
        "{}",
        draft.text
    );
    assert!(
        draft.text.contains("GET https://example.com"),
        "{}",
        draft.text
    );
    assert!(chat.say("alice", "yes").await.text.starts_with("Created"));
    let draft = chat
        .say(
            "alice",
            "every night at 2 check https://example.org and tell me if it's down; on failure run the page on-call workflow",
        )
        .await;
    assert!(
        draft
            .text
            .contains("besides telling you, it starts \"Page on-call\""),
        "{}",
        draft.text
    );
    assert!(chat.say("alice", "yes").await.text.starts_with("Created"));
    let ghost = chat
        .say(
            "alice",
            "every day at 7 check https://example.net, if it fails run the ghost workflow",
        )
        .await;
    assert!(
        ghost
            .text
            .contains("If it fails I'd start \"ghost\", but I couldn't find"),
        "{}",
        ghost.text
    );
    let stored = chat.workflows("alice").await;
    let policies: Vec<_> = stored.iter().map(|w| w.policies.clone()).collect();
    assert_eq!(policies[1].retries, 3);
    assert!(policies[2].on_failure.is_some());
    let refused = chat
        .say(
            "alice",
            "every night at 3 check https://example.net, if that fails tell telegram:-100123",
        )
        .await;
    assert!(
        refused
            .text
            .to_lowercase()
            .contains("only an admin can send a workflow's failures to another chat"),
        "{}",
        refused.text
    );
}

#[tokio::test]
async fn a_waiting_draft_takes_a_failure_clause_said_on_its_own() {
    let chat = Chat::start("2026-11-20T10:00:00Z").await;
    chat.say(
        "alice",
        "every day at 9 check https://example.com and tell me if it's down",
    )
    .await;
    let amended = chat.say("alice", "if it fails, retry 3 times").await;
    assert!(
        amended
            .text
            .contains("If a run fails: it runs again up to 3 times"),
        "{}",
        amended.text
    );
    let refused = chat.say("alice", "and if it fails tell #ops").await;
    assert!(
        refused.text.contains("The draft is unchanged"),
        "{}",
        refused.text
    );
    assert!(chat
        .say("alice", "yes but try again twice if it fails")
        .await
        .text
        .starts_with("Created"));
    assert_eq!(chat.workflows("alice").await[0].policies.retries, 2);
}

#[tokio::test]
async fn an_admin_sends_a_workflows_failures_to_another_chat_it_names() {
    let chat = Chat::with("2026-11-20T10:00:00Z", |name| {
        (name == "STEWARD_ADMINS").then(|| "root".to_string())
    })
    .await;
    let draft = chat
        .say(
            "root",
            "every night at 3 check https://example.net and tell me if it's down, if it fails tell telegram:-100123",
        )
        .await;
    assert!(
        draft
            .text
            .contains("besides telling you, it tells telegram:-100123"),
        "{}",
        draft.text
    );
    assert!(chat.say("root", "yes").await.text.starts_with("Created"));
    let stored = &chat.workflows("root").await[0];
    let notify = stored
        .policies
        .on_failure
        .as_ref()
        .and_then(|o| o.notify.clone());
    assert_eq!(notify.as_deref(), Some("telegram:-100123"));
    // A name is no chat: said so, nothing guessed.
    let unknown = chat
        .say(
            "root",
            "every night at 4 check https://example.org, if it fails tell #ops",
        )
        .await;
    assert!(
        unknown.text.contains("I can't tell which chat '#ops' is"),
        "{}",
        unknown.text
    );
}
