//! The schedule the sorted clauses describe, in the calendar of the
//! schedule's zone: recurrences (days, windows, exclusions) and one-shots.

mod calendar_units;
mod once;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

use super::build::Parts;
use super::calendar::DaySpec;
use super::emit::{clock_time, cron, cron_day, dow_field, end_of_day, rrule, ALL_DAYS};
use super::layout;
use super::recur::Recur;
use super::words::{month_name, PartOfDay, Unit};
use super::{Context, PhraseError};
use crate::schedule::{Interval, Trigger, Zone};

pub(super) struct When<'a> {
    /// The current wall-clock time in the schedule's zone.
    pub now: NaiveDateTime,
    pub zone: Zone,
    pub context: &'a Context,
}

impl When<'_> {
    /// The times of day, shifted by the part of the day ("evening at 6" → 18:00),
    /// else the part's default, else 09:00 (a date-only schedule).
    fn times(&self, parts: &Parts) -> Result<Vec<NaiveTime>, PhraseError> {
        if parts.part.is_none() {
            if let Some(t) = parts.times.iter().find(|t| t.either_half()) {
                return Err(super::window::either_half(t));
            }
        }
        let mut times: Vec<NaiveTime> = if parts.times.is_empty() {
            let hour = parts.part.map(PartOfDay::default_hour).unwrap_or(9);
            vec![NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()]
        } else {
            parts
                .times
                .iter()
                .map(|t| {
                    let hour = match parts.part {
                        Some(part) if !t.meridiem => part.clock_hour(t.hour),
                        _ => t.hour,
                    };
                    NaiveTime::from_hms_opt(hour, t.minute, 0).unwrap_or_default()
                })
                .collect()
        };
        times.sort();
        times.dedup();
        Ok(times)
    }

    pub fn recurring(&self, recur: &Recur, parts: &Parts) -> Result<Trigger, PhraseError> {
        let times = self.times(parts)?;
        let by_days = matches!(
            recur,
            Recur::Daily { .. } | Recur::Weekly { .. } | Recur::Every { .. } | Recur::TimesADay(_)
        );
        if !parts.except.is_empty() && !by_days {
            return Err(PhraseError::new(
                "I can leave out days of the week from daily and weekly repeats ('every day except weekends'), not from this one: say which days it should run instead",
            ));
        }
        if parts.window.is_some() && !matches!(recur, Recur::Every { .. }) {
            return Err(PhraseError::new(
                "a window of the day needs to know how often within it: try 'every 15 minutes between 9am and 5pm' or 'every hour from 9 to 5'",
            ));
        }
        match recur {
            Recur::Every { amount, unit } => self.every(*amount, *unit, parts),
            Recur::TimesADay(count) => self.times_a_day(parts, &times, count),
            Recur::Daily { every } => self.daily(parts, &times, every),
            Recur::Weekly { every, days } => self.weekly_on(parts, &times, every, days),
            Recur::Monthly { every, days } => self.monthly(parts, &times, every, days),
            Recur::Quarterly { days } => self.quarterly(parts, &times, days),
            Recur::NthWeekday {
                nths,
                weekday,
                months,
            } => self.nth_weekday(parts, &times, nths, weekday, months),
            Recur::Yearly { every } => self.yearly(parts, &times, every),
        }
    }

    /// "every 15 minutes", alone (an interval) or tied to days or a window of
    /// the day (then laid out as times of day from the window's start, or from
    /// midnight).
    fn every(&self, amount: i64, unit: Unit, parts: &Parts) -> Result<Trigger, PhraseError> {
        let unit_seconds = match unit {
            Unit::Second => 1,
            Unit::Minute => 60,
            _ => 3_600,
        };
        let seconds = amount
            .checked_mul(unit_seconds)
            .ok_or_else(|| PhraseError::new("that interval is too large: try 'every 2 weeks'"))?;
        if !parts.times.is_empty() {
            return Err(PhraseError::new(
                "'every N minutes/hours' and a time of day don't fit together: say when it starts and ends, e.g. 'every 2 hours from 9am to 5pm'",
            ));
        }
        let days = self.days(parts, &parts.on_days, "every day")?;
        if parts.window.is_none() && days.is_none() && parts.past_hour.is_none() {
            let interval =
                Interval::new(seconds, self.context.now, self.context.min_interval_seconds)
                    .map_err(|e| PhraseError::new(e.0))?;
            return Ok(Trigger::Interval(interval));
        }
        // Checks the minimum the same way a plain interval does.
        Interval::new(seconds, self.context.now, self.context.min_interval_seconds)
            .map_err(|e| PhraseError::new(e.0))?;
        if seconds % 60 != 0 {
            return Err(PhraseError::new(
                "within days or a window of the day, repeats go by whole minutes: try 'every minute' or 'every 5 minutes'",
            ));
        }
        let step = seconds / 60;
        if step >= 24 * 60 {
            return Err(PhraseError::new(
                "that repeats less than once a day: try 'every day at 9' or 'every monday at 9'",
            ));
        }
        let (start, end) = match &parts.window {
            Some(window) => (
                clock_time(&window.start),
                window
                    .end
                    .as_ref()
                    .map(clock_time)
                    .unwrap_or_else(end_of_day),
            ),
            None => (NaiveTime::MIN, end_of_day()),
        };
        // "every 2 hours at half past": from that minute past the window's
        // first hour (or past midnight), on the clock.
        let start = match parts.past_hour {
            Some(minute) if start.minute() != 0 && start.minute() != minute => {
                return Err(PhraseError::new(format!(
                    "that starts at {} but runs at :{minute:02} past the hour: say one, e.g. 'every hour at :{minute:02} from 9 to 5'",
                    start.format("%H:%M")
                )))
            }
            Some(minute) if step % 60 != 0 || (24 * 60) % step != 0 && parts.window.is_none() => {
                return Err(PhraseError::new(format!(
                    "':{minute:02} past the hour' goes with repeats by hours that fit the day ('every hour', 'every 2 hours'): or say when it starts, e.g. 'every 5 hours from 9:{minute:02}'"
                )))
            }
            Some(minute) => start.with_minute(minute).unwrap_or(start),
            None => start,
        };
        let times = layout::window(start, end, step as u32);
        cron(&times, "*", "*", &dow_field(days.as_deref()))
    }

    /// The days of the week a repeat runs on: `base` (or the days named, or
    /// those of a window such as business hours) less any left out; `None`
    /// for every day.
    fn days(
        &self,
        parts: &Parts,
        base: &[Weekday],
        what: &str,
    ) -> Result<Option<Vec<Weekday>>, PhraseError> {
        let mut days: Option<Vec<Weekday>> = if !base.is_empty() {
            Some(base.to_vec())
        } else {
            match &parts.day {
                Some(DaySpec::Weekdays { days, next: false }) => Some(days.clone()),
                None => parts.window.as_ref().and_then(|w| w.days.clone()),
                Some(_) => return Err(self.day_conflict(what)),
            }
        };
        if !parts.except.is_empty() {
            let all = days.unwrap_or_else(|| ALL_DAYS.to_vec());
            // "every monday at 9 say no tuesday meetings": leaving out a day
            // it never runs on means the words were something else.
            if let Some(idle) = parts.except.iter().find(|d| !all.contains(d)) {
                return Err(PhraseError::new(format!(
                    "that leaves out {}s, which it would not run on anyway: say which days it should run on, or put the message in quotes if those words are part of it.",
                    crate::schedule::describe::weekday_name(*idle),
                )));
            }
            let left: Vec<Weekday> = all
                .into_iter()
                .filter(|d| !parts.except.contains(d))
                .collect();
            if left.is_empty() {
                return Err(PhraseError::new(
                    "leaving those days out leaves no day to run on: say which days it should run",
                ));
            }
            days = Some(left);
        }
        Ok(days
            .map(|mut days| {
                days.sort_by_key(|d| d.num_days_from_monday());
                days.dedup();
                days
            })
            .filter(|days| days.len() < 7))
    }

    fn weekly(
        &self,
        every: u32,
        days: &[Weekday],
        times: &[NaiveTime],
    ) -> Result<Trigger, PhraseError> {
        let mut days = days.to_vec();
        days.sort_by_key(|d| d.num_days_from_monday());
        days.dedup();
        if every == 1 {
            let dow: Vec<&str> = days.iter().map(|d| cron_day(*d)).collect();
            let dow = if dow == ["MON", "TUE", "WED", "THU", "FRI"] {
                "MON-FRI".to_string()
            } else {
                dow.join(",")
            };
            return cron(times, "*", "*", &dow);
        }
        let start = self.first_slot(times, |d| days.contains(&d.weekday()))?;
        let byday: Vec<&str> = days.iter().map(|d| &cron_day(*d)[..2]).collect();
        rrule(
            start,
            &format!("FREQ=WEEKLY;INTERVAL={every};BYDAY={}", byday.join(",")),
            times,
        )
    }

    /// The first date from today whose first time is still ahead and which
    /// `matches`, at that time: the DTSTART of a rule.
    fn first_slot(
        &self,
        times: &[NaiveTime],
        matches: impl Fn(NaiveDate) -> bool,
    ) -> Result<NaiveDateTime, PhraseError> {
        let mut date = self.now.date();
        for _ in 0..(366 * 8) {
            if matches(date) {
                if let Some(time) = times.iter().find(|t| date.and_time(**t) > self.now) {
                    return Ok(date.and_time(*time));
                }
            }
            date = date.succ_opt().ok_or_else(out_of_range)?;
        }
        Err(out_of_range())
    }

    fn no_day(&self, parts: &Parts, what: &str) -> Result<(), PhraseError> {
        match parts.day {
            None => Ok(()),
            Some(_) => Err(self.day_conflict(what)),
        }
    }

    fn day_conflict(&self, what: &str) -> PhraseError {
        PhraseError::new(format!(
            "'{what}' and the day named don't fit together: try 'every monday at 9', 'on the 1st and 15th of every month' or 'every year on december 25th'"
        ))
    }
}

fn out_of_range() -> PhraseError {
    PhraseError::new("I couldn't find that date in the next few years: check the day and month")
}
