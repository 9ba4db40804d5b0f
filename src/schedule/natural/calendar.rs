//! Days: "today", "tomorrow", "next friday", "on march 3rd", "3 March 2027",
//! "2026-03-06", "24/12" (numeric_date.rs), "the 15th", and offsets such as "in 20 minutes".

use chrono::{NaiveDate, Weekday};

use super::tokens::Token;
use super::words::{
    cardinal, full_weekday, glued_seconds, is_joiner, max_day, month, month_name, ordinal, unit,
    unit_seconds, weekday, word, PartOfDay,
};
use super::PhraseError;

/// A day named in the sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum DaySpec {
    Today,
    Tomorrow,
    /// "the day after tomorrow"
    InDays(u32),
    /// "friday", "on friday", "this friday" (`next` = false) or "next friday".
    Weekdays {
        days: Vec<Weekday>,
        next: bool,
    },
    /// "march 3rd", "3 march", with an optional year.
    MonthDay {
        month: u32,
        day: u32,
        year: Option<i32>,
    },
    /// "the 15th", "on the 1st and 15th".
    DaysOfMonth(Vec<i32>),
}

/// What the calendar recognizer found.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    Day(DaySpec),
    /// "tonight", "tomorrow morning" carry a part of the day too.
    DayAndPart(DaySpec, PartOfDay),
    /// "in 20 minutes": seconds from now.
    After(i64),
    /// "in the evening", "at night", "this morning".
    Part(PartOfDay),
}

/// Recognizes a day, an offset or a part of the day at `i`.
pub fn recognize(tokens: &[Token], i: usize) -> Result<Option<(Found, usize)>, PhraseError> {
    let w = word(tokens, i);
    match w {
        "today" => return Ok(Some(with_part(DaySpec::Today, tokens, i + 1))),
        "tonight" | "tonite" | "2nite" => {
            return Ok(Some((
                Found::DayAndPart(DaySpec::Today, PartOfDay::Night),
                1,
            )))
        }
        "tomorrow" | "tmrw" | "tmr" => {
            return Ok(Some(with_part(DaySpec::Tomorrow, tokens, i + 1)))
        }
        "in" => {
            if let Some(found) = offset(tokens, i + 1)? {
                return Ok(Some(found));
            }
            if word(tokens, i + 1) == "the" {
                if let Some(part) = PartOfDay::parse(word(tokens, i + 2)) {
                    return Ok(Some((Found::Part(part), 3)));
                }
            }
            return Ok(None);
        }
        "at" if word(tokens, i + 1) == "night" => {
            return Ok(Some((Found::Part(PartOfDay::Night), 2)))
        }
        // "first thing (in the morning)"
        "first" if word(tokens, i + 1) == "thing" => {
            let with_morning = (
                word(tokens, i + 2),
                word(tokens, i + 3),
                word(tokens, i + 4),
            ) == ("in", "the", "morning");
            let len = if with_morning { 5 } else { 2 };
            return Ok(Some((Found::Part(PartOfDay::Morning), len)));
        }
        "this" => {
            if let Some(part) = PartOfDay::parse(word(tokens, i + 1)) {
                return Ok(Some((Found::DayAndPart(DaySpec::Today, part), 2)));
            }
        }
        "the"
            if word(tokens, i + 1) == "day"
                && word(tokens, i + 2) == "after"
                && word(tokens, i + 3) == "tomorrow" =>
        {
            return Ok(Some((Found::Day(DaySpec::InDays(2)), 4)));
        }
        _ => {}
    }
    // "next friday", "this friday", "on friday", "on monday and friday", "friday".
    let (next, j) = match w {
        "next" | "coming" => (true, i + 1),
        "this" | "on" => (false, i + 1),
        _ => (false, i),
    };
    let j = if word(tokens, j) == "the" && w == "on" {
        j + 1
    } else {
        j
    };
    if let Some((days, len)) = weekday_list(tokens, j, j == i) {
        let day = DaySpec::Weekdays { days, next };
        // "saturday morning", "next friday evening"
        if let Some(part) = PartOfDay::parse(word(tokens, j + len)) {
            return Ok(Some((Found::DayAndPart(day, part), j - i + len + 1)));
        }
        return Ok(Some((Found::Day(day), j - i + len)));
    }
    if let Some((spec, len)) = month_day(tokens, j)? {
        return Ok(Some((Found::Day(spec), j - i + len)));
    }
    Ok(None)
}

