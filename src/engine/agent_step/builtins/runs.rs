//! `workflow_runs` and `start_workflow`: this workflow's earlier runs, and
//! another of the owner's workflows run now.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::clip;
use super::MAX_RUNS;
use crate::engine::runner::{store_failed, Runner};
use crate::store::runs;
use crate::workflow::{RunStatus, Usage, WorkflowRef};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RunsArgs {
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    limit: Option<i64>,
}

pub(super) async fn workflow_runs(runner: &Runner<'_>, args: RunsArgs) -> Result<Value, String> {
    let pool = runner.engine.store.reader();
    let this = runner.run.id;
    let recent = runs::history(
        pool,
        &runs::HistoryQuery {
            workflow_id: Some(runner.workflow.id),
            limit: 5,
            ..runs::HistoryQuery::default()
        },
    )
    .await
    .map_err(store_failed)?;
    let previous = recent.iter().map(|(r, _)| r).find(|r| r.id != this);
    let since = match args.since.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("last_run") => match previous {
            Some(run) => Some(run.scheduled_for),
            None => return Ok(json!({ "this_run": this, "previous_run_at": null, "runs": [] })),
        },
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| {
                    format!("'since' must be \"last_run\" or an RFC 3339 instant, not '{text}'")
                })?
                .with_timezone(&Utc),
        ),
    };
    let statuses = match args.status.as_deref() {
        None => Vec::new(),
        Some(text) => vec![text.parse::<RunStatus>()?],
    };
    let limit = args.limit.unwrap_or(10).clamp(1, MAX_RUNS);
    let found = runs::history(
        pool,
        &runs::HistoryQuery {
            workflow_id: Some(runner.workflow.id),
            statuses,
            since,
            limit: limit + 1,
            ..runs::HistoryQuery::default()
        },
    )
    .await
    .map_err(store_failed)?;
    let listed: Vec<Value> = found
        .iter()
        .map(|(r, _)| r)
        .filter(|r| r.id != this)
        .take(limit as usize)
        .map(|run| {
            json!({
                "id": run.id,
                "scheduled_for": run.scheduled_for.to_rfc3339(),
                "trigger": run.trigger,
                "status": run.status.as_str(),
                "output": run.output.as_ref().map(|o| clip(&o.to_string(), 1_000)),
                "error": run.error,
            })
        })
        .collect();
    Ok(json!({
        "this_run": this,
        "previous_run_at": previous.map(|r| r.scheduled_for.to_rfc3339()),
        "runs": listed,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StartArgs {
    workflow: String,
    #[serde(default)]
    input: Option<String>,
}

pub(super) async fn start_workflow(
    runner: &Runner<'_>,
    args: StartArgs,
    usage: &mut Usage,
) -> Result<Value, String> {
    let name = args.workflow.trim();
    let target = match name.trim_start_matches('#').parse::<i64>() {
        Ok(id) => WorkflowRef::Id(id),
        Err(_) if !name.is_empty() => WorkflowRef::Name(name.to_string()),
        Err(_) => return Err("name the workflow to start".into()),
    };
    let input = match args.input.as_deref().map(str::trim) {
        None | Some("") => Value::Null,
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| json!({ "text": text })),
    };
    let input = if input.is_null() { json!({}) } else { input };
    let (output, used) = runner.chain(&target, input).await?;
    // The child's model use counts against this run's budgets.
    usage.add(&Usage { steps: 0, ..used });
    Ok(output)
}
