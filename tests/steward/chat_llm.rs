//! The conversation in LLM mode, against a fake OpenAI-compatible server on
//! 127.0.0.1 scripted to call the workflow tools, including the ways models
//! get it wrong.

use serde_json::Value;

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::Chat;
use steward::workflow::WorkflowStatus;

const NOW: &str = "2026-11-21T10:00:00Z";

/// A chat whose LLM is `fake` (also used by `chat_llm_reading`).
pub async fn chat_with(fake: &FakeOpenAi) -> Chat {
    let base = fake.base_url.clone();
    Chat::with(NOW, move |name| match name {
        "STEWARD_LLM_BASE_URL" => Some(base.clone()),
        "OPENAI_API_KEY" => Some("sk-test-key".into()),
        "STEWARD_LLM_MODEL" => Some("test-model".into()),
        "STEWARD_LLM_MAX_RETRIES" => Some("2".into()),
        "STEWARD_LLM_BACKOFF_MS" => Some("1".into()),
        _ => None,
    })
    .await
}

fn create_args() -> String {
    serde_json::json!({
        "name": "Status check",
        "schedule": "every weekday at 8:30",
        "instruction": "check https://status.example.com and tell me if it's down",
        "steps": null, "timezone": "Europe/Paris", "limits": null
    })
    .to_string()
}

