//! Natural language → [`Schedule`]: "remind me to move the car every other day at
//! 7" gives an RRULE every 2 days at 07:00 and the task "move the car".
//!
//! The sentence is split into tokens; recognizers for recurrences, days, times
//! and zones claim the tokens they understand wherever they stand, `build`
//! combines what they found into one schedule (or says why it cannot), and the
//! words left over are the task. Nothing is guessed: a sentence with no schedule
//! in it is an error that shows phrases that work.

mod build;
mod calendar;
mod clock;
mod recur;
mod tokens;
mod words;
mod zones;

use chrono::{DateTime, Utc};

use super::{Schedule, Zone, DEFAULT_MIN_INTERVAL_SECONDS};

/// The longest phrase read; longer input is refused with this limit stated.
pub const MAX_PHRASE_CHARS: usize = 2_000;

/// What a phrase is read against.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    pub now: DateTime<Utc>,
    /// The zone used when the phrase names none.
    pub zone: Zone,
    /// The shortest interval allowed (config; DESIGN §3 default 1 minute).
    pub min_interval_seconds: i64,
}

impl Context {
    pub fn new(now: DateTime<Utc>, zone: Zone) -> Context {
        Context {
            now,
            zone,
            min_interval_seconds: DEFAULT_MIN_INTERVAL_SECONDS,
        }
    }
}

/// A schedule read from a sentence, and the rest of the sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub schedule: Schedule,
    /// The words that were not part of the schedule ("move the car"), if any.
    pub task: Option<String>,
}

/// Why a phrase could not be read: a sentence for the user, with an example that
/// works.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PhraseError(pub String);

impl PhraseError {
    pub fn new(message: impl Into<String>) -> PhraseError {
        PhraseError(message.into())
    }

    fn no_schedule() -> PhraseError {
        PhraseError::new(
            "I couldn't find a schedule in that. Try 'every weekday at 8:30', 'every monday and thursday at noon', 'tomorrow at 5pm' or 'in 20 minutes'.",
        )
    }
}

/// Reads a schedule out of `text`.
pub fn parse_phrase(text: &str, context: &Context) -> Result<Parsed, PhraseError> {
    let length = text.chars().count();
    if text.trim().is_empty() {
        return Err(PhraseError::new(
            "the schedule is empty: try 'every weekday at 8:30' or 'tomorrow at 5pm'",
        ));
    }
    if length > MAX_PHRASE_CHARS {
        return Err(PhraseError::new(format!(
            "that is too long to read as a schedule ({length} characters; the limit is {MAX_PHRASE_CHARS}). Put the schedule in a short sentence such as 'every weekday at 8:30'."
        )));
    }
    let tokens = tokens::tokenize(text);
    let clauses = build::recognize_all(&tokens)?;
    if clauses.found.is_empty() {
        return Err(PhraseError::no_schedule());
    }
    let schedule = build::build(&clauses.found, context)?;
    let task = build::task(text, &tokens, &clauses.used);
    Ok(Parsed { schedule, task })
}

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
    use build::Clause;
    if amendment.chars().count() > MAX_PHRASE_CHARS {
        return Err(PhraseError::new(format!(
            "that change is too long to read (the limit is {MAX_PHRASE_CHARS} characters)"
        )));
    }
    let amendment_tokens = tokens::tokenize(amendment);
    let changes = build::recognize_all(&amendment_tokens)?;
    if changes.found.is_empty() {
        return Err(PhraseError::new(
            "I couldn't find a schedule change in that. Try 'at 9', 'only on weekdays' or 'every monday at 8:30'.",
        ));
    }
    if build::task(amendment, &amendment_tokens, &changes.used).is_some() {
        return Err(PhraseError::new(
            "that has more in it than a schedule change; say the change alone, e.g. 'at 9' or 'only on weekdays'.",
        ));
    }
    let names_time = changes
        .found
        .iter()
        .any(|c| matches!(c, Clause::Times(_) | Clause::Part(_)));
    let names_days = changes
        .found
        .iter()
        .any(|c| matches!(c, Clause::Recur(_) | Clause::Day(_) | Clause::After(_)));
    let names_zone = changes.found.iter().any(|c| matches!(c, Clause::Zone(_)));
    let original_tokens = tokens::tokenize(original);
    let spans = build::recognize_spans(&original_tokens)?;
    if spans.is_empty() && !names_days {
        return Err(PhraseError::new(
            "I can't change just part of that schedule: give the whole of it, e.g. 'every weekday at 9'.",
        ));
    }
    let mut kept: Vec<String> = Vec::new();
    for (start, len, clauses) in spans {
        let replaced = clauses.iter().any(|c| match c {
            Clause::Times(_) => names_time,
            // "every morning" is a repeat and a part of the day: a new time
            // keeps the repeat, new days replace it.
            Clause::Part(_) => names_time && !matches!(clauses[0], Clause::Recur(_)),
            Clause::Recur(_) | Clause::Day(_) | Clause::After(_) => names_days,
            Clause::Zone(_) => names_zone,
        });
        if !replaced {
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
