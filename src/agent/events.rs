//! Triggers read from words that are not times: "when GitHub posts to a
//! webhook, tell me the commit message" (a webhook) and "when the backup
//! fails, run the alert workflow" / "after the nightly export succeeds, send
//! me its summary" (a completion trigger). A leaf of the conversation: it
//! reads words only; naming the workflow is the create tool's business.

use regex::Regex;
use std::sync::LazyLock;

use crate::schedule::{AfterOutcome, HookAuth};

/// What the words ask to start the workflow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Webhook(HookAuth),
    /// Another workflow, by the name the person gave it, ending as `on`.
    After {
        name: String,
        on: AfterOutcome,
    },
}

/// A trigger and the task around it (`None` when the words held only the
/// trigger, as the LLM passes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventReading {
    pub event: Event,
    pub task: Option<String>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("event patterns are valid")
}

/// "when <clause>, <task>" and "<task> when <clause>".
static CLAUSE_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please\s+)?(?:when(?:ever)?|each time|every time|any ?time|after|once|as soon as|if|on)\s+(?P<clause>[^,;]+?)(?:\s*[,;:]\s*|\s+then\s+|\s*$)(?:then\s+)?(?P<task>.*)$",
    )
});
static TASK_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?P<task>.+?)\s+(?:when(?:ever)?|each time|every time|after|once|as soon as)\s+(?P<clause>.+?)[.!]?$",
    )
});

static QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:what|did|was|were|how|why|is|are|has|have|any|show|list|which|who|where|do|does|tell me what)\b",
    )
});

/// A trigger alone, as the LLM passes it: "webhook", "a GitHub webhook".
static BARE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:an?\s+|on\s+(?:an?\s+)?)?(?:(?:github|stripe|slack|signed)\s+)?web[ -]?hook(?:\s+(?:call|request|trigger))?s?$",
    )
});

/// "a webhook that posts the body to me", "a GitHub webhook to tell me …".
static HOOK_THAT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:please\s+)?(?:make|create|set up|add|give)\s+(?:me\s+)?)?(?P<hook>(?:an?\s+)?(?:(?:github|stripe|slack|signed)\s+)?web[ -]?hook)\s+(?:that|which|to)\s+(?P<task>.+)$",
    )
});

/// Words that say only that the workflow runs: "runs when …", "fires when …".
const FILLER: [&str; 8] = [
    "runs", "run", "fires", "starts", "triggers", "goes", "kicks in", "is run",
];

/// A call to a URL: "a webhook is called", "GitHub posts to a webhook",
/// "Stripe sends an event".
static WEBHOOK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bweb[ -]?hooks?\b|^(?:github|stripe|slack)\s+(?:posts?|sends?|calls?|pings?|pushes|notif(?:y|ies)|delivers?|hits?)\b",
    )
});

/// "the backup fails", "the nightly export workflow succeeds", "backup is done".
/// How a workflow's run ends, in words.
const VERBS: &str = r"fails|failed|has failed|errors(?: out)?|breaks|goes wrong|doesn't work|does not work|succeeds|succeeded|has succeeded|works|is successful|finishes|finished|has finished|completes|completed|is done|ends|ended|runs|ran|has run";

/// The name before the verb: "the backup", "the nightly export workflow".
const NAME: &str =
    r"(?:the\s+|my\s+|workflow\s+)?(?P<name>.+?)(?:\s+(?:workflow|job|automation))?(?:'s\s+run)?";

/// "the backup fails", "the nightly export workflow succeeds", "backup is done".
static AFTER: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"(?i)^{NAME}\s+(?P<verb>{VERBS})$")));

/// The same with the task after it and no comma: "backup fails run alert".
static AFTER_THEN: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?P<clause>{NAME}\s+(?:{VERBS}))\s+(?P<task>.+)$"
    ))
});

/// Words that still belong to the trigger ("… webhook is called").
static STILL_CLAUSE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:is|are|gets|get|was|were|has been|receives)\b"));

