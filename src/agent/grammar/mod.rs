//! The offline grammar: what a message means when no LLM reads it (and for
//! slash and bot commands always). Deterministic and forgiving about
//! wording, never guessing: a message it cannot map gets examples back.

use regex::Regex;
use serde_json::{json, Value};
use std::sync::LazyLock;

mod api_keys;
mod language;
mod settle;

pub use language::{looks_foreign, sounds_like_a_request};
pub use settle::{amendment, confirm_verb, settle, Change, Settle};
use settle::{is_draft_talk, RENAME_DRAFT};

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
        r"(?i)^(?:(?:please |can you |could you )?(?:list|show|display|give me|get|what are)(?: me)?(?: all)?(?: of)? ?(?:my|the|all|our)? ?(?P<status>active|paused|completed)? ?(?:workflows?|jobs|automations|tasks|reminders|schedules)|(?:my|all) (?:workflows?|jobs|automations)|workflows?|list|ls|what (?:workflows|jobs|automations) do i have|what(?:'s| is) (?:scheduled|running))\W*$",
    )
});
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
        r"(?i)^(?:please )?(?:run|trigger|execute|fire|kick off) (?P<wf>.+?)(?: (?:now|right now|immediately|once|again|straight away))?\W*$",
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
static TIMEZONE_SET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:my (?:time ?zone|tz) is|set (?:my )?(?:time ?zone|tz)(?: to)?|(?:time ?zone|tz):?|i(?:'m| am) (?:in|based in|living in)|i live in|i(?:'ve| have)? (?:just )?(?:moved|relocated) to|i(?:'m| am) now in|use (?:the )?time ?zone|change (?:my )?(?:time ?zone|tz) to) (?P<zone>.+?)(?: time)?\W*$",
    )
});
static TIMEZONE_ASK: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:what(?:'s| is) my (?:time ?zone|tz)|which time ?zone am i in|my time ?zone)\W*$")
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
static ANSWER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?P<verb>approve|reject|deny|decline|yes to|no to) (?:run )?#?(?P<run>\d+)\W*$")
});
static CREATE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:(?:create|make|add|set up|setup|schedule|new)(?: me)? (?:a |an |new )*(?:workflow|job|automation|task|reminder|schedule)?(?: (?:that|which|to|for))?[:,]?\s+|can you |could you |i want you to |i'd like you to |i need you to )",
    )
});

/// Words that make "stop the car every day at 9" a new workflow rather than
/// a command on one.
static SCHEDULE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:every|each|daily|weekly|hourly|monthly|tomorrow|tonight|at \d|in \d+ \w+)\b")
});

/// What a message means, read offline.
pub fn parse(text: &str) -> Intent {
    let text = text.trim();
    if HELP.is_match(text) {
        return Intent::Help;
    }
    if HELLO.is_match(text) {
        return Intent::Hello;
    }
    if let Some(c) = ANSWER.captures(text) {
        let approve = matches!(c["verb"].to_lowercase().as_str(), "approve" | "yes to");
        if let Ok(run_id) = c["run"].parse() {
            return Intent::Answer { run_id, approve };
        }
    }
    // "call it Morning stretch" with no draft waiting: the workflow talked
    // about last.
    if let Some(c) = RENAME_DRAFT.captures(text) {
        return Intent::Tool(
            "update_workflow",
            json!({ "workflow": "it", "name": unquote(&c["name"]) }),
        );
    }
    if is_draft_talk(text) {
        return Intent::NoDraft;
    }
    if THANKS.is_match(text) {
        return Intent::Thanks;
    }
    if let Some(intent) = api_keys::parse(text) {
        return intent;
    }
    if let Some(c) = LIST.captures(text) {
        let status = c.name("status").map(|m| m.as_str().to_lowercase());
        return Intent::Tool("list_workflows", json!({ "status": status }));
    }
    if let Some(c) = TIMEZONE_ASK.captures(text) {
        let _ = c;
        return Intent::Tool("set_timezone", json!({ "timezone": null }));
    }
    if let Some(c) = TIMEZONE_SET.captures(text) {
        return Intent::Tool("set_timezone", json!({ "timezone": unquote(&c["zone"]) }));
    }
    if let Some(intent) = history(text) {
        return intent;
    }
    if let Some(c) = SNOOZE.captures(text) {
        let by = c
            .name("by")
            .or_else(|| c.name("by2"))
            .map_or("", |m| m.as_str());
        return Intent::Tool(
            "snooze_workflow",
            json!({ "workflow": unquote(&c["wf"]), "by": by.trim() }),
        );
    }
    if let Some(c) = PAUSE_FOR.captures(text) {
        return Intent::Tool(
            "pause_workflow",
            json!({ "workflow": unquote(&c["wf"]), "note": null, "until": c["span"].trim() }),
        );
    }
    if let Some(c) = SWITCH.captures(text) {
        let wf = c
            .name("wf")
            .or_else(|| c.name("wf2"))
            .map_or("", |m| m.as_str());
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
        return Intent::Tool(tool, args);
    }
    if let Some(c) = SKIP_DAY.captures(text) {
        let wf = c
            .name("wf")
            .or_else(|| c.name("wf2"))
            .map_or("it", |m| m.as_str());
        let day = c
            .name("day")
            .or_else(|| c.name("day2"))
            .map_or("", |m| m.as_str());
        return Intent::Tool(
            "skip_next",
            json!({ "workflow": unquote(wf), "day": day.to_lowercase() }),
        );
    }
    if let Some(c) = SKIP.captures(text) {
        let wf = c
            .name("wf")
            .or_else(|| c.name("wf2"))
            .or_else(|| c.name("wf3"))
            .map_or("", |m| m.as_str());
        return Intent::Tool("skip_next", json!({ "workflow": unquote(wf) }));
    }
    if let Some(c) = RENAME.captures(text) {
        return Intent::Tool(
            "update_workflow",
            json!({ "workflow": unquote(&c["wf"]), "name": unquote(&c["name"]) }),
        );
    }
    if let Some(c) = MOVE_ZONE.captures(text) {
        let zone = unquote(&c["zone"]);
        if zone.parse::<crate::schedule::Zone>().is_ok() {
            return Intent::Tool(
                "update_workflow",
                json!({ "workflow": unquote(&c["wf"]), "timezone": zone }),
            );
        }
    }
    if let Some(c) = RESCHEDULE.captures(text) {
        return Intent::Tool(
            "update_workflow",
            json!({ "workflow": unquote(&c["wf"]), "schedule": c["when"].trim() }),
        );
    }
    if let Some(c) = REINSTRUCT.captures(text) {
        return Intent::Tool(
            "update_workflow",
            json!({ "workflow": unquote(&c["wf"]), "instruction": c["what"].trim() }),
        );
    }
    // Verbs on one workflow. A sentence that carries a schedule ("remind me to
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
                return Intent::Tool(tool, args);
            }
        }
    }
    let request = CREATE_PREFIX.replace(text, "").trim().to_string();
    Intent::Tool(
        "create_workflow",
        json!({ "name": null, "schedule": request, "instruction": null, "steps": null, "timezone": null, "limits": null }),
    )
}

/// "what did the morning workflow do today?", "any workflow errors this
/// week?", "logs for #3".
fn history(text: &str) -> Option<Intent> {
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
        let period = super::period::find(&lower);
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

#[cfg(test)]
mod tests;
