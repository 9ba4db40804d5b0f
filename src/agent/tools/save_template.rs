//! `save_template`: saves one of the person's workflows as a private
//! template; its placeholder values are not kept (secret ones least of all).

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::args::check_name;
use super::schema::{nullable, tool, workflow};
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;

pub(super) struct SaveTemplate;

#[async_trait]
impl Tool for SaveTemplate {
    fn name(&self) -> &'static str {
        "save_template"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Save one of the user's workflows as their own private template ('save this as a template').",
            json!({
                "workflow": workflow(),
                "name": nullable("The template's name; null for the workflow's.")
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        let args: SaveArgs = parse(self.name(), args)?;
        let name = match args
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(name) => Some(check_name(name)?),
            None => None,
        };
        let w = turn.resolve(agent, &args.workflow).await?;
        turn.focus(w.id);
        let saved = agent
            .manage
            .save_template(&turn.actor, w.id, name.as_deref())
            .await
            .map_err(manage_failed)?;
        let asks = if saved.placeholders.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = saved.placeholders.iter().map(|p| p.name.as_str()).collect();
            format!(
                " It asks for {} each time (the values were not kept).",
                names.join(", ")
            )
        };
        Ok(Outcome::ok(
            json!({ "template": { "id": saved.id, "name": saved.name } }),
            format!(
                "Saved #{} \"{}\" as your template \"{}\" ({}), visible only to you.{asks} Say 'use {}' to start from it.",
                w.id, w.name, saved.name, saved.id, saved.name
            ),
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveArgs {
    workflow: String,
    #[serde(default)]
    name: Option<String>,
}
