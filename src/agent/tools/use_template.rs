//! `use_template`: drafts a workflow from a template with the values the
//! person gave; asks for each missing required value, then shows the usual
//! draft. Nothing is stored until they confirm.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::args::check_text;
use super::schema::{nullable, tool};
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::template_draft::{self, Request};
use crate::agent::turn::Turn;
use crate::agent::zone_question;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::workflow::catalogue::Template;

pub(super) struct UseTemplate;

#[async_trait]
impl Tool for UseTemplate {
    fn name(&self) -> &'static str {
        "use_template"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Draft a workflow from a template (see list_templates). Give the values you know; steward asks the user for missing required ones, then shows the draft to confirm.",
            json!({
                "template": { "type": "string", "description": "The template's id or name, as the user said it ('website monitor')." },
                "placeholders": {
                    "type": ["array", "null"],
                    "description": "Values by placeholder name; a web address may be given as URL.",
                    "items": {
                        "type": "object",
                        "properties": { "name": { "type": "string" }, "value": { "type": "string" } },
                        "required": ["name", "value"],
                        "additionalProperties": false
                    }
                },
                "schedule": nullable("When it runs, in the user's words; null for the template's default."),
                "name": nullable("A name for the workflow; null for the template's.")
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        let raw = args;
        let args: UseArgs = parse(self.name(), args)?;
        // Past the workflow quota, nothing is asked or drafted.
        agent
            .manage
            .may_add_workflow(&turn.actor)
            .await
            .map_err(manage_failed)?;
        let all = agent
            .manage
            .templates(&turn.actor)
            .await
            .map_err(manage_failed)?;
        let template = find(&all, &args.template)?.clone();
        // A schedule with a time of day waits for the person's zone, as any
        // new workflow does.
        let schedule = args.schedule.as_deref().unwrap_or(&template.schedule);
        if let Some(held) = zone_question::hold_template(turn, agent, schedule, raw) {
            return Ok(held);
        }
        let mut values = BTreeMap::new();
        for pair in args.placeholders.unwrap_or_default() {
            values.insert(
                pair.name.trim().to_string(),
                check_text("value", &pair.value)?,
            );
        }
        let present = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let request = Request {
            template,
            values,
            schedule: present(args.schedule),
            name: present(args.name),
        };
        template_draft::propose(turn, agent, request).await
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UseArgs {
    template: String,
    #[serde(default)]
    placeholders: Option<Vec<Pair>>,
    #[serde(default)]
    schedule: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pair {
    name: String,
    value: String,
}

/// Words that say nothing about which template.
const FILLER: [&str; 8] = ["the", "a", "an", "my", "template", "one", "workflow", "for"];

/// The template `words` name: its id, its name, or the one whose name
/// shares the most words with them ("site monitor" → Website monitor).
pub(crate) fn find<'t>(all: &'t [Template], words: &str) -> Result<&'t Template, String> {
    let wanted = words.trim().to_lowercase();
    if let Some(found) = all
        .iter()
        .find(|t| t.id == wanted || t.name.to_lowercase() == wanted)
    {
        return Ok(found);
    }
    let said: Vec<&str> = wanted
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1 && !FILLER.contains(w))
        .collect();
    let score = |t: &Template| {
        let own = format!("{} {}", t.name, t.id).to_lowercase();
        let own: Vec<&str> = own.split(|c: char| !c.is_alphanumeric()).collect();
        said.iter()
            .filter(|w| {
                own.iter().any(|o| {
                    o == *w || (w.len() >= 4 && o.len() >= 4 && (o.contains(*w) || w.contains(*o)))
                })
            })
            .count()
    };
    let best = all.iter().map(score).max().unwrap_or(0);
    let top: Vec<&Template> = all
        .iter()
        .filter(|t| best > 0 && score(t) == best)
        .collect();
    match top.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "I don't know a template called '{}'. Say 'list templates' to see them.",
            crate::agent::render::clip(words.trim(), 40)
        )),
        several => Err(format!(
            "'{}' could be {}. Which one?",
            crate::agent::render::clip(words.trim(), 40),
            several
                .iter()
                .map(|t| format!("\"{}\"", t.name))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::catalogue::builtin;

    #[test]
    fn templates_are_found_by_id_name_or_the_words_of_their_name() {
        let all = builtin();
        let id = |words: &str| find(all, words).map(|t| t.id.as_str());
        assert_eq!(id("website-monitor"), Ok("website-monitor"));
        assert_eq!(id("the website monitor"), Ok("website-monitor"));
        assert_eq!(id("site monitor"), Ok("website-monitor"));
        assert_eq!(id("rss digest template"), Ok("rss-digest"));
        assert_eq!(id("birthday"), Ok("birthday-reminder"));
        assert_eq!(id("github release"), Ok("github-release-watch"));
        assert_eq!(id("tls certificate"), Ok("tls-certificate-expiry"));
        assert!(id("weather forecast").is_err());
    }
}
