//! A workflow's `{{KEY:name}}` values in words: the ones that are not secret
//! written into the steps shown, secret ones only ever as "(set)".

use std::collections::BTreeMap;

use serde_json::Value;

use crate::workflow::catalogue::{is_secret_name, shown_value};
use crate::workflow::template::fill_placeholders;

/// `steps` with the values that are not secret written in, for showing.
pub fn shown_steps(steps: &Value, values: &BTreeMap<String, String>) -> Value {
    let plain: BTreeMap<String, String> = values
        .iter()
        .filter(|(name, _)| !is_secret_name(name))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut shown = steps.clone();
    // A secret left unfilled stays a {{KEY:name}}, which names it only.
    for name in values.keys().filter(|name| is_secret_name(name)) {
        shown = rename(shown, name);
    }
    fill_placeholders(shown.clone(), &plain).unwrap_or(shown)
}

/// `{{KEY:name}}` as `(name)`, so filling leaves it and shows which it is.
fn rename(value: Value, name: &str) -> Value {
    let marker = format!("{{{{KEY:{name}}}}}");
    let text = value.to_string().replace(&marker, &format!("({name})"));
    serde_json::from_str(&text).unwrap_or(value)
}

/// `text` (what the person said) with the secret placeholder values of
/// this turn masked: the one just given to a template draft, or to
/// `set_placeholder`; so the history (which the model reads later) never
/// keeps them.
pub fn hide_secret_values(
    draft: Option<&crate::agent::draft::Draft>,
    actions: &[crate::agent::ActionRecord],
    text: String,
) -> String {
    let mut secrets: Vec<String> = Vec::new();
    if let Some(crate::agent::draft::Draft::Create { spec }) = draft {
        let asked = spec.asking.as_deref().map(|a| &a.values);
        for values in [Some(&spec.placeholders), asked].into_iter().flatten() {
            secrets.extend(
                values
                    .iter()
                    .filter(|(name, _)| is_secret_name(name))
                    .map(|(_, value)| value.clone()),
            );
        }
    }
    for action in actions.iter().filter(|a| a.tool == "set_placeholder") {
        if action.args["name"].as_str().is_some_and(is_secret_name)
            || action.result["secret"] == true
        {
            secrets.extend(action.args["value"].as_str().map(str::to_string));
        }
    }
    secrets
        .iter()
        .filter(|secret| secret.len() >= 4)
        .fold(text, |text, secret| {
            text.replace(secret.as_str(), crate::workflow::redact::MASK)
        })
}

/// "URL = https://example.com, API_TOKEN = (set)"; none without values.
pub fn values_line(values: &BTreeMap<String, String>) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    let parts: Vec<String> = values
        .iter()
        .map(|(name, value)| {
            let value = if value.is_empty() {
                "(empty)".to_string()
            } else {
                shown_value(name, value)
            };
            format!("{name} = {value}")
        })
        .collect();
    Some(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_named_never_shown_and_the_rest_is_written_in() {
        let values = BTreeMap::from([
            ("URL".to_string(), "https://a.example".to_string()),
            ("API_TOKEN".to_string(), "s3cret".to_string()),
        ]);
        let steps = json!([{"url": "{{KEY:URL}}", "h": "Bearer {{KEY:API_TOKEN}}"}]);
        let shown = shown_steps(&steps, &values).to_string();
        assert!(shown.contains("https://a.example"), "{shown}");
        assert!(shown.contains("Bearer (API_TOKEN)"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
        let line = values_line(&values).unwrap();
        assert_eq!(line, "API_TOKEN = (set), URL = https://a.example");
    }
}
