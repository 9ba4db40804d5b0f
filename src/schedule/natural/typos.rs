//! Typos of schedule words ("evry", "tuesdy", "wendsday", "dialy") and words
//! run together ("everyday"), read as the word meant and reported, so the
//! draft can show the correction.
//!
//! The rule, chosen so that ordinary words are never taken for schedule words:
//! a word is corrected to the one schedule word nearest to it (Damerau
//! distance, a swap of neighbours counting once) when it starts with the same
//! letter, is at least 4 letters long, and is within 1 edit (2 for words of 7
//! letters or more); English words that sit that close ("ever", "expect",
//! "nearly", "mourning") are never corrected, and a tie is not a correction.
//! The caller keeps a correction only when the corrected word became part of
//! the schedule.

use super::tokens::Token;

/// A word read as another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    pub written: String,
    pub read: String,
}

/// The schedule words typos are corrected to.
const KEYWORDS: &[&str] = &[
    "every",
    "daily",
    "weekly",
    "monthly",
    "hourly",
    "yearly",
    "nightly",
    "quarterly",
    "fortnightly",
    "fortnight",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mondays",
    "tuesdays",
    "wednesdays",
    "thursdays",
    "fridays",
    "saturdays",
    "sundays",
    "weekday",
    "weekdays",
    "weekend",
    "weekends",
    "workday",
    "workdays",
    "tomorrow",
    "tonight",
    "morning",
    "mornings",
    "afternoon",
    "afternoons",
    "evening",
    "evenings",
    "midnight",
    "minute",
    "minutes",
    "hours",
    "except",
    "excluding",
    "between",
    "during",
    "until",
    "quarter",
    "business",
    "working",
    "january",
    "february",
    "april",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words close to a keyword that are words of their own.
const ENGLISH: &[&str] = &[
    "ever",
    "very",
    "eve",
    "eery",
    "evening",
    "dairy",
    "daisy",
    "dally",
    "sally",
    "weakly",
    "meekly",
    "weekly",
    "nearly",
    "early",
    "sundae",
    "sunday",
    "mourning",
    "moaning",
    "expect",
    "expert",
    "accept",
    "wording",
    "worming",
    "corking",
    "quartet",
    "quarters",
    "quartz",
    "minuet",
    "minnow",
    "hoursy",
    "until",
    "untie",
    "during",
    "durian",
    "month",
    "months",
    "mouths",
    "mouth",
    "horse",
    "house",
    "tonite",
    "tonight",
    "frida",
    "fried",
    "fries",
    "friend",
    "friends",
    "monkey",
    "mondo",
    "tuesday",
    "thursdays",
    "thirsty",
    "thirdly",
    "saturn",
    "always",
    "between",
    "betwixt",
    "morning",
    "mornings",
    "evenly",
    "events",
    "event",
    "every",
    "everything",
    "everyone",
    "everybody",
    "everywhere",
    "weekend",
    "weekends",
    "weekday",
    "weekdays",
    "morn",
    "busy",
    "busier",
    "businesses",
    "working",
    "works",
    "worker",
    "workers",
    "workday",
    "workdays",
    "hourly",
    "daily",
    "hours",
    "minute",
    "minutes",
    "midnight",
    "except",
    "excluding",
    "excepting",
    "exception",
    "exciting",
    "aptly",
    "april",
    "august",
    "augusta",
    "octet",
    "novel",
    "member",
    "december",
    "remember",
    "forthrightly",
    "nightly",
    "yearly",
    "yearling",
    "monthly",
    "quarter",
];

/// Single words that are two schedule words run together.
const RUN_TOGETHER: &[&str] = &[
    "day",
    "week",
    "month",
    "hour",
    "morning",
    "evening",
    "night",
    "weekday",
    "afternoon",
    "year",
    "minute",
];

/// The keyword `word` is a typo of, if any.
pub fn keyword_for(word: &str) -> Option<&'static str> {
    let length = word.chars().count();
    if length < 4 || ENGLISH.contains(&word) || KEYWORDS.contains(&word) {
        return None;
    }
    if !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let limit = if length >= 7 { 2 } else { 1 };
    let mut best = usize::MAX;
    let mut nearest: Vec<&'static str> = Vec::new();
    for keyword in KEYWORDS {
        if keyword.as_bytes()[0] != word.as_bytes()[0] || keyword.len().abs_diff(word.len()) > limit
        {
            continue;
        }
        let distance = damerau(word, keyword);
        if distance > limit || distance > best {
            continue;
        }
        if distance < best {
            best = distance;
            nearest.clear();
        }
        nearest.push(keyword);
    }
    match nearest.as_slice() {
        [] => None,
        [one] => Some(one),
        several => break_tie(word, several),
    }
}

/// Among keywords equally near: the singular or plural the word's ending
/// shows, else the only one the word is a shortening of ("wensday" drops
/// letters of "wednesday", not of "weekday"); otherwise none.
fn break_tie(word: &str, nearest: &[&'static str]) -> Option<&'static str> {
    let stem = |k: &str| k.strip_suffix('s').unwrap_or(k).to_string();
    if nearest.iter().all(|k| stem(k) == stem(nearest[0])) {
        let plural = word.ends_with('s');
        return nearest.iter().find(|k| k.ends_with('s') == plural).copied();
    }
    let shortening: Vec<&&'static str> =
        nearest.iter().filter(|k| is_subsequence(word, k)).collect();
    match shortening.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

fn is_subsequence(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// Splits "everyday", "evryday", "everyweek" into "every" and the unit.
pub fn run_together(word: &str) -> Option<&'static str> {
    for unit in RUN_TOGETHER {
        if let Some(head) = word.strip_suffix(unit) {
            if head == "every" || (head.len() >= 4 && keyword_for(head) == Some("every")) {
                return Some(unit);
            }
            if head == "ever" {
                return Some(unit);
            }
        }
    }
    None
}

/// The tokens with typos corrected and run-together words split (both halves
/// keep the original's place in the text), and what was corrected, one entry
/// per corrected token (`None` for tokens left as written).
pub fn correct(tokens: &[Token]) -> (Vec<Token>, Vec<Option<Correction>>) {
    let mut out = Vec::with_capacity(tokens.len());
    let mut notes = Vec::with_capacity(tokens.len());
    for token in tokens {
        if let Some(unit) = run_together(&token.lower) {
            let note = Correction {
                written: token.raw.clone(),
                read: format!("every {unit}"),
            };
            let every = Token {
                lower: "every".into(),
                ..token.clone()
            };
            let rest = Token {
                lower: unit.to_string(),
                ..token.clone()
            };
            out.push(every);
            notes.push(Some(note.clone()));
            out.push(rest);
            notes.push(Some(note));
            continue;
        }
        match keyword_for(&token.lower) {
            Some(keyword) => {
                notes.push(Some(Correction {
                    written: token.raw.clone(),
                    read: keyword.to_string(),
                }));
                out.push(Token {
                    lower: keyword.to_string(),
                    ..token.clone()
                });
            }
            None => {
                notes.push(None);
                out.push(token.clone());
            }
        }
    }
    (out, notes)
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of neighbours each count one.
fn damerau(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests;
