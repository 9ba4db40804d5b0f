//! Ask once for the person's zone, then carry on (issue 18). A request with
//! a time of day from someone whose zone steward does not know is held in
//! the conversation (a [`Draft::Zone`], stored like any draft, so it
//! survives a restart) behind "What's your time zone?"; the answer becomes
//! their zone and the held request is drafted in it, without retyping.
//! "skip" (or the button) keeps the server's zone and is remembered, so
//! they are not asked again. The answer is read in `zone_answer.rs`.

use serde_json::{json, Value};

use super::draft::{Draft, ZONE_QUESTION as QUESTION};
use super::outcome::Outcome;
use super::turn::Turn;
use super::{timed, Agent};

/// What a held request is told: the question, and that it waits.
fn held_text(agent: &Agent) -> String {
    format!(
        "{QUESTION}\nI'll draft your request in your time as soon as I know it, or say 'skip' to use the server's zone ({}).",
        agent.settings.default_zone.name()
    )
}

/// Holds a `create_workflow` request whose schedule names a time of day
/// while the person's zone is unknown; `None` lets it through (zone known or
/// given, a relative time, words the draft will question anyway).
pub fn hold(turn: &mut Turn, agent: &Agent, args: &Value) -> Option<Outcome> {
    let given = args["timezone"]
        .as_str()
        .is_some_and(|z| !z.trim().is_empty());
    let schedule = args["schedule"].as_str()?;
    if given {
        return None;
    }
    hold_request(turn, agent, schedule, args.clone())
}

/// Holds a `use_template` request the same way: its schedule (asked for,
/// or the template's own) names a time of day and the zone is unknown.
pub fn hold_template(
    turn: &mut Turn,
    agent: &Agent,
    schedule: &str,
    args: &Value,
) -> Option<Outcome> {
    let request = json!({ "tool": "use_template", "args": args });
    hold_request(turn, agent, schedule, request)
}

/// The tool and arguments of a held request: `create_workflow` with its
/// arguments, or another tool as `{"tool", "args"}`.
pub fn held_call(request: Value) -> (&'static str, Value) {
    match (
        request.get("tool").and_then(Value::as_str),
        request.get("args"),
    ) {
        (Some("use_template"), Some(args)) => ("use_template", args.clone()),
        _ => ("create_workflow", request),
    }
}

fn hold_request(turn: &mut Turn, agent: &Agent, schedule: &str, request: Value) -> Option<Outcome> {
    if turn.zone_known
        || !timed::needs_zone(schedule, turn.now, agent.settings.min_interval_seconds)
    {
        return None;
    }
    turn.draft = Some(Draft::Zone {
        request: Some(request),
    });
    turn.draft_shown = true;
    Some(Outcome {
        ok: true,
        value: json!({
            "status": "waiting for the user's time zone",
            "question": QUESTION,
            "note": "Ask the user only this question; steward reads their answer and drafts the request.",
        }),
        text: held_text(agent),
    })
}

/// Asks the question with nothing held (a greeting).
pub fn ask(turn: &mut Turn) {
    if turn.draft.is_none() {
        turn.draft = Some(Draft::Zone { request: None });
    }
}
