//! The dialogue of one turn: a message in words (while a draft waits: a
//! yes, a no, a change or a new request; else the LLM or the offline
//! grammar), a button press, an approval answered. What it decides to do it
//! does through the tools and the draft confirmation.

use serde_json::json;

use super::confirm;
use super::draft::{Draft, SKIP_ZONE};
use super::grammar::{self, Change, Intent, Settle};
use super::tools;
use super::turn::Turn;
use super::{render, second_reading, template_answer, zone_answer, Agent, Reply};
use crate::manage::ManageError;

/// A message in words.
pub(super) async fn message(turn: &mut Turn, agent: &Agent, text: &str) -> Reply {
    if matches!(turn.draft, Some(Draft::Zone { .. })) {
        if let Some(reply) = zone_answer::answer(turn, agent, text).await {
            return reply;
        }
    }
    if let Some(reply) = template_answer::answer(turn, agent, text).await {
        return reply;
    }
    if let Some(reply) = choose_reading(turn, agent, text) {
        return reply;
    }
    if turn.draft.is_some() {
        match grammar::settle(text) {
            Settle::Confirm(None) => {
                // "delete it" is no yes to a creation: it throws the draft away.
                let verb = grammar::confirm_verb(text);
                let is_delete = matches!(turn.draft, Some(Draft::Delete { .. }));
                return match verb {
                    Some("delete") if !is_delete => confirm::cancel(turn, agent),
                    Some("create" | "save") if is_delete => turn.draft_reply(
                        agent,
                        "A delete is waiting: yes to delete, no to keep it.".into(),
                    ),
                    _ => confirm::confirm(turn, agent).await,
                };
            }
            Settle::Confirm(Some(change)) if new_request(turn, agent, &change) => {
                // "ok, and every day at 5 remind me to go home": yes, then
                // a new request.
                let confirmed = confirm::confirm(turn, agent).await;
                if turn.draft.is_some() {
                    return confirmed;
                }
                let next = Box::pin(message(turn, agent, &change)).await;
                return Reply {
                    text: format!("{}\n{}", confirmed.text, next.text),
                    buttons: next.buttons,
                    ..Reply::default()
                };
            }
            Settle::Confirm(Some(change)) => {
                return match confirm::amend(turn, agent, &change) {
                    Ok(()) => confirm::confirm(turn, agent).await,
                    Err(message) => turn.draft_reply(agent, message),
                }
            }
            Settle::Cancel => return confirm::cancel(turn, agent),
            Settle::Amend(change) if new_request(turn, agent, &change) => {}
            Settle::Amend(change) => {
                return match confirm::amend(turn, agent, &change) {
                    Ok(()) => {
                        let draft = turn.draft.as_ref().expect("a draft is waiting");
                        let text = render::draft_text(draft, turn.now, agent.has_model());
                        turn.draft_shown = true;
                        turn.draft_reply(agent, text)
                    }
                    Err(message) => turn.draft_reply(agent, message),
                }
            }
            Settle::Other => {}
        }
    }
    if let Some(model) = agent.model.clone() {
        let unanswered = match super::llm_turn::reply(turn, agent, text).await {
            Ok(reply) => return reply,
            Err(unanswered) => unanswered,
        };
        // The note is shown, not kept as the assistant's words: the model
        // reads the offline answer next turn, not steward's excuse.
        turn.note = Some(unanswered.note(model.model()));
        return offline(turn, agent, text).await;
    }
    offline(turn, agent, text).await
}

/// While two readings of the schedule wait, "1" or "2" picks one, and a
/// bare yes is asked which.
fn choose_reading(turn: &mut Turn, agent: &Agent, text: &str) -> Option<Reply> {
    let Some(Draft::Create { spec } | Draft::Update { spec, .. }) = turn.draft.as_mut() else {
        return None;
    };
    let alternative = spec.alternative.clone()?;
    match second_reading::choice(text) {
        Some(1) => spec.alternative = None,
        Some(_) => {
            let schedule = alternative.schedule().ok()?;
            spec.set_schedule(&schedule, alternative.source.clone());
            spec.alternative = None;
        }
        None if matches!(grammar::settle(text), Settle::Confirm(None)) => {
            let shown = render::draft_text(turn.draft.as_ref()?, turn.now, agent.has_model());
            turn.draft_shown = true;
            return Some(turn.draft_reply(
                agent,
                format!("The two readings differ, so a yes can't say which one to keep.\n{shown}"),
            ));
        }
        None => return None,
    }
    let shown = render::draft_text(turn.draft.as_ref()?, turn.now, agent.has_model());
    turn.draft_shown = true;
    Some(turn.draft_reply(agent, shown))
}

