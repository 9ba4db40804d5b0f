//! Times of day: "9", "9am", "9:30", "21:15", "noon", "midnight", "half past 8",
//! "quarter to 6", and lists of them ("at 9 and 17").

use super::tokens::Token;
use super::words::{cardinal, is_joiner, weekday, word, PartOfDay};
use super::PhraseError;

/// A wall-clock time as written. `meridiem` is true when the words fix the half
/// of the day (am/pm, noon, or an hour past 12), so "evening" must not shift it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOfDay {
    pub hour: u32,
    pub minute: u32,
    pub meridiem: bool,
    /// Written without anything that says its half of the day: no am/pm,
    /// hour mark or leading zero ("at 5", "at five", "at 5:30", "at 1
    /// o'clock"; not "at 5pm", "at 05:30", "at 5h").
    pub bare: bool,
}

impl TimeOfDay {
    pub(super) fn new(hour: u32, minute: u32, meridiem: bool) -> TimeOfDay {
        TimeOfDay {
            hour,
            minute,
            meridiem: meridiem || hour >= 13 || hour == 0,
            bare: false,
        }
    }

    /// A time people use for both halves of the day: "at 5" is as often
    /// 17:00 as 05:00, so it is asked about unless a part of the day says
    /// which. From 7 on, a time without am/pm is the morning.
    pub fn either_half(&self) -> bool {
        self.bare && !self.meridiem && (1..=6).contains(&self.hour)
    }
}

/// One or more times at `i`: `at 9`, `9am and 5pm`, `at 9, 12 and 17`.
/// Returns the times and how many tokens they took.
pub fn times(tokens: &[Token], i: usize) -> Result<Option<(Vec<TimeOfDay>, usize)>, PhraseError> {
    let at = matches!(word(tokens, i), "at" | "@");
    let mut start = if at { i + 1 } else { i };
    // "around 9", "at about 5pm", "roughly 7": the time itself
    let about = matches!(
        word(tokens, start),
        "around" | "approximately" | "approx" | "roughly" | "circa" | "~"
    ) || (at && word(tokens, start) == "about");
    if about {
        start += 1;
    }
    let introduced = at || about;
    let Some((first, mut j)) = single(tokens, start, introduced)? else {
        return Ok(None);
    };
    let mut found = vec![first];
    loop {
        if !is_joiner(word(tokens, j)) {
            break;
        }
        let mut k = j + 1;
        if matches!(word(tokens, k), "at" | "@") {
            k += 1;
        }
        // After a first time, a list item may be a bare hour ("at 9 and 17").
        match single(tokens, k, true) {
            Ok(Some((mut time, next))) => {
                // "at 9 and 5": a later bare hour below the one before is in
                // the afternoon ("at 22:00 and 02:00" is not).
                let before = found[found.len() - 1];
                if time.bare && !time.meridiem && time.hour < before.hour && time.hour < 12 {
                    time = TimeOfDay::new(time.hour + 12, time.minute, true);
                }
                found.push(time);
                j = next;
            }
            _ => break,
        }
    }
    Ok(Some((found, j - i)))
}

/// One time at `i`; `introduced` is true after "at", where a bare hour counts.
pub fn single(
    tokens: &[Token],
    i: usize,
    introduced: bool,
) -> Result<Option<(TimeOfDay, usize)>, PhraseError> {
    if let Some(found) = super::spoken::minutes_past(tokens, i) {
        return Ok(Some(found));
    }
    plain(tokens, i, introduced)
}

