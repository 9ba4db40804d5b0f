//! English descriptions of schedules: "At 08:30 on weekdays (Europe/Paris)".
//!
//! Cron and RRULE shapes people use get plain words; anything more exotic falls
//! back to croner's rendering or the rule itself, so a description never lies.

use chrono::Weekday;
use rrule::{Frequency, NWeekday};

use super::{format_local, CronExpr, Interval, Recurrence, Schedule, Trigger, Zone};

const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAY_ABBREVIATIONS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_ABBREVIATIONS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

pub(super) fn describe(schedule: &Schedule) -> String {
    let zone = schedule.zone;
    let body = match &schedule.trigger {
        Trigger::Manual => return "Manually, when someone asks".into(),
        Trigger::Once(at) => {
            let local = at.with_timezone(&zone.tz());
            format!("Once on {}", local.format("%a %-d %b %Y at %H:%M"))
        }
        Trigger::Cron(cron) => describe_cron(cron),
        Trigger::Rrule(rule) => describe_rrule(rule, zone),
        Trigger::Interval(interval) => describe_interval(interval, zone),
        Trigger::Union(union) => super::times_words::describe_union(union, zone),
    };
    format!("{body} ({zone})")
}

fn describe_interval(interval: &Interval, zone: Zone) -> String {
    let every = format!("Every {}", interval.words());
    match interval.anchor() {
        Some(anchor) => format!("{every} from {}", format_local(anchor, zone)),
        None if interval.seconds() == 3_600 => "Every hour, on the hour".into(),
        None if interval.seconds() == 86_400 => "Every day at 00:00".into(),
        None if interval.seconds() > 3_600 => format!("{every} from 00:00"),
        None => every,
    }
}

// ----- cron -----------------------------------------------------------------

pub(super) fn describe_cron(cron: &CronExpr) -> String {
    cron_words(cron).unwrap_or_else(|| {
        let text = cron.croner_description();
        text.trim_end_matches('.').to_string()
    })
}

