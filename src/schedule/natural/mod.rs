//! Natural language → [`Schedule`]: "remind me to move the car every other day at
//! 7" gives an RRULE every 2 days at 07:00 and the task "move the car".
//!
//! The sentence is split into tokens; recognizers for recurrences, days, times
//! and zones claim the tokens they understand wherever they stand, `build`
//! combines what they found into one schedule (or says why it cannot), and the
//! words left over are the task. Nothing is guessed: a sentence with no schedule
//! in it is an error that shows phrases that work.

mod amend;
mod build;
mod calendar;
mod clock;
mod detached;
mod emit;
mod except;
mod guard;
mod holidays;
mod layout;
mod numeric_date;
mod pairs;
mod past_hour;
mod recur;
mod spoken;
mod task;
mod tokens;
mod typos;
mod unread;
mod when;
mod window;
mod words;
mod zones;

pub use amend::{amend_phrase, is_addition, keeps_repeating};
pub use spoken::spoken_as_digits;
pub use typos::Correction;

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
    /// Typos read as the schedule word meant ("tuesdy" as "tuesday").
    pub corrections: Vec<Correction>,
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
    let (tokens, clauses, corrections) = read(text)?;
    if clauses.found.is_empty() {
        return Err(PhraseError::no_schedule());
    }
    if let Some((start, len)) = holidays::named_day(&tokens, &clauses.used) {
        let holiday = &text[tokens[start].start..tokens[start + len - 1].end];
        return Err(PhraseError::new(format!(
            "\"{holiday}\" is a holiday, and I have no holiday calendar, so I can't tell its date. Which date is it ('april 3')? Or say the weekday alone if you meant every week ('every {} at 9 …').",
            tokens[start + 1].lower
        )));
    }
    if let Some((start, len)) = guard::unplaced(&tokens, &clauses.used) {
        return Err(unplaced_question(text, &tokens, &clauses.used, start, len));
    }
    if let Some(at) = unread::day_of_month(&tokens, &clauses.used) {
        return Err(unplaced_question(text, &tokens, &clauses.used, at, 1));
    }
    if let Some((at, hour, minute)) = unread::clock_digits(&tokens, &clauses.used) {
        let placed = placed_words(text, &tokens, &clauses.used);
        let digits = &tokens[at].raw;
        return Err(PhraseError::new(format!(
            "I read \"{placed}\" but not \"{digits}\": is it the time, {hour:02}:{minute:02}? Then say 'at {hour:02}:{minute:02}'. If it belongs to the message, put the message in quotes (say \"{digits} …\")."
        )));
    }
    let timed = clauses.found.iter().any(|c| {
        matches!(
            c,
            build::Clause::Times(_)
                | build::Clause::Part(_)
                | build::Clause::After(_)
                | build::Clause::PastHour(_)
        )
    });
    if let Some((start, len)) = unread::unnamed_time(&tokens, &clauses.used, timed) {
        let placed = placed_words(text, &tokens, &clauses.used);
        let words = &text[tokens[start].start..tokens[start + len - 1].end];
        let hint = if tokens[start].lower == "for" {
            "A schedule can't stop by itself yet: make it without that and pause or delete it then."
        } else {
            "What time is that? Say it in digits ('at 12:30')."
        };
        return Err(PhraseError::new(format!(
            "I read \"{placed}\" but not \"{words}\". {hint}"
        )));
    }
    if let Some((start, len)) = unread::repeat(&tokens, &clauses.used, &clauses.found) {
        let placed = placed_words(text, &tokens, &clauses.used);
        let words = &text[tokens[start].start..tokens[start + len - 1].end];
        return Err(PhraseError::new(format!(
            "I read \"{placed}\" as one time, but not \"{words}\": should it repeat? Say the days it runs on ('every weekday at 9', 'every monday at 9'), or leave \"{words}\" out for one time."
        )));
    }
    let schedule = build::build(&clauses.found, context)?;
    let task = task::task(text, &tokens, &clauses.used);
    Ok(Parsed {
        schedule,
        task,
        corrections,
    })
}

/// How a phrase was read, to show beside its schedule: the words that made
/// the schedule ("every day except weekends at 7") and the typos read as
/// schedule words ("evry" as "every"). `None` when the text is no phrase.
pub fn reading(text: &str) -> Option<(String, Vec<Correction>)> {
    let (tokens, clauses, corrections) = read(text).ok()?;
    if clauses.found.is_empty() {
        return None;
    }
    Some((placed_words(text, &tokens, &clauses.used), corrections))
}

/// Whether `text` is schedule words alone ("between 9 and 5", "only on
/// weekdays"), readable or not: a change to a schedule rather than a request
/// or a command.
/// The task words of `text` beside the schedule words the reader found,
/// even when the schedule itself is asked about ("every day at 5 remind me
/// to go home" has "remind me to go home"); `None` without schedule words.
pub fn task_words(text: &str) -> Option<String> {
    let (tokens, clauses, _) = read(text).ok()?;
    if clauses.found.is_empty() {
        return None;
    }
    task::task(text, &tokens, &clauses.used)
}

