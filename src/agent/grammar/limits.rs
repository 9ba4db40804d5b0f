//! "what are my limits?", "show alice's limits", "give alice 200
//! workflows", "set bob's runs per hour to 1000", "reset alice's limits",
//! "who hit limits?": the `limits` tool. A phrase names a limit only in the
//! words listed here, so "give me 3 reminders a day" stays a workflow.

use regex::Regex;
use serde_json::{json, Value};
use std::sync::LazyLock;

use super::{re, Intent};

const WHO: &str = r"(?P<who><@!?\d+>|@?[\w.:-]+?)";
const NUMBER: &str = r"(?P<n>\$?\s?\d[\d,]*(?:\.\d+)?)";

static MINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please |hey |so )?(?:(?:what(?:'s|’s|s| is| are)|whats|show(?: me)?|list|check|see|tell me|display|view|give me)\s+)?(?:all\s+)?(?:of\s+)?(?:my|the|your)?\s*(?:current\s+)?(?:limits?|quotas?|usage|usage limits|allowances?|rate limits?)(?:\s+(?:please|now|and usage|and my usage))?\s*\W*$|^how (?:many|much) (?:workflows|runs|messages|tokens|money) (?:can|may) i (?:have|make|create|keep|use|send|spend)\W*$|^am i (?:over|near|close to|at) (?:my|a|any|the) (?:limits?|quotas?)\W*$",
    )
});
static THEIRS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:what(?:'s|’s| is| are)|whats|show(?: me)?|check|see|list)\s+{WHO1}(?:'s|’s|s'|s)?\s+(?:limits?|quotas?|usage)\W*$|^(?:show(?: me)?\s+|what are\s+)?(?:the\s+)?(?:limits?|quotas?)\s+(?:of|for)\s+{WHO2}\W*$",
        // Greedy: "bobs limits" names "bobs" (Bob when nobody is called Bobs).
        WHO1 = WHO.replace("?P<who>", "?P<who1>").replace("+?", "+"),
        WHO2 = WHO.replace("?P<who>", "?P<who2>"),
    ))
});
static GIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:please )?(?:give|grant|allow|let)\s+{WHO}\s+(?:have\s+|up to\s+)?{NUMBER}\s+(?P<what>[a-z$ ]+?)(?:,?\s+please)?\W*$"
    ))
});
static SET: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:please )?(?:set|change|raise|lower|increase|reduce|bump|make)\s+{WHO}(?:'s|’s|s')\s+(?P<what>[a-z$ ]+?)\s+(?:limit\s+|quota\s+)?(?:to|at)\s+{NUMBER}\s*(?P<unit>[a-z ]*?)\W*$"
    ))
});
static SET_FOR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:please )?(?:set|change|raise|lower|increase|reduce|bump)\s+(?:the\s+)?(?P<what>[a-z$ ]+?)\s+(?:limit|quota)\s+(?:for|of)\s+{WHO}\s+(?:to|at)\s+{NUMBER}\s*(?P<unit>[a-z ]*?)\W*$"
    ))
});
static RESET: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:please )?(?:reset|clear|remove)\s+{WHO}(?:'s|’s|s')\s+(?:(?P<what>[a-z$ ]+?)\s+)?(?:limits?|quotas?)(?:\s+to (?:the )?defaults?)?\W*$"
    ))
});
static HITS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:who(?:'s|’s| is| has been|s)?\s+(?:hit(?:ting)?|been hitting|over|abusing|spamming|flooding)(?:\s+(?:the|their|any|a|my))?\s*(?:limits?|quotas?|steward|me|the bot)?|(?:show(?: me)?\s+|list\s+)?(?:the\s+)?(?:limit|quota)\s+hits|abuse(?:\s+(?:report|signals))?|who hit (?:the |their |a |any )?(?:limits?|quotas?))\W*$",
    )
});

/// The `limits` call `text` asks for, if any.
pub fn parse(text: &str) -> Option<Intent> {
    let call = |args: Value| Some(Intent::Tool("limits", args));
    if MINE.is_match(text) {
        return call(json!({ "action": "show", "person": null, "limit": null, "value": null }));
    }
    if HITS.is_match(text) {
        return call(json!({ "action": "hits", "person": null, "limit": null, "value": null }));
    }
    if let Some(c) = THEIRS.captures(text) {
        let who = c.name("who1").or(c.name("who2")).map(|m| m.as_str());
        return call(json!({ "action": "show", "person": who, "limit": null, "value": null }));
    }
    if let Some(c) = RESET.captures(text) {
        let limit = match c.name("what") {
            Some(what) => limit_named(what.as_str())?.0,
            None => "all",
        };
        return call(
            json!({ "action": "set", "person": &c["who"], "limit": limit, "value": null }),
        );
    }
    let set = GIVE
        .captures(text)
        .or_else(|| SET.captures(text))
        .or_else(|| SET_FOR.captures(text))?;
    let number = &set["n"];
    let what = set["what"].trim();
    let unit = set.name("unit").map_or("", |u| u.as_str().trim());
    let (limit, per_unit) = limit_named(&format!("{what} {unit}"))
        .or_else(|| limit_named(what))
        .or_else(|| number.starts_with('$').then_some(("cost_per_day_usd", 1.0)))?;
    let value: f64 = number
        .trim_start_matches('$')
        .trim()
        .replace(',', "")
        .parse()
        .ok()?;
    let value = value * interval_unit(unit).unwrap_or(per_unit);
    call(json!({ "action": "set", "person": &set["who"], "limit": limit, "value": value }))
}

