//! Runs the recognizers over a sentence and combines what they found into one
//! schedule (the calendar work is `when`'s, the cron and RRULE text `emit`'s).

use chrono::{Duration, Timelike, Weekday};

use super::calendar::{self, DaySpec};
use super::clock::{self, TimeOfDay};
use super::except;
use super::pairs;
use super::recur::{self, Recur};
use super::tokens::Token;
use super::when::When;
use super::window::{self, Window};
use super::words::{word, PartOfDay};
use super::zones;
use super::{Context, PhraseError};
use crate::schedule::{Schedule, Trigger, Zone};

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
    /// The minute past the hour of an hourly repeat: "at half past".
    PastHour(u32),
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
    // Quoted words are what a message says, never schedule: "say \"see you
    // monday\"".
    let quoted = super::guard::quoted(tokens);
    let mut i = 0;
    while i < tokens.len() {
        if quoted[i] {
            i += 1;
            continue;
        }
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
        // "at 9am in Tokyo": a place right after a time is its zone.
        let after_time = spans.last().is_some_and(|(start, len, clauses)| {
            start + len == i
                && clauses
                    .iter()
                    .any(|c| matches!(c, Clause::Times(_) | Clause::Recur(_)))
        });
        let in_place = match after_time {
            true => zones::in_place(tokens, i)?,
            false => None,
        };
        if let Some((zone, len)) = in_place {
            spans.push((i, len, vec![Clause::Zone(zone)]));
            i += len;
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
    super::detached::days(tokens, &spans)?;
    super::detached::combined(tokens, &spans)?;
    Ok(spans)
}

/// Clauses recognized over a run of tokens.
pub type Span = (usize, usize, Vec<Clause>);

type Recognized = Option<(Vec<Clause>, usize)>;

fn recognize_at(tokens: &[Token], i: usize) -> Result<Recognized, PhraseError> {
    if let Some((minute, len)) = super::past_hour::recognize(tokens, i) {
        return Ok(Some((vec![Clause::PastHour(minute)], len)));
    }
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
    if let Some((zone, len)) = zones::recognize(tokens, i)? {
        return Ok(Some((vec![Clause::Zone(zone)], len)));
    }
    Ok(None)
}

/// The clauses sorted by kind, with conflicts refused.
#[derive(Clone, Default)]
pub(super) struct Parts {
    pub recur: Option<Recur>,
    pub day: Option<DaySpec>,
    pub part: Option<PartOfDay>,
    pub after: Option<i64>,
    pub times: Vec<TimeOfDay>,
    pub zone: Option<Zone>,
    pub except: Vec<Weekday>,
    pub window: Option<Window>,
    /// Days named beside a repeat within the day ("every 10 minutes on
    /// weekends", "twice a day on weekdays").
    pub on_days: Vec<Weekday>,
    pub past_hour: Option<u32>,
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
            Clause::PastHour(minute) => parts.past_hour = Some(*minute),
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

/// Whether an offset is whole days said with a time and no day ("in 3
/// days at 10am").
fn whole_days(seconds: i64, parts: &Parts) -> bool {
    seconds % 86_400 == 0 && parts.day.is_none() && !parts.times.is_empty()
}

/// Builds the schedule the clauses describe.
pub fn build(found: &[Clause], context: &Context) -> Result<Schedule, PhraseError> {
    if let Some(segments) = pairs::day_time_pairs(found) {
        return pairs::build_pairs(&segments, found, context);
    }
    let parts = sort(found)?;
    super::past_hour::check(&parts)?;
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
        // "in 3 days at 10am", "in a week at 9": that day, at that time
        (None, Some(seconds)) if whole_days(seconds, &parts) => {
            let day = u32::try_from(seconds / 86_400).unwrap_or(u32::MAX);
            let parts = Parts {
                after: None,
                day: Some(DaySpec::InDays(day)),
                ..parts
            };
            when.once(&parts)?
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
