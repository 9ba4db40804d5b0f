//! Fixed intervals ("every 15 minutes", "every 90 minutes").
//!
//! An interval that divides the minute, the hour or the day evenly is aligned
//! to the wall clock (every 10 seconds → :00 :10 :20 …; every 15 minutes →
//! :00 :15 :30 :45; every 4 hours → 00:00, 04:00 …);
//! any other interval is anchored at a start instant and follows elapsed time
//! (DESIGN §3).

use chrono::{DateTime, TimeDelta, Utc};
use std::fmt;

use super::{CronExpr, Zone};

/// Seconds in the units intervals are written in.
const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// The longest interval accepted; beyond this a calendar rule says it better.
const MAX_SECONDS: i64 = 366 * DAY;

/// A repeating interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    seconds: i64,
    alignment: Alignment,
}

#[derive(Clone, Debug, PartialEq)]
enum Alignment {
    /// Fires when the wall clock reaches a multiple; evaluated as cron.
    Clock(Box<CronExpr>),
    /// Fires at `anchor + k * every`.
    Anchored(DateTime<Utc>),
}

/// Why an interval was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IntervalError(pub String);

impl Interval {
    /// An interval of `seconds`, aligned to the clock when it divides the hour or
    /// the day, else anchored at `anchor`. `min_seconds` is the configured minimum.
    pub fn new(
        seconds: i64,
        anchor: DateTime<Utc>,
        min_seconds: i64,
    ) -> Result<Interval, IntervalError> {
        if seconds <= 0 {
            return Err(IntervalError(
                "an interval must be longer than zero: try 'every 15 minutes'".into(),
            ));
        }
        if seconds < min_seconds {
            let shortest = match words(min_seconds).as_str() {
                one if !one.contains(' ') => format!("1 {one}"),
                many => many.to_string(),
            };
            return Err(IntervalError(format!(
                "the shortest interval allowed is {shortest}: try 'every {}'",
                words(min_seconds)
            )));
        }
        if seconds > MAX_SECONDS {
            return Err(IntervalError(
                "intervals longer than a year are not supported: try 'every year on march 3rd'"
                    .into(),
            ));
        }
        let alignment = match clock_pattern(seconds) {
            Some(pattern) => Alignment::Clock(Box::new(
                CronExpr::parse(&pattern).map_err(|e| IntervalError(e.0))?,
            )),
            // Seconds that divide the minute: counted from the last whole
            // multiple, so every 10 seconds fires at :00, :10, :20 …. Elapsed
            // time from an aligned start, not a per-second cron: the same
            // fires for less work on every next-fire computation.
            None if seconds < MINUTE && MINUTE % seconds == 0 => {
                let at = anchor.timestamp();
                let aligned = DateTime::from_timestamp(at - at.rem_euclid(seconds), 0);
                Alignment::Anchored(aligned.unwrap_or(anchor.with_nanosecond_zero()))
            }
            None => Alignment::Anchored(anchor.with_nanosecond_zero()),
        };
        Ok(Interval { seconds, alignment })
    }

    /// Parses an ISO-8601 duration such as `PT15M`, `PT1H30M` or `P1D`.
    pub fn parse_iso(
        input: &str,
        anchor: DateTime<Utc>,
        min_seconds: i64,
    ) -> Result<Interval, IntervalError> {
        let seconds = parse_iso_duration(input).ok_or_else(|| {
            IntervalError(format!(
                "'{}' is not an ISO-8601 duration: try 'PT15M' or 'PT1H30M'",
                input.chars().take(40).collect::<String>()
            ))
        })?;
        Interval::new(seconds, anchor, min_seconds)
    }

    /// Length in seconds.
    pub fn seconds(&self) -> i64 {
        self.seconds
    }

    /// The anchor of an interval that does not align with the clock.
    pub fn anchor(&self) -> Option<DateTime<Utc>> {
        match &self.alignment {
            Alignment::Clock(_) => None,
            Alignment::Anchored(anchor) => Some(*anchor),
        }
    }

