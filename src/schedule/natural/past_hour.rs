//! The minute past the hour an hourly repeat fires at: "every hour at half
//! past", "on the half hour", "at :15", "at quarter to", "at 45 minutes past
//! the hour". Without it, "every hour at half past" would fire on the hour
//! with "at half past" left in the task.

use super::build::Parts;
use super::recur::Recur;
use super::tokens::Token;
use super::words::{cardinal, word, Unit};
use super::PhraseError;

/// The minute past the hour at `i`, and how many tokens it takes.
pub fn recognize(tokens: &[Token], i: usize) -> Option<(u32, usize)> {
    // "on the half hour", "on the half-hour"
    if (word(tokens, i), word(tokens, i + 1)) == ("on", "the") {
        return match (word(tokens, i + 2), word(tokens, i + 3)) {
            ("half-hour", _) => Some((30, 3)),
            ("half", "hour") => Some((30, 4)),
            _ => None,
        };
    }
    let j = if matches!(word(tokens, i), "at" | "@") {
        i + 1
    } else {
        i
    };
    // "at the top of the hour", "at the top of every hour": on the hour.
    if (word(tokens, j), word(tokens, j + 1), word(tokens, j + 2)) == ("the", "top", "of") {
        return match (word(tokens, j + 3), word(tokens, j + 4)) {
            ("the", "hour") => Some((0, j + 5 - i)),
            ("every" | "each", _) if j > i => Some((0, j + 3 - i)),
            _ => None,
        };
    }
    // "at :30"
    if j > i {
        if let Some(minute) = word(tokens, j).strip_prefix(':').and_then(minute) {
            return Some((minute, j + 1 - i));
        }
    }
    let (minute, k) = match word(tokens, j) {
        "half" | "half-past" => (30, j + 1),
        "quarter" => (15, j + 1),
        "a" if word(tokens, j + 1) == "quarter" => (15, j + 2),
        w => {
            let minute = cardinal(w).and_then(|n| u32::try_from(n).ok())?;
            let k = match word(tokens, j + 1) {
                "minutes" | "minute" | "mins" | "min" => j + 2,
                _ => j + 1,
            };
            (minute, k)
        }
    };
    let hour_at = |k: usize| (word(tokens, k), word(tokens, k + 1)) == ("the", "hour");
    let half = matches!(word(tokens, j), "half" | "half-past");
    // "at quarter to", "at 10 minutes to", "at 10 to the hour"; but "at 9
    // to stretch" is a time and the task.
    let to = matches!(word(tokens, j), "quarter" | "a") || k > j + 1 || hour_at(k + 1);
    let (before, k) = match word(tokens, k) {
        "past" => (false, k + 1),
        "to" if to && !half => (true, k + 1),
        // "5 after the hour", not "at 5 after work"
        "after" if hour_at(k + 1) => (false, k + 1),
        "before" | "till" if !half && hour_at(k + 1) => (true, k + 1),
        _ if word(tokens, j) == "half-past" => (false, k),
        _ => return None,
    };
    // "half past 8" is a time of day: the clock reads it.
    let next = word(tokens, k);
    let clockish = |t: &str| {
        let body = t.trim_end_matches(['a', 'p', 'm', '.']);
        !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b':')
    };
    if cardinal(next).is_some() || clockish(next) || matches!(next, "noon" | "midnight") {
        return None;
    }
    // Without "at" it needs "the hour": "10 minutes after the backup" and
    // "say it's half past" are the task's.
    let hour = hour_at(k);
    if j == i && !hour {
        return None;
    }
    if minute == 0 || minute > 59 {
        return None;
    }
    let minute = if before { 60 - minute } else { minute };
    Some((minute, k + if hour { 2 } else { 0 } - i))
}

/// Two digits of a minute, "00" to "59" (after the colon of ":30").
pub(super) fn minute(text: &str) -> Option<u32> {
    let n: u32 = text.parse().ok().filter(|_| text.len() == 2)?;
    (n < 60).then_some(n)
}

/// Refuses a minute past the hour without an hourly repeat to go with it
/// ("every day at half past").
pub fn check(parts: &Parts) -> Result<(), PhraseError> {
    let hourly = matches!(
        parts.recur,
        Some(Recur::Every {
            unit: Unit::Hour,
            ..
        })
    );
    match parts.past_hour {
        Some(minute) if !hourly => {
            let read = match minute {
                0 => "on the hour".to_string(),
                minute => format!("{minute} minutes past the hour"),
            };
            Err(PhraseError::new(format!(
                "I read {read}, but no hour: say 'every hour at :{minute:02}', or the time of day ('at 9:{minute:02}')."
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn read(text: &str) -> Option<(u32, usize)> {
        recognize(&tokenize(text), 0)
    }

    #[test]
    fn minutes_past_the_hour_are_read_in_their_usual_words() {
        assert_eq!(read("on the half hour"), Some((30, 4)));
        assert_eq!(read("on the half-hour say hi"), Some((30, 3)));
        assert_eq!(read("at half past"), Some((30, 3)));
        assert_eq!(read("at half past the hour"), Some((30, 5)));
        assert_eq!(read("at :15 say hi"), Some((15, 2)));
        assert_eq!(read("at quarter past"), Some((15, 3)));
        assert_eq!(read("at a quarter to the hour"), Some((45, 6)));
        assert_eq!(read("at 45 minutes past"), Some((45, 4)));
        assert_eq!(read("20 past the hour"), Some((20, 4)));
        assert_eq!(read("at 5 after the hour"), Some((5, 5)));
        assert_eq!(read("at 10 minutes to"), Some((50, 4)));
        assert_eq!(read("at the top of the hour"), Some((0, 6)));
        assert_eq!(read("at the top of every hour"), Some((0, 4)));
        assert_eq!(read("at 10 to the hour"), Some((50, 5)));
    }

    #[test]
    fn times_of_day_and_task_words_are_left_alone() {
        for text in [
            "at half past 8",
            "half past 7",
            "at quarter to 9",
            "at quarter past 5pm",
            "10 minutes after the backup",
            "on the hour",
            "say it's half past",
            "at 5 after work",
            "at 9 to stretch",
            "at 10 to",
            "at 6 before the meeting",
            "at 10",
            "at :7",
            "at 75 past",
            "at half to",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
