//! The `condition` step's operators: `eq ne gt lt gte lte contains exists`.

use serde_json::Value;

use crate::workflow::Op;

/// Evaluates `left op right`. Numbers compare as numbers (also when written as
/// strings, e.g. an HTTP status read from text); other values compare as JSON.
pub fn evaluate(left: Option<&Value>, op: Op, right: &Value) -> bool {
    let Some(left) = left else {
        return matches!(op, Op::Ne);
    };
    match op {
        Op::Exists => !left.is_null(),
        // Needs the previous run: the condition step decides it.
        Op::Changed => false,
        Op::Eq => equal(left, right),
        Op::Ne => !equal(left, right),
        Op::Gt | Op::Lt | Op::Gte | Op::Lte => match (number(left), number(right)) {
            (Some(a), Some(b)) => match op {
                Op::Gt => a > b,
                Op::Lt => a < b,
                Op::Gte => a >= b,
                _ => a <= b,
            },
            _ => match (left.as_str(), right.as_str()) {
                (Some(a), Some(b)) => match op {
                    Op::Gt => a > b,
                    Op::Lt => a < b,
                    Op::Gte => a >= b,
                    _ => a <= b,
                },
                _ => false,
            },
        },
        Op::Contains => match left {
            Value::String(text) => text.contains(&text_of(right)),
            Value::Array(items) => items.iter().any(|item| equal(item, right)),
            Value::Object(map) => right.as_str().is_some_and(|key| map.contains_key(key)),
            _ => false,
        },
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b || text_of(a) == text_of(b),
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operators_compare_like_people_expect() {
        assert!(evaluate(Some(&json!(503)), Op::Gte, &json!(400)));
        assert!(evaluate(Some(&json!("503")), Op::Eq, &json!(503)));
        assert!(!evaluate(Some(&json!(200)), Op::Gte, &json!(400)));
        assert!(evaluate(
            Some(&json!("all systems down")),
            Op::Contains,
            &json!("down")
        ));
        assert!(evaluate(Some(&json!([1, 2])), Op::Contains, &json!(2)));
        assert!(evaluate(Some(&json!(true)), Op::Eq, &json!(true)));
        assert!(evaluate(Some(&json!("x")), Op::Exists, &Value::Null));
        assert!(!evaluate(None, Op::Exists, &Value::Null));
        assert!(evaluate(None, Op::Ne, &json!(1)));
    }
}
