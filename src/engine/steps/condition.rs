//! `condition`: compares two values and runs the `then` or the `else` steps.

use serde_json::{json, Value};

use super::failed;
use crate::engine::compare;
use crate::engine::runner::Runner;
use crate::engine::Stop;
use crate::workflow::template::resolve;
use crate::workflow::{Check, Step};

pub(super) async fn run(
    runner: &Runner<'_>,
    step: &Step,
    key: &str,
    check: &Check,
    then: &[Step],
    otherwise: &[Step],
    scope: &mut Value,
) -> Result<Value, Stop> {
    // A reference to nothing is "absent", which `exists` and `ne` can test.
    let left = resolve(&check.left, scope).ok();
    let right = resolve(&check.right, scope).map_err(failed(step))?;
    let result = compare::evaluate(left.as_ref(), check.op, &right);
    let (branch, steps) = if result {
        ("then", then)
    } else {
        ("else", otherwise)
    };
    runner
        .run_list(steps, format!("{key}.{branch}."), scope)
        .await?;
    Ok(json!({ "result": result, "branch": branch }))
}
