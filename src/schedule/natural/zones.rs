//! Zones named in a sentence: "Tokyo time", "America/New_York", "EST",
//! "in Europe/Paris", "(UTC)", and "in Tokyo" right after a time. A name a
//! letter or two from a zone's ("Pariss time", "in Tokio") is asked about,
//! never dropped into the task while the schedule runs in another zone.

use super::super::zone::SPREAD;
use super::super::zone_typo::{self, Guess};
use super::super::Zone;
use super::tokens::Token;
use super::words::word;
use super::PhraseError;

/// A zone at `i` and how many tokens it took.
pub fn recognize(tokens: &[Token], i: usize) -> Result<Option<(Zone, usize)>, PhraseError> {
    let (start, skip) = if word(tokens, i) == "in" {
        (i + 1, 1)
    } else {
        (i, 0)
    };
    let Some(token) = tokens.get(start) else {
        return Ok(None);
    };
    if token.lower.contains('/') {
        if let Some(zone) = Zone::from_iana(&token.raw) {
            return Ok(Some((zone, skip + 1)));
        }
        // "America/Los_Angles": letters around a slash, as an IANA name
        // (a URL or a path is not looked up at all).
        let name_like = token
            .raw
            .chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '_' | '-'));
        return match name_like.then(|| zone_typo::closest(&token.raw)).flatten() {
            Some(guess) => Err(unknown(&token.raw, &guess)),
            None => Ok(None),
        };
    }
    Ok(named(tokens, start)?.map(|(zone, len)| (zone, skip + len)))
}

/// Zone abbreviations people type in small letters after a time.
const TYPED_SMALL: &[&str] = &[
    "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "akst", "hst", "bst", "cet", "cest",
    "eet", "eest", "ist", "jst", "kst", "aest", "aedt", "nzst", "nzdt", "sgt", "hkt", "msk",
];

/// A place right after a time, without "time": "at 9am in Tokyo", "every
/// day at 7 in New York". Only where a time ends, so "check the weather in
/// Tokyo every day at 7" keeps Tokyo in the task; and only today's names of
/// places people live in (not "Central" or "Davis", old aliases and
/// Antarctic stations that are English words too).
pub fn in_place(tokens: &[Token], i: usize) -> Result<Option<(Zone, usize)>, PhraseError> {
    // "at 9 am est": right after a time, an abbreviation in small letters
    // too (only those that are no English word: not "eat", "cat", "met").
    if TYPED_SMALL.contains(&word(tokens, i)) {
        let zone = Zone::from_abbreviation(&word(tokens, i).to_uppercase());
        return Ok(zone.map(|zone| (zone, 1)));
    }
    // "at 9 (Berlin)", "at 9 (new york time)"
    if word(tokens, i) == "(" {
        for count in 1..=4 {
            if word(tokens, i + 1 + count) == ")" {
                let place = joined(tokens, i + 1, count);
                let place = place.strip_suffix(" time").unwrap_or(&place);
                if let Some(zone) = Zone::from_place(place) {
                    return Ok(Some((zone, count + 2)));
                }
            }
        }
        return Ok(None);
    }
    // "at 9 pacific", "at 9 eastern": the regions no other word is named for
    if matches!(word(tokens, i), "pacific" | "eastern") {
        let time = usize::from(word(tokens, i + 1) == "time");
        return Ok(Zone::from_place(word(tokens, i)).map(|zone| (zone, 1 + time)));
    }
    if word(tokens, i) != "in" {
        return Ok(None);
    }
    // "in the UK", "in the Netherlands"
    let the = usize::from(word(tokens, i + 1) == "the");
    let start = i + 1 + the;
    let lettered = |count: usize| {
        tokens.get(start..start + count).is_some_and(|words| {
            words
                .iter()
                .all(|t| t.lower.chars().all(|c| c.is_alphabetic() || c == '-'))
        })
    };
    for count in (1..=3).rev().filter(|count| lettered(*count)) {
        let place = joined(tokens, start, count);
        let time = usize::from(word(tokens, start + count) == "time");
        spread(&place, time == 1)?;
        // "in central park": a region of North America only with "time".
        let region = REGIONS.contains(&place.to_lowercase().as_str()) && time == 0;
        let zone = Zone::from_place(&place).filter(|zone| zone_typo::lived_in(*zone));
        if let Some(zone) = zone.filter(|_| !region) {
            // "at 9 in new york time": "time" goes with the place.
            return Ok(Some((zone, count + 1 + the + time)));
        }
    }
    // A place close to a zone's is asked about, when it is long enough
    // that it is not just another town ("in Nice" is not "Niue") and not
    // itself a zone of an old or Antarctic name ("in Davis").
    for count in (1..=2).rev().filter(|count| lettered(*count)) {
        let place = joined(tokens, start, count);
        if place.chars().count() < 5 || Zone::from_place(&place).is_some() {
            continue;
        }
        if let Some(guess) = zone_typo::closest(&place) {
            return Err(unknown(&place, &guess));
        }
    }
    Ok(None)
}

