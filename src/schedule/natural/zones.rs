//! Zones named in a sentence: "Tokyo time", "America/New_York", "EST",
//! "in Europe/Paris", "(UTC)".

use super::super::Zone;
use super::tokens::Token;
use super::words::word;

/// A zone at `i` and how many tokens it took.
pub fn recognize(tokens: &[Token], i: usize) -> Option<(Zone, usize)> {
    let (start, skip) = if word(tokens, i) == "in" {
        (i + 1, 1)
    } else {
        (i, 0)
    };
    let token = tokens.get(start)?;
    if token.lower.contains('/') {
        return Zone::from_iana(&token.raw).map(|z| (z, skip + 1));
    }
    if matches!(token.lower.as_str(), "utc" | "gmt") {
        return Some((Zone::UTC, skip + 1));
    }
    // Abbreviations count only in capitals: "EST", not "est".
    if token.raw.len() >= 2 && token.raw.chars().all(|c| c.is_ascii_uppercase()) {
        if let Some(zone) = Zone::from_abbreviation(&token.raw) {
            return Some((zone, skip + 1));
        }
    }
    // "<place> time", "in <place> time", "new york time".
    for words in 1..=3 {
        if word(tokens, start + words) != "time" {
            continue;
        }
        let place: Vec<&str> = tokens[start..start + words]
            .iter()
            .map(|t| t.lower.as_str())
            .collect();
        if let Some(zone) = Zone::from_place(&place.join(" ")) {
            return Some((zone, skip + words + 1));
        }
    }
    None
}
