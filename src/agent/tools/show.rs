//! `show_workflow`: one workflow as it stands: trigger and next runs,
//! steps, limits, pause, last run.

use async_trait::async_trait;
use serde_json::{json, Value};

use super::schema::{tool, workflow};
use super::{manage_failed, workflow_value, Target};
use super::{parse, Outcome, Tool};
use crate::agent::draft::Spec;
use crate::agent::render;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::manage::RunQuery;

pub(super) struct Show;

#[async_trait]
impl Tool for Show {
    fn name(&self) -> &'static str {
        "show_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Show one workflow: trigger, next runs, steps, limits, last run.",
            json!({ "workflow": workflow() }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        show(turn, agent, parse::<Target>(self.name(), args)?).await
    }
}

async fn show(turn: &mut Turn, agent: &Agent, args: Target) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    let spec = Spec::of(&w);
    let mut text = format!(
        "#{} \"{}\" [{}]\n{}",
        w.id,
        w.name,
        w.status.as_str(),
        render::spec_lines(&spec, turn.now, agent.has_model())
    );
    if !spec.instruction.is_empty() {
        text.push_str(&format!(
            "\n• Instruction: {}",
            render::clip(&spec.instruction, 300)
        ));
    }
    if let Some(note) = &w.paused_note {
        text.push_str(&format!("\n• Paused: {note}"));
    }
    if let Some(at) = w.resume_at {
        text.push_str(&format!(
            "\n• Paused until {}; it resumes then on its own",
            render::short_time(at, spec.zone())
        ));
    }
    if let (Some(change), Some(next)) = (w.pending_change(), w.effective_next()) {
        text.push_str(&format!(
            "\n• Next run: {} ({change})",
            render::short_time(next, spec.zone())
        ));
    }
    let last = agent
        .manage
        .history(
            &turn.actor,
            &RunQuery {
                workflow: Some(w.id),
                limit: 1,
                ..RunQuery::default()
            },
        )
        .await
        .map_err(manage_failed)?;
    if let Some((run, _)) = last.first() {
        text.push_str(&format!(
            "\n• Last run: {}",
            render::run_line(run, &w.name, turn.now, turn.zone)
                .split_once(" — ")
                .map_or(String::new(), |(_, rest)| rest.to_string())
        ));
    }
    let mut value = workflow_value(&w);
    value["steps"] = spec.steps.clone();
    value["limits"] = json!(spec.guardrails);
    Ok(Outcome::ok(value, text))
}
