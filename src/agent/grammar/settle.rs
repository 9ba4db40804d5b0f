//! How a message answers a draft waiting for confirmation: yes (maybe with
//! a change), no, a change, or something else.

use regex::Regex;
use std::sync::LazyLock;

use super::{re, unquote};

/// How a message settles the draft waiting for confirmation.
#[derive(Clone, Debug, PartialEq)]
pub enum Settle {
    /// Yes, optionally with a change first ("yes but at 9").
    Confirm(Option<String>),
    Cancel,
    /// A change to the draft ("make it 8:30 instead", "call it Morning check").
    Amend(String),
    /// Something else.
    Other,
}

static CONFIRM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:yes|y|yep|yup|yeah|yea|ya|ok|okay|k|kk|sure|confirm(?:ed)?|create(?: it)?|save(?: it)?|delete(?: it)?|do it|go(?: ahead)?|looks good|look good|sounds good|lgtm|perfect|great|correct|right|please do|absolutely|of course|alright|all right|fine|yes please|let'?s do it|ship it|approved?|affirmative|sgtm)\b[\s,.!]*(?:(?:but|and|,|though|just)\s+)?(?P<rest>.*?)[\s.!]*$",
    )
});
static CANCEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:no|nope|nah|cancel|never ?mind|forget (?:it|that)|abort|scrap (?:it|that)|don'?t|do not|stop)\b[\s,.!]*(?P<rest>.*?)[\s.!]*$",
    )
});
pub(super) static RENAME_DRAFT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)^(?:and |but |also |actually,? )?(?:call it|name it|rename it(?: to)?|called|named|the name should be|name:)\s+(?P<name>.+?)\s*$"#,
    )
});
static AMEND_FILLER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:and|but|also|actually|no|rather|instead|please|oh|wait|hmm|so)[,\s]+)*(?:(?:make|change|set|move|switch|have|let|get) (?:it|that|this|the (?:time|schedule|trigger|draft|reminder))(?: (?:run|fire|go off|go|happen|be|start|remind me))?(?: to\b)?|(?:it should|it must|let it|have it) (?:run|fire|go off|go|happen|be)?|run it|do it)?\s*",
    )
});
/// Joining words that add to a schedule, at the start of a change.
static ADDING: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(?:(?:and|also|plus)[,\s]+)+"));
static INSTEAD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)[\s,]*(?:instead|please|then|rather)?[\s.!]*$"));

/// Yes and no as a reaction: "👍", "✅", "👎".
fn emoji_answer(text: &str) -> Option<Settle> {
    let marks: String = text
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '!' | '.')
        })
        .collect();
    if marks.is_empty() {
        return None;
    }
    if marks
        .chars()
        .all(|c| matches!(c, '👍' | '✅' | '👌' | '✔' | '🆗' | '💯' | '🙆'))
    {
        return Some(Settle::Confirm(None));
    }
    if marks
        .chars()
        .all(|c| matches!(c, '👎' | '❌' | '✖' | '🚫' | '🙅'))
    {
        return Some(Settle::Cancel);
    }
    None
}

/// Reads a message said while a draft waits.
pub fn settle(text: &str) -> Settle {
    let text = text.trim();
    if let Some(answer) = emoji_answer(text) {
        return answer;
    }
    if let Some(c) = CONFIRM.captures(text) {
        let rest = c.name("rest").map_or("", |m| m.as_str()).trim();
        if rest.is_empty() || is_filler(rest) {
            return Settle::Confirm(None);
        }
        // "create a workflow that …" is a new request, not "create it, but …".
        let plain_yes = [
            "yes", "y", "yep", "yup", "yeah", "yea", "ya", "ok", "okay", "k", "sure", "perfect",
            "great", "right", "correct", "lgtm", "alright", "fine", "sgtm",
        ];
        let first = text
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_lowercase();
        return if plain_yes.contains(&first.as_str()) {
            Settle::Confirm(Some(rest.to_string()))
        } else {
            Settle::Other
        };
    }
    if let Some(c) = CANCEL.captures(text) {
        let rest = c.name("rest").map_or("", |m| m.as_str()).trim();
        if rest.is_empty() || is_filler(rest) {
            return Settle::Cancel;
        }
        return Settle::Amend(rest.to_string());
    }
    if RENAME_DRAFT.is_match(text)
        || failure_only(text).is_some()
        || looks_like_amendment(text)
        || crate::schedule::natural::is_schedule_only(text)
    {
        return Settle::Amend(text.to_string());
    }
    Settle::Other
}

