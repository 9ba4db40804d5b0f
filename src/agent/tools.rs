//! The workflow tools (DESIGN §6): the same functions for the LLM (as strict
//! JSON-schema functions) and the offline grammar. Arguments are checked here;
//! a bad one is an error result the model can correct, never a panic or a
//! guess.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::draft::{read_schedule, read_steps, Draft, Spec};
use super::second_reading::{reconcile, Alternative, Reconciled};
use super::state::Turn;
use super::{derive, moving, period, render, zone_question, ActionRecord, Agent};
use crate::llm::ToolSpec;
use crate::manage::{ManageError, RunQuery};
use crate::schedule::{parse_duration_words, Zone};
use crate::store::users;
use crate::workflow::{Guardrails, RunStatus, Workflow, WorkflowStatus};

/// Every tool, by the name the model calls.
pub const TOOL_NAMES: [&str; 12] = [
    "create_workflow",
    "list_workflows",
    "show_workflow",
    "update_workflow",
    "pause_workflow",
    "resume_workflow",
    "delete_workflow",
    "run_workflow",
    "workflow_runs",
    "skip_next",
    "snooze_workflow",
    "set_timezone",
];

/// What a tool did: the JSON the model reads and the sentence a person reads.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub ok: bool,
    pub value: Value,
    pub text: String,
}

impl Outcome {
    fn ok(value: Value, text: impl Into<String>) -> Outcome {
        Outcome {
            ok: true,
            value,
            text: text.into(),
        }
    }

    fn error(text: impl Into<String>) -> Outcome {
        let text = text.into();
        Outcome {
            ok: false,
            value: json!({ "error": text }),
            text,
        }
    }
}

/// The longest instruction or note accepted, in characters.
const MAX_TEXT: usize = 2_000;
/// The longest workflow name.
const MAX_NAME: usize = 100;

