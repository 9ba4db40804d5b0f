//! Combines what the recognizers found into one schedule, and gives back the
//! words they left as the task.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

use super::calendar::{self, DaySpec};
use super::clock::{self, TimeOfDay};
use super::recur::{self, Recur};
use super::tokens::Token;
use super::words::{month_name, PartOfDay, Unit};
use super::zones;
use super::{Context, PhraseError};
use crate::schedule::{CronExpr, Interval, Recurrence, Schedule, Trigger, Zone};

/// One thing a recognizer understood.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    Recur(Recur),
    Day(DaySpec),
    Part(PartOfDay),
    After(i64),
    Times(Vec<TimeOfDay>),
    Zone(Zone),
}

pub struct Clauses {
    pub found: Vec<Clause>,
    /// Which tokens the clauses took.
    pub used: Vec<bool>,
}

/// Runs the recognizers over the sentence, left to right.
pub fn recognize_all(tokens: &[Token]) -> Result<Clauses, PhraseError> {
    let spans = recognize_spans(tokens)?;
    let mut used = vec![false; tokens.len()];
    let mut found = Vec::new();
    for (start, len, clauses) in spans {
        used[start..start + len].iter_mut().for_each(|u| *u = true);
        found.extend(clauses);
    }
    Ok(Clauses { found, used })
}

/// What the recognizers found, as (first token, token count, clauses).
pub fn recognize_spans(tokens: &[Token]) -> Result<Vec<Span>, PhraseError> {
    let mut spans: Vec<Span> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match recognize_at(tokens, i)? {
            Some((clauses, len)) => {
                let len = len.clamp(1, tokens.len() - i);
                spans.push((i, len, clauses));
                i += len;
            }
            None => i += 1,
        }
    }
    // A time written with "at" is the schedule's; bare times elsewhere ("send
    // the 9:30 report every day at 10") belong to the task.
    let introduced = |start: usize| matches!(tokens[start].lower.as_str(), "at" | "@");
    let has_introduced = spans
        .iter()
        .any(|(start, _, c)| matches!(c.as_slice(), [Clause::Times(_)]) && introduced(*start));
    if has_introduced {
        spans.retain(|(start, _, c)| {
            !matches!(c.as_slice(), [Clause::Times(_)]) || introduced(*start)
        });
    }
    Ok(spans)
}

/// Clauses recognized over a run of tokens.
pub type Span = (usize, usize, Vec<Clause>);

type Recognized = Option<(Vec<Clause>, usize)>;

fn recognize_at(tokens: &[Token], i: usize) -> Result<Recognized, PhraseError> {
    if let Some(((recur, part), len)) = recur::recognize(tokens, i)? {
        let mut clauses = vec![Clause::Recur(recur)];
        clauses.extend(part.map(Clause::Part));
        return Ok(Some((clauses, len)));
    }
    if let Some((found, len)) = calendar::recognize(tokens, i)? {
        let clauses = match found {
            calendar::Found::Day(day) => vec![Clause::Day(day)],
            calendar::Found::DayAndPart(day, part) => vec![Clause::Day(day), Clause::Part(part)],
            calendar::Found::After(seconds) => vec![Clause::After(seconds)],
            calendar::Found::Part(part) => vec![Clause::Part(part)],
        };
        return Ok(Some((clauses, len)));
    }
    if let Some((times, len)) = clock::times(tokens, i)? {
        return Ok(Some((vec![Clause::Times(times)], len)));
    }
    if let Some((zone, len)) = zones::recognize(tokens, i) {
        return Ok(Some((vec![Clause::Zone(zone)], len)));
    }
    Ok(None)
}

/// The clauses sorted by kind, with conflicts refused.
#[derive(Default)]
struct Parts {
    recur: Option<Recur>,
    day: Option<DaySpec>,
    part: Option<PartOfDay>,
    after: Option<i64>,
    times: Vec<TimeOfDay>,
    zone: Option<Zone>,
}

