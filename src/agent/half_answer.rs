//! An answer to "'5' could be 05:00 or 17:00": "5pm" (or "at 5pm",
//! "17:00") put in place of the time it answers, so the person need not
//! send the whole request again.

use regex::Regex;
use std::sync::LazyLock;

/// Words before an answer that only frame it: "make it 5pm", "I mean
/// 17:00", "no, 5am".
const LEAD: &str = r"(?:(?:no|nope|sorry|oh|ah)\s*,?\s+)?(?:(?:make\s+it|make\s+that|change\s+it\s+to|i\s+meant?|it\s+is|it'?s|that'?s|the|at)\s+)*";

/// Words after an answer: "5pm please", "evening thanks".
const POLITE: &str = r"(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?";

/// "5pm", "at 5:30 pm", "17:00", "05:00", "make it 5 in the evening": the
/// hour (0–23), minute, and half of the day.
static ANSWER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^{LEAD}(\d{{1,2}})(?:[:.h](\d{{2}})|h)?\s*(a\.?m\.?|p\.?m\.?|in\s+the\s+(?:morning|afternoon|evening))?{POLITE}\.?$"
    ))
    .expect("valid pattern")
});

/// The half of the day alone: "pm", "the evening", "in the morning please".
static HALF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^{LEAD}(a\.?m\.?|p\.?m\.?|(?:in\s+the\s+)?(?:morning|afternoon|evening))(?:\s+one)?{POLITE}\.?$"
    ))
    .expect("valid pattern")
});

/// Whether a half of the day written out is the afternoon's and evening's.
fn is_pm(half: &str) -> bool {
    let half = half.to_lowercase();
    half.starts_with('p') || ["afternoon", "evening"].iter().any(|w| half.contains(w))
}

/// Whether `answer` has the shape of an answer to which half of the day
/// ("5pm", "make it 17:00", "evening"), before any request is looked at.
pub(super) fn could_answer(answer: &str) -> bool {
    let answer = answer.trim().trim_end_matches(['!', '?']);
    HALF.is_match(answer) || ANSWER.is_match(answer)
}

/// `request` with the time `answer` settles put in its place: the one
/// time in it written without am/pm whose hour is the answer's in either
/// half of the day ("at 5" for "5pm" or "17:00"). `None` when the answer
/// is no such time or the request has no one such time.
pub(super) fn settle(request: &str, answer: &str) -> Option<String> {
    // "half past 5" as "5:30", so the answer finds the time it settles.
    let request = &crate::schedule::natural::spoken_as_digits(request);
    let answer = answer.trim().trim_end_matches(['!', '?']);
    if let Some(half) = HALF.captures(answer) {
        return settle_half(request, is_pm(&half[1]));
    }
    let found = ANSWER.captures(answer)?;
    let hour: u32 = found[1].parse().ok()?;
    let minute = found.get(2).map(|m| m.as_str());
    let half = found.get(3).map(|m| m.as_str());
    // Without am/pm only a 24-hour answer settles it: "17:00", "05:00".
    if half.is_none() && !(hour >= 13 || found[1].starts_with('0')) {
        return None;
    }
    let hour = match half {
        Some(_) if !(1..=12).contains(&hour) => return None,
        Some(h) if is_pm(h) => hour % 12 + 12,
        Some(_) => hour % 12,
        None if hour > 23 => return None,
        None => hour,
    };
    // Only hours from 1 to 6:59 are asked about.
    let asked = hour % 12;
    if !(1..=6).contains(&asked) {
        return None;
    }
    let minutes = match minute {
        Some(m) if m != "00" => format!("[:.]?{m}"),
        _ => "(?::00)?".to_string(),
    };
    // The asked time: that hour (and minutes) with no am/pm after it.
    let time = Regex::new(&format!(
        r"(?i)\b0?{asked}{minutes}\b(?:\s*(?:am|pm|a\.m\.|p\.m\.|h)\b)?"
    ))
    .ok()?;
    let bare: Vec<_> = time
        .find_iter(request)
        .filter(|m| {
            m.as_str()
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
        })
        .collect();
    let [only] = bare.as_slice() else {
        return None;
    };
    let written = format!(
        "{hour:02}{}",
        minute.map_or(":00".to_string(), |m| format!(":{m}"))
    );
    Some(format!(
        "{}{written}{}",
        &request[..only.start()],
        &request[only.end()..]
    ))
}