/// One time at `i` without reading "9 to 5" as nine minutes to five: for
/// the ends of a window.
pub fn plain(
    tokens: &[Token],
    i: usize,
    introduced: bool,
) -> Result<Option<(TimeOfDay, usize)>, PhraseError> {
    let w = word(tokens, i);
    match w {
        "noon" | "midday" | "noonish" => return Ok(Some((TimeOfDay::new(12, 0, true), i + 1))),
        "midnight" => return Ok(Some((TimeOfDay::new(0, 0, true), i + 1))),
        "half" | "quarter" => return Ok(super::spoken::phrase_time(tokens, i)),
        _ => {}
    }
    // "@9": "at 9"; "9ish": 9
    let introduced = introduced || w.starts_with('@');
    let w = w.trim_start_matches('@');
    let w = w.strip_suffix("ish").map_or(w, |w| w.trim_end_matches('-'));
    // "0830hrs", "1730 hours", "0700": military times, read without "at".
    let (w, military) = military(tokens, i).unwrap_or((w, 0));
    // Otherwise "830", "1730" are times only after "at" ("send 1000 emails").
    let digits = w.len() >= 3 && w.bytes().all(|b| b.is_ascii_digit());
    let zero_led = w.len() == 4 && w.starts_with('0') && beside_schedule(tokens, i);
    if !introduced && military == 0 && digits && !zero_led {
        return Ok(None);
    }
    let Some(mut clock) = split_clock(w) else {
        return Ok(None);
    };
    let mut j = i + military.max(1);
    // "nine thirty", "5 forty five", "seven oh five"
    if clock.minute.is_none() {
        if let Some((minute, len)) = super::spoken::minute_words(tokens, j) {
            clock.minute = Some(minute);
            j += len;
        } else if let Some(minute) = spaced_minute(tokens, j).filter(|_| introduced) {
            // "at 9 30": the minutes after a space
            clock.minute = Some(minute);
            j += 1;
        }
    }
    let mut meridiem = clock.meridiem;
    if meridiem.is_none() {
        meridiem = match word(tokens, j) {
            "am" | "a.m." | "a.m" => Some(false),
            "pm" | "p.m." | "p.m" => Some(true),
            _ => None,
        };
        if meridiem.is_some() {
            j += 1;
        }
    }
    // "12 noon", "12 midnight": the word says which 12.
    let twelve = clock.hour == 12 && clock.minute.unwrap_or(0) == 0 && meridiem.is_none();
    match word(tokens, j) {
        "noon" | "midday" if twelve => return Ok(Some((TimeOfDay::new(12, 0, true), j + 1))),
        "midnight" if twelve => return Ok(Some((TimeOfDay::new(0, 0, true), j + 1))),
        _ => {}
    }
    let spaced = (word(tokens, j), word(tokens, j + 1)) == ("o", "clock");
    let oclock = spaced || matches!(word(tokens, j), "o'clock" | "oclock" | "o’clock");
    if oclock {
        j += 1 + usize::from(spaced);
    }
    if !(introduced || clock.minute.is_some() || meridiem.is_some() || oclock) {
        return Ok(None);
    }
    let written = &tokens[i].raw;
    let hour = clock.hour;
    let minute = clock.minute.unwrap_or(0);
    if minute > 59 {
        return Err(not_a_time(written));
    }
    let time = match meridiem {
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return Err(not_a_time(written));
            }
            let hour = match (hour, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, false) => h,
                (h, true) => h + 12,
            };
            TimeOfDay::new(hour, minute, true)
        }
        None => {
            if hour > 23 {
                return Err(not_a_time(written));
            }
            TimeOfDay {
                bare: hour_mark(w).is_none() && !w.starts_with('0'),
                ..TimeOfDay::new(hour, minute, false)
            }
        }
    };
    Ok(Some((time, j)))
}

/// Two digits of minutes after an hour and a space ("at 9 30", "at 7 05"),
/// unless a unit follows ("at 9 30 minutes before").
fn spaced_minute(tokens: &[Token], j: usize) -> Option<u32> {
    let w = word(tokens, j);
    let two = w.len() == 2 && w.bytes().all(|b| b.is_ascii_digit());
    let unit = super::words::unit(word(tokens, j + 1)).is_some();
    two.then(|| w.parse().ok())
        .flatten()
        .filter(|m| *m <= 59 && !unit)
}

/// "0830hrs", "1730hrs", "1730 hours": four digits with the military
/// "hours", as (the digits, tokens taken).
fn military(tokens: &[Token], i: usize) -> Option<(&str, usize)> {
    let w = word(tokens, i);
    let four = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(body) = ["hrs", "hr", "hours"]
        .iter()
        .find_map(|s| w.strip_suffix(s))
    {
        return four(body).then_some((body, 1));
    }
    let unit = matches!(word(tokens, i + 1), "hrs" | "hr" | "hours" | "h");
    (four(w) && unit).then_some((w, 2))
}

/// Whether the word at `i` opens the text or stands right after a day or a
/// repeat, or before one ("daily 0700", "every monday 0900", "0800 daily"), where
/// digits with a leading zero are a time; "say 0800 report" keeps them.
fn beside_schedule(tokens: &[Token], i: usize) -> bool {
    let before = if i > 0 { word(tokens, i - 1) } else { "" };
    let after = word(tokens, i + 1);
    i == 0
        || matches!(after, "daily" | "every" | "each" | "weekdays" | "nightly")
        || weekday(after).is_some()
        || weekday(before).is_some()
        || PartOfDay::parse(before).is_some()
        || matches!(
            before,
            "daily"
                | "day"
                | "days"
                | "weekday"
                | "weekdays"
                | "weekend"
                | "weekends"
                | "workday"
                | "workdays"
                | "nightly"
                | "today"
                | "tomorrow"
                | "tonight"
        )
}

pub(super) struct Clock {
    pub hour: u32,
    pub minute: Option<u32>,
    /// Some(true) for pm, Some(false) for am, when written inside the token.
    pub meridiem: Option<bool>,
}

/// Whether `text` is an hour written with the hour mark of many languages
/// ("20h", "8h"): a time of day after "at", and never task words.
pub fn hour_mark(text: &str) -> Option<u32> {
    let hour = text.strip_suffix('h')?;
    let digits = !hour.is_empty() && hour.len() <= 2 && hour.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| hour.parse().ok()).flatten()
}

