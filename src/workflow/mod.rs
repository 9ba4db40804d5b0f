//! The domain (DESIGN §2): workflows, their plans, policies and guardrails,
//! runs, and `${...}` templating. No I/O.

pub mod catalogue;
pub mod hook;
pub mod notify;
pub mod plan;
pub mod policy;
pub mod quotas;
pub mod redact;
pub mod run;
pub mod template;
mod to_definition;

pub use plan::{
    is_tool_name, Action, Check, Fallback, OnError, Op, Plan, PlanError, Retry, Step, WorkflowRef,
    BUILTIN_TOOLS, DEFAULT_AGENT_TOOLS,
};
pub use policy::{
    CatchUp, Ceilings, Guardrails, OnFailure, OverCeiling, Overlap, Policies, MAX_CATCH_UP_RUNS,
};
pub use quotas::{Limit, QuotaOverride, Quotas};
pub use run::{Run, RunStatus, RunTrigger, StepRecord, StepStatus, Usage};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use crate::schedule::natural::Context;
use crate::schedule::{parse_input, Schedule, Zone};

pub use crate::text::clip;

/// Whether a workflow fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    Active,
    Paused,
    /// A one-time workflow that has fired; kept for its record.
    Completed,
}

impl WorkflowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::Active => "active",
            WorkflowStatus::Paused => "paused",
            WorkflowStatus::Completed => "completed",
        }
    }

    pub fn parse(text: &str) -> Option<WorkflowStatus> {
        match text {
            "active" => Some(WorkflowStatus::Active),
            "paused" => Some(WorkflowStatus::Paused),
            "completed" => Some(WorkflowStatus::Completed),
            _ => None,
        }
    }
}

/// A stored workflow.
#[derive(Clone, Debug)]
pub struct Workflow {
    pub id: i64,
    pub owner: String,
    pub home_chat: Option<String>,
    pub name: String,
    pub instruction: Option<String>,
    /// The plan as stored; parsed when a run starts.
    pub plan_json: String,
    pub schedule: Result<Schedule, String>,
    pub trigger_kind: String,
    pub trigger_expression: String,
    pub timezone: String,
    pub policies: Policies,
    pub guardrails: Guardrails,
    pub placeholders: BTreeMap<String, String>,
    pub status: WorkflowStatus,
    pub paused_note: Option<String>,
    pub next_run: Option<DateTime<Utc>>,
    pub skip_slot: Option<DateTime<Utc>>,
    pub snooze_slot: Option<DateTime<Utc>>,
    pub snooze_until: Option<DateTime<Utc>>,
    /// When a pause with an end resumes on its own.
    pub resume_at: Option<DateTime<Utc>>,
    pub consecutive_failures: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Workflow {
    /// When it will really fire next: a snoozed occurrence at its new time,
    /// a skipped one not at all.
    pub fn effective_next(&self) -> Option<DateTime<Utc>> {
        let schedule = self.schedule.as_ref().ok();
        let mut slot = self.next_run;
        // Past a skipped and a snoozed slot, at most.
        for _ in 0..3 {
            match slot {
                Some(s) if Some(s) == self.skip_slot || Some(s) == self.snooze_slot => {
                    slot = schedule.and_then(|schedule| schedule.next_after(s));
                }
                _ => break,
            }
        }
        match (slot, self.snooze_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
        .filter(|_| self.next_run.is_some() || self.snooze_until.is_some())
    }

    /// What changes the next occurrence, in words for people: "snoozed from
    /// 08:00 to 10:00", "the 08:00 one is skipped".
    pub fn pending_change(&self) -> Option<String> {
        let zone = self.schedule.as_ref().map(|s| s.zone).ok()?;
        let time = |at: DateTime<Utc>| crate::schedule::format_local(at, zone);
        match (self.snooze_slot, self.snooze_until, self.skip_slot) {
            (Some(slot), Some(until), _) => Some(format!(
                "the run of {} is snoozed to {}",
                time(slot),
                time(until)
            )),
            (_, _, Some(skip)) => Some(format!("the run of {} is skipped", time(skip))),
            _ => None,
        }
    }
}

/// The trigger of a definition: either its parts or a phrase to read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerSpec {
    /// `manual`, `once`, `cron`, `rrule`, `interval`, `union` (expressions joined by ` | `),
    /// `webhook` (expression: `path`, `github`, `stripe`, `slack` or `steward`,
    /// optionally ` headers=x-a,x-b`) or `after` (expression: `<workflow id>
    /// succeeded|failed|finished`); omitted with `schedule`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub expression: Option<String>,
    /// A phrase or expression read like `steward schedule` reads it.
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
}

/// A workflow to create (the import format; see docs/workflows.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub name: String,
    pub owner: String,
    #[serde(default)]
    pub home_chat: Option<String>,
    #[serde(default)]
    pub instruction: Option<String>,
    pub trigger: TriggerSpec,
    /// `{"steps": [...]}`; `steps` alone is accepted too.
    #[serde(default)]
    pub plan: Option<Value>,
    #[serde(default)]
    pub steps: Option<Value>,
    #[serde(default)]
    pub policies: Policies,
    #[serde(default)]
    pub guardrails: Guardrails,
    #[serde(default)]
    pub placeholders: BTreeMap<String, String>,
    #[serde(default)]
    pub paused: bool,
}

