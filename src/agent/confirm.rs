//! Settling the waiting draft: a change to it, a yes that carries it out
//! through the use cases, a no that drops it, and the draft set aside for it
//! coming back.

use serde_json::json;

use super::draft::{Draft, ZONE_QUESTION};
use super::grammar::{self, Change};
use super::tools;
use super::turn::Turn;
use super::{apply, moving, render, Agent, Reply};
use crate::schedule::natural::Context;

/// Applies an amendment to the waiting draft.
pub(super) fn amend(turn: &mut Turn, agent: &Agent, change: &str) -> Result<(), String> {
    let (now, min_interval_seconds) = (turn.now, agent.settings.min_interval_seconds);
    let context = |zone| Context {
        now,
        zone,
        min_interval_seconds,
    };
    let spec = match turn.draft.as_mut() {
        Some(Draft::Create { spec }) | Some(Draft::Update { spec, .. }) => spec,
        Some(Draft::Delete { .. } | Draft::Move { .. }) => {
            return Err("That can only be confirmed or cancelled: yes or no?".into())
        }
        Some(Draft::Zone { .. }) => return Err(ZONE_QUESTION.into()),
        None => return Err("There is nothing waiting to change.".into()),
    };
    match grammar::amendment(change) {
        Change::Name(name) => {
            spec.name = tools::check_name(&name)
                .map_err(|e| format!("{}. The draft is unchanged.", render::capitalize(&e)))?;
        }
        Change::Failure(wish) => {
            let asker = crate::agent::failure_words::Asker {
                admin: turn.actor.admin,
                home_chat: &turn.home_chat,
            };
            wish.apply(&mut spec.policies, &asker)
                .map_err(|e| format!("{e}. The draft is unchanged."))?
        }
        Change::Schedule(words) => {
            let zone = spec.zone();
            let mut changed = spec.clone();
            if let Err(e) = changed.amend_schedule(&words, &context(zone)) {
                // The next bare yes must not create the old schedule as
                // if the change had been made.
                spec.unapplied = Some(words.clone());
                let e = if e.ends_with(['.', '?', '!']) {
                    e
                } else {
                    format!("{e}.")
                };
                return Err(format!(
                    "I couldn't change the schedule with '{words}': {e} The draft is unchanged."
                ));
            }
            changed.unapplied = None;
            changed.alternative = None;
            changed.model_reading = None;
            *spec = changed;
        }
    }
    Ok(())
}

/// Carries out the waiting draft.
pub(super) async fn confirm(turn: &mut Turn, agent: &Agent) -> Reply {
    let Some(mut draft) = turn.draft.take() else {
        return turn.nothing_waiting();
    };
    if let Draft::Create { spec } | Draft::Update { spec, .. } = &mut draft {
        if let Some(question) = spec.asking.as_ref().map(|asking| asking.question()) {
            turn.draft = Some(draft);
            return turn.draft_reply(agent, question);
        }
        if let Some(change) = spec.unapplied.take() {
            let shown = render::draft_text(&draft, turn.now, agent.has_model());
            turn.draft = Some(draft);
            turn.draft_shown = true;
            return turn.draft_reply(
                agent,
                format!("Your change '{change}' did not apply, so nothing changed yet. This is the draft as it stands:\n{shown}\nSay yes to create it as shown, or say the change again another way."),
            );
        }
    }
    match apply(turn, agent, &draft).await {
        Ok(text) => Reply::text(back_to_set_aside(turn, agent, draft, text)),
        Err(message) => {
            // Keep the draft so the user can amend or cancel it.
            turn.draft = Some(draft);
            turn.draft_reply(agent, message)
        }
    }
}

async fn apply(turn: &mut Turn, agent: &Agent, draft: &Draft) -> Result<String, String> {
    match draft {
        Draft::Create { spec } => apply::create(turn, agent, spec).await,
        Draft::Update { id, spec, before } => apply::update(turn, agent, *id, spec, before).await,
        Draft::Delete { id, name } => apply::delete(turn, agent, *id, name).await,
        Draft::Zone { .. } => Err(ZONE_QUESTION.into()),
        Draft::Move {
            from,
            to,
            workflows,
        } => moving::apply(turn, agent, from, to, workflows).await,
    }
}

/// Drops the draft; recorded as its tool answered `confirm: false`, so
/// platforms see the press settled something (and take its buttons off).
pub(super) fn cancel(turn: &mut Turn, agent: &Agent) -> Reply {
    let taken = turn.draft.take();
    let set_aside = match &taken {
        Some(Draft::Create { spec } | Draft::Update { spec, .. }) => spec.set_aside.clone(),
        _ => None,
    };
    let (tool, id, name, text) = match taken {
        Some(Draft::Create { spec }) => (
            "create_workflow",
            None,
            spec.name.clone(),
            format!("Cancelled: \"{}\" was not created.", spec.name),
        ),
        Some(Draft::Update { id, before, .. }) => (
            "update_workflow",
            Some(id),
            before.name.clone(),
            format!("Cancelled: #{id} \"{}\" stays as it was.", before.name),
        ),
        Some(Draft::Delete { id, name }) => (
            "delete_workflow",
            Some(id),
            name.clone(),
            format!("Cancelled: #{id} \"{name}\" is kept."),
        ),
        Some(Draft::Zone { request }) => {
            return Reply::text(match request {
                Some(_) => "OK, I dropped that request; nothing was drafted. Tell me your time zone any time ('my timezone is Europe/Paris').",
                None => "OK. Tell me your time zone any time ('my timezone is Europe/Paris').",
            })
        }
        Some(Draft::Move { from, to, .. }) => (
            "set_timezone",
            None,
            to.clone(),
            format!("OK: your workflows stay in {from}; new ones use {to}."),
        ),
        None => return turn.nothing_waiting(),
    };
    turn.record(
        tool,
        json!({ "confirm": false }),
        json!({ "cancelled": true, "id": id, "name": name }),
    );
    match set_aside {
        Some(waiting) => {
            let shown = render::draft_text(&waiting, turn.now, agent.has_model());
            turn.draft = Some(*waiting);
            turn.draft_shown = true;
            Reply::text(format!(
                "{text}\nBack to the draft that was waiting before:\n{shown}"
            ))
        }
        None => Reply::text(text),
    }
}

/// After a draft is answered, the one set aside for it waits again.
fn back_to_set_aside(turn: &mut Turn, agent: &Agent, answered: Draft, text: String) -> String {
    let (Draft::Create { spec } | Draft::Update { spec, .. }) = answered else {
        return text;
    };
    let Some(waiting) = spec.set_aside else {
        return text;
    };
    let shown = render::draft_text(&waiting, turn.now, agent.has_model());
    turn.draft = Some(*waiting);
    turn.draft_shown = true;
    format!("{text}\nBack to the draft that was waiting before:\n{shown}")
}
