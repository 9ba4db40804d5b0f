//! The system prompts under `prompts/`, compiled in; `STEWARD_PROMPTS_DIR`
//! points at a folder whose files replace them (to try wording without a
//! rebuild).

use std::collections::BTreeMap;

/// A prompt by file stem ("agent"), with `{{key}}` placeholders filled.
pub fn render(name: &str, values: &BTreeMap<&str, String>) -> String {
    let mut text = load(name);
    for (key, value) in values {
        text = text.replace(&format!("{{{{{key}}}}}"), value);
    }
    text
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
}
