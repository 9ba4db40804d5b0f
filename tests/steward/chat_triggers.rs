//! Event triggers in chat, offline: "when GitHub posts to a webhook, …" and
//! "when the backup fails, …" become drafts with those triggers; a webhook's
//! URL and secret are shown only in a private chat, and never kept in the
//! conversation's history.

use steward::agent::{AnswerBy, Content, Inbound};

use crate::helpers::Chat;

const NOW: &str = "2026-11-20T10:00:00Z";

#[tokio::test]
async fn a_webhook_drafted_in_chat_says_a_url_will_be_made_and_shows_it_once_confirmed() {
    let chat = Chat::start(NOW).await;
    let draft = chat
        .say(
            "ann",
            "when GitHub posts to a webhook, tell me the commit message",
        )
        .await;
    assert!(
        draft.text.contains("webhook URL is called"),
        "{}",
        draft.text
    );
    assert!(
        draft.text.contains("GitHub's X-Hub-Signature-256"),
        "{}",
        draft.text
    );
    assert!(
        draft.text.contains("confirming makes its URL and secret"),
        "{}",
        draft.text
    );
    assert!(
        chat.workflows("ann").await.is_empty(),
        "nothing stored before yes"
    );

    let created = chat.say("ann", "yes").await;
    let stored = chat.workflows("ann").await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].trigger_kind, "webhook");
    assert_eq!(stored[0].trigger_expression, "github");
    assert_eq!(stored[0].next_run, None, "the clock never fires it");
    let hook = steward::store::hooks::of_workflow(
        &mut chat.app.store.connection().await.unwrap(),
        stored[0].id,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        created.text.contains(&format!("/hooks/{}", hook.hook_id)),
        "{}",
        created.text
    );
    assert!(created.text.contains(&hook.secret), "{}", created.text);

    // The secret is not in what the conversation keeps.
    let kept: Vec<(String,)> = sqlx::query_as("SELECT history FROM conversations")
        .fetch_all(chat.app.store.pool())
        .await
        .unwrap();
    assert!(
        kept.iter().all(|(h,)| !h.contains(&hook.secret)),
        "{kept:?}"
    );
}

#[tokio::test]
async fn in_a_group_the_webhooks_secret_is_not_shown_and_the_person_is_asked_to_message_privately()
{
    let chat = Chat::start(NOW).await;
    let group = |text: &str| Inbound {
        conversation: "test:group".into(),
        user: "ann".into(),
        user_name: None,
        home_chat: "test:group".into(),
        manages: None,
        timezone: Some(chat.config.default_zone),
        greet_newcomer: false,
        answer_by: AnswerBy::ButtonOrReply,
        content: Content::Text(text.into()),
    };
    chat.agent
        .handle(group("when a webhook is called, say hi"))
        .await
        .unwrap();
    let created = chat.agent.handle(group("yes")).await.unwrap();
    let id = chat.workflows("ann").await[0].id;
    let hook =
        steward::store::hooks::of_workflow(&mut chat.app.store.connection().await.unwrap(), id)
            .await
            .unwrap()
            .unwrap();
    assert!(!created.text.contains(&hook.secret), "{}", created.text);
    assert!(created.text.contains("private chat"), "{}", created.text);
    let asked = chat
        .agent
        .handle(group(&format!("show the webhook of #{id}")))
        .await
        .unwrap();
    assert!(!asked.text.contains(&hook.secret), "{}", asked.text);
    // Privately it is shown; the URL holds the secret (checked by the path).
    let private = chat.say("ann", &format!("show the webhook of #{id}")).await;
    assert!(private.text.contains(&hook.path(true)), "{}", private.text);
}

#[tokio::test]
async fn a_completion_trigger_in_chat_names_the_workflow_it_follows() {
    let chat = Chat::start(NOW).await;
    chat.say("ann", "every day at 3am check https://example.com/db")
        .await;
    chat.say("ann", "call it Backup").await;
    chat.say("ann", "yes").await;
    chat.say("ann", "every hour check https://example.com/alert")
        .await;
    chat.say("ann", "call it Alert").await;
    chat.say("ann", "yes").await;
    let draft = chat
        .say("ann", "when the backup fails, run the alert workflow")
        .await;
    assert!(draft.text.contains("fails (\"Backup\")"), "{}", draft.text);
    assert!(draft.text.contains("start workflow"), "{}", draft.text);
    chat.say("ann", "yes").await;
    let summary = chat
        .say("ann", "after the alert succeeds, send me its summary")
        .await;
    assert!(
        summary.text.contains("succeeds (\"Alert\")"),
        "{}",
        summary.text
    );
    chat.say("ann", "yes").await;
    let stored = chat.workflows("ann").await;
    let kinds: Vec<(&str, &str)> = stored
        .iter()
        .map(|w| (w.trigger_kind.as_str(), w.trigger_expression.as_str()))
        .collect();
    let (backup, alert) = (stored[0].id, stored[1].id);
    assert_eq!(
        kinds[2..],
        [
            ("after", format!("{backup} failed").as_str()),
            ("after", format!("{alert} succeeded").as_str())
        ]
    );
    // A workflow nobody has is named back, and nothing is stored.
    let unknown = chat.say("ann", "when the deploy fails, tell me").await;
    assert!(
        unknown
            .text
            .contains("couldn't find a workflow called 'deploy'"),
        "{}",
        unknown.text
    );
    assert_eq!(chat.workflows("ann").await.len(), 4);
}

#[tokio::test]
async fn the_model_drafts_a_webhook_and_never_sees_its_secret() {
    use crate::fake_openai::{FakeOpenAi, Reply};
    let args = serde_json::json!({
        "name": null, "schedule": "when GitHub posts to a webhook",
        "instruction": "tell me the commit message",
        "steps": null, "timezone": null, "limits": null
    });
    let fake = FakeOpenAi::start(vec![
        Reply::call("create_workflow", &args.to_string()),
        Reply::text("I drafted it. Create it?"),
        Reply::text("It is set up."),
    ])
    .await;
    let chat = crate::chat_llm::chat_with(&fake).await;
    let draft = chat
        .say(
            "alice",
            "tell me the commit message whenever GitHub pushes to my webhook",
        )
        .await;
    assert!(
        draft.text.contains("GitHub's X-Hub-Signature-256"),
        "{}",
        draft.text
    );
    let created = chat.say("alice", "yes").await;
    let stored = chat.workflows("alice").await;
    assert_eq!(stored.len(), 1, "{}", created.text);
    assert_eq!(stored[0].trigger_kind, "webhook");
    let mut conn = chat.app.store.connection().await.unwrap();
    let hook = steward::store::hooks::of_workflow(&mut conn, stored[0].id)
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    assert!(created.text.contains(&hook.secret), "{}", created.text);
    chat.say("alice", "thanks, is it set up?").await;
    for request in fake.requests() {
        assert!(
            !request.to_string().contains(&hook.secret),
            "the model saw the secret"
        );
    }
}
