//! English descriptions of schedules: "At 08:30 on weekdays (Europe/Paris)".
//!
//! Cron and RRULE shapes people use get plain words; anything more exotic falls
//! back to croner's rendering or the rule itself, so a description never lies.

mod cron;
mod recurrence;

pub(super) use cron::{cron_day_words, describe_cron};
pub(super) use recurrence::describe_rrule;

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
        Trigger::Webhook(hook) => {
            return format!(
                "When its webhook URL is called (checked by {})",
                hook.auth.words()
            )
        }
        Trigger::After(after) => {
            return format!("When workflow #{} {}", after.workflow, after.on.verb())
        }
        Trigger::Once(at) => {
            let local = at.with_timezone(&zone.tz());
            format!("Once on {}", local.format("%a %-d %b %Y at %H:%M"))
        }
        Trigger::Cron(cron) => describe_cron(cron),
        Trigger::Rrule(rule) => describe_rrule(rule, zone),
        Trigger::Interval(interval) => describe_interval(interval, zone),
        Trigger::Union(union) => crate::schedule::times_words::describe_union(union, zone),
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

fn nth_words(n: i16) -> String {
    match n {
        -1 => "last".into(),
        -2 => "second to last".into(),
        n if n > 0 => ordinal(n as u32),
        n => format!("{}th from the end", -n),
    }
}

/// "Monday" for Mon.
pub(crate) fn weekday_name(day: Weekday) -> &'static str {
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
mod tests;