fn with_part(day: DaySpec, tokens: &[Token], j: usize) -> (Found, usize) {
    match PartOfDay::parse(word(tokens, j)) {
        Some(part) => (Found::DayAndPart(day, part), 2),
        None => (Found::Day(day), 1),
    }
}

/// "20 minutes", "an hour", "half an hour", "2 days" after "in".
fn offset(tokens: &[Token], j: usize) -> Result<Option<(Found, usize)>, PhraseError> {
    let w = word(tokens, j);
    if w == "half" && matches!(word(tokens, j + 1), "an" | "a") && word(tokens, j + 2) == "hour" {
        return Ok(Some((Found::After(1_800), 4)));
    }
    // "in 2h", "in 30min", "in 1h 30m", "in 2h and 15min"
    if glued_seconds(w).is_some() {
        let (mut total, mut k) = (0i64, j);
        while let Some(seconds) = glued_seconds(word(tokens, k)) {
            total = total.saturating_add(seconds);
            k += 1;
            let joined = matches!(word(tokens, k), "and" | ",");
            if joined && glued_seconds(word(tokens, k + 1)).is_some() {
                k += 1;
            }
        }
        // "in 1h 30": a number left without its unit is not guessed at.
        if cardinal(word(tokens, k)).is_some() || !(1..=5 * 366 * 86_400).contains(&total) {
            return Ok(None);
        }
        return Ok(Some((Found::After(total), k - j + 1)));
    }
    let amount = match w {
        "a" | "an" => 1,
        _ => match cardinal(w) {
            Some(n) => n,
            None => return Ok(None),
        },
    };
    let Some(first_unit) = unit(word(tokens, j + 1)) else {
        return Ok(None);
    };
    if amount <= 0 {
        return Err(PhraseError::new(format!(
            "'in {} {}' is not in the future: try 'in 20 minutes'",
            tokens[j].raw,
            tokens[j + 1].raw
        )));
    }
    let Some(seconds) = unit_seconds(first_unit) else {
        return Err(PhraseError::new(
            "months and years vary in length: name the date instead. Try 'on march 3rd at 9'",
        ));
    };
    let mut total = amount.checked_mul(seconds);
    let mut len = 3;
    // "in an hour and a half", "in 2 days and a half"
    if (
        word(tokens, j + 2),
        word(tokens, j + 3),
        word(tokens, j + 4),
    ) == ("and", "a", "half")
    {
        total = total.and_then(|t| t.checked_add(seconds / 2));
        len += 3;
    }
    // "in 1 hour and 30 minutes", "in 2 hours, 15 minutes"
    while matches!(word(tokens, j + len - 1), "and" | ",") {
        let (Some(more), Some(more_unit)) = (
            cardinal(word(tokens, j + len)),
            unit(word(tokens, j + len + 1)),
        ) else {
            break;
        };
        let Some(more_seconds) = unit_seconds(more_unit) else {
            break;
        };
        if more < 0 {
            break;
        }
        total = total
            .zip(more.checked_mul(more_seconds))
            .and_then(|(a, b)| a.checked_add(b));
        len += 3;
    }
    let total = total.filter(|s| *s <= 5 * 366 * 86_400).ok_or_else(|| {
        PhraseError::new("that is too far ahead: keep one-time schedules within 5 years")
    })?;
    Ok(Some((Found::After(total), len)))
}

/// "friday", "monday and thursday", "mon, wed & fri". A bare (unintroduced)
/// weekday must be a full name, so "sun" and "sat" stay ordinary words.
fn weekday_list(tokens: &[Token], j: usize, bare: bool) -> Option<(Vec<Weekday>, usize)> {
    let first = if bare {
        full_weekday(word(tokens, j))?
    } else {
        match weekday(word(tokens, j))? {
            (day, false) => day,
            (_, true) => return None,
        }
    };
    let mut days = vec![first];
    let mut k = j + 1;
    while is_joiner(word(tokens, k)) {
        match weekday(word(tokens, k + 1)) {
            Some((day, false)) => {
                days.push(day);
                k += 2;
            }
            _ => break,
        }
    }
    Some((days, k - j))
}

