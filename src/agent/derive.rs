//! What a plain instruction becomes when no steps are given: a reminder is a
//! `message` step, a URL check an `http` + `condition` + `message` plan, and
//! anything else one `agent` step (which needs an LLM to run).

use regex::Regex;
use serde_json::{json, Value};
use std::sync::LazyLock;

use crate::workflow::DEFAULT_AGENT_TOOLS;

/// The steps for `instruction`, and a name for the workflow.
pub fn plan(instruction: &str) -> (Value, String) {
    let instruction = instruction.trim();
    if let Some(url) = url_in(instruction) {
        if is_watch(instruction) {
            return (
                url_watch(&url),
                check_name(&url).replace(" check", " watch"),
            );
        }
        if is_check(instruction) {
            return (url_check(&url), check_name(&url));
        }
    }
    if let Some(text) = reminder_text(instruction) {
        let name = title(&text, 5);
        return (
            json!([{ "id": "remind", "type": "message", "text": text }]),
            name,
        );
    }
    let mut tools: Vec<&str> = DEFAULT_AGENT_TOOLS.to_vec();
    if wants_to_be_asked(instruction) {
        tools.push("ask_approval");
    }
    (
        json!([{ "id": "agent", "type": "agent", "instruction": instruction, "tools": tools }]),
        title(instruction, 5),
    )
}

/// "…but ask me first", "after my approval", "check with me before sending".
fn wants_to_be_asked(instruction: &str) -> bool {
    static ASK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:ask (?:me|us)|approv\w*|check with (?:me|us)|confirm with (?:me|us)|my (?:ok|okay|go-ahead))\b")
            .expect("valid pattern")
    });
    ASK.is_match(instruction)
}

/// Whether a sentence asks to be reminded ("every morning at 9 remind me to stretch").
pub fn asks_for_reminder(sentence: &str) -> bool {
    static ASKS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:remind|notify|ping|message|tell|send) (?:me|us)\b")
            .expect("valid pattern")
    });
    ASKS.is_match(sentence) && url_in(sentence).is_none()
}

/// A `message` step with `text`, whatever its wording.
pub fn reminder(text: &str) -> (Value, String) {
    let text = reminder_text(text).unwrap_or_else(|| text.trim().to_string());
    let name = title(&text, 5);
    (
        json!([{ "id": "remind", "type": "message", "text": text }]),
        name,
    )
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"https?://[^\s<>\x22']+").expect("valid pattern"));

fn url_in(text: &str) -> Option<String> {
    URL.find(text).map(|m| {
        m.as_str()
            .trim_end_matches(['.', ',', ')', ';', '!', '?'])
            .to_string()
    })
}

fn is_check(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "check",
        "ping",
        "monitor",
        "watch",
        "down",
        "up",
        "status",
        "alive",
        "health",
        "reachable",
        "available",
        "online",
    ]
    .iter()
    .any(|w| lower.split(|c: char| !c.is_alphanumeric()).any(|t| t == *w))
}

/// Whether a request asks to watch a page for changes (a URL and words
/// about changing).
pub fn asks_to_watch(text: &str) -> bool {
    url_in(text).is_some() && is_watch(text)
}

/// "tell me when https://… changes", "let me know if … is updated",
/// "watch … for changes".
fn is_watch(text: &str) -> bool {
    static WATCH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:chang(?:e|es|ed|ing)|updated?|updates|differs?|different|modified|new content|edits?|edited)\b")
            .expect("valid pattern")
    });
    WATCH.is_match(&URL.replace_all(text, " "))
}

/// GET the page; when its body differs from the previous run's, tell the
/// owner. The first run records the page as it is, silently.
fn url_watch(url: &str) -> Value {
    json!([
        { "id": "page", "type": "http", "method": "GET", "url": url, "timeout_seconds": 30 },
        { "id": "changed", "type": "condition",
          "if": { "left": "${steps.page.output.body}", "op": "changed" },
          "then": [{ "id": "tell", "type": "message",
                     "text": format!("{url} changed since I last looked.") }] }
    ])
}

/// GET the URL; when the answer is not 2xx, tell the owner. A URL that does not
/// answer at all fails the run, and failures always reach the owner.
fn url_check(url: &str) -> Value {
    json!([
        { "id": "check", "type": "http", "method": "GET", "url": url, "timeout_seconds": 30 },
        { "id": "down", "type": "condition",
          "if": { "left": "${steps.check.output.ok}", "op": "eq", "right": false },
          "then": [{ "id": "alert", "type": "message",
                     "text": format!("{url} looks down: HTTP ${{steps.check.output.status}}") }] }
    ])
}

