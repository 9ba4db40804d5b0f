//! Combines what the recognizers found into one schedule, and gives back the
//! words they left as the task.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

use super::calendar::{self, DaySpec};
use super::clock::{self, TimeOfDay};
use super::except;
use super::layout;
use super::recur::{self, Recur};
use super::tokens::Token;
use super::window::{self, Window};
use super::words::{month_name, word, PartOfDay, Unit};
use super::zones;
use super::{Context, PhraseError};
use crate::schedule::{CronExpr, Interval, Member, Recurrence, Schedule, Trigger, Union, Zone};

/// One thing a recognizer understood.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    Recur(Recur),
    Day(DaySpec),
    Part(PartOfDay),
    After(i64),
    Times(Vec<TimeOfDay>),
    Zone(Zone),
    /// Days left out: "except weekends".
    Except(Vec<Weekday>),
    /// A stretch of the day: "between 9 and 5", "during business hours".
    Window(Window),
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
        // "except the first monday": an exclusion that names no days of the
        // week is not read as days to run on; its words stay for the guard.
        let bounds = matches!(word(tokens, i), "until" | "till" | "between" | "during");
        if (except::introduces(tokens, i) && except::recognize(tokens, i).is_none())
            || (bounds && window::recognize(tokens, i)?.is_none())
        {
            i = super::guard::extent(tokens, i);
            continue;
        }
        // "the weekly report", "my monday meeting": a thing, not a time.
        if super::guard::names_a_thing(tokens, i) {
            i += 1;
            continue;
        }
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
    if let Some((days, len)) = except::recognize(tokens, i) {
        return Ok(Some((vec![Clause::Except(days)], len)));
    }
    if let Some((found, len)) = window::recognize(tokens, i)? {
        return Ok(Some((vec![Clause::Window(found)], len)));
    }
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
#[derive(Clone, Default)]
struct Parts {
    recur: Option<Recur>,
    day: Option<DaySpec>,
    part: Option<PartOfDay>,
    after: Option<i64>,
    times: Vec<TimeOfDay>,
    zone: Option<Zone>,
    except: Vec<Weekday>,
    window: Option<Window>,
    /// Days named beside a repeat within the day ("every 10 minutes on
    /// weekends", "twice a day on weekdays").
    on_days: Vec<Weekday>,
}

