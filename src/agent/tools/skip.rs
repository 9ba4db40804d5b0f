//! `skip_next`: skips only the next occurrence; "today's" or "tomorrow's"
//! is checked to be that one.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::manage_failed;
use super::schema::{nullable, tool, workflow};
use super::{parse, Outcome, Tool};
use crate::agent::render;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;

pub(super) struct Skip;

#[async_trait]
impl Tool for Skip {
    fn name(&self) -> &'static str {
        "skip_next"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Skip the next occurrence of a workflow only.",
            json!({ "workflow": workflow(), "day": nullable("'today' or 'tomorrow' when the user names the day of the run to skip (checked to be the next one); null for the next.") }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        skip(turn, agent, parse::<SkipArgs>(self.name(), args)?).await
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SkipArgs {
    workflow: String,
    /// "today" or "tomorrow": the occurrence meant, checked to be the next.
    #[serde(default)]
    day: Option<String>,
}

async fn skip(turn: &mut Turn, agent: &Agent, args: SkipArgs) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    let zone = w.schedule.as_ref().map(|s| s.zone).unwrap_or(turn.zone);
    if let Some(day) = args.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        let today = turn.now.with_timezone(&zone.tz()).date_naive();
        let wanted = match day.to_lowercase().as_str() {
            "today" | "tonight" => today,
            "tomorrow" => today + chrono::Duration::days(1),
            other => {
                return Err(format!(
                    "I can skip today's or tomorrow's run, or the next one; not '{}'.",
                    render::clip(other, 30)
                ))
            }
        };
        let next = w
            .effective_next()
            .ok_or_else(|| format!("#{} \"{}\" has no run coming.", w.id, w.name))?;
        if next.with_timezone(&zone.tz()).date_naive() != wanted {
            return Err(format!(
                "the next run of #{} \"{}\" is {}, not {day}'s, and I can skip only the next one: nothing changed.",
                w.id,
                w.name,
                render::short_time(next, zone)
            ));
        }
    }
    let slot = agent
        .manage
        .skip_next(&turn.actor, w.id)
        .await
        .map_err(manage_failed)?;
    turn.focus(w.id);
    Ok(Outcome::ok(
        json!({ "id": w.id, "skipped": slot.to_rfc3339() }),
        format!(
            "#{} \"{}\" will skip its run at {}; the ones after stay.",
            w.id,
            w.name,
            render::short_time(slot, zone)
        ),
    ))
}
