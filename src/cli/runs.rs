//! `steward runs [--workflow ID] [--since RFC3339] [--json]` and
//! `steward runs approve|reject|cancel RUN`.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use super::{instant, Printed};
use crate::app::App;
use crate::chat::terminal::TerminalNotifier;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::manage::Actor;
use crate::store::{runs, steps, Store};
use crate::workflow::{Run, StepRecord};
use std::sync::Arc;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RunsArgs {
    #[command(subcommand)]
    pub action: Option<RunsAction>,
    /// Only this workflow's runs.
    #[arg(long)]
    pub workflow: Option<i64>,
    /// Only runs whose slot is at or after this instant (RFC 3339).
    #[arg(long)]
    pub since: Option<String>,
    /// At most this many runs (oldest first).
    #[arg(long, default_value_t = 10_000)]
    pub limit: i64,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RunsAction {
    /// Approve the waiting run's request.
    Approve {
        run: i64,
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Reject the waiting run's request.
    Reject {
        run: i64,
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Cancel a run: a queued or waiting one at once; an executing one (in
    /// any `steward serve`) stops within about a second.
    Cancel {
        run: i64,
        #[arg(long, default_value = "cli")]
        by: String,
    },
}

pub async fn run_runs(args: RunsArgs, config: &Config) -> Printed {
    let json = args.json;
    let store = match Store::open_with_key(&config.db_path, config.encryption_key.as_ref()).await {
        Ok(store) => store,
        Err(e) => {
            return Printed::error(
                format!("opening {}: {e}", config.db_path.display()),
                json,
                2,
            )
        }
    };
    match args.action {
        Some(action) => act(action, store, config).await,
        None => {
            let since = match args.since.as_deref().map(DateTime::parse_from_rfc3339) {
                None => None,
                Some(Ok(at)) => Some(at.with_timezone(&Utc)),
                Some(Err(_)) => {
                    return Printed::error(
                        "--since must be an RFC 3339 instant, e.g. 2026-03-06T00:00:00Z",
                        json,
                        2,
                    )
                }
            };
            match runs::list(store.pool(), args.workflow, since, args.limit).await {
                Err(e) => Printed::error(e.to_string(), json, 2),
                Ok(list) if json => {
                    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
                    let all = match steps::list_of(store.pool(), &ids).await {
                        Ok(all) => all,
                        Err(e) => return Printed::error(e.to_string(), json, 2),
                    };
                    let mut by_run: std::collections::HashMap<i64, Vec<StepRecord>> =
                        std::collections::HashMap::new();
                    for step in all {
                        by_run.entry(step.run_id).or_default().push(step);
                    }
                    let shown: Vec<Value> = list
                        .iter()
                        .map(|run| run_json(run, by_run.get(&run.id).map_or(&[], Vec::as_slice)))
                        .collect();
                    Printed::ok(format!("{}\n", Value::Array(shown)))
                }
                Ok(list) => {
                    let mut out = String::new();
                    for run in &list {
                        let detail = run.error.clone().unwrap_or_default();
                        out.push_str(&format!(
                            "run {} of #{} at {}: {} {}\n",
                            run.id,
                            run.workflow_id,
                            instant(run.scheduled_for),
                            run.status,
                            detail
                        ));
                    }
                    if list.is_empty() {
                        out.push_str("No runs.\n");
                    }
                    Printed::ok(out)
                }
            }
        }
    }
}

/// The `runs --json` shape: the run, its usage, and each step with its own.
pub fn run_json(run: &Run, steps: &[StepRecord]) -> Value {
    let steps: Vec<Value> = steps
        .iter()
        .map(|step| {
            json!({
                "key": step.step_key,
                "kind": step.kind,
                "status": step.status,
                "started_at": instant(step.started_at),
                "ended_at": step.ended_at.map(instant),
                "error": step.error,
                "usage": step.usage,
            })
        })
        .collect();
    json!({
        "id": run.id,
        "workflow_id": run.workflow_id,
        "trigger": run.trigger,
        "attempt": run.attempt,
        "scheduled_for": instant(run.scheduled_for),
        "started_at": run.started_at.map(instant),
        "ended_at": run.ended_at.map(instant),
        "status": run.status.as_str(),
        "output": run.output,
        "error": run.error,
        "usage": run.usage,
        "steps": steps,
        "delivery_errors": run.delivery_errors,
    })
}

/// `approve`, `reject` or `cancel` a run.
async fn act(action: RunsAction, store: Store, config: &Config) -> Printed {
    let (run, by, approve) = match action {
        RunsAction::Approve { run, by } => (run, by, Some(true)),
        RunsAction::Reject { run, by } => (run, by, Some(false)),
        RunsAction::Cancel { run, by } => (run, by, None),
    };
    let app = match App::on_store(
        config,
        store,
        Arc::new(TerminalNotifier { quiet: true }),
        Arc::new(SystemClock),
    ) {
        Ok(app) => app,
        Err(e) => return Printed::error(format!("{e:#}"), false, 2),
    };
    let operator = Actor::operator(by);
    let Some(approve) = approve else {
        return match app.manager(config).cancel_run(&operator, run).await {
            Ok(done) if done.status.is_final() => {
                Printed::ok(format!("Run {run} {}.\n", done.status))
            }
            Ok(_) => Printed::ok(format!(
                "Run {run} was asked to stop; the process running it stops it shortly.\n"
            )),
            Err(e) => Printed::error(e.for_user(), false, 2),
        };
    };
    match app.manager(config).answer(&operator, run, approve).await {
        Ok(_) => Printed::ok(format!(
            "Run {run} {}; it continues at the scheduler's next wake.\n",
            if approve { "approved" } else { "rejected" }
        )),
        Err(e) => Printed::error(e.for_user(), false, 2),
    }
}