/// Whether `text` asks for something of its own (a schedule and a task),
/// rather than changing the draft.
fn new_request(turn: &Turn, agent: &Agent, text: &str) -> bool {
    let Change::Schedule(words) = grammar::amendment(text) else {
        return false;
    };
    let context = turn.context(agent, turn.zone);
    // "make it run at 8:30": a verb that only frames the change is no task.
    const FRAMING: [&str; 8] = [
        "run",
        "fire",
        "go",
        "go off",
        "happen",
        "it",
        "remind me",
        "be",
    ];
    // The task as read, or the words beside a schedule that is asked
    // about ("and every day at 5 remind me to go home": 5 am or pm?).
    let task = match crate::schedule::parse_input(&words, &context) {
        Ok(parsed) => parsed.task,
        Err(_) => crate::schedule::natural::task_words(&words),
    };
    task.is_some_and(|task| !FRAMING.contains(&task.to_lowercase().as_str()))
}

/// The request before this message, completed by it, when the reader
/// asked about it and this message answers ("remind me to drink water
/// twice a day" → "at which times?" → "at 10am and 4pm").
fn follow_up(turn: &Turn, agent: &Agent, text: &str) -> Option<String> {
    let before = unplaced(turn, agent)?;
    // "'5' could be 05:00 or 17:00" → "I meant 5 pm".
    if let Some(settled) = settle(turn, agent, &before.text, text) {
        return Some(settled);
    }
    let context = turn.context(agent, turn.zone);
    let read = |words: &str| crate::schedule::parse_input(words, &context);
    // …made of schedule words alone, that completes it.
    match read(text) {
        Ok(parsed) if parsed.task.is_some() => return None,
        // "\"good friday\" is a holiday … its date?" → "april 3".
        Ok(_) => {
            let dated = crate::schedule::natural::holiday_answered(&before.text, text);
            if let Some(dated) = dated.filter(|dated| read(dated).is_ok()) {
                return Some(dated);
            }
        }
        Err(_) => {}
    }
    let combined = format!(
        "{} {}",
        before.text.trim_end_matches(['.', '?', '!']),
        text.trim()
    );
    read(&combined).is_ok().then_some(combined)
}

/// The request just before this message, when the reader asked about it
/// (it could not place its schedule).
fn unplaced<'t>(turn: &'t Turn, agent: &Agent) -> Option<&'t super::history::Said> {
    let [.., before, answer] = turn.history.as_slice() else {
        return None;
    };
    if before.role != "user" || answer.role != "assistant" {
        return None;
    }
    let request = matches!(
        grammar::parse(&before.text),
        Intent::Tool("create_workflow", _)
    );
    let context = turn.context(agent, turn.zone);
    let placed = || crate::schedule::parse_input(&before.text, &context).is_ok();
    (request && !placed()).then_some(before)
}

/// "'5' could be 05:00 or 17:00" → "5pm", "make it 5pm", "evening": the
/// request before with the time put in its place.
fn settled(turn: &Turn, agent: &Agent, text: &str) -> Option<String> {
    if !super::half_answer::could_answer(text) {
        return None;
    }
    let before = unplaced(turn, agent)?;
    settle(turn, agent, &before.text, text)
}

/// `request` with the time `text` answers put in its place, when that
/// reads.
fn settle(turn: &Turn, agent: &Agent, request: &str, text: &str) -> Option<String> {
    let context = turn.context(agent, turn.zone);
    super::half_answer::settle(request, text)
        .filter(|settled| crate::schedule::parse_input(settled, &context).is_ok())
}

/// A message read by the offline grammar.
pub(super) async fn offline(turn: &mut Turn, agent: &Agent, text: &str) -> Reply {
    let mut intent = grammar::parse(text);
    // Only what reads as a new request can be the answer to a question
    // about the one before, so other messages cost no second reading.
    let completed = match intent {
        Intent::Tool("create_workflow", _) => follow_up(turn, agent, text),
        // "make it 5pm", "evening": not a request, but the answer to
        // which half of the day.
        Intent::Help | Intent::Hello | Intent::Thanks | Intent::Answer { .. } => None,
        _ => settled(turn, agent, text),
    };
    if let Some(combined) = &completed {
        intent = grammar::parse(combined);
    }
    let text = completed.as_deref().unwrap_or(text);
    match intent {
        Intent::Help => Reply::text(render::HELP),
        Intent::Hello => Reply::text(format!(
            "Hello! I turn plain language into workflows that run on their own. {}",
            render::EXAMPLES_SHORT
        )),
        Intent::Thanks => Reply::text("You're welcome."),
        Intent::NoDraft => match (unplaced(turn, agent), turn.history.last()) {
            // "yes" or "make it 7am" after a question about a request:
            // the question still stands.
            (Some(request), Some(question)) => Reply::text(format!(
                "There's no draft yet: I asked about \"{}\". {}",
                render::clip(&request.text, 80),
                question.text
            )),
            _ => turn.nothing_waiting(),
        },
        Intent::Answer { run_id, approve } => answer_approval(turn, agent, run_id, approve).await,
        Intent::Tool(name, args) => {
            let creating = name == "create_workflow";
            let outcome = tools::call(turn, agent, name, args).await;
            if creating && !outcome.ok && grammar::looks_foreign(text) {
                turn.actions.pop();
                return Reply::text(render::ENGLISH_ONLY);
            }
            let asked = grammar::sounds_like_a_request(text) || super::events::read(text).is_some();
            if creating && !outcome.ok && !asked {
                // Not a workflow at all: answer with what works, and do
                // not count a failed creation nobody asked for.
                turn.actions.pop();
                return Reply::text(not_caught(text));
            }
            let text = if outcome.ok {
                outcome.text
            } else {
                let mut message = outcome.text;
                if !message.ends_with(['.', '?', '!']) {
                    message.push('.');
                }
                render::capitalize(&message)
            };
            Reply::text(text)
        }
    }
}

