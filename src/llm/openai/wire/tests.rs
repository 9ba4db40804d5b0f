use super::*;
use serde_json::json;

fn complete(body: Value) -> Result<Completion, &'static str> {
    serde_json::from_value::<Answer>(body)
        .unwrap()
        .into_completion()
}

#[test]
fn a_sparse_answer_from_a_compatible_server_is_read() {
    let completion = complete(json!({
        "choices": [{"message": {"content": null, "tool_calls": [
            {"function": {"name": "create_workflow", "arguments": {"name": "x"}}}
        ]}, "finish_reason": "eos"}]
    }))
    .unwrap();
    assert_eq!(completion.message.content, "");
    assert_eq!(completion.message.tool_calls[0].id, "call_1");
    assert_eq!(
        completion.message.tool_calls[0].arguments,
        r#"{"name":"x"}"#
    );
    assert_eq!(completion.usage, TokenUsage::default());
}

#[test]
fn an_answer_without_choices_is_refused() {
    assert_eq!(complete(json!({"choices": []})), Err("no choices"));
    assert_eq!(
        complete(json!({"object": "chat.completion"})),
        Err("no choices")
    );
}

#[test]
fn an_assistant_message_with_calls_and_no_text_sends_no_content() {
    let mut assistant = Message::assistant("");
    assistant.tool_calls.push(ToolCall {
        id: "call_1".into(),
        name: "list".into(),
        arguments: "{".into(),
    });
    let request = request("m", &[assistant], &[], None, Limit::MaxTokens(64)).unwrap();
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(
        body["messages"][0],
        json!({"role": "assistant", "tool_calls": [
            {"type": "function", "id": "call_1", "function": {"name": "list", "arguments": "{"}}
        ]})
    );
    assert!(body.get("tools").is_none());
    assert!(body.get("temperature").is_none());
    assert_eq!(body["max_tokens"], 64);
    assert!(body.get("max_completion_tokens").is_none());
}

#[test]
fn a_length_finish_marks_the_answer_cut_off() {
    let cut = complete(json!({
        "choices": [{"message": {"content": "1. a\n2. b\n3."}, "finish_reason": "length"}]
    }))
    .unwrap();
    assert!(cut.cut_off);
    let whole = complete(json!({
        "choices": [{"message": {"content": "done"}, "finish_reason": "stop"}]
    }))
    .unwrap();
    assert!(!whole.cut_off);
}

#[test]
fn a_context_overflow_is_told_from_other_bad_requests() {
    let refusal = |status: u16, message: &str, code: Option<&str>| Refusal {
        status,
        retry_after: None,
        error: serde_json::from_value::<ApiError>(
            json!({"message": message, "type": null, "param": null, "code": code}),
        )
        .ok(),
        excerpt: String::new(),
    };
    assert!(refusal(
        400,
        "request (2114 tokens) exceeds the available context size (512 tokens), try increasing it",
        None
    )
    .context_too_long());
    assert!(refusal(
        400,
        "This model's maximum context length is 8192 tokens.",
        None
    )
    .context_too_long());
    assert!(refusal(400, "too long", Some("context_length_exceeded")).context_too_long());
    assert!(!refusal(400, "Invalid 'temperature'", None).context_too_long());
    assert!(!refusal(500, "exceeds the available context size", None).context_too_long());
}

#[test]
fn a_tool_message_without_its_call_is_an_error_not_a_panic() {
    let mut orphan = Message::tool("x", "done");
    orphan.tool_call_id = None;
    assert!(request("m", &[orphan], &[], None, Limit::MaxTokens(8)).is_err());
}