/// Places of `zone::PLACES` that are ordinary words too, read only before
/// "time" ("Pacific time", not "in central park").
const REGIONS: &[&str] = &[
    "eastern",
    "central",
    "mountain",
    "pacific",
    "us eastern",
    "us central",
    "us mountain",
    "us pacific",
];

/// "US time", "in Australia": a country of several zones is asked about,
/// never read as one of them or dropped into the task.
fn spread(place: &str, time: bool) -> Result<(), PhraseError> {
    let lower = place.to_lowercase();
    let country = SPREAD.contains(&lower.as_str()) && (time || lower != "standard");
    if !country {
        return Ok(());
    }
    let said = if time {
        format!("{place} time")
    } else {
        place.to_string()
    };
    Err(PhraseError::new(format!(
        "'{}' has several time zones: which one? Name a city ('New York time', 'at 9 in Sydney') or a zone ('America/Chicago').",
        crate::text::clip(&said, 40)
    )))
}

fn joined(tokens: &[Token], start: usize, count: usize) -> String {
    tokens[start..start + count]
        .iter()
        .map(|t| t.raw.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The question for a zone name not known but close to one.
fn unknown(typed: &str, guess: &Guess) -> PhraseError {
    PhraseError::new(format!(
        "'{}' is not a time zone I know: did you mean {guess}? Say the schedule again with the zone written that way, or leave the zone out to use yours",
        crate::text::clip(typed, 40)
    ))
}

/// A zone written without a slash at `start`: an offset, an abbreviation, or
/// "<place> time".
fn named(tokens: &[Token], start: usize) -> Result<Option<(Zone, usize)>, PhraseError> {
    let Some(token) = tokens.get(start) else {
        return Ok(None);
    };
    // "UTC+2", "GMT-5", "UTC +02:00": a fixed offset, honoured as such.
    if let Some(rest) = token
        .lower
        .strip_prefix("utc")
        .or_else(|| token.lower.strip_prefix("gmt"))
    {
        if rest.is_empty() {
            if let Some(zone) = tokens.get(start + 1).and_then(|t| offset(&t.lower)) {
                return Ok(Some((zone, 2)));
            }
            return Ok(Some((Zone::UTC, 1)));
        }
        return Ok(offset(rest).map(|zone| (zone, 1)));
    }
    // Abbreviations count only in capitals: "EST", not "est".
    if token.raw.len() >= 2 && token.raw.chars().all(|c| c.is_ascii_uppercase()) {
        if let Some(zone) = Zone::from_abbreviation(&token.raw) {
            return Ok(Some((zone, 1)));
        }
    }
    // "<place> time", "in <place> time", "new york time".
    let ends = (1..=3).filter(|words| word(tokens, start + words) == "time");
    for words in ends.clone() {
        spread(&joined(tokens, start, words), true)?;
        if let Some(zone) = Zone::from_place(&joined(tokens, start, words)) {
            return Ok(Some((zone, words + 1)));
        }
    }
    // "Pariss time": close to a place, asked about.
    for words in ends {
        let place = joined(tokens, start, words);
        if place
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-')
        {
            if let Some(guess) = zone_typo::closest(&place) {
                return Err(unknown(&place, &guess));
            }
        }
    }
    Ok(None)
}

/// "+2", "-05", "+02:00" as the IANA fixed-offset zone (`Etc/GMT-2` is UTC+2:
/// the IANA sign is inverted). Whole hours only; "+5:30" has no such zone.
fn offset(text: &str) -> Option<Zone> {
    let (sign, body) = match text.chars().next()? {
        '+' => (1, &text[1..]),
        '-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None => (body, "00"),
    };
    if hours.is_empty() || hours.len() > 2 || !hours.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if minutes != "00" {
        return None;
    }
    let hours: i32 = hours.parse().ok()?;
    if hours == 0 {
        return Some(Zone::UTC);
    }
    if !(1..=14).contains(&hours) || (sign < 0 && hours > 12) {
        return None;
    }
    let name = if sign > 0 {
        format!("Etc/GMT-{hours}")
    } else {
        format!("Etc/GMT+{hours}")
    };
    Zone::from_iana(&name)
}