pub fn is_schedule_only(text: &str) -> bool {
    match read(text) {
        Ok((tokens, clauses, _)) => {
            !clauses.found.is_empty() && task::task(text, &tokens, &clauses.used).is_none()
        }
        Err(_) => false,
    }
}

/// `text` with the holiday it was asked about ("good friday") replaced by
/// `answer`, its date ("april 3", "on 3 april"); `None` when `text` names
/// no such holiday.
pub fn holiday_answered(text: &str, answer: &str) -> Option<String> {
    let (tokens, clauses, _) = read(text).ok()?;
    let (start, len) = holidays::named_day(&tokens, &clauses.used)?;
    let answer = answer.trim().trim_end_matches(['.', '!']);
    let lower = answer.to_lowercase();
    // "on good friday" + "on april 3": one "on".
    let after_on = start > 0 && tokens[start - 1].lower == "on";
    let answer = match lower.strip_prefix("on ") {
        Some(_) if after_on => &answer[3..],
        _ => answer,
    };
    Some(format!(
        "{}{}{}",
        &text[..tokens[start].start],
        answer,
        &text[tokens[start + len - 1].end..]
    ))
}

/// The runs of words the recognizers took, joined.
fn placed_words(text: &str, tokens: &[tokens::Token], used: &[bool]) -> String {
    let mut placed: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if used[i] {
            let from = tokens[i].start;
            while i + 1 < tokens.len() && used[i + 1] {
                i += 1;
            }
            placed.push(&text[from..tokens[i].end]);
        }
        i += 1;
    }
    placed.join(" ")
}

/// Tokens with typos corrected where the correction became part of the
/// schedule, what the recognizers found in them, and the corrections kept.
fn read(text: &str) -> Result<(Vec<tokens::Token>, build::Clauses, Vec<Correction>), PhraseError> {
    let written = tokens::tokenize(text);
    let (mut tokens, notes) = typos::correct(&written);
    let mut clauses = build::recognize_all(&tokens)?;
    // A correction nothing used was a word of the task after all: read it as
    // written.
    let unused = |tokens: &[tokens::Token], used: &[bool]| -> Vec<usize> {
        (0..tokens.len())
            .filter(|&i| notes[i].is_some() && !used[i])
            .collect()
    };
    let stray = unused(&tokens, &clauses.used);
    if !stray.is_empty() && notes.len() == tokens.len() {
        for i in stray {
            if let Some(original) = written.iter().find(|t| t.start == tokens[i].start) {
                tokens[i].lower = original.lower.clone();
            }
        }
        clauses = build::recognize_all(&tokens)?;
    }
    let mut corrections: Vec<Correction> = Vec::new();
    for (i, note) in notes.iter().enumerate() {
        if let Some(note) = note {
            let written = note.written.to_lowercase();
            // "hour" read as "hours" is no news to the person.
            let plural = |a: &str, b: &str| a.strip_suffix('s') == Some(b);
            let kept = clauses.used.get(i).copied().unwrap_or(false)
                && tokens[i].lower != written
                && !plural(&tokens[i].lower, &written)
                && !plural(&written, &tokens[i].lower);
            if kept && !corrections.contains(note) {
                corrections.push(note.clone());
            }
        }
    }
    Ok((tokens, clauses, corrections))
}

/// `I read "every day at 7" but not "except the first monday"`, with what
/// can be said instead.
fn unplaced_question(
    text: &str,
    tokens: &[tokens::Token],
    used: &[bool],
    start: usize,
    len: usize,
) -> PhraseError {
    let placed = placed_words(text, tokens, used);
    let words = &text[tokens[start].start..tokens[start + len - 1].end];
    let first = tokens[start..start + len]
        .iter()
        .map(|t| t.lower.as_str())
        .find(|w| !matches!(*w, "on" | "the" | "at" | "in" | "for" | "this" | "next"))
        .unwrap_or("");
    let hint = match first {
        "except" | "excluding" | "but" | "not" => {
            "What should happen then? I can leave out days of the week ('every day except weekends at 7'); otherwise say which days it should run."
        }
        "until" | "till" => {
            "What did you mean by it? A schedule can't end on a date yet: make it without the end and pause or delete it then, or give hours of the day ('every hour from 9 until 5')."
        }
        "between" | "during" | "from" => {
            "What did you mean by it? For a window of the day say how often within it: 'every 15 minutes between 9am and 5pm'."
        }
        "before" | "after" | "by" => {
            "steward runs at set times, not before or after one: say the time it should run ('at 8:45')."
        }
        "half" => {
            "'half nine' is 9:30 to some and 8:30 to others: say the time in digits ('at 9:30')."
        }
        "quarter" | "quarters" | "quarterly" => {
            "What did you mean by it? 'the first monday of every quarter' and 'every quarter on the 1st' work."
        }
        _ => "What did you mean by it? Say the whole schedule in one phrase (e.g. 'every weekday at 8:30' or 'every sunday evening'), or leave that part out.",
    };
    PhraseError::new(format!("I read \"{placed}\" but not \"{words}\". {hint}"))
}
