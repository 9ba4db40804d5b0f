//! Commands on one workflow: pause, resume, run, delete, show, skip,
//! snooze, switch on or off, rename, reschedule, move zone, reinstruct.

use regex::Regex;
use serde_json::{json, Value};
use std::sync::LazyLock;

use super::{re, unquote, Intent, AT_TIME};

static PAUSE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)^(?:please )?(?:pause|suspend|hold|disable|stop) (?P<wf>.+?)(?:(?:,| -| —)? (?:because|note:?|with (?:the )?note:?|reason:?|since) (?P<note>.+))?\W*$"#,
    )
});
static RESUME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:resume|unpause|continue|enable|reactivate|restart|turn on) (?P<wf>.+?)\W*$",
    )
});
static RUN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)^(?:please )?(?:run|trigger|execute|fire|kick off) (?P<wf>.+?)(?: (?:now|right now|immediately|once|again|straight away))?[^\w}\]]*$"#,
    )
});
static DELETE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:please )?(?:delete|remove|drop|destroy|get rid of|cancel) (?P<wf>.+?)\W*$")
});
static SHOW: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:show|describe|details (?:of|for|on)|info (?:on|about)|tell me about|open|view) (?P<wf>.+?)\W*$",
    )
});
static SKIP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^skip (?:the )?next (?:run |occurrence |one |time )?(?:of |for )?(?P<wf>.+?)\W*$|^skip (?P<wf2>.+?)(?:'s)? next (?:run|occurrence|time)\W*$|^skip (?P<wf3>.+?)(?: once| this time)\W*$",
    )
});
static SKIP_DAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^skip (?:(?P<wf>.+?)(?:'s)? )?(?:the )?(?P<day>today|tomorrow|tonight)(?:'s)?(?: (?:one|run|occurrence|reminder|time))?\W*$|^skip (?P<wf2>.+?) (?:for )?(?P<day2>today|tomorrow|tonight)\W*$",
    )
});
static SNOOZE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:snooze|postpone|delay|push back) (?P<wf>.+?) (?:(?:by|for) (?P<by>.+?)|(?P<by2>(?:\d+|an?|one|two|three|half an?) ?(?:minutes?|mins?|hours?|hrs?|h|m|days?)))\W*$",
    )
});
static PAUSE_FOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:pause|suspend|hold|disable|stop) (?P<wf>.+?) (?P<span>(?:for|until|till|through) (?:a |an |one |two |\d+ )?(?:the )?(?:weeks?|days?|hours?|months?|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next \w+|the weekend|christmas|january|february|march|april|may|june|july|august|september|october|november|december)\b.*?)\W*$",
    )
});
static SWITCH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:turn|switch) (?:(?P<on>on|off) (?P<wf>.+?)|(?P<wf2>.+?) (?P<on2>on|off))\W*$",
    )
});
static RENAME: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)^rename (?P<wf>.+?) (?:to|as) (?P<name>.+?)\s*$"#));
static RESCHEDULE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:change|move|reschedule|update|set|make) (?P<wf>.+?) (?:to (?:run )?|so (?:that )?it runs |to fire |run )(?P<when>(?:at|on|every|each|daily|weekly|hourly|weekdays|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|only|tomorrow|today|tonight|noon|midnight|morning|evening|afternoon|next|in \d|\d).*?)\W*$",
    )
});
/// The words a schedule change starts with.
const WHEN: &str = r"(?:at|on|every|each|daily|weekly|hourly|weekdays|weekends|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|tomorrow|today|tonight|noon|midnight|morning|evening|afternoon|\d)";
/// A schedule added to a workflow's own: "change pills to also run at
/// noon", "add saturdays to standup", "make standup also run on fridays".
static ADD_SCHEDULE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:(?:change|update|set|make) (?P<wf>.+?) (?:to |so (?:that )?it )?(?:also|additionally) (?:runs? |fires? )?(?P<when>{WHEN}.*?)|add (?P<when2>{WHEN}.*?) to (?P<wf2>.+?))\W*$"
    ))
});
/// Days of the week as people name them in a change, alone or in a list.
const DAYS: &str = r"(?:on )?(?:the )?(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?|weekends?|weekdays)(?:(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s+or\s+)(?:on )?(?:the )?(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?|weekends?|weekdays))*";
/// Days taken out of a workflow's schedule: "remove saturdays from
/// standup", "skip fridays for standup", "standup no longer on fridays",
/// "stop standup on weekends", "no standup on fridays".
static REMOVE_DAYS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:(?:remove|drop|take|exclude|skip|cut) (?P<days>{DAYS}) (?:out )?(?:from|off|for|of|in) (?P<wf>.+?)|(?P<wf2>.+?) (?:no longer|not|never) (?P<days2>{DAYS})|(?:stop|don'?t run|do not run|no) (?P<wf3>.+?) (?P<days3>{DAYS}))\W*$"
    ))
});
static MOVE_ZONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:move|switch|change|put|set) (?P<wf>.+?) (?:to|into|in) (?:the )?(?P<zone>[\w/+\-]+(?: [\w]+)?)(?: time(?: ?zone)?)?\W*$",
    )
});
static REINSTRUCT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:update|change|edit) (?P<wf>.+?) (?:to|so (?:that )?it|so it|so that it) (?P<what>.+?)\s*$",
    )
});
/// Words that make "stop the car every day at 9" a new workflow rather than
/// a command on one.
pub(super) static SCHEDULE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:every|each|daily|weekly|hourly|monthly|tomorrow|tonight|weekdays|weekends|{AT_TIME}|on (?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?|in \d+ \w+)\b"
    ))
});

