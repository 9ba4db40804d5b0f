//! `create_workflow`: drafts a new workflow from the schedule in the
//! person's words and what it should do; nothing is stored until they
//! confirm the draft.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::args::{check_name, check_text, zone_arg, Limits};
use super::schema::{limits, nullable, tool, READING};
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::draft::Alternative;
use crate::agent::draft::{read_schedule, read_steps, Draft, Spec};
use crate::agent::event_draft::{self, Given};
use crate::agent::events::{self, EventReading};
use crate::agent::second_reading::{reconcile, Reconciled};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::agent::{derive, zone_question};
use crate::llm::ToolSpec;
use crate::workflow::Guardrails;

pub(super) struct Create;

#[async_trait]
impl Tool for Create {
    fn name(&self) -> &'static str {
        "create_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Draft a new workflow. Nothing is stored until the user confirms the draft you get back; show it to them.",
            json!({
                "name": nullable("A short name; null to derive one."),
                "schedule": { "type": "string", "description": "When it runs, as the user said it: 'every weekday at 8:30', 'tomorrow at 5pm', 'every 4 hours', a cron expression, an RRULE, or 'manual'; for an event: 'when GitHub posts to a webhook' (also Stripe, Slack, or just 'webhook'), 'when <workflow> fails|succeeds|finishes'." },
                "instruction": { "type": "string", "description": "What it does, in the user's words: 'remind me to stretch', 'check https://… and tell me if it is down', or a task for the LLM." },
                "steps": nullable("Explicit steps as a JSON array in steward's plan format; null to derive them from the instruction (a task for the LLM becomes one agent step with the tools http_request, send_message and workflow_runs, plus ask_approval when the user wants to be asked first). Name other tools explicitly: [{\"type\": \"agent\", \"instruction\": \"...\", \"tools\": [\"http_request\", \"send_message\", \"ask_approval\", \"start_workflow\"]}]."),
                "timezone": nullable("IANA zone; null for the user's."),
                "limits": limits(),
                "reading": nullable(READING)
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        // Past the workflow quota, nothing is drafted.
        agent
            .manage
            .may_add_workflow(&turn.actor)
            .await
            .map_err(manage_failed)?;
        // A time of day waits for the person's zone while it is unknown.
        match zone_question::hold(turn, agent, args) {
            Some(held) => Ok(held),
            None => create(turn, agent, parse(self.name(), args)?).await,
        }
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
    if let Some(reading) = events::read(&schedule_text) {
        return on_event(turn, agent, args, reading, schedule_text, zone).await;
    }
    // "…, if it fails try again 3 times": a policy, not part of the task.
    let (schedule_text, failure_wish) = crate::agent::failure_words::read(&schedule_text);
    let mut words = read_schedule(&schedule_text, &context);
    // "watch https://… for changes" with no schedule: hourly, shown in the
    // draft, where "every 10 minutes" changes it.
    if words.is_err() && derive::asks_to_watch(&schedule_text) {
        words = read_schedule(&format!("{schedule_text} every hour"), &context);
    }
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
    let guardrails = guardrails(agent, &args)?;
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
    let mut spec = spec;
    if let Some(wish) = failure_wish {
        let asker = crate::agent::failure_words::Asker {
            admin: turn.actor.admin,
            home_chat: &turn.home_chat,
        };
        wish.apply(&mut spec.policies, &asker)?;
        // The workflow to start is found now, and kept by its own name.
        if let crate::agent::failure_words::Wish::Start(name) = &wish {
            let other = turn
                .resolve(agent, name)
                .await
                .map_err(|e| format!("if it fails I'd start \"{name}\", but {e}"))?;
            if let Some(on_failure) = spec.policies.on_failure.as_mut() {
                on_failure.workflow = Some(crate::workflow::WorkflowRef::Name(other.name));
            }
        }
    }
    let draft = Draft::Create { spec };
    Ok(turn.propose(agent, draft))
}

/// The default guardrails under the operator's ceilings, with the limits asked for.
fn guardrails(agent: &Agent, args: &CreateArgs) -> Result<Guardrails, String> {
    let mut guardrails = Guardrails::default();
    guardrails.lower_defaults(agent.manage.ceilings());
    if let Some(limits) = &args.limits {
        limits.apply(&mut guardrails, agent.manage.ceilings())?;
    }
    Ok(guardrails)
}

/// A workflow started by a webhook call or another workflow's end.
async fn on_event(
    turn: &mut Turn,
    agent: &Agent,
    args: CreateArgs,
    reading: EventReading,
    source: String,
    zone: crate::schedule::Zone,
) -> Result<Outcome, String> {
    let given = Given {
        name: args.name.as_deref().map(check_name).transpose()?,
        instruction: args
            .instruction
            .as_deref()
            .map(|i| check_text("instruction", i))
            .transpose()?,
        steps: args.steps.clone(),
        guardrails: guardrails(agent, &args)?,
        zone,
        source,
    };
    event_draft::draft(turn, agent, reading, given).await
}
