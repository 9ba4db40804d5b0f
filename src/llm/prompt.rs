//! The system prompts under `prompts/`, compiled in; `STEWARD_PROMPTS_DIR`
//! points at a folder whose files replace them (to try wording without a
//! rebuild).

use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A prompt by file stem ("agent"), with `{{key}}` placeholders filled in
/// one pass: a value that itself contains `{{key}}` is left as written.
pub fn render(name: &str, values: &BTreeMap<&str, String>) -> String {
    static PLACEHOLDER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\{\{([a-z_]+)\}\}").expect("valid pattern"));
    let text = load(name);
    PLACEHOLDER
        .replace_all(&text, |found: &regex::Captures| {
            match values.get(&found[1]) {
                Some(value) => value.clone(),
                None => found[0].to_string(),
            }
        })
        .into_owned()
}

fn load(name: &str) -> String {
    if let Ok(dir) = std::env::var("STEWARD_PROMPTS_DIR") {
        let path = std::path::Path::new(&dir).join(format!("{name}.md"));
        match std::fs::read_to_string(&path) {
            Ok(text) => return text,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "prompt override not read; using the built-in one")
            }
        }
    }
    match name {
        "agent" => include_str!("../../prompts/agent.md").to_string(),
        "run" => include_str!("../../prompts/run.md").to_string(),
        other => format!("(no prompt named {other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let values = BTreeMap::from([("timezone", "Europe/Paris".to_string())]);
        let text = render("agent", &values);
        assert!(text.contains("Europe/Paris"));
        assert!(!text.contains("{{timezone}}"));
    }

    #[test]
    fn values_are_not_read_as_placeholders() {
        let values = BTreeMap::from([
            ("previous_run", "\"{{workflow}}\"".to_string()),
            ("workflow", "Secret plans".to_string()),
        ]);
        let text = render("run", &values);
        assert!(text.contains("\"{{workflow}}\""), "{text}");
    }
}
