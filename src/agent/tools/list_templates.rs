//! `list_templates`: the built-in templates and the person's own, each with
//! the values it asks for.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::schema::{nullable, tool};
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::workflow::catalogue::Template;

pub(super) struct ListTemplates;

#[async_trait]
impl Tool for ListTemplates {
    fn name(&self) -> &'static str {
        "list_templates"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "List the workflow templates (built-in and the user's own) with the values each needs.",
            json!({ "category": nullable("Only this category (monitoring, reminders, reports, digests, watches, team, mine); null for all.") }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        let args: ListArgs = parse(self.name(), args)?;
        let all = agent
            .manage
            .templates(&turn.actor)
            .await
            .map_err(manage_failed)?;
        let category = args.category.map(|c| c.trim().to_lowercase());
        let shown: Vec<&Template> = all
            .iter()
            .filter(|t| {
                category
                    .as_deref()
                    .is_none_or(|c| c.is_empty() || t.category == c)
            })
            .collect();
        if shown.is_empty() {
            return Ok(Outcome::ok(
                json!({ "templates": [] }),
                "No templates in that category. Say 'list templates' for all of them.",
            ));
        }
        let lines: Vec<String> = shown.iter().map(|t| line(t)).collect();
        let items: Vec<Value> = shown.iter().map(|t| value(t)).collect();
        Ok(Outcome::ok(
            json!({ "templates": items }),
            format!(
                "Templates ({}):\n{}\nSay 'use the website monitor for https://example.com every 5 minutes' to start from one.",
                shown.len(),
                lines.join("\n")
            ),
        ))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    #[serde(default)]
    category: Option<String>,
}

/// "• Website monitor (website-monitor, monitoring): … Needs URL; every 5 minutes."
fn line(t: &Template) -> String {
    let needs: Vec<&str> = t
        .placeholders
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.as_str())
        .collect();
    let needs = if needs.is_empty() {
        String::new()
    } else {
        format!(" Needs {}.", needs.join(", "))
    };
    // "every year on {{KEY:DATE}} at 9:00" → "every year on <DATE> at 9:00".
    let schedule = t.schedule.replace("{{KEY:", "<").replace("}}", ">");
    format!(
        "• {} ({}, {}): {}{needs} Default: {schedule}.",
        t.name, t.id, t.category, t.description
    )
}

fn value(t: &Template) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "category": t.category,
        "description": t.description,
        "schedule": t.schedule,
        "placeholders": t.placeholders.iter().map(|p| json!({
            "name": p.name, "description": p.description, "example": p.example,
            "required": p.required, "secret": p.secret,
        })).collect::<Vec<_>>(),
    })
}
