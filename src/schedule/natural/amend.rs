//! Changing a schedule already read: "at 9", "only on weekdays", "Tokyo
//! time" replace the parts they name and keep the rest.

use std::borrow::Cow;

use super::build::{self, Clause, Clauses};
use super::recur::Recur;
use super::MAX_PHRASE_CHARS;
use super::{guard, parse_phrase, read, task, unplaced_question, Context, PhraseError};
use crate::schedule::{Schedule, Trigger};

/// Changes a schedule read from `original` by `amendment` ("at 9", "only on
/// weekdays", "Tokyo time"): the parts the amendment names (time of day, days
/// or repeat, zone) replace the original's, the rest stays. The original's task
/// words are dropped. Returns the schedule and the phrase it was read from
/// (to amend again later). An amendment with words of its own beyond the
/// schedule ("every day at 5 remind me to go home") is a new request, not a
/// change, and is refused.
pub fn amend_phrase(
    original: &str,
    amendment: &str,
    context: &Context,
) -> Result<(Schedule, String), PhraseError> {
    let amendment = bare_hour(amendment.trim());
    // "and on saturdays too": added to the schedule, replacing nothing
    if let Some(added) = adds(&amendment) {
        return add_to(original, &added, context);
    }
    let amendment = amendment.as_ref();
    let changes = read_change(amendment)?;
    let names = Names::of(&changes.found);
    let (original_tokens, _, _) = read(original)?;
    let spans = build::recognize_spans(&original_tokens)?;
    if spans.is_empty() && !(names.days || names.repeat) {
        return Err(PhraseError::new(
            "I can't change just part of that schedule: give the whole of it, e.g. 'every weekday at 9'.",
        ));
    }
    let mut kept: Vec<String> = Vec::new();
    for (start, len, clauses) in spans {
        if !names.replace(&clauses) {
            let first = &original_tokens[start];
            let last = &original_tokens[start + len - 1];
            kept.push(original[first.start..last.end].to_string());
        }
    }
    kept.push(amendment.trim().to_string());
    let combined = kept.join(" ");
    let parsed = parse_phrase(&combined, context)?;
    Ok((parsed.schedule, combined))
}

/// Refuses `changed`, a schedule that runs once, made from one that repeats
/// (`before`) by `change`, when the change names no day, date or repeat of
/// its own: "twice a day at 9 and 5" + "5pm" took the repeat away with the
/// times, and a cron schedule + "at 10" read alone is one run tomorrow.
pub fn keeps_repeating(
    before: &Schedule,
    changed: &Schedule,
    change: &str,
) -> Result<(), PhraseError> {
    let once = |schedule: &Schedule| matches!(schedule.trigger, Trigger::Once(_));
    let names_days = read(&bare_hour(change.trim())).is_ok_and(|(_, clauses, _)| {
        let names = Names::of(&clauses.found);
        names.days || names.repeat
    });
    if once(before) || !once(changed) || names_days {
        return Ok(());
    }
    let change = change.trim().trim_end_matches(['.', '!']);
    Err(PhraseError::new(format!(
        "\"{change}\" alone would make it run once instead of repeating. Say the whole schedule with the change ('every day at 9am and 5pm'), or a day for one run ('tomorrow at {}').",
        change.trim_start_matches("at ")
    )))
}

/// `original` with `added` joined to the words of the same kind ("every
/// weekday at 9 on saturdays" + "at 2pm" is "… at 9 and at 2pm on
/// saturdays"), refused if any run it has now would be lost.
fn add_to(
    original: &str,
    added: &str,
    context: &Context,
) -> Result<(Schedule, String), PhraseError> {
    let changes = read_change(added)?;
    let names = Names::of(&changes.found);
    let (tokens, _, _) = read(original)?;
    let spans = build::recognize_spans(&tokens)?;
    // "noon", "9pm" added to "at 9": "and at noon"
    let (added_tokens, _, _) = read(added)?;
    let words = match super::clock::single(&added_tokens, 0, false)? {
        Some(_) => format!("and at {added}"),
        None => format!("and {added}"),
    };
    let same_kind = |clauses: &[Clause]| {
        clauses.iter().any(|c| match c {
            Clause::Times(_) | Clause::Part(_) => names.time,
            Clause::Recur(Recur::Weekly { .. }) | Clause::Day(_) => names.days,
            _ => false,
        })
    };
    let combined = match spans.iter().rposition(|(_, _, c)| same_kind(c)) {
        Some(k) => {
            let end = tokens[spans[k].0 + spans[k].1 - 1].end;
            format!("{} {words}{}", &original[..end], &original[end..])
        }
        None => format!("{original} {words}"),
    };
    let parsed = parse_phrase(&combined, context)?;
    if let Ok(before) = parse_phrase(original, context) {
        still_runs(&before.schedule, &parsed.schedule, added, context)?;
    }
    Ok((parsed.schedule, combined))
}

/// Whether `change` adds to a schedule rather than replacing part of it.
pub fn is_addition(change: &str) -> bool {
    adds(change.trim()).is_some()
}