/// "https://status.example.com" → "Status check"; "https://www.acme.io/health" → "Acme check".
fn check_name(url: &str) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let label = host
        .split('.')
        .find(|l| !matches!(*l, "www" | "api" | "") && !l.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("Site");
    format!("{} check", super::render::capitalize(label))
}

static REMIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^(?:please )?(?:remind (?:me|us)(?: (?:to|that|about|of))?|send (?:me|us)(?: a message| a reminder)?(?: saying| that)?|tell (?:me|us)(?: to| that)?|message (?:me|us)(?: to| that)?|ping (?:me|us)(?: to| that)?|say|notify (?:me|us)(?: to| that)?)\s*[:,]?\s*(?P<text>.+)$"#).expect("valid pattern")
});

/// "remind me to call mom" → "call mom"; "send me 'call mom'" → "call mom".
fn reminder_text(instruction: &str) -> Option<String> {
    let c = REMIND.captures(instruction)?;
    let text = c["text"]
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’'))
        .trim()
        .to_string();
    (!text.is_empty()).then_some(text)
}

/// Words a name cut short does not end on ("Send the report to the").
const DANGLING: &[&str] = &[
    "the", "a", "an", "to", "of", "for", "and", "or", "with", "in", "on", "at", "my", "our",
    "your", "about", "from", "by", "that",
];

/// The first words, capitalised, as a name.
fn title(text: &str, words: usize) -> String {
    let all: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-'))
        .filter(|w| !w.is_empty() && !w.starts_with("http"))
        .collect();
    let mut cleaned: Vec<&str> = all.iter().copied().take(words).collect();
    if cleaned.len() < all.len() {
        while cleaned.len() > 1
            && cleaned
                .last()
                .is_some_and(|w| DANGLING.contains(&w.to_lowercase().as_str()))
        {
            cleaned.pop();
        }
    }
    let joined = cleaned.join(" ");
    let joined: String = joined.chars().take(60).collect();
    if joined.is_empty() {
        "Workflow".into()
    } else {
        super::render::capitalize(&joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_is_a_message_step() {
        let (steps, name) = plan("remind me to call mom");
        assert_eq!(steps[0]["type"], "message");
        assert_eq!(steps[0]["text"], "call mom");
        assert_eq!(name, "Call mom");
        assert_eq!(plan("send me 'call mom'").0[0]["text"], "call mom");
    }

    #[test]
    fn a_name_cut_short_ends_on_a_word_of_its_own() {
        assert_eq!(title("send the report to the team", 5), "Send the report");
        assert_eq!(title("water the plants", 2), "Water");
        assert_eq!(title("call the bank", 3), "Call the bank");
    }

    #[test]
    fn a_page_watch_compares_with_the_previous_run() {
        for sentence in [
            "tell me when https://example.com/pricing changes",
            "let me know if https://example.com/pricing is updated",
            "watch https://example.com/pricing for changes",
            "notify me when https://example.com/pricing changed",
        ] {
            let (steps, name) = plan(sentence);
            assert_eq!(steps[1]["if"]["op"], "changed", "{sentence}");
            assert_eq!(steps[0]["url"], "https://example.com/pricing");
            assert_eq!(name, "Example watch");
        }
        // A URL whose path says "changes" is no watch by itself.
        let (steps, _) = plan("check https://example.com/changes and tell me if it's down");
        assert_eq!(steps[1]["if"]["op"], "eq");
    }

    #[test]
    fn a_url_check_is_http_condition_message() {
        let (steps, name) = plan("check https://status.example.com and tell me if it's down");
        assert_eq!(steps[0]["type"], "http");
        assert_eq!(steps[0]["url"], "https://status.example.com");
        assert_eq!(steps[1]["type"], "condition");
        assert_eq!(steps[1]["then"][0]["type"], "message");
        assert_eq!(name, "Status check");
    }

    #[test]
    fn anything_else_is_an_agent_step() {
        let (steps, name) = plan("summarise the open support tickets");
        assert_eq!(steps[0]["type"], "agent");
        assert_eq!(
            steps[0]["tools"],
            json!(["http_request", "send_message", "workflow_runs"])
        );
        assert_eq!(name, "Summarise the open support tickets");
        let (steps, _) = plan("renew the certificates but ask me first");
        assert_eq!(
            steps[0]["tools"],
            json!([
                "http_request",
                "send_message",
                "workflow_runs",
                "ask_approval"
            ])
        );
    }
}
