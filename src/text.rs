//! Cutting text to a length, the one way steward does it: for names,
//! answers, errors and inputs quoted back in one line. A leaf any module may
//! use.

/// "once", "twice", "3 times".
pub fn times(n: u32) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// At most `max` characters of `text`, with "…" when cut.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// At most `max` characters of `text`, saying how much was cut: for what a
/// language model reads, so it knows the rest exists.
pub fn clip_counted(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!(
            "{}… (cut: {} more characters)",
            &text[..cut],
            text[cut..].chars().count()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_on_characters_and_says_so() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("héllo wörld", 5), "héllo…");
        assert_eq!(clip_counted("abcdef", 3), "abc… (cut: 3 more characters)");
    }
}
