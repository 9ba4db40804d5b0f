//! Executes steps: each kind of DESIGN §5, with its record in `run_steps`.

use chrono::TimeDelta;
use futures::future::{join_all, BoxFuture};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::asking::Question;
use super::{agent, compare, Engine, Stop};
use crate::store::{approvals, runs, steps as step_log, workflows};
use crate::workflow::notify::{Audience, Notice};
use crate::workflow::template::resolve;
use crate::workflow::{
    Action, Run, RunStatus, RunTrigger, Step, StepRecord, Usage, Workflow, WorkflowRef,
};

/// The most items a `foreach` step walks.
const MAX_FOREACH_ITEMS: usize = 1_000;

pub(crate) struct Runner<'a> {
    pub(super) engine: &'a Engine,
    pub(super) run: &'a Run,
    pub(super) workflow: &'a Workflow,
    /// Steps recorded by an earlier execution of this run, by key.
    previous: HashMap<String, StepRecord>,
    depth: u32,
    /// When the run's time limit is up.
    pub(super) deadline: tokio::time::Instant,
    steps_used: AtomicU32,
    /// What finished steps used, those of earlier executions included.
    usage: Mutex<Usage>,
    /// What a step waiting for a person needs to go on (an agent's
    /// transcript), by step key; recorded as the waiting step's output.
    parked: Mutex<HashMap<String, Value>>,
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
        for record in previous.iter().filter(|r| r.status == "succeeded") {
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
            .filter(|r| r.status == "waiting")
            .and_then(|r| r.state())
    }

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

    fn run_list<'b>(
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
        if let Some(done) = self.previous.get(key).filter(|r| r.status == "succeeded") {
            return Ok(done.state().cloned().unwrap_or(Value::Null));
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
        let result = self.act(step, key, scope, &mut step_usage).await;
        // On top of what a resumed step worked before it waited.
        step_usage.duration_ms += started.elapsed().as_millis() as u64;
        if let Ok(mut usage) = self.usage.lock() {
            usage.add(&step_usage);
        }
        let parked = self.parked.lock().ok().and_then(|mut p| p.remove(key));
        let (status, output, error) = match &result {
            Ok(output) => ("succeeded", Some(output), None),
            Err(Stop::Waiting) => ("waiting", parked.as_ref(), None),
            Err(Stop::Failed(e)) | Err(Stop::Guardrail(e)) => ("failed", None, Some(e.as_str())),
        };
        // Stored masked; the unmasked output is kept beside it only while
        // the run may resume and only when masking changed it.
        let redactor = &self.engine.redactor;
        let masked = output.map(|o| redactor.value(o));
        let resume = match (output, &masked) {
            (Some(raw), Some(masked)) if raw != masked => Some(raw),
            _ => None,
        };
        self.engine.store.log().step(
            self.run.id,
            key,
            step.kind(),
            status,
            masked.as_ref(),
            resume,
            error.map(|e| redactor.text(e)).as_deref(),
            &step_usage,
            started_at,
            self.engine.now(),
        );
        result
    }

    pub(super) fn audience(&self, to: Option<String>) -> Audience {
        Audience {
            workflow_id: self.workflow.id,
            workflow_name: self.workflow.name.clone(),
            owner: self.workflow.owner.clone(),
            to: to.or_else(|| self.workflow.home_chat.clone()),
        }
    }

    async fn act(
        &self,
        step: &Step,
        key: &str,
        scope: &mut Value,
        usage: &mut Usage,
    ) -> Result<Value, Stop> {
        let fail = |e: String| Stop::Failed(format!("step '{}': {e}", step.id));
        match &step.action {
            Action::Message { text, target } => {
                let text = text_of(&resolve(&json!(text), scope).map_err(fail)?);
                let audience = self.audience(target.clone());
                let to = audience.to.clone();
                self.engine
                    .notifier
                    .notify(Notice::Message {
                        audience,
                        run_id: self.run.id,
                        text: text.clone(),
                    })
                    .await;
                usage.messages += 1;
                Ok(json!({ "sent": text, "to": to }))
            }
            Action::Http {
                method,
                url,
                headers,
                body,
                timeout_seconds,
            } => {
                let url = text_of(&resolve(&json!(url), scope).map_err(fail)?);
                let mut resolved_headers = std::collections::BTreeMap::new();
                for (name, value) in headers {
                    resolved_headers.insert(
                        name.clone(),
                        text_of(&resolve(&json!(value), scope).map_err(fail)?),
                    );
                }
                let body = match body {
                    Some(body) => Some(resolve(body, scope).map_err(fail)?),
                    None => None,
                };
                self.engine
                    .http
                    .send(
                        method,
                        &url,
                        &resolved_headers,
                        body.as_ref(),
                        timeout_seconds.map(Duration::from_secs),
                    )
                    .await
                    .map_err(fail)
            }
            Action::Condition {
                check,
                then,
                otherwise,
            } => {
                // A reference to nothing is "absent", which `exists` and `ne` can test.
                let left = resolve(&check.left, scope).ok();
                let right = resolve(&check.right, scope).map_err(fail)?;
                let result = compare::evaluate(left.as_ref(), check.op, &right);
                let (branch, steps) = if result {
                    ("then", then)
                } else {
                    ("else", otherwise)
                };
                self.run_list(steps, format!("{key}.{branch}."), scope)
                    .await?;
                Ok(json!({ "result": result, "branch": branch }))
            }
            Action::Parallel { branches } => {
                let mut scopes: Vec<Value> = branches.iter().map(|_| scope.clone()).collect();
                let results = join_all(branches.iter().zip(scopes.iter_mut()).enumerate().map(
                    |(i, (branch, branch_scope))| {
                        self.run_list(branch, format!("{key}[{i}]."), branch_scope)
                    },
                ))
                .await;
                if let Some(stop) = results.iter().find_map(|r| match r {
                    Err(stop @ (Stop::Failed(_) | Stop::Guardrail(_))) => Some(stop.clone()),
                    _ => None,
                }) {
                    return Err(stop);
                }
                if results.iter().any(|r| r.is_err()) {
                    return Err(Stop::Waiting);
                }
                let outputs: Vec<Value> = scopes.into_iter().map(|s| s["steps"].clone()).collect();
                Ok(json!({ "branches": outputs }))
            }
            Action::Foreach { items, var, steps } => {
                let items = match resolve(items, scope).map_err(fail)? {
                    Value::Array(items) => items,
                    Value::String(text) => match serde_json::from_str::<Value>(&text) {
                        Ok(Value::Array(items)) => items,
                        _ => {
                            return Err(fail(format!(
                                "'items' must be a list, got the text '{}'",
                                clip(&text)
                            )))
                        }
                    },
                    other => {
                        return Err(fail(format!(
                            "'items' must be a list, got {}",
                            clip(&other.to_string())
                        )))
                    }
                };
                if items.len() > MAX_FOREACH_ITEMS {
                    return Err(Stop::Guardrail(format!(
                        "step '{}' would loop over {} items; the limit is {MAX_FOREACH_ITEMS}",
                        step.id,
                        items.len()
                    )));
                }
                let mut outputs = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let mut item_scope = scope.clone();
                    item_scope["vars"][var] = item.clone();
                    item_scope["vars"]["index"] = json!(i);
                    self.run_list(steps, format!("{key}[{i}]."), &mut item_scope)
                        .await?;
                    outputs.push(item_scope["steps"].clone());
                }
                Ok(json!({ "count": items.len(), "items": outputs }))
            }
            Action::Approval {
                prompt,
                timeout_seconds,
            } => {
                self.approval(step, key, prompt, *timeout_seconds, scope)
                    .await
            }
            Action::Agent { instruction, tools } => {
                let instruction = text_of(&resolve(&json!(instruction), scope).map_err(fail)?);
                agent::run(self, step, key, &instruction, tools, usage).await
            }
            Action::Workflow { workflow, input } => {
                let input = resolve(input, scope).map_err(fail)?;
                let input = if input.is_null() {
                    scope["steps"].clone()
                } else {
                    input
                };
                let (output, used) = self.chain(workflow, input).await.map_err(fail)?;
                usage.add(&used);
                Ok(output)
            }
            Action::Delay { seconds } => {
                if !seconds.is_finite() || *seconds < 0.0 {
                    return Err(fail(format!("cannot wait {seconds} seconds")));
                }
                tokio::time::sleep(Duration::from_secs_f64(seconds.min(86_400.0))).await;
                Ok(json!({ "waited_seconds": seconds }))
            }
        }
    }

    async fn approval(
        &self,
        step: &Step,
        key: &str,
        prompt: &str,
        timeout_seconds: u64,
        scope: &Value,
    ) -> Result<Value, Stop> {
        let pool = self.engine.store.pool();
        let db = |e: crate::store::StoreError| Stop::Failed(format!("step '{}': {e}", step.id));
        match approvals::get(pool, self.run.id, key).await.map_err(db)? {
            None => {
                let prompt =
                    text_of(&resolve(&json!(prompt), scope).unwrap_or_else(|_| json!(prompt)));
                let now = self.engine.now();
                let expires_at = now + TimeDelta::seconds(timeout_seconds.min(30 * 86_400) as i64);
                self.engine
                    .ask(Question {
                        audience: self.audience(None),
                        run_id: self.run.id,
                        step_key: key,
                        prompt: &prompt,
                        expires_at,
                    })
                    .await
                    .map_err(db)?;
                Err(Stop::Waiting)
            }
            Some(approval) => match approval.status.as_str() {
                "approved" => Ok(json!({
                    "approved": true,
                    "by": approval.answered_by,
                    "at": approval.answered_at().map(|t| t.to_rfc3339()),
                })),
                "rejected" => Err(Stop::Failed(format!(
                    "step '{}': {} rejected \"{}\"",
                    step.id,
                    approval.answered_by.as_deref().unwrap_or("someone"),
                    approval.prompt
                ))),
                "expired" => Err(Stop::Failed(format!(
                    "step '{}': nobody answered \"{}\" before {}; the request expired",
                    step.id,
                    approval.prompt,
                    approval.expires_at().format("%Y-%m-%d %H:%M UTC")
                ))),
                _ => Err(Stop::Waiting),
            },
        }
    }

    /// Starts another workflow of the same owner and waits for its result;
    /// also returns what the child used, which counts against this run's
    /// budgets too.
    pub(super) async fn chain(
        &self,
        target: &WorkflowRef,
        input: Value,
    ) -> Result<(Value, Usage), String> {
        let store = &self.engine.store;
        let mut conn = store.connection().await.map_err(|e| e.to_string())?;
        let found = match target {
            WorkflowRef::Id(id) => workflows::get(&mut conn, *id).await,
            WorkflowRef::Name(name) => {
                workflows::find_by_name(&mut conn, &self.workflow.owner, name).await
            }
        }
        .map_err(|e| e.to_string())?
        .filter(|w| w.owner == self.workflow.owner);
        let Some(child) = found else {
            return Err(match target {
                WorkflowRef::Id(id) => format!("workflow #{id} was not found"),
                WorkflowRef::Name(name) => format!("workflow '{name}' was not found"),
            });
        };
        let now = self.engine.now();
        let lease = (
            self.engine.node.as_str(),
            now + TimeDelta::from_std(self.engine.lease).unwrap_or(TimeDelta::minutes(1)),
        );
        let mut slot = now;
        let run_id = loop {
            let new = runs::NewRun {
                workflow_id: child.id,
                workflow_version: child.version,
                trigger: RunTrigger::Chain.as_str(),
                scheduled_for: slot,
                status: RunStatus::Running,
                input: Some(&input),
                error: None,
                lease: Some(lease),
            };
            match runs::insert(&mut conn, &new, now)
                .await
                .map_err(|e| e.to_string())?
            {
                Some(id) => break id,
                None => slot += TimeDelta::milliseconds(1),
            }
        };
        let run = runs::get(&mut conn, run_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the chained run vanished")?;
        drop(conn);
        let outcome = Box::pin(
            self.engine
                .execute_at_depth(&run, &child, self.depth + 1, false),
        )
        .await;
        let mut conn = store.connection().await.map_err(|e| e.to_string())?;
        let status = if outcome.status == RunStatus::Waiting {
            RunStatus::Failed
        } else {
            outcome.status
        };
        let error = if outcome.status == RunStatus::Waiting {
            Some("a chained workflow cannot wait for approval".to_string())
        } else {
            outcome.error.clone()
        };
        let _ = runs::finish(
            &mut conn,
            run_id,
            lease.0,
            status,
            outcome.output.as_ref(),
            error.as_deref(),
            &outcome.usage,
            self.engine.now(),
        )
        .await;
        match status {
            RunStatus::Succeeded => Ok((
                json!({ "workflow_id": child.id, "run_id": run_id, "output": outcome.output }),
                outcome.usage,
            )),
            _ => Err(format!(
                "workflow #{} '{}' {}: {}",
                child.id,
                child.name,
                status,
                error.unwrap_or_default()
            )),
        }
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn clip(text: &str) -> String {
    text.chars().take(60).collect()
}
