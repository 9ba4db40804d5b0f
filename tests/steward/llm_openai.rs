//! The OpenAI-compatible client against a scripted fake server: what it sends,
//! what it reads back, and how it retries.

use std::time::{Duration, Instant};

use serde_json::json;
use steward::llm::{ChatModel, LlmConfig, Message, OpenAi, Purpose, ToolCall, ToolSpec};

use crate::fake_openai::{error_body, FakeOpenAi, Reply, COMPLETION_TOKENS, PROMPT_TOKENS};

const KEY: &str = "sk-test-0123456789abcdef";

pub(crate) fn config(server: &FakeOpenAi) -> LlmConfig {
    LlmConfig {
        api_key: Some(KEY.into()),
        base_url: server.base_url.clone(),
        model: "steward-test-model".into(),
        max_retries: 2,
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(5),
        prices: Default::default(),
        max_tokens: Default::default(),
        turn_deadline: Duration::from_secs(30),
        history_tokens: 1500,
    }
}

pub(crate) fn model(server: &FakeOpenAi) -> OpenAi {
    OpenAi::new(config(server)).unwrap()
}

pub(crate) fn hello() -> Vec<Message> {
    vec![Message::user("hello")]
}

#[tokio::test]
async fn a_text_reply_comes_back_with_its_usage() {
    let server = FakeOpenAi::start(vec![Reply::text("Hi! What shall I schedule?")]).await;

    let completion = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap();

    assert_eq!(
        completion.message,
        Message::assistant("Hi! What shall I schedule?")
    );
    assert_eq!(completion.usage.prompt_tokens, PROMPT_TOKENS);
    assert_eq!(completion.usage.completion_tokens, COMPLETION_TOKENS);
}

