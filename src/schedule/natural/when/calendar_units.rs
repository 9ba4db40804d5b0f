//! The recurrences in calendar units (days, weeks, months, quarters, years)
//! and "n times a day", laid out as cron or RRULE in the schedule's zone.

use chrono::{Datelike, NaiveTime, Weekday};

use super::super::build::Parts;
use super::super::calendar::DaySpec;
use super::super::emit::{cron, cron_day, dom_field, dow_field, rrule, ALL_DAYS};
use super::super::recur;
use super::super::PhraseError;
use super::When;
use crate::schedule::Trigger;

impl When<'_> {
    /// "twice a day at 9 and 17": exactly as many times as the count names.
    pub(super) fn times_a_day(
        &self,
        parts: &Parts,
        times: &[NaiveTime],
        count: &u32,
    ) -> Result<Trigger, PhraseError> {
        if parts.times.len() != *count as usize {
            let how_often = match count {
                2 => "twice".to_string(),
                n => format!("{n} times"),
            };
            return Err(PhraseError::new(format!(
                "{how_often} a day at which times? Name {count}. Try 'twice a day at 9 and 17'"
            )));
        }
        let days = self.days(parts, &parts.on_days, "every day")?;
        cron(times, "*", "*", &dow_field(days.as_deref()))
    }

    /// "every day", "every 2 days", on the days the clauses allow.
    pub(super) fn daily(
        &self,
        parts: &Parts,
        times: &[NaiveTime],
        every: &u32,
    ) -> Result<Trigger, PhraseError> {
        let days = self.days(parts, &[], "every day")?;
        if *every == 1 {
            return cron(times, "*", "*", &dow_field(days.as_deref()));
        }
        let byday = days
            .map(|days| {
                let codes: Vec<&str> = days.iter().map(|d| &cron_day(*d)[..2]).collect();
                format!(";BYDAY={}", codes.join(","))
            })
            .unwrap_or_default();
        let start = self.first_slot(times, |_| true)?;
        rrule(start, &format!("FREQ=DAILY;INTERVAL={every}{byday}"), times)
    }

    /// "every week on Monday", "every 2 weeks", with the days from the clauses.
    pub(super) fn weekly_on(
        &self,
        parts: &Parts,
        times: &[NaiveTime],
        every: &u32,
        days: &[Weekday],
    ) -> Result<Trigger, PhraseError> {
        let today = self.now.date();
        let mut all = days.to_vec();
        match &parts.day {
            Some(DaySpec::Weekdays {
                days: more,
                next: false,
            }) => all.extend(more),
            None => {}
            Some(_) => return Err(self.day_conflict("every week")),
        }
        if all.is_empty() {
            all.push(today.weekday());
        }
        let days = self
            .days(parts, &all, "every week")?
            .unwrap_or_else(|| ALL_DAYS.to_vec());
        self.weekly(*every, &days, times)
    }

    /// "every month on the 1st and 15th", "every 3 months".
    pub(super) fn monthly(
        &self,
        parts: &Parts,
        times: &[NaiveTime],
        every: &u32,
        days: &[i32],
    ) -> Result<Trigger, PhraseError> {
        let today = self.now.date();
        let mut days = days.to_vec();
        match &parts.day {
            Some(DaySpec::DaysOfMonth(more)) => days.extend(more),
            None => {}
            Some(_) => return Err(self.day_conflict("every month")),
        }
        if days.is_empty() {
            days.push(today.day() as i32);
        }
        days.sort_unstable();
        days.dedup();
        if *every == 1 {
            cron(times, &dom_field(&days), "*", "*")
        } else {
            let start = self.first_slot(times, |_| true)?;
            let dom: Vec<String> = days.iter().map(|d| d.to_string()).collect();
            rrule(
                start,
                &format!("FREQ=MONTHLY;INTERVAL={every};BYMONTHDAY={}", dom.join(",")),
                times,
            )
        }
    }

    /// "every quarter": January, April, July and October.
    pub(super) fn quarterly(
        &self,
        parts: &Parts,
        times: &[NaiveTime],
        days: &[i32],
    ) -> Result<Trigger, PhraseError> {
        let mut days = days.to_vec();
        match &parts.day {
            Some(DaySpec::DaysOfMonth(more)) => days.extend(more),
            None => {}
            Some(_) => return Err(self.day_conflict("every quarter")),
        }
        if days.is_empty() {
            days.push(1);
        }
        days.sort_unstable();
        days.dedup();
        let months = recur::quarter_months(&days);
        let months: Vec<String> = months.iter().map(u32::to_string).collect();
        cron(times, &dom_field(&days), &months.join(","), "*")
    }

    /// "the first Monday of the month", "the last Friday of March and June".
    pub(super) fn nth_weekday(
        &self,
        parts: &Parts,
        times: &[NaiveTime],
        nths: &[i32],
        weekday: &Weekday,
        months: &[u32],
    ) -> Result<Trigger, PhraseError> {
        self.no_day(parts, "that day of the month")?;
        let dow: Vec<String> = nths
            .iter()
            .map(|nth| {
                let nth = if *nth == -1 {
                    "L".to_string()
                } else {
                    nth.to_string()
                };
                format!("{}#{nth}", cron_day(*weekday))
            })
            .collect();
        let month = if months.is_empty() {
            "*".to_string()
        } else {
            months
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        cron(times, "*", &month, &dow.join(","))
    }

    /// "every year on 3 May", "every 2 years".
    pub(super) fn yearly(
        &self,
        parts: &Parts,
        times: &[NaiveTime],
        every: &u32,
    ) -> Result<Trigger, PhraseError> {
        let today = self.now.date();
        let (month, day) = match &parts.day {
            Some(DaySpec::MonthDay {
                month,
                day,
                year: None,
            }) => (*month, *day),
            None => (today.month(), today.day()),
            Some(_) => return Err(self.day_conflict("every year")),
        };
        if *every == 1 {
            cron(times, &day.to_string(), &month.to_string(), "*")
        } else {
            let start = self.first_slot(times, |d| d.month() == month && d.day() == day)?;
            rrule(
                start,
                &format!("FREQ=YEARLY;INTERVAL={every};BYMONTH={month};BYMONTHDAY={day}"),
                times,
            )
        }
    }
}
