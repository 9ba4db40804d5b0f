//! Days each with their own times in one sentence ("mondays 9am and
//! thursdays 2pm"), built as one schedule of several members.

use super::build::{build, Clause};
use super::calendar::DaySpec;
use super::recur::Recur;
use super::Context;
use super::PhraseError;
use crate::schedule::{Member, Schedule, Trigger, Union};

/// "mondays 9am and thursdays 2pm", "every monday at 9 and every thursday
/// at 14:30": days each with their own times, as (days clause, its times and
/// part of the day). `None` unless there are two such pairs or more.
pub(super) fn day_time_pairs(found: &[Clause]) -> Option<Vec<Vec<Clause>>> {
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
pub(super) fn build_pairs(
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