/// Splits "9", "9am", "9:30", "9:30pm", "21.15", "0830", "nine", "20h",
/// "20h30", "20:30h" into parts.
pub(super) fn split_clock(text: &str) -> Option<Clock> {
    if let Some(hour) = hour_mark(text) {
        return Some(Clock {
            hour,
            minute: None,
            meridiem: None,
        });
    }
    // "20:30h": the hour mark after a written time adds nothing.
    let text = match text.strip_suffix('h') {
        Some(time) if time.contains([':', '.']) => time,
        _ => text,
    };
    let (body, meridiem) = if let Some(b) = text
        .strip_suffix("am")
        .or_else(|| text.strip_suffix("a.m."))
    {
        (b, Some(false))
    } else if let Some(b) = text
        .strip_suffix("pm")
        .or_else(|| text.strip_suffix("p.m."))
    {
        (b, Some(true))
    } else {
        (text, None)
    };
    if body.is_empty() {
        return None;
    }
    if let Some(n) = cardinal(body).filter(|_| !body.bytes().all(|b| b.is_ascii_digit())) {
        // Number words: "nine", "twelve".
        return (0..=24).contains(&n).then_some(Clock {
            hour: n as u32,
            minute: None,
            meridiem,
        });
    }
    let (hour, minute) = match body.split_once([':', '.', 'h']) {
        Some((h, m)) => (h, Some(m)),
        None => (body, None),
    };
    let digits = |s: &str, max_len: usize| {
        !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())
    };
    match minute {
        Some(m) => {
            if !digits(hour, 2) || !digits(m, 2) || m.len() != 2 {
                return None;
            }
            Some(Clock {
                hour: hour.parse().ok()?,
                minute: Some(m.parse().ok()?),
                meridiem,
            })
        }
        None if digits(hour, 2) => Some(Clock {
            hour: hour.parse().ok()?,
            minute: None,
            meridiem,
        }),
        // "0830", "1730": four digits after "at"; "830", "830am": three.
        None if digits(hour, 4) && (hour.len() == 4 && meridiem.is_none() || hour.len() == 3) => {
            let split = hour.len() - 2;
            Some(Clock {
                hour: hour[..split].parse().ok()?,
                minute: Some(hour[split..].parse().ok()?),
                meridiem,
            })
        }
        None => None,
    }
}

fn not_a_time(written: &str) -> PhraseError {
    let written: String = written.chars().take(20).collect();
    PhraseError::new(format!(
        "'{written}' is not a time of day: hours go from 0 to 23 (or 1 to 12 with am/pm) and minutes from 0 to 59. Try 'at 21:15' or 'at 9pm'."
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn read(text: &str) -> Vec<(u32, u32)> {
        let tokens = tokenize(text);
        times(&tokens, 0)
            .unwrap()
            .map(|(t, _)| t.into_iter().map(|t| (t.hour, t.minute)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn written_times_read_as_clock_times() {
        assert_eq!(read("at 9"), [(9, 0)]);
        assert_eq!(read("9am"), [(9, 0)]);
        assert_eq!(read("9 pm"), [(21, 0)]);
        assert_eq!(read("at 9:30"), [(9, 30)]);
        assert_eq!(read("21:15"), [(21, 15)]);
        assert_eq!(read("noon"), [(12, 0)]);
        assert_eq!(read("at 12 noon"), [(12, 0)]);
        assert_eq!(read("at nine thirty"), [(9, 30)]);
        assert_eq!(read("at seven forty five pm"), [(19, 45)]);
        assert_eq!(read("at eight oh five"), [(8, 5)]);
        assert_eq!(read("at 9 thirty"), [(9, 30)]);
        assert_eq!(read("at 12 midnight"), [(0, 0)]);
        assert_eq!(read("midnight"), [(0, 0)]);
        assert_eq!(read("12am"), [(0, 0)]);
        assert_eq!(read("12:15am"), [(0, 15)]);
        assert_eq!(read("half past 8"), [(8, 30)]);
        assert_eq!(read("quarter to 6"), [(5, 45)]);
        assert_eq!(read("quarter past 9pm"), [(21, 15)]);
        assert_eq!(read("at 9 and 17"), [(9, 0), (17, 0)]);
        assert_eq!(read("at 9am, noon and 5pm"), [(9, 0), (12, 0), (17, 0)]);
        assert_eq!(read("at nine"), [(9, 0)]);
        assert_eq!(read("10 past 9"), [(9, 10)]);
        assert_eq!(read("at 9 and 5"), [(9, 0), (17, 0)]);
        assert_eq!(read("at 8, 12 and 4"), [(8, 0), (12, 0), (16, 0)]);
        assert_eq!(read("at 9am and 5am"), [(9, 0), (5, 0)]);
        assert_eq!(read("at 20h"), [(20, 0)]);
        assert_eq!(read("at 8h30"), [(8, 30)]);
        assert_eq!(read("at 20:30h"), [(20, 30)]);
        assert_eq!(read("at 20h and 22h"), [(20, 0), (22, 0)]);
    }

    #[test]
    fn a_bare_number_is_not_a_time() {
        assert_eq!(read("9 apples"), []);
    }

    #[test]
    fn impossible_times_are_errors() {
        for text in ["at 25:00", "at 9:75", "13pm", "at 24", "at 0am"] {
            let tokens = tokenize(text);
            assert!(times(&tokens, 0).is_err(), "{text}");
        }
    }
}
