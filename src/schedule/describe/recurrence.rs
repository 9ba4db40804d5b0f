//! RRULEs in English: "every other tuesday at 09:00", "on the last friday of
//! every month".

use super::*;

pub(crate) fn describe_rrule(recurrence: &Recurrence, zone: Zone) -> String {
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
    text.push_str(&days_phrase(recurrence));
    if let Some(times) = times_of_day(recurrence) {
        text.push_str(&format!(" at {times}"));
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

/// The days part: " on the first monday of the month", " on the 1st and
/// 15th", " in march", " on monday and friday".
fn days_phrase(recurrence: &Recurrence) -> String {
    let rule = recurrence.rule();
    let mut text = String::new();
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
    text
}

/// The times of day of a rule that repeats by days or longer.
fn times_of_day(recurrence: &Recurrence) -> Option<String> {
    let rule = recurrence.rule();
    let start = recurrence.start();
    if !matches!(
        rule.get_freq(),
        Frequency::Yearly | Frequency::Monthly | Frequency::Weekly | Frequency::Daily
    ) {
        return None;
    }
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
    Some(join_and(&times))
}
