//! A plan: the steps a workflow runs (DESIGN §5).
//!
//! Plans are stored as JSON and parsed when a run starts, so a plan written by
//! an older or newer steward fails its own run with a clear error instead of
//! stopping the scheduler.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use super::{clip, template};

mod on_error;
pub use on_error::{Fallback, OnError, Retry};

/// The steps of a workflow, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// The named targets of the plan's `message` steps, nested ones included.
    pub fn message_targets(&self) -> Vec<&str> {
        fn walk<'a>(steps: &'a [Step], found: &mut Vec<&'a str>) {
            for step in steps {
                if let Action::Message {
                    target: Some(target),
                    ..
                } = &step.action
                {
                    found.push(target);
                }
                for children in step.children() {
                    walk(children, found);
                }
            }
        }
        let mut found = Vec::new();
        walk(&self.steps, &mut found);
        found
    }
}

/// One step: an id (unique within its list) and what it does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub action: Action,
    /// What a failure of the step does (fail the run by default).
    #[serde(default, skip_serializing_if = "OnError::is_fail")]
    pub on_error: OnError,
}

/// What a step does. The JSON names the kind in `"type"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Sends text to the workflow's home chat or a named target.
    Message {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<String>,
    },
    /// An HTTP request; private and loopback addresses are refused unless
    /// configured.
    Http {
        #[serde(default = "default_method")]
        method: String,
        url: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        headers: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_seconds: Option<u64>,
    },
    /// Compares values from earlier steps and runs one branch.
    Condition {
        #[serde(rename = "if")]
        check: Check,
        #[serde(default)]
        then: Vec<Step>,
        #[serde(default, rename = "else")]
        otherwise: Vec<Step>,
    },
    /// Starts another workflow with this run's output as its input.
    Workflow {
        workflow: WorkflowRef,
        #[serde(default)]
        input: Value,
    },
    /// Runs branches at the same time.
    Parallel { branches: Vec<Vec<Step>> },
    /// Runs steps once per item of a list.
    Foreach {
        items: Value,
        #[serde(default = "default_item", rename = "as")]
        var: String,
        steps: Vec<Step>,
    },
    /// Asks a person and waits for the answer.
    Approval {
        prompt: String,
        #[serde(default = "default_approval_timeout")]
        timeout_seconds: u64,
    },
    /// The LLM runs an instruction with tools, inside the guardrails.
    Agent {
        instruction: String,
        #[serde(default)]
        tools: Vec<String>,
    },
    /// Waits.
    Delay { seconds: f64 },
}

/// Another workflow, by id or by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum WorkflowRef {
    Id(i64),
    Name(String),
}

/// `left op right` over values and `${...}` references.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub left: Value,
    pub op: Op,
    #[serde(default)]
    pub right: Value,
}

/// Comparison operators (DESIGN §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Gte,
    Lte,
    Contains,
    Exists,
    /// `left` differs from the same value in the previous successful run
    /// (`${steps.X.output.Y}` is compared with `${previous.output.X.Y}`,
    /// or with `right` when given); false on the first run, which records
    /// the baseline.
    Changed,
}

fn default_method() -> String {
    "GET".into()
}
fn default_item() -> String {
    "item".into()
}
fn default_approval_timeout() -> u64 {
    24 * 3_600
}

/// The tools steward itself gives `agent` steps (engine/agent/builtins.rs).
pub const BUILTIN_TOOLS: [&str; 5] = [
    "http_request",
    "send_message",
    "workflow_runs",
    "start_workflow",
    "ask_approval",
];

/// The tools of an `agent` step made from a bare instruction: it may read the
/// web, tell its chat and look at its own history, nothing more.
pub const DEFAULT_AGENT_TOOLS: [&str; 3] = ["http_request", "send_message", "workflow_runs"];

/// Whether `name` can be in an agent step's `tools`: a built-in tool, one
/// tool of an MCP server (`server.tool`), or all of a server's (`server.*`).
pub fn is_tool_name(name: &str) -> bool {
    if BUILTIN_TOOLS.contains(&name) {
        return true;
    }
    let Some((server, tool)) = name.split_once('.') else {
        return false;
    };
    let word = |w: &str, max: usize| {
        !w.is_empty()
            && w.len() <= max
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    word(server, 32) && (tool == "*" || (word(&tool.replace('.', "_"), 128)))
}

/// Why a plan cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

impl Plan {
    /// Parses stored plan JSON (`{"steps": [...]}` or a bare array), filling
    /// `{{KEY:name}}` placeholders first. Errors name the step.
    pub fn parse(json: &str, placeholders: &BTreeMap<String, String>) -> Result<Plan, PlanError> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| PlanError(format!("the plan is not valid JSON: {e}")))?;
        let value = template::fill_placeholders(value, placeholders).map_err(PlanError)?;
        let steps = match value {
            Value::Array(steps) => steps,
            Value::Object(mut object) => match object.remove("steps") {
                Some(Value::Array(steps)) => steps,
                _ => return Err(PlanError("the plan has no \"steps\" list".into())),
            },
            _ => return Err(PlanError("the plan must be a list of steps".into())),
        };
        let mut parsed = Vec::with_capacity(steps.len());
        for (index, step) in steps.into_iter().enumerate() {
            parsed.push(parse_step(step, index)?);
        }
        let mut plan = Plan { steps: parsed };
        name_steps(&mut plan.steps);
        plan.check_ids()?;
        plan.check_tools()?;
        Ok(plan)
    }

    fn check_tools(&self) -> Result<(), PlanError> {
        fn walk(steps: &[Step]) -> Result<(), PlanError> {
            for step in steps {
                if let Action::Agent { tools, .. } = &step.action {
                    if let Some(bad) = tools.iter().find(|t| !is_tool_name(t)) {
                        return Err(PlanError(format!(
                            "step '{}' names the tool '{bad}', which is neither built in ({}) nor an MCP tool written server.tool or server.*",
                            step.id,
                            BUILTIN_TOOLS.join(", ")
                        )));
                    }
                }
                for children in step.children() {
                    walk(children)?;
                }
            }
            Ok(())
        }
        walk(&self.steps)
    }

    /// The number of steps, counting nested ones once.
    pub fn step_count(&self) -> usize {
        count(&self.steps)
    }

    fn check_ids(&self) -> Result<(), PlanError> {
        fn walk(steps: &[Step]) -> Result<(), PlanError> {
            let mut seen = std::collections::HashSet::new();
            for step in steps {
                if !seen.insert(step.id.as_str()) {
                    return Err(PlanError(format!("two steps are called '{}'", step.id)));
                }
                for children in step.children() {
                    walk(children)?;
                }
            }
            Ok(())
        }
        walk(&self.steps)
    }
}

