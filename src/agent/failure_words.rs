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
        r"(?i)[\s,;.]*(?:and |but |then )?(?:{IF_FAILS})[\s,:]*(?:then )?(?P<what>(?:please )?(?:try(?: it)? again|retry(?: it)?|re-?run it|run it again|try)(?: up to)? (?P<n>\d+|once|twice|three|four|five)(?: more)?(?: times?)?|(?:please )?(?:run|start|trigger|kick off) (?P<wf>.+?)|(?:please )?(?:tell|notify|alert|ping|message|post (?:to|in)) (?P<to>#[\w-]+|<#\d+>|(?:telegram|discord|webhook):\S+|\S+ channel))\s*[.!]?\s*(?:,|;|$)"
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

fn on_failure(policies: &mut Policies) -> &mut OnFailure {
    policies.on_failure.get_or_insert(OnFailure {
        notify: None,
        workflow: None,
    })
}

/// Who asks, for a wish that names another chat.
pub struct Asker<'a> {
    pub admin: bool,
    /// The chat the workflow is made in.
    pub home_chat: &'a str,
}

impl Wish {
    /// Sets the wish on `policies`, or says why it cannot be.
    pub fn apply(&self, policies: &mut Policies, asker: &Asker<'_>) -> Result<(), String> {
        match self {
            Wish::Retry(n) if (1..=10).contains(n) => {
                policies.retries = *n;
                Ok(())
            }
            Wish::Retry(n) => Err(format!(
                "I can try a failed run again 1 to 10 times, not {n}"
            )),
            Wish::Start(name) => {
                on_failure(policies).workflow = Some(match name.trim_start_matches('#').parse() {
                    Ok(id) => WorkflowRef::Id(id),
                    Err(_) => WorkflowRef::Name(name.clone()),
                });
                Ok(())
            }
            Wish::Tell(to) => {
                let chat = chat_named(to, asker.home_chat)?;
                // A workflow made in chat posts only to its own chat, unless
                // an admin makes it: anyone else could have the bot post
                // wherever it is.
                if chat != asker.home_chat && !asker.admin {
                    return Err(format!(
                        "only an admin can send a workflow's failures to another chat ({to}); they are reported here"
                    ));
                }
                on_failure(policies).notify = Some(chat);
                Ok(())
            }
        }
    }
}

/// The chat `to` names, seen from `home_chat`: a Discord channel mention
/// (`<#id>`, what Discord sends for "#ops") in the same server, or a chat id
/// written out (`telegram:-100123`).
fn chat_named(to: &str, home_chat: &str) -> Result<String, String> {
    if let Some(id) = to.strip_prefix("<#").and_then(|t| t.strip_suffix('>')) {
        let mut parts = home_chat.splitn(3, ':');
        return match (parts.next(), parts.next()) {
            (Some("discord"), Some(guild)) if guild != "dm" => Ok(format!("discord:{guild}:{id}")),
            _ => Err("a channel mention works only in a Discord server".into()),
        };
    }
    if to.contains(':') {
        return Ok(to.to_string());
    }
    Err(format!(
        "I can't tell which chat '{to}' is: on Discord, mention the channel (type # and pick it); elsewhere, give its id, like telegram:-100123"
    ))
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
        assert_eq!(
            read("daily at 9 check https://x.io, if it fails tell <#42>").1,
            Some(Wish::Tell("<#42>".into()))
        );
        // A workflow that fails is an event trigger, not this clause; and a
        // sentence about something else failing is left alone.
        for text in [
            "when the backup fails, run the alert workflow",
            "every day at 9 tell me which builds failed",
        ] {
            assert_eq!(read(text).1, None, "{text}");
        }
    }

    #[test]
    fn another_chat_is_named_plainly_and_only_an_admin_sends_there() {
        let home = "discord:7:100";
        let mut policies = Policies::default();
        let member = Asker {
            admin: false,
            home_chat: home,
        };
        let admin = Asker {
            admin: true,
            home_chat: home,
        };
        let tell = |to: &str| Wish::Tell(to.to_string());
        let refused = tell("<#200>").apply(&mut policies, &member).unwrap_err();
        assert!(refused.contains("only an admin"), "{refused}");
        assert!(policies.on_failure.is_none());
        tell("<#200>").apply(&mut policies, &admin).unwrap();
        assert_eq!(
            policies.on_failure.unwrap().notify.as_deref(),
            Some("discord:7:200")
        );
        // Its own chat is always allowed.
        let mut policies = Policies::default();
        tell("<#100>").apply(&mut policies, &member).unwrap();
        let unknown = tell("#ops").apply(&mut policies, &admin).unwrap_err();
        assert!(unknown.contains("mention the channel"), "{unknown}");
        let telegram = Asker {
            admin: true,
            home_chat: "telegram:5",
        };
        let dm_only = tell("<#200>").apply(&mut policies, &telegram).unwrap_err();
        assert!(dm_only.contains("only in a Discord server"), "{dm_only}");
        tell("telegram:-100123")
            .apply(&mut policies, &telegram)
            .unwrap();
    }
}
