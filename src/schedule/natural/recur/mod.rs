//! Recurrences: "every day", "weekdays", "every other tuesday", "every 15
//! minutes", "twice a day", "first monday of the month", "on the 1st and 15th of
//! every month", "the fourth thursday in november".

use chrono::Weekday;

use super::calendar::ordinal_day;
use super::tokens::Token;
use super::words::{
    cardinal, glued_amount, is_joiner, month, ordinal, unit, weekday, word, PartOfDay, Unit,
};
use super::PhraseError;

mod days;
mod hours;

pub use days::quarter_months;
use days::*;
pub(super) use days::{plural_days, weekday_list};
use hours::{fraction, part_of_hour};

/// A repeating pattern, before times of day are applied.
#[derive(Clone, Debug, PartialEq)]
pub enum Recur {
    /// every `every` days
    Daily { every: u32 },
    /// every `every` weeks on `days` (empty: the weekday of today)
    Weekly { every: u32, days: Vec<Weekday> },
    /// every `every` months on `days` (1..31, -1 last; empty: today's date)
    Monthly { every: u32, days: Vec<i32> },
    /// every month on the `nths` (-1 last) `weekday`, only in `months` when
    /// some are named
    NthWeekday {
        nths: Vec<i32>,
        weekday: Weekday,
        months: Vec<u32>,
    },
    /// every calendar quarter (January, April, July, October) on `days` of
    /// its first month (-1: the last day of its last month; empty: the 1st)
    Quarterly { days: Vec<i32> },
    /// every `every` years (date from a day clause, else today's)
    Yearly { every: u32 },
    /// every `amount` minutes or hours (or seconds, refused later)
    Every { amount: i64, unit: Unit },
    /// "twice a day": this many times a day, at the times given
    TimesADay(u32),
}

/// What the recognizer found: a recurrence and maybe a part of the day
/// ("every morning").
pub type Found = (Recur, Option<PartOfDay>);

pub fn recognize(tokens: &[Token], i: usize) -> Result<Option<(Found, usize)>, PhraseError> {
    let w = word(tokens, i);
    let simple = |recur: Recur, part: Option<PartOfDay>| Ok(Some(((recur, part), 1)));
    match w {
        "every" | "each" => return every(tokens, i),
        "daily" => return simple(Recur::Daily { every: 1 }, None),
        "nightly" => return simple(Recur::Daily { every: 1 }, Some(PartOfDay::Night)),
        "hourly" => {
            return simple(
                Recur::Every {
                    amount: 1,
                    unit: Unit::Hour,
                },
                None,
            )
        }
        "weekly" => {
            return simple(
                Recur::Weekly {
                    every: 1,
                    days: vec![],
                },
                None,
            )
        }
        "biweekly" | "fortnightly" => {
            return simple(
                Recur::Weekly {
                    every: 2,
                    days: vec![],
                },
                None,
            )
        }
        "monthly" => {
            return simple(
                Recur::Monthly {
                    every: 1,
                    days: vec![],
                },
                None,
            )
        }
        "yearly" | "annually" => return simple(Recur::Yearly { every: 1 }, None),
        "quarterly" => return simple(Recur::Quarterly { days: vec![] }, None),
        "twice" | "thrice" | "once" | "2x" | "3x" | "4x" => return times_a(tokens, i),
        _ => {}
    }
    if cardinal(w).is_some() && word(tokens, i + 1) == "times" {
        return times_a(tokens, i);
    }
    // "weekdays", "on weekends", "mondays and thursdays", "on tuesdays".
    let j = if w == "on" { i + 1 } else { i };
    // "weekdays", "working days", and "weekday mornings"
    let plural_part = matches!(
        word(tokens, j + 1),
        "mornings" | "afternoons" | "evenings" | "nights"
    );
    if let Some((days, len)) = day_kind(tokens, j, !plural_part) {
        let (part, len) = part_after(tokens, j + len, len);
        return Ok(Some((
            (Recur::Weekly { every: 1, days }, part),
            j + len - i,
        )));
    }
    // "monday to friday", "mon-fri", "mon/wed/fri": days that repeat every week.
    if ranged(tokens, j) {
        if let Some((days, len)) = weekday_list(tokens, j) {
            let (part, len) = part_after(tokens, j + len, len);
            return Ok(Some((
                (Recur::Weekly { every: 1, days }, part),
                j - i + len,
            )));
        }
    }
    // "mondays", and "friday afternoons" (a day with a plural part of the day).
    let day_part = weekday(word(tokens, j)).is_some_and(|(_, plural)| !plural) && plural_part;
    if weekday(word(tokens, j)).is_some_and(|(_, plural)| plural) || day_part {
        let (days, len) = weekday_list(tokens, j).unwrap_or_default();
        let (part, len) = part_after(tokens, j + len, len);
        return Ok(Some((
            (Recur::Weekly { every: 1, days }, part),
            j - i + len,
        )));
    }
    // "(on) (the) first monday of the month", "the 1st and 15th of every month".
    let k = if word(tokens, j) == "the" { j + 1 } else { j };
    if let Some(found) = day_of_month(tokens, k, false)? {
        let (recur, len) = found;
        return Ok(Some(((recur, None), k - i + len)));
    }
    Ok(None)
}

