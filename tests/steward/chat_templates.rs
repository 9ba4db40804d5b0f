//! Templates in the conversation, offline: listing them, filling one in
//! from a sentence (missing values asked one at a time, then the usual
//! draft), saving a workflow as a template, changing a value later — and a
//! secret value never shown back.

use crate::helpers::Chat;

/// Saturday 21 Nov 2026, 10:00 UTC.
const NOW: &str = "2026-11-21T10:00:00Z";

fn labels(reply: &steward::agent::Reply) -> Vec<&str> {
    reply.buttons.iter().map(|b| b.label.as_str()).collect()
}

#[tokio::test]
async fn what_templates_are_there_lists_the_catalogue() {
    let chat = Chat::start(NOW).await;
    for question in [
        "what templates are there?",
        "show templates",
        "list tempaltes",
    ] {
        let reply = chat.say("alice", question).await;
        assert!(
            reply
                .text
                .contains("Website monitor (website-monitor, monitoring)"),
            "{question}: {}",
            reply.text
        );
        assert!(
            reply.text.contains("RSS digest") && reply.text.contains("Needs URL"),
            "{}",
            reply.text
        );
    }
}

#[tokio::test]
async fn a_template_with_its_values_in_the_sentence_is_the_usual_draft_and_yes_creates_it() {
    let chat = Chat::start(NOW).await;
    let draft = chat
        .say(
            "alice",
            "use the website monitor for https://example.com every 5 minutes",
        )
        .await;
    assert!(
        draft
            .text
            .contains("New workflow \"Website monitor\" (draft)"),
        "{}",
        draft.text
    );
    assert!(
        draft
            .text
            .contains("GET https://example.com → if not 2xx, message you"),
        "{}",
        draft.text
    );
    assert!(
        draft.text.contains("Values: URL = https://example.com"),
        "{}",
        draft.text
    );
    assert!(
        draft.text.to_lowercase().contains("every 5 minutes"),
        "{}",
        draft.text
    );
    assert_eq!(labels(&draft), ["Create", "Cancel"]);
    assert!(
        chat.workflows("alice").await.is_empty(),
        "nothing before yes"
    );

    let created = chat.say("alice", "yes").await;
    assert!(
        created.text.contains("Created \"Website monitor\""),
        "{}",
        created.text
    );
    let stored = chat.workflows("alice").await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].placeholders["URL"], "https://example.com");
    assert_eq!(stored[0].trigger_kind, "interval");
    assert!(stored[0].plan_json.contains("{{KEY:URL}}"));
}

#[tokio::test]
async fn missing_values_are_asked_one_at_a_time_and_a_secret_is_never_shown_back() {
    let chat = Chat::start(NOW).await;
    let secret = "tok-very-secret-42";
    let asked = chat.say("alice", "use the api health check template").await;
    assert!(asked.text.contains("needs URL"), "{}", asked.text);
    assert_eq!(labels(&asked), ["Cancel"]);
    let again = chat.say("alice", "yes").await;
    assert!(
        again.text.contains("needs URL"),
        "a yes is no value: {}",
        again.text
    );
    let wrong = chat.say("alice", "the usual one").await;
    assert!(wrong.text.contains("isn't a web address"), "{}", wrong.text);
    let token = chat.say("alice", "https://api.example.com/health").await;
    assert!(
        token.text.contains("needs API_TOKEN") && token.text.contains("never shown back"),
        "{}",
        token.text
    );
    let draft = chat.say("alice", secret).await;
    assert!(draft.text.contains("(draft)"), "{}", draft.text);
    assert!(draft.text.contains("API_TOKEN = (set)"), "{}", draft.text);
    assert!(!draft.text.contains(secret), "{}", draft.text);
    assert!(!draft.draft.unwrap().to_string().contains(secret));
    let created = chat.say("alice", "yes").await;
    assert!(created.text.contains("Created"), "{}", created.text);
    let stored = &chat.workflows("alice").await[0];
    assert_eq!(stored.placeholders["API_TOKEN"], secret);
    // The history the model would read later keeps the secret masked.
    let store = &chat.app.store;
    let kept = steward::store::conversations::get(store.pool(), "test:alice", "alice")
        .await
        .unwrap()
        .map(|c| c.history)
        .unwrap_or_default();
    assert!(
        kept.contains("needs API_TOKEN") && !kept.contains(secret),
        "{kept}"
    );

    let show = chat
        .say(
            "alice",
            "set the API_TOKEN of the api health check to tok-new-secret-7",
        )
        .await;
    assert!(show.text.contains("Set API_TOKEN of #1"), "{}", show.text);
    assert!(!show.text.contains("tok-new-secret-7"), "{}", show.text);
    assert_eq!(
        chat.workflows("alice").await[0].placeholders["API_TOKEN"],
        "tok-new-secret-7"
    );
}

#[tokio::test]
async fn cancel_while_asking_drops_the_request() {
    let chat = Chat::start(NOW).await;
    let asked = chat.say("alice", "use the birthday template").await;
    assert!(asked.text.contains("needs PERSON"), "{}", asked.text);
    assert!(
        asked.text.contains("1 more after this one"),
        "{}",
        asked.text
    );
    let cancelled = chat.say("alice", "cancel").await;
    assert!(cancelled.text.contains("Cancelled"), "{}", cancelled.text);
    assert!(chat.workflows("alice").await.is_empty());
}

