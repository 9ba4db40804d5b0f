//! `agent`: hands its instruction to the language model with tools, inside
//! the run's guardrails (`engine/agent_step/`).

use serde_json::{json, Value};

use super::failed;
use crate::engine::agent_step;
use crate::engine::runner::{text_of, Runner};
use crate::engine::Stop;
use crate::workflow::template::resolve;
use crate::workflow::{Step, Usage};

pub(super) async fn run(
    runner: &Runner<'_>,
    step: &Step,
    key: &str,
    instruction: &str,
    tools: &[String],
    scope: &Value,
    usage: &mut Usage,
) -> Result<Value, Stop> {
    let instruction = text_of(&resolve(&json!(instruction), scope).map_err(failed(step))?);
    agent_step::run(runner, step, key, &instruction, tools, usage).await
}