/// "monday to friday", "mon-fri", "mon/wed/fri" at `j`: days written as a
/// range or a list in one, which repeat every week.
fn ranged(tokens: &[Token], j: usize) -> bool {
    let w = word(tokens, j);
    (w.contains('/') && w.split('/').all(|d| weekday(d).is_some()))
        || w.contains('-')
        || (weekday(w).is_some()
            && matches!(word(tokens, j + 1), "to" | "through" | "thru" | "-")
            && weekday(word(tokens, j + 2)).is_some())
}

/// After "every"/"each".
fn every(tokens: &[Token], i: usize) -> Result<Option<(Found, usize)>, PhraseError> {
    let mut j = i + 1;
    let mut step: i64 = 1;
    let w = word(tokens, j);
    // "every half hour", "every quarter of an hour"
    if let Some(found) = part_of_hour(tokens, i, j) {
        return Ok(Some(found));
    }
    // "every fortnight (on monday)": every other week
    if matches!(w, "fortnight" | "fortnightly") {
        let recur = Recur::Weekly {
            every: 2,
            days: vec![],
        };
        return Ok(Some(((recur, None), j + 1 - i)));
    }
    // "every quarter (on the 1st)"
    if w == "quarter" {
        return Ok(Some(((Recur::Quarterly { days: vec![] }, None), j + 1 - i)));
    }
    // "every single day", "each and every day"
    if w == "single" || (w == "and" && matches!(word(tokens, j + 1), "every" | "each")) {
        let skip = if w == "single" { 1 } else { 2 };
        return every(tokens, j + skip - 1)
            .map(|found| found.map(|(recur, len)| (recur, len + skip)));
    }
    // "every working day", "every business day", "every weekday morning"
    if let Some((days, len)) = day_kind(tokens, j, false) {
        let (part, len) = part_after(tokens, j + len, len);
        return Ok(Some((
            (Recur::Weekly { every: 1, days }, part),
            j + len - i,
        )));
    }
    // "every 1.5 hours": in minutes
    if let Some(found) = fraction(tokens, i, j)? {
        return Ok(Some(found));
    }
    // "every 2h", "every 15min"
    if let Some((amount, unit)) = glued_amount(w) {
        if amount <= 0 {
            return Err(PhraseError::new(format!(
                "'every {}' never happens: the number must be 1 or more. Try 'every 15 minutes'",
                tokens[j].raw
            )));
        }
        return Ok(Some(((Recur::Every { amount, unit }, None), j + 1 - i)));
    }
    // Ordinals: "every 1st of the month", "every first monday of the month" are
    // days of the month; "every 2nd tuesday", "every 3rd day" are steps.
    // "every second tuesday of the month" is the 2nd; "every second
    // tuesday" is every other one.
    let of_month = weekday(word(tokens, j + 1)).is_some()
        && matches!(word(tokens, j + 2), "of" | "in")
        && matches!(word(tokens, j + 3), "the" | "every" | "each" | "month");
    if ordinal(w).is_some() && (w != "second" || of_month) {
        return every_ordinal(tokens, i, j);
    }
    let stepped =
        if w == "other" || (w == "second" && !matches!(word(tokens, j + 1), "" | "," | "and")) {
            step = 2;
            true
        } else if let Some(n) = cardinal(w).or_else(|| signed(w)) {
            step = n;
            true
        } else {
            false
        };
    if stepped {
        j += 1;
    }
    if !stepped {
        // "every 1st of the month" was handled above; "every december 25th"
        // is yearly, the day comes as a day clause.
        if let Some((recur, len)) = day_of_month(tokens, j, true)? {
            return Ok(Some(((recur, None), j + len - i)));
        }
        if month(word(tokens, j)).is_some() {
            return Ok(Some(((Recur::Yearly { every: 1 }, None), 1)));
        }
    }
    if stepped && word(tokens, j).is_empty() {
        return Err(PhraseError::new(
            "every how often? Try 'every 15 minutes' or 'every 2 days'",
        ));
    }
    stepped_unit(tokens, i, j, step)
}

/// "every 1st of the month", "every first monday of the month" (days of the
/// month); "every 2nd tuesday", "every 3rd day" (steps).
fn every_ordinal(
    tokens: &[Token],
    i: usize,
    j: usize,
) -> Result<Option<(Found, usize)>, PhraseError> {
    let w = word(tokens, j);
    if let Some((recur, len)) = day_of_month(tokens, j, true)? {
        return Ok(Some(((recur, None), j + len - i)));
    }
    let n = ordinal(w).unwrap_or(0);
    let next = word(tokens, j + 1);
    // "every 3rd friday" is said of both the 3rd friday of the month and
    // every third week: ask which ("every 2nd tuesday" is every other one).
    if n >= 3 && weekday(next).is_some() {
        let (nth, day) = (&tokens[j].raw, &tokens[j + 1].raw);
        return Err(PhraseError::new(format!(
            "'every {nth} {day}' can mean the {nth} {day} of each month or every {n} weeks on {day}: which one? Say 'the {nth} {day} of every month' or 'every {n} weeks on {day}'."
        )));
    }
    if n >= 2 && (unit(next).is_some() || weekday(next).is_some()) {
        return stepped_unit(tokens, i, j + 1, i64::from(n));
    }
    Err(PhraseError::new(format!(
        "'every {} {}' of what? Try 'the first monday of every month' or 'every other tuesday'",
        tokens[j].raw,
        tokens.get(j + 1).map(|t| t.raw.as_str()).unwrap_or("")
    )))
}

