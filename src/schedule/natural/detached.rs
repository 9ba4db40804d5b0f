//! Days standing apart from the rest of a schedule, with other words
//! between: asked about, since they may be more days to run on or words of
//! the task.

use super::build::{Clause, Span};
use super::calendar::DaySpec;
use super::recur::Recur;
use super::tokens::Token;
use super::words::{is_joiner, word};
use super::PhraseError;

/// Refuses days standing apart from the rest of the schedule, with other
/// words between ("every friday at 5pm say see you monday", "every monday
/// remind me about the meeting on tuesday"): they may be more days to run
/// on or words of the task, and reading either way could be wrong.
pub fn days(tokens: &[Token], spans: &[Span]) -> Result<(), PhraseError> {
    let only_days = |clauses: &[Clause]| {
        clauses.iter().all(|c| {
            matches!(
                c,
                Clause::Recur(Recur::Weekly { .. }) | Clause::Day(DaySpec::Weekdays { .. })
            )
        })
    };
    let scheduled = |clauses: &[Clause]| {
        clauses
            .iter()
            .any(|c| matches!(c, Clause::Recur(_) | Clause::Day(_)))
    };
    // Whether only joining words stand between tokens `from` and `to`.
    let joined = |from: usize, to: usize| {
        (from..to)
            .all(|k| is_joiner(word(tokens, k)) || matches!(word(tokens, k), "also" | "on" | "at"))
    };
    // The last first: the schedule usually comes before the message.
    for (n, (start, len, clauses)) in spans.iter().enumerate().rev() {
        // "every monday" is the schedule itself, however far from the rest.
        if !only_days(clauses) || matches!(word(tokens, *start), "every" | "each") {
            continue;
        }
        let apart = spans
            .iter()
            .enumerate()
            .filter(|(m, _)| *m != n)
            .all(|(_, (s, l, _))| {
                let (from, to) = if s < start {
                    (s + l, *start)
                } else {
                    (start + len, *s)
                };
                !joined(from, to)
            });
        let other_days = spans
            .iter()
            .enumerate()
            .any(|(m, (_, _, c))| m != n && scheduled(c));
        if apart && other_days {
            let words = &tokens[*start..start + len];
            let text: Vec<&str> = words.iter().map(|t| t.raw.as_str()).collect();
            let text = text.join(" ");
            return Err(PhraseError::new(format!(
                "\"{text}\" stands apart from the rest of the schedule: is it another day to run on, or part of the message? Say the days together (e.g. 'every friday and {day} at 5pm'), or put the message in quotes (say \"see you {day}\").",
                day = words[words.len() - 1].lower.trim_end_matches('s'),
            )));
        }
    }
    Ok(())
}
