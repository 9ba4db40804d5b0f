//! The tools steward gives agent steps itself: `http_request`,
//! `send_message`, `workflow_runs`, `start_workflow` and `ask_approval`.
//! Their schemas are strict (every property required, nullable when
//! optional); arguments are read with `deny_unknown_fields`, and a mistake
//! goes back to the model as the tool's error.

use chrono::{DateTime, TimeDelta, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

use super::{clip, Called};
use crate::engine::asking::Question;
use crate::engine::runner::{store_failed, Runner};
use crate::engine::Stop;
use crate::llm::{strict_object, ToolSpec};
use crate::store::{approvals, runs};
use crate::workflow::notify::Notice;
use crate::workflow::{Plan, RunStatus, Usage, WorkflowRef};

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    name: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpArgs {
    method: String,
    url: String,
    #[serde(default)]
    headers: Option<Vec<Header>>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    timeout_seconds: Option<u64>,
}

async fn http_request(runner: &Runner<'_>, args: HttpArgs) -> Result<Value, String> {
    let mut headers = BTreeMap::new();
    for header in args.headers.unwrap_or_default() {
        headers.insert(header.name, header.value);
    }
    let body = args.body.map(|text| {
        let is_json =
            serde_json::from_str::<Value>(&text).is_ok_and(|v| v.is_object() || v.is_array());
        if is_json
            && !headers
                .keys()
                .any(|k| k.eq_ignore_ascii_case("content-type"))
        {
            headers.insert("Content-Type".into(), "application/json".into());
        }
        Value::String(text)
    });
    let timeout = Duration::from_secs(
        args.timeout_seconds
            .unwrap_or(30)
            .clamp(1, MAX_HTTP_SECONDS),
    );
    let mut response = runner
        .engine
        .http
        .send(
            &args.method,
            &args.url,
            &headers,
            body.as_ref(),
            Some(timeout),
        )
        .await?;
    // The model reads at most a page or so of the body.
    if let Some(Value::String(text)) = response.get("body") {
        let cut = clip(text, super::MAX_TOOL_RESULT_CHARS / 2);
        response["body"] = Value::String(cut);
    }
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageArgs {
    text: String,
    #[serde(default)]
    to: Option<String>,
}

async fn send_message(
    runner: &Runner<'_>,
    args: MessageArgs,
    usage: &mut Usage,
) -> Result<Value, String> {
    let text = args.text.trim();
    if text.is_empty() {
        return Err("the message is empty".into());
    }
    let length = text.chars().count();
    if length > MAX_MESSAGE_CHARS {
        return Err(format!(
            "the message is {length} characters; the limit is {MAX_MESSAGE_CHARS}: shorten it"
        ));
    }
    let workflow = runner.workflow;
    let to = args
        .to
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && Some(t) != workflow.home_chat.as_ref());
    if let Some(target) = &to {
        // The workflow's own chat, or a chat its plan already sends to (checked
        // when the workflow was confirmed); nowhere a page could talk it into.
        let allowed = Plan::parse(&workflow.plan_json, &workflow.placeholders)
            .map(|plan| plan.message_targets().contains(&target.as_str()))
            .unwrap_or(false);
        if !allowed {
            return Err(format!(
                "this workflow may not send to '{}'; leave 'to' null to send to its own chat",
                clip(target, 80)
            ));
        }
    }
    let audience = runner.audience(to);
    // A workflow without a chat (imported by an operator) speaks to
    // steward's own output, as its `message` steps do.
    let chat = audience.to.clone();
    // What goes out to people never carries steward's own secrets.
    let text = runner.engine.redactor.secrets(text);
    runner
        .engine
        .notifier
        .notify(Notice::Message {
            audience,
            run_id: runner.run.id,
            text,
        })
        .await;
    usage.messages += 1;
    Ok(json!({ "sent": true, "to": chat }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunsArgs {
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    limit: Option<i64>,
}

async fn workflow_runs(runner: &Runner<'_>, args: RunsArgs) -> Result<Value, String> {
    let pool = runner.engine.store.reader();
    let this = runner.run.id;
    let recent = runs::history(
        pool,
        &runs::HistoryQuery {
            workflow_id: Some(runner.workflow.id),
            limit: 5,
            ..runs::HistoryQuery::default()
        },
    )
    .await
    .map_err(store_failed)?;
    let previous = recent.iter().map(|(r, _)| r).find(|r| r.id != this);
    let since = match args.since.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("last_run") => match previous {
            Some(run) => Some(run.scheduled_for),
            None => return Ok(json!({ "this_run": this, "previous_run_at": null, "runs": [] })),
        },
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| {
                    format!("'since' must be \"last_run\" or an RFC 3339 instant, not '{text}'")
                })?
                .with_timezone(&Utc),
        ),
    };
    let statuses = match args.status.as_deref() {
        None => Vec::new(),
        Some(text) => vec![text.parse::<RunStatus>()?],
    };
    let limit = args.limit.unwrap_or(10).clamp(1, MAX_RUNS);
    let found = runs::history(
        pool,
        &runs::HistoryQuery {
            workflow_id: Some(runner.workflow.id),
            statuses,
            since,
            limit: limit + 1,
            ..runs::HistoryQuery::default()
        },
    )
    .await
    .map_err(store_failed)?;
    let listed: Vec<Value> = found
        .iter()
        .map(|(r, _)| r)
        .filter(|r| r.id != this)
        .take(limit as usize)
        .map(|run| {
            json!({
                "id": run.id,
                "scheduled_for": run.scheduled_for.to_rfc3339(),
                "trigger": run.trigger,
                "status": run.status.as_str(),
                "output": run.output.as_ref().map(|o| clip(&o.to_string(), 1_000)),
                "error": run.error,
            })
        })
        .collect();
    Ok(json!({
        "this_run": this,
        "previous_run_at": previous.map(|r| r.scheduled_for.to_rfc3339()),
        "runs": listed,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartArgs {
    workflow: String,
    #[serde(default)]
    input: Option<String>,
}

async fn start_workflow(
    runner: &Runner<'_>,
    args: StartArgs,
    usage: &mut Usage,
) -> Result<Value, String> {
    let name = args.workflow.trim();
    let target = match name.trim_start_matches('#').parse::<i64>() {
        Ok(id) => WorkflowRef::Id(id),
        Err(_) if !name.is_empty() => WorkflowRef::Name(name.to_string()),
        Err(_) => return Err("name the workflow to start".into()),
    };
    let input = match args.input.as_deref().map(str::trim) {
        None | Some("") => Value::Null,
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| json!({ "text": text })),
    };
    let input = if input.is_null() { json!({}) } else { input };
    let (output, used) = runner.chain(&target, input).await?;
    // The child's model use counts against this run's budgets.
    usage.add(&Usage { steps: 0, ..used });
    Ok(output)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalArgs {
    question: String,
    #[serde(default)]
    timeout_minutes: Option<i64>,
}

/// Asks once per call (the question is keyed by the call), then reads the
/// answer when the run resumes.
async fn ask_approval(runner: &Runner<'_>, approval_key: &str, args: ApprovalArgs) -> Called {
    let engine = runner.engine;
    let pool = engine.store.pool();
    let run_id = runner.run.id;
    let db = |e: crate::store::StoreError| {
        Called::Stop(Stop::Failed(format!(
            "asking for approval: {}",
            store_failed(e)
        )))
    };
    let asked = match approvals::get(pool, run_id, approval_key).await {
        Ok(asked) => asked,
        Err(e) => return db(e),
    };
    let Some(approval) = asked else {
        let question = args.question.trim();
        if question.is_empty() {
            return Called::Done(Err("the question is empty".into()));
        }
        let question = engine.redactor.secrets(&clip(question, 1_000));
        let minutes = args
            .timeout_minutes
            .unwrap_or(24 * 60)
            .clamp(1, MAX_APPROVAL_MINUTES);
        let now = engine.now();
        let expires_at = now + TimeDelta::minutes(minutes);
        let question = Question {
            audience: runner.audience(None),
            run_id,
            step_key: approval_key,
            prompt: &question,
            expires_at,
        };
        if let Err(e) = engine.ask(question).await {
            return db(e);
        }
        return Called::Wait;
    };
    let by = approval
        .answered_by
        .clone()
        .unwrap_or_else(|| "someone".into());
    match approval.status.as_str() {
        "approved" => Called::Done(Ok(json!({ "approved": true, "by": by }))),
        "rejected" => Called::Done(Ok(json!({
            "approved": false,
            "by": by,
            "note": "Rejected: do not do it. Finish without it.",
        }))),
        "expired" => Called::Stop(Stop::Failed(format!(
            "nobody answered \"{}\" before {}; the request expired",
            approval.prompt,
            approval.expires_at().format("%Y-%m-%d %H:%M UTC")
        ))),
        _ => Called::Wait,
    }
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
