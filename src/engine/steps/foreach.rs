//! `foreach`: runs its steps once per item of a list, the item in
//! `${vars.<var>}` and its position in `${vars.index}`.

use serde_json::{json, Value};

use super::failed;
use crate::engine::runner::Runner;
use crate::engine::Stop;
use crate::workflow::template::resolve;
use crate::workflow::{clip, Step};

/// The most items a `foreach` step walks.
const MAX_FOREACH_ITEMS: usize = 1_000;

pub(super) async fn run(
    runner: &Runner<'_>,
    step: &Step,
    key: &str,
    items: &Value,
    var: &str,
    steps: &[Step],
    scope: &Value,
) -> Result<Value, Stop> {
    let fail = failed(step);
    let items = match resolve(items, scope).map_err(&fail)? {
        Value::Array(items) => items,
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => items,
            _ => {
                return Err(fail(format!(
                    "'items' must be a list, got the text '{}'",
                    clip(&text, 60)
                )))
            }
        },
        other => {
            return Err(fail(format!(
                "'items' must be a list, got {}",
                clip(&other.to_string(), 60)
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
        runner
            .run_list(steps, format!("{key}[{i}]."), &mut item_scope)
            .await?;
        outputs.push(item_scope["steps"].clone());
    }
    Ok(json!({ "count": items.len(), "items": outputs }))
}
