//! The ids a chat integration sends (`conversation_id`, `user_id`, a button's
//! `action`), checked at the edge: each names exactly one thing, so an id is
//! refused rather than quietly changed into another ("  alice  " is not
//! "alice").

use super::error::ApiError;

/// The longest id accepted, in characters.
pub const MAX_ID_CHARS: usize = 200;

/// `value` as the id `name`, or a 422 saying what is wrong with it.
pub fn parse(name: &str, value: &str) -> Result<String, ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::unprocessable(format!("{name} must not be empty")));
    }
    if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        return Err(ApiError::unprocessable(format!(
            "{name} must not start or end with white space; send the id exactly as your platform has it"
        )));
    }
    if value.chars().count() > MAX_ID_CHARS {
        return Err(ApiError::unprocessable(format!(
            "{name} must be at most {MAX_ID_CHARS} characters"
        )));
    }
    if value.chars().any(|c| c.is_control() || invisible(c)) {
        return Err(ApiError::unprocessable(format!(
            "{name} must not contain control characters or invisible formatting characters"
        )));
    }
    Ok(value.to_string())
}

/// A display name: trimmed (it names nobody), without control characters.
pub fn parse_name(name: &str, value: &str) -> Result<Option<String>, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > MAX_ID_CHARS || value.chars().any(char::is_control) {
        return Err(ApiError::unprocessable(format!(
            "{name} must be at most {MAX_ID_CHARS} characters, without control characters"
        )));
    }
    Ok(Some(value.to_string()))
}

/// Characters that show as nothing and would make two ids look alike:
/// zero-width spaces and joiners, direction marks and overrides, the word
/// joiner family, the byte-order mark and the soft hyphen.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn refused(value: &str) -> String {
        let error = parse("user_id", value).unwrap_err();
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
        error.message
    }

    #[test]
    fn an_id_is_taken_exactly_as_sent_separators_included() {
        assert_eq!(parse("user_id", "alice").unwrap(), "alice");
        assert_eq!(
            parse("user_id", "mallory|webhook:alice").unwrap(),
            "mallory|webhook:alice"
        );
        assert_eq!(parse("user_id", "Zoë Ørsted").unwrap(), "Zoë Ørsted");
    }

    #[test]
    fn blank_padded_long_control_and_invisible_ids_are_refused() {
        assert!(refused("").contains("must not be empty"));
        assert!(refused("   ").contains("must not be empty"));
        assert!(refused("  alice  ").contains("white space"));
        assert!(refused("alice\u{a0}").contains("white space"));
        assert!(refused("alice\t").contains("white space"));
        assert!(refused(&"a".repeat(MAX_ID_CHARS + 1)).contains("at most 200"));
        assert!(parse("user_id", &"é".repeat(MAX_ID_CHARS)).is_ok());
        assert!(refused("al\u{7}ice").contains("control characters"));
        assert!(refused("ali\u{200B}ce").contains("invisible"));
        assert!(refused("alice\u{202E}").contains("invisible"));
    }

    #[test]
    fn a_display_name_is_trimmed_and_blank_means_none() {
        assert_eq!(
            parse_name("user_name", "  Alice ").unwrap().as_deref(),
            Some("Alice")
        );
        assert_eq!(parse_name("user_name", " ").unwrap(), None);
        assert!(parse_name("user_name", "A\u{0}").is_err());
    }
}