pub(super) fn read(text: &str) -> Option<Intent> {
    timing(text)
        .or_else(|| edit(text))
        .or_else(|| command(text))
}

/// Snooze, pause for a span, switch on or off, skip.
fn timing(text: &str) -> Option<Intent> {
    if let Some(c) = SNOOZE.captures(text) {
        let by = c
            .name("by")
            .or_else(|| c.name("by2"))
            .map_or("", |m| m.as_str());
        return Some(Intent::Tool(
            "snooze_workflow",
            json!({ "workflow": unquote(&c["wf"]), "by": by.trim() }),
        ));
    }
    if let Some(c) = PAUSE_FOR.captures(text) {
        return Some(Intent::Tool(
            "pause_workflow",
            json!({ "workflow": unquote(&c["wf"]), "note": null, "until": c["span"].trim() }),
        ));
    }
    if let Some(c) = SWITCH.captures(text) {
        let wf = c
            .name("wf")
            .or_else(|| c.name("wf2"))
            .map_or("", |m| m.as_str());
        // "turn on the heater at 6am" is a new workflow.
        if SCHEDULE_WORDS.is_match(wf) {
            return None;
        }
        let on = c
            .name("on")
            .or_else(|| c.name("on2"))
            .map_or("", |m| m.as_str());
        let tool = if on.eq_ignore_ascii_case("on") {
            "resume_workflow"
        } else {
            "pause_workflow"
        };
        let mut args = json!({ "workflow": unquote(wf) });
        if tool == "pause_workflow" {
            args["note"] = Value::Null;
        }
        return Some(Intent::Tool(tool, args));
    }
    if let Some(c) = SKIP_DAY.captures(text) {
        let wf = c
            .name("wf")
            .or_else(|| c.name("wf2"))
            .map_or("it", |m| m.as_str());
        let day = group(&c, &["day", "day2"]);
        return Some(Intent::Tool(
            "skip_next",
            json!({ "workflow": unquote(wf), "day": day.to_lowercase() }),
        ));
    }
    if let Some(c) = SKIP.captures(text) {
        let wf = group(&c, &["wf", "wf2", "wf3"]);
        return Some(Intent::Tool(
            "skip_next",
            json!({ "workflow": unquote(wf) }),
        ));
    }
    None
}

/// The first of the named groups that matched, or "".
fn group<'t>(c: &regex::Captures<'t>, names: &[&str]) -> &'t str {
    names
        .iter()
        .find_map(|n| c.name(n))
        .map_or("", |m| m.as_str())
}

/// Rename, move zone, reschedule, reinstruct.
fn edit(text: &str) -> Option<Intent> {
    // Days taken out of a workflow's schedule, or a schedule added to it;
    // a sentence with a schedule of its own ("add 5 minutes to the timer
    // every day at 9") is a new workflow instead.
    let changes = [
        (&*REMOVE_DAYS, &["days", "days2", "days3"][..], "except"),
        (&*ADD_SCHEDULE, &["when", "when2"][..], "also"),
    ];
    for (pattern, what, lead) in changes {
        let Some(c) = pattern.captures(text) else {
            continue;
        };
        let workflow = group(&c, &["wf", "wf2", "wf3"]);
        let change = group(&c, what).trim();
        let change = change
            .strip_prefix("on ")
            .filter(|_| lead == "except")
            .unwrap_or(change);
        if !SCHEDULE_WORDS.is_match(workflow) {
            return Some(Intent::Tool(
                "update_workflow",
                json!({ "workflow": unquote(workflow), "schedule": format!("{lead} {change}") }),
            ));
        }
    }
    if let Some(c) = RENAME.captures(text) {
        return Some(Intent::Tool(
            "update_workflow",
            json!({ "workflow": unquote(&c["wf"]), "name": unquote(&c["name"]) }),
        ));
    }
    if let Some(c) = MOVE_ZONE.captures(text) {
        let zone = unquote(&c["zone"]);
        if zone.parse::<crate::schedule::Zone>().is_ok() {
            return Some(Intent::Tool(
                "update_workflow",
                json!({ "workflow": unquote(&c["wf"]), "timezone": zone }),
            ));
        }
    }
    if let Some(c) = RESCHEDULE.captures(text) {
        return Some(Intent::Tool(
            "update_workflow",
            json!({ "workflow": unquote(&c["wf"]), "schedule": c["when"].trim() }),
        ));
    }
    if let Some(c) = REINSTRUCT.captures(text) {
        return Some(Intent::Tool(
            "update_workflow",
            json!({ "workflow": unquote(&c["wf"]), "instruction": c["what"].trim() }),
        ));
    }
    None
}

/// Verbs on one workflow.
fn command(text: &str) -> Option<Intent> {
    // A sentence that carries a schedule ("remind me to
    // stop the car every day at 9") is a new workflow, not a command.
    let control = [
        (&*PAUSE, "pause_workflow"),
        (&*RESUME, "resume_workflow"),
        (&*RUN, "run_workflow"),
        (&*DELETE, "delete_workflow"),
        (&*SHOW, "show_workflow"),
    ];
    for (pattern, tool) in control {
        if let Some(c) = pattern.captures(text) {
            let workflow = unquote(&c["wf"]);
            if workflow.split_whitespace().count() <= 8 && !SCHEDULE_WORDS.is_match(&workflow) {
                let mut args = json!({ "workflow": workflow });
                if tool == "pause_workflow" {
                    args["note"] = json!(c.name("note").map(|m| unquote(m.as_str())));
                }
                return Some(Intent::Tool(tool, args));
            }
        }
    }
    None
}
