//! Executes steps: each kind of DESIGN §5 in its own file, with its record
//! in `run_steps`. A new step kind is one file and one arm in [`act`].

mod agent;
mod approval;
mod condition;
mod delay;
mod foreach;
mod http;
mod message;
mod parallel;
mod workflow;

use futures::future::BoxFuture;
use serde_json::{json, Map, Value};
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::runner::Runner;
use super::Stop;
use crate::store::steps as step_log;
use crate::workflow::{Action, Fallback, Step, StepStatus, Usage};

/// A step's failure, named after the step.
fn failed(step: &Step) -> impl Fn(String) -> Stop + '_ {
    move |e| Stop::Failed(format!("step '{}': {e}", step.id))
}

impl Runner<'_> {
    /// Runs the plan; the output maps each top-level step id to its output.
    pub async fn run_top(&self, steps: &[Step], mut scope: Value) -> Result<Value, Stop> {
        self.run_list(steps, String::new(), &mut scope).await?;
        let mut outputs = Map::new();
        for step in steps {
            if let Some(output) = scope["steps"][&step.id].get("output") {
                outputs.insert(step.id.clone(), output.clone());
            }
        }
        Ok(Value::Object(outputs))
    }

    pub(super) fn run_list<'b>(
        &'b self,
        steps: &'b [Step],
        prefix: String,
        scope: &'b mut Value,
    ) -> BoxFuture<'b, Result<(), Stop>> {
        Box::pin(async move {
            for step in steps {
                let key = format!("{prefix}{}", step.id);
                let output = self.run_step(step, &key, scope).await?;
                scope["steps"][&step.id] = json!({ "output": output });
            }
            Ok(())
        })
    }

    async fn run_step(&self, step: &Step, key: &str, scope: &mut Value) -> Result<Value, Stop> {
        let used = self.steps_used.fetch_add(1, Ordering::SeqCst) + 1;
        let budget = self.workflow.guardrails.max_steps;
        if used > budget {
            return Err(Stop::Guardrail(format!(
                "the run used more than its {budget} steps"
            )));
        }
        if let Some(done) = self.previous.get(key) {
            match done.status {
                StepStatus::Succeeded => return Ok(done.state().cloned().unwrap_or(Value::Null)),
                // A failure its `on_error` let the run go past: not tried
                // again when the run resumes.
                StepStatus::Failed if step.on_error.then != Fallback::Fail => {
                    let error = done.error.clone().unwrap_or_else(|| "failed".into());
                    let attempts = done.state().and_then(|s| s["attempts"].as_u64());
                    return self
                        .fall_back(step, key, error, attempts.unwrap_or(1) as u32, scope)
                        .await;
                }
                _ => {}
            }
        }
        let pool = self.engine.store.pool();
        let started_at = self.engine.now();
        // Steps that can take a while are recorded as running when they start,
        // so a crash leaves a trace of where it happened; quick ones are
        // written once, when they end.
        let slow = !matches!(
            step.action,
            Action::Message { .. } | Action::Condition { .. }
        );
        if slow {
            let _ = step_log::started(pool, self.run.id, key, step.kind(), started_at).await;
        }
        let started = Instant::now();
        let mut step_usage = Usage {
            steps: 1,
            ..Usage::default()
        };
        let (result, attempts) = self.act_retrying(step, key, scope, &mut step_usage).await;
        // On top of what a resumed step worked before it waited.
        step_usage.duration_ms += started.elapsed().as_millis() as u64;
        if let Ok(mut usage) = self.usage.lock() {
            usage.add(&step_usage);
        }
        let parked = self.parked.lock().ok().and_then(|mut p| p.remove(key));
        // A failed step records how many times it was tried.
        let tried = (attempts > 1).then(|| json!({ "attempts": attempts }));
        let (status, output, error) = match &result {
            Ok(output) => (StepStatus::Succeeded, Some(output), None),
            Err(Stop::Waiting) => (StepStatus::Waiting, parked.as_ref(), None),
            Err(Stop::Failed(e)) | Err(Stop::Guardrail(e)) => {
                (StepStatus::Failed, tried.as_ref(), Some(e.as_str()))
            }
        };
        // Stored masked; the unmasked output is kept beside it only while
        // the run may resume and only when masking changed it.
        let redactor = &self.engine.redactor;
        let changed = output.and_then(|o| redactor.masked(o));
        let masked = changed.as_ref().or(output);
        let resume = output.filter(|_| changed.is_some());
        self.engine.store.log().step(
            self.run.id,
            key,
            step.kind(),
            status,
            masked,
            resume,
            error.map(|e| redactor.text(e)).as_deref(),
            &step_usage,
            started_at,
            self.engine.now(),
        );
        match result {
            Err(Stop::Failed(error)) if step.on_error.then != Fallback::Fail => {
                self.fall_back(step, key, error, attempts, scope).await
            }
            other => other,
        }
    }

    /// Runs the step, and again after a failure (never a guardrail or a
    /// wait) while its `on_error` retries are left and the run's time
    /// allows; returns the last result and how many tries it took. (An
    /// `http` step retries its own requests, 5xx answers included.)
    async fn act_retrying(
        &self,
        step: &Step,
        key: &str,
        scope: &mut Value,
        usage: &mut Usage,
    ) -> (Result<Value, Stop>, u32) {
        let mut result = act(self, step, key, scope, usage).await;
        let mut attempts = 1;
        let retries_itself = matches!(step.action, Action::Http { .. });
        while let Err(Stop::Failed(error)) = &result {
            let wait = step.on_error.retry_wait(attempts);
            let Some(wait) = wait.filter(|_| !retries_itself) else {
                break;
            };
            if tokio::time::Instant::now() + wait >= self.deadline {
                break;
            }
            tracing::info!(run = self.run.id, step = key, attempt = attempts + 1, %error, "retrying a failed step");
            tokio::time::sleep(wait).await;
            attempts += 1;
            result = act(self, step, key, scope, usage).await;
        }
        (result, attempts)
    }

    /// After step `key` failed for good: its `on_error` goes on, or runs its
    /// handler with `${error}` (`message`, `step`, `attempts`). The step's
    /// output is then `{"failed": true, "error", "attempts"}`.
    async fn fall_back(
        &self,
        step: &Step,
        key: &str,
        error: String,
        attempts: u32,
        scope: &mut Value,
    ) -> Result<Value, Stop> {
        let output = json!({ "failed": true, "error": error, "attempts": attempts });
        if let Some(handler) = step.on_error.handler() {
            let outer = scope.get("error").cloned();
            scope["error"] = json!({ "message": error, "step": step.id, "attempts": attempts });
            let handled = self
                .run_list(handler, format!("{key}.on_error."), scope)
                .await;
            match outer {
                Some(outer) => scope["error"] = outer,
                None => {
                    if let Some(map) = scope.as_object_mut() {
                        map.remove("error");
                    }
                }
            }
            handled?;
        }
        Ok(output)
    }
}