#[tokio::test]
async fn a_date_given_as_an_answer_becomes_the_yearly_schedule() {
    let chat = Chat::start(NOW).await;
    chat.say("alice", "use the birthday template").await;
    chat.say("alice", "Alex").await;
    let draft = chat.say("alice", "march 14th").await;
    assert!(draft.text.contains("(draft)"), "{}", draft.text);
    assert!(
        draft.text.contains("Today is Alex's birthday!"),
        "{}",
        draft.text
    );
    assert!(draft.text.contains("14 Mar"), "{}", draft.text);
}

#[tokio::test]
async fn a_workflow_is_saved_as_a_template_and_its_url_changed_later() {
    let chat = Chat::start(NOW).await;
    chat.say("alice", "use the website monitor for https://example.com")
        .await;
    chat.say("alice", "yes").await;
    let saved = chat.say("alice", "save this as a template").await;
    assert!(
        saved
            .text
            .contains("Saved #1 \"Website monitor\" as your template"),
        "{}",
        saved.text
    );
    assert!(saved.text.contains("user-1"), "{}", saved.text);
    let list = chat.say("alice", "list templates").await;
    assert!(list.text.contains("(user-1, mine)"), "{}", list.text);
    let others = chat.say("bob", "list templates").await;
    assert!(!others.text.contains("user-1"), "{}", others.text);

    let set = chat
        .say(
            "alice",
            "set the URL of the website monitor to https://new.example.com",
        )
        .await;
    assert!(
        set.text
            .contains("Set URL of #1 \"Website monitor\" to https://new.example.com"),
        "{}",
        set.text
    );
    assert_eq!(
        chat.workflows("alice").await[0].placeholders["URL"],
        "https://new.example.com"
    );
    let unknown = chat.say("alice", "set the COLOUR of #1 to red").await;
    assert!(
        unknown.text.contains("no placeholder COLOUR"),
        "{}",
        unknown.text
    );

    // A change in words keeps the values (the plan needs them to check).
    let moved = chat.say("alice", "rename #1 to Example up").await;
    assert!(moved.text.contains("(draft"), "{}", moved.text);
    let done = chat.say("alice", "yes").await;
    assert!(done.text.contains("Example up"), "{}", done.text);
}

#[tokio::test]
async fn with_a_model_the_template_tools_draft_ask_and_confirm_the_same_way() {
    use crate::fake_openai::{FakeOpenAi, Reply};
    let fake = FakeOpenAi::start(vec![
        Reply::call("list_templates", r#"{"category": null}"#),
        Reply::text("There are 12 templates, the website monitor among them."),
        Reply::call(
            "use_template",
            r#"{"template": "api health check", "placeholders": [{"name": "URL", "value": "https://api.example.com/health"}], "schedule": "every 10 minutes", "name": null}"#,
        ),
        Reply::text("What is the API token?"),
    ])
    .await;
    let chat = crate::chat_llm::chat_with(&fake).await;
    let listed = chat.say("alice", "what can I start from?").await;
    assert_eq!(listed.actions[0].tool, "list_templates");
    assert!(listed.actions[0].ok, "{:?}", listed.actions[0].result);

    let asked = chat
        .say(
            "alice",
            "the api check for https://api.example.com/health every 10 minutes",
        )
        .await;
    assert_eq!(asked.actions[0].tool, "use_template");
    assert!(asked.text.contains("needs API_TOKEN"), "{}", asked.text);
    // The answer is read by steward, not sent to the model.
    let draft = chat.say("alice", "tok-from-the-model-test").await;
    assert_eq!(fake.requests().len(), 4);
    assert!(
        draft.text.contains("Every 10 minutes") && draft.text.contains("API_TOKEN = (set)"),
        "{}",
        draft.text
    );
    assert!(
        !draft.text.contains("tok-from-the-model-test"),
        "{}",
        draft.text
    );
    let created = chat.say("alice", "yes").await;
    assert!(
        created.text.contains("Created \"API health check\""),
        "{}",
        created.text
    );
}

#[tokio::test]
async fn a_template_with_a_time_of_day_waits_for_a_new_persons_zone_first() {
    let chat = Chat::start(NOW).await;
    let asked = chat
        .newcomer_says(
            "dana",
            "use the stand-up reminder with https://meet.example.com/standup",
        )
        .await;
    assert!(
        asked.text.contains("What's your time zone?"),
        "a new person's template draft is not made in the server's zone: {}",
        asked.text
    );
    assert!(!asked.text.contains("(draft)"), "{}", asked.text);
    let after = chat.newcomer_says("dana", "Madrid").await;
    assert!(
        after.text.contains("your time zone is Europe/Madrid"),
        "{}",
        after.text
    );
    let drafted = if after.text.contains("(draft)") {
        after.text
    } else {
        // The template still asks for a value, then drafts in Madrid time.
        chat.newcomer_says("dana", "sprint goals").await.text
    };
    assert!(
        drafted.contains("At 09:25 on weekdays (Europe/Madrid)"),
        "{drafted}"
    );
}