/// "march 3rd", "march 3", "3 march", "3rd of march", "march 3rd, 2027",
/// "2026-03-06", "the 15th", "the 1st and 15th".
fn month_day(tokens: &[Token], j: usize) -> Result<Option<(DaySpec, usize)>, PhraseError> {
    let w = word(tokens, j);
    if let Some(date) = iso_date(w) {
        return Ok(Some((
            DaySpec::MonthDay {
                month: chrono::Datelike::month(&date),
                day: chrono::Datelike::day(&date),
                year: Some(chrono::Datelike::year(&date)),
            },
            1,
        )));
    }
    // "24/12", "12/24/2026", "24.12.2026"
    if let Some((month, day, year)) = super::numeric_date::read(w)? {
        check_date(month, day, year, &tokens[j..=j])?;
        return Ok(Some((DaySpec::MonthDay { month, day, year }, 1)));
    }
    // month first: "march 3rd"
    if let Some(m) = month(w) {
        return match day_number(word(tokens, j + 1)) {
            Some(day) => dated(tokens, j, j + 2, m, day, &tokens[j..j + 2]).map(Some),
            None => Ok(None),
        };
    }
    // day first: "3 march", "3rd of march", "the 3rd of march", "the 15th"
    let k = if w == "the" { j + 1 } else { j };
    let Some(day) = day_number(word(tokens, k)) else {
        return Ok(None);
    };
    let has_ordinal = ordinal(word(tokens, k)).is_some();
    let m_at = if word(tokens, k + 1) == "of" {
        k + 2
    } else {
        k + 1
    };
    if let Some(m) = month(word(tokens, m_at)) {
        return dated(tokens, j, m_at + 1, m, day, &tokens[k..=m_at]).map(Some);
    }
    // "the 15th", "the 1st and 15th": needs "the" and ordinals.
    if w == "the" && has_ordinal {
        let mut days = vec![day as i32];
        let mut n = k + 1;
        while is_joiner(word(tokens, n)) {
            match ordinal_day(word(tokens, n + 1)) {
                Some(d) => {
                    days.push(d);
                    n += 2;
                }
                None => break,
            }
        }
        return Ok(Some((DaySpec::DaysOfMonth(days), n - j)));
    }
    Ok(None)
}

/// A month and day that started at `j` and run to `end`, with the year that may
/// follow ("march 3rd, 2027"), checked to exist.
fn dated(
    tokens: &[Token],
    j: usize,
    end: usize,
    month: u32,
    day: u32,
    written: &[Token],
) -> Result<(DaySpec, usize), PhraseError> {
    let (year, used) = match year_at(tokens, end) {
        Some((year, used)) => (Some(year), used),
        None => (None, 0),
    };
    check_date(month, day, year, written)?;
    Ok((DaySpec::MonthDay { month, day, year }, end + used - j))
}

/// A day of month written "3", "3rd", "third".
fn day_number(text: &str) -> Option<u32> {
    let n = ordinal(text)
        .filter(|n| *n > 0)
        .map(|n| n as i64)
        .or_else(|| {
            text.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| cardinal(text))
                .flatten()
        })?;
    (1..=31).contains(&n).then_some(n as u32)
}

/// An ordinal day of month (or -1 for "last").
pub fn ordinal_day(text: &str) -> Option<i32> {
    ordinal(text).filter(|n| *n == -1 || (1..=31).contains(n))
}

fn year_at(tokens: &[Token], j: usize) -> Option<(i32, usize)> {
    let (k, skip) = if word(tokens, j) == "," {
        (j + 1, 1)
    } else {
        (j, 0)
    };
    let w = word(tokens, k);
    if w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()) {
        let year: i32 = w.parse().ok()?;
        if (1970..=2199).contains(&year) {
            return Some((year, skip + 1));
        }
    }
    None
}

fn iso_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// "february 30th" is never a date; "february 29th" is, in leap years.
fn check_date(m: u32, day: u32, year: Option<i32>, written: &[Token]) -> Result<(), PhraseError> {
    let probe_year = year.unwrap_or(2028); // a leap year, so Feb 29 passes
    if NaiveDate::from_ymd_opt(probe_year, m, day).is_none() {
        let text: Vec<&str> = written.iter().map(|t| t.raw.as_str()).collect();
        let month_name = month_name(m);
        return Err(PhraseError::new(match year {
            Some(y) if NaiveDate::from_ymd_opt(2028, m, day).is_some() => format!(
                "'{}' is not a date: {month_name} {y} has no day {day}",
                text.join(" ")
            ),
            _ => format!(
                "'{}' is not a date: {month_name} has no day {day}. Try '{month_name} {}'",
                text.join(" "),
                max_day(m)
            ),
        }));
    }
    Ok(())
}