/// `request` with its one bare time of 1 to 6:59 put in the half of the
/// day `pm` says ("pm", "in the evening" after "'5' could be 05:00 or
/// 17:00").
fn settle_half(request: &str, pm: bool) -> Option<String> {
    static BARE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b0?([1-6])(?:[:.]?([0-5]\d))?\b(\s*(?:am|pm|a\.m\.|p\.m\.|h)\b)?")
            .expect("valid pattern")
    });
    let bare: Vec<_> = BARE
        .captures_iter(request)
        .filter(|found| found.get(3).is_none())
        .collect();
    let [only] = bare.as_slice() else {
        return None;
    };
    let hour: u32 = only[1].parse().ok()?;
    let hour = if pm { hour + 12 } else { hour };
    let minute = only.get(2).map_or("00", |m| m.as_str());
    let whole = only.get(0)?;
    Some(format!(
        "{}{hour:02}:{minute}{}",
        &request[..whole.start()],
        &request[whole.end()..]
    ))
}

#[cfg(test)]
mod tests {
    use super::settle;

    #[test]
    fn the_answer_takes_the_place_of_the_time_it_settles() {
        let request = "every friday at 5 say happy friday team!";
        for answer in ["5pm", "at 5pm", "5 PM", "17:00", "17"] {
            assert_eq!(
                settle(request, answer).as_deref(),
                Some("every friday at 17:00 say happy friday team!"),
                "{answer}"
            );
        }
        assert_eq!(
            settle("at 4:30 tomorrow call mom", "4:30am").as_deref(),
            Some("at 04:30 tomorrow call mom")
        );
        assert_eq!(
            settle("every day at 5 say hi", "05:00").as_deref(),
            Some("every day at 05:00 say hi")
        );
    }

    #[test]
    fn times_said_in_words_are_settled_too() {
        assert_eq!(
            settle("every day at half past 5 say hi", "pm").as_deref(),
            Some("every day at 17:30 say hi")
        );
        assert_eq!(
            settle("every day at quarter to 6 say hi", "5:45am").as_deref(),
            Some("every day at 05:45 say hi")
        );
        assert_eq!(
            settle("at 10 past 3 call mom", "in the afternoon").as_deref(),
            Some("at 15:10 call mom")
        );
        assert_eq!(
            settle("every day at half past five say hi", "pm").as_deref(),
            Some("every day at 17:30 say hi")
        );
        // One asked time only: the other is already placed.
        assert_eq!(
            settle("at half past 5pm and at 4 say hi", "4am").as_deref(),
            Some("at half past 5pm and at 04:00 say hi")
        );
    }

    #[test]
    fn answers_in_other_words_settle_it_too() {
        let request = "every friday at 5 say happy friday team!";
        for answer in [
            "make it 5pm",
            "I mean 5pm",
            "no, 5pm please",
            "it's 5 pm",
            "5 in the evening",
            "pm",
            "PM please",
            "the evening one",
            "afternoon pls",
            "p.m.",
            "5pm.",
            "17h",
            "17.00",
            "in the afternoon",
            "evening",
        ] {
            assert_eq!(
                settle(request, answer).as_deref(),
                Some("every friday at 17:00 say happy friday team!"),
                "{answer}"
            );
        }
        for answer in ["am", "in the morning", "make it 5am", "morning"] {
            assert_eq!(
                settle(request, answer).as_deref(),
                Some("every friday at 05:00 say happy friday team!"),
                "{answer}"
            );
        }
        assert_eq!(
            settle("at 4:30 tomorrow call mom", "afternoon").as_deref(),
            Some("at 16:30 tomorrow call mom")
        );
        // Three digits after "at" are a time too.
        assert_eq!(
            settle("every thurs at 430 say team drinks", "pm").as_deref(),
            Some("every thurs at 16:30 say team drinks")
        );
        assert_eq!(
            settle("every thurs at 430 say team drinks", "4:30pm").as_deref(),
            Some("every thurs at 16:30 say team drinks")
        );
    }

    #[test]
    fn other_answers_and_requests_settle_nothing() {
        // The half of the day alone, with two bare times to put in it.
        assert_eq!(settle("at 5 say 5 things", "pm"), None);
        assert_eq!(settle("every friday at 5 say hi", "make it weekly"), None);
        // "at night" is the small hours for some and the evening for others.
        assert_eq!(settle("every friday at 5 say hi", "at night"), None);
        // Not the asked hour, not a time, or no bare time to settle.
        assert_eq!(settle("every friday at 5 say hi", "6pm"), None);
        assert_eq!(settle("every friday at 5 say hi", "yes"), None);
        assert_eq!(settle("every friday at 5 say hi", "5"), None);
        assert_eq!(settle("every friday at 5pm say hi", "5pm"), None);
        // Two bare fives: which one is meant is not guessed.
        assert_eq!(settle("at 5 say 5 things", "5pm"), None);
    }
}
