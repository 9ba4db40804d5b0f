//! Talk around the workflows: help, greetings, thanks, answers to waiting
//! runs, draft words with no draft, the list and the time zone.

use regex::Regex;
use serde_json::json;
use std::sync::LazyLock;

use super::settle::{is_draft_talk, RENAME_DRAFT};
use super::{re, unquote, Intent};

static HELP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:help|\?|h|what can you do|how does this work|what do you do|commands|examples|usage|how do i use (?:this|you))\W*$",
    )
});
static HELLO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:hi|hello|hey|yo|good (?:morning|afternoon|evening)|hola|howdy)\b\W*(?:steward|there|bot)?\W*$",
    )
});
static THANKS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:thanks|thank you|thx|ty|cheers|great|cool|nice)\b.{0,20}$"));
static LIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:please |can you |could you )?(?:list|show|display|give me|get|what are)(?: me)?(?: all)?(?: of)? ?(?:my|the|all|our)? ?(?P<status>active|paused|completed)? ?(?:workflows?|jobs|automations|tasks|reminders|schedules)|(?:my|all) (?:workflows?|jobs|automations)|workflows?|list|ls|what (?:workflows|jobs|automations) do i have|what(?:'s|’s|s| is) (?:scheduled|running)(?: now)?|(?:is |are )?(?:there )?(?:anything|something|any workflows?) (?:scheduled|running)(?: now| at the moment)?)\W*$",
    )
});
static TIMEZONE_SET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:my (?:time ?zone|tz) is|set (?:my )?(?:time ?zone|tz)(?: to)?|(?:time ?zone|tz):?|i(?:'m| am) (?:in|based in|living in)|i live in|i(?:'ve| have)? (?:just )?(?:moved|relocated) to|i(?:'m| am) now in|use (?:the )?time ?zone|change (?:my )?(?:time ?zone|tz) to) (?P<zone>.+?)(?: time)?\W*$",
    )
});
static TIMEZONE_ASK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:what(?:'s|’s|s| is) my (?:time ?zone|tz)|which time ?zone am i in|my time ?zone)\W*$",
    )
});
static ANSWER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?P<verb>approve|reject|deny|decline|yes to|no to) (?:run )?#?(?P<run>\d+)\W*$")
});

pub(super) fn read(text: &str) -> Option<Intent> {
    if HELP.is_match(text) {
        return Some(Intent::Help);
    }
    if HELLO.is_match(text) {
        return Some(Intent::Hello);
    }
    if let Some(c) = ANSWER.captures(text) {
        let approve = matches!(c["verb"].to_lowercase().as_str(), "approve" | "yes to");
        if let Ok(run_id) = c["run"].parse() {
            return Some(Intent::Answer { run_id, approve });
        }
    }
    // "call it Morning stretch" with no draft waiting: the workflow talked
    // about last.
    if let Some(c) = RENAME_DRAFT.captures(text) {
        return Some(Intent::Tool(
            "update_workflow",
            json!({ "workflow": "it", "name": unquote(&c["name"]) }),
        ));
    }
    if is_draft_talk(text) {
        return Some(Intent::NoDraft);
    }
    if THANKS.is_match(text) {
        return Some(Intent::Thanks);
    }
    if let Some(c) = LIST.captures(text) {
        let status = c.name("status").map(|m| m.as_str().to_lowercase());
        return Some(Intent::Tool("list_workflows", json!({ "status": status })));
    }
    if let Some(c) = TIMEZONE_ASK.captures(text) {
        let _ = c;
        return Some(Intent::Tool("set_timezone", json!({ "timezone": null })));
    }
    if let Some(c) = TIMEZONE_SET.captures(text) {
        return Some(Intent::Tool(
            "set_timezone",
            json!({ "timezone": unquote(&c["zone"]) }),
        ));
    }
    if let Some(zone) = bare_zone_name(text) {
        return Some(Intent::Tool("set_timezone", json!({ "timezone": zone })));
    }
    None
}

/// A message that is only a zone's IANA name ("Europe/Paris",
/// "america/new_york", "UTC"): nothing else reads that way, so it sets the
/// person's zone as "my timezone is …" would. A bare city ("Tokyo") is not
/// taken: it may be a workflow's name.
fn bare_zone_name(text: &str) -> Option<&str> {
    let name = text.trim().trim_end_matches(['.', '!']).trim();
    let iana = name.contains('/') || ["utc", "gmt"].contains(&name.to_lowercase().as_str());
    (iana && !name.contains(char::is_whitespace) && name.parse::<crate::schedule::Zone>().is_ok())
        .then_some(name)
}