impl Step {
    /// The kind as written in JSON ("http", "message", ...).
    pub fn kind(&self) -> &'static str {
        match self.action {
            Action::Message { .. } => "message",
            Action::Http { .. } => "http",
            Action::Condition { .. } => "condition",
            Action::Workflow { .. } => "workflow",
            Action::Parallel { .. } => "parallel",
            Action::Foreach { .. } => "foreach",
            Action::Approval { .. } => "approval",
            Action::Agent { .. } => "agent",
            Action::Delay { .. } => "delay",
        }
    }

    /// Nested step lists (branches, loop bodies, the error handler).
    pub fn children(&self) -> Vec<&Vec<Step>> {
        let mut children = match &self.action {
            Action::Condition {
                then, otherwise, ..
            } => vec![then, otherwise],
            Action::Parallel { branches } => branches.iter().collect(),
            Action::Foreach { steps, .. } => vec![steps],
            _ => Vec::new(),
        };
        children.extend(self.on_error.handler());
        children
    }

    /// A one-line summary for people: "GET https://status.example.com".
    pub fn summary(&self) -> String {
        match &self.action {
            Action::Message { text, target: None } => format!("message: {}", clip(text, 60)),
            Action::Message {
                text,
                target: Some(target),
            } => format!("message {target}: {}", clip(text, 60)),
            Action::Http { method, url, .. } => {
                format!("{} {}", method.to_uppercase(), clip(url, 80))
            }
            Action::Condition { check, .. } if check.op == Op::Changed => {
                format!("if {} changed since the last run", check.left)
            }
            Action::Condition { check, .. } => {
                format!("if {} {:?} {}", check.left, check.op, check.right)
            }
            Action::Workflow { workflow, .. } => match workflow {
                WorkflowRef::Id(id) => format!("start workflow #{id}"),
                WorkflowRef::Name(name) => format!("start workflow '{name}'"),
            },
            Action::Parallel { branches } => format!("{} branches in parallel", branches.len()),
            Action::Foreach { items, .. } => format!("for each item of {items}"),
            Action::Approval { prompt, .. } => format!("ask for approval: {}", clip(prompt, 60)),
            Action::Agent { instruction, .. } => format!("agent: {}", clip(instruction, 60)),
            Action::Delay { seconds } => format!("wait {seconds} s"),
        }
    }
}

fn parse_step(value: Value, index: usize) -> Result<Step, PlanError> {
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_default();
    let label = match value.get("id").and_then(Value::as_str) {
        Some(id) => format!("step {} ('{id}')", index + 1),
        None => format!("step {}", index + 1),
    };
    if kind.is_empty() {
        return Err(PlanError(format!("{label} has no \"type\"")));
    }
    const KNOWN: &[&str] = &[
        "message",
        "http",
        "condition",
        "workflow",
        "parallel",
        "foreach",
        "approval",
        "agent",
        "delay",
    ];
    if !KNOWN.contains(&kind.as_str()) {
        return Err(PlanError(format!(
            "{label} has unknown type '{}': steward knows {}",
            clip(&kind, 40),
            KNOWN.join(", ")
        )));
    }
    serde_json::from_value(value)
        .map_err(|e| PlanError(format!("{label} ({kind}) is not valid: {e}")))
}

/// Gives steps without an id one from their kind and position ("http2").
fn name_steps(steps: &mut [Step]) {
    for (index, step) in steps.iter_mut().enumerate() {
        if step.id.trim().is_empty() {
            step.id = format!("{}{}", step.kind(), index + 1);
        }
        match &mut step.action {
            Action::Condition {
                then, otherwise, ..
            } => {
                name_steps(then);
                name_steps(otherwise);
            }
            Action::Parallel { branches } => branches.iter_mut().for_each(|b| name_steps(b)),
            Action::Foreach { steps, .. } => name_steps(steps),
            _ => {}
        }
        if let Some(handler) = step.on_error.handler_mut() {
            name_steps(handler);
        }
    }
}

fn count(steps: &[Step]) -> usize {
    steps
        .iter()
        .map(|s| 1 + s.children().iter().map(|c| count(c)).sum::<usize>())
        .sum()
}

#[cfg(test)]
mod tests;
