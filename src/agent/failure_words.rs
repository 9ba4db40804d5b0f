//! What a request says about failing, read offline and taken out of the
//! words before the schedule is read: "…, if it fails try again 3 times",
//! "retry twice if it fails", "if it fails, run the alert workflow",
//! "if that fails tell #ops" (which a workflow made in chat cannot do).

use regex::Regex;
use std::sync::LazyLock;

use crate::workflow::{OnFailure, Policies, WorkflowRef};

/// A wish about failures.
#[derive(Clone, Debug, PartialEq)]
pub enum Wish {
    /// Run the failed run again, this many times.
    Retry(u32),
    /// Start this workflow.
    Start(String),
    /// Tell another chat: refused in chat, said why.
    Tell(String),
}

const IF_FAILS: &str = r"(?:if|when|whenever|in case) (?:it|that|this|the run|a run|the check) (?:fails?|errors?(?: out)?|breaks|goes wrong|doesn'?t work)|on (?:failure|error)|if there(?:'s| is) an error";

static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)[\s,;.]*(?:and |but |then )?(?:{IF_FAILS})[\s,:]*(?:then )?(?P<what>(?:please )?(?:try(?: it)? again|retry(?: it)?|re-?run it|run it again|try)(?: up to)? (?P<n>\d+|once|twice|three|four|five)(?: more)?(?: times?)?|(?:please )?(?:run|start|trigger|kick off) (?P<wf>.+?)|(?:please )?(?:tell|notify|alert|ping|message) (?P<to>#[\w-]+|<#\d+>|\S+ channel))\s*[.!]?\s*(?:,|;|$)"
    ))
    .expect("valid pattern")
});

static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)[\s,;.]*(?:and )?(?:try(?: it)? again|retry(?: it)?)(?: up to)? (?P<n>\d+|once|twice|three|four|five)(?: more)?(?: times?)? (?:{IF_FAILS})\s*[.!]?\s*(?:,|;|$)"
    ))
    .expect("valid pattern")
});

fn count(word: &str) -> Option<u32> {
    match word.to_lowercase().as_str() {
        "once" => Some(1),
        "twice" => Some(2),
        "three" => Some(3),
        "four" => Some(4),
        "five" => Some(5),
        digits => digits.parse().ok(),
    }
}

/// The request without its failure clause, and the wish, if it has one.
pub fn read(text: &str) -> (String, Option<Wish>) {
    for pattern in [&*AFTER, &*BEFORE] {
        let Some(c) = pattern.captures(text) else {
            continue;
        };
        let whole = c.get(0).expect("the match");
        let wish = if let Some(n) = c.name("n") {
            count(n.as_str()).map(Wish::Retry)
        } else if let Some(wf) = c.name("wf") {
            let name = wf.as_str().trim();
            let name = name.strip_prefix("the ").unwrap_or(name);
            let name = name
                .strip_suffix(" workflow")
                .or_else(|| name.strip_suffix(" one"))
                .unwrap_or(name);
            Some(Wish::Start(name.trim().to_string()))
        } else {
            c.name("to").map(|to| Wish::Tell(to.as_str().to_string()))
        };
        let Some(wish) = wish else { continue };
        let mut rest = String::new();
        rest.push_str(text[..whole.start()].trim_end());
        let tail = text[whole.end()..].trim();
        if !tail.is_empty() {
            if !rest.is_empty() {
                rest.push(' ');
            }
            rest.push_str(tail);
        }
        return (rest, Some(wish));
    }
    (text.to_string(), None)
}

impl Wish {
    /// Sets the wish on `policies`, or says why it cannot be.
    pub fn apply(&self, policies: &mut Policies) -> Result<(), String> {
        match self {
            Wish::Retry(n) if (1..=10).contains(n) => {
                policies.retries = *n;
                Ok(())
            }
            Wish::Retry(n) => Err(format!(
                "I can try a failed run again 1 to 10 times, not {n}"
            )),
            Wish::Start(name) => {
                let on_failure = policies.on_failure.get_or_insert(OnFailure {
                    notify: None,
                    workflow: None,
                });
                on_failure.workflow = Some(match name.trim_start_matches('#').parse() {
                    Ok(id) => WorkflowRef::Id(id),
                    Err(_) => WorkflowRef::Name(name.clone()),
                });
                Ok(())
            }
            Wish::Tell(to) => Err(format!(
                "a workflow made in chat tells only the chat it was made in, so I can't send its failures to {to}; failures are reported here. policies.on_failure.notify can name another chat in a workflow imported or created through the REST API"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failure_clause_is_read_and_taken_out() {
        for (text, rest, wish) in [
            (
                "every hour check https://x.io and tell me if it's down, if it fails try again 3 times",
                "every hour check https://x.io and tell me if it's down",
                Wish::Retry(3),
            ),
            (
                "every day at 9 run the backup. If it fails, retry twice.",
                "every day at 9 run the backup",
                Wish::Retry(2),
            ),
            (
                "retry 4 times if it fails, every day at 9 check https://x.io",
                "every day at 9 check https://x.io",
                Wish::Retry(4),
            ),
            (
                "every night at 2 back up the database; on failure run the alert workflow",
                "every night at 2 back up the database",
                Wish::Start("alert".into()),
            ),
            (
                "every night at 2 back up the database and if that fails, tell #ops",
                "every night at 2 back up the database",
                Wish::Tell("#ops".into()),
            ),
        ] {
            assert_eq!(read(text), (rest.to_string(), Some(wish)), "{text}");
        }
        // A workflow that fails is an event trigger, not this clause; and a
        // sentence about something else failing is left alone.
        for text in [
            "when the backup fails, run the alert workflow",
            "every day at 9 tell me which builds failed",
        ] {
            assert_eq!(read(text).1, None, "{text}");
        }
    }
}
