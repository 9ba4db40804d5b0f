//! `approval`: asks a person and waits (the run parks) until they approve,
//! reject, or the request expires.

use chrono::TimeDelta;
use serde_json::{json, Value};

use crate::engine::asking::Question;
use crate::engine::runner::{store_failed, text_of, Runner};
use crate::engine::Stop;
use crate::store::approvals;
use crate::workflow::template::resolve;
use crate::workflow::Step;

pub(super) async fn run(
    runner: &Runner<'_>,
    step: &Step,
    key: &str,
    prompt: &str,
    timeout_seconds: u64,
    scope: &Value,
) -> Result<Value, Stop> {
    let pool = runner.engine.store.pool();
    let db = |e| Stop::Failed(format!("step '{}': {}", step.id, store_failed(e)));
    match approvals::get(pool, runner.run.id, key).await.map_err(db)? {
        None => {
            let prompt = text_of(&resolve(&json!(prompt), scope).unwrap_or_else(|_| json!(prompt)));
            let now = runner.engine.now();
            let expires_at = now + TimeDelta::seconds(timeout_seconds.min(30 * 86_400) as i64);
            // The question and its notice are written together.
            runner
                .engine
                .ask(Question {
                    audience: runner.audience(None),
                    run_id: runner.run.id,
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
