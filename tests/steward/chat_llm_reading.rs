//! The model's own reading of a schedule beside steward's reading of the
//! user's words (LLM mode, fake OpenAI server on 127.0.0.1): agreeing
//! readings make one draft, differing readings show both and wait for a
//! choice, words alone are read as before, and a reading alone is used when
//! steward cannot read the words.

use serde_json::json;

use crate::chat_llm::chat_with;
use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::Chat;

fn create(schedule: &str, reading: Option<&str>) -> String {
    json!({
        "name": "Meditate",
        "schedule": schedule,
        "instruction": "remind me to meditate",
        "steps": null, "timezone": "Europe/Paris", "limits": null,
        "reading": reading,
    })
    .to_string()
}

/// The stored workflows' (cron expression, zone).
async fn stored(chat: &Chat) -> Vec<(String, String)> {
    chat.workflows("alice")
        .await
        .into_iter()
        .map(|w| (w.trigger_expression, w.timezone))
        .collect()
}

#[tokio::test]
async fn agreeing_readings_make_one_draft() {
    let fake = FakeOpenAi::start(vec![
        Reply::call(
            "create_workflow",
            &create("every weekday at 8:30", Some("30 8 * * 1-5")),
        ),
        Reply::text("Drafted."),
    ])
    .await;
    let chat = chat_with(&fake).await;
    let draft = chat
        .say("alice", "every weekday at 8:30 remind me to meditate")
        .await;
    assert!(
        draft.text.contains("At 08:30 on weekdays"),
        "{}",
        draft.text
    );
    assert!(!draft.text.contains("two readings"), "{}", draft.text);
    let created = chat.say("alice", "yes").await;
    assert!(created.text.contains("Created"), "{}", created.text);
    assert_eq!(
        stored(&chat).await,
        [("30 8 * * MON-FRI".into(), "Europe/Paris".into())]
    );
}

#[tokio::test]
async fn differing_readings_show_both_and_wait_for_a_choice() {
    let fake = FakeOpenAi::start(vec![
        Reply::call(
            "create_workflow",
            &create("every day except weekends at 7", Some("0 7 * * 6,0")),
        ),
        Reply::text("Here is the draft."),
    ])
    .await;
    let chat = chat_with(&fake).await;
    let draft = chat
        .say(
            "alice",
            "every day except weekends at 7 remind me to meditate",
        )
        .await;
    assert!(draft.text.contains("two readings differ"), "{}", draft.text);
    assert!(
        draft.text.contains("1. At 07:00 on weekdays"),
        "{}",
        draft.text
    );
    assert!(
        draft.text.contains("2. At 07:00 on weekends"),
        "{}",
        draft.text
    );
    assert!(draft.text.contains("Say 1 or 2"), "{}", draft.text);
    // A yes cannot say which: nothing is created.
    let yes = chat.say("alice", "yes").await;
    assert!(yes.text.contains("can't say which"), "{}", yes.text);
    assert!(stored(&chat).await.is_empty());
    let chosen = chat.say("alice", "1").await;
    assert!(!chosen.text.contains("two readings"), "{}", chosen.text);
    chat.say("alice", "yes").await;
    assert_eq!(
        stored(&chat).await,
        [("0 7 * * MON-FRI".into(), "Europe/Paris".into())]
    );
}

#[tokio::test]
async fn choosing_the_models_reading_stores_it() {
    let fake = FakeOpenAi::start(vec![
        Reply::call(
            "create_workflow",
            &create("every day at 7", Some("0 19 * * *")),
        ),
        Reply::text("Here is the draft."),
    ])
    .await;
    let chat = chat_with(&fake).await;
    chat.say("alice", "every day at 7 remind me to meditate")
        .await;
    chat.say("alice", "the second one").await;
    chat.say("alice", "yes").await;
    assert_eq!(
        stored(&chat).await,
        [("0 19 * * *".into(), "Europe/Paris".into())]
    );
}

#[tokio::test]
async fn words_alone_are_read_as_before() {
    let fake = FakeOpenAi::start(vec![
        Reply::call("create_workflow", &create("every sunday evening", None)),
        Reply::text("Drafted."),
    ])
    .await;
    let chat = chat_with(&fake).await;
    let draft = chat
        .say("alice", "every sunday evening remind me to meditate")
        .await;
    assert!(draft.text.contains("At 18:00 on Sundays"), "{}", draft.text);
    chat.say("alice", "yes").await;
    assert_eq!(
        stored(&chat).await,
        [("0 18 * * SUN".into(), "Europe/Paris".into())]
    );
}

#[tokio::test]
async fn a_reading_alone_is_used_when_the_words_cannot_be_read_and_says_so() {
    let fake = FakeOpenAi::start(vec![
        Reply::call(
            "create_workflow",
            &create("jeden Montag um 9", Some("0 9 * * MON")),
        ),
        Reply::text("Drafted."),
    ])
    .await;
    let chat = chat_with(&fake).await;
    let draft = chat
        .say("alice", "erinnere mich jeden Montag um 9 zu meditieren")
        .await;
    assert!(draft.text.contains("At 09:00 on Mondays"), "{}", draft.text);
    assert!(
        draft.text.contains("the language model's reading"),
        "{}",
        draft.text
    );
    chat.say("alice", "yes").await;
    assert_eq!(
        stored(&chat).await,
        [("0 9 * * MON".into(), "Europe/Paris".into())]
    );
}
