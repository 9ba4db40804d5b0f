//! Periods in words for history questions: "today", "this week", "since
//! monday", "in the last 3 days", read in the user's zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

use crate::schedule::Zone;

/// `[since, until)` and how to say it.
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    pub since: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
    pub words: String,
}

/// The first period named in `text` (lower case), as written.
pub fn find(text: &str) -> Option<String> {
    const FIXED: [&str; 9] = [
        "today",
        "yesterday",
        "this week",
        "last week",
        "this month",
        "last month",
        "past week",
        "past day",
        "last 24 hours",
    ];
    for key in [
        "since ",
        "in the last ",
        "over the last ",
        "in the past ",
        "over the past ",
    ] {
        if let Some(at) = text.find(key) {
            let rest: String = text[at..]
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_string();
            return Some(rest);
        }
    }
    FIXED
        .iter()
        .find(|p| text.contains(*p))
        .map(|p| p.to_string())
}

/// Reads a period; `None` with a sentence when it cannot.
pub fn parse(text: &str, now: DateTime<Utc>, zone: Zone) -> Result<Period, String> {
    let lower = text
        .trim()
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let lower = lower
        .strip_prefix("for ")
        .or_else(|| lower.strip_prefix("from "))
        .unwrap_or(&lower)
        .to_string();
    let tz = zone.tz();
    let today = now.with_timezone(&tz).date_naive();
    let start_of = |day: NaiveDate| -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        // A zone whose midnight falls in a DST gap starts the day at the
        // first instant after it.
        (0..4)
            .find_map(|h| {
                tz.from_local_datetime(&(midnight + Duration::hours(h)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
    };
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let first_of_month = today.with_day(1).unwrap_or(today);
    let period = |since, until: Option<DateTime<Utc>>, words: &str| Period {
        since,
        until,
        words: words.to_string(),
    };
    Ok(match lower.as_str() {
        "today" => period(start_of(today), None, "today"),
        "yesterday" => period(
            start_of(today - Duration::days(1)),
            Some(start_of(today)),
            "yesterday",
        ),
        "this week" => period(start_of(monday), None, "this week"),
        "last week" => period(
            start_of(monday - Duration::days(7)),
            Some(start_of(monday)),
            "last week",
        ),
        "past week" | "the past week" | "last 7 days" | "the last 7 days" => {
            period(now - Duration::days(7), None, "in the last 7 days")
        }
        "this month" => period(start_of(first_of_month), None, "this month"),
        "last month" => {
            let previous = (first_of_month - Duration::days(1))
                .with_day(1)
                .unwrap_or(today);
            period(
                start_of(previous),
                Some(start_of(first_of_month)),
                "last month",
            )
        }
        "past day" | "last 24 hours" | "the last 24 hours" | "the past day" => {
            period(now - Duration::hours(24), None, "in the last 24 hours")
        }
        other => {
            if let Some(rest) = other.strip_prefix("since ") {
                let day = since_day(rest.trim(), today).ok_or_else(|| unreadable(text))?;
                let words = format!("since {}", day.format("%a %-d %b"));
                return Ok(period(start_of(day), None, &words));
            }
            let rest = [
                "in the last ",
                "over the last ",
                "in the past ",
                "over the past ",
                "last ",
                "past ",
            ]
            .iter()
            .find_map(|p| other.strip_prefix(p))
            .ok_or_else(|| unreadable(text))?;
            let (count, unit) = match rest.split_once(' ') {
                Some((n, unit)) => (n.parse::<i64>().ok().or(word_number(n)), unit),
                None => (Some(1), rest),
            };
            let count = count
                .filter(|n| (1..=3650).contains(n))
                .ok_or_else(|| unreadable(text))?;
            let span = match unit.trim_end_matches('s') {
                "minute" | "min" => Duration::minutes(count),
                "hour" | "hr" => Duration::hours(count),
                "day" => Duration::days(count),
                "week" => Duration::weeks(count),
                "month" => Duration::days(30 * count),
                _ => return Err(unreadable(text)),
            };
            period(now - span, None, &format!("in the last {rest}"))
        }
    })
}

fn word_number(word: &str) -> Option<i64> {
    [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ]
    .iter()
    .position(|w| *w == word)
    .map(|i| i as i64 + 1)
}

/// "monday" (the last one, today included), "yesterday", "1 march", "2026-11-02".
fn since_day(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let text = text.trim_start_matches("last ").trim();
    if text == "yesterday" {
        return Some(today - Duration::days(1));
    }
    if text == "today" || text == "this morning" {
        return Some(today);
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day);
    }
    let weekday = text.trim_end_matches('s').parse::<Weekday>().ok()?;
    let back = (today.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
    Some(today - Duration::days(back as i64))
}

fn unreadable(text: &str) -> String {
    format!(
        "I couldn't read '{}' as a period. Try 'today', 'yesterday', 'this week', 'since monday' or 'in the last 3 days'.",
        text.trim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn periods_start_at_local_midnight() {
        let paris: Zone = "Europe/Paris".parse().unwrap();
        // Saturday 21 Nov 2026, 10:00 in Paris.
        let now = at("2026-11-21T09:00:00Z");
        assert_eq!(
            parse("today", now, paris).unwrap().since,
            at("2026-11-20T23:00:00Z")
        );
        assert_eq!(
            parse("this week", now, paris).unwrap().since,
            at("2026-11-15T23:00:00Z")
        );
        let yesterday = parse("yesterday", now, paris).unwrap();
        assert_eq!(yesterday.until, Some(at("2026-11-20T23:00:00Z")));
        assert_eq!(
            parse("since monday", now, paris).unwrap().since,
            at("2026-11-15T23:00:00Z")
        );
        assert_eq!(
            parse("in the last 3 days", now, paris).unwrap().since,
            at("2026-11-18T09:00:00Z")
        );
        assert!(parse("since the dawn of time", now, paris).is_err());
    }

    #[test]
    fn finds_the_period_in_a_question() {
        assert_eq!(find("any errors this week?").as_deref(), Some("this week"));
        assert_eq!(
            find("errors since monday?").as_deref(),
            Some("since monday")
        );
        assert_eq!(find("any errors?"), None);
    }
}
