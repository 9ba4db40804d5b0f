//! Dates in digits: "24/12", "12/24", "24/12/2026", "12/24/26",
//! "24.12.2026". The order of day and month is read from the numbers when
//! only one order makes a date ("24/12" and "12/24" are both 24 December);
//! when both do ("5/6") the person is asked, since reading either way could
//! schedule the wrong month. "24/7" is a phrase, not a date.

use super::words::month_name;
use super::PhraseError;

/// A date written in digits, as (month, day, year).
pub type Date = (u32, u32, Option<i32>);

/// The date `text` writes, if it is one; an error when it could be two.
pub fn read(text: &str) -> Result<Option<Date>, PhraseError> {
    if text == "24/7" {
        return Ok(None);
    }
    let parts: Vec<&str> = if text.contains('/') {
        text.split('/').collect()
    } else {
        let parts: Vec<&str> = text.split('.').collect();
        // "7.30" is a time; only "24.12.2026" is a date with dots.
        if parts.len() != 3 {
            return Ok(None);
        }
        parts
    };
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (Some(a), Some(b)) = (
        number(parts[0]),
        number(parts.get(1).copied().unwrap_or("")),
    ) else {
        return Ok(None);
    };
    let year = match parts.get(2) {
        None => None,
        Some(y) => match year(y) {
            Some(y) => Some(y),
            None => return Ok(None),
        },
    };
    if parts.len() > 3 || a == 0 || b == 0 {
        return Ok(None);
    }
    let dots = text.contains('.');
    let (month, day) = match (a <= 12, b <= 12) {
        // "24/12": the day first
        (false, true) if a <= 31 => (b, a),
        // "12/24": the month first
        (true, false) if b <= 31 => (a, b),
        // "5/5", and "5.6.2027" (dots put the day first)
        (true, true) if a == b || dots => (b, a),
        (true, true) => {
            return Err(PhraseError::new(format!(
                "'{text}' could be {a} {} or {} {b}: which one? Write the month as a word ('{a} {}' or '{} {b}').",
                month_name(b),
                month_name(a),
                month_name(b),
                month_name(a),
            )))
        }
        _ => return Ok(None),
    };
    Ok(Some((month, day, year)))
}

/// "2026" or "26" (this century).
fn year(text: &str) -> Option<i32> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match text.len() {
        4 => text.parse().ok(),
        2 => text.parse::<i32>().ok().map(|y| 2000 + y),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_order_makes_a_date() {
        assert_eq!(read("24/12").unwrap(), Some((12, 24, None)));
        assert_eq!(read("12/24").unwrap(), Some((12, 24, None)));
        assert_eq!(read("24/12/2026").unwrap(), Some((12, 24, Some(2026))));
        assert_eq!(read("12/24/26").unwrap(), Some((12, 24, Some(2026))));
        assert_eq!(read("24.12.2026").unwrap(), Some((12, 24, Some(2026))));
        assert_eq!(read("5.6.2027").unwrap(), Some((6, 5, Some(2027))));
        assert_eq!(read("3/3").unwrap(), Some((3, 3, None)));
    }

    #[test]
    fn two_orders_are_asked_and_non_dates_are_left() {
        let error = read("5/6").unwrap_err().to_string();
        assert!(
            error.contains("5 June") && error.contains("May 6"),
            "{error}"
        );
        for text in [
            "24/7", "7.30", "1/2/3/4", "40/50", "0/5", "1/2/300", "9:30", "a/b",
        ] {
            assert_eq!(read(text).unwrap(), None, "{text}");
        }
    }
}
