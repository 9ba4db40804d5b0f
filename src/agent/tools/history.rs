//! `workflow_runs`: what workflows did and their errors, over a period in
//! words.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::manage_failed;
use super::schema::{nullable, tool};
use super::{parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::agent::{period, render};
use crate::llm::ToolSpec;
use crate::manage::RunQuery;
use crate::workflow::RunStatus;

pub(super) struct History;

#[async_trait]
impl Tool for History {
    fn name(&self) -> &'static str {
        "workflow_runs"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "The run history: what workflows did and their errors.",
            json!({
                "workflow": nullable("One workflow, or null for all of the user's."),
                "status": nullable("'errors' for failures, or a run status (succeeded, failed, missed, skipped…); null for all."),
                "period": nullable("In words: 'today', 'yesterday', 'this week', 'since monday', 'in the last 3 days'; null for the latest runs.")
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        history(turn, agent, parse(self.name(), args)?).await
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HistoryArgs {
    #[serde(default)]
    workflow: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    period: Option<String>,
}

/// "errors" and friends, or one status.
fn statuses(text: &str) -> Result<Vec<RunStatus>, String> {
    let lower = text.trim().to_lowercase();
    match lower.as_str() {
        "" | "all" | "any" => Ok(Vec::new()),
        "error" | "errors" | "failed" | "failure" | "failures" | "failing" | "problems" => {
            Ok(vec![
                RunStatus::Failed,
                RunStatus::Guardrail,
                RunStatus::Interrupted,
                RunStatus::Missed,
            ])
        }
        "success" | "succeeded" | "successful" | "ok" => Ok(vec![RunStatus::Succeeded]),
        other => other.parse::<RunStatus>().map(|s| vec![s]).map_err(|_| {
            format!(
                "status is 'errors' or one of {}",
                RunStatus::ALL.map(|s| s.as_str()).join(", ")
            )
        }),
    }
}

async fn history(turn: &mut Turn, agent: &Agent, args: HistoryArgs) -> Result<Outcome, String> {
    let workflow = match args
        .workflow
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        Some(reference) => Some(turn.resolve(agent, reference).await?),
        None => None,
    };
    let wanted = statuses(args.status.as_deref().unwrap_or(""))?;
    let errors_only = wanted.contains(&RunStatus::Failed) && wanted.len() > 1;
    let period = match args
        .period
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(period::parse(p, turn.now, turn.zone)?),
        None => None,
    };
    let found = agent
        .manage
        .history(
            &turn.actor,
            &RunQuery {
                workflow: workflow.as_ref().map(|w| w.id),
                statuses: wanted,
                since: period.as_ref().map(|p| p.since),
                until: period.as_ref().and_then(|p| p.until),
                limit: 20,
            },
        )
        .await
        .map_err(manage_failed)?;
    if let Some(w) = &workflow {
        turn.focus(w.id);
    }
    let what = match (&workflow, errors_only) {
        (Some(w), true) => format!("errors in #{} \"{}\"", w.id, w.name),
        (Some(w), false) => format!("runs of #{} \"{}\"", w.id, w.name),
        (None, true) => "errors in your workflows".to_string(),
        (None, false) => "runs of your workflows".to_string(),
    };
    let when = period
        .as_ref()
        .map_or(String::new(), |p| format!(" {}", p.words));
    let items: Vec<Value> = found
        .iter()
        .map(|(run, name)| {
            json!({
                "run_id": run.id,
                "workflow_id": run.workflow_id,
                "workflow": name,
                "scheduled_for": run.scheduled_for.to_rfc3339(),
                "status": run.status.as_str(),
                "error": run.error,
                "usage": run.usage,
            })
        })
        .collect();
    if found.is_empty() {
        return Ok(Outcome::ok(
            json!({ "runs": [] }),
            format!("No {what}{when}."),
        ));
    }
    let lines: Vec<String> = found
        .iter()
        .rev()
        .map(|(run, name)| render::run_line(run, name, turn.now, turn.zone))
        .collect();
    let more = if found.len() == 20 {
        " (the latest 20)"
    } else {
        ""
    };
    Ok(Outcome::ok(
        json!({ "runs": items }),
        format!(
            "{}{when}{more}:\n{}",
            render::capitalize(&what),
            lines.join("\n")
        ),
    ))
}