fn sort(found: &[Clause]) -> Result<Parts, PhraseError> {
    let mut parts = Parts::default();
    for clause in found {
        match clause {
            Clause::Recur(recur) => {
                parts.recur = Some(match parts.recur.take() {
                    None => recur.clone(),
                    Some(existing) => merge_recur(existing, recur.clone())?,
                })
            }
            Clause::Day(day) => {
                if parts.day.is_some() {
                    return Err(PhraseError::new(
                        "that names two different days: name one. Try 'next friday at 9'",
                    ));
                }
                parts.day = Some(day.clone());
            }
            Clause::Part(part) => {
                if parts.part.is_some_and(|p| p != *part) {
                    return Err(PhraseError::new(
                        "that names two parts of the day: say the time. Try 'at 9am'",
                    ));
                }
                parts.part = Some(*part);
            }
            Clause::After(seconds) => {
                if parts.after.is_some() {
                    return Err(PhraseError::new(
                        "that gives two delays: say one. Try 'in 20 minutes'",
                    ));
                }
                parts.after = Some(*seconds);
            }
            Clause::Times(times) => parts.times.extend(times),
            Clause::Zone(zone) => {
                if parts.zone.is_some_and(|z| z != *zone) {
                    return Err(PhraseError::new(
                        "that names two time zones: name one. Try 'at 9 Tokyo time'",
                    ));
                }
                parts.zone = Some(*zone);
            }
        }
    }
    Ok(parts)
}

/// "every week" + "on mondays" is one recurrence; anything else is two.
fn merge_recur(a: Recur, b: Recur) -> Result<Recur, PhraseError> {
    match (a, b) {
        (Recur::Weekly { every, days }, Recur::Weekly { every: 1, days: more })
        | (Recur::Weekly { every: 1, days: more }, Recur::Weekly { every, days }) => {
            let mut all = days;
            all.extend(more);
            Ok(Recur::Weekly { every, days: all })
        }
        (Recur::Daily { every: 1 }, weekly @ Recur::Weekly { .. })
        | (weekly @ Recur::Weekly { .. }, Recur::Daily { every: 1 }) => Ok(weekly),
        (Recur::Monthly { every, days }, Recur::Monthly { every: 1, days: more })
        | (Recur::Monthly { every: 1, days: more }, Recur::Monthly { every, days }) => {
            let mut all = days;
            all.extend(more);
            Ok(Recur::Monthly { every, days: all })
        }
        (Recur::Monthly { every: 1, days }, nth @ Recur::NthWeekday { .. })
        | (nth @ Recur::NthWeekday { .. }, Recur::Monthly { every: 1, days })
            if days.is_empty() =>
        {
            Ok(nth)
        }
        (Recur::Yearly { every: 1 }, nth @ Recur::NthWeekday { month: Some(_), .. })
        | (nth @ Recur::NthWeekday { month: Some(_), .. }, Recur::Yearly { every: 1 }) => Ok(nth),
        _ => Err(PhraseError::new(
            "that describes two different repeats: say one. Try 'every monday at 9' or 'every 2 hours'",
        )),
    }
}

/// Builds the schedule the clauses describe.
pub fn build(found: &[Clause], context: &Context) -> Result<Schedule, PhraseError> {
    let parts = sort(found)?;
    let zone = parts.zone.unwrap_or(context.zone);
    let when = When {
        now: context.now.with_timezone(&zone.tz()).naive_local(),
        zone,
        context,
    };
    let trigger = match (&parts.recur, parts.after) {
        (Some(recur), None) => when.recurring(recur, &parts)?,
        (Some(_), Some(_)) => {
            return Err(PhraseError::new(
                "'in …' sets one time, but the sentence also repeats: say 'every …' or 'in …', not both",
            ))
        }
        (None, Some(seconds)) => {
            if parts.day.is_some() || !parts.times.is_empty() {
                return Err(PhraseError::new(
                    "'in …' already sets the time: drop the day or time, or say e.g. 'tomorrow at 5pm'",
                ));
            }
            let at = context.now + Duration::seconds(seconds);
            Trigger::Once(at.with_nanosecond(0).unwrap_or(at))
        }
        (None, None) => when.once(&parts)?,
    };
    Ok(Schedule::new(trigger, zone))
}

struct When<'a> {
    /// The current wall-clock time in the schedule's zone.
    now: NaiveDateTime,
    zone: Zone,
    context: &'a Context,
}

