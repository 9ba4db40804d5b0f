//! The days of a recurrence: weekday lists and ranges, "weekdays",
//! days of the month ("the 1st and 15th", "the last friday"), quarters.

use super::*;

/// The days from `from` to `to`, wrapping past Sunday.
pub(super) fn weekday_range(from: Weekday, to: Weekday) -> Vec<Weekday> {
    let mut days = vec![from];
    let mut day = from;
    while day != to && days.len() < 7 {
        day = day.succ();
        days.push(day);
    }
    days
}

/// A part of the day right after days ("sunday evening", "weekday mornings"):
/// the part and the length grown by it.
pub(super) fn part_after(tokens: &[Token], at: usize, len: usize) -> (Option<PartOfDay>, usize) {
    match PartOfDay::parse(word(tokens, at)) {
        Some(part) => (Some(part), len + 1),
        None => (None, len),
    }
}

/// "working days", "business days", "week days", "weekdays", "weekends" (with
/// `plural_only`, singular forms are not taken: "on weekday" is odd, "every
/// weekday" is not).
pub(super) fn day_kind(
    tokens: &[Token],
    j: usize,
    plural_only: bool,
) -> Option<(Vec<Weekday>, usize)> {
    let w = word(tokens, j);
    let next = word(tokens, j + 1);
    let two = matches!(w, "working" | "business" | "work" | "week")
        && (next == "days" || (!plural_only && next == "day"));
    if two {
        return plural_days("weekdays").map(|days| (days, 2));
    }
    if plural_only && !w.ends_with('s') {
        return None;
    }
    plural_days(w).map(|days| (days, 1))
}

/// "weekdays", "weekends", "workdays": the days they mean.
pub(in crate::schedule::natural) fn plural_days(text: &str) -> Option<Vec<Weekday>> {
    use Weekday::*;
    match text {
        "weekdays" | "workdays" | "weekday" | "workday" | "wkday" | "wkdays" => {
            Some(vec![Mon, Tue, Wed, Thu, Fri])
        }
        "weekends" | "weekend" | "wknd" | "wknds" | "wkend" | "wkends" => Some(vec![Sat, Sun]),
        _ => None,
    }
}

/// "monday", "mondays and thursdays", "mon, wed & fri", "tue/thu".
pub(in crate::schedule::natural) fn weekday_list(
    tokens: &[Token],
    j: usize,
) -> Option<(Vec<Weekday>, usize)> {
    let mut days = Vec::new();
    let first = word(tokens, j);
    if let Some((from, to)) = first.split_once('-') {
        // "mon-fri"
        days.extend(weekday_range(weekday(from)?.0, weekday(to)?.0));
    } else {
        for part in first.split('/') {
            days.push(weekday(part)?.0);
        }
    }
    let mut k = j + 1;
    // "monday to friday", "monday through friday"
    if matches!(
        word(tokens, k),
        "to" | "through" | "thru" | "till" | "until" | "-"
    ) {
        if let Some((to, _)) = weekday(word(tokens, k + 1)) {
            let from = days.pop()?;
            days.extend(weekday_range(from, to));
            k += 2;
        }
    }
    loop {
        if is_joiner(word(tokens, k)) {
            match weekday(word(tokens, k + 1)) {
                Some((day, _)) => {
                    days.push(day);
                    k += 2;
                    continue;
                }
                None => break,
            }
        }
        // "mon wed fri": days one after another, without commas. Not "sat"
        // and "sun", which are words too ("every monday sun salutation").
        let next = word(tokens, k);
        match weekday(next) {
            Some((day, _)) if !matches!(next, "sat" | "sun") => {
                days.push(day);
                k += 1;
            }
            _ => break,
        }
    }
    Some((days, k - j))
}

