//! The workflow tools (DESIGN §6): the same functions for the LLM (as strict
//! JSON-schema functions) and the offline grammar. Each tool is one file:
//! its arguments, its schema and what it does; [`TOOLS`] registers it.
//! Arguments are checked there; a bad one is an error result the model can
//! correct, never a panic or a guess.

mod api_keys;
mod args;
mod cancel;
mod create;
mod dashboard;
mod delete;
mod history;
mod limits;
mod list;
mod list_templates;
mod pause;
mod resume;
mod run;
mod save_template;
mod schema;
mod set_placeholder;
mod show;
mod skip;
mod snooze;
mod timezone;
mod update;
mod use_template;
mod webhook;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::turn::Turn;
use super::{render, ActionRecord, Agent};
use crate::llm::ToolSpec;
use crate::manage::ManageError;
use crate::workflow::Workflow;

pub(super) use super::outcome::Outcome;

pub(super) use args::check_name;

/// One tool: its name, its schema and what it does.
#[async_trait]
pub(super) trait Tool: Sync {
    /// The name the model calls.
    fn name(&self) -> &'static str;

    /// Its strict JSON-schema function.
    fn spec(&self) -> ToolSpec;

    /// Runs it with the model's (or the grammar's) arguments.
    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String>;
}

/// Every tool, in the order the model is told them.
const TOOLS: [&dyn Tool; 21] = [
    &create::Create,
    &list::List,
    &show::Show,
    &update::Update,
    &pause::Pause,
    &resume::Resume,
    &delete::Delete,
    &run::RunNow,
    &history::History,
    &skip::Skip,
    &snooze::Snooze,
    &timezone::Timezone,
    &list_templates::ListTemplates,
    &use_template::UseTemplate,
    &save_template::SaveTemplate,
    &set_placeholder::SetPlaceholder,
    &api_keys::ApiKeys,
    &dashboard::Dashboard,
    &webhook::WebhookTool,
    &cancel::CancelRun,
    &limits::Limits,
];

/// The names of every tool, in order.
pub fn names() -> Vec<&'static str> {
    TOOLS.iter().map(|tool| tool.name()).collect()
}

/// The tools as strict JSON-schema functions for the model.
pub fn specs() -> Vec<ToolSpec> {
    TOOLS.iter().map(|tool| tool.spec()).collect()
}

/// Calls tool `name`; records it among the turn's actions.
pub async fn call(turn: &mut Turn, agent: &Agent, name: &str, args: Value) -> Outcome {
    let found = TOOLS.iter().find(|tool| tool.name() == name);
    let outcome = match found {
        Some(tool) => tool.call(turn, agent, &args).await,
        None => Err(format!(
            "there is no tool '{}'; the tools are: {}",
            render::clip(name, 60),
            names().join(", ")
        )),
    };
    let outcome = outcome.unwrap_or_else(Outcome::error);
    let mut result = outcome.value.clone();
    if let Value::Object(map) = &mut result {
        map.entry("summary").or_insert_with(|| json!(outcome.text));
    }
    turn.actions.push(ActionRecord {
        tool: name.to_string(),
        args,
        ok: outcome.ok,
        result,
    });
    outcome
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, args: &Value) -> Result<T, String> {
    let args = if args.is_null() {
        json!({})
    } else {
        args.clone()
    };
    serde_json::from_value(args).map_err(|e| format!("invalid arguments for {name}: {e}"))
}

fn workflow_value(w: &Workflow) -> Value {
    json!({
        "id": w.id,
        "name": w.name,
        "status": w.status.as_str(),
        "trigger": w.schedule.as_ref().map(|s| s.describe()).unwrap_or_else(|e| e.clone()),
        "timezone": w.timezone,
        "next_run": w.effective_next().map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "paused_note": w.paused_note,
        "paused_until": w.resume_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    workflow: String,
}

/// A use case's refusal as the tool's answer.
pub(super) fn manage_failed(error: ManageError) -> String {
    match error {
        ManageError::NotFound(id) => format!("I couldn't find workflow #{id}."),
        ManageError::Invalid(message)
        | ManageError::NotAllowed(message)
        | ManageError::OverQuota(message) => render::capitalize(&message) + ".",
        other => other.for_user(),
    }
}

pub(super) fn store_failed(error: &crate::store::StoreError) -> String {
    tracing::error!(error = %error, "a workflow tool failed in the store");
    "Something went wrong on my side saving that; nothing was changed. Try again in a moment."
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_a_strict_schema() {
        let specs = specs();
        assert_eq!(specs.len(), TOOLS.len());
        for (spec, name) in specs.iter().zip(names()) {
            assert_eq!(spec.name, name);
            let p = &spec.parameters;
            assert_eq!(p["additionalProperties"], false, "{name}");
            let props: Vec<&String> = p["properties"].as_object().unwrap().keys().collect();
            let required: Vec<&str> = p["required"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(
                props.len(),
                required.len(),
                "{name}: strict needs every property required"
            );
        }
    }
}
