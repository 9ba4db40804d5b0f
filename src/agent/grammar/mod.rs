//! The offline grammar: what a message means when no LLM reads it (and for
//! slash and bot commands always). Deterministic and forgiving about
//! wording, never guessing: a message it cannot map gets examples back.

use regex::Regex;
use serde_json::{json, Value};
use std::sync::LazyLock;

mod api_keys;
mod cancel;
mod changes;
mod dashboard;
mod history;
mod hooks;
mod language;
mod limits;
mod settle;
mod talk;
mod templates;

pub use language::{looks_foreign, sounds_like_a_request};
pub use settle::{amendment, confirm_verb, settle, Change, Settle};

/// What a message asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    /// A workflow tool with its arguments.
    Tool(&'static str, Value),
    /// Answer a waiting run.
    Answer {
        run_id: i64,
        approve: bool,
    },
    Help,
    Hello,
    Thanks,
    /// Confirm, cancel or amend with no draft waiting.
    NoDraft,
}

/// A time of day after "at" in a regex: "at 6", "at 10.15", "at 7:30 pm",
/// "at 6am".
const AT_TIME: &str = r"at \d{1,2}(?:[:.]\d{2})?(?:\s*[ap]\.?m)?";

/// A pattern of the grammar (they are written here, so they compile).
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("grammar patterns are valid")
}

/// Turns a slash or bot command into the words the grammar reads:
/// `/pause Status check` → "pause Status check".
pub fn command_text(name: &str, args: &str) -> String {
    let args = args.trim();
    let name = name.trim().trim_start_matches('/').to_lowercase();
    let name = name.split('@').next().unwrap_or_default();
    match name {
        "new" | "create" | "start" if args.is_empty() => "help".into(),
        "new" | "create" => args.to_string(),
        "list" => "list my workflows".into(),
        "logs" | "log" | "history" if args.is_empty() => "logs".into(),
        "logs" | "log" | "history" => format!("logs for {args}"),
        "timezone" | "tz" if args.is_empty() => "what is my timezone".into(),
        "timezone" | "tz" => format!("my timezone is {args}"),
        "run" => format!("run {args} now"),
        "help" | "start" => "help".into(),
        other => format!("{other} {args}").trim().to_string(),
    }
}

fn unquote(text: &str) -> String {
    text.trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '`'))
        .trim()
        .trim_end_matches(['.', '!'])
        .to_string()
}

static CREATE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:(?:create|make|add|set up|setup|schedule|new)(?: me)? (?:a |an |new )*(?:workflow|job|automation|task|reminder|schedule)?(?: (?:that|which|to|for))?[:,]?\s+|can you |could you |i want you to |i'd like you to |i need you to )",
    )
});

/// What a message means, read offline: the first reader that knows the
/// message wins, in this order; anything else is a new workflow.
pub fn parse(text: &str) -> Intent {
    let text = text.trim();
    let request = CREATE_PREFIX.replace(text, "").trim().to_string();
    // "when the backup fails, run the alert workflow" is a new workflow,
    // not a request to run one.
    if super::events::read(&request).is_some() {
        return create(request);
    }
    let readers: [fn(&str) -> Option<Intent>; 9] = [
        // Before `talk`, which reads "stop it" as an answer to a draft.
        cancel::parse,
        talk::read,
        templates::parse,
        api_keys::parse,
        dashboard::parse,
        limits::parse,
        hooks::parse,
        history::read,
        changes::read,
    ];
    if let Some(intent) = readers.iter().find_map(|read| read(text)) {
        return intent;
    }
    create(request)
}

/// A new workflow from `request`.
fn create(request: String) -> Intent {
    Intent::Tool(
        "create_workflow",
        json!({ "name": null, "schedule": request, "instruction": null, "steps": null, "timezone": null, "limits": null }),
    )
}

#[cfg(test)]
mod tests;