fn sort(found: &[Clause]) -> Result<Parts, PhraseError> {
    let mut parts = Parts::default();
    for clause in found {
        match clause {
            Clause::Recur(Recur::Weekly { every: 1, days })
                if !days.is_empty() && parts.recur.as_ref().is_some_and(within_day) =>
            {
                parts.on_days.extend(days)
            }
            Clause::Recur(recur) => {
                parts.recur = Some(match parts.recur.take() {
                    None => recur.clone(),
                    Some(Recur::Weekly { every: 1, days })
                        if !days.is_empty() && within_day(recur) =>
                    {
                        parts.on_days.extend(days);
                        recur.clone()
                    }
                    Some(existing) => merge_recur(existing, recur.clone())?,
                })
            }
            Clause::Except(days) => parts.except.extend(days),
            Clause::Window(found) => {
                if parts.window.is_some() {
                    return Err(PhraseError::new(
                        "that names two windows of the day: name one. Try 'every 15 minutes between 9am and 5pm'",
                    ));
                }
                parts.window = Some(found.clone());
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

/// Repeats within a day, which days can be added to.
fn within_day(recur: &Recur) -> bool {
    matches!(recur, Recur::Every { .. } | Recur::TimesADay(_))
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
        (Recur::Yearly { every: 1 }, nth @ Recur::NthWeekday { .. })
        | (nth @ Recur::NthWeekday { .. }, Recur::Yearly { every: 1 })
            if matches!(&nth, Recur::NthWeekday { months, .. } if months.len() == 1) =>
        {
            Ok(nth)
        }
        (Recur::Quarterly { days }, Recur::Quarterly { days: more })
        | (Recur::Quarterly { days }, Recur::Monthly { every: 1, days: more })
        | (Recur::Monthly { every: 1, days: more }, Recur::Quarterly { days }) => {
            let mut all = days;
            all.extend(more);
            Ok(Recur::Quarterly { days: all })
        }
        (Recur::Quarterly { days }, nth @ Recur::NthWeekday { .. })
        | (nth @ Recur::NthWeekday { .. }, Recur::Quarterly { days })
            if days.is_empty() =>
        {
            match nth {
                Recur::NthWeekday { nths, weekday, months } if months.is_empty() => {
                    Ok(Recur::NthWeekday {
                        months: recur::quarter_months(&nths),
                        nths,
                        weekday,
                    })
                }
                other => Ok(other),
            }
        }
        _ => Err(PhraseError::new(
            "that describes two different repeats: say one. Try 'every monday at 9' or 'every 2 hours'",
        )),
    }
}

/// Builds the schedule the clauses describe.
pub fn build(found: &[Clause], context: &Context) -> Result<Schedule, PhraseError> {
    if let Some(segments) = day_time_pairs(found) {
        return build_pairs(&segments, found, context);
    }
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

/// "mondays 9am and thursdays 2pm", "every monday at 9 and every thursday
/// at 14:30": days each with their own times, as (days clause, its times and
/// part of the day). `None` unless there are two such pairs or more.
fn day_time_pairs(found: &[Clause]) -> Option<Vec<Vec<Clause>>> {
    let mut segments: Vec<Vec<Clause>> = Vec::new();
    for clause in found {
        match clause {
            Clause::Recur(Recur::Weekly { every: 1, days }) if !days.is_empty() => {
                segments.push(vec![clause.clone()])
            }
            // "every monday at 9 and thursday at 5pm": a later day repeats too.
            Clause::Day(DaySpec::Weekdays { days, next: false }) if !segments.is_empty() => {
                segments.push(vec![Clause::Recur(Recur::Weekly {
                    every: 1,
                    days: days.clone(),
                })])
            }
            Clause::Times(_) | Clause::Part(_) => segments.last_mut()?.push(clause.clone()),
            Clause::Zone(_) | Clause::Except(_) => {}
            _ => return None,
        }
    }
    let each_timed = segments
        .iter()
        .all(|s| s.iter().any(|c| matches!(c, Clause::Times(_))));
    (segments.len() >= 2 && each_timed).then_some(segments)
}

/// One schedule firing each pair's days at its own times.
fn build_pairs(
    segments: &[Vec<Clause>],
    found: &[Clause],
    context: &Context,
) -> Result<Schedule, PhraseError> {
    let shared: Vec<Clause> = found
        .iter()
        .filter(|c| matches!(c, Clause::Zone(_) | Clause::Except(_)))
        .cloned()
        .collect();
    let mut members = Vec::new();
    let mut zone = context.zone;
    for segment in segments {
        let clauses: Vec<Clause> = segment.iter().chain(&shared).cloned().collect();
        let schedule = build(&clauses, context)?;
        zone = schedule.zone;
        match schedule.trigger {
            Trigger::Cron(cron) => members.push(Member::Cron(cron)),
            Trigger::Union(union) => members.extend(union.members().iter().cloned()),
            _ => {
                return Err(PhraseError::new(
                    "I couldn't combine those days and times into one schedule: make one workflow for each",
                ))
            }
        }
    }
    let union = Union::new(members).map_err(|e| PhraseError::new(e.0))?;
    Ok(Schedule::new(Trigger::Union(union), zone))
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
                let days = self.days(parts, &parts.on_days, "every day")?;
                cron(&times, "*", "*", &dow_field(days.as_deref()))
            }
            Recur::Daily { every } => {
                let days = self.days(parts, &[], "every day")?;
                if *every == 1 {
                    return cron(&times, "*", "*", &dow_field(days.as_deref()));
                }
                let byday = days
                    .map(|days| {
                        let codes: Vec<&str> = days.iter().map(|d| &cron_day(*d)[..2]).collect();
                        format!(";BYDAY={}", codes.join(","))
                    })
                    .unwrap_or_default();
                let start = self.first_slot(&times, |_| true)?;
                rrule(
                    start,
                    &format!("FREQ=DAILY;INTERVAL={every}{byday}"),
                    &times,
                )
            }
            Recur::Weekly { every, days } => {
                let mut all = days.clone();
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
                    cron(&times, &dom_field(&days), "*", "*")
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
            Recur::Quarterly { days } => {
                let mut days = days.clone();
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
                cron(&times, &dom_field(&days), &months.join(","), "*")
            }
            Recur::NthWeekday {
                nths,
                weekday,
                months,
            } => {
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
                cron(&times, "*", &month, &dow.join(","))
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
        if parts.window.is_none() && days.is_none() {
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

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn clock_time(time: &TimeOfDay) -> NaiveTime {
    NaiveTime::from_hms_opt(time.hour, time.minute, 0).unwrap_or_default()
}

fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default()
}

/// The day-of-week field for `days` (`None`: every day).
fn dow_field(days: Option<&[Weekday]>) -> String {
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
fn dom_field(days: &[i32]) -> String {
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
fn cron(times: &[NaiveTime], dom: &str, month: &str, dow: &str) -> Result<Trigger, PhraseError> {
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
fn rrule(start: NaiveDateTime, rule: &str, times: &[NaiveTime]) -> Result<Trigger, PhraseError> {
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
        members.push(Member::Rrule(Box::new(recurrence)));
    }
    one_or_union(members)
}

fn one_or_union(mut members: Vec<Member>) -> Result<Trigger, PhraseError> {
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
