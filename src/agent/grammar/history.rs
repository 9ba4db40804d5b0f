//! Questions about what ran: "what did the morning workflow do today?",
//! "any errors this week?", "logs for #3".

use regex::Regex;
use serde_json::json;
use std::sync::LazyLock;

use super::{re, unquote, Intent};

static ERRORS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:errors?|fail(?:ed|ures?|ing)?|broke(?:n)?|problems?|went wrong|issues?)\b")
});
static WHAT_DID: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:what|how|when) did (?P<wf>.+?)(?: last)? (?:do|go|run|say|fire)|did (?P<wf2>.+?) (?:run|go off|fire|work|succeed))(?: (?P<period>.+?))?\W*$",
    )
});
static LOGS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:show |get |give |see |check )?(?:me )?(?:the |my )?(?:logs?|history|runs|run log|activity|results?)(?: (?:for|of|from) (?P<wf>.+?))?(?: (?P<period>today|yesterday|this week|last week|this month|since .+|in the last .+|over the last .+|past .+))?\W*$",
    )
});
static WHAT_RAN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^what (?:ran|happened|has run|did my workflows do|ran)(?: (?P<period>.+?))?\W*$")
});

/// "what did the morning workflow do today?", "any workflow errors this
/// week?", "logs for #3".
pub(super) fn read(text: &str) -> Option<Intent> {
    let args = |wf: Option<&str>, status: Option<&str>, period: Option<&str>| {
        Intent::Tool(
            "workflow_runs",
            json!({
                "workflow": wf.map(unquote),
                "status": status,
                "period": period.map(|p| p.trim().to_string()),
            }),
        )
    };
    if let Some(c) = WHAT_DID.captures(text) {
        let wf = c
            .name("wf")
            .or_else(|| c.name("wf2"))
            .map_or("", |m| m.as_str());
        return Some(args(
            Some(wf.trim()),
            None,
            c.name("period").map(|m| m.as_str()),
        ));
    }
    if let Some(c) = LOGS.captures(text) {
        return Some(args(
            c.name("wf").map(|m| m.as_str()),
            None,
            c.name("period").map(|m| m.as_str()),
        ));
    }
    if let Some(c) = WHAT_RAN.captures(text) {
        return Some(args(None, None, c.name("period").map(|m| m.as_str())));
    }
    let lower = text.to_lowercase();
    let asks = lower.starts_with("any ")
        || lower.starts_with("were there")
        || lower.starts_with("did ")
        || lower.starts_with("show ")
        || lower.starts_with("list ")
        || lower.starts_with("have there been")
        || lower.starts_with("has anything")
        || lower.starts_with("what ")
        || lower.starts_with("errors")
        || lower.starts_with("failures")
        || lower.ends_with('?');
    if asks && ERRORS.is_match(text) && !lower.contains("tell me if") {
        let period = super::super::period::find(&lower);
        let workflow = workflow_in_question(&lower);
        return Some(args(workflow.as_deref(), Some("errors"), period.as_deref()));
    }
    None
}

/// "did the status check fail today?" → "status check".
fn workflow_in_question(lower: &str) -> Option<String> {
    static OF: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(?:errors?|failures?|problems?) (?:(?:of|for|from|in|with) (?P<a>.+?))(?: (?:today|yesterday|this week|last week|this month|since .+|in the last .+))?\W*$|^did (?P<b>.+?) (?:fail|break|error)",
        )
    });
    let c = OF.captures(lower)?;
    let found = c.name("a").or_else(|| c.name("b"))?.as_str().trim();
    let generic = [
        "my workflows",
        "workflows",
        "any workflow",
        "anything",
        "my jobs",
        "any of my workflows",
        "the workflows",
        "all workflows",
        "any",
    ];
    (!found.is_empty() && !generic.contains(&found)).then(|| found.to_string())
}