fn cron_words(cron: &CronExpr) -> Option<String> {
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

enum When {
    /// "08:30 and 17:00"
    At(String),
    /// "Every 15 minutes"
    Every(String),
}

fn cron_time_words(second: &str, minute: &str, hour: &str) -> Option<When> {
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
        if let Some((_, all)) = super::times_words::day_minutes(&fields) {
            if let Some(words) = super::times_words::minutes_words(&all) {
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
            format!("Every hour at {:02} past", ms[0])
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

pub(super) fn cron_day_words(dom: &str, month: &str, dow: &str) -> Option<String> {
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
        match (&months, days.len()) {
            (Some(ms), 1) if ms.len() == 1 => Some(format!("on {} {}", days[0], ms[0])),
            _ => Some(of_month(format!(
                "on the {}",
                join_and(&days.iter().map(|d| ordinal(*d)).collect::<Vec<_>>())
            ))),
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

fn weekday_words(dow: &str, months: &Option<Vec<&str>>) -> Option<String> {
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
fn numbers(field: &str, max: u32) -> Option<Vec<u32>> {
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

fn weekday_number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return (n <= 7).then_some(n % 7);
    }
    let upper = text.to_ascii_uppercase();
    DAY_ABBREVIATIONS
        .iter()
        .position(|d| *d == upper)
        .map(|p| p as u32)
}

fn month_number(text: &str) -> Option<u32> {
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

pub(super) fn describe_rrule(recurrence: &Recurrence, zone: Zone) -> String {
    let rule = recurrence.rule();
    let start = recurrence.start();
    let interval = rule.get_interval();
    let unit = match rule.get_freq() {
        Frequency::Yearly => "year",
        Frequency::Monthly => "month",
        Frequency::Weekly => "week",
        Frequency::Daily => "day",
        Frequency::Hourly => "hour",
        Frequency::Minutely => "minute",
        Frequency::Secondly => "second",
    };
    let mut text = match interval {
        1 => format!("Every {unit}"),
        2 => format!("Every other {unit}"),
        n => format!("Every {n} {unit}s"),
    };
    let months: Vec<&str> = rule
        .get_by_month()
        .iter()
        .map(|m| MONTH_NAMES[(*m as usize).clamp(1, 12) - 1])
        .collect();
    let weekdays = rule.get_by_weekday();
    let month_days = rule.get_by_month_day();
    let nth_days: Vec<String> = weekdays
        .iter()
        .filter_map(|d| match d {
            NWeekday::Nth(n, day) => Some(format!("the {} {}", nth_words(*n), weekday_name(*day))),
            NWeekday::Every(_) => None,
        })
        .collect();
    let every_days: Vec<String> = weekdays
        .iter()
        .filter_map(|d| match d {
            NWeekday::Every(day) => Some(weekday_name(*day).to_string()),
            NWeekday::Nth(..) => None,
        })
        .collect();
    if !nth_days.is_empty() {
        let of = if months.is_empty() {
            "the month".to_string()
        } else {
            join_and(&months)
        };
        text.push_str(&format!(" on {} of {of}", join_and(&nth_days)));
    } else if !month_days.is_empty() {
        let days: Vec<String> = month_days
            .iter()
            .map(|d| match d {
                -1 => "last day".to_string(),
                d if *d < 0 => format!("{} day from the end", ordinal(d.unsigned_abs() as u32)),
                d => ordinal(*d as u32),
            })
            .collect();
        text.push_str(&format!(" on the {}", join_and(&days)));
        if !months.is_empty() {
            text.push_str(&format!(" of {}", join_and(&months)));
        }
    } else if !months.is_empty() {
        text.push_str(&format!(" in {}", join_and(&months)));
    }
    if !every_days.is_empty() {
        text.push_str(&format!(" on {}", join_and(&every_days)));
    }
    if matches!(
        rule.get_freq(),
        Frequency::Yearly | Frequency::Monthly | Frequency::Weekly | Frequency::Daily
    ) {
        let hours: Vec<u32> = if rule.get_by_hour().is_empty() {
            vec![chrono::Timelike::hour(&start)]
        } else {
            rule.get_by_hour().iter().map(|h| *h as u32).collect()
        };
        let minutes: Vec<u32> = if rule.get_by_minute().is_empty() {
            vec![chrono::Timelike::minute(&start)]
        } else {
            rule.get_by_minute().iter().map(|m| *m as u32).collect()
        };
        let times: Vec<String> = hours
            .iter()
            .flat_map(|h| minutes.iter().map(move |m| format!("{h:02}:{m:02}")))
            .collect();
        text.push_str(&format!(" at {}", join_and(&times)));
    }
    if !rule.get_by_set_pos().is_empty()
        || !rule.get_by_year_day().is_empty()
        || !rule.get_by_week_no().is_empty()
    {
        text.push_str(" (with further BY rules; see the expression)");
    }
    if let Some(count) = rule.get_count() {
        text.push_str(&format!(", {count} times"));
    }
    if let Some(until) = rule.get_until() {
        text.push_str(&format!(", until {}", until.format("%-d %b %Y")));
    }
    let start_at = zone.resolve(start);
    text.push_str(&format!(
        ", starting {}",
        start_at.with_timezone(&zone.tz()).format("%a %-d %b %Y")
    ));
    text
}

fn nth_words(n: i16) -> String {
    match n {
        -1 => "last".into(),
        -2 => "second to last".into(),
        n if n > 0 => ordinal(n as u32),
        n => format!("{}th from the end", -n),
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    DAY_NAMES[day.num_days_from_sunday() as usize]
}

// ----- words ----------------------------------------------------------------

/// "1st", "2nd", "23rd", "11th".
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "a", "a and b", "a, b and c".
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cron(pattern: &str) -> String {
        let schedule = Schedule::new(
            Trigger::Cron(CronExpr::parse(pattern).unwrap()),
            "Europe/Paris".parse().unwrap(),
        );
        schedule.describe()
    }

    #[test]
    fn common_cron_shapes_read_as_english() {
        assert_eq!(cron("30 8 * * 1-5"), "At 08:30 on weekdays (Europe/Paris)");
        assert_eq!(
            cron("30 8 * * MON-FRI"),
            "At 08:30 on weekdays (Europe/Paris)"
        );
        assert_eq!(
            cron("0 9,17 * * *"),
            "At 09:00 and 17:00 every day (Europe/Paris)"
        );
        assert_eq!(cron("*/15 * * * *"), "Every 15 minutes (Europe/Paris)");
        assert_eq!(
            cron("0 12 * * MON,THU"),
            "At 12:00 on Mondays and Thursdays (Europe/Paris)"
        );
        assert_eq!(
            cron("0 17 * * FRI#L"),
            "At 17:00 on the last Friday of the month (Europe/Paris)"
        );
        assert_eq!(
            cron("0 9 1,15 * *"),
            "At 09:00 on the 1st and 15th of the month (Europe/Paris)"
        );
        assert_eq!(
            cron("0 9 25 12 *"),
            "At 09:00 on 25 December (Europe/Paris)"
        );
        assert_eq!(
            cron("0 9 * 11 THU#4"),
            "At 09:00 on the 4th Thursday of November (Europe/Paris)"
        );
        assert_eq!(
            cron("0 12 1 * MON"),
            "At 12:00 on the 1st of the month and on Mondays (Europe/Paris)"
        );
        assert_eq!(cron("@daily"), "At 00:00 every day (Europe/Paris)");
        assert_eq!(
            cron("0 0 L * *"),
            "At 00:00 on the last day of the month (Europe/Paris)"
        );
    }
}