#[tokio::test]
async fn tool_calls_come_back_with_names_and_raw_arguments_even_malformed_ones() {
    let server = FakeOpenAi::start(vec![Reply::ToolCalls(vec![
        (
            "create_workflow".into(),
            r#"{"name": "standup", "at": "9am"}"#.into(),
        ),
        ("list_workflows".into(), r#"{"filter": "#.into()),
    ])])
    .await;

    let completion = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap();

    assert_eq!(completion.message.content, "");
    assert_eq!(
        completion.message.tool_calls,
        vec![
            ToolCall {
                id: "call_1".into(),
                name: "create_workflow".into(),
                arguments: r#"{"name": "standup", "at": "9am"}"#.into(),
            },
            ToolCall {
                id: "call_2".into(),
                name: "list_workflows".into(),
                arguments: r#"{"filter": "#.into(),
            },
        ]
    );
}

#[tokio::test]
async fn the_request_carries_the_model_the_messages_in_order_the_strict_tools_and_the_key() {
    let server = FakeOpenAi::start(vec![Reply::text("done")]).await;
    let mut assistant = Message::assistant("");
    assistant.tool_calls.push(ToolCall {
        id: "call_7".into(),
        name: "list_workflows".into(),
        arguments: "{}".into(),
    });
    let messages = vec![
        Message::system("You are steward."),
        Message::user("what runs today?"),
        assistant,
        Message::tool("call_7", r#"["standup"]"#),
    ];
    let parameters = json!({
        "type": "object",
        "properties": {"filter": {"type": "string"}},
        "required": ["filter"],
        "additionalProperties": false,
    });
    let tools = vec![ToolSpec {
        name: "list_workflows".into(),
        description: "Lists the workflows.".into(),
        parameters: parameters.clone(),
        strict: true,
    }];

    model(&server)
        .complete(Purpose::Chat, &messages, &tools)
        .await
        .unwrap();

    let request = &server.requests()[0];
    assert_eq!(request["model"], "steward-test-model");
    assert_eq!(
        request["messages"],
        json!([
            {"role": "system", "content": "You are steward."},
            {"role": "user", "content": "what runs today?"},
            {"role": "assistant", "tool_calls": [
                {"type": "function", "id": "call_7",
                 "function": {"name": "list_workflows", "arguments": "{}"}}
            ]},
            {"role": "tool", "content": r#"["standup"]"#, "tool_call_id": "call_7"},
        ])
    );
    assert_eq!(
        request["tools"],
        json!([{"type": "function", "function": {
            "name": "list_workflows",
            "description": "Lists the workflows.",
            "parameters": parameters,
            "strict": true,
        }}])
    );
    assert_eq!(
        request["temperature"].as_f64().map(|t| (t * 10.0).round()),
        Some(2.0)
    );
    assert_eq!(server.authorization(0), Some(format!("Bearer {KEY}")));
}

#[tokio::test]
async fn a_local_server_needs_no_key() {
    let server = FakeOpenAi::start(vec![Reply::text("local")]).await;
    let model = OpenAi::new(LlmConfig {
        api_key: None,
        ..config(&server)
    })
    .unwrap();

    let completion = model.complete(Purpose::Chat, &hello(), &[]).await.unwrap();

    assert_eq!(completion.message.content, "local");
    assert!(!server.authorization(0).unwrap_or_default().contains(KEY));
}

#[tokio::test]
async fn a_server_error_then_a_text_reply_succeeds_on_the_second_request() {
    let server = FakeOpenAi::start(vec![Reply::Status(500), Reply::text("recovered")]).await;

    let completion = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap();

    assert_eq!(completion.message.content, "recovered");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_rate_limit_is_retried() {
    let server = FakeOpenAi::start(vec![
        Reply::Status(429),
        Reply::Status(429),
        Reply::text("finally"),
    ])
    .await;

    let completion = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap();

    assert_eq!(completion.message.content, "finally");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_rate_limit_waits_as_long_as_retry_after_says() {
    let server = FakeOpenAi::start(vec![
        Reply::Custom {
            status: 429,
            headers: vec![("retry-after".into(), "1".into())],
            body: error_body(429, "slow down"),
        },
        Reply::text("rested"),
    ])
    .await;
    let started = Instant::now();

    let completion = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap();

    assert_eq!(completion.message.content, "rested");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_server_error_on_every_attempt_fails_after_max_retries_plus_one_requests() {
    let server = FakeOpenAi::start(vec![Reply::Status(500); 10]).await;

    let error = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err();

    assert_eq!(server.requests().len(), 3);
    let text = error.to_string();
    assert!(text.contains("500"), "{text}");
    assert!(text.contains(&server.base_url), "{text}");
    assert!(text.contains("after 3 attempts"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}

#[tokio::test]
async fn a_rejected_key_is_not_retried_and_not_repeated() {
    let echoed = format!(
        r#"{{"error": {{"message": "Incorrect API key provided: {KEY}.", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}}}"#
    );
    let server = FakeOpenAi::start(vec![Reply::Custom {
        status: 401,
        headers: Vec::new(),
        body: echoed,
    }])
    .await;

    let error = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err();

    assert_eq!(server.requests().len(), 1);
    let text = error.to_string();
    assert!(text.contains("401"), "{text}");
    assert!(text.contains("OPENAI_API_KEY"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}

#[tokio::test]
async fn an_exhausted_quota_is_not_retried() {
    let server = FakeOpenAi::start(vec![Reply::Custom {
        status: 429,
        headers: Vec::new(),
        body: json!({"error": {"message": "You exceeded your current quota.", "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}).to_string(),
    }])
    .await;

    let error = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err();

    assert_eq!(server.requests().len(), 1);
    assert!(error.to_string().contains("quota"), "{error}");
}

#[tokio::test]
async fn a_malformed_answer_is_an_error_and_not_retried() {
    let server = FakeOpenAi::start(vec![
        Reply::Raw("this is not json".into()),
        Reply::Raw(r#"{"object": "chat.completion", "choices": []}"#.into()),
    ])
    .await;
    let model = model(&server);

    let not_json = model
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err();
    let no_choices = model
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err();

    assert_eq!(server.requests().len(), 2);
    assert!(
        not_json.to_string().contains("could not read"),
        "{not_json}"
    );
    assert!(
        no_choices.to_string().contains("no choices"),
        "{no_choices}"
    );
}

#[tokio::test]
async fn a_model_that_does_not_answer_in_time_is_asked_again() {
    let server = FakeOpenAi::start(vec![Reply::Hang, Reply::text("awake")]).await;
    let model = OpenAi::new(LlmConfig {
        timeout: Duration::from_millis(300),
        ..config(&server)
    })
    .unwrap();

    let completion = model.complete(Purpose::Chat, &hello(), &[]).await.unwrap();

    assert_eq!(completion.message.content, "awake");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_unreachable_server_fails_after_its_retries_with_the_cause() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let model = OpenAi::new(LlmConfig {
        api_key: Some(KEY.into()),
        base_url: base_url.clone(),
        model: "m".into(),
        max_retries: 1,
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(5),
        prices: Default::default(),
        max_tokens: Default::default(),
        turn_deadline: Duration::from_secs(30),
        history_tokens: 1500,
    })
    .unwrap();

    let error = model
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err()
        .to_string();

    assert!(
        error.starts_with(&format!(
            "could not reach the language model at {base_url} after 2 attempts"
        )),
        "{error}"
    );
    assert!(error.to_lowercase().contains("refused"), "{error}");
}

#[tokio::test]
async fn a_model_that_refuses_a_temperature_is_asked_again_without_one() {
    let refusal = json!({"error": {
        "message": "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value",
    }});
    let server = FakeOpenAi::start(vec![
        Reply::Custom {
            status: 400,
            headers: Vec::new(),
            body: refusal.to_string(),
        },
        Reply::text("first"),
        Reply::text("second"),
    ])
    .await;
    let model = OpenAi::new(LlmConfig {
        max_retries: 0,
        ..config(&server)
    })
    .unwrap();

    assert_eq!(
        model
            .complete(Purpose::Chat, &hello(), &[])
            .await
            .unwrap()
            .message
            .content,
        "first"
    );
    assert_eq!(
        model
            .complete(Purpose::Chat, &hello(), &[])
            .await
            .unwrap()
            .message
            .content,
        "second"
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests[0].get("temperature").is_some());
    assert!(requests[1].get("temperature").is_none());
    assert!(requests[2].get("temperature").is_none());
}

#[tokio::test]
async fn other_client_errors_fail_at_once_naming_the_status() {
    let server = FakeOpenAi::start(vec![Reply::Status(404)]).await;

    let error = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err()
        .to_string();

    assert_eq!(server.requests().len(), 1);
    assert!(error.contains("404"), "{error}");
    assert!(error.contains("STEWARD_LLM_BASE_URL"), "{error}");
}

#[tokio::test]
async fn large_and_concurrent_requests_each_get_their_own_answer() {
    let server = FakeOpenAi::start(Vec::new()).await;
    let model = model(&server);
    let long = "a workflow description ".repeat(4_000); // ~90 KB

    let answers = futures::future::join_all((0..4).map(|i| {
        let messages = vec![Message::user(format!("{i}: {long}"))];
        let model = &model;
        async move { model.complete(Purpose::Chat, &messages, &[]).await }
    }))
    .await;

    for answer in answers {
        assert_eq!(answer.unwrap().message.content, "(script ended)");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for request in requests {
        let content = request["messages"][0]["content"].as_str().unwrap();
        assert!(content.ends_with(&long), "a body arrived cut short");
    }
}