/// Runs one step of any kind.
async fn act(
    runner: &Runner<'_>,
    step: &Step,
    key: &str,
    scope: &mut Value,
    usage: &mut Usage,
) -> Result<Value, Stop> {
    match &step.action {
        Action::Message { text, target } => {
            message::run(runner, step, text, target.clone(), scope, usage).await
        }
        Action::Http {
            method,
            url,
            headers,
            body,
            timeout_seconds,
        } => {
            let call = http::Call {
                method,
                url,
                headers,
                body: body.as_ref(),
                timeout_seconds: *timeout_seconds,
            };
            http::run(runner, step, call, scope).await
        }
        Action::Condition {
            check,
            then,
            otherwise,
        } => condition::run(runner, step, key, check, then, otherwise, scope).await,
        Action::Parallel { branches } => parallel::run(runner, key, branches, scope).await,
        Action::Foreach { items, var, steps } => {
            foreach::run(runner, step, key, items, var, steps, scope).await
        }
        Action::Approval {
            prompt,
            timeout_seconds,
        } => approval::run(runner, step, key, prompt, *timeout_seconds, scope).await,
        Action::Agent { instruction, tools } => {
            agent::run(runner, step, key, instruction, tools, scope, usage).await
        }
        Action::Workflow { workflow, input } => {
            workflow::run(runner, step, workflow, input, scope, usage).await
        }
        Action::Delay { seconds } => delay::run(step, *seconds).await,
    }
}
