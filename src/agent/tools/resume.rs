//! `resume_workflow`: resumes a paused workflow from its next slot; the
//! paused time is not replayed.

use async_trait::async_trait;
use serde_json::{json, Value};

use super::schema::{tool, workflow};
use super::{manage_failed, Target};
use super::{parse, Outcome, Tool};
use crate::agent::render;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;

pub(super) struct Resume;

#[async_trait]
impl Tool for Resume {
    fn name(&self) -> &'static str {
        "resume_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Resume a paused workflow from its next slot.",
            json!({ "workflow": workflow() }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        resume(turn, agent, parse::<Target>(self.name(), args)?).await
    }
}

async fn resume(turn: &mut Turn, agent: &Agent, args: Target) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    let next = agent
        .manage
        .resume(&turn.actor, w.id)
        .await
        .map_err(manage_failed)?;
    turn.focus(w.id);
    let zone = w.schedule.as_ref().map(|s| s.zone).unwrap_or(turn.zone);
    let text = match next {
        Some(next) => format!(
            "Resumed #{} \"{}\". Next run {} (the paused time is not replayed).",
            w.id,
            w.name,
            render::short_time(next, zone)
        ),
        None => format!(
            "Resumed #{} \"{}\"; it has no upcoming run (run it by hand with 'run it now').",
            w.id, w.name
        ),
    };
    Ok(Outcome::ok(
        json!({ "id": w.id, "status": "active", "next_run": next.map(|t| t.to_rfc3339()) }),
        text,
    ))
}
