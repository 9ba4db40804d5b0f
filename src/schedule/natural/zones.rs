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
    // "UTC+2", "GMT-5", "UTC +02:00": a fixed offset, honoured as such.
    if let Some(rest) = token
        .lower
        .strip_prefix("utc")
        .or_else(|| token.lower.strip_prefix("gmt"))
    {
        if rest.is_empty() {
            if let Some(zone) = tokens.get(start + 1).and_then(|t| offset(&t.lower)) {
                return Some((zone, skip + 2));
            }
            return Some((Zone::UTC, skip + 1));
        }
        return offset(rest).map(|zone| (zone, skip + 1));
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
