//! `message`: posts a text to the workflow's home chat (or its target).

use serde_json::{json, Value};

use super::failed;
use crate::engine::runner::{text_of, Runner};
use crate::engine::Stop;
use crate::workflow::notify::Notice;
use crate::workflow::template::resolve;
use crate::workflow::{Step, Usage};

pub(super) async fn run(
    runner: &Runner<'_>,
    step: &Step,
    text: &str,
    target: Option<String>,
    scope: &Value,
    usage: &mut Usage,
) -> Result<Value, Stop> {
    let text = text_of(&resolve(&json!(text), scope).map_err(failed(step))?);
    let audience = runner.audience(target);
    let to = audience.to.clone();
    runner
        .engine
        .notifier
        .notify(Notice::Message {
            audience,
            run_id: runner.run.id,
            text: text.clone(),
        })
        .await;
    usage.messages += 1;
    Ok(json!({ "sent": text, "to": to }))
}
