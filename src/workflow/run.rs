//! Runs: one execution of a workflow for one slot, with its status and usage.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;

/// Where a run is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Waiting for the previous run of its workflow (overlap `queue`, catch-up `all`).
    Queued,
    Running,
    /// Waiting for a person's approval.
    Waiting,
    /// Failed; will run again at `retry_at`.
    Retrying,
    Succeeded,
    Failed,
    /// The slot passed while steward was down and was not run.
    Missed,
    /// Not run on purpose (overlap, skip-next).
    Skipped,
    /// Its process died while it ran.
    Interrupted,
    /// Stopped by a guardrail.
    Guardrail,
    /// Stopped by a person (`manage::cancel_run`).
    Cancelled,
}

impl RunStatus {
    pub const ALL: [RunStatus; 11] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Waiting,
        RunStatus::Retrying,
        RunStatus::Succeeded,
        RunStatus::Failed,
        RunStatus::Missed,
        RunStatus::Skipped,
        RunStatus::Interrupted,
        RunStatus::Guardrail,
        RunStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Waiting => "waiting",
            RunStatus::Retrying => "retrying",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Missed => "missed",
            RunStatus::Skipped => "skipped",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Guardrail => "guardrail",
            RunStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the run is over.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            RunStatus::Queued | RunStatus::Running | RunStatus::Waiting | RunStatus::Retrying
        )
    }

    /// Whether the run counts as a failure for auto-pause.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            RunStatus::Failed | RunStatus::Interrupted | RunStatus::Guardrail
        )
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RunStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown run status '{s}'"))
    }
}

/// What set a run off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunTrigger {
    Schedule,
    /// A missed slot run late by the catch-up policy.
    Catchup,
    Manual,
    /// Started by another workflow's step.
    Chain,
    /// A snoozed occurrence.
    Snooze,
    /// A call to the workflow's webhook URL.
    Webhook,
    /// Another workflow's run ended (a completion trigger).
    After,
}

impl RunTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            RunTrigger::Schedule => "schedule",
            RunTrigger::Catchup => "catchup",
            RunTrigger::Manual => "manual",
            RunTrigger::Chain => "chain",
            RunTrigger::Snooze => "snooze",
            RunTrigger::Webhook => "webhook",
            RunTrigger::After => "after",
        }
    }
}

/// Resources a run or step used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Usage {
    pub duration_ms: u64,
    pub steps: u32,
    /// Messages the run sent to people.
    pub messages: u32,
    pub tool_calls: u32,
    /// Completions asked of the language model.
    pub model_calls: u32,
    #[serde(alias = "tokens_in")]
    pub prompt_tokens: u64,
    #[serde(alias = "tokens_out")]
    pub completion_tokens: u64,
    /// From the configured per-model prices. `None` (null) when a model
    /// without a known price answered: the cost was not counted, which is
    /// not the same as free.
    pub cost_usd: Option<f64>,
}

impl Default for Usage {
    fn default() -> Self {
        Usage {
            duration_ms: 0,
            steps: 0,
            messages: 0,
            tool_calls: 0,
            model_calls: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
            cost_usd: Some(0.0),
        }
    }
}

impl Usage {
    /// Adds the cost of one completion: `None` when its price is unknown,
    /// which leaves the whole usage's cost uncounted.
    pub fn add_cost(&mut self, cost: Option<f64>) {
        self.cost_usd = match (self.cost_usd, cost) {
            (Some(so_far), Some(more)) => Some(so_far + more),
            _ => None,
        };
    }

    pub fn add(&mut self, other: &Usage) {
        self.steps += other.steps;
        self.messages += other.messages;
        self.tool_calls += other.tool_calls;
        self.model_calls += other.model_calls;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.add_cost(other.cost_usd);
    }

    pub fn tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }
}

/// A run as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub id: i64,
    pub workflow_id: i64,
    pub workflow_version: i64,
    pub trigger: String,
    pub scheduled_for: DateTime<Utc>,
    pub status: RunStatus,
    pub attempt: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub input: Option<Value>,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub usage: Option<Usage>,
    /// Notices that could not be delivered after every retry (chat/delivery).
    pub delivery_errors: Vec<serde_json::Value>,
}

impl Run {
    /// The final answer of the run's first top-level `agent` step, if any.
    pub fn answer(&self) -> Option<String> {
        agent_answer(self.output.as_ref()?)
    }
}

/// The final answer of the first top-level `agent` step in a run's output.
pub fn agent_answer(output: &Value) -> Option<String> {
    output
        .as_object()?
        .values()
        .find_map(|step| step.get("answer")?.as_str().map(str::to_string))
        .filter(|a| !a.trim().is_empty())
}

/// A step of a run as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRecord {
    pub run_id: i64,
    pub step_key: String,
    pub kind: String,
    pub status: StepStatus,
    /// Secrets masked.
    pub output: Option<Value>,
    /// The unmasked output (or waiting state) while the run may resume, when
    /// masking changed it.
    pub resume: Option<Value>,
    pub error: Option<String>,
    pub usage: Option<Usage>,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// Where one step of a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Running,
    Succeeded,
    /// Parked for a person's answer; the run resumes from it.
    Waiting,
    Failed,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Running => "running",
            StepStatus::Succeeded => "succeeded",
            StepStatus::Waiting => "waiting",
            StepStatus::Failed => "failed",
        }
    }

    /// The status as stored; an unknown word reads as failed rather than
    /// as done.
    pub fn parse(text: &str) -> StepStatus {
        match text {
            "running" => StepStatus::Running,
            "succeeded" => StepStatus::Succeeded,
            "waiting" => StepStatus::Waiting,
            _ => StepStatus::Failed,
        }
    }
}

impl std::fmt::Display for StepStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl StepRecord {
    /// What the step produced, as a resumed run reads it.
    pub fn state(&self) -> Option<&Value> {
        self.resume.as_ref().or(self.output.as_ref())
    }
}

/// A manual run's input as a person wrote it: JSON when it parses as an
/// object or a list, else `{"text": ...}` (`--input 'for last week'`).
pub fn input_of(written: &str) -> serde_json::Value {
    let written = written.trim();
    match serde_json::from_str::<serde_json::Value>(written) {
        Ok(value @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => value,
        _ => serde_json::json!({ "text": written }),
    }
}
