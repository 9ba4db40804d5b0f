//! A workflow as a draft describes it: name, schedule, steps or instruction,
//! limits; read from chat, checked before it is shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::super::asking::Asking;
use crate::schedule::natural::{amend_phrase, is_addition, keeps_repeating, Context};
use crate::schedule::{parse_input, Schedule, Trigger, Zone};
use crate::store::{from_ms, to_ms};
use crate::workflow::{Definition, Guardrails, Plan, TriggerSpec, Workflow};

use super::{Alternative, Draft};

/// A workflow as the draft describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    pub name: String,
    pub instruction: String,
    /// The words the schedule was read from, so an amendment ("at 9") can
    /// change one part of it.
    pub schedule_source: String,
    pub trigger_kind: String,
    pub trigger_expression: String,
    #[serde(default)]
    pub trigger_anchor_ms: Option<i64>,
    pub timezone: String,
    pub steps: Value,
    pub guardrails: Guardrails,
    /// A change the user asked for that could not be made: the next bare yes
    /// is answered with the draft as it stands instead of creating it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unapplied: Option<String>,
    /// The language model's reading of the schedule when it differs from
    /// steward's reading of the words: the user chooses before a yes counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative: Option<Alternative>,
    /// Set when the schedule is the model's reading because steward could
    /// not read the words: why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_reading: Option<String>,
    /// The draft that was waiting when this one was asked for: set aside, it
    /// comes back once this one is answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<Box<Draft>>,
    /// `{{KEY:name}}` values, kept under "secret" so the store seals every
    /// one of them, as it does a workflow's.
    #[serde(rename = "secret", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub placeholders: BTreeMap<String, String>,
    /// A draft from a template still asking for values (`asking.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asking: Option<Box<Asking>>,
    /// Catch-up, overlap, retries and what a failure does: the stored
    /// workflow's in an update draft, so a change in chat keeps them.
    #[serde(default, skip_serializing_if = "is_default")]
    pub policies: crate::workflow::Policies,
}

fn is_default(policies: &crate::workflow::Policies) -> bool {
    *policies == crate::workflow::Policies::default()
}

/// Words that mean "no schedule: only when I say run".
const MANUAL_WORDS: [&str; 7] = [
    "manual",
    "manually",
    "on demand",
    "only when i ask",
    "when i ask",
    "never",
    "none",
];

/// A schedule read from what the user wrote, with the task words around it.
pub fn read_schedule(text: &str, context: &Context) -> Result<(Schedule, Option<String>), String> {
    let lower = text.trim().to_lowercase();
    if MANUAL_WORDS.contains(&lower.as_str()) {
        return Ok((Schedule::new(Trigger::Manual, context.zone), None));
    }
    let parsed = parse_input(text, context)?;
    Ok((parsed.schedule, parsed.task))
}

impl Spec {
    pub fn new(
        name: String,
        instruction: String,
        schedule: &Schedule,
        source: String,
        steps: Value,
        guardrails: Guardrails,
    ) -> Spec {
        let mut spec = Spec {
            name,
            instruction,
            schedule_source: String::new(),
            trigger_kind: String::new(),
            trigger_expression: String::new(),
            trigger_anchor_ms: None,
            timezone: String::new(),
            steps,
            guardrails,
            unapplied: None,
            alternative: None,
            model_reading: None,
            set_aside: None,
            placeholders: BTreeMap::new(),
            asking: None,
            policies: Default::default(),
        };
        spec.set_schedule(schedule, source);
        spec
    }

