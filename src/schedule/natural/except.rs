//! Exclusions: "except weekends", "but not on fridays", "excluding saturdays
//! and sundays", "other than wednesday", and words that leave days out only
//! when days follow them: "every day but saturday", "no weekends", "without
//! sundays", "save fridays". What can be left out is days of the week;
//! anything else after "except" is not placed, and the guard asks.

use chrono::Weekday;

use super::tokens::Token;
use super::words::{is_joiner, word};

/// Whether an exclusion starts at `i`.
pub fn introduces(tokens: &[Token], i: usize) -> bool {
    start(tokens, i).is_some()
}

/// Where the excluded words start, after "except", "but not"…
fn start(tokens: &[Token], i: usize) -> Option<usize> {
    // "but skip saturdays", "but never on weekends"
    if word(tokens, i) == "but" && word(tokens, i + 1) != "not" {
        if let Some(j) = start(tokens, i + 1) {
            return Some(j);
        }
    }
    let j = match (word(tokens, i), word(tokens, i + 1)) {
        ("except" | "excluding" | "excepting", _) => i + 1,
        ("but", "not") | ("other", "than") => i + 2,
        ("apart" | "aside", "from") | ("outside", "of") => i + 2,
        // Ordinary words elsewhere ("save the file", "no matter what"):
        // an exclusion only with days right after them.
        (
            "but" | "save" | "minus" | "without" | "bar" | "barring" | "sans" | "not" | "no"
            | "skip" | "skipping" | "outside" | "never",
            _,
        ) if days_at(tokens, past_fillers(tokens, i + 1)).is_some() => i + 1,
        _ => return None,
    };
    Some(j)
}

/// The first token from `j` on that is not "for", "on", "the"…
fn past_fillers(tokens: &[Token], mut j: usize) -> usize {
    while matches!(word(tokens, j), "for" | "on" | "the" | "at" | "during") {
        j += 1;
    }
    j
}

/// The days left out and the tokens the clause took.
pub fn recognize(tokens: &[Token], i: usize) -> Option<(Vec<Weekday>, usize)> {
    let mut j = start(tokens, i)?;
    if word(tokens, i) == "but" && word(tokens, i + 2) == "on" {
        j += 1;
    }
    // "except for", "except on", "except the weekend", "except on the weekends"
    j = past_fillers(tokens, j);
    let (mut days, mut k) = days_at(tokens, j)?;
    while is_joiner(word(tokens, k)) {
        let next = if word(tokens, k + 1) == "on" {
            k + 2
        } else {
            k + 1
        };
        match days_at(tokens, next) {
            Some((more, end)) => {
                days.extend(more);
                k = end;
            }
            None => break,
        }
    }
    days.sort_by_key(|d| d.num_days_from_monday());
    days.dedup();
    Some((days, k - i))
}

/// "weekends", "the weekend", "weekdays", "friday", "fridays".
fn days_at(tokens: &[Token], j: usize) -> Option<(Vec<Weekday>, usize)> {
    // "weekends", "workdays"; "friday", "mon-wed", "monday through wednesday", "sat/sun"
    let Some(days) = super::recur::plural_days(word(tokens, j)) else {
        let (days, len) = super::recur::weekday_list(tokens, j)?;
        return Some((days, j + len));
    };
    // "weekend days", "saturdays and sundays"
    let end = if matches!(word(tokens, j + 1), "day" | "days") && days.len() > 1 {
        j + 2
    } else {
        j + 1
    };
    Some((days, end))
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;
    use Weekday::*;

    fn read(text: &str) -> Option<Vec<Weekday>> {
        recognize(&tokenize(text), 0).map(|(days, _)| days)
    }

    #[test]
    fn exclusions_name_days() {
        assert_eq!(read("except weekends"), Some(vec![Sat, Sun]));
        assert_eq!(read("except the weekend"), Some(vec![Sat, Sun]));
        assert_eq!(read("but not on sundays"), Some(vec![Sun]));
        assert_eq!(
            read("excluding saturdays and sundays"),
            Some(vec![Sat, Sun])
        );
        assert_eq!(read("except friday"), Some(vec![Fri]));
        assert_eq!(read("other than mon, wed"), Some(vec![Mon, Wed]));
        assert_eq!(read("except the first monday"), None);
        assert_eq!(read("except holidays"), None);
    }

    #[test]
    fn ordinary_words_leave_days_out_only_before_days() {
        assert_eq!(read("but saturday"), Some(vec![Sat]));
        assert_eq!(read("save fridays"), Some(vec![Fri]));
        assert_eq!(read("without the weekend"), Some(vec![Sat, Sun]));
        assert_eq!(read("no weekend days"), Some(vec![Sat, Sun]));
        assert_eq!(read("not on sat or sun"), Some(vec![Sat, Sun]));
        assert_eq!(read("outside of weekends"), Some(vec![Sat, Sun]));
        assert_eq!(read("minus mondays"), Some(vec![Mon]));
        assert_eq!(read("but skip saturday"), Some(vec![Sat]));
        assert_eq!(read("except mon-wed"), Some(vec![Mon, Tue, Wed]));
        assert_eq!(
            read("except monday through wednesday"),
            Some(vec![Mon, Tue, Wed])
        );
        assert_eq!(read("except sat/sun"), Some(vec![Sat, Sun]));
        for ordinary in [
            "but only at 9",
            "save the report",
            "no matter what",
            "without errors",
        ] {
            assert_eq!(read(ordinary), None, "{ordinary}");
            assert!(!introduces(&tokenize(ordinary), 0), "{ordinary}");
        }
    }
}
