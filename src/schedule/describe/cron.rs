//! Cron expressions in English: "at 08:30 on weekdays".

use super::*;

pub(crate) fn describe_cron(cron: &CronExpr) -> String {
    cron_words(cron).unwrap_or_else(|| {
        let text = cron.croner_description();
        text.trim_end_matches('.').to_string()
    })
}

pub(super) fn cron_words(cron: &CronExpr) -> Option<String> {
    let fields = cron.fields();
    let (second, rest) = match fields.len() {
        5 => ("0".to_string(), &fields[..]),
        6 => (fields[0].clone(), &fields[1..]),
        7 if fields[6] == "*" => (fields[0].clone(), &fields[1..6]),
        _ => return None,
    };
    let [minute, hour, dom, month, dow] = [&rest[0], &rest[1], &rest[2], &rest[3], &rest[4]];
    let when = cron_time_words(&second, minute, hour)?;
    let days = cron_day_words(dom, month, dow)?;
    Some(match (when, days.as_str()) {
        (When::At(times), "") => format!("At {times} every day"),
        (When::At(times), days) => format!("At {times} {days}"),
        (When::Every(every), "") => every,
        (When::Every(every), days) => format!("{every} {days}"),
    })
}

pub(super) enum When {
    /// "08:30 and 17:00"
    At(String),
    /// "Every 15 minutes"
    Every(String),
}

pub(super) fn cron_time_words(second: &str, minute: &str, hour: &str) -> Option<When> {
    let seconds = numbers(second, 59)?;
    if seconds.len() != 1 {
        return None;
    }
    let second = seconds[0];
    let clock = |h: u32, m: u32| {
        if second == 0 {
            format!("{h:02}:{m:02}")
        } else {
            format!("{h:02}:{m:02}:{second:02}")
        }
    };
    if let (Some(minutes), Some(hours)) = (numbers(minute, 59), numbers(hour, 23)) {
        if minutes.len() * hours.len() > 8 {
            return None;
        }
        let mut times = Vec::new();
        for h in &hours {
            for m in &minutes {
                times.push(clock(*h, *m));
            }
        }
        return Some(When::At(join_and(&times)));
    }
    if second != 0 {
        return None;
    }
    if hour != "*" {
        // "0 9-17/2 * * *": an even progression reads as one.
        let fields = [minute, hour, "*", "*", "*"].map(str::to_string);
        if let Some((_, all)) = crate::schedule::times_words::day_minutes(&fields) {
            if let Some(words) = crate::schedule::times_words::minutes_words(&all) {
                if words.starts_with("Every") {
                    return Some(When::Every(words));
                }
            }
        }
    }
    let minutes = numbers(minute, 59);
    match (minute, hour, minutes) {
        ("*", "*", _) => Some(When::Every("Every minute".into())),
        (m, "*", _) if m.starts_with("*/") => {
            let n: u32 = m[2..].parse().ok()?;
            Some(When::Every(format!("Every {n} minutes")))
        }
        (_, "*", Some(ms)) if ms.len() == 1 => Some(When::Every(if ms[0] == 0 {
            "Every hour, on the hour".into()
        } else {
            let plural = if ms[0] == 1 { "" } else { "s" };
            format!("Every hour at {} minute{plural} past", ms[0])
        })),
        (_, h, Some(ms)) if ms.len() == 1 && h.starts_with("*/") => {
            let n: u32 = h[2..].parse().ok()?;
            Some(When::Every(format!("Every {n} hours from 00:{:02}", ms[0])))
        }
        (_, h, Some(ms)) if ms.len() == 1 && h.contains('-') && !h.contains(',') => {
            let (from, to) = h.split_once('-')?;
            let (from, to): (u32, u32) = (from.parse().ok()?, to.parse().ok()?);
            Some(When::Every(format!(
                "Every hour from {} to {}",
                clock(from, ms[0]),
                clock(to, ms[0])
            )))
        }
        _ => None,
    }
}

