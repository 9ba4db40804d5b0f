//! The vocabulary: numbers, ordinals, weekdays, months, units, parts of the day.

use chrono::Weekday;

use super::tokens::Token;

/// The lower-cased word at `i`, or "" past the end.
pub fn word(tokens: &[Token], i: usize) -> &str {
    tokens.get(i).map(|t| t.lower.as_str()).unwrap_or("")
}

/// A cardinal number written in digits or words ("15", "fifteen", "-5").
pub fn cardinal(text: &str) -> Option<i64> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    const WORDS: &[(&str, i64)] = &[
        ("zero", 0),
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("forty-five", 45),
        ("fifty", 50),
        ("sixty", 60),
        ("ninety", 90),
    ];
    WORDS.iter().find(|(w, _)| *w == text).map(|(_, n)| *n)
}

/// An ordinal day: "1st", "15th", "first", "fifteenth"; -1 for "last".
pub fn ordinal(text: &str) -> Option<i32> {
    const WORDS: &[(&str, i32)] = &[
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
        ("sixth", 6),
        ("seventh", 7),
        ("eighth", 8),
        ("ninth", 9),
        ("tenth", 10),
        ("eleventh", 11),
        ("twelfth", 12),
        ("thirteenth", 13),
        ("fourteenth", 14),
        ("fifteenth", 15),
        ("sixteenth", 16),
        ("seventeenth", 17),
        ("eighteenth", 18),
        ("nineteenth", 19),
        ("twentieth", 20),
        ("last", -1),
    ];
    if let Some((_, n)) = WORDS.iter().find(|(w, _)| *w == text) {
        return Some(*n);
    }
    let digits = text
        .strip_suffix("st")
        .or_else(|| text.strip_suffix("nd"))
        .or_else(|| text.strip_suffix("rd"))
        .or_else(|| text.strip_suffix("th"))?;
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A weekday, singular ("monday", "mon", "tues") or plural ("mondays").
/// Returns the day and whether the word was plural.
pub fn weekday(text: &str) -> Option<(Weekday, bool)> {
    const NAMES: &[(&str, Weekday)] = &[
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("tues", Weekday::Tue),
        ("wed", Weekday::Wed),
        ("thu", Weekday::Thu),
        ("thur", Weekday::Thu),
        ("thurs", Weekday::Thu),
        ("fri", Weekday::Fri),
        ("sat", Weekday::Sat),
        ("sun", Weekday::Sun),
    ];
    if let Some((_, day)) = NAMES.iter().find(|(n, _)| *n == text) {
        return Some((*day, false));
    }
    let singular = text.strip_suffix('s')?;
    NAMES
        .iter()
        .take(7)
        .find(|(n, _)| *n == singular)
        .map(|(_, day)| (*day, true))
}

/// A full weekday name only ("friday"); abbreviations like "sun" and "sat" are
/// ordinary words unless something else marks them as days.
pub fn full_weekday(text: &str) -> Option<Weekday> {
    match weekday(text) {
        Some((day, false)) if text.len() >= 6 => Some(day),
        _ => None,
    }
}

/// A month by name ("march", "mar", "sept").
pub fn month(text: &str) -> Option<u32> {
    const NAMES: &[(&str, u32)] = &[
        ("january", 1),
        ("february", 2),
        ("march", 3),
        ("april", 4),
        ("may", 5),
        ("june", 6),
        ("july", 7),
        ("august", 8),
        ("september", 9),
        ("october", 10),
        ("november", 11),
        ("december", 12),
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("sept", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ];
    NAMES.iter().find(|(n, _)| *n == text).map(|(_, m)| *m)
}

/// Units of an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

pub fn unit(text: &str) -> Option<Unit> {
    Some(match text {
        "second" | "seconds" | "sec" | "secs" | "s" => Unit::Second,
        "minute" | "minutes" | "min" | "mins" | "m" => Unit::Minute,
        "hour" | "hours" | "hr" | "hrs" | "h" => Unit::Hour,
        "day" | "days" => Unit::Day,
        "week" | "weeks" | "wk" | "wks" => Unit::Week,
        "month" | "months" => Unit::Month,
        "year" | "years" | "yr" | "yrs" => Unit::Year,
        _ => return None,
    })
}

/// Parts of the day, with the hour they default to and whether a bare hour in
/// them means the afternoon ("every evening at 6" → 18:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl PartOfDay {
    pub fn parse(text: &str) -> Option<PartOfDay> {
        Some(match text {
            "morning" | "mornings" => PartOfDay::Morning,
            "afternoon" | "afternoons" => PartOfDay::Afternoon,
            "evening" | "evenings" => PartOfDay::Evening,
            "night" | "nights" => PartOfDay::Night,
            _ => return None,
        })
    }

    pub fn default_hour(self) -> u32 {
        match self {
            PartOfDay::Morning => 9,
            PartOfDay::Afternoon => 14,
            PartOfDay::Evening => 18,
            PartOfDay::Night => 21,
        }
    }

    /// The hour on the 24-hour clock of "`hour` in this part of the day"
    /// written without am/pm: "evening at 6" is 18:00, "night at 11" 23:00,
    /// but "night at 2" is 02:00 and "night at 12" midnight.
    pub fn clock_hour(self, hour: u32) -> u32 {
        match (self, hour) {
            (PartOfDay::Morning, h) => h,
            (PartOfDay::Night, 12) => 0,
            (PartOfDay::Night, 1..=5) => hour,
            (_, 1..=11) => hour + 12,
            (_, h) => h,
        }
    }
}

/// Words that join list items: "monday and thursday", "9, 12 & 17".
pub fn is_joiner(text: &str) -> bool {
    matches!(text, "and" | "," | "&" | "or" | "+")
}

/// "March" for 3.
pub fn month_name(m: u32) -> &'static str {
    crate::schedule::describe::MONTH_NAMES[(m.clamp(1, 12) - 1) as usize]
}

/// The most days a month can have (29 for February).
pub fn max_day(m: u32) -> u32 {
    match m {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// "2h", "15m", "30min", "2hrs": a number glued to its unit (minutes and hours).
pub fn glued_amount(text: &str) -> Option<(i64, Unit)> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '-'))?;
    let (number, suffix) = text.split_at(split);
    if number.is_empty() || number.len() > 9 {
        return None;
    }
    let amount: i64 = number.parse().ok()?;
    match unit(suffix)? {
        unit @ (Unit::Minute | Unit::Hour | Unit::Second) => Some((amount, unit)),
        _ => None,
    }
}

/// Seconds in one `unit`; months and years vary in length and have none.
pub fn unit_seconds(unit: Unit) -> Option<i64> {
    match unit {
        Unit::Second => Some(1),
        Unit::Minute => Some(60),
        Unit::Hour => Some(3_600),
        Unit::Day => Some(86_400),
        Unit::Week => Some(7 * 86_400),
        Unit::Month | Unit::Year => None,
    }
}

/// Seconds in numbers glued to their units: "2h", "45min", and each
/// number with its unit in "1h30m".
pub fn glued_seconds(text: &str) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    let mut total = 0i64;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let end = rest[digits..]
            .find(|c: char| c.is_ascii_digit())
            .map_or(rest.len(), |n| n + digits);
        let (amount, unit) = glued_amount(&rest[..end])?;
        total = total.checked_add(amount.checked_mul(unit_seconds(unit)?)?)?;
        rest = &rest[end..];
    }
    Some(total)
}
