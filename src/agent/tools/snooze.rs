//! `snooze_workflow`: moves the next occurrence later; the ones after keep
//! their times.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use chrono::TimeDelta;

use super::manage_failed;
use super::schema::{tool, workflow};
use crate::agent::render;
use crate::schedule::parse_duration_words;

pub(super) struct Snooze;

#[async_trait]
impl Tool for Snooze {
    fn name(&self) -> &'static str {
        "snooze_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Move the next occurrence later by a duration.",
            json!({ "workflow": workflow(), "by": { "type": "string", "description": "'30 minutes', '2 hours', '1 day'." } }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        snooze(turn, agent, parse(self.name(), args)?).await
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnoozeArgs {
    workflow: String,
    by: String,
}

async fn snooze(turn: &mut Turn, agent: &Agent, args: SnoozeArgs) -> Result<Outcome, String> {
    let seconds = parse_duration_words(&args.by).ok_or_else(|| {
        format!(
            "I couldn't read '{}' as a length of time. Try '30 minutes', '2 hours' or '1 day'.",
            render::clip(&args.by, 60)
        )
    })?;
    let w = turn.resolve(agent, &args.workflow).await?;
    let (slot, until) = agent
        .manage
        .snooze(&turn.actor, w.id, TimeDelta::seconds(seconds))
        .await
        .map_err(manage_failed)?;
    turn.focus(w.id);
    let zone = w.schedule.as_ref().map(|s| s.zone).unwrap_or(turn.zone);
    Ok(Outcome::ok(
        json!({ "id": w.id, "slot": slot.to_rfc3339(), "until": until.to_rfc3339() }),
        format!(
            "#{} \"{}\": the run at {} moves to {}; later ones keep their times.",
            w.id,
            w.name,
            render::short_time(slot, zone),
            render::short_time(until, zone)
        ),
    ))
}