/// A definition checked and ready to store.
#[derive(Clone, Debug)]
pub struct NewWorkflow {
    pub definition: Definition,
    pub schedule: Schedule,
    pub plan_json: String,
}

impl Definition {
    /// Reads the trigger and checks the plan. `min_interval_seconds` is the
    /// configured minimum; `default_zone` applies when the trigger names none.
    pub fn validate(
        self,
        now: DateTime<Utc>,
        default_zone: Zone,
        min_interval_seconds: i64,
    ) -> Result<NewWorkflow, String> {
        self.validate_fields(now, default_zone, min_interval_seconds)
            .map_err(|e| e.message)
    }

    /// [`Definition::validate`], with the field each error is about.
    pub fn validate_fields(
        self,
        now: DateTime<Utc>,
        default_zone: Zone,
        min_interval_seconds: i64,
    ) -> Result<NewWorkflow, DefinitionError> {
        let name = self.check_names()?;
        let fail = |e: String| DefinitionError::new("trigger", format!("workflow '{name}': {e}"));
        let zone = match &self.trigger.timezone {
            Some(tz) => tz.parse::<Zone>().map_err(|e| {
                DefinitionError::new("trigger.timezone", format!("workflow '{name}': {e}"))
            })?,
            None => default_zone,
        };
        let context = Context {
            now,
            zone,
            min_interval_seconds,
        };
        let schedule = match (
            &self.trigger.schedule,
            &self.trigger.kind,
            &self.trigger.expression,
        ) {
            (Some(text), None, None) => parse_input(text, &context).map_err(fail)?.schedule,
            (None, Some(kind), _) if kind == "manual" => {
                Schedule::new(crate::schedule::Trigger::Manual, zone)
            }
            (None, Some(kind), expression) if kind == "webhook" || kind == "after" => {
                let expression = expression.as_deref().unwrap_or_default();
                Schedule::from_stored(kind, expression, zone, None).map_err(fail)?
            }
            (None, Some(kind), Some(expression)) => {
                let parsed = parse_input(expression, &context).map_err(fail)?.schedule;
                if parsed.kind() != kind {
                    return Err(fail(format!(
                        "the expression is {} but the kind says {kind}",
                        parsed.kind()
                    )));
                }
                parsed
            }
            _ => {
                return Err(fail(
                    "the trigger needs either \"schedule\" or \"kind\" with \"expression\"".into(),
                ))
            }
        };
        self.validate_with_schedule(schedule)
    }

    /// Checks everything but the trigger, which is `schedule` (a stored
    /// workflow's, kept as it is when a change leaves the trigger alone).
    pub fn validate_with_schedule(
        self,
        schedule: Schedule,
    ) -> Result<NewWorkflow, DefinitionError> {
        let name = self.check_names()?;
        let field = if self.steps.is_some() {
            "steps"
        } else {
            "plan"
        };
        let plan = match (&self.plan, &self.steps) {
            (Some(plan), None) => plan.clone(),
            (None, Some(steps)) => serde_json::json!({ "steps": steps }),
            (None, None) => {
                return Err(DefinitionError::new(
                    "steps",
                    format!("workflow '{name}' has no plan"),
                ))
            }
            (Some(_), Some(_)) => {
                return Err(DefinitionError::new(
                    "steps",
                    format!("workflow '{name}': give \"plan\" or \"steps\", not both"),
                ))
            }
        };
        let plan_json = plan.to_string();
        Plan::parse(&plan_json, &self.placeholders)
            .map_err(|e| DefinitionError::new(field, format!("workflow '{name}': {e}")))?;
        if let Some(problem) = self
            .policies
            .on_failure
            .as_ref()
            .and_then(OnFailure::problem)
        {
            return Err(DefinitionError::new(
                "policies.on_failure",
                format!("workflow '{name}': {problem}"),
            ));
        }
        Ok(NewWorkflow {
            definition: self,
            schedule,
            plan_json,
        })
    }

    /// The trimmed name, when name and owner are there.
    fn check_names(&self) -> Result<String, DefinitionError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DefinitionError::new(
                "name",
                "a workflow needs a name of 1 to 100 characters",
            ));
        }
        if self.owner.trim().is_empty() {
            return Err(DefinitionError::new(
                "owner",
                format!("workflow '{name}' has no owner"),
            ));
        }
        Ok(name.to_string())
    }
}

/// Why a definition was refused, and which of its fields.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DefinitionError {
    /// The field, as a JSON path in the definition (`trigger`, `steps`).
    pub field: &'static str,
    pub message: String,
}

impl DefinitionError {
    fn new(field: &'static str, message: impl Into<String>) -> DefinitionError {
        DefinitionError {
            field,
            message: message.into(),
        }
    }
}
