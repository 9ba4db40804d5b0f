//! `${input.x}`, `${steps.<id>.output.x}` and `${vars.x}` references, filled at
//! run time, and `{{KEY:name}}` placeholders, filled when the plan is built.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Replaces `{{KEY:name}}` in every string of `value` with the workflow's
/// placeholder values. A placeholder with no value is an error naming it.
pub fn fill_placeholders(value: Value, values: &BTreeMap<String, String>) -> Result<Value, String> {
    map_strings(value, &mut |text| {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            let inner = &rest[start + 2..start + len];
            match inner.strip_prefix("KEY:") {
                Some(name) => {
                    let name = name.trim();
                    let value = values
                        .get(name)
                        .ok_or_else(|| format!("the placeholder {{{{KEY:{name}}}}} has no value: set it in the workflow's placeholders"))?;
                    out.push_str(&rest[..start]);
                    out.push_str(value);
                }
                None => out.push_str(&rest[..start + len + 2]),
            }
            rest = &rest[start + len + 2..];
        }
        out.push_str(rest);
        Ok(Value::String(out))
    })
}

/// Resolves `${...}` references in `value` against `scope` (an object with
/// `input`, `steps` and `vars`). A string that is exactly one reference becomes
/// the referenced value (keeping numbers and objects); references inside longer
/// text are written as text. A missing reference is an error naming it.
pub fn resolve(value: &Value, scope: &Value) -> Result<Value, String> {
    map_strings(value.clone(), &mut |text| resolve_text(text, scope))
}

fn resolve_text(text: &str, scope: &Value) -> Result<Value, String> {
    let trimmed = text.trim();
    if trimmed.starts_with("${") && trimmed.ends_with('}') && trimmed.matches("${").count() == 1 {
        return lookup(&trimmed[2..trimmed.len() - 1], scope).cloned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let found = lookup(&rest[start + 2..start + len], scope)?;
        match found {
            Value::String(s) => out.push_str(s),
            Value::Null => {}
            other => out.push_str(&other.to_string()),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

/// Follows a dotted path (`steps.check.output.status`, `vars.items[2]`).
pub fn lookup<'a>(path: &str, scope: &'a Value) -> Result<&'a Value, String> {
    let path = path.trim();
    let mut current = scope;
    for segment in path.split('.') {
        let (name, indices) = match segment.find('[') {
            Some(at) => (&segment[..at], &segment[at..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            current = match current {
                Value::Object(map) => map.get(name),
                Value::Array(items) => name.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
            .ok_or_else(|| format!("${{{path}}} refers to nothing ('{name}' is missing)"))?;
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let index: usize = index
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("${{{path}}}: '[{index}' is not a list index"))?;
            current = current
                .as_array()
                .and_then(|items| items.get(index))
                .ok_or_else(|| format!("${{{path}}} refers to nothing (no item {index})"))?;
        }
    }
    Ok(current)
}

fn map_strings(
    value: Value,
    f: &mut dyn FnMut(&str) -> Result<Value, String>,
) -> Result<Value, String> {
    Ok(match value {
        Value::String(text) => {
            if text.contains("${") || text.contains("{{") {
                f(&text)?
            } else {
                Value::String(text)
            }
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| map_strings(item, f))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, item) in map {
                out.insert(key, map_strings(item, f)?);
            }
            Value::Object(out)
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_resolve_to_values_or_text() {
        let scope = json!({
            "input": {"city": "Paris"},
            "steps": {"check": {"output": {"status": 503, "items": [1, 2]}}},
            "vars": {"item": "x"}
        });
        assert_eq!(
            resolve(&json!("${steps.check.output.status}"), &scope).unwrap(),
            json!(503)
        );
        assert_eq!(
            resolve(
                &json!("HTTP ${steps.check.output.status} in ${input.city}"),
                &scope
            )
            .unwrap(),
            json!("HTTP 503 in Paris")
        );
        assert_eq!(
            resolve(&json!("${steps.check.output.items[1]}"), &scope).unwrap(),
            json!(2)
        );
        assert_eq!(
            resolve(&json!({"a": ["${vars.item}"]}), &scope).unwrap(),
            json!({"a": ["x"]})
        );
        let err = resolve(&json!("${steps.nope.output}"), &scope).unwrap_err();
        assert!(err.contains("'nope' is missing"), "{err}");
    }

    #[test]
    fn placeholders_fill_or_name_the_missing_one() {
        let values = BTreeMap::from([("token".to_string(), "s3cret".to_string())]);
        assert_eq!(
            fill_placeholders(json!({"h": "Bearer {{KEY:token}}"}), &values).unwrap(),
            json!({"h": "Bearer s3cret"})
        );
        let err = fill_placeholders(json!("{{KEY:other}}"), &values).unwrap_err();
        assert!(err.contains("{{KEY:other}} has no value"), "{err}");
        assert_eq!(
            fill_placeholders(json!("{{not a key}}"), &values).unwrap(),
            json!("{{not a key}}")
        );
    }
}