    /// The stored workflow as a spec, for an update draft.
    pub fn of(workflow: &Workflow) -> Spec {
        let steps = serde_json::from_str::<Value>(&workflow.plan_json)
            .ok()
            .map(|plan| match plan {
                Value::Object(mut object) => object.remove("steps").unwrap_or(Value::Null),
                other => other,
            })
            .unwrap_or(Value::Null);
        let source = match &workflow.schedule {
            Ok(schedule) => phrase_of(schedule),
            Err(_) => workflow.trigger_expression.clone(),
        };
        Spec {
            name: workflow.name.clone(),
            instruction: workflow.instruction.clone().unwrap_or_default(),
            schedule_source: source,
            trigger_kind: workflow.trigger_kind.clone(),
            trigger_expression: workflow.trigger_expression.clone(),
            trigger_anchor_ms: workflow
                .schedule
                .as_ref()
                .ok()
                .and_then(|s| s.anchor())
                .map(to_ms),
            timezone: workflow.timezone.clone(),
            steps,
            guardrails: workflow.guardrails.clone(),
            unapplied: None,
            alternative: None,
            model_reading: None,
            set_aside: None,
            placeholders: workflow.placeholders.clone(),
            asking: None,
            policies: workflow.policies.clone(),
        }
    }

    pub fn set_schedule(&mut self, schedule: &Schedule, source: String) {
        self.schedule_source = source;
        self.trigger_kind = schedule.kind().to_string();
        self.trigger_expression = schedule.expression();
        self.trigger_anchor_ms = schedule.anchor().map(to_ms);
        self.timezone = schedule.zone.name().to_string();
    }

    pub fn zone(&self) -> Zone {
        self.timezone.parse().unwrap_or(Zone::UTC)
    }

    pub fn schedule(&self) -> Result<Schedule, String> {
        Schedule::from_stored(
            &self.trigger_kind,
            &self.trigger_expression,
            self.zone(),
            self.trigger_anchor_ms.map(from_ms),
        )
    }

    /// Changes the schedule by `change` ("at 9", "only on weekdays", "every
    /// monday at 8"): the parts it names replace the current ones. A complete
    /// schedule (cron, RRULE) replaces it whole.
    pub fn amend_schedule(&mut self, change: &str, context: &Context) -> Result<(), String> {
        let (amended, source) =
            amend_phrase(&self.schedule_source, change, context).or_else(|amend_error| {
                match read_schedule(change, context) {
                    // "also friday" read alone would replace, not add
                    Ok((schedule, None)) if !is_addition(change) => {
                        Ok((schedule, change.to_string()))
                    }
                    _ => Err(amend_error.0),
                }
            })?;
        if let Ok(before) = self.schedule() {
            keeps_repeating(&before, &amended, change).map_err(|e| e.0)?;
        }
        self.set_schedule(&amended, source);
        Ok(())
    }

    /// Moves the schedule to another zone, keeping its wall-clock times.
    pub fn set_zone(&mut self, zone: Zone, context: &Context) -> Result<(), String> {
        let context = Context { zone, ..*context };
        let schedule = match self.trigger_kind.as_str() {
            // A phrase is read again so "tomorrow at 9" means 9 in the new zone.
            "once" | "interval" => read_schedule(&self.schedule_source, &context)
                .map(|(s, _)| s)
                .or_else(|_| self.schedule().map(|s| Schedule::new(s.trigger, zone)))?,
            _ => Schedule::new(self.schedule()?.trigger, zone),
        };
        let source = self.schedule_source.clone();
        self.set_schedule(&schedule, source);
        Ok(())
    }

    /// Whether a step needs the LLM to run.
    pub fn needs_llm(&self) -> bool {
        self.steps.to_string().contains("\"type\":\"agent\"")
    }

    /// The import-format definition of this spec.
    pub fn definition(&self, owner: &str, home_chat: &str) -> Definition {
        Definition {
            name: self.name.clone(),
            owner: owner.to_string(),
            home_chat: Some(home_chat.to_string()),
            instruction: (!self.instruction.is_empty()).then(|| self.instruction.clone()),
            trigger: TriggerSpec {
                kind: Some(self.trigger_kind.clone()),
                expression: (self.trigger_kind != "manual")
                    .then(|| self.trigger_expression.clone()),
                schedule: None,
                timezone: Some(self.timezone.clone()),
            },
            plan: None,
            steps: Some(self.steps.clone()),
            policies: self.policies.clone(),
            guardrails: self.guardrails.clone(),
            placeholders: self.placeholders.clone(),
            paused: false,
        }
    }

