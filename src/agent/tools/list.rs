//! `list_workflows`: the person's workflows, optionally of one status.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::schema::tool;
use super::workflow_value;
use super::{parse, Outcome, Tool};
use crate::agent::render;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::workflow::{Workflow, WorkflowStatus};

pub(super) struct List;

#[async_trait]
impl Tool for List {
    fn name(&self) -> &'static str {
        "list_workflows"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "List the user's workflows.",
            json!({ "status": { "type": ["string", "null"], "enum": ["active", "paused", "completed", null] } }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        list(turn, agent, parse(self.name(), args)?).await
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    #[serde(default)]
    status: Option<String>,
}

async fn list(turn: &mut Turn, agent: &Agent, args: ListArgs) -> Result<Outcome, String> {
    let status = match args
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => Some(WorkflowStatus::parse(&s.to_lowercase()).ok_or_else(|| {
            format!(
                "status is one of active, paused, completed — not '{}'",
                render::clip(s, 40)
            )
        })?),
        None => None,
    };
    let all = turn.workflows(agent).await?;
    let shown: Vec<&Workflow> = all
        .iter()
        .filter(|w| status.is_none_or(|s| w.status == s))
        .collect();
    if shown.is_empty() {
        let text = match status {
            Some(s) => format!("You have no {} workflows.", s.as_str()),
            None => format!("You have no workflows yet. {}", render::EXAMPLES_SHORT),
        };
        return Ok(Outcome::ok(json!({ "workflows": [] }), text));
    }
    if let [only] = shown.as_slice() {
        turn.focus(only.id);
    }
    let lines: Vec<String> = shown.iter().map(|w| render::workflow_line(w)).collect();
    let items: Vec<Value> = shown.iter().map(|w| workflow_value(w)).collect();
    let heading = match shown.len() {
        1 => "Your workflow:".to_string(),
        n => format!("Your {n} workflows:"),
    };
    Ok(Outcome::ok(
        json!({ "workflows": items }),
        format!("{heading}\n{}", lines.join("\n")),
    ))
}
