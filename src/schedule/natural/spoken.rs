//! Times said in words: "half past 8", "10 past 9", "quarter to 6", and
//! minutes after an hour ("nine thirty", "five forty five", "seven oh five";
//! without them "at nine thirty" was read as 09:00 with "thirty" left in the
//! task).

use super::clock::{hour_mark, split_clock, TimeOfDay};
use super::tokens::Token;
use super::words::{cardinal, word};

/// Minutes in words after an hour: "thirty", "forty five",
/// "forty-five", "oh five".
pub fn minute_words(tokens: &[Token], j: usize) -> Option<(u32, usize)> {
    let small = |text: &str| cardinal(text).filter(|n| (1..=9).contains(n));
    let w = word(tokens, j);
    if matches!(w, "oh" | "o") {
        return small(word(tokens, j + 1)).map(|n| (n as u32, 2));
    }
    let (tens, unit) = match w.split_once('-') {
        Some((tens, unit)) => (tens, small(unit)),
        None => (w, None),
    };
    let n = cardinal(tens).filter(|_| !tens.bytes().any(|b| b.is_ascii_digit()))?;
    match n {
        10..=19 if unit.is_none() && !w.contains('-') => Some((n as u32, 1)),
        20 | 30 | 40 | 50 => match unit {
            Some(unit) => Some(((n + unit) as u32, 1)),
            None if w.contains('-') => None,
            None => match small(word(tokens, j + 1)) {
                Some(unit) => Some(((n + unit) as u32, 2)),
                None => Some((n as u32, 1)),
            },
        },
        _ => None,
    }
}

/// `text` with each time said in words that could be either half of the
/// day written in digits ("at half past 5" as "at 5:30", "quarter to six" as
/// "5:45"), so an answer to "'5:30' could be 05:30 or 17:30" finds the time
/// it settles. Times whose half is said ("half past 5pm") stay as written.
pub fn spoken_as_digits(text: &str) -> String {
    let tokens = super::tokens::tokenize(text);
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < tokens.len() {
        let found = minutes_past(&tokens, i).or_else(|| phrase_time(&tokens, i));
        match found.filter(|(time, _)| time.either_half()) {
            Some((time, next)) => {
                out.push_str(&text[copied..tokens[i].start]);
                out.push_str(&format!("{}:{:02}", time.hour, time.minute));
                copied = tokens[next - 1].end;
                i = next;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// "half past 8", "quarter past 9", "quarter to 6".
pub(super) fn phrase_time(tokens: &[Token], i: usize) -> Option<(TimeOfDay, usize)> {
    let minutes = match word(tokens, i) {
        "half" => 30,
        "quarter" => 15,
        _ => return None,
    };
    relative_to_hour(tokens, i + 1, minutes)
}

/// "10 past 9", "20 minutes to 6".
pub(super) fn minutes_past(tokens: &[Token], i: usize) -> Option<(TimeOfDay, usize)> {
    let minutes = cardinal(word(tokens, i))?;
    if !(1..=30).contains(&minutes) {
        return None;
    }
    let j = if matches!(word(tokens, i + 1), "minutes" | "minute" | "mins") {
        i + 2
    } else {
        i + 1
    };
    if !matches!(word(tokens, j), "past" | "after" | "to" | "till" | "before") {
        return None;
    }
    relative_to_hour(tokens, j, minutes as u32)
}

/// At `j`: "past|to <hour> [am|pm]".
fn relative_to_hour(tokens: &[Token], j: usize, minutes: u32) -> Option<(TimeOfDay, usize)> {
    let before = match word(tokens, j) {
        "past" | "after" => false,
        "to" | "till" | "before" | "of" => true,
        _ => return None,
    };
    let (hour, meridiem, bare, next) = match word(tokens, j + 1) {
        "noon" | "midday" => (12, true, false, j + 2),
        "midnight" => (0, true, false, j + 2),
        w => {
            let clock = split_clock(w).filter(|c| c.minute.is_none())?;
            let mut next = j + 2;
            let mut meridiem = clock.meridiem;
            if meridiem.is_none() {
                meridiem = match word(tokens, next) {
                    "am" | "a.m." => Some(false),
                    "pm" | "p.m." => Some(true),
                    _ => None,
                };
                if meridiem.is_some() {
                    next += 1;
                }
            }
            let hour = match meridiem {
                Some(pm) if (1..=12).contains(&clock.hour) => {
                    clock.hour % 12 + if pm { 12 } else { 0 }
                }
                Some(_) => return None,
                None if clock.hour <= 23 => clock.hour,
                None => return None,
            };
            // "half past 5" could be either half, as "at 5:30" could.
            let bare = meridiem.is_none() && hour_mark(w).is_none() && !w.starts_with('0');
            (hour, meridiem.is_some(), bare, next)
        }
    };
    let total = hour as i64 * 60
        + if before {
            -(minutes as i64)
        } else {
            minutes as i64
        };
    let total = total.rem_euclid(24 * 60) as u32;
    Some((
        TimeOfDay {
            bare,
            ..TimeOfDay::new(total / 60, total % 60, meridiem)
        },
        next,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn read(text: &str) -> Option<(u32, usize)> {
        minute_words(&tokenize(text), 0)
    }

    #[test]
    fn minutes_in_words_are_read_and_other_words_are_not() {
        assert_eq!(read("thirty say hi"), Some((30, 1)));
        assert_eq!(read("forty five"), Some((45, 2)));
        assert_eq!(read("twenty-five"), Some((25, 1)));
        assert_eq!(read("oh five"), Some((5, 2)));
        assert_eq!(read("fifteen"), Some((15, 1)));
        for text in [
            "30",
            "five",
            "sixty",
            "oh",
            "twenty-",
            "people",
            "fifteen-two",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }

    #[test]
    fn times_of_either_half_said_in_words_are_written_in_digits() {
        assert_eq!(
            spoken_as_digits("every day at half past five say hi!"),
            "every day at 5:30 say hi!"
        );
        assert_eq!(
            spoken_as_digits("at 20 minutes to 6, call mom"),
            "at 5:40, call mom"
        );
        for kept in ["at half past 5pm", "at half past 8", "say 10 past 3pm"] {
            assert_eq!(spoken_as_digits(kept), kept);
        }
    }
}
