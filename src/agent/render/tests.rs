use super::*;
use serde_json::json;

fn run(status: RunStatus, output: Option<Value>, usage: Usage, error: Option<&str>) -> Run {
    let at = DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    Run {
        id: 7,
        workflow_id: 1,
        workflow_version: 1,
        trigger: "schedule".into(),
        scheduled_for: at,
        status,
        attempt: 1,
        started_at: Some(at),
        ended_at: Some(at + chrono::TimeDelta::milliseconds(3_100)),
        input: None,
        output,
        error: error.map(str::to_string),
        usage: Some(usage),
        delivery_errors: Vec::new(),
    }
}

#[test]
fn logs_show_what_a_thinking_run_used_and_its_answer() {
    let usage = Usage {
        messages: 1,
        model_calls: 3,
        tool_calls: 2,
        prompt_tokens: 1_200,
        completion_tokens: 40,
        cost_usd: Some(0.000204),
        ..Usage::default()
    };
    let done = run(
        RunStatus::Succeeded,
        Some(json!({"think": {"answer": "3 new visits; told the chat."}})),
        usage.clone(),
        None,
    );
    assert_eq!(
        run_outcome(&done),
        "succeeded in 3.1 s (sent 1 message, 2 tool calls, 1,240 tokens, $0.0002): 3 new visits; told the chat."
    );
    let stopped = run(
        RunStatus::Guardrail,
        None,
        usage,
        Some("stopped by a guardrail: the run reached its limit of 2 tool calls"),
    );
    assert_eq!(
        run_outcome(&stopped),
        "guardrail in 3.1 s (2 tool calls, 1,240 tokens, $0.0002): stopped by a guardrail: the run reached its limit of 2 tool calls"
    );
    // A model without a price: its cost is not counted, not free.
    let uncounted = Usage {
        cost_usd: None,
        ..Usage::default()
    };
    let uncounted = Usage {
        model_calls: 1,
        prompt_tokens: 900,
        completion_tokens: 12,
        ..uncounted
    };
    assert_eq!(
        usage_words(&uncounted).as_deref(),
        Some("0 tool calls, 912 tokens, cost not counted")
    );
    // Runs without the model say nothing about it.
    let plain = run(RunStatus::Succeeded, None, Usage::default(), None);
    assert_eq!(
        run_outcome(&plain),
        "succeeded in 3.1 s (nothing to report)"
    );
}
