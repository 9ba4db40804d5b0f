//! What is sealed: the secrets the redactor recognises (credentials in URLs,
//! authorization values, known token shapes), the values of secret-named
//! fields, and values that are secrets by their place (a workflow's
//! `{{KEY:…}}` placeholder values). The text around them stays as it was.

use serde_json::Value;

use super::{seal_values, Cipher};
use crate::workflow::redact::{is_secret_field, Redactor};

/// Which strings of a JSON value are sealed whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whole {
    /// The values of secret-named fields ("Authorization", "password").
    SecretFields,
    /// Every string (placeholder values: each one is a key).
    EveryString,
}

/// `text` (prose, such as an instruction) with its secrets sealed.
pub fn seal_text(cipher: &Cipher, text: &str) -> String {
    let values = Redactor::default().secret_values(text);
    if values.is_empty() {
        return text.to_string();
    }
    seal_values(cipher, text, &values)
}

/// `json` (a plan, a draft, placeholders) with its secrets sealed: strings
/// sealed whole as `whole` says, and what the redactor finds in the others.
/// When something is sealed the JSON is written the way serde writes it, so
/// each secret appears exactly as its escaped string; opening gives that
/// text back byte for byte.
pub fn seal_json(cipher: &Cipher, json: &str, whole: Whole) -> String {
    let Ok(value) = serde_json::from_str::<Value>(json) else {
        return seal_text(cipher, json);
    };
    let mut values = Vec::new();
    collect(&value, whole, false, &mut values);
    if values.is_empty() {
        return json.to_string();
    }
    let escaped: Vec<String> = values.iter().map(|v| escaped(v)).collect();
    seal_values(cipher, &value.to_string(), &escaped)
}

/// A string as it is written inside a JSON string.
fn escaped(text: &str) -> String {
    let quoted = Value::String(text.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

fn collect(value: &Value, whole: Whole, secret_field: bool, out: &mut Vec<String>) {
    match value {
        Value::String(text) if secret_field || whole == Whole::EveryString => {
            out.push(text.clone())
        }
        Value::String(text) => out.extend(Redactor::default().secret_values(text)),
        Value::Array(items) => {
            for item in items {
                collect(item, whole, secret_field, out);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                collect(field, whole, secret_field || is_secret_field(name), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypt::{open, Key};

    fn cipher() -> Cipher {
        Cipher::new(&Key::from_bytes([7; 32]))
    }

    #[test]
    fn a_plan_keeps_its_shape_and_hides_its_credentials() {
        let c = cipher();
        let plan = r#"[{"id":"check","http":{"url":"https://admin:hun\"ter2@x.example/?token=abc123xyz","headers":{"Authorization":"Basic YWxhZGRpbjpvcGVu","Accept":"text/plain"}}}]"#;
        let sealed = seal_json(&c, plan, Whole::SecretFields);
        // The password whole, as the plan writes it: a random token may hold
        // "hun" by chance, never a backslash (base64).
        for secret in [r#"hun\"ter2"#, "abc123xyz", "YWxhZGRpbjpvcGVu"] {
            assert!(!sealed.contains(secret), "{sealed}");
        }
        for kept in ["https://admin:", "x.example", "\"Accept\":\"text/plain\""] {
            assert!(sealed.contains(kept), "{sealed}");
        }
        assert_eq!(open(Some(&c), &sealed).unwrap(), plan);
    }

    #[test]
    fn placeholder_values_are_sealed_whole() {
        let c = cipher();
        let sealed = seal_json(&c, r#"{"db":"plain-looking"}"#, Whole::EveryString);
        assert!(!sealed.contains("plain-looking"), "{sealed}");
        assert_eq!(
            open(Some(&c), &sealed).unwrap(),
            r#"{"db":"plain-looking"}"#
        );
    }

    #[test]
    fn text_without_secrets_is_kept_as_written() {
        let c = cipher();
        let plan = "[ {\"message\": \"good morning\"} ]";
        assert_eq!(seal_json(&c, plan, Whole::SecretFields), plan);
        assert_eq!(
            seal_text(&c, "check https://x.example"),
            "check https://x.example"
        );
    }
}