/// The answer to a message that is no request: what works, and for a
/// place alone ("Tokyo"), how to make it one's time zone.
fn not_caught(text: &str) -> String {
    let place = text.trim().trim_end_matches(['.', '!']).trim();
    let a_place = place.split_whitespace().count() <= 3
        && place.len() > 2
        && place.parse::<crate::schedule::Zone>().is_ok();
    // "America/Nowhere": a zone's name misspelled.
    let zone_like = place.contains('/')
        && !place.contains(char::is_whitespace)
        && !place.contains("://")
        && place
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
    if a_place {
        format!("I didn't catch that. If {place} is where you are, say 'my timezone is {place}' and I'll read your times there.")
    } else if zone_like {
        format!("I don't know the time zone '{}'. A city is enough (Paris, New York, Tokyo), or an IANA name such as Europe/Paris.", render::clip(place, 40))
    } else {
        format!("I didn't catch that. {}", render::EXAMPLES_SHORT)
    }
}

/// A button press.
pub(super) async fn press(turn: &mut Turn, agent: &Agent, action: &str) -> Reply {
    let action = action.trim();
    // "confirm" and "cancel" alone (typed by an integration) answer the
    // draft waiting now; with a token, only the draft they were shown with.
    let (verb, token) = action.split_once(':').unwrap_or((action, ""));
    if matches!(verb, "confirm" | "cancel") {
        if !token.is_empty() {
            if let Some(stale) = stale_button(turn, agent, token) {
                return stale;
            }
        }
        return if verb == "confirm" {
            confirm::confirm(turn, agent).await
        } else {
            confirm::cancel(turn, agent)
        };
    }
    if action == SKIP_ZONE {
        return zone_answer::skip(turn, agent).await;
    }
    let answer = action
        .split_once(':')
        .and_then(|(verb, run)| Some((verb, run.trim().parse::<i64>().ok()?)));
    match answer {
        Some(("approve", run_id)) => answer_approval(turn, agent, run_id, true).await,
        Some(("reject", run_id)) => answer_approval(turn, agent, run_id, false).await,
        _ => Reply::text(format!(
            "I don't know the button '{}'.",
            render::clip(action, 40)
        )),
    }
}

/// The answer to a button of a draft that is no longer the one waiting.
fn stale_button(turn: &mut Turn, agent: &Agent, token: &str) -> Option<Reply> {
    let waiting = turn.draft.as_ref();
    if waiting.is_some_and(|draft| draft.token() == token) {
        return None;
    }
    Some(match waiting {
        None => {
            Reply::text("That button's draft was already answered or replaced, so nothing changed.")
        }
        Some(draft) => {
            let shown = render::draft_text(draft, turn.now, agent.has_model());
            turn.draft_shown = true;
            turn.draft_reply(
                agent,
                format!("That button belongs to an earlier draft, so nothing changed. This is the one waiting now:\n{shown}"),
            )
        }
    })
}

/// Approves or rejects a waiting run of one of the user's workflows.
async fn answer_approval(turn: &mut Turn, agent: &Agent, run_id: i64, approve: bool) -> Reply {
    match agent.manage.answer(&turn.actor, run_id, approve).await {
        Ok(workflow) => {
            turn.focus(workflow.id);
            turn.record(
                if approve { "approve" } else { "reject" },
                json!({ "run_id": run_id }),
                json!({ "run_id": run_id, "approved": approve }),
            );
            Reply::text(format!(
                "{} run {run_id} of #{} \"{}\"; it continues now.",
                if approve { "Approved" } else { "Rejected" },
                workflow.id,
                workflow.name
            ))
        }
        Err(ManageError::RunNotFound(_) | ManageError::NotFound(_)) => {
            Reply::text(format!("I couldn't find a run {run_id} waiting for you."))
        }
        Err(ManageError::Invalid(_)) => Reply::text(format!(
            "Run {run_id} is not waiting for an answer (it may have been answered or expired)."
        )),
        Err(e) => Reply::text(e.for_user()),
    }
}