    /// The ISO-8601 duration, e.g. `PT1H30M`.
    pub fn iso(&self) -> String {
        let mut out = String::from("P");
        let days = self.seconds / DAY;
        let rest = self.seconds % DAY;
        if days > 0 {
            out.push_str(&format!("{days}D"));
        }
        if rest > 0 {
            out.push('T');
            let (h, m, s) = (rest / HOUR, rest % HOUR / MINUTE, rest % MINUTE);
            if h > 0 {
                out.push_str(&format!("{h}H"));
            }
            if m > 0 {
                out.push_str(&format!("{m}M"));
            }
            if s > 0 {
                out.push_str(&format!("{s}S"));
            }
        }
        out
    }

    /// "15 minutes", "hour", "90 minutes".
    pub fn words(&self) -> String {
        words(self.seconds)
    }

    /// The first fire time strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        match &self.alignment {
            Alignment::Clock(cron) => cron.next_after(after, zone),
            Alignment::Anchored(anchor) => {
                if after < *anchor {
                    return Some(*anchor);
                }
                let elapsed = (after - *anchor).num_seconds();
                let steps = elapsed / self.seconds + 1;
                anchor.checked_add_signed(TimeDelta::seconds(steps.checked_mul(self.seconds)?))
            }
        }
    }
}

/// The cron pattern of a clock-aligned interval, if it has one.
fn clock_pattern(seconds: i64) -> Option<String> {
    if seconds % MINUTE != 0 {
        return None;
    }
    let minutes = seconds / MINUTE;
    if minutes < 60 && 60 % minutes == 0 {
        return Some(if minutes == 1 {
            "* * * * *".into()
        } else {
            format!("*/{minutes} * * * *")
        });
    }
    if seconds % HOUR == 0 {
        let hours = seconds / HOUR;
        if hours == 1 {
            return Some("0 * * * *".into());
        }
        if hours < 24 && 24 % hours == 0 {
            return Some(format!("0 */{hours} * * *"));
        }
        if hours == 24 {
            return Some("0 0 * * *".into());
        }
    }
    None
}

/// A length of time as people write it: "30 minutes", "2h", "1h30m",
/// "PT45M", "an hour", "half an hour", "1 day". At most 100,000 of a unit.
pub fn parse_duration_words(text: &str) -> Option<i64> {
    let lower = text.trim().to_lowercase();
    if let Some(seconds) = parse_iso_duration(&lower.to_uppercase()) {
        return Some(seconds);
    }
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(seconds) = parse_iso_duration(&format!("PT{}", compact.to_uppercase())) {
        return Some(seconds);
    }
    let mut total = 0i64;
    let mut count: Option<i64> = None;
    for word in lower.split(|c: char| c.is_whitespace() || c == ',') {
        match word {
            "" | "and" => continue,
            // "half an hour": the article does not undo the half.
            "a" | "an" if count == Some(0) => {}
            "a" | "an" | "one" => count = Some(1),
            "half" => count = Some(0),
            w if w.parse::<i64>().is_ok() => count = w.parse().ok().filter(|n| *n <= 100_000),
            unit => {
                let n = count.take()?;
                let unit_seconds = match unit.trim_end_matches('s') {
                    "minute" | "min" | "m" => 60,
                    "hour" | "hr" | "h" => 3_600,
                    "day" | "d" => 86_400,
                    "week" | "w" => 604_800,
                    _ => return None,
                };
                let add = if n == 0 {
                    unit_seconds / 2
                } else {
                    n.checked_mul(unit_seconds)?
                };
                total = total.checked_add(add)?;
            }
        }
    }
    (total > 0 && count.is_none()).then_some(total)
}

