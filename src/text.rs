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

/// Levenshtein distance over characters: how many letters typed wrong
/// ("staus" for "status" is 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("status check", "staus check"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("dashbaord", "dashboard"), 2);
    }

    use super::*;

    #[test]
    fn cuts_on_characters_and_says_so() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("héllo wörld", 5), "héllo…");
        assert_eq!(clip_counted("abcdef", 3), "abc… (cut: 3 more characters)");
    }
}
