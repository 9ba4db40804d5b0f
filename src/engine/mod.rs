//! Runs one workflow run (DESIGN §5): parses the plan, executes its steps with
//! `${...}` references, records each step, and enforces the guardrails. An
//! `agent` step hands its instruction to the language model with the tools the
//! workflow allows (`agent/`), built-in or from MCP servers (`mcp/`).

mod agent_step;
mod asking;
pub mod catalog;
mod chain;
mod compare;
pub mod http;
pub mod mcp;
mod plans;
mod runner;
mod steps;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::llm::{ChatModel, Prices};
use crate::store::Store;
use crate::workflow::notify::Notifier;
use crate::workflow::redact::Redactor;
use crate::workflow::{Ceilings, Plan, Run, RunStatus, StepStatus, Usage, Workflow};

pub use http::{HttpClient, HttpClientConfig};
pub use mcp::Mcp;
pub use plans::Plans;

/// How a run ended (or paused).
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    pub status: RunStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub usage: Usage,
    /// Stopped by the owner's daily quota, not by the workflow: no failure
    /// to count towards pausing it.
    pub by_quota: bool,
    /// Nobody is told: a quota stop the owner already heard of today, or a
    /// success whose plan chose to say nothing (a check that found nothing
    /// to report; it is still told when run by hand).
    pub quiet: bool,
    /// The agent's answer for the person's notice: secrets masked, but not
    /// emails and phone numbers, which they must be able to read (the
    /// stored `output` masks those too). Never stored.
    pub answer: Option<String>,
}

/// Everything a run needs from the outside.
pub struct Engine {
    pub store: Store,
    pub http: HttpClient,
    /// The model `agent` steps think with; without one they fail with a
    /// reason saying how to configure it.
    pub model: Option<Arc<dyn ChatModel>>,
    /// What the model's tokens cost, for usage and the cost guardrail.
    pub prices: Prices,
    /// MCP servers whose tools workflows may name.
    pub mcp: Mcp,
    /// Masks secrets in what runs store (outputs, errors, transcripts).
    pub redactor: Redactor,
    pub notifier: Arc<dyn Notifier>,
    pub clock: Arc<dyn Clock>,
    /// This process's name on leases, for runs started by `workflow` steps.
    pub node: String,
    pub lease: Duration,
    /// The operator's ceilings: a run obeys its guardrails capped by them,
    /// whatever was stored before they were set.
    pub ceilings: Ceilings,
    /// The operator's quotas per person (the daily agent tokens and cost
    /// are counted here); an admin's override for one person is read from
    /// the store.
    pub quotas: crate::workflow::Quotas,
    /// Plans parsed by earlier runs.
    pub plans: Plans,
}

/// Why execution stopped early.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Stop {
    Failed(String),
    /// Parked until a person answers (an `approval` step, or an agent's
    /// `ask_approval`, whose transcript is parked with the runner).
    Waiting,
    Guardrail(String),
}

/// The deepest chain of `workflow` steps.
const MAX_CHAIN_DEPTH: u32 = 5;