fn is_filler(rest: &str) -> bool {
    const FILLER: [&str; 38] = [
        "please", "thanks", "thank", "you", "thx", "it", "that", "this", "the", "draft", "go",
        "ahead", "do", "create", "save", "cancel", "delete", "looks", "look", "good", "right",
        "thats", "that's", "is", "for", "yes", "no", "ok", "okay", "sure", "sounds", "great",
        "perfect", "fine", "all", "one", "them", "lgtm",
    ];
    rest.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .all(|w| FILLER.contains(&w))
}

/// "at 9 instead", "make it 8:30", "only on weekdays", "every monday".
fn looks_like_amendment(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.starts_with("make it")
        || lower.starts_with("change it")
        || lower.starts_with("move it")
        || lower.starts_with("set it")
        || lower.starts_with("only ")
        || lower.starts_with("at ")
        || lower.starts_with("on ")
        || lower.starts_with("every ")
        || lower.starts_with("in ")
        || lower.starts_with("but ")
        || lower.starts_with("actually")
        || lower.starts_with("and ")
        || lower.starts_with("also ")
        || lower.starts_with("plus ")
        || lower.ends_with(" too")
        || lower.ends_with(" as well")
        || lower.ends_with(" instead")
        || lower.ends_with(" time")
}

/// Whether a message only makes sense with a draft waiting: "yes", "no",
/// "yes but at 9", "call it X", "make it 8:30 instead".
pub(super) fn is_draft_talk(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    if lower.starts_with("delete") || lower.starts_with("cancel ") && !is_filler(&lower[7..]) {
        return false;
    }
    match settle(text) {
        Settle::Confirm(_) | Settle::Cancel => true,
        Settle::Amend(_) => {
            let edits_it = ["make it", "change it", "move it", "set it"]
                .iter()
                .any(|p| lower.starts_with(p))
                && !lower.contains(" to ");
            RENAME_DRAFT.is_match(text)
                || edits_it
                || ["yes", "no,", "no "].iter().any(|p| lower.starts_with(p))
        }
        Settle::Other => false,
    }
}

/// Which kind of draft a yes names: "delete it" is not a yes to a creation.
pub fn confirm_verb(text: &str) -> Option<&'static str> {
    let lower = text.trim().to_lowercase();
    ["create", "save", "delete"]
        .into_iter()
        .find(|verb| lower.starts_with(verb))
}

/// An amendment split into what it changes.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Name(String),
    /// Words to read as a schedule change ("at 9", "only on weekdays").
    Schedule(String),
    /// What a failure does ("if it fails, try again 3 times").
    Failure(crate::agent::failure_words::Wish),
}

/// The wish of a message that says only what a failure does.
fn failure_only(text: &str) -> Option<crate::agent::failure_words::Wish> {
    match crate::agent::failure_words::read(text) {
        (rest, Some(wish)) if rest.trim().is_empty() => Some(wish),
        _ => None,
    }
}

pub fn amendment(text: &str) -> Change {
    let text = text.trim();
    if let Some(c) = RENAME_DRAFT.captures(text) {
        return Change::Name(unquote(&c["name"]));
    }
    if let Some(wish) = failure_only(text) {
        return Change::Failure(wish);
    }
    let stripped = AMEND_FILLER.replace(text, "");
    // "and on saturdays", "also at 9pm": only joining words came off, and
    // they add to the schedule; they stay for the reader to see.
    let adding = ADDING
        .find(text)
        .is_some_and(|lead| text[lead.end()..] == *stripped);
    let stripped = if adding {
        std::borrow::Cow::Borrowed(text)
    } else {
        stripped
    };
    let stripped = INSTEAD.replace(&stripped, "");
    let stripped = stripped
        .trim()
        .trim_start_matches("only ")
        .trim_start_matches("just ")
        .to_string();
    Change::Schedule(if stripped.is_empty() {
        text.to_string()
    } else {
        stripped
    })
}
