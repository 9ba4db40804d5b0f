//! `run_workflow`: runs a workflow now and reports the result, or that it
//! is still going.

use async_trait::async_trait;
use serde_json::{json, Value};

use super::schema::{tool, workflow};
use super::Target;
use super::{parse, Outcome, Tool};
use crate::agent::render;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::workflow::RunStatus;

pub(super) struct RunNow;

#[async_trait]
impl Tool for RunNow {
    fn name(&self) -> &'static str {
        "run_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Run a workflow now and report the result.",
            json!({ "workflow": workflow() }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        run(turn, agent, parse::<Target>(self.name(), args)?).await
    }
}

async fn run(turn: &mut Turn, agent: &Agent, args: Target) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    turn.focus(w.id);
    let run = agent
        .manage
        .run_now(&turn.actor, w.id, Some(agent.settings.run_wait))
        .await
        .map_err(|e| {
            format!(
                "I couldn't start #{} \"{}\": {}",
                w.id,
                w.name,
                e.for_user()
            )
        })?;
    let text = if run.status.is_final() || run.status == RunStatus::Waiting {
        format!(
            "Ran #{} \"{}\" (run {}): {}.",
            w.id,
            w.name,
            run.id,
            render::run_outcome(&run)
        )
    } else {
        format!(
            "Started #{} \"{}\" (run {}); it is still going, and I'll post the result when it ends.",
            w.id, w.name, run.id
        )
    };
    Ok(Outcome::ok(
        json!({
            "run_id": run.id,
            "workflow_id": w.id,
            "status": run.status.as_str(),
            "output": run.output,
            "error": run.error,
        }),
        text,
    ))
}
