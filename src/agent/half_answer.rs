//! An answer to "'5' could be 05:00 or 17:00": "5pm" (or "at 5pm",
//! "17:00") put in place of the time it answers, so the person need not
//! send the whole request again.

use regex::Regex;
use std::sync::LazyLock;

/// "5pm", "at 5:30 pm", "17:00", "05:00": the hour (0–23) and minute.
static ANSWER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
        .expect("valid pattern")
});

/// `request` with the time `answer` settles put in its place: the one
/// time in it written without am/pm whose hour is the answer's in either
/// half of the day ("at 5" for "5pm" or "17:00"). `None` when the answer
/// is no such time or the request has no one such time.
pub(super) fn settle(request: &str, answer: &str) -> Option<String> {
    let found = ANSWER.captures(answer.trim().trim_end_matches(['.', '!']))?;
    let hour: u32 = found[1].parse().ok()?;
    let minute = found.get(2).map(|m| m.as_str());
    let half = found.get(3).map(|m| m.as_str().to_lowercase());
    // Without am/pm only a 24-hour answer settles it: "17:00", "05:00".
    if half.is_none() && !(hour >= 13 || found[1].starts_with('0')) {
        return None;
    }
    let hour = match half.as_deref() {
        Some(_) if !(1..=12).contains(&hour) => return None,
        Some(h) if h.starts_with('p') => hour % 12 + 12,
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
        Some(m) if m != "00" => format!(":{m}"),
        _ => "(?::00)?".to_string(),
    };
    // The asked time: that hour (and minutes) with no am/pm after it.
    let time = Regex::new(&format!(
        r"(?i)\b0?{asked}{minutes}\b(?:\s*(?:am|pm|a\.m\.|p\.m\.|h)\b)?"
    ))
    .ok()?;
    let bare: Vec<_> = time
        .find_iter(request)
        .filter(|m| m.as_str().chars().all(|c| c.is_ascii_digit() || c == ':'))
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
    fn other_answers_and_requests_settle_nothing() {
        // Not the asked hour, not a time, or no bare time to settle.
        assert_eq!(settle("every friday at 5 say hi", "6pm"), None);
        assert_eq!(settle("every friday at 5 say hi", "yes"), None);
        assert_eq!(settle("every friday at 5 say hi", "5"), None);
        assert_eq!(settle("every friday at 5pm say hi", "5pm"), None);
        // Two bare fives: which one is meant is not guessed.
        assert_eq!(settle("at 5 say 5 things", "5pm"), None);
    }
}
