//! What the REST API answers with: workflows, runs and their steps as JSON,
//! instants in RFC 3339 UTC with milliseconds.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::workflow::{Guardrails, Policies, Run, StepRecord, Usage, Workflow};

/// An instant as the API writes it.
pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A workflow.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkflowView {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub home_chat: Option<String>,
    /// `active`, `paused` or `completed`.
    #[schema(value_type = String)]
    pub status: &'static str,
    /// Goes up with every change; send it back in `If-Match` to PATCH.
    pub version: i64,
    pub instruction: Option<String>,
    pub trigger: TriggerView,
    /// When it will really fire next (a snoozed occurrence at its new time).
    pub next_run: Option<String>,
    /// A skipped or snoozed next occurrence, in words.
    pub pending_change: Option<String>,
    pub paused_note: Option<String>,
    pub paused_until: Option<String>,
    /// `{"steps": [...]}` as in docs/workflows.md.
    #[schema(value_type = Object)]
    pub plan: Value,
    /// `catchup`, `catchup_window_seconds`, `overlap`, `retries`, `retry_backoff_seconds`.
    #[schema(value_type = Object)]
    pub policies: Policies,
    /// `timeout_seconds`, `max_steps`, `max_tool_calls`, `max_tokens`, `max_cost_usd`.
    #[schema(value_type = Object)]
    pub guardrails: Guardrails,
    /// The names of its placeholder values; the values may be secrets and
    /// are never shown.
    pub placeholders: Vec<String>,
    pub consecutive_failures: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A workflow's trigger.
#[derive(Debug, Serialize, ToSchema)]
pub struct TriggerView {
    pub kind: String,
    pub expression: String,
    pub timezone: String,
    /// The schedule in words.
    pub description: String,
}

impl From<&Workflow> for WorkflowView {
    fn from(w: &Workflow) -> WorkflowView {
        let description = match &w.schedule {
            Ok(schedule) => schedule.describe(),
            Err(e) => format!("unreadable schedule: {e}"),
        };
        WorkflowView {
            id: w.id,
            name: w.name.clone(),
            owner: w.owner.clone(),
            home_chat: w.home_chat.clone(),
            status: w.status.as_str(),
            version: w.version,
            instruction: w.instruction.clone(),
            trigger: TriggerView {
                kind: w.trigger_kind.clone(),
                expression: w.trigger_expression.clone(),
                timezone: w.timezone.clone(),
                description,
            },
            next_run: w.effective_next().map(instant),
            pending_change: w.pending_change(),
            paused_note: w.paused_note.clone(),
            paused_until: w.resume_at.map(instant),
            plan: serde_json::from_str(&w.plan_json).unwrap_or(Value::Null),
            policies: w.policies.clone(),
            guardrails: w.guardrails.clone(),
            placeholders: w.placeholders.keys().cloned().collect(),
            consecutive_failures: w.consecutive_failures,
            created_at: instant(w.created_at),
            updated_at: instant(w.updated_at),
        }
    }
}

/// A run; with its steps when asked for one run.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    pub id: i64,
    pub workflow_id: i64,
    pub workflow_version: i64,
    /// `schedule`, `catchup`, `manual`, `chain`, `snooze`...
    pub trigger: String,
    /// `queued`, `running`, `waiting`, `retrying`, `succeeded`, `failed`,
    /// `missed`, `skipped`, `interrupted`, `guardrail`.
    #[schema(value_type = String)]
    pub status: &'static str,
    pub attempt: i64,
    pub scheduled_for: String,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub input: Option<Value>,
    /// Each step's output by step id (secrets masked).
    #[schema(value_type = Option<Object>)]
    pub output: Option<Value>,
    pub error: Option<String>,
    /// `duration_ms`, `steps`, `messages`, `tool_calls`, `model_calls`,
    /// `prompt_tokens`, `completion_tokens`, `cost_usd`.
    #[schema(value_type = Option<Object>)]
    pub usage: Option<Usage>,
    /// Notices about this run that could not be delivered.
    #[schema(value_type = Vec<Object>)]
    pub delivery_errors: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<StepView>>,
}

/// One step of a run.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    pub key: String,
    pub kind: String,
    /// `running`, `succeeded`, `waiting`, `failed`.
    #[schema(value_type = String)]
    pub status: &'static str,
    /// Secrets masked; an agent step's answer and its transcript of tool calls.
    #[schema(value_type = Option<Object>)]
    pub output: Option<Value>,
    pub error: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub usage: Option<Usage>,
    pub started_at: String,
    pub ended_at: Option<String>,
}

impl RunView {
    /// The run alone (in lists).
    pub fn of(run: &Run) -> RunView {
        RunView {
            id: run.id,
            workflow_id: run.workflow_id,
            workflow_version: run.workflow_version,
            trigger: run.trigger.clone(),
            status: run.status.as_str(),
            attempt: run.attempt,
            scheduled_for: instant(run.scheduled_for),
            started_at: run.started_at.map(instant),
            ended_at: run.ended_at.map(instant),
            input: run.input.clone(),
            output: run.output.clone(),
            error: run.error.clone(),
            usage: run.usage.clone(),
            delivery_errors: run.delivery_errors.clone(),
            steps: None,
        }
    }

    /// The run with its steps.
    pub fn with_steps(run: &Run, steps: &[StepRecord]) -> RunView {
        let steps = steps
            .iter()
            .map(|step| StepView {
                key: step.step_key.clone(),
                kind: step.kind.clone(),
                status: step.status.as_str(),
                output: step.output.clone(),
                error: step.error.clone(),
                usage: step.usage.clone(),
                started_at: instant(step.started_at),
                ended_at: step.ended_at.map(instant),
            })
            .collect();
        RunView {
            steps: Some(steps),
            ..RunView::of(run)
        }
    }
}

/// A page of workflows and the cursor of the next (null on the last page).
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkflowPage {
    pub items: Vec<WorkflowView>,
    pub next_cursor: Option<String>,
}

/// A page of runs, newest slot first, and the cursor of the next.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunPage {
    pub items: Vec<RunView>,
    pub next_cursor: Option<String>,
}

/// Every refusal and failure: a sentence, and the request field it is
/// about when there is one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    pub field: Option<String>,
}

/// What `POST /workflows?dry_run=true` answers: the definition as read,
/// stored nowhere.
#[derive(Debug, Serialize, ToSchema)]
pub struct DryRunView {
    pub valid: bool,
    pub name: String,
    pub owner: String,
    pub trigger: DryRunTrigger,
    /// The next five fire times.
    pub next: Vec<String>,
    pub paused: bool,
}

/// A dry run's trigger as read.
#[derive(Debug, Serialize, ToSchema)]
pub struct DryRunTrigger {
    #[schema(value_type = String)]
    pub kind: &'static str,
    pub expression: String,
    pub timezone: String,
    pub description: String,
}

/// What `GET /schedule` answers (the JSON of `steward schedule --json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleView {
    pub input: String,
    pub kind: String,
    pub expression: String,
    pub timezone: String,
    pub description: String,
    /// The words that were not about time.
    pub task: Option<String>,
    /// Fire times in RFC 3339 with the zone's offset.
    pub next: Vec<String>,
}