    /// The JSON a client sees (`--json`, the webhook API).
    pub fn view(&self, now: DateTime<Utc>) -> Value {
        let (description, next) = match self.schedule() {
            Ok(schedule) => (
                schedule.describe(),
                schedule
                    .upcoming(now, 3)
                    .into_iter()
                    .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .collect(),
            ),
            Err(e) => (e, Vec::new()),
        };
        let other = self.alternative.as_ref().map(|alternative| {
            let schedule = alternative.schedule();
            json!({
                "kind": alternative.trigger_kind,
                "expression": alternative.trigger_expression,
                "timezone": alternative.timezone,
                "description": schedule.as_ref().map(|s| s.describe()).unwrap_or_else(|e| e.clone()),
                "next": schedule
                    .map(|s| s.upcoming(now, 3).into_iter().map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).collect::<Vec<_>>())
                    .unwrap_or_default(),
                "read_by": "model",
            })
        });
        json!({
            "name": self.name,
            "instruction": self.instruction,
            "other_reading": other,
            "read_by_model": self.model_reading,
            "trigger": {
                "kind": self.trigger_kind,
                "expression": self.trigger_expression,
                "timezone": self.timezone,
                "description": description,
                "next": next,
            },
            "steps": self.steps,
            "limits": self.guardrails,
        })
    }
}

/// A stored schedule as words the phrase reader takes back, so "at 9" can
/// amend a workflow created earlier.
fn phrase_of(schedule: &Schedule) -> String {
    match &schedule.trigger {
        Trigger::Manual => "manual".into(),
        _ => {
            let words = schedule.describe();
            match words.rfind(" (") {
                Some(at) if words.ends_with(')') => words[..at].to_string(),
                _ => words,
            }
        }
    }
}

/// Checks steps given by the user or the LLM: a list, or JSON text of one.
pub fn read_steps(steps: &Value) -> Result<Value, String> {
    let steps = match steps {
        Value::String(text) => serde_json::from_str::<Value>(text)
            .map_err(|e| format!("'steps' is not valid JSON: {e}"))?,
        other => other.clone(),
    };
    let steps = match steps {
        Value::Object(mut object) if object.contains_key("steps") => {
            object.remove("steps").unwrap_or(Value::Null)
        }
        other => other,
    };
    if !steps.is_array() {
        return Err("'steps' must be a list of steps".into());
    }
    Plan::parse(&json!({ "steps": steps }).to_string(), &BTreeMap::new())
        .map_err(|e| e.to_string())?;
    Ok(steps)
}

impl Spec {
    /// The draft as a workflow ready to store: checked like an import, with an
    /// anchored interval keeping the start the draft showed.
    pub fn checked(
        &self,
        owner: &str,
        home_chat: &str,
        now: DateTime<Utc>,
        min_interval_seconds: i64,
    ) -> Result<crate::workflow::NewWorkflow, String> {
        let mut new =
            self.definition(owner, home_chat)
                .validate(now, self.zone(), min_interval_seconds)?;
        if self.trigger_kind == "interval" {
            if let Ok(schedule) = self.schedule() {
                new.schedule = schedule;
            }
        }
        // A workflow made in chat posts only to the chat it was made in: a
        // message step naming another chat would let anyone post as the bot
        // wherever it is (or send signed callbacks to another conversation).
        let plan = crate::workflow::plan::Plan::parse(&new.plan_json, &new.definition.placeholders)
            .map_err(|e| e.to_string())?;
        if let Some(elsewhere) = plan
            .message_targets()
            .into_iter()
            .find(|target| *target != home_chat)
        {
            return Err(format!(
                "a message step can only post to this chat, not to '{elsewhere}'; leave out its target"
            ));
        }
        Ok(new)
    }
}
