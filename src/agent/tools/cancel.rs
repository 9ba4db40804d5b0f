//! `cancel_run`: stops the runs of a workflow that are going ("stop it",
//! "cancel the status check's run"); their in-flight calls are aborted and
//! they end `cancelled`. "stop it" with no run going pauses the workflow, as
//! it always did.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::schema::{tool, workflow};
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;

pub(super) struct CancelRun;

#[async_trait]
impl Tool for CancelRun {
    fn name(&self) -> &'static str {
        "cancel_run"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Stop (cancel) the runs of a workflow that are going now; in-flight HTTP and model calls are aborted.",
            json!({
                "workflow": workflow(),
                "or_pause": { "type": "boolean", "description": "true when the user said only 'stop it': with no run going, the workflow is paused instead." }
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        cancel(turn, agent, parse::<CancelArgs>(self.name(), args)?).await
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelArgs {
    workflow: String,
    #[serde(default)]
    or_pause: bool,
}

async fn cancel(turn: &mut Turn, agent: &Agent, args: CancelArgs) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    turn.focus(w.id);
    let live = agent
        .manage
        .live_runs(&turn.actor, w.id)
        .await
        .map_err(manage_failed)?;
    if live.is_empty() {
        if args.or_pause {
            let pause = json!({ "workflow": format!("#{}", w.id) });
            return super::pause::Pause.call(turn, agent, &pause).await;
        }
        return Ok(Outcome::ok(
            json!({ "id": w.id, "cancelled": [] }),
            format!(
                "#{} \"{}\" has no run going. ('pause it' keeps it from running again.)",
                w.id, w.name
            ),
        ));
    }
    let mut said = Vec::new();
    let mut ids = Vec::new();
    for run in live {
        let done = agent
            .manage
            .cancel_run(&turn.actor, run.id)
            .await
            .map_err(manage_failed)?;
        ids.push(done.id);
        said.push(match done.status.is_final() {
            true => format!("run {} {}", done.id, done.status),
            false => format!("run {} is stopping", done.id),
        });
    }
    Ok(Outcome::ok(
        json!({ "id": w.id, "cancelled": ids }),
        format!("Stopped #{} \"{}\": {}.", w.id, w.name, said.join(", ")),
    ))
}
