//! Holidays named after a weekday ("good friday", "black friday", "cyber
//! monday"): steward has no holiday calendar, and reading the weekday alone
//! would quietly schedule the next Friday. The reader asks instead.

use super::tokens::Token;
use super::words::{weekday, word};

/// Words that make a weekday after them a holiday.
const QUALIFIERS: &[&str] = &[
    "good", "black", "cyber", "ash", "holy", "maundy", "shrove", "fat", "whit", "palm", "easter",
    "giving", "super",
];

/// The first holiday whose weekday the schedule took, or that stands
/// right beside the schedule's words ("good friday 10am", "at 9 black
/// friday"), as (first token, token count).
pub fn named_day(tokens: &[Token], used: &[bool]) -> Option<(usize, usize)> {
    (1..tokens.len())
        .find(|&i| {
            let beside = used.get(i + 1).copied().unwrap_or(false) || (i >= 2 && used[i - 2]);
            (used[i] || beside)
                && weekday(word(tokens, i)).is_some()
                && QUALIFIERS.contains(&word(tokens, i - 1))
        })
        .map(|i| (i - 1, 2))
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn found(text: &str) -> Option<String> {
        let tokens = tokenize(text);
        let used = vec![true; tokens.len()];
        named_day(&tokens, &used)
            .map(|(start, len)| text[tokens[start].start..tokens[start + len - 1].end].to_string())
    }

    #[test]
    fn holidays_named_after_weekdays_are_found() {
        assert_eq!(found("on Good Friday").as_deref(), Some("Good Friday"));
        assert_eq!(found("every black friday").as_deref(), Some("black friday"));
        assert_eq!(
            found("on cyber monday at 9").as_deref(),
            Some("cyber monday")
        );
        assert_eq!(found("every friday at 9"), None);
        assert_eq!(found("the first friday"), None);
    }
}
