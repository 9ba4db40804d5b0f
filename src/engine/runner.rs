//! The context of one run while its steps execute: the engine, the run and
//! its workflow, what an earlier execution recorded, the deadline, and what
//! the steps used so far. The steps themselves are in `steps/`; chaining to
//! another workflow in `chain.rs`.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU8};
use std::sync::Mutex;

use super::Engine;
use crate::workflow::notify::Audience;
use crate::workflow::{Run, StepRecord, StepStatus, Usage, Workflow};

/// One run executing.
pub(crate) struct Runner<'a> {
    pub(super) engine: &'a Engine,
    pub(super) run: &'a Run,
    pub(super) workflow: &'a Workflow,
    /// Steps recorded by an earlier execution of this run, by key.
    pub(super) previous: HashMap<String, StepRecord>,
    pub(super) depth: u32,
    /// When the run's time limit is up.
    pub(super) deadline: tokio::time::Instant,
    pub(super) steps_used: AtomicU32,
    /// What finished steps used, those of earlier executions included.
    pub(super) usage: Mutex<Usage>,
    /// What a step waiting for a person needs to go on (an agent's
    /// transcript), by step key; recorded as the waiting step's output.
    pub(super) parked: Mutex<HashMap<String, Value>>,
    /// Set when an owner's daily quota stopped the run: whether they are
    /// told (`agent_step::day_budget::TOLD`) or were already today (`QUIET`).
    pub(super) quota_stop: AtomicU8,
    /// Set when a condition took a branch that says nothing over one that
    /// would have told someone ("tell me if it's down" on a page that is
    /// up; a watch on a page that did not change).
    pub(super) held_back: AtomicBool,
}

impl<'a> Runner<'a> {
    pub fn new(
        engine: &'a Engine,
        run: &'a Run,
        workflow: &'a Workflow,
        previous: Vec<StepRecord>,
        depth: u32,
        deadline: tokio::time::Instant,
    ) -> Runner<'a> {
        // A resumed run's total counts what it used before it waited.
        let mut usage = Usage::default();
        for record in previous
            .iter()
            .filter(|r| r.status == StepStatus::Succeeded)
        {
            if let Some(used) = &record.usage {
                usage.add(used);
            }
        }
        Runner {
            engine,
            run,
            workflow,
            previous: previous
                .into_iter()
                .map(|r| (r.step_key.clone(), r))
                .collect(),
            depth,
            deadline,
            steps_used: AtomicU32::new(0),
            usage: Mutex::new(usage),
            parked: Mutex::new(HashMap::new()),
            quota_stop: AtomicU8::new(0),
            held_back: AtomicBool::new(false),
        }
    }

    /// What the run used so far (finished steps).
    pub fn usage(&self) -> Usage {
        self.usage.lock().map(|u| u.clone()).unwrap_or_default()
    }

    /// Keeps what the waiting step `key` needs to go on.
    pub(super) fn park(&self, key: &str, state: Value) {
        if let Ok(mut parked) = self.parked.lock() {
            parked.insert(key.to_string(), state);
        }
    }

    /// What step `key` parked in an earlier execution, if it was waiting.
    pub(super) fn parked_before(&self, key: &str) -> Option<&Value> {
        self.previous
            .get(key)
            .filter(|r| r.status == StepStatus::Waiting)
            .and_then(|r| r.state())
    }

    pub(super) fn audience(&self, to: Option<String>) -> Audience {
        Audience {
            workflow_id: self.workflow.id,
            workflow_name: self.workflow.name.clone(),
            owner: self.workflow.owner.clone(),
            to: to.or_else(|| self.workflow.home_chat.clone()),
        }
    }
}

/// A store failure as the sentence a run records (and a model reads): it
/// says the store failed and nothing of the SQL; the cause goes to the log.
pub(super) fn store_failed(error: crate::store::StoreError) -> String {
    tracing::error!(%error, "a step failed in the store");
    "steward's database failed, so the step could not go on".to_string()
}

/// A resolved template value as text.
pub(super) fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