impl When<'_> {
    /// The times of day, shifted by the part of the day ("evening at 6" → 18:00),
    /// else the part's default, else 09:00 (a date-only schedule).
    fn times(&self, parts: &Parts) -> Vec<NaiveTime> {
        let mut times: Vec<NaiveTime> = if parts.times.is_empty() {
            let hour = parts.part.map(PartOfDay::default_hour).unwrap_or(9);
            vec![NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()]
        } else {
            parts
                .times
                .iter()
                .map(|t| {
                    let shift = parts.part.is_some_and(PartOfDay::is_after_noon)
                        && !t.meridiem
                        && (1..=11).contains(&t.hour);
                    let hour = if shift { t.hour + 12 } else { t.hour };
                    NaiveTime::from_hms_opt(hour, t.minute, 0).unwrap_or_default()
                })
                .collect()
        };
        times.sort();
        times.dedup();
        times
    }

    fn recurring(&self, recur: &Recur, parts: &Parts) -> Result<Trigger, PhraseError> {
        let times = self.times(parts);
        let today = self.now.date();
        match recur {
            Recur::Every { amount, unit } => {
                if parts.day.is_some() || !parts.times.is_empty() {
                    return Err(PhraseError::new(
                        "I can't tie 'every N minutes/hours' to a day or time yet: say 'every 2 hours' alone, or give a cron expression such as '0 */2 * * 1-5'",
                    ));
                }
                let unit_seconds = match unit {
                    Unit::Second => 1,
                    Unit::Minute => 60,
                    _ => 3_600,
                };
                let seconds = amount.checked_mul(unit_seconds).ok_or_else(|| {
                    PhraseError::new("that interval is too large: try 'every 2 weeks'")
                })?;
                let interval =
                    Interval::new(seconds, self.context.now, self.context.min_interval_seconds)
                        .map_err(|e| PhraseError::new(e.0))?;
                Ok(Trigger::Interval(interval))
            }
            Recur::TimesADay(count) => {
                if parts.times.len() != *count as usize {
                    let how_often = match count {
                        2 => "twice".to_string(),
                        n => format!("{n} times"),
                    };
                    return Err(PhraseError::new(format!(
                        "{how_often} a day at which times? Name {count}. Try 'twice a day at 9 and 17'"
                    )));
                }
                self.no_day(parts, "every day")?;
                cron(&times, "*", "*", "*")
            }
            Recur::Daily { every } => {
                if let Some(DaySpec::Weekdays { days, next: false }) = &parts.day {
                    return self.weekly(*every, days, &times);
                }
                self.no_day(parts, "every day")?;
                if *every == 1 {
                    cron(&times, "*", "*", "*")
                } else {
                    let start = self.first_slot(&times, |_| true)?;
                    rrule(start, &format!("FREQ=DAILY;INTERVAL={every}"), &times)
                }
            }
            Recur::Weekly { every, days } => {
                let mut days = days.clone();
                match &parts.day {
                    Some(DaySpec::Weekdays {
                        days: more,
                        next: false,
                    }) => days.extend(more),
                    None => {}
                    Some(_) => return Err(self.day_conflict("every week")),
                }
                if days.is_empty() {
                    days.push(today.weekday());
                }
                self.weekly(*every, &days, &times)
            }
            Recur::Monthly { every, days } => {
                let mut days = days.clone();
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
                    let dom: Vec<String> = days
                        .iter()
                        .map(|d| {
                            if *d == -1 {
                                "L".to_string()
                            } else {
                                d.to_string()
                            }
                        })
                        .collect();
                    cron(&times, &dom.join(","), "*", "*")
                } else {
                    let start = self.first_slot(&times, |_| true)?;
                    let dom: Vec<String> = days.iter().map(|d| d.to_string()).collect();
                    rrule(
                        start,
                        &format!("FREQ=MONTHLY;INTERVAL={every};BYMONTHDAY={}", dom.join(",")),
                        &times,
                    )
                }
            }
            Recur::NthWeekday {
                nth,
                weekday,
                month,
            } => {
                self.no_day(parts, "that day of the month")?;
                let nth = if *nth == -1 {
                    "L".to_string()
                } else {
                    nth.to_string()
                };
                let dow = format!("{}#{nth}", cron_day(*weekday));
                let month = month.map(|m| m.to_string()).unwrap_or_else(|| "*".into());
                cron(&times, "*", &month, &dow)
            }
            Recur::Yearly { every } => {
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
                    cron(&times, &day.to_string(), &month.to_string(), "*")
                } else {
                    let start =
                        self.first_slot(&times, |d| d.month() == month && d.day() == day)?;
                    rrule(
                        start,
                        &format!("FREQ=YEARLY;INTERVAL={every};BYMONTH={month};BYMONTHDAY={day}"),
                        &times,
                    )
                }
            }
        }
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

    /// A one-time schedule from a day and/or a time.
    fn once(&self, parts: &Parts) -> Result<Trigger, PhraseError> {
        if parts.times.len() > 1 {
            return Err(PhraseError::new(
                "a one-time schedule takes one time: for several a day say 'every day at 9 and 17'",
            ));
        }
        let time = self.times(parts)[0];
        let today = self.now.date();
        let at = |date: NaiveDate| date.and_time(time);
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
            Some(DaySpec::Tomorrow) => today + Duration::days(1),
            Some(DaySpec::InDays(n)) => today + Duration::days(*n as i64),
            Some(DaySpec::Weekdays { days, next }) => {
                let [day] = days.as_slice() else {
                    return Err(PhraseError::new(
                        "a one-time schedule takes one day: to repeat, say 'every monday and friday at 9'",
                    ));
                };
                let ahead = (day.num_days_from_monday() as i64
                    - today.weekday().num_days_from_monday() as i64)
                    .rem_euclid(7);
                let mut date = today + Duration::days(ahead);
                if (*next && ahead == 0) || at(date) <= self.now {
                    date += Duration::days(7);
                }
                date
            }
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
            Some(DaySpec::DaysOfMonth(days)) => {
                let [day] = days.as_slice() else {
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
                found.ok_or_else(out_of_range)?
            }
        };
        Ok(Trigger::Once(self.zone.resolve(at(date))))
    }
}