/// A webhook with the task after it and no comma: "a webhook is called tell me …".
static WEBHOOK_THEN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?P<clause>.*?\bweb[ -]?hooks?\b(?:\s+(?:is|gets|was|has been)\s+(?:called|hit|triggered|pinged|used))?)\s+(?P<task>.+)$",
    )
});

/// Reads a trigger that is not the clock's from `text`, or `None` when the
/// words do not ask for one (times are read elsewhere).
pub fn read(text: &str) -> Option<EventReading> {
    let text = text.trim().trim_end_matches(['.', '!']);
    if BARE.is_match(text) {
        return event_of(text).map(|event| EventReading { event, task: None });
    }
    if let Some(found) = HOOK_THAT.captures(text) {
        let event = event_of(&found["hook"])?;
        let task = found["task"].trim().to_string();
        return Some(EventReading {
            event,
            task: Some(task),
        });
    }
    let mut candidates = Vec::new();
    if let Some(found) = CLAUSE_FIRST.captures(text) {
        let (clause, task) = (&found["clause"], &found["task"]);
        // No comma: the clause ran on into the task.
        let split = [&*WEBHOOK_THEN, &*AFTER_THEN]
            .into_iter()
            .find_map(|then| then.captures(clause))
            .filter(|split| task.is_empty() && !STILL_CLAUSE.is_match(&split["task"]));
        if let Some(split) = split {
            candidates.push((split["clause"].to_string(), split["task"].to_string()));
        }
        candidates.push((clause.to_string(), task.to_string()));
    }
    // "what happened after the backup ran?" asks about the past.
    let question = text.ends_with('?') || QUESTION.is_match(text);
    if let Some(found) = TASK_FIRST.captures(text).filter(|_| !question) {
        candidates.push((found["clause"].to_string(), found["task"].to_string()));
    }
    candidates.into_iter().find_map(|(clause, task)| {
        // "… when a webhook is called and tells me what came in": the words
        // after "and" are the task when the ones before were only "runs".
        let (clause, rest) = match clause.split_once(" and ") {
            Some((clause, rest)) if event_of(clause.trim()).is_some() => (clause, Some(rest)),
            _ => (clause.as_str(), None),
        };
        let event = event_of(clause.trim())?;
        let mut task = task.trim().trim_end_matches(['.', '!']).trim().to_string();
        if let Some(rest) = rest {
            let rest = rest.trim();
            task = if task.is_empty() || FILLER.contains(&task.to_lowercase().as_str()) {
                rest.to_string()
            } else {
                format!("{task} and {rest}")
            };
        }
        if FILLER.contains(&task.to_lowercase().as_str()) {
            task.clear();
        }
        Some(EventReading {
            event,
            task: (!task.is_empty()).then_some(task),
        })
    })
}