/// Refuses an addition that would take runs away ("every 2 hours" + "also
/// on weekends" read as every 2 hours on weekends only): the next runs of
/// `before` must all still happen.
fn still_runs(
    before: &Schedule,
    after: &Schedule,
    added: &str,
    context: &Context,
) -> Result<(), PhraseError> {
    let second = chrono::Duration::seconds(1);
    let dropped = before
        .upcoming(context.now, 20)
        .into_iter()
        .find(|at| after.next_after(*at - second) != Some(*at));
    match dropped {
        None => Ok(()),
        Some(at) => Err(PhraseError::new(format!(
            "adding \"{added}\" that way would drop runs it has now (the one on {}): say the whole schedule as it should be, e.g. 'every weekday and saturday at 9'.",
            crate::schedule::format_local(at, before.zone)
        ))),
    }
}

/// A change that adds to the schedule ("and on saturdays too", "also at
/// 5pm", "plus fridays as well"), without its adding words.
fn adds(amendment: &str) -> Option<String> {
    let words: Vec<&str> = amendment
        .trim_end_matches(['.', '!'])
        .split_whitespace()
        .collect();
    let is = |w: &str, of: &[&str]| of.iter().any(|o| w.eq_ignore_ascii_case(o));
    let lead = words.iter().take_while(|w| is(w, task::ADDING)).count();
    let rest = &words[lead..];
    let tail = match rest {
        [.., a, b] if is(a, &["as"]) && is(b, &["well"]) => 2,
        [.., last] if is(last, &["too", "also"]) => 1,
        _ => 0,
    };
    let kept = &rest[..rest.len().saturating_sub(tail)];
    (lead + tail > 0 && !kept.is_empty()).then(|| kept.join(" "))
}

/// "make it 9": a bare hour as a change is a time of day.
fn bare_hour(amendment: &str) -> Cow<'_, str> {
    let bare = !amendment.is_empty()
        && amendment
            .trim_end_matches(['.', '!'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':');
    if bare {
        Cow::Owned(format!("at {amendment}"))
    } else {
        Cow::Borrowed(amendment)
    }
}

/// The clauses of a change, refused when it has none, has words that are
/// not a schedule, or is a request of its own.
fn read_change(amendment: &str) -> Result<Clauses, PhraseError> {
    if amendment.chars().count() > MAX_PHRASE_CHARS {
        return Err(PhraseError::new(format!(
            "that change is too long to read (the limit is {MAX_PHRASE_CHARS} characters)"
        )));
    }
    let (amendment_tokens, changes, _) = read(amendment)?;
    if changes.found.is_empty() {
        return Err(PhraseError::new(
            "I couldn't find a schedule change in that. Try 'at 9', 'only on weekdays' or 'every monday at 8:30'.",
        ));
    }
    if let Some((start, len)) = guard::unplaced(&amendment_tokens, &changes.used) {
        return Err(unplaced_question(
            amendment,
            &amendment_tokens,
            &changes.used,
            start,
            len,
        ));
    }
    if task::task(amendment, &amendment_tokens, &changes.used).is_some() {
        return Err(PhraseError::new(
            "that has more in it than a schedule change; say the change alone, e.g. 'at 9' or 'only on weekdays'.",
        ));
    }
    Ok(changes)
}

/// Which parts of a schedule a change names.
struct Names {
    time: bool,
    repeat: bool,
    within_day: bool,
    days: bool,
    except: bool,
    window: bool,
    zone: bool,
}

impl Names {
    fn of(found: &[Clause]) -> Names {
        let has = |test: fn(&Clause) -> bool| found.iter().any(test);
        let names_time =
            has(|c| matches!(c, Clause::Times(_) | Clause::Part(_) | Clause::PastHour(_)));
        let names_repeat = has(|c| match c {
            Clause::Recur(Recur::Weekly { every: 1, days }) => days.is_empty(),
            Clause::Recur(_) | Clause::After(_) => true,
            _ => false,
        });
        let names_within_day = has(|c| {
            matches!(
                c,
                Clause::Recur(Recur::Every { .. } | Recur::TimesADay(_)) | Clause::Window(_)
            )
        });
        let names_days = has(|c| {
            matches!(
                c,
                Clause::Recur(Recur::Weekly { every: 1, .. }) | Clause::Day(_)
            )
        });
        // "except fridays" leaves the days out of the repeat there is
        let names_except = has(|c| matches!(c, Clause::Except(_)));
        let names_window = has(|c| matches!(c, Clause::Window(_)));
        let names_zone = has(|c| matches!(c, Clause::Zone(_)));
        Names {
            time: names_time,
            repeat: names_repeat,
            within_day: names_within_day,
            days: names_days,
            except: names_except,
            window: names_window,
            zone: names_zone,
        }
    }

    /// Whether the change replaces a span of the original made of `clauses`.
    fn replace(&self, clauses: &[Clause]) -> bool {
        clauses.iter().any(|c| match c {
            Clause::Times(_) | Clause::PastHour(_) => self.time || self.within_day,
            // "every morning" is a repeat and a part of the day: a new time
            // keeps the repeat, new days replace it.
            Clause::Part(_) => {
                (self.time || self.within_day) && !matches!(clauses[0], Clause::Recur(_))
            }
            // A repeat within the day ("every 15 minutes") keeps going on
            // the days named ("only on weekdays").
            Clause::Recur(Recur::Every { .. } | Recur::TimesADay(_)) => self.repeat,
            Clause::Recur(_) | Clause::Day(_) | Clause::After(_) => self.repeat || self.days,
            Clause::Except(_) => self.repeat || self.days || self.except,
            Clause::Window(_) => self.window || (self.repeat && !self.within_day),
            Clause::Zone(_) => self.zone,
        })
    }
}
