//! The tools steward gives agent steps itself: `http_request`,
//! `send_message`, `workflow_runs`, `start_workflow` and `ask_approval`.
//! Their schemas are strict (every property required, nullable when
//! optional); arguments are read with `deny_unknown_fields`, and a mistake
//! goes back to the model as the tool's error.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::Called;
use crate::engine::runner::Runner;
use crate::llm::{strict_object, ToolSpec};
use crate::workflow::Usage;

mod approval;
mod http;
mod message;
mod runs;

use approval::{ask_approval, ApprovalArgs};
use http::{http_request, HttpArgs};
use message::{send_message, MessageArgs};
use runs::{start_workflow, workflow_runs, RunsArgs, StartArgs};

/// The longest a tool's HTTP request may take.
const MAX_HTTP_SECONDS: u64 = 60;
/// The longest message an agent may send (platforms split longer ones, but a
/// runaway model should not flood a chat).
const MAX_MESSAGE_CHARS: usize = 4_000;
/// Runs `workflow_runs` returns at most.
const MAX_RUNS: i64 = 50;
/// The longest a question may wait: 30 days.
const MAX_APPROVAL_MINUTES: i64 = 30 * 24 * 60;

/// The strict schema of built-in tool `name`.
pub(super) fn spec(name: &str) -> ToolSpec {
    let object = strict_object;
    let (description, parameters) = match name {
        "http_request" => (
            "Make an HTTP request and get its status, content type and body (JSON when it parses, else text; long bodies are cut). Private and loopback addresses are refused unless steward allows them.",
            object(json!({
                "method": { "type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] },
                "url": { "type": "string", "description": "An http or https URL." },
                "headers": {
                    "type": ["array", "null"],
                    "items": object(json!({ "name": { "type": "string" }, "value": { "type": "string" } })),
                },
                "body": { "type": ["string", "null"], "description": "The request body; JSON text is sent as application/json." },
                "timeout_seconds": { "type": ["integer", "null"], "description": "At most 60; default 30." },
            })),
        ),
        "send_message" => (
            "Send a message to people: the workflow's chat, or another chat this workflow already sends to.",
            object(json!({
                "text": { "type": "string", "description": "Plain text, at most 4000 characters." },
                "to": { "type": ["string", "null"], "description": "null for the workflow's chat." },
            })),
        ),
        "workflow_runs" => (
            "This workflow's earlier runs, newest first: when, how they ended, their results. Use it for 'since the last run'.",
            object(json!({
                "since": { "type": ["string", "null"], "description": "\"last_run\", an RFC 3339 instant, or null for the most recent runs." },
                "status": { "type": ["string", "null"], "enum": ["succeeded", "failed", "guardrail", "missed", "skipped", "interrupted", null] },
                "limit": { "type": ["integer", "null"], "description": "At most 50; default 10." },
            })),
        ),
        "start_workflow" => (
            "Start another of the owner's workflows now and wait for its result.",
            object(json!({
                "workflow": { "type": "string", "description": "Its name or #id." },
                "input": { "type": ["string", "null"], "description": "JSON text passed as the run's input (its steps read ${input.x}), or null." },
            })),
        ),
        "ask_approval" => (
            "Ask a person in the workflow's chat to approve or reject something, and wait for the answer. The run pauses until they answer; if nobody answers in time the run ends.",
            object(json!({
                "question": { "type": "string", "description": "What to approve, in one or two sentences." },
                "timeout_minutes": { "type": ["integer", "null"], "description": "How long to wait; default 1440 (a day)." },
            })),
        ),
        other => ("", json!({ "unknown": other })),
    };
    ToolSpec {
        name: name.into(),
        description: description.into(),
        parameters,
        strict: true,
    }
}

/// Runs built-in tool `name` for step `key`; `questions` is how many
/// questions the step asked before this call (each is keyed by its place, so
/// a model server that reuses call ids cannot make one answer count twice).
pub(super) async fn call(
    runner: &Runner<'_>,
    key: &str,
    questions: usize,
    name: &str,
    arguments: Value,
    usage: &mut Usage,
) -> Called {
    let done = |result: Result<Value, String>| Called::Done(result);
    match name {
        "http_request" => match parse::<HttpArgs>(arguments) {
            Ok(args) => done(http_request(runner, args).await),
            Err(e) => done(Err(e)),
        },
        "send_message" => match parse::<MessageArgs>(arguments) {
            Ok(args) => done(send_message(runner, args, usage).await),
            Err(e) => done(Err(e)),
        },
        "workflow_runs" => match parse::<RunsArgs>(arguments) {
            Ok(args) => done(workflow_runs(runner, args).await),
            Err(e) => done(Err(e)),
        },
        "start_workflow" => match parse::<StartArgs>(arguments) {
            Ok(args) => done(start_workflow(runner, args, usage).await),
            Err(e) => done(Err(e)),
        },
        "ask_approval" => match parse::<ApprovalArgs>(arguments) {
            Ok(args) => ask_approval(runner, &format!("{key}:ask{}", questions + 1), args).await,
            Err(e) => done(Err(e)),
        },
        other => done(Err(format!("there is no built-in tool '{other}'"))),
    }
}

fn parse<T: DeserializeOwned>(arguments: Value) -> Result<T, String> {
    serde_json::from_value(arguments)
        .map_err(|e| format!("the arguments don't fit the schema: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::BUILTIN_TOOLS;

    /// OpenAI's strict mode: every property required, nothing extra, at every
    /// level.
    fn assert_strict(schema: &Value, path: &str) {
        if schema["type"] == "object"
            || schema["type"]
                .as_array()
                .is_some_and(|t| t.contains(&json!("object")))
        {
            assert_eq!(schema["additionalProperties"], false, "{path}");
            let properties = schema["properties"].as_object().expect("properties");
            let required: Vec<&str> = schema["required"]
                .as_array()
                .expect("required")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            for (name, property) in properties {
                assert!(
                    required.contains(&name.as_str()),
                    "{path}.{name} is not required"
                );
                assert_strict(property, &format!("{path}.{name}"));
            }
        }
        if let Some(items) = schema.get("items") {
            assert_strict(items, &format!("{path}[]"));
        }
    }

    #[test]
    fn every_built_in_tool_has_a_strict_schema() {
        for name in BUILTIN_TOOLS {
            let spec = spec(name);
            assert!(spec.strict);
            assert!(!spec.description.is_empty(), "{name}");
            assert_strict(&spec.parameters, name);
        }
    }

    #[test]
    fn arguments_outside_the_schema_are_refused() {
        let err = parse::<MessageArgs>(json!({ "text": "hi", "to": null, "cc": "x" }))
            .err()
            .unwrap();
        assert!(err.contains("unknown field"), "{err}");
        let err = parse::<HttpArgs>(json!({ "method": "GET", "url": 5 }))
            .err()
            .unwrap();
        assert!(err.contains("invalid type"), "{err}");
    }
}
