//! The greeting for newcomers (issue 18): Telegram's `/start`, the first
//! message in a one-to-one chat (a Discord DM, the terminal). What steward
//! does, three requests to try, the zone question when their zone is not
//! known, and `help`.

use super::draft::{Draft, ZONE_QUESTION};
use super::turn::Turn;
use super::{zone_question, Agent, Reply};

/// What steward does and three requests to try.
pub const INTRO: &str = "Hi, I'm steward: tell me in plain words what should happen and when, and I'll run it on its own and report back here. For example:
• every weekday at 8:30 remind me to stretch
• every hour check https://status.example.com and tell me if it's down
• in 20 minutes remind me to take the pizza out";

/// Where to go next.
const HELP_LINE: &str = "Say 'help' for everything I can do.";

/// Whether a command is the one a new chat starts with (Telegram's
/// `/start`, possibly with a deep-link payload).
pub fn is_start(name: &str, _args: &str) -> bool {
    let name = name.trim().trim_start_matches('/');
    name.split('@')
        .next()
        .is_some_and(|n| n.eq_ignore_ascii_case("start"))
}

/// The greeting, followed by `reply` when it answers a first message. When
/// the person's zone is unknown and nothing else waits, it asks for it and
/// the answer is taken as their zone.
pub fn greet(turn: &mut Turn, agent: &Agent, reply: Option<Reply>) -> Reply {
    turn.greeted = true;
    let asked = matches!(turn.draft, Some(Draft::Zone { .. })) && turn.draft_shown;
    let zone_line = if turn.zone_known {
        Some(format!(
            "Times are in {} (say 'I moved to …' if that's not right).",
            turn.zone.name()
        ))
    } else if asked {
        // The reply below asks already.
        None
    } else if turn.draft.is_none() {
        zone_question::ask(turn);
        turn.draft_shown = true;
        Some(format!(
            "{} ('skip' keeps the server's zone, {}.)",
            ZONE_QUESTION,
            agent.settings.default_zone.name()
        ))
    } else {
        None
    };
    let mut parts = vec![INTRO.to_string()];
    parts.extend(zone_line);
    parts.push(HELP_LINE.to_string());
    let greeting = parts.join("\n");
    match reply {
        Some(reply) => Reply {
            text: format!("{greeting}\n\n{}", reply.text),
            buttons: if reply.buttons.is_empty() {
                turn.buttons()
            } else {
                reply.buttons
            },
            ..reply
        },
        None => Reply {
            text: greeting,
            buttons: turn.buttons(),
            ..Reply::default()
        },
    }
}

/// What steward says once in a group (a Telegram group, a Discord server)
/// that just added it; `mention` is how to address it there.
pub fn group_greeting(mention: &str) -> String {
    format!(
        "Hi, I'm steward: tell me in plain words what should happen and when, and I'll run it on its own and report back here. Mention me ({mention}) with a request, for example:
• every weekday at 8:30 remind us about the stand-up
• every hour check https://status.example.com and tell us if it's down
• in 20 minutes remind me to take the pizza out
Each of you has your own workflows and time zone; I'll ask yours the first time you give me a time of day. '{mention} help' shows everything I can do."
    )
}