/// The limit a phrase names and what one of its units is worth (seconds
/// for the interval), only for the phrases people use for them.
fn limit_named(phrase: &str) -> Option<(&'static str, f64)> {
    let words: Vec<&str> = phrase
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "a" | "an" | "per" | "each" | "every" | "max" | "maximum"
            )
        })
        .collect();
    let named = match words.as_slice() {
        ["workflow" | "workflows"] | ["workflow" | "workflows", "limit" | "quota"] => {
            ("max_workflows", 1.0)
        }
        ["message" | "messages" | "msgs"] | ["message" | "messages" | "msgs", "minute" | "min"] => {
            ("messages_per_minute", 1.0)
        }
        ["run" | "runs"] | ["run" | "runs", "hour" | "hr"] => ("runs_per_hour", 1.0),
        ["token" | "tokens"] | ["token" | "tokens", "day"] | ["agent", "tokens"] => {
            ("tokens_per_day", 1.0)
        }
        ["dollar" | "dollars" | "usd" | "$" | "cost" | "spend" | "budget"]
        | ["dollar" | "dollars" | "usd" | "$" | "cost" | "spend" | "budget", "day"] => {
            ("cost_per_day_usd", 1.0)
        }
        ["interval" | "shortest" | "minimum"] | ["shortest" | "minimum", "interval"] => {
            ("min_interval_seconds", 1.0)
        }
        [unit, "interval"] | ["interval", unit] => ("min_interval_seconds", interval_unit(unit)?),
        _ => return None,
    };
    Some(named)
}

/// Seconds in one `unit` of an interval.
fn interval_unit(unit: &str) -> Option<f64> {
    match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => Some(1.0),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(60.0),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(3600.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Option<Value> {
        match parse(text) {
            Some(Intent::Tool("limits", args)) => Some(args),
            _ => None,
        }
    }

    fn action(text: &str) -> Option<String> {
        args(text).map(|a| a["action"].as_str().unwrap_or_default().to_string())
    }

    #[test]
    fn people_ask_for_their_limits_in_many_ways() {
        for text in [
            "what are my limits?",
            "What are my limits",
            "whats my quota",
            "show my limits",
            "my limits",
            "limits",
            "quota",
            "show me my usage",
            "how many workflows can i have?",
            "am i near my limit?",
        ] {
            assert_eq!(action(text).as_deref(), Some("show"), "{text}");
            assert!(args(text).unwrap()["person"].is_null(), "{text}");
        }
        let theirs = args("show alice's limits").unwrap();
        assert_eq!(theirs["person"], "alice");
        assert_eq!(args("what are james limits").unwrap()["person"], "james");
        assert_eq!(args("give bob 5 workflows please").unwrap()["value"], 5.0);
        assert_eq!(args("limits for bob").unwrap()["person"], "bob");
    }

    #[test]
    fn an_admin_sets_a_limit_for_someone() {
        let give = args("give alice 200 workflows").unwrap();
        assert_eq!(give["action"], "set");
        assert_eq!(give["person"], "alice");
        assert_eq!(give["limit"], "max_workflows");
        assert_eq!(give["value"], 200.0);
        let runs = args("set bob's runs per hour to 1,000").unwrap();
        assert_eq!(runs["limit"], "runs_per_hour");
        assert_eq!(runs["value"], 1000.0);
        let cost = args("give telegram:42 $5 a day").unwrap();
        assert_eq!(cost["person"], "telegram:42");
        assert_eq!(cost["limit"], "cost_per_day_usd");
        assert_eq!(cost["value"], 5.0);
        let interval = args("set alice's interval to 5 minutes").unwrap();
        assert_eq!(interval["limit"], "min_interval_seconds");
        assert_eq!(interval["value"], 300.0);
        let messages = args("set the messages per minute limit for <@123> to 40").unwrap();
        assert_eq!(messages["person"], "<@123>");
        assert_eq!(messages["limit"], "messages_per_minute");
        let reset = args("reset alice's limits").unwrap();
        assert_eq!(reset["limit"], "all");
        assert!(reset["value"].is_null());
        assert_eq!(
            args("reset alice's workflow quota").unwrap()["limit"],
            "max_workflows"
        );
    }

    #[test]
    fn admins_ask_who_hit_limits() {
        for text in [
            "who hit limits?",
            "who is hitting the limits",
            "limit hits",
            "abuse report",
        ] {
            assert_eq!(action(text).as_deref(), Some("hits"), "{text}");
        }
    }

    #[test]
    fn workflow_requests_are_not_limits() {
        for text in [
            "give me 3 reminders a day",
            "every day at 9 check my usage dashboard",
            "remind me to check the rate limits on friday",
            "let me know 5 minutes before the meeting",
            "set a reminder to 5 pm",
            "list my workflows",
        ] {
            assert_eq!(args(text), None, "{text}");
        }
    }
}
