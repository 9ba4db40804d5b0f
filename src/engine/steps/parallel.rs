//! `parallel`: runs its branches at once, each on its own copy of the
//! scope; a failure in one fails the step, a wait in one makes it wait.

use futures::future::join_all;
use serde_json::{json, Value};

use crate::engine::runner::Runner;
use crate::engine::Stop;
use crate::workflow::Step;

pub(super) async fn run(
    runner: &Runner<'_>,
    key: &str,
    branches: &[Vec<Step>],
    scope: &Value,
) -> Result<Value, Stop> {
    let mut scopes: Vec<Value> = branches.iter().map(|_| scope.clone()).collect();
    let results = join_all(branches.iter().zip(scopes.iter_mut()).enumerate().map(
        |(i, (branch, branch_scope))| runner.run_list(branch, format!("{key}[{i}]."), branch_scope),
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