/// Parses the subset of ISO-8601 durations that have a fixed length: days,
/// hours, minutes, seconds (a week is 7 days).
pub fn parse_iso_duration(input: &str) -> Option<i64> {
    let text = input.trim().to_ascii_uppercase();
    let body = text.strip_prefix('P')?;
    if body.is_empty() || body.len() > 40 {
        return None;
    }
    let (date_part, time_part) = match body.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (body, None),
    };
    let mut total: i64 = 0;
    let mut add = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        let mut last_unit = 0usize;
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let position = units.iter().position(|(u, _)| *u == c)?;
            if number.is_empty() || position < last_unit {
                return None;
            }
            last_unit = position + 1;
            let value: i64 = number.parse().ok()?;
            total = total.checked_add(value.checked_mul(units[position].1)?)?;
            number.clear();
        }
        number.is_empty().then_some(())
    };
    add(date_part, &[('W', 7 * DAY), ('D', DAY)])?;
    if let Some(time) = time_part {
        add(time, &[('H', HOUR), ('M', MINUTE), ('S', 1)])?;
    }
    Some(total)
}

/// "15 minutes", "90 minutes", "4 hours", "2 days": the largest unit that
/// divides the length evenly.
fn words(seconds: i64) -> String {
    let units = [
        (DAY, "day"),
        (HOUR, "hour"),
        (MINUTE, "minute"),
        (1, "second"),
    ];
    let (size, name) = units
        .into_iter()
        .find(|(size, _)| seconds % size == 0 && (seconds / size < 100 || *size == DAY))
        .unwrap_or((1, "second"));
    match seconds / size {
        1 => name.to_string(),
        n => format!("{n} {name}s"),
    }
}

trait TruncateNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl TruncateNanos for DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words_read_like_people_write_them() {
        assert_eq!(parse_duration_words("30 minutes"), Some(1_800));
        assert_eq!(parse_duration_words("2h"), Some(7_200));
        assert_eq!(parse_duration_words("1h30m"), Some(5_400));
        assert_eq!(parse_duration_words("an hour"), Some(3_600));
        assert_eq!(parse_duration_words("half an hour"), Some(1_800));
        assert_eq!(parse_duration_words("1 day"), Some(86_400));
        assert_eq!(parse_duration_words("PT45M"), Some(2_700));
        assert_eq!(parse_duration_words("a while"), None);
        assert_eq!(parse_duration_words("99999999999999999 weeks"), None);
        assert_eq!(parse_duration_words("20000000000 weeks"), None);
    }

    #[test]
    fn iso_durations_round_trip() {
        assert_eq!(parse_iso_duration("PT15M"), Some(900));
        assert_eq!(parse_iso_duration("PT1H30M"), Some(5_400));
        assert_eq!(parse_iso_duration("P1D"), Some(86_400));
        assert_eq!(parse_iso_duration("P1W"), Some(604_800));
        assert_eq!(parse_iso_duration("PT"), None);
        assert_eq!(parse_iso_duration("PT1M1H"), None);
        assert_eq!(parse_iso_duration("P-1D"), None);
        let anchor = Utc::now();
        assert_eq!(Interval::new(5_400, anchor, 60).unwrap().iso(), "PT1H30M");
        assert_eq!(Interval::new(86_400, anchor, 60).unwrap().iso(), "P1D");
    }

    #[test]
    fn seconds_that_divide_the_minute_fire_on_its_multiples_others_from_their_start() {
        let created = "2026-12-01T05:15:27.400Z".parse::<DateTime<Utc>>().unwrap();
        let fires = |seconds: i64| {
            let interval = Interval::new(seconds, created, 1).unwrap();
            let first = interval.next_after(created, Zone::UTC).unwrap();
            let second = interval.next_after(first, Zone::UTC).unwrap();
            [first, second].map(|t| t.format("%H:%M:%S").to_string())
        };
        assert_eq!(fires(10), ["05:15:30", "05:15:40"]);
        assert_eq!(fires(15), ["05:15:30", "05:15:45"]);
        assert_eq!(fires(1), ["05:15:28", "05:15:29"]);
        // 7 s does not divide the minute: counted from the creation.
        assert_eq!(fires(7), ["05:15:34", "05:15:41"]);
    }

    #[test]
    fn too_short_and_empty_intervals_are_refused() {
        let anchor = Utc::now();
        assert!(Interval::new(0, anchor, 60).is_err());
        assert!(Interval::new(-300, anchor, 60).is_err());
        let err = Interval::new(30, anchor, 60).unwrap_err().0;
        assert!(err.contains("1 minute"), "{err}");
    }
}
