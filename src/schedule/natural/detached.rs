//! Days standing apart from the rest of a schedule, with other words
//! between: asked about, since they may be more days to run on or words of
//! the task.

use super::build::{Clause, Span};
use super::calendar::DaySpec;
use super::recur::Recur;
use super::tokens::Token;
use super::words::{is_joiner, weekday, word};
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
            if weekday(&words[words.len() - 1].lower).is_none() {
                // "say weekly report": no day to add
                return Err(PhraseError::new(format!(
                    "\"{text}\" stands apart from the rest of the schedule: is it part of the schedule, or of the message? Say the schedule in one phrase, or put the message in quotes (say \"{text} …\")."
                )));
            }
            return Err(PhraseError::new(format!(
                "\"{text}\" stands apart from the rest of the schedule: is it another day to run on, or part of the message? Say the days together (e.g. 'every friday and {day} at 5pm'), or put the message in quotes (say \"see you {day}\").",
                day = words[words.len() - 1].lower.trim_end_matches('s'),
            )));
        }
    }
    Ok(())
}

/// Refuses days combined with a repeat of days across words that are not
/// joining words ("every day besides saturday", "every weekday other
/// friday"): read together they would narrow "every day" to saturday, or
/// add friday, when the words between may have left it out.
pub fn combined(tokens: &[Token], spans: &[Span]) -> Result<(), PhraseError> {
    let names_days = |clauses: &[Clause]| {
        clauses.iter().any(|c| {
            matches!(
                c,
                Clause::Recur(Recur::Daily { every: 1 } | Recur::Weekly { .. })
                    | Clause::Day(DaySpec::Weekdays { .. })
            )
        })
    };
    let mut covered = vec![false; tokens.len()];
    for (start, len, _) in spans {
        covered[*start..start + len]
            .iter_mut()
            .for_each(|c| *c = true);
    }
    let mut days = spans.iter().filter(|(_, _, c)| names_days(c));
    let Some(mut before) = days.next() else {
        return Ok(());
    };
    for after in days {
        let between = (before.0 + before.1)..after.0;
        let stray = between.clone().find(|&k| {
            !covered[k]
                && !is_joiner(word(tokens, k))
                && !matches!(word(tokens, k), "also" | "on" | "at" | "the" | "plus" | "-")
        });
        if let Some(k) = stray {
            let said = |(start, len, _): &Span| {
                let words: Vec<&str> = tokens[*start..start + len]
                    .iter()
                    .map(|t| t.raw.as_str())
                    .collect();
                words.join(" ")
            };
            return Err(PhraseError::new(format!(
                "I read \"{}\" and \"{}\" with \"{}\" between them: does it leave those days out, or add them? Say 'except' to leave days out ('every day except saturday'), or name only the days it runs on ('every saturday').",
                said(before),
                said(after),
                tokens[k].raw,
            )));
        }
        before = after;
    }
    Ok(())
}
