//! `ask_approval`: a question to a person; the step parks until they answer
//! or the question expires.

use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::json;

use super::super::{clip, Called};
use super::MAX_APPROVAL_MINUTES;
use crate::engine::asking::Question;
use crate::engine::runner::{store_failed, Runner};
use crate::engine::Stop;
use crate::store::approvals;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ApprovalArgs {
    question: String,
    #[serde(default)]
    timeout_minutes: Option<i64>,
}

/// Asks once per call (the question is keyed by the call), then reads the
/// answer when the run resumes.
pub(super) async fn ask_approval(
    runner: &Runner<'_>,
    approval_key: &str,
    args: ApprovalArgs,
) -> Called {
    let engine = runner.engine;
    let pool = engine.store.pool();
    let run_id = runner.run.id;
    let db = |e: crate::store::StoreError| {
        Called::Stop(Stop::Failed(format!(
            "asking for approval: {}",
            store_failed(e)
        )))
    };
    let asked = match approvals::get(pool, run_id, approval_key).await {
        Ok(asked) => asked,
        Err(e) => return db(e),
    };
    let Some(approval) = asked else {
        let question = args.question.trim();
        if question.is_empty() {
            return Called::Done(Err("the question is empty".into()));
        }
        let question = engine.redactor.secrets(&clip(question, 1_000));
        let minutes = args
            .timeout_minutes
            .unwrap_or(24 * 60)
            .clamp(1, MAX_APPROVAL_MINUTES);
        let now = engine.now();
        let expires_at = now + TimeDelta::minutes(minutes);
        let question = Question {
            audience: runner.audience(None),
            run_id,
            step_key: approval_key,
            prompt: &question,
            expires_at,
        };
        if let Err(e) = engine.ask(question).await {
            return db(e);
        }
        return Called::Wait;
    };
    let by = approval
        .answered_by
        .clone()
        .unwrap_or_else(|| "someone".into());
    match approval.status.as_str() {
        "approved" => Called::Done(Ok(json!({ "approved": true, "by": by }))),
        "rejected" => Called::Done(Ok(json!({
            "approved": false,
            "by": by,
            "note": "Rejected: do not do it. Finish without it.",
        }))),
        "expired" => Called::Stop(Stop::Failed(format!(
            "nobody answered \"{}\" before {}; the request expired",
            approval.prompt,
            approval.expires_at().format("%Y-%m-%d %H:%M UTC")
        ))),
        _ => Called::Wait,
    }
}
