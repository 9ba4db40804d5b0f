//! A draft for a workflow started by an event (`events.rs`): a webhook call
//! or another workflow's end. The other workflow is named among the ones the
//! person manages; the steps see what came in as `${input}`: "run the alert
//! workflow" starts it with that input, "tell me" / "send me its summary"
//! sends the summary, anything else is a task for the LLM with the input.

use regex::Regex;
use serde_json::{json, Value};
use std::sync::LazyLock;

use super::derive;
use super::draft::{read_steps, Draft, Spec};
use super::events::{Event, EventReading};
use super::outcome::Outcome;
use super::turn::Turn;
use super::Agent;
use crate::schedule::{After, Schedule, Trigger, Webhook, Zone};
use crate::workflow::{Guardrails, DEFAULT_AGENT_TOOLS};

/// What the person or the model gave besides the trigger.
pub struct Given {
    pub name: Option<String>,
    pub instruction: Option<String>,
    pub steps: Option<Value>,
    pub guardrails: Guardrails,
    pub zone: Zone,
    /// The words the trigger was read from.
    pub source: String,
}

static START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:run|start|trigger|kick off|launch)\s+(?P<name>.+?)$")
        .expect("valid pattern")
});
static TELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:tell|send|notify|alert|message|ping|page|warn|let|remind)\s+(?:me|us)\b")
        .expect("valid pattern")
});
static SUMMARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:summary|result|output|outcome|answer|report|error|why)\b|^(?:tell|notify|alert|ping|page|warn|let|remind|message)\s+(?:me|us)(?:\s+know)?$")
        .expect("valid pattern")
});

/// Times of day and recurrences, which an event trigger cannot take.
static TIME_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:at \d{1,2}(?::\d\d)?(?:\s*[ap]m)?|\d{1,2}(?::\d\d)?\s*[ap]m|at (?:noon|midnight)|every (?:day|week|month|hour|minute|morning|evening|night|weekday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|tomorrow|tonight|daily|hourly|weekly|on weekdays)\b")
        .expect("valid pattern")
});

/// Drafts the workflow `reading` asks for.
pub async fn draft(
    turn: &mut Turn,
    agent: &Agent,
    reading: EventReading,
    given: Given,
) -> Result<Outcome, String> {
    let instruction = given
        .instruction
        .clone()
        .filter(|i| !i.trim().is_empty())
        .or(reading.task.clone())
        .ok_or_else(|| match &reading.event {
            Event::Webhook(_) => "what should it do when the webhook is called? e.g. 'when GitHub posts to a webhook, tell me the commit message'".to_string(),
            Event::After { name, on } => format!("what should it do when {name} {}? e.g. 'when the backup fails, run the alert workflow'", on.verb()),
        })?;
    if let Some(time) = TIME_WORDS.find(&instruction) {
        // "when backup succeeds at 9am tell me": a time never falls silently
        // into the task of a workflow the clock does not start.
        return Err(format!(
            "'{}' is a time, but this workflow starts on an event, not on the clock. Say the event alone ('when the backup fails, tell me') or the time alone ('every day at 9am …')",
            time.as_str()
        ));
    }
    let mut source = given.source.clone();
    let trigger = match &reading.event {
        Event::Webhook(auth) => Trigger::Webhook(Webhook {
            auth: *auth,
            headers: Vec::new(),
        }),
        Event::After { name, on } => {
            let followed = turn.resolve(agent, name).await.map_err(|e| {
                format!("{e} — a completion trigger names one of your workflows, e.g. 'when the backup fails, …'")
            })?;
            source = followed.name.clone();
            Trigger::After(After {
                workflow: followed.id,
                on: *on,
            })
        }
    };
    let (steps, mut name) = match &given.steps {
        Some(steps) if !steps.is_null() => (read_steps(steps)?, derive::plan(&instruction).1),
        _ => steps_for(turn, agent, &reading.event, &instruction).await?,
    };
    if let (Trigger::After(after), false) = (&trigger, name.starts_with("Start ")) {
        // "When Backup fails" says more than "Tell me".
        name = format!(
            "When {} {}",
            crate::text::clip(&source, 80),
            after.on.verb()
        );
    }
    let name = match given.name.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(name) => name.trim().to_string(),
        None => name,
    };
    let name = turn.unused_name(agent, name).await?;
    let schedule = Schedule::new(trigger, given.zone);
    let spec = Spec::new(
        name,
        instruction,
        &schedule,
        source,
        steps,
        given.guardrails,
    );
    Ok(turn.propose(agent, Draft::Create { spec }))
}

/// The steps for `instruction` on `event`, and a name.
async fn steps_for(
    turn: &mut Turn,
    agent: &Agent,
    event: &Event,
    instruction: &str,
) -> Result<(Value, String), String> {
    let name = derive::plan(instruction).1;
    if let Some(found) = START.captures(instruction) {
        let wanted = &found["name"];
        match turn.resolve(agent, wanted).await {
            Ok(other) => {
                let step = json!([{ "id": "start", "type": "workflow", "workflow": other.id, "input": "${input}" }]);
                return Ok((step, format!("Start {}", other.name)));
            }
            // "run the alert workflow" names one: say it is not there
            // rather than hand the words to the LLM.
            Err(e)
                if wanted.to_lowercase().ends_with("workflow")
                    || wanted.split_whitespace().count() <= 3 =>
            {
                return Err(e)
            }
            Err(_) => {}
        }
    }
    if let Event::After { .. } = event {
        if TELL.is_match(instruction) && SUMMARY.is_match(instruction) {
            let text = "\"${input.workflow}\" ${input.status}: ${input.summary}";
            return Ok((
                json!([{ "id": "tell", "type": "message", "text": text }]),
                name,
            ));
        }
    }
    let what = match event {
        Event::Webhook(_) => "the webhook call (its body and headers)",
        Event::After { .. } => "the run that ended (workflow, status, summary, error, output)",
    };
    let step = json!([{
        "id": "agent",
        "type": "agent",
        "instruction": format!("{instruction} — {what}: ${{input}}"),
        "tools": DEFAULT_AGENT_TOOLS,
    }]);
    Ok((step, name))
}
