//! `run_workflow`: runs a workflow now and reports the result, or that it
//! is still going.

use async_trait::async_trait;
use serde_json::{json, Value};

use super::schema::{nullable, tool, workflow};
use super::{parse, Outcome, Tool};
use crate::agent::render;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::workflow::RunStatus;

pub(super) struct RunNow;

#[async_trait]
impl Tool for RunNow {
    fn name(&self) -> &'static str {
        "run_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Run a workflow now and report the result; input (optional) is what the run works on, e.g. 'for last week' or a JSON object, read by ${input...}.",
            json!({ "workflow": workflow(), "input": nullable("What this run works on: words, or a JSON object; null for none.") }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        run(turn, agent, parse::<RunArgs>(self.name(), args)?).await
    }
}

#[derive(serde::Deserialize)]
struct RunArgs {
    workflow: String,
    #[serde(default)]
    input: Option<Value>,
}

/// Where "run the report for last week" may split into a workflow and the
/// run's input. Not "on" or "at": "run the check on monday" asks for a
/// time, which a run now must not swallow as its input.
const INPUT_WORDS: [&str; 4] = [" with input ", " with ", " for ", ": "];

async fn run(turn: &mut Turn, agent: &Agent, args: RunArgs) -> Result<Outcome, String> {
    let mut input = match args.input {
        Some(Value::String(text)) if !text.trim().is_empty() => {
            Some(crate::workflow::run::input_of(&text))
        }
        Some(Value::String(_)) | Some(Value::Null) | None => None,
        Some(other) => Some(other),
    };
    // "the report for last week": the report, run for last week, when the
    // words before "for" name a workflow exactly (its name, #id or "it").
    let mut found = None;
    if input.is_none() {
        for word in INPUT_WORDS {
            let Some((name, rest)) = args.workflow.split_once(word) else {
                continue;
            };
            let (name, rest) = (name.trim(), rest.trim());
            if name.is_empty() || rest.is_empty() {
                continue;
            }
            let Ok(w) = turn.resolve(agent, name).await else {
                continue;
            };
            let exact = w
                .name
                .trim()
                .eq_ignore_ascii_case(name.trim_start_matches("the "))
                || w.name.trim().eq_ignore_ascii_case(name)
                || name.trim_start_matches('#').parse() == Ok(w.id)
                || matches!(
                    name.to_lowercase().as_str(),
                    "it" | "that" | "this" | "that one" | "this one"
                );
            if exact {
                let kept = match word.trim() {
                    "for" => format!("for {rest}"),
                    _ => rest.to_string(),
                };
                input = Some(crate::workflow::run::input_of(&kept));
                found = Some(w);
                break;
            }
        }
    }
    let w = match found {
        Some(w) => w,
        None => turn.resolve(agent, &args.workflow).await?,
    };
    turn.focus(w.id);
    let run = agent
        .manage
        .run_with_input(
            &turn.actor,
            w.id,
            input.as_ref(),
            Some(agent.settings.run_wait),
        )
        .await
        .map_err(|e| {
            format!(
                "I couldn't start #{} \"{}\": {}",
                w.id,
                w.name,
                e.for_user()
            )
        })?;
    let text = if run.status.is_final() || run.status == RunStatus::Waiting {
        format!(
            "Ran #{} \"{}\" (run {}): {}.",
            w.id,
            w.name,
            run.id,
            render::run_outcome(&run)
        )
    } else {
        format!(
            "Started #{} \"{}\" (run {}); it is still going, and I'll post the result when it ends.",
            w.id, w.name, run.id
        )
    };
    Ok(Outcome::ok(
        json!({
            "run_id": run.id,
            "workflow_id": w.id,
            "status": run.status.as_str(),
            "output": run.output,
            "error": run.error,
        }),
        text,
    ))
}
