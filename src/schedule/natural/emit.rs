//! Cron and RRULE text for what was read: day-of-week and day-of-month
//! fields, and times of day laid out as one pattern or a union of several.

use chrono::{NaiveDateTime, NaiveTime, Weekday};

use super::clock::TimeOfDay;
use super::layout;
use super::PhraseError;
use crate::schedule::{CronExpr, Member, Recurrence, Trigger, Union};

pub(super) fn cron_day(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MON",
        Weekday::Tue => "TUE",
        Weekday::Wed => "WED",
        Weekday::Thu => "THU",
        Weekday::Fri => "FRI",
        Weekday::Sat => "SAT",
        Weekday::Sun => "SUN",
    }
}

pub(super) const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

pub(super) fn clock_time(time: &TimeOfDay) -> NaiveTime {
    NaiveTime::from_hms_opt(time.hour, time.minute, 0).unwrap_or_default()
}

pub(super) fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default()
}

/// The day-of-week field for `days` (`None`: every day).
pub(super) fn dow_field(days: Option<&[Weekday]>) -> String {
    let Some(days) = days else {
        return "*".into();
    };
    let mut days = days.to_vec();
    days.sort_by_key(|d| d.num_days_from_monday());
    days.dedup();
    let names: Vec<&str> = days.iter().map(|d| cron_day(*d)).collect();
    match names.as_slice() {
        ["MON", "TUE", "WED", "THU", "FRI"] => "MON-FRI".into(),
        _ if names.len() == 7 => "*".into(),
        _ => names.join(","),
    }
}

/// The day-of-month field (`L` for the last day).
pub(super) fn dom_field(days: &[i32]) -> String {
    days.iter()
        .map(|d| {
            if *d == -1 {
                "L".to_string()
            } else {
                d.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The trigger firing at `times` on the days the other fields allow: one
/// cron pattern, or a union when the times need several.
pub(super) fn cron(
    times: &[NaiveTime],
    dom: &str,
    month: &str,
    dow: &str,
) -> Result<Trigger, PhraseError> {
    let mut members = Vec::new();
    for (minute, hour) in layout::fields(times) {
        let pattern = format!("{minute} {hour} {dom} {month} {dow}");
        let cron = CronExpr::parse(&pattern).map_err(|e| PhraseError::new(e.0))?;
        members.push(Member::Cron(cron));
    }
    one_or_union(members)
}

/// The RRULE trigger firing at `times` from `start`'s date: one rule, or a
/// union of rules sharing the start date when the times need several.
pub(super) fn rrule(
    start: NaiveDateTime,
    rule: &str,
    times: &[NaiveTime],
) -> Result<Trigger, PhraseError> {
    let mut members = Vec::new();
    for (minutes, hours) in layout::groups(times) {
        let list = |values: &[u32]| {
            values
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        let first = NaiveTime::from_hms_opt(hours[0], minutes[0], 0).unwrap_or_default();
        let text = format!(
            "{rule};BYHOUR={};BYMINUTE={};BYSECOND=0",
            list(&hours),
            list(&minutes)
        );
        let recurrence = Recurrence::new(start.date().and_time(first), &text)
            .map_err(|e| PhraseError::new(e.0))?;
        members.push(Member::Rrule(std::sync::Arc::new(recurrence)));
    }
    one_or_union(members)
}

pub(super) fn one_or_union(mut members: Vec<Member>) -> Result<Trigger, PhraseError> {
    if members.len() == 1 {
        return Ok(match members.remove(0) {
            Member::Cron(cron) => Trigger::Cron(cron),
            Member::Rrule(rule) => Trigger::Rrule(rule),
        });
    }
    Union::new(members)
        .map(Trigger::Union)
        .map_err(|e| PhraseError::new(e.0))
}
