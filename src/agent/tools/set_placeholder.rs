//! `set_placeholder`: changes one `{{KEY:name}}` value of a workflow ("set
//! the URL of the site monitor to https://…"). A secret one is never shown
//! back, not even in this answer.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::args::check_text;
use super::schema::{tool, workflow};
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::workflow::catalogue::{is_secret_name, shown_value};

pub(super) struct SetPlaceholder;

#[async_trait]
impl Tool for SetPlaceholder {
    fn name(&self) -> &'static str {
        "set_placeholder"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Change one placeholder value of a workflow (e.g. its URL or API token). Takes effect at once.",
            json!({
                "workflow": workflow(),
                "name": { "type": "string", "description": "The placeholder's name (URL, API_TOKEN…)." },
                "value": { "type": "string", "description": "Its new value." }
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        let args: SetArgs = parse(self.name(), args)?;
        let value = check_text("value", &args.value)?;
        if value.is_empty() {
            return Err(
                "say the new value, e.g. 'set the URL of the site monitor to https://example.com'"
                    .into(),
            );
        }
        let w = turn.resolve(agent, &args.workflow).await?;
        turn.focus(w.id);
        let name = placeholder_name(&w.placeholders, &args.name);
        let values = BTreeMap::from([(name.clone(), value.clone())]);
        let changed = agent
            .manage
            .set_placeholders(&turn.actor, w.id, &values)
            .await
            .map_err(manage_failed)?;
        let name = changed
            .placeholders
            .keys()
            .find(|k| k.eq_ignore_ascii_case(&name))
            .cloned()
            .unwrap_or(name);
        let shown = if is_secret_name(&name) {
            "a new value (kept sealed, never shown)".to_string()
        } else {
            shown_value(&name, &value)
        };
        Ok(Outcome::ok(
            json!({ "id": changed.id, "placeholder": name, "secret": is_secret_name(&name) }),
            format!(
                "Set {name} of #{} \"{}\" to {shown}.",
                changed.id, changed.name
            ),
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetArgs {
    workflow: String,
    name: String,
    value: String,
}

/// The workflow's placeholder a name means: itself any case, or "url"
/// ("address", "link") for its one address placeholder.
fn placeholder_name(values: &BTreeMap<String, String>, said: &str) -> String {
    let said = said.trim().trim_start_matches("the ").trim();
    if let Some(found) = values.keys().find(|k| k.eq_ignore_ascii_case(said)) {
        return found.clone();
    }
    let upper = said.replace(' ', "_").to_ascii_uppercase();
    let containing: Vec<&String> = values.keys().filter(|k| k.contains(&upper)).collect();
    if let [one] = containing.as_slice() {
        return (*one).clone();
    }
    let address = ["url", "address", "link", "site", "website", "page"];
    let urls: Vec<&String> = values
        .keys()
        .filter(|k| k.to_ascii_uppercase().ends_with("URL"))
        .collect();
    match urls.as_slice() {
        [one] if address.contains(&said.to_lowercase().as_str()) => (*one).clone(),
        _ => said.replace(' ', "_").to_ascii_uppercase(),
    }
}