/// Calls tool `name`; records it among the turn's actions.
pub async fn call(turn: &mut Turn, agent: &Agent, name: &str, args: Value) -> Outcome {
    let outcome = match dispatch(turn, agent, name, &args).await {
        Ok(outcome) => outcome,
        Err(message) => Outcome::error(message),
    };
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

async fn dispatch(
    turn: &mut Turn,
    agent: &Agent,
    name: &str,
    args: &Value,
) -> Result<Outcome, String> {
    match name {
        "create_workflow" => match zone_question::hold(turn, agent, args) {
            Some(held) => Ok(held),
            None => create(turn, agent, parse(name, args)?).await,
        },
        "list_workflows" => list(turn, agent, parse(name, args)?).await,
        "show_workflow" => show(turn, agent, parse::<Target>(name, args)?).await,
        "update_workflow" => update(turn, agent, parse(name, args)?).await,
        "pause_workflow" => pause(turn, agent, parse(name, args)?).await,
        "resume_workflow" => resume(turn, agent, parse::<Target>(name, args)?).await,
        "delete_workflow" => delete(turn, agent, parse::<Target>(name, args)?).await,
        "run_workflow" => run(turn, agent, parse::<Target>(name, args)?).await,
        "workflow_runs" => history(turn, agent, parse(name, args)?).await,
        "skip_next" => skip(turn, agent, parse::<SkipArgs>(name, args)?).await,
        "snooze_workflow" => snooze(turn, agent, parse(name, args)?).await,
        "set_timezone" => timezone(turn, agent, parse(name, args)?).await,
        other => Err(format!(
            "there is no tool '{}'; the tools are: {}",
            render::clip(other, 60),
            TOOL_NAMES.join(", ")
        )),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Limits {
    #[serde(default)]
    timeout_seconds: Option<u64>,
    #[serde(default)]
    max_tool_calls: Option<u32>,
    #[serde(default)]
    max_cost_usd: Option<f64>,
}

impl Limits {
    fn apply(&self, guardrails: &mut Guardrails) -> Result<(), String> {
        if let Some(t) = self.timeout_seconds {
            if !(1..=86_400).contains(&t) {
                return Err("timeout_seconds must be between 1 and 86400".into());
            }
            guardrails.timeout_seconds = t;
        }
        if let Some(n) = self.max_tool_calls {
            if !(1..=10_000).contains(&n) {
                return Err("max_tool_calls must be between 1 and 10000".into());
            }
            guardrails.max_tool_calls = n;
        }
        if let Some(c) = self.max_cost_usd {
            if !(0.0..=1_000.0).contains(&c) || c.is_nan() {
                return Err("max_cost_usd must be between 0 and 1000".into());
            }
            guardrails.max_cost_usd = c;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateArgs {
    #[serde(default)]
    name: Option<String>,
    schedule: String,
    #[serde(default)]
    instruction: Option<String>,
    #[serde(default)]
    steps: Option<Value>,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    limits: Option<Limits>,
    /// The model's own reading of the schedule (LLM mode).
    #[serde(default)]
    reading: Option<String>,
}

pub(super) fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME {
        return Err(format!(
            "a workflow name has 1 to {MAX_NAME} characters (that one has {length})"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("a workflow name is one line of text".into());
    }
    Ok(name.to_string())
}

fn check_text(what: &str, text: &str) -> Result<String, String> {
    let text = text.trim();
    let length = text.chars().count();
    if length > MAX_TEXT {
        return Err(format!(
            "the {what} is {length} characters; the limit is {MAX_TEXT}"
        ));
    }
    Ok(text.to_string())
}

fn zone_arg(turn: &Turn, timezone: &Option<String>) -> Result<Zone, String> {
    match timezone.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(name) => name.parse::<Zone>().map_err(|e| e.to_string()),
        None => Ok(turn.zone),
    }
}

async fn create(turn: &mut Turn, agent: &Agent, args: CreateArgs) -> Result<Outcome, String> {
    let zone = zone_arg(turn, &args.timezone)?;
    let context = turn.context(agent, zone);
    let schedule_text = check_text("schedule", &args.schedule)?;
    if schedule_text.is_empty() {
        return Err(
            "when should it run? Try 'every weekday at 8:30', 'tomorrow at 5pm' or 'manual'."
                .into(),
        );
    }
    let words = read_schedule(&schedule_text, &context);
    let task = words.as_ref().ok().and_then(|(_, task)| task.clone());
    let reading = args.reading.as_deref();
    let reconciled = reconcile(words.map(|(schedule, _)| schedule), reading, &context)?;
    let instruction = match args.instruction.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
        Some(instruction) => check_text("instruction", instruction)?,
        None => task.ok_or(
            "what should it do? Say it with the schedule, e.g. 'every morning at 9 remind me to stretch'.",
        )?,
    };
    // The phrase reader drops "remind me to" from the task; the sentence
    // still says it was a reminder.
    let reminder = args.instruction.is_none() && derive::asks_for_reminder(&schedule_text);
    let (derived_steps, derived_name) = if reminder {
        derive::reminder(&instruction)
    } else {
        derive::plan(&instruction)
    };
    let steps = match &args.steps {
        Some(steps) if !steps.is_null() => read_steps(steps)?,
        _ => derived_steps,
    };
    let mut name = match args.name.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(name) => check_name(name)?,
        None => derived_name,
    };
    name = turn.unused_name(agent, name).await?;
    let mut guardrails = Guardrails::default();
    if let Some(limits) = &args.limits {
        limits.apply(&mut guardrails)?;
    }
    let spec = match reconciled {
        Reconciled::Words(schedule) => Spec::new(
            name,
            instruction,
            &schedule,
            schedule_text,
            steps,
            guardrails,
        ),
        Reconciled::Differ { words, model } => {
            let mut spec = Spec::new(name, instruction, &words, schedule_text, steps, guardrails);
            spec.alternative = Some(Alternative::of(&model, reading.unwrap_or_default()));
            spec
        }
        Reconciled::Model { schedule, why } => {
            let source = reading.unwrap_or_default().to_string();
            let mut spec = Spec::new(name, instruction, &schedule, source, steps, guardrails);
            spec.model_reading = Some(why);
            spec
        }
    };
    let draft = Draft::Create { spec };
    Ok(turn.propose(agent, draft))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    #[serde(default)]
    status: Option<String>,
}

async fn list(turn: &mut Turn, agent: &Agent, args: ListArgs) -> Result<Outcome, String> {
    let status = match args
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => Some(WorkflowStatus::parse(&s.to_lowercase()).ok_or_else(|| {
            format!(
                "status is one of active, paused, completed — not '{}'",
                render::clip(s, 40)
            )
        })?),
        None => None,
    };
    let all = turn.workflows(agent).await?;
    let shown: Vec<&Workflow> = all
        .iter()
        .filter(|w| status.is_none_or(|s| w.status == s))
        .collect();
    if shown.is_empty() {
        let text = match status {
            Some(s) => format!("You have no {} workflows.", s.as_str()),
            None => format!("You have no workflows yet. {}", render::EXAMPLES_SHORT),
        };
        return Ok(Outcome::ok(json!({ "workflows": [] }), text));
    }
    if let [only] = shown.as_slice() {
        turn.focus(only.id);
    }
    let lines: Vec<String> = shown.iter().map(|w| render::workflow_line(w)).collect();
    let items: Vec<Value> = shown.iter().map(|w| workflow_value(w)).collect();
    let heading = match shown.len() {
        1 => "Your workflow:".to_string(),
        n => format!("Your {n} workflows:"),
    };
    Ok(Outcome::ok(
        json!({ "workflows": items }),
        format!("{heading}\n{}", lines.join("\n")),
    ))
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateArgs {
    workflow: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    schedule: Option<String>,
    #[serde(default)]
    instruction: Option<String>,
    #[serde(default)]
    steps: Option<Value>,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    limits: Option<Limits>,
    /// The model's own reading of the changed schedule (LLM mode).
    #[serde(default)]
    reading: Option<String>,
}

async fn update(turn: &mut Turn, agent: &Agent, args: UpdateArgs) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    let before = Spec::of(&w);
    let mut spec = before.clone();
    let present = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let Some(name) = present(&args.name) {
        spec.name = check_name(&name)?;
    }
    if let Some(zone) = present(&args.timezone) {
        let zone = zone.parse::<Zone>().map_err(|e| e.to_string())?;
        spec.set_zone(zone, &turn.context(agent, zone))?;
    }
    if let Some(schedule) = present(&args.schedule) {
        let schedule = check_text("schedule", &schedule)?;
        let context = turn.context(agent, spec.zone());
        let mut amended = spec.clone();
        let words = amended
            .amend_schedule(&schedule, &context)
            .and_then(|()| amended.schedule());
        let reading = args.reading.as_deref();
        match reconcile(words, reading, &context)? {
            Reconciled::Words(_) => spec = amended,
            Reconciled::Differ { model, .. } => {
                spec = amended;
                spec.alternative = Some(Alternative::of(&model, reading.unwrap_or_default()));
            }
            Reconciled::Model { schedule, why } => {
                spec.set_schedule(&schedule, reading.unwrap_or_default().to_string());
                spec.model_reading = Some(why);
            }
        }
    }
    if let Some(instruction) = present(&args.instruction) {
        spec.instruction = check_text("instruction", &instruction)?;
        if args.steps.as_ref().is_none_or(Value::is_null) {
            spec.steps = derive::plan(&spec.instruction).0;
        }
    }
    if let Some(steps) = args.steps.as_ref().filter(|s| !s.is_null()) {
        spec.steps = read_steps(steps)?;
    }
    if let Some(limits) = &args.limits {
        limits.apply(&mut spec.guardrails)?;
    }
    if spec == before {
        return Err(format!(
            "that changes nothing in #{} \"{}\": say what to change, e.g. 'move it to 9:30' or 'rename it to Morning check'.",
            w.id, w.name
        ));
    }
    turn.focus(w.id);
    Ok(turn.propose(
        agent,
        Draft::Update {
            id: w.id,
            before,
            spec,
        },
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseArgs {
    workflow: String,
    #[serde(default)]
    note: Option<String>,
    /// How long, or until when: "a week", "2 days", "until monday".
    #[serde(default)]
    until: Option<String>,
}

/// When a pause said as "for a week", "2 days" or "until monday" ends: after
/// the length, or at the start of the day named, in `zone`.
fn pause_end(text: &str, turn: &Turn, agent: &Agent, zone: Zone) -> Result<DateTime<Utc>, String> {
    let lower = text.trim().to_lowercase();
    let words = lower
        .strip_prefix("for ")
        .unwrap_or(&lower)
        .trim_start_matches("the next ");
    if let Some(seconds) = parse_duration_words(words) {
        use chrono::Timelike;
        let at = turn.now + chrono::Duration::seconds(seconds);
        // To the minute: "until 23:45", not "23:45:49".
        return Ok(at
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(at));
    }
    let day = ["until ", "till ", "through ", "til "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    let unreadable = || {
        format!(
            "I couldn't read '{}' as how long to pause: try 'for a week', 'for 3 days' or 'until monday'.",
            render::clip(text, 40)
        )
    };
    let parsed =
        crate::schedule::parse_input(day, &turn.context(agent, zone)).map_err(|_| unreadable())?;
    match (parsed.schedule.trigger, parsed.task) {
        (crate::schedule::Trigger::Once(at), None) => {
            // The start of that day: its runs happen.
            let local = at.with_timezone(&zone.tz()).date_naive();
            Ok(zone.resolve(local.and_time(chrono::NaiveTime::MIN)))
        }
        _ => Err(unreadable()),
    }
}

/// A use case's refusal as the tool's answer.
pub(super) fn manage_failed(error: ManageError) -> String {
    match error {
        ManageError::NotFound(id) => format!("I couldn't find workflow #{id}."),
        ManageError::Invalid(message) | ManageError::NotAllowed(message) => {
            render::capitalize(&message) + "."
        }
        other => other.for_user(),
    }
}

pub(super) fn store_failed(error: &crate::store::StoreError) -> String {
    tracing::error!(error = %error, "a workflow tool failed in the store");
    "Something went wrong on my side saving that; nothing was changed. Try again in a moment."
        .into()
}

async fn pause(turn: &mut Turn, agent: &Agent, args: PauseArgs) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    let note = match args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(note) => Some(check_text("note", note)?),
        None => None,
    };
    let zone = w.schedule.as_ref().map(|s| s.zone).unwrap_or(turn.zone);
    let until = match args
        .until
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(text) => Some(pause_end(text, turn, agent, zone)?),
        None => None,
    };
    agent
        .manage
        .pause(&turn.actor, w.id, note.as_deref(), until)
        .await
        .map_err(manage_failed)?;
    turn.focus(w.id);
    let noted = note
        .as_ref()
        .map(|note| format!(" (note: {note})"))
        .unwrap_or_default();
    let text = match until {
        Some(at) => format!(
            "Paused #{} \"{}\"{noted} until {}; it resumes then on its own (the paused time is not replayed). Say 'resume it' to start it sooner.",
            w.id,
            w.name,
            render::short_time(at, zone)
        ),
        None => format!(
            "Paused #{} \"{}\"{noted}. Say 'resume it' to start it again.",
            w.id, w.name
        ),
    };
    Ok(Outcome::ok(
        json!({ "id": w.id, "status": "paused", "note": note, "until": until.map(|t| t.to_rfc3339()) }),
        text,
    ))
}

async fn resume(turn: &mut Turn, agent: &Agent, args: Target) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    let next = agent
        .manage
        .resume(&turn.actor, w.id)
        .await
        .map_err(manage_failed)?;
    turn.focus(w.id);
    let zone = w.schedule.as_ref().map(|s| s.zone).unwrap_or(turn.zone);
    let text = match next {
        Some(next) => format!(
            "Resumed #{} \"{}\". Next run {} (the paused time is not replayed).",
            w.id,
            w.name,
            render::short_time(next, zone)
        ),
        None => format!(
            "Resumed #{} \"{}\"; it has no upcoming run (run it by hand with 'run it now').",
            w.id, w.name
        ),
    };
    Ok(Outcome::ok(
        json!({ "id": w.id, "status": "active", "next_run": next.map(|t| t.to_rfc3339()) }),
        text,
    ))
}

async fn delete(turn: &mut Turn, agent: &Agent, args: Target) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    turn.focus(w.id);
    Ok(turn.propose(
        agent,
        Draft::Delete {
            id: w.id,
            name: w.name.clone(),
        },
    ))
}

async fn run(turn: &mut Turn, agent: &Agent, args: Target) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    turn.focus(w.id);
    let run = agent
        .manage
        .run_now(&turn.actor, w.id, Some(agent.settings.run_wait))
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SkipArgs {
    workflow: String,
    /// "today" or "tomorrow": the occurrence meant, checked to be the next.
    #[serde(default)]
    day: Option<String>,
}

async fn skip(turn: &mut Turn, agent: &Agent, args: SkipArgs) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    let zone = w.schedule.as_ref().map(|s| s.zone).unwrap_or(turn.zone);
    if let Some(day) = args.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        let today = turn.now.with_timezone(&zone.tz()).date_naive();
        let wanted = match day.to_lowercase().as_str() {
            "today" | "tonight" => today,
            "tomorrow" => today + chrono::Duration::days(1),
            other => {
                return Err(format!(
                    "I can skip today's or tomorrow's run, or the next one; not '{}'.",
                    render::clip(other, 30)
                ))
            }
        };
        let next = w
            .effective_next()
            .ok_or_else(|| format!("#{} \"{}\" has no run coming.", w.id, w.name))?;
        if next.with_timezone(&zone.tz()).date_naive() != wanted {
            return Err(format!(
                "the next run of #{} \"{}\" is {}, not {day}'s, and I can skip only the next one: nothing changed.",
                w.id,
                w.name,
                render::short_time(next, zone)
            ));
        }
    }
    let slot = agent
        .manage
        .skip_next(&turn.actor, w.id)
        .await
        .map_err(manage_failed)?;
    turn.focus(w.id);
    Ok(Outcome::ok(
        json!({ "id": w.id, "skipped": slot.to_rfc3339() }),
        format!(
            "#{} \"{}\" will skip its run at {}; the ones after stay.",
            w.id,
            w.name,
            render::short_time(slot, zone)
        ),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnoozeArgs {
    workflow: String,
    by: String,
}

async fn snooze(turn: &mut Turn, agent: &Agent, args: SnoozeArgs) -> Result<Outcome, String> {
    let seconds = parse_duration_words(&args.by).ok_or_else(|| {
        format!(
            "I couldn't read '{}' as a length of time. Try '30 minutes', '2 hours' or '1 day'.",
            render::clip(&args.by, 60)
        )
    })?;
    let w = turn.resolve(agent, &args.workflow).await?;
    let (slot, until) = agent
        .manage
        .snooze(&turn.actor, w.id, TimeDelta::seconds(seconds))
        .await
        .map_err(manage_failed)?;
    turn.focus(w.id);
    let zone = w.schedule.as_ref().map(|s| s.zone).unwrap_or(turn.zone);
    Ok(Outcome::ok(
        json!({ "id": w.id, "slot": slot.to_rfc3339(), "until": until.to_rfc3339() }),
        format!(
            "#{} \"{}\": the run at {} moves to {}; later ones keep their times.",
            w.id,
            w.name,
            render::short_time(slot, zone),
            render::short_time(until, zone)
        ),
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ZoneArgs {
    #[serde(default)]
    timezone: Option<String>,
}

async fn timezone(turn: &mut Turn, agent: &Agent, args: ZoneArgs) -> Result<Outcome, String> {
    let Some(name) = args
        .timezone
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        let origin = if turn.user.timezone.is_some() {
            "you set it"
        } else {
            "the server default"
        };
        return Ok(Outcome::ok(
            json!({ "timezone": turn.zone.name() }),
            format!(
                "Your time zone is {} ({origin}). Change it with 'my timezone is Europe/Paris' or 'I'm in Tokyo'.",
                turn.zone.name()
            ),
        ));
    };
    let zone = name.parse::<Zone>().map_err(|_| {
        format!(
            "I don't know the time zone '{}'. Use an IANA name such as Europe/Paris or America/New_York, or a city such as Tokyo.",
            render::clip(name, 60)
        )
    })?;
    users::set_timezone(agent.store.pool(), &turn.user.id, zone.name())
        .await
        .map_err(|e| store_failed(&e))?;
    let before = turn.zone;
    turn.zone = zone;
    turn.zone_known = true;
    turn.user.timezone = Some(zone.name().to_string());
    let now_there = turn.now.with_timezone(&zone.tz()).format("%H:%M %Z");
    let offer = moving::offer(turn, agent, before, zone).await?;
    let text = match &offer {
        Some(question) => format!(
            "Your time zone is now {} (it is {now_there} there). New workflows use it.\n{question}",
            zone.name()
        ),
        None => format!(
            "Your time zone is now {} (it is {now_there} there). New workflows use it; existing ones keep theirs (say 'move <workflow> to {}' to change one).",
            zone.name(),
            zone.name()
        ),
    };
    let to_move = match &turn.draft {
        Some(super::draft::Draft::Move { workflows, .. }) if offer.is_some() => json!(workflows),
        _ => json!([]),
    };
    Ok(Outcome::ok(
        json!({ "timezone": zone.name(), "offer_to_move": to_move }),
        text,
    ))
}

/// The tools as strict JSON-schema functions for the model.
/// The model's structured reading, compared with steward's reading of the
/// user's words.
const READING: &str = "Your own reading of the schedule as a 5-field cron expression ('30 8 * * 1-5'), an RRULE with DTSTART, several joined by ' | ' ('0 9 * * 1-5 | 30 13 * * 1-5'), or an ISO-8601 instant for a one-time run; null when there is no schedule. Keep 'schedule' in the user's words: steward compares both readings and asks the user when they differ.";

pub fn specs() -> Vec<ToolSpec> {
    let workflow = json!({ "type": "string", "description": "The workflow's name (as the user says it) or #id; 'it' for the one last talked about." });
    let nullable =
        |description: &str| json!({ "type": ["string", "null"], "description": description });
    let limits = json!({
        "type": ["object", "null"],
        "description": "Per-run limits; null keeps the defaults (300 s, 100 tool calls, $1).",
        "properties": {
            "timeout_seconds": { "type": ["integer", "null"] },
            "max_tool_calls": { "type": ["integer", "null"] },
            "max_cost_usd": { "type": ["number", "null"] }
        },
        "required": ["timeout_seconds", "max_tool_calls", "max_cost_usd"],
        "additionalProperties": false
    });
    let object = crate::llm::strict_object;
    let spec = |name: &str, description: &str, parameters: Value| ToolSpec {
        name: name.into(),
        description: description.into(),
        parameters,
        strict: true,
    };
    vec![
        spec(
            "create_workflow",
            "Draft a new workflow. Nothing is stored until the user confirms the draft you get back; show it to them.",
            object(json!({
                "name": nullable("A short name; null to derive one."),
                "schedule": { "type": "string", "description": "When it runs, as the user said it: 'every weekday at 8:30', 'tomorrow at 5pm', 'every 4 hours', a cron expression, an RRULE, or 'manual'." },
                "instruction": { "type": "string", "description": "What it does, in the user's words: 'remind me to stretch', 'check https://… and tell me if it is down', or a task for the LLM." },
                "steps": nullable("Explicit steps as a JSON array in steward's plan format; null to derive them from the instruction (a task for the LLM becomes one agent step with the tools http_request, send_message and workflow_runs, plus ask_approval when the user wants to be asked first). Name other tools explicitly: [{\"type\": \"agent\", \"instruction\": \"...\", \"tools\": [\"http_request\", \"send_message\", \"ask_approval\", \"start_workflow\"]}]."),
                "timezone": nullable("IANA zone; null for the user's."),
                "limits": limits.clone(),
                "reading": nullable(READING)
            })),
        ),
        spec(
            "list_workflows",
            "List the user's workflows.",
            object(json!({ "status": { "type": ["string", "null"], "enum": ["active", "paused", "completed", null] } })),
        ),
        spec("show_workflow", "Show one workflow: trigger, next runs, steps, limits, last run.", object(json!({ "workflow": workflow.clone() }))),
        spec(
            "update_workflow",
            "Draft a change to a workflow; null fields stay as they are. 'schedule' may change one part ('at 9', 'only on weekdays'). The user confirms before it is saved.",
            object(json!({
                "workflow": workflow.clone(),
                "name": nullable("New name."),
                "schedule": nullable("New schedule or a change to it."),
                "instruction": nullable("New instruction."),
                "steps": nullable("New steps as a JSON array."),
                "timezone": nullable("New IANA zone."),
                "limits": limits,
                "reading": nullable(READING)
            })),
        ),
        spec(
            "pause_workflow",
            "Pause a workflow, with an optional note saying why.",
            object(json!({ "workflow": workflow.clone(), "note": nullable("Why it is paused."), "until": nullable("How long, or until when: 'a week', '3 days', 'until monday'; it resumes on its own then. Null to pause until resumed.") })),
        ),
        spec("resume_workflow", "Resume a paused workflow from its next slot.", object(json!({ "workflow": workflow.clone() }))),
        spec("delete_workflow", "Draft deleting a workflow; the user confirms.", object(json!({ "workflow": workflow.clone() }))),
        spec("run_workflow", "Run a workflow now and report the result.", object(json!({ "workflow": workflow.clone() }))),
        spec(
            "workflow_runs",
            "The run history: what workflows did and their errors.",
            object(json!({
                "workflow": nullable("One workflow, or null for all of the user's."),
                "status": nullable("'errors' for failures, or a run status (succeeded, failed, missed, skipped…); null for all."),
                "period": nullable("In words: 'today', 'yesterday', 'this week', 'since monday', 'in the last 3 days'; null for the latest runs.")
            })),
        ),
        spec(
            "skip_next",
            "Skip the next occurrence of a workflow only.",
            object(json!({ "workflow": workflow.clone(), "day": nullable("'today' or 'tomorrow' when the user names the day of the run to skip (checked to be the next one); null for the next.") })),
        ),
        spec(
            "snooze_workflow",
            "Move the next occurrence later by a duration.",
            object(json!({ "workflow": workflow, "by": { "type": "string", "description": "'30 minutes', '2 hours', '1 day'." } })),
        ),
        spec(
            "set_timezone",
            "Set the user's time zone (IANA name or city); null to tell them the current one.",
            object(json!({ "timezone": nullable("'Europe/Paris', 'Tokyo', …") })),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_a_strict_schema() {
        let specs = specs();
        assert_eq!(specs.len(), TOOL_NAMES.len());
        for (spec, name) in specs.iter().zip(TOOL_NAMES) {
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