impl Engine {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Executes `run` of `workflow`. Steps that already succeeded (a run resumed
    /// after an approval) are not repeated.
    pub async fn execute(&self, run: &Run, workflow: &Workflow) -> RunOutcome {
        self.execute_run(run, workflow, true).await
    }

    /// As [`Engine::execute`]; `resumed` false skips reading earlier step
    /// records for a run that never executed before.
    pub async fn execute_run(&self, run: &Run, workflow: &Workflow, resumed: bool) -> RunOutcome {
        self.execute_at_depth(run, workflow, 0, resumed).await
    }

    pub(crate) async fn execute_at_depth(
        &self,
        run: &Run,
        workflow: &Workflow,
        depth: u32,
        resumed: bool,
    ) -> RunOutcome {
        let started = Instant::now();
        let redactor = &self.redactor;
        let finish =
            |status, output: Option<Value>, error: Option<String>, mut usage: Usage| RunOutcome {
                status,
                answer: output
                    .as_ref()
                    .and_then(crate::workflow::run::agent_answer)
                    .map(|answer| redactor.secrets(&answer)),
                output: output.map(|o| redactor.masked(&o).unwrap_or(o)),
                error: error.map(|e| redactor.text(&e)),
                usage: {
                    usage.duration_ms = started.elapsed().as_millis() as u64;
                    usage
                },
                by_quota: false,
                quiet: false,
            };
        // A workflow stored above ceilings set later obeys the ceilings.
        let capped;
        let workflow = if workflow.guardrails.over(&self.ceilings).is_some() {
            capped = Workflow {
                guardrails: workflow.guardrails.capped(&self.ceilings),
                ..workflow.clone()
            };
            &capped
        } else {
            workflow
        };
        let (plan, previous) = match self.prepare(run, workflow, depth, resumed).await {
            Ok(ready) => ready,
            Err(error) => return finish(RunStatus::Failed, None, Some(error), Usage::default()),
        };
        // A resumed run has its earlier executions' time counted: waiting
        // for a person is free, working is not.
        let worked = Duration::from_millis(time_worked(&previous));
        let limit = Duration::from_secs(workflow.guardrails.timeout_seconds.max(1));
        let deadline = tokio::time::Instant::now() + limit.saturating_sub(worked);
        let runner = runner::Runner::new(self, run, workflow, previous, depth, deadline);
        let mut scope = scope(run, workflow);
        if uses_previous(&workflow.plan_json) {
            scope["previous"] = self.previous_run(run).await;
        }
        // Agent steps stop themselves at the deadline, keeping their usage;
        // this is the limit for every other step, a moment later.
        let result = tokio::time::timeout_at(
            deadline + Duration::from_millis(250),
            runner.run_top(&plan.steps, scope),
        )
        .await;
        let usage = runner.usage();
        let mut outcome = match result {
            Err(_) => finish(
                RunStatus::Guardrail,
                None,
                Some(format!(
                    "stopped by a guardrail: the run took longer than its limit of {} s",
                    workflow.guardrails.timeout_seconds
                )),
                usage,
            ),
            Ok(Ok(output)) => finish(RunStatus::Succeeded, Some(output), None, usage),
            Ok(Err(Stop::Waiting)) => finish(RunStatus::Waiting, None, None, usage),
            Ok(Err(Stop::Failed(error))) => finish(RunStatus::Failed, None, Some(error), usage),
            Ok(Err(Stop::Guardrail(error))) => finish(
                RunStatus::Guardrail,
                None,
                Some(format!("stopped by a guardrail: {error}")),
                usage,
            ),
        };
        outcome.usage.duration_ms += worked.as_millis() as u64;
        let stop = runner.quota_stop.load(std::sync::atomic::Ordering::Relaxed);
        outcome.by_quota = outcome.status == RunStatus::Guardrail && stop != 0;
        outcome.quiet = (outcome.by_quota && stop == agent_step::day_budget::QUIET)
            || (outcome.status == RunStatus::Succeeded
                && outcome.usage.messages == 0
                && runner.held_back.load(std::sync::atomic::Ordering::Relaxed));
        outcome
    }
}

impl Engine {
    /// The plan of the run and the steps it already did (a resumed run):
    /// or why the run cannot start.
    async fn prepare(
        &self,
        run: &Run,
        workflow: &Workflow,
        depth: u32,
        resumed: bool,
    ) -> Result<(Arc<Plan>, Vec<crate::workflow::StepRecord>), String> {
        if depth > MAX_CHAIN_DEPTH {
            return Err(format!(
                "workflows started each other more than {MAX_CHAIN_DEPTH} deep; stopping the chain"
            ));
        }
        let plan = self
            .plans
            .get(workflow)
            .map_err(|error| format!("the plan of '{}' can't run: {error}", workflow.name))?;
        if !resumed {
            return Ok((plan, Vec::new()));
        }
        // Without the record of what already ran, resuming would repeat
        // steps (send messages twice): fail instead.
        let previous = crate::store::steps::list(self.store.pool(), run.id)
            .await
            .map_err(|error| format!("could not read what the run already did: {error}"))?;
        Ok((plan, previous))
    }
}

/// What the steps' references read at the start: `input`, `steps`, `vars`
/// and `run`.
fn scope(run: &Run, workflow: &Workflow) -> Value {
    json!({
        "input": run.input.clone().unwrap_or_else(|| json!({})),
        "steps": {},
        "vars": {},
        "run": {
            "id": run.id,
            "workflow_id": workflow.id,
            "workflow": workflow.name,
            "scheduled_for": run.scheduled_for.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "trigger": run.trigger,
            "attempt": run.attempt,
        },
    })
}

/// Whether a plan reads the previous run (`${previous...}` or `changed`).
fn uses_previous(plan_json: &str) -> bool {
    plan_json.contains("${previous") || plan_json.contains("\"changed\"")
}

impl Engine {
    /// `${previous}`: the workflow's last successful run before `run`
    /// (`{"run_id", "scheduled_for", "output"}`, its output as stored), or
    /// null when there is none yet.
    async fn previous_run(&self, run: &Run) -> Value {
        let query = crate::store::runs::HistoryQuery {
            workflow_id: Some(run.workflow_id),
            statuses: vec![RunStatus::Succeeded],
            before: Some((run.scheduled_for, run.id)),
            limit: 1,
            ..Default::default()
        };
        match crate::store::runs::history(self.store.reader(), &query).await {
            Ok(found) => found
                .into_iter()
                .next()
                .map_or(Value::Null, |(before, _)| {
                    json!({
                        "run_id": before.id,
                        "scheduled_for": before.scheduled_for.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        "output": before.output,
                    })
                }),
            Err(error) => {
                tracing::warn!(%error, run = run.id, "could not read the previous run");
                Value::Null
            }
        }
    }
}

/// How long earlier executions of a run worked: its top-level steps run one
/// after another, so their durations add up (nested ones are inside them).
fn time_worked(previous: &[crate::workflow::StepRecord]) -> u64 {
    previous
        .iter()
        .filter(|r| !r.step_key.contains(['.', '[']))
        .filter(|r| r.status == StepStatus::Succeeded || r.status == StepStatus::Waiting)
        .filter_map(|r| r.usage.as_ref())
        .map(|u| u.duration_ms)
        .sum()
}
