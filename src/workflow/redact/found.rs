//! The secret values themselves, for what must keep them apart rather than
//! mask them: the model's placeholders (`agent::vault`) and encryption at
//! rest (`crypt`).

use super::{Redactor, MASK};

impl Redactor {
    /// The secret values in `text`: what [`Redactor::secrets`] masks, read
    /// back by lining the masked text up with the original (the text
    /// between two masks is copied unchanged, so each mask stands for what
    /// lies between the surrounding literal parts).
    pub fn secret_values(&self, text: &str) -> Vec<String> {
        let masked = self.secrets(text);
        if masked == text || text.contains(MASK) {
            return Vec::new();
        }
        let parts: Vec<&str> = masked.split(MASK).collect();
        let mut secrets = Vec::new();
        if !text.starts_with(parts[0]) {
            return Vec::new();
        }
        let mut at = parts[0].len();
        for next in &parts[1..] {
            let end = if next.is_empty() {
                text.len()
            } else {
                match text[at..].find(next) {
                    Some(offset) => at + offset,
                    None => return secrets,
                }
            };
            if end > at {
                secrets.push(text[at..end].to_string());
            }
            at = end + next.len();
        }
        secrets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_values_masked_are_found() {
        let r = Redactor::default();
        assert_eq!(
            r.secret_values("check https://admin:hunter2@x.example/?token=abc123xyz now"),
            vec!["hunter2".to_string(), "abc123xyz".to_string()]
        );
        assert!(r.secret_values("nothing to see").is_empty());
    }
}
