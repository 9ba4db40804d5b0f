//! Words beside a schedule that were not read and would change it if they
//! were: a repeat ("every wkday at 9" must not become one time tomorrow at
//! 9, with "every wkday" in the task) and a day of the month ("every month
//! 15th at 9am" must not run on the 1st).

use super::build::Clause;
use super::tokens::Token;
use super::words::{ordinal, word};

/// The unread "every …" (first token, token count) when the schedule read
/// is one time only and "every" or "each" stands unplaced where a repeat
/// would: first in the sentence, or right before the words that were read
/// ("every wkday at 9"). "check every page at 9 tomorrow" keeps its words.
pub fn repeat(tokens: &[Token], used: &[bool], found: &[Clause]) -> Option<(usize, usize)> {
    if found.iter().any(|c| matches!(c, Clause::Recur(_))) {
        return None;
    }
    let quoted = super::guard::quoted(tokens);
    (0..tokens.len())
        .find(|&i| {
            !used[i]
                && !quoted[i]
                && matches!(word(tokens, i), "every" | "each" | "evry" | "everyday")
                && (i == 0 || used.get(i + 2).copied().unwrap_or(false))
                && i + 1 < tokens.len()
                && !used[i + 1]
        })
        .map(|i| (i, 2))
}

/// An unread day of the month ("15th") right beside words that were read
/// ("every month 15th at 9am"); one elsewhere ("say happy 5th
/// anniversary") is the task's.
pub fn day_of_month(tokens: &[Token], used: &[bool]) -> Option<usize> {
    let quoted = super::guard::quoted(tokens);
    let beside = |i: usize| (i > 0 && used[i - 1]) || used.get(i + 1).copied().unwrap_or(false);
    (0..tokens.len()).find(|&i| {
        let w = word(tokens, i);
        !used[i]
            && !quoted[i]
            && w.starts_with(|c: char| c.is_ascii_digit())
            && ordinal(w).is_some_and(|n| (1..=31).contains(&n))
            && beside(i)
    })
}

/// Digits that would be a time of day ("1730", "830") standing right beside
/// words that were read ("daily 1730 say leave"), as (token, hour, minute):
/// without "at" they are not read as a time, and must not stay in the task
/// while the schedule runs at the default hour. "0830" and "1730hrs" are
/// read as times already.
pub fn clock_digits(tokens: &[Token], used: &[bool]) -> Option<(usize, u32, u32)> {
    let quoted = super::guard::quoted(tokens);
    (0..tokens.len()).find_map(|i| {
        let w = word(tokens, i);
        let beside = (i > 0 && used[i - 1]) || used.get(i + 1).copied().unwrap_or(false);
        if used[i] || quoted[i] || !beside || !(3..=4).contains(&w.len()) {
            return None;
        }
        if !w.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (hour, minute) = w.split_at(w.len() - 2);
        let (hour, minute): (u32, u32) = (hour.parse().ok()?, minute.parse().ok()?);
        // "100 pushups" is no time; "830" is
        let time = hour <= 23 && minute <= 59 && (w.len() == 4 || minute > 0);
        time.then_some((i, hour, minute))
    })
}

/// Words that name when without a time steward knows, beside a schedule
/// that has no time of its own ("every day at lunchtime", "every weekday at
/// EOD", "every 5 minutes for an hour"): the schedule would run at the
/// default hour, or forever, with them in the task. As (first token, count).
pub fn unnamed_time(tokens: &[Token], used: &[bool], timed: bool) -> Option<(usize, usize)> {
    let quoted = super::guard::quoted(tokens);
    let beside = |i: usize| (i > 0 && used[i - 1]) || used.get(i + 1).copied().unwrap_or(false);
    (0..tokens.len()).find_map(|i| {
        let next = word(tokens, i + 1);
        // "at bedtime every day": beside the schedule after its word
        let after_word = used.get(i + 2).copied().unwrap_or(false);
        if used[i] || quoted[i] || !(beside(i) || after_word) {
            return None;
        }
        let lettered = !next.is_empty() && next.chars().all(|c| c.is_alphabetic());
        // "at the end of the day"; not "at the office", "at home"
        let end = next == "end" || (next == "the" && word(tokens, i + 2) == "end");
        let place = matches!(
            next,
            "least"
                | "all"
                | "most"
                | "once"
                | "the"
                | "a"
                | "an"
                | "my"
                | "our"
                | "your"
                | "his"
                | "her"
                | "their"
                | "home"
                | "work"
                | "school"
                | "office"
        );
        match word(tokens, i) {
            // "at lunchtime", "at end of day", "at bedtime"
            "at" if !timed && lettered && (end || !place) => {
                let len = match (end, next) {
                    (true, "the") => 6,
                    (true, _) => 4,
                    _ => 2,
                };
                Some((i, len.min(tokens.len() - i)))
            }
            // "for an hour", "for 2 weeks": how long it repeats
            "for" if i > 0 && used[i - 1] => {
                let amount = matches!(next, "a" | "an") || super::words::cardinal(next).is_some();
                let unit = super::words::unit(word(tokens, i + 2)).is_some();
                (amount && unit).then_some((i, 3))
            }
            _ => None,
        }
    })
}