/// At `k` (after an optional "the"): "first monday of the month", "last friday
/// of every month", "fourth thursday in november", "1st and 15th of every
/// month", "last day of the month", "first of every month".
pub(super) fn day_of_month(
    tokens: &[Token],
    k: usize,
    after_every: bool,
) -> Result<Option<(Recur, usize)>, PhraseError> {
    let Some(first) = ordinal_day(word(tokens, k)) else {
        return Ok(None);
    };
    // "1st and 15th", "first and third"
    let mut days = vec![first];
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
    // nth weekdays: "first monday", "2nd and 4th tuesday"
    if let Some((day, false)) = weekday(word(tokens, n)) {
        if let Some(bad) = days.iter().find(|d| !(**d == -1 || (1..=5).contains(*d))) {
            return Err(PhraseError::new(format!(
                "a month has at most five {}s, so there is no {} one: try 'the last {}' or 'the 2nd {}'",
                tokens[n].raw,
                crate::schedule::describe::ordinal(*bad as u32),
                tokens[n].raw,
                tokens[n].raw
            )));
        }
        let rest = n + 1;
        if matches!(word(tokens, rest), "of" | "in") {
            if let Some(m) = month(word(tokens, rest + 1)) {
                let recur = Recur::NthWeekday {
                    nths: days,
                    weekday: day,
                    months: vec![m],
                };
                return Ok(Some((recur, rest + 2 - k)));
            }
        }
        if let Some((len, period)) = of_the_month(tokens, rest) {
            let months = match period {
                Period::Month => vec![],
                Period::Quarter => quarter_months(&days),
            };
            let recur = Recur::NthWeekday {
                nths: days,
                weekday: day,
                months,
            };
            return Ok(Some((recur, rest + len - k)));
        }
        // "every first monday", "every 2nd and 4th tuesday": only a month has
        // those ("every 2nd tuesday" alone stays every other tuesday).
        let monthly = days.len() >= 2 || days == [1] || days == [-1];
        if after_every && monthly {
            let recur = Recur::NthWeekday {
                nths: days,
                weekday: day,
                months: vec![],
            };
            return Ok(Some((recur, rest - k)));
        }
        return Ok(None);
    }
    // days of the month (or quarter)
    if word(tokens, n) == "day" {
        n += 1;
    }
    match of_the_month(tokens, n) {
        Some((len, Period::Month)) => Ok(Some((Recur::Monthly { every: 1, days }, n + len - k))),
        Some((len, Period::Quarter)) => Ok(Some((Recur::Quarterly { days }, n + len - k))),
        None => Ok(None),
    }
}

/// What "of every …" repeats over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Period {
    Month,
    Quarter,
}

/// The months of a calendar quarter a day falls in: its first month for days
/// counted from the start, its last month for "last" ("the last friday of the
/// quarter" is in March, June, September and December).
pub fn quarter_months(days: &[i32]) -> Vec<u32> {
    if days.iter().all(|d| *d < 0) {
        vec![3, 6, 9, 12]
    } else {
        vec![1, 4, 7, 10]
    }
}

/// "of the month", "of every month", "of each month", "every month",
/// "monthly", and the same with "quarter".
pub(super) fn of_the_month(tokens: &[Token], n: usize) -> Option<(usize, Period)> {
    let period = |w: &str| match w {
        "month" => Some(Period::Month),
        "quarter" => Some(Period::Quarter),
        _ => None,
    };
    match (word(tokens, n), word(tokens, n + 1), word(tokens, n + 2)) {
        ("of" | "in", "the" | "every" | "each" | "a", p) => period(p).map(|p| (3, p)),
        ("every" | "each", p, _) => period(p).map(|p| (2, p)),
        ("monthly", _, _) => Some((1, Period::Month)),
        ("quarterly", _, _) => Some((1, Period::Quarter)),
        _ => None,
    }
}

/// "-5" is a number people type by mistake; parse it so the error can say so.
pub(super) fn signed(text: &str) -> Option<i64> {
    text.strip_prefix('-')
        .filter(|d| !d.is_empty() && d.len() < 12 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<i64>().ok())
        .map(|n| -n)
}

pub(super) fn too_many() -> PhraseError {
    PhraseError::new("that interval is too large: try 'every 2 weeks' or 'every year'")
}
