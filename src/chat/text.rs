//! Text helpers shared by the platforms: splitting long replies under a
//! platform's limit.

/// Splits `text` into pieces of at most `limit` characters, at line breaks
/// where possible, else at spaces, else anywhere; no piece is empty.
pub fn split(text: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(1);
    let mut pieces = Vec::new();
    let mut rest = text.trim_end();
    while rest.chars().count() > limit {
        // The byte offset just past `limit` characters.
        let end = rest
            .char_indices()
            .nth(limit)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let window = &rest[..end];
        let cut = window
            .rfind('\n')
            .filter(|&i| i > 0)
            .or_else(|| window.rfind(' ').filter(|&i| i > 0))
            .unwrap_or(end);
        pieces.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start_matches(['\n', ' ']);
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(rest.to_string());
    }
    pieces.retain(|p| !p.is_empty());
    if pieces.is_empty() {
        pieces.push(String::new());
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(split("hello", 10), vec!["hello"]);
    }

    #[test]
    fn long_text_splits_at_lines_then_spaces_and_keeps_every_word() {
        let text = format!("{}\n{}", "a ".repeat(30).trim_end(), "b".repeat(25));
        let pieces = split(&text, 20);
        assert!(pieces.iter().all(|p| p.chars().count() <= 20), "{pieces:?}");
        assert_eq!(
            pieces.join(" ").split_whitespace().collect::<String>(),
            text.split_whitespace().collect::<String>()
        );
    }

    #[test]
    fn multibyte_text_splits_on_characters_not_bytes() {
        let text = "é".repeat(4500);
        let pieces = split(&text, 4096);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].chars().count(), 4096);
        assert_eq!(pieces[1].chars().count(), 404);
    }
}
