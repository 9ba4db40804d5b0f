//! The run pages' data: a run with its steps (an agent step's answer and
//! tool calls in words) and the approvals waiting, in the workflow's zone.

use askama::Template;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::page::Nav;
use super::pages::pretty;
use crate::agent::render::{run_outcome, usage_words};
use crate::schedule::{format_local, Zone};
use crate::workflow::{Run, StepRecord, Workflow};

#[derive(Template)]
#[template(path = "run.html")]
pub struct RunPage {
    pub nav: Nav,
    pub run: RunDetail,
    pub steps: Vec<StepRow>,
    pub live: bool,
}

/// One run, for its page.
pub struct RunDetail {
    pub id: i64,
    pub workflow_id: i64,
    pub workflow: String,
    pub status: &'static str,
    pub outcome: String,
    pub when: String,
    pub started: String,
    pub ended: String,
    pub trigger: String,
    pub attempt: i64,
    pub usage: Option<String>,
    pub error: Option<String>,
    pub input: Option<String>,
    pub delivery_errors: Vec<String>,
    /// Waiting for an approval: approve and reject are offered.
    pub waiting: bool,
    pub cancellable: bool,
}

impl RunDetail {
    pub fn new(run: &Run, workflow: &Workflow, zone: Zone) -> RunDetail {
        let at =
            |t: Option<DateTime<Utc>>| t.map_or("—".to_string(), |t| format_local_s(t, zone));
        RunDetail {
            id: run.id,
            workflow_id: workflow.id,
            workflow: workflow.name.clone(),
            status: run.status.as_str(),
            outcome: run_outcome(run),
            when: format_local(run.scheduled_for, zone),
            started: at(run.started_at),
            ended: at(run.ended_at),
            trigger: run.trigger.clone(),
            attempt: run.attempt,
            usage: run.usage.as_ref().and_then(usage_words),
            error: run.error.clone(),
            input: run.input.as_ref().map(pretty),
            delivery_errors: run.delivery_errors.iter().map(Value::to_string).collect(),
            waiting: run.status == crate::workflow::RunStatus::Waiting,
            cancellable: !run.status.is_final(),
        }
    }
}

/// One step of a run.
pub struct StepRow {
    pub key: String,
    pub kind: String,
    pub status: &'static str,
    pub duration: String,
    pub usage: Option<String>,
    pub error: Option<String>,
    pub output: Option<String>,
    /// A long output starts folded.
    pub folded: bool,
    /// An agent step's final answer.
    pub answer: Option<String>,
    /// An agent step's tool calls in order: "ok: tool {args}" or "failed: …".
    pub calls: Vec<String>,
}

/// Outputs longer than this start folded.
const FOLD_AT: usize = 1_200;

impl StepRow {
    pub fn new(step: &StepRecord) -> StepRow {
        let duration = match step.ended_at {
            Some(end) => format!(
                "{:.1} s",
                (end - step.started_at).num_milliseconds().max(0) as f64 / 1000.0
            ),
            None => "going".into(),
        };
        let output = step.output.as_ref().map(pretty);
        let answer = step
            .output
            .as_ref()
            .and_then(|o| o.get("answer"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let calls = step
            .output
            .as_ref()
            .and_then(|o| o.get("calls"))
            .and_then(Value::as_array)
            .map(|calls| calls.iter().map(call_words).collect())
            .unwrap_or_default();
        StepRow {
            answer,
            calls,
            key: step.step_key.clone(),
            kind: step.kind.clone(),
            status: step_status(step),
            duration,
            usage: step.usage.as_ref().and_then(usage_words),
            error: step.error.clone(),
            folded: output.as_ref().is_some_and(|o| o.len() > FOLD_AT),
            output,
        }
    }
}

#[derive(Template)]
#[template(path = "approvals.html")]
pub struct Approvals {
    pub nav: Nav,
    pub items: Vec<ApprovalRow>,
}

/// A question waiting for the person.
pub struct ApprovalRow {
    pub run: i64,
    pub workflow_id: i64,
    pub workflow: String,
    pub prompt: String,
    pub when: String,
}

fn step_status(step: &StepRecord) -> &'static str {
    use crate::workflow::StepStatus;
    match step.status {
        StepStatus::Running => "running",
        StepStatus::Succeeded => "succeeded",
        StepStatus::Waiting => "waiting",
        StepStatus::Failed => "failed",
    }
}

/// One tool call of an agent step: "ok: http_get {"url": …}".
fn call_words(call: &Value) -> String {
    let text = |key: &str| call.get(key).and_then(Value::as_str).unwrap_or_default();
    let outcome = if call.get("ok").and_then(Value::as_bool).unwrap_or(false) {
        "ok".to_string()
    } else {
        format!("failed ({})", text("error"))
    };
    format!(
        "{outcome}: {} {}",
        text("tool"),
        crate::text::clip(text("arguments"), 300)
    )
}

/// An instant with seconds: a run's start and end.
fn format_local_s(at: DateTime<Utc>, zone: Zone) -> String {
    at.with_timezone(&zone.tz())
        .format("%a %-d %b %Y %H:%M:%S %Z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::StepStatus;
    use serde_json::json;

    #[test]
    fn an_agent_steps_answer_and_tool_calls_are_shown_in_words() {
        let step = StepRecord {
            run_id: 1,
            step_key: "think".into(),
            kind: "agent".into(),
            status: StepStatus::Succeeded,
            output: Some(json!({
                "answer": "All 3 sites are up.",
                "calls": [
                    {"tool": "http_get", "arguments": "{\"url\":\"https://a.example\"}", "ok": true},
                    {"tool": "http_get", "arguments": "{\"url\":\"https://b.example\"}", "ok": false, "error": "timed out"}
                ]
            })),
            resume: None,
            error: None,
            usage: None,
            started_at: DateTime::from_timestamp(0, 0).unwrap(),
            ended_at: Some(DateTime::from_timestamp(2, 0).unwrap()),
        };
        let row = StepRow::new(&step);
        assert_eq!(row.answer.as_deref(), Some("All 3 sites are up."));
        assert_eq!(row.calls[0], r#"ok: http_get {"url":"https://a.example"}"#);
        assert_eq!(
            row.calls[1],
            r#"failed (timed out): http_get {"url":"https://b.example"}"#
        );
        assert_eq!(row.duration, "2.0 s");
    }
}
