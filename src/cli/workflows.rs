//! `steward workflows import|list|pause|resume|skip-next|snooze|run|delete|hook`.

use chrono::{DateTime, TimeDelta, Utc};
use clap::Subcommand;
use serde_json::{json, Value};
use std::io::Read;
use std::sync::Arc;

use super::{instant, Printed};
use crate::app::App;
use crate::chat::terminal::TerminalNotifier;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::manage::{Actor, ManageError, Manager};
use crate::schedule::{format_local, parse_duration_words};
use crate::store::Store;
use crate::workflow::{Definition, NewWorkflow, Workflow};

#[derive(Debug, Subcommand)]
pub enum WorkflowsCommand {
    /// Import a JSON array of workflow definitions from FILE, or `-` for stdin.
    Import { file: String },
    /// List workflows.
    List {
        /// Only this owner's.
        #[arg(long)]
        user: Option<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Pause a workflow, with an optional note.
    Pause {
        id: i64,
        #[arg(long)]
        note: Option<String>,
    },
    /// Resume a paused workflow from its next slot (the paused period is not replayed).
    Resume { id: i64 },
    /// Skip the next occurrence.
    SkipNext { id: i64 },
    /// Move the next occurrence later, e.g. `--by PT30M` or `--by 2h`.
    Snooze {
        id: i64,
        #[arg(long)]
        by: String,
    },
    /// Run a workflow now, in this process, and print the result.
    Run {
        id: i64,
        /// The run's input, read by `${input...}` (JSON; other text is
        /// given as `{"text": ...}`).
        #[arg(long)]
        input: Option<String>,
        /// Print the run as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a workflow and its runs.
    Delete { id: i64 },
    /// Show a webhook workflow's URL and secret, or make new ones (`--rotate`:
    /// the old URL stops working at once).
    Hook {
        id: i64,
        #[arg(long)]
        rotate: bool,
        /// Print them as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run_workflows(command: WorkflowsCommand, config: &Config) -> Printed {
    match execute(command, config).await {
        Ok(printed) => printed,
        Err((message, json)) => Printed::error(message, json, 2),
    }
}

type Failure = (String, bool);

async fn execute(command: WorkflowsCommand, config: &Config) -> Result<Printed, Failure> {
    let json_flag = matches!(
        command,
        WorkflowsCommand::List { json: true, .. }
            | WorkflowsCommand::Run { json: true, .. }
            | WorkflowsCommand::Import { .. }
            | WorkflowsCommand::Hook { json: true, .. }
    );
    let fail = |e: String| (e, json_flag);
    let refused = |e: ManageError| (e.for_user(), json_flag);
    let operator = Actor::operator("cli");
    let now = Utc::now();
    let quiet = matches!(command, WorkflowsCommand::Run { json: true, .. });
    let checked = match &command {
        WorkflowsCommand::Import { file } => definitions(file, config, now).map_err(fail)?,
        _ => Vec::new(),
    };
    let store = open(config).await.map_err(fail)?;
    let app = App::on_store(
        config,
        store,
        Arc::new(TerminalNotifier { quiet }),
        Arc::new(SystemClock),
    )
    .map_err(|e| fail(format!("{e:#}")))?;
    let manage = app.manager(config);
    match command {
        WorkflowsCommand::Import { .. } => import(&manage, &operator, &checked).await,
        WorkflowsCommand::List { user, json } => {
            let list = manage
                .all_workflows(&operator, user.as_deref())
                .await
                .map_err(refused)?;
            Ok(Printed::ok(if json {
                let items: Vec<Value> = list.iter().map(workflow_json).collect();
                format!("{}\n", Value::Array(items))
            } else {
                listing(&list)
            }))
        }
        WorkflowsCommand::Pause { .. }
        | WorkflowsCommand::Resume { .. }
        | WorkflowsCommand::SkipNext { .. }
        | WorkflowsCommand::Snooze { .. } => control(&manage, &operator, command).await,
        WorkflowsCommand::Run { id, input, json } => {
            let input = input.as_deref().map(crate::workflow::run::input_of);
            run_here(&app, &manage, &operator, (id, input), json).await
        }
        WorkflowsCommand::Hook { id, rotate, json } => {
            super::hook::show(&manage, &operator, config, id, rotate, json)
                .await
                .map_err(refused)
        }
        WorkflowsCommand::Delete { id } => {
            let mut change = manage.change(&operator, None).await.map_err(refused)?;
            change.delete(id).await.map_err(refused)?;
            change.commit().await.map_err(refused)?;
            Ok(Printed::ok(format!("Deleted #{id}.\n")))
        }
    }
}

/// Imports the checked definitions in one change: all or none.
async fn import(
    manage: &Manager,
    operator: &Actor,
    checked: &[NewWorkflow],
) -> Result<Printed, Failure> {
    // Import answers in JSON, errors too.
    let refused = |e: ManageError| (e.for_user(), true);
    let mut change = manage.change(operator, None).await.map_err(refused)?;
    let mut imported = Vec::new();
    for new in checked {
        let created = match change.import(new).await {
            Ok(created) => created,
            Err(error) => {
                drop(change);
                // A quota refusal is counted once the import is rolled back.
                manage.flush_hits().await;
                return Err(refused(error));
            }
        };
        let mut item = json!({
            "id": created.id,
            "name": new.definition.name.trim(),
            "next_run": if new.definition.paused { None } else { created.next.map(instant) },
        });
        // A webhook workflow's URL path and secret, shown this once
        // (`steward workflows hook ID` shows them again).
        if let Some(hook) = &created.hook {
            let in_path = new.schedule.expression().starts_with("path");
            item["hook"] = json!({ "path": hook.path(in_path), "secret": hook.secret });
        }
        imported.push(item);
    }
    change.commit().await.map_err(refused)?;
    Ok(Printed::ok(format!(
        "{}\n",
        json!({ "imported": imported })
    )))
}

/// Pause, resume, skip next, snooze.
async fn control(
    manage: &Manager,
    operator: &Actor,
    command: WorkflowsCommand,
) -> Result<Printed, Failure> {
    match command {
        WorkflowsCommand::Pause { id, note } => {
            manage
                .pause(operator, id, note.as_deref(), None)
                .await
                .map_err(control_error)?;
            Ok(Printed::ok(format!("Paused #{id}.\n")))
        }
        WorkflowsCommand::Resume { id } => {
            let next = manage.resume(operator, id).await.map_err(control_error)?;
            Ok(Printed::ok(match next {
                Some(next) => format!("Resumed #{id}; next run {}.\n", instant(next)),
                None => format!("Resumed #{id}; it has no further slot.\n"),
            }))
        }
        WorkflowsCommand::SkipNext { id } => {
            let slot = manage
                .skip_next(operator, id)
                .await
                .map_err(control_error)?;
            Ok(Printed::ok(format!(
                "#{id} will skip its run at {}.\n",
                instant(slot)
            )))
        }
        WorkflowsCommand::Snooze { id, by } => {
            let seconds = parse_duration_words(&by).ok_or_else(|| {
                (
                    format!("'{by}' is not a duration: try --by 30m, --by 2h or --by PT1H30M"),
                    false,
                )
            })?;
            let (slot, until) = manage
                .snooze(operator, id, TimeDelta::seconds(seconds))
                .await
                .map_err(control_error)?;
            Ok(Printed::ok(format!(
                "#{id}: the run at {} moves to {}.\n",
                instant(slot),
                instant(until)
            )))
        }
        // The others have their own functions.
        _ => Err(("not a command on a workflow's timing".into(), false)),
    }
}

/// The definitions in `file` (or stdin), each checked; read before the
/// database is opened, so a bad file touches nothing.
fn definitions(
    file: &str,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Vec<NewWorkflow>, String> {
    let text = read_input(file)?;
    let definitions: Vec<Definition> = serde_json::from_str(&text)
        .map_err(|e| format!("the file is not a JSON array of workflow definitions: {e}"))?;
    definitions
        .into_iter()
        .enumerate()
        .map(|(index, definition)| {
            definition
                .validate(now, config.default_zone, config.min_interval_seconds)
                .map_err(|e| format!("definition {}: {e}", index + 1))
        })
        .collect()
}

/// `workflows run`: the run executes in this process, its lease kept alive
/// meanwhile, and its result is printed.
async fn run_here(
    app: &App,
    manage: &Manager,
    operator: &Actor,
    (id, input): (i64, Option<serde_json::Value>),
    json: bool,
) -> Result<Printed, Failure> {
    // Keeps the run's lease while it executes here, so a serving
    // process does not take it for a dead one.
    let heartbeat = tokio::spawn(Arc::clone(&app.scheduler).heartbeat());
    let ran = manage
        .run_with_input(operator, id, input.as_ref(), None)
        .await;
    heartbeat.abort();
    app.engine.mcp.shutdown().await;
    let run = ran.map_err(control_error)?;
    let run_id = run.id;
    if json {
        let (_, steps) = manage
            .run(operator, run_id)
            .await
            .map_err(|e| (e.for_user(), json))?;
        return Ok(Printed::ok(format!(
            "{}\n",
            super::runs::run_json(&run, &steps)
        )));
    }
    let status = run.status;
    let detail = match (&run.error, &run.output) {
        (Some(error), _) => error.clone(),
        // A thinking run: its answer and what it used.
        (None, Some(_)) if run.answer().is_some() => {
            crate::agent::render::run_outcome(&run)
        }
        (None, Some(output)) => output.to_string(),
        (None, None) if status == crate::workflow::RunStatus::Waiting => format!(
            "It waits for an answer: `steward runs approve {run_id}` or `steward runs reject {run_id}`; a running `steward serve` continues it."
        ),
        (None, None) => String::new(),
    };
    Ok(Printed::ok(format!(
        "Run {run_id} of #{id}: {status}. {detail}\n"
    )))
}

/// The plain `workflows list`.
fn listing(list: &[Workflow]) -> String {
    let mut out = String::new();
    if list.is_empty() {
        out.push_str("No workflows yet. Import some with `steward workflows import FILE`.\n");
    }
    for w in list {
        let when = match (&w.schedule, w.effective_next()) {
            (Ok(s), Some(next)) => {
                format!("{} — next {}", s.describe(), format_local(next, s.zone))
            }
            (Ok(s), None) => s.describe(),
            (Err(e), _) => format!("unreadable schedule: {e}"),
        };
        out.push_str(&format!(
            "#{} {} [{}] ({}) {when}\n",
            w.id,
            w.name,
            w.status.as_str(),
            w.owner
        ));
        if let Some(note) = &w.paused_note {
            out.push_str(&format!("    note: {note}\n"));
        }
    }
    out
}

fn control_error(error: ManageError) -> Failure {
    (error.for_user(), false)
}

async fn open(config: &Config) -> Result<Store, String> {
    Store::open_with_key(&config.db_path, config.encryption_key.as_ref())
        .await
        .map_err(|e| format!("opening {}: {e}", config.db_path.display()))
}

fn read_input(file: &str) -> Result<String, String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("reading stdin: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("reading {file}: {e}"))
    }
}

/// The `workflows list --json` shape.
pub fn workflow_json(w: &Workflow) -> Value {
    let description = match &w.schedule {
        Ok(s) => s.describe(),
        Err(e) => format!("unreadable schedule: {e}"),
    };
    let steps = serde_json::from_str::<Value>(&w.plan_json)
        .ok()
        .and_then(|plan| match plan {
            Value::Array(steps) => Some(Value::Array(steps)),
            Value::Object(mut object) => object.remove("steps"),
            _ => None,
        })
        .unwrap_or(Value::Array(Vec::new()));
    json!({
        "id": w.id,
        "name": w.name,
        "owner": w.owner,
        "status": w.status.as_str(),
        "trigger": {
            "kind": w.trigger_kind,
            "expression": w.trigger_expression,
            "timezone": w.timezone,
            "description": description,
        },
        "next_run": w.effective_next().map(instant),
        "paused_until": w.resume_at.map(instant),
        "steps": steps,
    })
}