/// The tool messages of a request, as (call id, content JSON).
fn tool_results(request: &Value) -> Vec<(String, Value)> {
    request["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| {
            (
                m["tool_call_id"].as_str().unwrap().to_string(),
                serde_json::from_str(m["content"].as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_model_drafts_with_tools_and_the_user_confirms() {
    let fake = FakeOpenAi::start(vec![
        Reply::call("create_workflow", &create_args()),
        Reply::text("I drafted \"Status check\" for weekdays at 8:30. Shall I create it?"),
        Reply::call("list_workflows", r#"{"status": null}"#),
        Reply::text("You have one workflow: Status check."),
        Reply::call(
            "pause_workflow",
            r#"{"workflow": "it", "note": "site migration"}"#,
        ),
        Reply::text("Paused it."),
    ])
    .await;
    let chat = chat_with(&fake).await;

    let draft = chat
        .say(
            "alice",
            "every weekday at 8:30 check https://status.example.com and tell me if it's down",
        )
        .await;
    // The model's words, then the exact draft steward will store.
    assert!(draft.text.starts_with("I drafted"), "{}", draft.text);
    assert!(
        draft.text.contains("New workflow \"Status check\" (draft)"),
        "{}",
        draft.text
    );
    assert!(
        draft.text.contains("Mon 23 Nov 08:30 CET"),
        "{}",
        draft.text
    );
    assert_eq!(draft.actions.len(), 1);
    assert_eq!(draft.actions[0].tool, "create_workflow");
    assert!(draft.actions[0].ok);
    assert!(chat.workflows("alice").await.is_empty());

    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(first["model"], "test-model");
    assert_eq!(first["messages"][0]["role"], "system");
    let system = first["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("UTC") && system.contains("(none yet)"),
        "{system}"
    );
    assert!(
        system.contains("Tools an agent step can have: http_request, send_message, workflow_runs, start_workflow, ask_approval."),
        "{system}"
    );
    let tools: Vec<&str> = first["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, steward::agent::tool_names());
    assert!(first["tools"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["function"]["strict"] == true));
    // The tool result goes back as a tool message, not into the prompt.
    let results = tool_results(&requests[1]);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].0, "call_1");
    assert_eq!(results[0].1["ok"], true);
    assert_eq!(results[0].1["result"]["status"], "awaiting confirmation");

    // "yes but at 9" is settled without the model.
    let created = chat.say("alice", "yes but at 9").await;
    assert!(
        created.text.contains("Created \"Status check\" (#1)"),
        "{}",
        created.text
    );
    assert_eq!(fake.requests().len(), 2);
    assert_eq!(
        chat.workflows("alice").await[0].trigger_expression,
        "0 9 * * MON-FRI"
    );

    let list = chat.say("alice", "what do I have?").await;
    assert_eq!(list.text, "You have one workflow: Status check.");
    let third = &fake.requests()[2];
    let system = third["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("#1 Status check"),
        "the prompt summarises the workflows: {system}"
    );
    // Bounded history from the store: the earlier turns come along.
    let said: Vec<&str> = third["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(said.last(), Some(&"what do I have?"));
    assert!(said.contains(&"yes but at 9"), "{said:?}");

    let paused = chat.say("alice", "pause it, the site is moving").await;
    assert_eq!(paused.text, "Paused it.");
    let stored = &chat.workflows("alice").await[0];
    assert_eq!(stored.status, WorkflowStatus::Paused);
    assert_eq!(stored.paused_note.as_deref(), Some("site migration"));
}

#[tokio::test]
async fn malformed_unknown_and_mistyped_calls_go_back_as_errors_the_model_corrects() {
    let fake = FakeOpenAi::start(vec![
        Reply::call("create_workflow", &create_args()),
        Reply::text("Drafted."),
        Reply::call("pause_workflow", "{\"workflow\": \"Status"),
        Reply::call("delete_everything", "{}"),
        Reply::call("pause_workflow", r#"{"workflow": 1, "note": null}"#),
        Reply::call("pause_workflow", r##"{"workflow": "#1", "note": null}"##),
        Reply::text("Paused Status check."),
    ])
    .await;
    let chat = chat_with(&fake).await;
    chat.say("alice", "check the status page every weekday at 8:30")
        .await;
    chat.say("alice", "yes").await;
    let reply = chat.say("alice", "pause the status check").await;
    assert_eq!(reply.text, "Paused Status check.");
    let outcomes: Vec<(&str, bool)> = reply
        .actions
        .iter()
        .map(|a| (a.tool.as_str(), a.ok))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("pause_workflow", false),
            ("delete_everything", false),
            ("pause_workflow", false),
            ("pause_workflow", true)
        ]
    );
    let requests = fake.requests();
    // The last request carries every tool result of the turn.
    let errors: Vec<String> = tool_results(requests.last().unwrap())
        .into_iter()
        .filter(|(_, r)| r["ok"] == false)
        .map(|(_, r)| {
            r["error"]
                .as_str()
                .or(r["result"]["error"].as_str())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("not valid JSON"), "{}", errors[0]);
    assert!(
        errors[1].contains("there is no tool 'delete_everything'"),
        "{}",
        errors[1]
    );
    assert!(errors[2].contains("invalid type: integer"), "{}", errors[2]);
    assert_eq!(
        chat.workflows("alice").await[0].status,
        WorkflowStatus::Paused
    );
}

#[tokio::test]
async fn a_500_is_retried_and_then_the_offline_grammar_answers_and_says_so() {
    let fake = FakeOpenAi::start(vec![
        Reply::Status(500),
        Reply::text("Hello there."),
        Reply::Status(500),
        Reply::Status(502),
        Reply::Status(503),
    ])
    .await;
    let chat = chat_with(&fake).await;
    // One 500, retried: the answer arrives.
    assert_eq!(chat.say("alice", "hi").await.text, "Hello there.");
    assert_eq!(fake.requests().len(), 2);
    // Three failures (the first try and two retries): offline mode answers.
    let reply = chat
        .say("alice", "every day at 9 remind me to stretch")
        .await;
    assert_eq!(fake.requests().len(), 5);
    assert!(
        reply
            .text
            .starts_with("(The language model's server is unavailable right now, so I read that with my simple grammar."),
        "{}",
        reply.text
    );
    assert!(
        reply.text.contains("New workflow \"Stretch\" (draft)"),
        "{}",
        reply.text
    );
    assert!(!reply.text.contains("sk-test-key"));
    assert_eq!(reply.actions.len(), 1);
    assert_eq!(reply.actions[0].tool, "create_workflow");
}

#[tokio::test]
async fn a_model_that_loops_on_tools_is_stopped() {
    let script = (0..10)
        .map(|_| Reply::call("list_workflows", r#"{"status": null}"#))
        .collect();
    let fake = FakeOpenAi::start(script).await;
    let chat = chat_with(&fake).await;
    let reply = chat.say("alice", "list them over and over").await;
    assert!(
        reply.text.contains("I stopped after 6 rounds"),
        "{}",
        reply.text
    );
    assert_eq!(fake.requests().len(), 6);
}

#[tokio::test]
async fn a_model_cannot_make_a_workflow_post_to_another_chat() {
    let elsewhere = serde_json::json!({
        "name": "Spam", "schedule": "every day at 9", "instruction": "post hello",
        "steps": [{"id": "post", "type": "message", "text": "hello", "target": "discord:1:2"}],
        "timezone": null, "limits": null
    })
    .to_string();
    let fake = FakeOpenAi::start(vec![
        Reply::call("create_workflow", &elsewhere),
        Reply::text("I drafted it."),
    ])
    .await;
    let chat = chat_with(&fake).await;
    let draft = chat
        .say("alice", "every day at 9 post hello in the other server")
        .await;
    assert!(
        draft.text.contains("message discord:1:2: \"hello\""),
        "the draft shows the target: {}",
        draft.text
    );
    let reply = chat.say("alice", "yes").await;
    assert!(
        reply.text.contains("can only post to this chat"),
        "{}",
        reply.text
    );
    assert!(chat.workflows("alice").await.is_empty());
}

#[tokio::test]
async fn with_a_model_a_newcomers_timed_request_waits_for_their_zone_and_the_answer_drafts_it() {
    let args = serde_json::json!({
        "name": "Stretch", "schedule": "every weekday at 8:30", "instruction": "remind me to stretch",
        "steps": null, "timezone": null, "limits": null
    })
    .to_string();
    let fake = FakeOpenAi::start(vec![
        Reply::call("create_workflow", &args),
        Reply::text("Before I draft it: which time zone are you in?"),
    ])
    .await;
    let chat = chat_with(&fake).await;
    let asked = chat
        .newcomer_says("nina", "every weekday at 8:30 remind me to stretch")
        .await;
    assert!(
        asked
            .text
            .contains("What's your time zone? A city is enough (Paris, New York, Tokyo)."),
        "{}",
        asked.text
    );
    assert_eq!(asked.draft.as_ref().unwrap()["kind"], "time_zone_question");
    // The model was told steward waits for the zone, and that the person's is unknown.
    let requests = fake.requests();
    let (_, held) = &tool_results(&requests[1])[0];
    assert!(
        held["result"]["status"]
            .as_str()
            .unwrap()
            .contains("waiting for the user's time zone"),
        "{held}"
    );
    let system = requests[0]["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("they have not said theirs yet"), "{system}");

    // The answer is read by steward itself: no model call, the request drafted.
    let drafted = chat.newcomer_says("nina", "Lisbon").await;
    assert_eq!(fake.requests().len(), 2);
    assert!(
        drafted.text.contains("New workflow \"Stretch\" (draft)"),
        "{}",
        drafted.text
    );
    assert_eq!(
        drafted.draft.as_ref().unwrap()["workflow"]["trigger"]["timezone"],
        "Europe/Lisbon"
    );
}

#[tokio::test]
async fn a_password_typed_in_chat_reaches_the_workflow_but_never_the_model() {
    let args = serde_json::json!({
        "name": "Status check",
        "schedule": "every day at 9",
        "instruction": "check https://admin:[secret 1]@status.example.com and tell me if it's down",
        "steps": null, "timezone": null, "limits": null
    })
    .to_string();
    let fake = FakeOpenAi::start(vec![
        Reply::call("create_workflow", &args),
        Reply::text("Drafted it for https://admin:[secret 1]@status.example.com. Create it?"),
    ])
    .await;
    let chat = chat_with(&fake).await;
    let draft = chat
        .say(
            "alice",
            "every day at 9 check https://admin:hunter2@status.example.com and tell me if it's down",
        )
        .await;
    assert!(!draft.text.contains("hunter2"), "{}", draft.text);
    assert!(!draft.text.contains("[secret 1]"), "{}", draft.text);
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert!(!request.to_string().contains("hunter2"), "{request}");
    }
    assert!(requests[0].to_string().contains("admin:[secret 1]@"));
    chat.press("alice", "confirm").await;
    let stored = format!("{:?}", chat.workflows("alice").await);
    assert!(
        stored.contains("admin:hunter2@status.example.com"),
        "{stored}"
    );
}