fn event_of(clause: &str) -> Option<Event> {
    if WEBHOOK.is_match(clause) {
        let lower = clause.to_lowercase();
        let auth = [HookAuth::Github, HookAuth::Stripe, HookAuth::Slack]
            .into_iter()
            .find(|auth| lower.contains(auth.as_str()))
            .unwrap_or(if lower.contains("signed") {
                HookAuth::Steward
            } else {
                HookAuth::Path
            });
        return Some(Event::Webhook(auth));
    }
    let found = AFTER.captures(clause)?;
    let name = found["name"]
        .trim()
        .trim_matches(['"', '\'', '“', '”'])
        .trim();
    // "it fails" is about the workflow being made (errors per step), and
    // times ("9am") are the clock's.
    if name.is_empty()
        || matches!(
            name.to_lowercase().as_str(),
            "it" | "this" | "that" | "something" | "anything"
        )
        || name.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return None;
    }
    let verb = found["verb"].to_lowercase();
    let on = if ["fail", "error", "break", "wrong", "work"]
        .iter()
        .any(|w| verb.contains(w))
        && !verb.starts_with("works")
    {
        AfterOutcome::Failed
    } else if ["succe", "works", "success"]
        .iter()
        .any(|w| verb.contains(w))
    {
        AfterOutcome::Succeeded
    } else {
        AfterOutcome::Finished
    };
    Some(Event::After {
        name: name.to_string(),
        on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(text: &str) -> Option<(Event, Option<String>)> {
        read(text).map(|r| (r.event, r.task))
    }

    #[test]
    fn webhooks_are_read_with_their_sender() {
        assert_eq!(
            reading("when GitHub posts to a webhook, tell me the commit message"),
            Some((
                Event::Webhook(HookAuth::Github),
                Some("tell me the commit message".into())
            ))
        );
        assert_eq!(
            reading("tell me the amount whenever stripe sends a webhook"),
            Some((
                Event::Webhook(HookAuth::Stripe),
                Some("tell me the amount".into())
            ))
        );
        assert_eq!(
            reading("when my webhook is called"),
            Some((Event::Webhook(HookAuth::Path), None))
        );
        assert_eq!(
            reading("when GitHub sends a push, tell me the commit message").map(|r| r.0),
            Some(Event::Webhook(HookAuth::Github))
        );
    }

    #[test]
    fn completion_triggers_name_the_workflow_and_the_outcome() {
        let after = |name: &str, on| Event::After {
            name: name.into(),
            on,
        };
        assert_eq!(
            reading("when the backup fails, run the alert workflow"),
            Some((
                after("backup", AfterOutcome::Failed),
                Some("run the alert workflow".into())
            ))
        );
        assert_eq!(
            reading("after the nightly export succeeds, send me its summary"),
            Some((
                after("nightly export", AfterOutcome::Succeeded),
                Some("send me its summary".into())
            ))
        );
        assert_eq!(
            reading("ping me whenever the Status check workflow finishes").map(|r| r.0),
            Some(after("Status check", AfterOutcome::Finished))
        );
    }

    #[test]
    fn a_task_after_and_or_a_webhook_that_does_something_is_read() {
        assert_eq!(
            reading("runs when a webhook is called and tells me what came in"),
            Some((
                Event::Webhook(HookAuth::Path),
                Some("tells me what came in".into())
            ))
        );
        assert_eq!(
            reading("a webhook that posts the body to me"),
            Some((
                Event::Webhook(HookAuth::Path),
                Some("posts the body to me".into())
            ))
        );
        assert_eq!(
            reading("make a webhook that posts the body to me").map(|r| r.1),
            Some(Some("posts the body to me".into()))
        );
        assert_eq!(
            reading("if the backup fails, let me know").map(|r| r.0),
            Some(Event::After {
                name: "backup".into(),
                on: AfterOutcome::Failed
            })
        );
    }

    #[test]
    fn without_a_comma_the_task_starts_after_the_trigger() {
        let after = |name: &str, on| Event::After {
            name: name.into(),
            on,
        };
        assert_eq!(
            reading("when backup has failed run alert"),
            Some((
                after("backup", AfterOutcome::Failed),
                Some("run alert".into())
            ))
        );
        assert_eq!(
            reading("once Backup is done tell me the result"),
            Some((
                after("Backup", AfterOutcome::Finished),
                Some("tell me the result".into())
            ))
        );
        assert_eq!(
            reading("when GitHub posts to a webhook tell me the commit message"),
            Some((
                Event::Webhook(HookAuth::Github),
                Some("tell me the commit message".into())
            ))
        );
    }

    #[test]
    fn times_and_other_sentences_are_not_events() {
        for text in [
            "every weekday at 8:30 check https://status.example.com",
            "when it fails, try again 3 times",
            "tomorrow at 5pm send me 'call mom'",
            "remind me to stretch every hour",
            "at 9 tell me the weather",
            "when the clock strikes 9 remind me",
            "what happened after the backup ran",
            "did anything run after the backup failed",
        ] {
            assert_eq!(reading(text), None, "{text}");
        }
    }
}
