//! `update_workflow`: drafts a change to a workflow; the person confirms
//! before it is saved.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::args::{check_name, check_text, Limits};
use super::schema::{limits, nullable, tool, workflow, READING};
use super::{parse, Outcome, Tool};
use crate::agent::derive;
use crate::agent::draft::Alternative;
use crate::agent::draft::Spec;
use crate::agent::draft::{read_steps, Draft};
use crate::agent::second_reading::{reconcile, Reconciled};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::schedule::Zone;

pub(super) struct Update;

#[async_trait]
impl Tool for Update {
    fn name(&self) -> &'static str {
        "update_workflow"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Draft a change to a workflow; null fields stay as they are. 'schedule' may change one part ('at 9', 'only on weekdays'). The user confirms before it is saved.",
            json!({
                "workflow": workflow(),
                "name": nullable("New name."),
                "schedule": nullable("New schedule or a change to it."),
                "instruction": nullable("New instruction."),
                "steps": nullable("New steps as a JSON array."),
                "timezone": nullable("New IANA zone."),
                "limits": limits(),
                "reading": nullable(READING)
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        update(turn, agent, parse(self.name(), args)?).await
    }
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
        limits.apply(&mut spec.guardrails, agent.manage.ceilings())?;
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
