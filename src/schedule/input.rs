//! One entry point for anything a person types as a schedule: a cron
//! expression, an RFC 5545 rule, an ISO-8601 duration or instant, or a phrase.

use chrono::{DateTime, Utc};

use super::natural::Context;
use super::{parse_phrase, CronExpr, Interval, Recurrence, Schedule, Trigger, Union};

/// A schedule read from input, and the task around it when the input was a
/// sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedInput {
    pub schedule: Schedule,
    pub task: Option<String>,
}

/// Reads `input` as cron, RRULE, ISO-8601 duration or instant, or a phrase, in
/// that order of recognition. The error is a sentence for the user.
pub fn parse_input(input: &str, context: &Context) -> Result<ParsedInput, String> {
    let trimmed = input.trim();
    let plain = |trigger| ParsedInput {
        schedule: Schedule::new(trigger, context.zone),
        task: None,
    };
    if trimmed.contains('|')
        && trimmed
            .split('|')
            .all(|part| looks_like_expression(part.trim()))
    {
        return Union::parse(trimmed, context.zone, context.now)
            .map(|union| plain(Trigger::Union(union)))
            .map_err(|e| e.0);
    }
    if looks_like_cron(trimmed) {
        return CronExpr::parse(trimmed)
            .map(|cron| plain(Trigger::Cron(cron)))
            .map_err(|e| e.0);
    }
    let upper = trimmed.to_ascii_uppercase();
    if upper.starts_with("DTSTART") || upper.starts_with("RRULE:") || upper.starts_with("FREQ=") {
        let (rule, zone) =
            Recurrence::parse(trimmed, context.zone, context.now).map_err(|e| e.0)?;
        return Ok(ParsedInput {
            schedule: Schedule::new(Trigger::Rrule(std::sync::Arc::new(rule)), zone),
            task: None,
        });
    }
    if upper.starts_with('P')
        && upper.len() > 1
        && !upper.contains(' ')
        && upper[1..].starts_with(|c: char| c.is_ascii_digit() || c == 'T')
    {
        return Interval::parse_iso(trimmed, context.now, context.min_interval_seconds)
            .map(|interval| plain(Trigger::Interval(interval)))
            .map_err(|e| e.0);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(trimmed) {
        let at = at.with_timezone(&Utc);
        if at <= context.now {
            return Err(format!("{trimmed} is in the past: give a future instant"));
        }
        return Ok(plain(Trigger::Once(at)));
    }
    parse_phrase(trimmed, context)
        .map(|parsed| ParsedInput {
            schedule: parsed.schedule,
            task: parsed.task,
        })
        .map_err(|e| e.0)
}

/// A cron pattern or an RRULE, as one member of a union.
fn looks_like_expression(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    looks_like_cron(text)
        || upper.starts_with("DTSTART")
        || upper.starts_with("RRULE:")
        || upper.starts_with("FREQ=")
}

/// A nickname, or 5 to 7 fields of cron characters with at least two that carry
/// digits or wildcards ("30 8 * * MON-FRI"), so "nine am every weekday" stays a
/// phrase.
fn looks_like_cron(text: &str) -> bool {
    if text.starts_with('@') && !text.contains(' ') {
        return true;
    }
    let fields: Vec<&str> = text.split_whitespace().collect();
    // 4 and 8 fields are cron typos; reading them as cron names the problem.
    if !(4..=8).contains(&fields.len()) {
        return false;
    }
    let cron_chars = |f: &&str| {
        f.chars()
            .all(|c| c.is_ascii_alphanumeric() || "*?/,-#+".contains(c))
    };
    let numeric = |f: &&str| {
        f.chars()
            .any(|c| c.is_ascii_digit() || c == '*' || c == '?')
    };
    // "24/12/2026 9am say hi": a word that names no day or month is a phrase.
    let word = |f: &&str| {
        f.len() >= 2
            && !f.eq_ignore_ascii_case("lw")
            && f.chars().all(|c| c.is_ascii_alphabetic())
            && !(f.len() == 3 && (weekday_name(f) || month_abbr(f)))
    };
    fields.iter().all(cron_chars)
        && !fields.iter().any(word)
        && fields.iter().filter(|f| numeric(f)).count() >= 2
        && fields[0]
            .chars()
            .all(|c| c.is_ascii_digit() || "*?/,-".contains(c))
}

fn weekday_name(f: &str) -> bool {
    ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"].contains(&f.to_uppercase().as_str())
}

fn month_abbr(f: &str) -> bool {
    [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    .contains(&f.to_uppercase().as_str())
}
