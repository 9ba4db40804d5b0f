//! The model's own reading of a schedule beside steward's reading of the
//! user's words (LLM mode): `create_workflow` and `update_workflow` take both.
//! steward compares the next ten fire times of each; when they differ the
//! draft shows both and asks which one is meant, and when steward cannot read
//! the words at all the model's reading is used and shown as such.

use crate::schedule::natural::Context;
use crate::schedule::{parse_input, Schedule};

/// Fire times compared between the two readings.
const COMPARED: usize = 10;

/// How the two readings came out.
pub enum Reconciled {
    /// The words' reading, alone or agreeing with the model's.
    Words(Schedule),
    /// The words could not be read; the model's reading, with why.
    Model { schedule: Schedule, why: String },
    /// Both read, differently: the words' reading first.
    Differ { words: Schedule, model: Schedule },
}

/// The model's expression read as a schedule (cron, RRULE, several joined by
/// ` | `, an ISO instant or duration), or why not.
pub fn read_model(reading: &str, context: &Context) -> Result<Schedule, String> {
    let parsed = parse_input(reading, context)?;
    if parsed.task.is_some() {
        return Err(format!(
            "'{reading}' is words, not a cron expression or RRULE"
        ));
    }
    Ok(parsed.schedule)
}

/// Compares the words' reading (or its error) with the model's, if any.
pub fn reconcile(
    words: Result<Schedule, String>,
    model: Option<&str>,
    context: &Context,
) -> Result<Reconciled, String> {
    let model = model
        .map(str::trim)
        .filter(|m| !m.is_empty() && !m.eq_ignore_ascii_case("null"));
    let Some(model) = model else {
        return words.map(Reconciled::Words);
    };
    match (words, read_model(model, context)) {
        (Ok(words), Ok(model)) if same(&words, &model, context) => Ok(Reconciled::Words(words)),
        (Ok(words), Ok(model)) => Ok(Reconciled::Differ { words, model }),
        (Ok(words), Err(_)) => Ok(Reconciled::Words(words)),
        (Err(why), Ok(model)) => Ok(Reconciled::Model {
            schedule: model,
            why,
        }),
        (Err(why), Err(_)) => Err(why),
    }
}

/// Whether two schedules fire at the same next instants.
fn same(a: &Schedule, b: &Schedule, context: &Context) -> bool {
    a.upcoming(context.now, COMPARED) == b.upcoming(context.now, COMPARED)
}

/// "1", "the first", "first one", "the second", "2." …: which reading the
/// user chose, if the message is such a choice.
pub fn choice(text: &str) -> Option<usize> {
    let words: String = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect();
    let words: Vec<&str> = words
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "the"
                    | "one"
                    | "reading"
                    | "option"
                    | "number"
                    | "please"
                    | "is"
                    | "meant"
                    | "i"
                    | "mean"
            )
        })
        .collect();
    match words.as_slice() {
        ["1" | "first" | "yours" | "steward" | "stewards" | "words"] => Some(1),
        ["2" | "second" | "model" | "models" | "llm" | "other"] => Some(2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Zone;
    use chrono::{DateTime, Utc};

    fn context() -> Context {
        let now: DateTime<Utc> = "2026-11-21T09:00:00Z".parse().unwrap();
        Context::new(now, "Europe/Paris".parse::<Zone>().unwrap())
    }

    fn words(text: &str) -> Result<Schedule, String> {
        parse_input(text, &context()).map(|p| p.schedule)
    }

    #[test]
    fn agreeing_readings_are_one() {
        let found = reconcile(
            words("every weekday at 8:30"),
            Some("30 8 * * 1-5"),
            &context(),
        );
        assert!(matches!(found, Ok(Reconciled::Words(_))));
    }

    #[test]
    fn differing_readings_are_both_kept() {
        let found = reconcile(
            words("every day except weekends at 7"),
            Some("0 7 * * SAT,SUN"),
            &context(),
        );
        assert!(matches!(found, Ok(Reconciled::Differ { .. })));
    }

    #[test]
    fn unreadable_words_take_the_models_reading_and_say_why() {
        let found = reconcile(
            words("every day at 7 except the first monday"),
            Some("0 7 * * *"),
            &context(),
        );
        match found {
            Ok(Reconciled::Model { why, .. }) => assert!(why.contains("first monday"), "{why}"),
            _ => panic!("the model's reading is used"),
        }
    }

    #[test]
    fn choices_are_read() {
        assert_eq!(choice("1"), Some(1));
        assert_eq!(choice("the second one"), Some(2));
        assert_eq!(choice("The first."), Some(1));
        assert_eq!(choice("first thing tomorrow"), None);
    }
}
