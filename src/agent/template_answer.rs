//! The answer to a template's question for a missing value (`asking.rs`):
//! the message is the value (a web address is checked to be one), then the
//! next value is asked for, or the workflow is drafted as usual. "cancel"
//! or "no" drops the request; a command goes its usual way.

use super::draft::Draft;
use super::grammar::{self, Intent, Settle};
use super::template_draft::{self, is_address, Request};
use super::turn::Turn;
use super::{Agent, Reply};

/// Reads a message said while a template asks for a value; `None` when no
/// template asks, or for a no (which cancels the draft its usual way).
pub async fn answer(turn: &mut Turn, agent: &Agent, text: &str) -> Option<Reply> {
    let Some(Draft::Create { spec }) = &turn.draft else {
        return None;
    };
    let asking = spec.asking.as_deref()?.clone();
    let set_aside = spec.set_aside.clone();
    match grammar::settle(text) {
        Settle::Cancel => return None,
        Settle::Confirm(None) => return Some(turn.draft_reply(agent, asking.question())),
        _ => {}
    }
    // A command ("list my workflows", "use the rss digest") goes its usual
    // way; anything else is the value.
    match grammar::parse(text) {
        Intent::Tool("create_workflow", _) => {}
        Intent::Tool(..) | Intent::Help => return None,
        _ => {}
    }
    let name = asking.missing.first()?.clone();
    let value = text
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '`'))
        .trim();
    let wants_address = asking.template.placeholder(&name).is_some_and(is_address);
    let is_web = url::Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if value.is_empty() || (wants_address && !is_web) {
        return Some(turn.draft_reply(
            agent,
            format!(
                "That isn't a web address (it should start with https://).\n{}",
                asking.question()
            ),
        ));
    }
    let mut values = asking.values.clone();
    values.insert(name, value.to_string());
    let waiting = turn.draft.take();
    let request = Request {
        template: asking.template,
        values,
        schedule: asking.schedule,
        name: asking.name,
    };
    match template_draft::propose(turn, agent, request).await {
        Ok(outcome) => {
            if let Some(Draft::Create { spec } | Draft::Update { spec, .. }) = &mut turn.draft {
                spec.set_aside = set_aside;
            }
            Some(turn.draft_reply(agent, outcome.text))
        }
        Err(message) => {
            turn.draft = waiting;
            Some(turn.draft_reply(agent, message))
        }
    }
}
