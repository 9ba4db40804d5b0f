//! `pause_workflow`: pauses a workflow, with a note and, said as "for a
//! week" or "until monday", an end after which it resumes on its own.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use chrono::{DateTime, Utc};

use super::args::check_text;
use super::manage_failed;
use super::schema::{nullable, tool, workflow};
use crate::agent::render;
use crate::schedule::{parse_duration_words, Zone};

pub(super) struct Pause;

#[async_trait]
impl Tool for Pause {
    fn name(&self) -> &'static str {
        "pause_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Pause a workflow, with an optional note saying why.",
            json!({ "workflow": workflow(), "note": nullable("Why it is paused."), "until": nullable("How long, or until when: 'a week', '3 days', 'until monday'; it resumes on its own then. Null to pause until resumed.") }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        pause(turn, agent, parse(self.name(), args)?).await
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseArgs {
    workflow: String,
    #[serde(default)]
    note: Option<String>,
    /// How long, or until when: "a week", "2 days", "until monday".
    #[serde(default)]
    until: Option<String>,
}

/// When a pause said as "for a week", "2 days" or "until monday" ends: after
/// the length, or at the start of the day named, in `zone`.
fn pause_end(text: &str, turn: &Turn, agent: &Agent, zone: Zone) -> Result<DateTime<Utc>, String> {
    let lower = text.trim().to_lowercase();
    let words = lower
        .strip_prefix("for ")
        .unwrap_or(&lower)
        .trim_start_matches("the next ");
    if let Some(seconds) = parse_duration_words(words) {
        use chrono::Timelike;
        let at = turn.now + chrono::Duration::seconds(seconds);
        // To the minute: "until 23:45", not "23:45:49".
        return Ok(at
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(at));
    }
    let day = ["until ", "till ", "through ", "til "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    let unreadable = || {
        format!(
            "I couldn't read '{}' as how long to pause: try 'for a week', 'for 3 days' or 'until monday'.",
            render::clip(text, 40)
        )
    };
    let parsed =
        crate::schedule::parse_input(day, &turn.context(agent, zone)).map_err(|_| unreadable())?;
    match (parsed.schedule.trigger, parsed.task) {
        (crate::schedule::Trigger::Once(at), None) => {
            // The start of that day: its runs happen.
            let local = at.with_timezone(&zone.tz()).date_naive();
            Ok(zone.resolve(local.and_time(chrono::NaiveTime::MIN)))
        }
        _ => Err(unreadable()),
    }
}

async fn pause(turn: &mut Turn, agent: &Agent, args: PauseArgs) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    let note = match args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(note) => Some(check_text("note", note)?),
        None => None,
    };
    let zone = w.schedule.as_ref().map(|s| s.zone).unwrap_or(turn.zone);
    let until = match args
        .until
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(text) => Some(pause_end(text, turn, agent, zone)?),
        None => None,
    };
    agent
        .manage
        .pause(&turn.actor, w.id, note.as_deref(), until)
        .await
        .map_err(manage_failed)?;
    turn.focus(w.id);
    let noted = note
        .as_ref()
        .map(|note| format!(" (note: {note})"))
        .unwrap_or_default();
    let text = match until {
        Some(at) => format!(
            "Paused #{} \"{}\"{noted} until {}; it resumes then on its own (the paused time is not replayed). Say 'resume it' to start it sooner.",
            w.id,
            w.name,
            render::short_time(at, zone)
        ),
        None => format!(
            "Paused #{} \"{}\"{noted}. Say 'resume it' to start it again.",
            w.id, w.name
        ),
    };
    Ok(Outcome::ok(
        json!({ "id": w.id, "status": "paused", "note": note, "until": until.map(|t| t.to_rfc3339()) }),
        text,
    ))
}