fn out_of_range() -> PhraseError {
    PhraseError::new("I couldn't find that date in the next few years: check the day and month")
}

fn cron_day(day: Weekday) -> &'static str {
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

/// The minute and hour fields for `times`; one schedule can hold several times
/// only when they share the minute or the hour.
fn minute_hour(times: &[NaiveTime]) -> Result<(String, String), PhraseError> {
    let join = |values: Vec<u32>| {
        let mut values = values;
        values.sort_unstable();
        values.dedup();
        values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let minutes = join(times.iter().map(|t| t.minute()).collect());
    let hours = join(times.iter().map(|t| t.hour()).collect());
    if minutes.contains(',') && hours.contains(',') {
        let listed: Vec<String> = times
            .iter()
            .map(|t| t.format("%H:%M").to_string())
            .collect();
        return Err(PhraseError::new(format!(
            "{} differ in both hour and minute, which one schedule can't hold: make one workflow per time, or use times that share the minute (9:00 and 17:00)",
            listed.join(" and ")
        )));
    }
    Ok((minutes, hours))
}

fn cron(times: &[NaiveTime], dom: &str, month: &str, dow: &str) -> Result<Trigger, PhraseError> {
    let (minute, hour) = minute_hour(times)?;
    let pattern = format!("{minute} {hour} {dom} {month} {dow}");
    CronExpr::parse(&pattern)
        .map(Trigger::Cron)
        .map_err(|e| PhraseError::new(e.0))
}

fn rrule(start: NaiveDateTime, rule: &str, times: &[NaiveTime]) -> Result<Trigger, PhraseError> {
    let (minute, hour) = minute_hour(times)?;
    let rule = format!("{rule};BYHOUR={hour};BYMINUTE={minute};BYSECOND=0");
    Recurrence::new(start, &rule)
        .map(|r| Trigger::Rrule(Box::new(r)))
        .map_err(|e| PhraseError::new(e.0))
}

/// Filler that frames a task rather than being part of it.
const LEADING_FILLER: &[&str] = &[
    "remind me to",
    "remind me that",
    "remind me",
    "please",
    "to",
    "and",
    "then",
    ",",
    "-",
    ":",
    "that",
    "i want you to",
    "can you",
];
const TRAILING_FILLER: &[&str] = &[
    "and", "then", ",", ".", "!", "please", "starting", "at", "on", "from", "-", ":", ";",
];

/// The words no recognizer took, with framing filler removed.
pub fn task(text: &str, tokens: &[Token], used: &[bool]) -> Option<String> {
    let mut runs: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if used[i] {
            i += 1;
            continue;
        }
        let start = tokens[i].start;
        let mut end = tokens[i].end;
        while i + 1 < tokens.len() && !used[i + 1] {
            i += 1;
            end = tokens[i].end;
        }
        runs.push(text[start..end].to_string());
        i += 1;
    }
    let mut task = runs.join(" ");
    loop {
        let before = task.clone();
        let lower = task.to_lowercase();
        for filler in LEADING_FILLER {
            if lower == *filler {
                task.clear();
            } else if lower.starts_with(filler)
                && (filler.len() == 1
                    || lower[filler.len()..].starts_with(|c: char| c.is_whitespace() || c == ','))
            {
                task = task[filler.len()..].trim_start().to_string();
                break;
            }
        }
        let lower = task.to_lowercase();
        for filler in TRAILING_FILLER {
            if lower.ends_with(filler) {
                let cut = task.len() - filler.len();
                let boundary = filler.len() == 1
                    || cut == 0
                    || task[..cut].ends_with(|c: char| c.is_whitespace());
                if boundary {
                    task = task[..cut].trim_end().to_string();
                    break;
                }
            }
        }
        if task == before {
            break;
        }
    }
    let task = task.trim();
    (!task.is_empty()).then(|| task.to_string())
}
