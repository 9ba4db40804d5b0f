//! Secrets in a message on their way to the language model: each one found
//! by the redactor's shapes is replaced with a placeholder (`[secret 1]`),
//! the model works with the placeholders, and its tool calls get the real
//! values back before they run; tool results going back to the model are
//! sealed again. The model never sees the value; the workflow keeps it.

use serde_json::Value;

use crate::workflow::redact::{Redactor, MASK};

/// The secrets of one turn and their placeholders.
#[derive(Debug, Default)]
pub struct Vault {
    /// (placeholder, value), in order of appearance.
    secrets: Vec<(String, String)>,
}

impl Vault {
    /// `text` with its secrets replaced by placeholders, remembered here.
    pub fn seal(&mut self, text: &str) -> String {
        for secret in found(text) {
            if !self.secrets.iter().any(|(_, known)| *known == secret) {
                let placeholder = format!("[secret {}]", self.secrets.len() + 1);
                self.secrets.push((placeholder, secret));
            }
        }
        self.hide(text)
    }

    /// `text` with the secrets known here replaced by their placeholders.
    fn hide(&self, text: &str) -> String {
        let mut out = text.to_string();
        // Longest first, so a secret inside another is not half-replaced.
        let mut by_length: Vec<&(String, String)> = self.secrets.iter().collect();
        by_length.sort_by_key(|(_, value)| std::cmp::Reverse(value.len()));
        for (placeholder, value) in by_length {
            out = out.replace(value.as_str(), placeholder);
        }
        out
    }

    /// `value` with every string's secrets replaced by placeholders (a tool
    /// result on its way to the model).
    pub fn seal_value(&self, value: &Value) -> Value {
        map_strings(value, &|text| self.hide(text))
    }

    /// `value` with the placeholders replaced by their secrets (a tool
    /// call's arguments on their way to run).
    pub fn open_value(&self, value: &Value) -> Value {
        map_strings(value, &|text| {
            let mut out = text.to_string();
            for (placeholder, secret) in &self.secrets {
                out = out.replace(placeholder.as_str(), secret);
            }
            out
        })
    }

    /// `text` from the model with placeholders shown as masked.
    pub fn masked(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (placeholder, _) in &self.secrets {
            out = out.replace(placeholder.as_str(), MASK);
        }
        out
    }
}

fn map_strings(value: &Value, f: &dyn Fn(&str) -> String) -> Value {
    match value {
        Value::String(text) => Value::String(f(text)),
        Value::Array(items) => Value::Array(items.iter().map(|v| map_strings(v, f)).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), map_strings(v, f)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The secret values in `text`: what the redactor masks.
fn found(text: &str) -> Vec<String> {
    Redactor::default().secret_values(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_become_placeholders_for_the_model_and_come_back_for_the_tools() {
        let mut vault = Vault::default();
        let said = vault.seal(
            "every day at 9 check https://admin:hunter2@status.example.com/?token=abc123xyz and tell me",
        );
        assert_eq!(
            said,
            "every day at 9 check https://admin:[secret 1]@status.example.com/?token=[secret 2] and tell me"
        );
        let args = json!({"instruction": "check https://admin:[secret 1]@status.example.com/?token=[secret 2]"});
        assert_eq!(
            vault.open_value(&args)["instruction"],
            "check https://admin:hunter2@status.example.com/?token=abc123xyz"
        );
        let result = json!({"plan": [{"url": "https://admin:hunter2@status.example.com"}]});
        assert_eq!(
            vault.seal_value(&result)["plan"][0]["url"],
            "https://admin:[secret 1]@status.example.com"
        );
        assert_eq!(
            vault.masked("Made it for https://admin:[secret 1]@status.example.com"),
            "Made it for https://admin:[redacted]@status.example.com"
        );
    }

    #[test]
    fn text_without_secrets_is_untouched() {
        let mut vault = Vault::default();
        assert_eq!(
            vault.seal("remind me to stand up at 9"),
            "remind me to stand up at 9"
        );
        assert_eq!(vault.open_value(&json!("x")), json!("x"));
    }
}
