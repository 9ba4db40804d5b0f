//! Whether a message is a request at all, and whether it is in English: the
//! offline grammar reads English only and says so.

use regex::Regex;
use std::sync::LazyLock;

use super::{re, AT_TIME};

static REQUEST_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:every|each|daily|weekly|hourly|monthly|tomorrow|tonight|today|remind|{AT_TIME}|\d{{1,2}}\s?[ap]\.?m|in \d+|next|create|schedule|workflow|check|send|notify|message|ping|monitor|weekdays?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|morning|evening|noon|midnight|am|pm|twice|thrice|times a|fortnightly|biweekly|quarterly|yearly|annually)\b|https?://|\d{{1,2}}:\d{{2}}"
    ))
});

/// Frequent words of languages other than English that are not English
/// words too.
const FOREIGN_WORDS: &[&str] = &[
    "cada",
    "día",
    "dia",
    "todos",
    "los",
    "las",
    "recuérdame",
    "recuerdame",
    "mañana",
    "semana",
    "chaque",
    "jour",
    "tous",
    "les",
    "rappelle",
    "rappelle-moi",
    "demain",
    "matin",
    "soir",
    "jeden",
    "täglich",
    "jede",
    "erinnere",
    "morgen",
    "uhr",
    "ogni",
    "giorno",
    "ricordami",
    "domani",
    "todo",
    "lembre",
    "lembre-me",
    "amanhã",
    "elke",
    "dag",
    "herinner",
    "om",
    "um",
    "und",
    "y",
    "et",
    "e",
    "à",
    "às",
    "alle",
    "le",
    "la",
    "de",
    "del",
    "des",
    "der",
    "die",
    "das",
    "cuando",
    "quand",
    "wenn",
];

/// Whether a message reads as another language (or another script), which
/// the offline grammar cannot read.
pub fn looks_foreign(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let non_latin = text
        .chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii() && !('\u{C0}'..='\u{24F}').contains(c))
        .count();
    if letters > 0 && non_latin * 2 > letters {
        return true;
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let foreign = words
        .iter()
        .filter(|w| FOREIGN_WORDS.contains(&w.as_str()))
        .count();
    words.len() >= 3 && foreign * 3 >= words.len()
}

/// Whether a message that made no workflow was meant to make one, so its
/// error (a question about the schedule) is the right answer.
pub fn sounds_like_a_request(text: &str) -> bool {
    REQUEST_WORDS.is_match(text)
}
