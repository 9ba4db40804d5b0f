//! `workflow`: runs another workflow of the same owner and takes its output
//! (`engine/chain.rs`); what the child used counts against this run.

use serde_json::Value;

use super::failed;
use crate::engine::runner::Runner;
use crate::engine::Stop;
use crate::workflow::template::resolve;
use crate::workflow::{Step, Usage, WorkflowRef};

pub(super) async fn run(
    runner: &Runner<'_>,
    step: &Step,
    target: &WorkflowRef,
    input: &Value,
    scope: &Value,
    usage: &mut Usage,
) -> Result<Value, Stop> {
    let fail = failed(step);
    let input = resolve(input, scope).map_err(&fail)?;
    // Without an input, the child gets the outputs of the steps so far.
    let input = if input.is_null() {
        scope["steps"].clone()
    } else {
        input
    };
    let (output, used) = runner.chain(target, input).await.map_err(fail)?;
    usage.add(&used);
    Ok(output)
}
