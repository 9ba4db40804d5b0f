//! One-time schedules: "tomorrow at 5pm", "in 20 minutes", "on march 3rd",
//! "next friday at noon".

use super::*;

impl When<'_> {
    /// A one-time schedule from a day and/or a time.
    pub fn once(&self, parts: &Parts) -> Result<Trigger, PhraseError> {
        if parts.times.len() > 1 {
            return Err(PhraseError::new(
                "a one-time schedule takes one time: for several a day say 'every day at 9 and 17'",
            ));
        }
        let time = self.times(parts)?[0];
        let today = self.now.date();
        let at = |date: NaiveDate| date.and_time(time);
        // A time before 06:00 at night ("friday night at 1") belongs to the
        // night that starts on the day named: the next calendar day.
        let small_hours = parts.part == Some(PartOfDay::Night)
            && !parts.times.is_empty()
            && chrono::Timelike::hour(&time) < 6;
        let date = match &parts.day {
            None => {
                if parts.times.is_empty() && parts.part.is_none() {
                    return Err(PhraseError::no_schedule());
                }
                if at(today) > self.now {
                    today
                } else {
                    today.succ_opt().ok_or_else(out_of_range)?
                }
            }
            // "tonight at 2": the night that starts today, so tomorrow 02:00.
            Some(DaySpec::Today) if small_hours => {
                let date = today.succ_opt().ok_or_else(out_of_range)?;
                if at(date) <= self.now {
                    return Err(PhraseError::new(
                        "tonight has passed: say 'tomorrow night at …'",
                    ));
                }
                date
            }
            Some(DaySpec::Today) => {
                if at(today) <= self.now {
                    return Err(PhraseError::new(format!(
                        "today at {} has already passed (it is {} now in {}): try 'tomorrow at {}'",
                        time.format("%H:%M"),
                        self.now.format("%H:%M"),
                        self.zone,
                        time.format("%H:%M")
                    )));
                }
                today
            }
            Some(DaySpec::Tomorrow) => today + Duration::days(1 + i64::from(small_hours)),
            Some(DaySpec::InDays(n)) => today + Duration::days(*n as i64 + i64::from(small_hours)),
            Some(DaySpec::Weekdays { days, next }) if small_hours => {
                // The night after the weekday: its date is the day named.
                let evening = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default();
                self.next_weekday(days, *next, evening)? + Duration::days(1)
            }
            Some(DaySpec::Weekdays { days, next }) => self.next_weekday(days, *next, time)?,
            Some(DaySpec::MonthDay {
                month,
                day,
                year: Some(year),
            }) => {
                let date = NaiveDate::from_ymd_opt(*year, *month, *day).ok_or_else(|| {
                    PhraseError::new(format!("{} {year} has no day {day}", month_name(*month)))
                })?;
                if at(date) <= self.now {
                    return Err(PhraseError::new(format!(
                        "{} is in the past: name a future date",
                        date.format("%-d %B %Y")
                    )));
                }
                date
            }
            Some(DaySpec::MonthDay {
                month,
                day,
                year: None,
            }) => (today.year()..today.year() + 9)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, *month, *day))
                .find(|d| at(*d) > self.now)
                .ok_or_else(out_of_range)?,
            Some(DaySpec::DaysOfMonth(days)) => self.next_day_of_month(days, time)?,
        };
        Ok(Trigger::Once(self.zone.resolve(at(date))))
    }

    /// The one day named ("friday", "next monday"): this week's unless it
    /// passed (or "next" was said on that very day), else next week's.
    fn next_weekday(
        &self,
        days: &[Weekday],
        next: bool,
        time: NaiveTime,
    ) -> Result<NaiveDate, PhraseError> {
        let today = self.now.date();
        let at = |date: NaiveDate| date.and_time(time);
        let [day] = days else {
            return Err(PhraseError::new(
                "a one-time schedule takes one day: to repeat, say 'every monday and friday at 9'",
            ));
        };
        let ahead = (day.num_days_from_monday() as i64
            - today.weekday().num_days_from_monday() as i64)
            .rem_euclid(7);
        let mut date = today + Duration::days(ahead);
        if (next && ahead == 0) || at(date) <= self.now {
            date += Duration::days(7);
        }
        Ok(date)
    }

    /// "on the 15th": the next month that has that day still ahead.
    fn next_day_of_month(&self, days: &[i32], time: NaiveTime) -> Result<NaiveDate, PhraseError> {
        let today = self.now.date();
        let at = |date: NaiveDate| date.and_time(time);
        let [day] = days else {
            return Err(PhraseError::new(
                "a one-time schedule takes one day: to repeat, say 'on the 1st and 15th of every month'",
            ));
        };
        if *day < 1 {
            return Err(PhraseError::new(
                "for the last day of the month say 'on the last day of every month'",
            ));
        }
        let mut found = None;
        let (mut y, mut m) = (today.year(), today.month());
        for _ in 0..13 {
            if let Some(d) = NaiveDate::from_ymd_opt(y, m, *day as u32) {
                if at(d) > self.now {
                    found = Some(d);
                    break;
                }
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        found.ok_or_else(out_of_range)
    }
}