/// After "every [N]": the unit, part of the day or weekdays at `j`.
fn stepped_unit(
    tokens: &[Token],
    i: usize,
    j: usize,
    step: i64,
) -> Result<Option<(Found, usize)>, PhraseError> {
    let w = word(tokens, j);
    if let Some(unit) = unit(w) {
        if step <= 0 {
            return Err(PhraseError::new(format!(
                "'every {} {}' never happens: the number must be 1 or more. Try 'every 15 minutes'",
                tokens[i + 1].raw,
                tokens[j].raw
            )));
        }
        let every = u32::try_from(step).map_err(|_| too_many())?;
        if every > 1000 && !matches!(unit, Unit::Second | Unit::Minute | Unit::Hour) {
            return Err(too_many());
        }
        // "every hour on the hour": what an hour already means here.
        let on_the_hour = unit == Unit::Hour
            && (
                word(tokens, j + 1),
                word(tokens, j + 2),
                word(tokens, j + 3),
            ) == ("on", "the", "hour");
        if on_the_hour {
            return Ok(Some((
                (Recur::Every { amount: step, unit }, None),
                j + 4 - i,
            )));
        }
        let recur = match unit {
            Unit::Second | Unit::Minute | Unit::Hour => Recur::Every { amount: step, unit },
            Unit::Day => Recur::Daily { every },
            Unit::Week => Recur::Weekly {
                every,
                days: vec![],
            },
            Unit::Month => Recur::Monthly {
                every,
                days: vec![],
            },
            Unit::Year => Recur::Yearly { every },
        };
        return Ok(Some(((recur, None), j + 1 - i)));
    }
    if step <= 0 {
        return Err(PhraseError::new(format!(
            "'every {}' never happens: the number must be 1 or more. Try 'every 2 days'",
            tokens[i + 1].raw
        )));
    }
    let every = u32::try_from(step).map_err(|_| too_many())?;
    if let Some(part) = PartOfDay::parse(w) {
        return Ok(Some(((Recur::Daily { every }, Some(part)), j + 1 - i)));
    }
    if let Some(days) = plural_days(w).or_else(|| plural_days(&format!("{w}s"))) {
        let (part, len) = part_after(tokens, j + 1, 1);
        return Ok(Some(((Recur::Weekly { every, days }, part), j + len - i)));
    }
    if let Some((days, len)) = weekday_list(tokens, j) {
        let (part, len) = part_after(tokens, j + len, len);
        return Ok(Some(((Recur::Weekly { every, days }, part), j + len - i)));
    }
    Ok(None)
}

/// "twice a day", "3 times a day", "once a week".
fn times_a(tokens: &[Token], i: usize) -> Result<Option<(Found, usize)>, PhraseError> {
    let (count, mut j) = match word(tokens, i) {
        "once" => (1, i + 1),
        "twice" | "2x" => (2, i + 1),
        "thrice" | "3x" => (3, i + 1),
        "4x" => (4, i + 1),
        w => match cardinal(w) {
            Some(n) if word(tokens, i + 1) == "times" => (n, i + 2),
            _ => return Ok(None),
        },
    };
    if matches!(word(tokens, j), "a" | "per" | "each" | "every") {
        j += 1;
    }
    let recur = match word(tokens, j) {
        "day" | "daily" => match count {
            1 => Recur::Daily { every: 1 },
            2..=24 => Recur::TimesADay(count as u32),
            _ => {
                return Err(PhraseError::new(
                    "that is too many times a day: use 'every N minutes'",
                ))
            }
        },
        "week" | "weekly" if count == 1 => Recur::Weekly {
            every: 1,
            days: vec![],
        },
        "month" | "monthly" if count == 1 => Recur::Monthly {
            every: 1,
            days: vec![],
        },
        "year" | "yearly" if count == 1 => Recur::Yearly { every: 1 },
        // "three times a week": which days is the person's to say
        unit @ ("week" | "month" | "year") => {
            let said: Vec<&str> = tokens[i..=j].iter().map(|t| t.raw.as_str()).collect();
            return Err(PhraseError::new(format!(
                "'{}': on which days? Name them ('every monday, wednesday and friday at 9'{}).",
                said.join(" "),
                if unit == "week" {
                    ""
                } else {
                    ", 'on the 1st and 15th'"
                }
            )));
        }
        _ => return Ok(None),
    };
    Ok(Some(((recur, None), j + 1 - i)))
}
