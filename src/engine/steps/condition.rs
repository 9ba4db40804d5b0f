//! `condition`: compares two values and runs the `then` or the `else` steps.

use serde_json::{json, Value};
use std::sync::atomic::Ordering;

use super::failed;
use crate::engine::compare;
use crate::engine::runner::Runner;
use crate::engine::Stop;
use crate::workflow::template::{lookup, resolve};
use crate::workflow::{Check, Op, Step};

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
    let result = if check.op == Op::Changed {
        changed(runner, check, left, scope).map_err(failed(step))?
    } else {
        let right = resolve(&check.right, scope).map_err(failed(step))?;
        compare::evaluate(left.as_ref(), check.op, &right)
    };
    let (branch, steps, other) = if result {
        ("then", then, otherwise)
    } else {
        ("else", otherwise, then)
    };
    if speaks(other) && !speaks(steps) {
        runner.held_back.store(true, Ordering::Relaxed);
    }
    runner
        .run_list(steps, format!("{key}.{branch}."), scope)
        .await?;
    Ok(json!({ "result": result, "branch": branch }))
}

/// Whether steps tell someone something (a message, anywhere inside).
fn speaks(steps: &[Step]) -> bool {
    steps.iter().any(|step| {
        matches!(step.action, crate::workflow::Action::Message { .. })
            || step.children().iter().any(|c| speaks(c))
    })
}

/// Whether `left` differs from its value in the previous successful run:
/// `right` when the check gives one, else the same step output in
/// `${previous.output...}`. Nothing to compare with (the first run, or a
/// previous run without that value) is no change: the baseline. Values
/// are compared as stored, with private data masked.
fn changed(
    runner: &Runner<'_>,
    check: &Check,
    left: Option<Value>,
    scope: &Value,
) -> Result<bool, String> {
    let Some(left) = left else {
        return Ok(false);
    };
    let before = if check.right.is_null() {
        let path = previous_path(&check.left).ok_or_else(|| {
            format!(
                "'changed' compares a step's output with the previous run's: write left as ${{steps.<id>.output...}}, not {}",
                check.left
            )
        })?;
        lookup(&path, scope).ok().cloned()
    } else {
        resolve(&check.right, scope).ok()
    };
    Ok(match before {
        None | Some(Value::Null) => false,
        Some(before) => runner.engine.redactor.value(&left) != before,
    })
}

/// `${steps.page.output.body}` → `previous.output.page.body`.
fn previous_path(left: &Value) -> Option<String> {
    let reference = left
        .as_str()?
        .trim()
        .strip_prefix("${")?
        .strip_suffix('}')?;
    let rest = reference.trim().strip_prefix("steps.")?;
    let (id, rest) = rest.split_once('.').unwrap_or((rest, ""));
    let rest = match rest {
        "output" => "",
        other => other.strip_prefix("output.")?,
    };
    Some(if rest.is_empty() {
        format!("previous.output.{id}")
    } else {
        format!("previous.output.{id}.{rest}")
    })
}

#[cfg(test)]
mod tests {
    use super::previous_path;
    use serde_json::json;

    #[test]
    fn a_step_reference_has_its_twin_in_the_previous_run() {
        let path = |left| previous_path(&json!(left));
        assert_eq!(
            path("${steps.page.output.body}").as_deref(),
            Some("previous.output.page.body")
        );
        assert_eq!(
            path(" ${steps.page.output} ").as_deref(),
            Some("previous.output.page")
        );
        assert_eq!(
            path("${steps.p.output.body.items[0]}").as_deref(),
            Some("previous.output.p.body.items[0]")
        );
        assert_eq!(path("${input.x}"), None);
        assert_eq!(path("${steps.page.status}"), None);
        assert_eq!(path("price ${steps.page.output.body}"), None);
    }
}
