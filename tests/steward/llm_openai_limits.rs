//! The client's bounds and the kinds of failure it tells apart (issue 19):
//! the answer length every request carries, the field a reasoning model
//! insists on, a context overflow, a rate limit's wait.

use std::time::Duration;

use serde_json::json;
use steward::llm::{ChatModel, LlmConfig, LlmErrorKind, MaxTokens, OpenAi, Purpose};

use crate::fake_openai::{error_body, FakeOpenAi, Reply};
use crate::llm_openai::{config, hello, model};

#[tokio::test]
async fn every_request_carries_the_answer_length_for_its_purpose() {
    let server = FakeOpenAi::start(vec![Reply::text("a"), Reply::text("b")]).await;
    let model = OpenAi::new(LlmConfig {
        max_tokens: MaxTokens {
            chat: 321,
            step: 654,
        },
        ..config(&server)
    })
    .unwrap();

    model.complete(Purpose::Chat, &hello(), &[]).await.unwrap();
    model.complete(Purpose::Step, &hello(), &[]).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[0]["max_tokens"], 321);
    assert_eq!(requests[1]["max_tokens"], 654);
}

#[tokio::test]
async fn a_model_that_refuses_max_tokens_is_asked_with_max_completion_tokens() {
    let refusal = json!({"error": {
        "message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter",
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
    model.complete(Purpose::Chat, &hello(), &[]).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0]["max_tokens"], 1024);
    for request in &requests[1..] {
        assert!(request.get("max_tokens").is_none(), "{request}");
        assert_eq!(request["max_completion_tokens"], 1024);
    }
}

#[tokio::test]
async fn a_context_overflow_is_its_own_kind_and_not_retried() {
    let server = FakeOpenAi::start(vec![Reply::Custom {
        status: 400,
        headers: Vec::new(),
        body: json!({"error": {"message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}).to_string(),
    }])
    .await;

    let error = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err();

    assert_eq!(error.kind, LlmErrorKind::ContextTooLong);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_rate_limit_keeps_the_wait_the_server_asked_for() {
    let server = FakeOpenAi::start(vec![Reply::Custom {
        status: 429,
        headers: vec![("retry-after".into(), "90".into())],
        body: error_body(429, "slow down"),
    }])
    .await;

    let error = model(&server)
        .complete(Purpose::Chat, &hello(), &[])
        .await
        .unwrap_err();

    assert_eq!(error.kind, LlmErrorKind::Refused { status: 429 });
    assert_eq!(error.retry_after, Some(Duration::from_secs(90)));
}
