//! `delete_workflow`: drafts deleting a workflow; the person confirms.

use async_trait::async_trait;
use serde_json::{json, Value};

use super::schema::{tool, workflow};
use super::Target;
use super::{parse, Outcome, Tool};
use crate::agent::draft::Draft;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;

pub(super) struct Delete;

#[async_trait]
impl Tool for Delete {
    fn name(&self) -> &'static str {
        "delete_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Draft deleting a workflow; the user confirms.",
            json!({ "workflow": workflow() }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        delete(turn, agent, parse::<Target>(self.name(), args)?).await
    }
}

async fn delete(turn: &mut Turn, agent: &Agent, args: Target) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    turn.focus(w.id);
    Ok(turn.propose(
        agent,
        Draft::Delete {
            id: w.id,
            name: w.name.clone(),
        },
    ))
}
