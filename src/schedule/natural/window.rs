//! Windows of the day for repeats within it: "between 9am and 5pm", "from 9
//! to 5", "9-17", "during business hours" (09:00 to 17:00, Monday to Friday),
//! "starting at 8".
//!
//! A bare end hour below the start is the afternoon ("from 9 to 5" ends at
//! 17:00). The end fires when the step lands on it.

use chrono::Weekday;

use super::clock::{plain, single, TimeOfDay};
use super::tokens::{tokenize, Token};
use super::words::word;
use super::PhraseError;

/// A stretch of the day, and the days it implies ("business hours").
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub start: TimeOfDay,
    /// `None`: to the end of the day ("starting at 8").
    pub end: Option<TimeOfDay>,
    pub days: Option<Vec<Weekday>>,
}

const BUSINESS: &[&str] = &["business", "working", "work", "office", "opening"];

pub fn recognize(tokens: &[Token], i: usize) -> Result<Option<(Window, usize)>, PhraseError> {
    let w = word(tokens, i);
    // "(during|in|within) business hours"
    let j = if matches!(w, "during" | "in" | "within") {
        i + 1
    } else {
        i
    };
    if BUSINESS.contains(&word(tokens, j)) && word(tokens, j + 1) == "hours" {
        return Ok(Some((business_hours(), j + 2 - i)));
    }
    match w {
        "between" | "from" => {
            if let Some((window, len)) = range(tokens, i + 1, w == "between")? {
                return Ok(Some((window, len + 1)));
            }
            if w == "from" {
                // "every 2 hours from 9am": a start alone.
                if let Some((start, next)) = single(tokens, i + 1, true)? {
                    return Ok(Some((open_ended(start)?, next - i)));
                }
            }
            Ok(None)
        }
        "starting" | "beginning" => {
            let k = if matches!(word(tokens, i + 1), "at" | "from") {
                i + 2
            } else {
                i + 1
            };
            match single(tokens, k, true)? {
                Some((start, next)) => Ok(Some((open_ended(start)?, next - i))),
                None => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// 09:00 to 17:00, Monday to Friday.
fn business_hours() -> Window {
    use Weekday::*;
    Window {
        start: TimeOfDay {
            hour: 9,
            minute: 0,
            meridiem: true,
            bare: false,
        },
        end: Some(TimeOfDay {
            hour: 17,
            minute: 0,
            meridiem: true,
            bare: false,
        }),
        days: Some(vec![Mon, Tue, Wed, Thu, Fri]),
    }
}

/// The question for a time that could be either half of the day.
pub(super) fn either_half(t: &TimeOfDay) -> PhraseError {
    let (h, pm, m) = (t.hour, t.hour + 12, t.minute);
    let written = match m {
        0 => format!("{h}"),
        m => format!("{h}:{m:02}"),
    };
    PhraseError::new(format!(
        "'{written}' could be {h:02}:{m:02} or {pm}:{m:02}. Which one? '{written}am' or '{written}pm' (or '{pm}:{m:02}') settles it, as does the part of the day ('in the evening')."
    ))
}

fn open_ended(start: TimeOfDay) -> Result<Window, PhraseError> {
    if start.either_half() {
        return Err(either_half(&start));
    }
    Ok(Window {
        start,
        end: None,
        days: None,
    })
}

/// At `k`: "9am and 5pm" (after "between"), "9 to 5", "9am-5pm", "9-17".
fn range(
    tokens: &[Token],
    k: usize,
    between: bool,
) -> Result<Option<(Window, usize)>, PhraseError> {
    // One word with a dash: "9-5", "9am-5pm", "09:00-17:00".
    if let Some((a, b)) = word(tokens, k).split_once('-') {
        if let (Some(start), Some(end)) = (alone(a)?, alone(b)?) {
            return Ok(Some((window(start, end)?, 1)));
        }
    }
    let Some((start, next)) = plain(tokens, k, true)? else {
        return Ok(None);
    };
    let joined = if between {
        matches!(word(tokens, next), "and" | "&" | "-")
    } else {
        matches!(
            word(tokens, next),
            "to" | "till" | "til" | "until" | "through" | "thru" | "-"
        )
    };
    if !joined {
        return Ok(None);
    }
    let Some((end, after)) = plain(tokens, next + 1, true)? else {
        return Ok(None);
    };
    Ok(Some((window(start, end)?, after - k)))
}

/// A time written alone, "9", "5pm", "17:00".
fn alone(text: &str) -> Result<Option<TimeOfDay>, PhraseError> {
    let tokens = tokenize(text);
    match plain(&tokens, 0, true)? {
        Some((time, used)) if used == tokens.len() => Ok(Some(time)),
        _ => Ok(None),
    }
}

fn window(start: TimeOfDay, end: TimeOfDay) -> Result<Window, PhraseError> {
    let (mut start, mut end) = (start, end);
    let minutes = |t: &TimeOfDay| t.hour * 60 + t.minute;
    // "between 2 and 4pm": a start of either half before an afternoon end
    // is in the afternoon too; alone ("from 1 to 5") it is asked about.
    if start.either_half() {
        if end.meridiem && end.hour >= 12 && minutes(&start) + 12 * 60 < minutes(&end) {
            start.hour += 12;
            start.meridiem = true;
        } else {
            return Err(either_half(&start));
        }
    }
    // "from 9 to 5", but not "between 22:00 and 02:00".
    if !end.meridiem && end.bare && minutes(&end) <= minutes(&start) && end.hour < 12 {
        end.hour += 12;
    }
    if minutes(&end) <= minutes(&start) {
        return Err(PhraseError::new(format!(
            "a window from {:02}:{:02} to {:02}:{:02} crosses midnight, which one schedule can't hold yet: split it at midnight into two workflows",
            start.hour, start.minute, end.hour, end.minute
        )));
    }
    Ok(Window {
        start,
        end: Some(end),
        days: None,
    })
}
