//! Sentences for people: drafts, workflows and runs, in the user's zone.

mod drafts;
mod placeholders;
mod runs;

pub use drafts::*;
pub use placeholders::{hide_secret_values, shown_steps, values_line};
pub use runs::*;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::schedule::{Schedule, Zone};
use crate::workflow::{Guardrails, Run, RunStatus, Usage, Workflow, WorkflowStatus};

/// The answer to a message in another language when no LLM is configured.
pub const ENGLISH_ONLY: &str = "Without a language model I read English only. Say it in English (e.g. 'every day at 10 remind me to drink water'), or connect a model so any language works: set OPENAI_API_KEY, or STEWARD_LLM_BASE_URL for Ollama, vLLM or llama.cpp.";
pub const EXAMPLES_SHORT: &str = "Try 'every weekday at 8:30 check https://status.example.com and tell me if it's down', 'list my workflows' or 'help'.";

pub const HELP: &str = "I turn plain language into workflows that run on their own. Examples:
• every morning at 9 remind me to stretch
• every 4 hours check https://status.example.com and tell me if it's down
• tomorrow at 5pm send me 'call mom'
• create a workflow that summarises new support tickets every friday at 16:00
Then manage them by name or #id:
• list my workflows · show #3 · pause the status check · resume it · run it now
• rename #3 to Morning check · move the status check to 9:30 · delete workflow 'Old Report'
• skip the next run of #3 · snooze #3 by 30 minutes
• what did the morning workflow do today? · any errors this week? · logs for #3
• my timezone is Europe/Paris · I'm in Tokyo · I moved to Tokyo (moves your workflows too, if you say yes)
I show every new or changed workflow first and act only when you say yes.";

/// "Mon 23 Nov 08:30 CET"; with seconds when a time has them (schedules
/// under a minute), so three next runs never read the same.
pub fn short_time(at: DateTime<Utc>, zone: Zone) -> String {
    let format = if at.timestamp() % 60 == 0 {
        "%a %-d %b %H:%M %Z"
    } else {
        "%a %-d %b %H:%M:%S %Z"
    };
    at.with_timezone(&zone.tz()).format(format).to_string()
}

/// A local time relative to today: "today 09:00", "yesterday 17:30", "Mon 16 Nov 09:00".
pub fn when(at: DateTime<Utc>, now: DateTime<Utc>, zone: Zone) -> String {
    let tz = zone.tz();
    let local = at.with_timezone(&tz);
    let days = (now.with_timezone(&tz).date_naive() - local.date_naive()).num_days();
    match days {
        0 => format!("today {}", local.format("%H:%M")),
        1 => format!("yesterday {}", local.format("%H:%M")),
        _ => local.format("%a %-d %b %H:%M").to_string(),
    }
}

/// "At 08:30 on weekdays (Europe/Paris) — next: Mon 23 Nov 08:30 CET, …".
pub fn trigger_line(schedule: &Schedule, now: DateTime<Utc>) -> String {
    let next = schedule.upcoming(now, 3);
    if next.is_empty() {
        return schedule.describe();
    }
    let times: Vec<String> = next
        .iter()
        .map(|at| short_time(*at, schedule.zone))
        .collect();
    format!("{} — next: {}", schedule.describe(), times.join(", "))
}

/// How a draft is answered where any message is read.
pub const ANSWER_OR_CHANGE: &str = "(yes / no, or change it: 'at 9', 'call it …')";
pub const ANSWER: &str = "(yes / no)";

/// The draft questions in `text` asked the way that works where the person
/// is: in a Discord server only buttons and @mentions reach steward, in a
/// Telegram group buttons and replies to its message.
pub fn fit_surface(text: &str, answer_by: super::AnswerBy) -> String {
    use super::AnswerBy::*;
    let (full, short) = match answer_by {
        Words => return text.to_string(),
        ButtonOrMention => (
            "(press a button, or @mention me with a change: '@steward at 9')",
            "(press a button, or @mention me with yes or no)",
        ),
        ButtonOrReply => (
            "(press a button, or reply to this message with yes, no or a change: 'at 9')",
            "(press a button, or reply to this message with yes or no)",
        ),
    };
    text.replace(ANSWER_OR_CHANGE, full).replace(ANSWER, short)
}

/// One line of a list: "#4 Status check — At 09:00 on weekdays (UTC); next Mon 23 Nov 09:00 UTC".
pub fn workflow_line(w: &Workflow) -> String {
    let mut line = format!("#{} {}", w.id, w.name);
    match &w.schedule {
        Ok(schedule) => {
            line.push_str(&format!(" — {}", schedule.describe()));
            match (w.status, w.effective_next()) {
                (WorkflowStatus::Active, Some(next)) => {
                    line.push_str(&format!("; next {}", short_time(next, schedule.zone)));
                    if let Some(change) = w.pending_change() {
                        line.push_str(&format!(" ({change})"));
                    }
                }
                (WorkflowStatus::Paused, _) => match w.resume_at {
                    Some(at) => line.push_str(&format!(
                        " [paused until {}]",
                        short_time(at, schedule.zone)
                    )),
                    None => line.push_str(" [paused]"),
                },
                (WorkflowStatus::Completed, _) => line.push_str(" [done]"),
                _ => {}
            }
        }
        Err(e) => line.push_str(&format!(" — schedule unreadable: {e}")),
    }
    if let Some(note) = &w.paused_note {
        line.push_str(&format!(" (note: {note})"));
    }
    line
}

pub use crate::workflow::clip;

/// The first letter in upper case.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