pub(crate) fn cron_day_words(dom: &str, month: &str, dow: &str) -> Option<String> {
    let dom_any = dom == "*" || dom == "?";
    let dow_any = dow == "*" || dow == "?";
    let months = if month == "*" {
        None
    } else {
        Some(
            month
                .split(',')
                .map(|m| month_number(m).map(|n| MONTH_NAMES[n as usize - 1]))
                .collect::<Option<Vec<_>>>()?,
        )
    };
    let of_month = |words: String| match &months {
        None => format!("{words} of the month"),
        Some(ms) => format!("{words} of {}", join_and(ms)),
    };
    let day_of_month = if dom_any {
        None
    } else if dom == "L" {
        Some(of_month("on the last day".into()))
    } else if let Some(day) = dom.strip_suffix('W') {
        let day: u32 = day.parse().ok()?;
        Some(of_month(format!(
            "on the weekday nearest the {}",
            ordinal(day)
        )))
    } else {
        let days = numbers(dom, 31)?;
        // "on the 31st of the month" skips the months without one: said,
        // so nobody expects it in February.
        let latest = days.iter().copied().max().unwrap_or(0);
        let skips = match (&months, latest) {
            (None, 29..) => format!(" (skipped in months without a {})", ordinal(latest)),
            _ => String::new(),
        };
        match (&months, days.len()) {
            (Some(ms), 1) if ms.len() == 1 => Some(format!("on {} {}", days[0], ms[0])),
            _ => Some(
                of_month(format!(
                    "on the {}",
                    join_and(&days.iter().map(|d| ordinal(*d)).collect::<Vec<_>>())
                )) + &skips,
            ),
        }
    };
    let (and, dow) = match dow.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, dow),
    };
    let day_of_week = if dow_any {
        None
    } else {
        Some(weekday_words(dow, &months)?)
    };
    let nth = dow.contains('#') || dow.len() > 1 && dow.ends_with('L');
    let in_months = |text: String| match (&months, day_of_month.is_some() || nth) {
        (Some(ms), false) => format!("{text} in {}", join_and(ms)),
        _ => text,
    };
    Some(match (day_of_month.clone(), day_of_week) {
        (None, None) => match &months {
            None => String::new(),
            Some(ms) => format!("every day in {}", join_and(ms)),
        },
        (Some(d), None) => d,
        (None, Some(w)) => in_months(w),
        (Some(d), Some(w)) if and => format!("{d} when it is also {}", w.trim_start_matches("on ")),
        (Some(d), Some(w)) => format!("{d} and {w}"),
    })
}

pub(super) fn weekday_words(dow: &str, months: &Option<Vec<&str>>) -> Option<String> {
    if dow.contains('#') || dow.ends_with('L') && dow.len() > 1 {
        let mut items = Vec::new();
        for item in dow.split(',') {
            let (day, nth) = match item.split_once('#') {
                Some((day, nth)) => (day, nth.to_string()),
                None => (item.strip_suffix('L')?, "L".to_string()),
            };
            let day = DAY_NAMES[weekday_number(day)? as usize];
            let nth = match nth.as_str() {
                "L" => "last".to_string(),
                n => ordinal(n.parse().ok()?),
            };
            items.push(format!("the {nth} {day}"));
        }
        let of = match months {
            Some(ms) => join_and(ms),
            None => "the month".into(),
        };
        return Some(format!("on {} of {of}", join_and(&items)));
    }
    let mut days = Vec::new();
    for item in dow.split(',') {
        if let Some((from, to)) = item.split_once('-') {
            let (from, to) = (weekday_number(from)?, weekday_number(to)?);
            let to = if to == 0 { 7 } else { to };
            for d in from..=to {
                days.push(d % 7);
            }
        } else {
            days.push(weekday_number(item)?);
        }
    }
    days.sort_unstable();
    days.dedup();
    Some(match days.as_slice() {
        [1, 2, 3, 4, 5] => "on weekdays".into(),
        [0, 6] => "on weekends".into(),
        [0, 1, 2, 3, 4, 5, 6] => "every day".into(),
        _ => {
            // Week order starting Monday reads naturally.
            let mut sorted = days.clone();
            sorted.sort_by_key(|d| (d + 6) % 7);
            let names: Vec<String> = sorted
                .iter()
                .map(|d| format!("{}s", DAY_NAMES[*d as usize]))
                .collect();
            format!("on {}", join_and(&names))
        }
    })
}

/// A comma list of plain numbers within `max`, or `None` for anything fancier.
pub(super) fn numbers(field: &str, max: u32) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for item in field.split(',') {
        let n: u32 = item.parse().ok()?;
        if n > max {
            return None;
        }
        out.push(n);
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

pub(super) fn weekday_number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return (n <= 7).then_some(n % 7);
    }
    let upper = text.to_ascii_uppercase();
    DAY_ABBREVIATIONS
        .iter()
        .position(|d| *d == upper)
        .map(|p| p as u32)
}

pub(super) fn month_number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let upper = text.to_ascii_uppercase();
    MONTH_ABBREVIATIONS
        .iter()
        .position(|m| *m == upper)
        .map(|p| p as u32 + 1)
}

// ----- RRULE ----------------------------------------------------------------
