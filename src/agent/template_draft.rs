//! A workflow drafted from a template: the values given (a bare "URL" goes
//! to the template's one web-address placeholder), the schedule said or the
//! template's own; while required values are missing the draft asks for
//! them one at a time (`asking.rs`), then it is the usual draft to confirm.

use std::collections::BTreeMap;

use super::asking::Asking;
use super::draft::{read_schedule, Draft, Spec};
use super::outcome::Outcome;
use super::turn::Turn;
use super::Agent;
use crate::schedule::{Schedule, Trigger};
use crate::workflow::catalogue::{Filling, PlaceholderSpec, Template};

/// A template request: the template and what the person gave.
pub struct Request {
    pub template: Template,
    pub values: BTreeMap<String, String>,
    pub schedule: Option<String>,
    pub name: Option<String>,
}

/// Whether a placeholder takes a web address.
pub fn is_address(spec: &PlaceholderSpec) -> bool {
    spec.name.to_ascii_uppercase().ends_with("URL") || spec.example.starts_with("http")
}

/// Drafts the request: the question for the first missing value, or the
/// workflow to confirm.
pub async fn propose(turn: &mut Turn, agent: &Agent, request: Request) -> Result<Outcome, String> {
    let Request {
        template,
        values,
        schedule,
        name,
    } = request;
    let values = place_addresses(&template, values);
    let missing = template.missing(&values);
    if !missing.is_empty() {
        // Names it does not know are refused before asking for more.
        let mut known = values.clone();
        for name in &missing {
            known.insert(name.clone(), "-".into());
        }
        template.values(&known).map_err(|e| e.message)?;
        return Ok(ask(turn, agent, template, values, schedule, name, missing));
    }
    let filling = Filling {
        values,
        schedule: schedule.as_deref(),
        name: name.as_deref(),
    };
    let definition = template
        .definition(&turn.actor.id, &filling)
        .map_err(|e| e.message)?;
    let words = definition.trigger.schedule.clone().unwrap_or_default();
    let context = turn.context(agent, turn.zone);
    let (read, _) = read_schedule(&words, &context).map_err(|e| {
        format!("I couldn't read the schedule '{words}': {e}. Say it another way, e.g. 'every 10 minutes'.")
    })?;
    let name = turn.unused_name(agent, definition.name.clone()).await?;
    let mut spec = Spec::new(
        name,
        definition.instruction.clone().unwrap_or_default(),
        &read,
        words,
        definition.steps.clone().unwrap_or_default(),
        definition.guardrails.clone(),
    );
    spec.placeholders = definition.placeholders;
    Ok(turn.propose(agent, Draft::Create { spec }))
}

/// A draft that asks for `missing`, first one first.
fn ask(
    turn: &mut Turn,
    agent: &Agent,
    template: Template,
    values: BTreeMap<String, String>,
    schedule: Option<String>,
    name: Option<String>,
    missing: Vec<String>,
) -> Outcome {
    let mut spec = Spec::new(
        template.name.clone(),
        template.instruction.clone().unwrap_or_default(),
        &Schedule::new(Trigger::Manual, turn.zone),
        "manual".into(),
        template.steps.clone(),
        template.guardrails.clone(),
    );
    spec.asking = Some(Box::new(Asking {
        template,
        values,
        schedule,
        name,
        missing,
    }));
    let mut outcome = turn.propose(agent, Draft::Create { spec });
    outcome.value["status"] = "asking the user for a value".into();
    outcome
}

/// Values given as "URL" (or any name the template does not have that ends
/// in URL) go to its one web-address placeholder still without a value.
fn place_addresses(
    template: &Template,
    values: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut placed = BTreeMap::new();
    for (name, value) in values {
        if let Some(spec) = template.placeholder(&name) {
            placed.insert(spec.name.clone(), value);
            continue;
        }
        if !name.to_ascii_uppercase().ends_with("URL") {
            placed.insert(name, value);
            continue;
        }
        let open: Vec<&PlaceholderSpec> = template
            .placeholders
            .iter()
            .filter(|p| is_address(p) && !placed.contains_key(&p.name))
            .collect();
        match open.first() {
            Some(spec) => placed.insert(spec.name.clone(), value),
            None => placed.insert(name, value),
        };
    }
    placed
}
