//! Whether a request names a time of day, so that the person's zone decides
//! when it fires: "every weekday at 8:30" and "tomorrow at 5pm" do; "in 20
//! minutes", "every 15 minutes", "at 9 Tokyo time" and "manual" do not.
//!
//! The schedule reader is asked, never second-guessed: the words are read
//! in two zones 14 hours apart, and a schedule whose next fire times are the
//! same in both does not depend on where the person lives.

use chrono::{DateTime, Utc};

use crate::schedule::natural::Context;
use crate::schedule::{parse_input, Trigger, Zone};

/// A zone far from UTC by whole hours, with no daylight saving time.
const FAR: chrono_tz::Tz = chrono_tz::Tz::Pacific__Kiritimati;

/// Whether `schedule` (as the person wrote it) fires at a wall-clock time
/// that depends on their zone. Words the reader cannot read are not held up:
/// the draft answers them with its own question.
pub fn needs_zone(schedule: &str, now: DateTime<Utc>, min_interval_seconds: i64) -> bool {
    let read = |zone: Zone| {
        let context = Context {
            now,
            zone,
            min_interval_seconds,
        };
        parse_input(schedule, &context).ok().map(|p| p.schedule)
    };
    let (Some(here), Some(far)) = (read(Zone::UTC), read(Zone::from(FAR))) else {
        return false;
    };
    // Intervals count elapsed time ("every 15 minutes"); manual never fires.
    if here.is_clockless() || matches!(here.trigger, Trigger::Interval(_)) {
        return false;
    }
    here.upcoming(now, 3) != far.upcoming(now, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(words: &str) -> bool {
        let now = DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        needs_zone(words, now, 60)
    }

    #[test]
    fn times_of_day_need_the_persons_zone() {
        assert!(needs("every weekday at 8:30 remind me to stretch"));
        assert!(needs("tomorrow at 5pm send me 'call mom'"));
        assert!(needs("every monday"));
        assert!(needs("30 8 * * MON-FRI"));
        assert!(needs("next friday at 9 check https://example.com"));
    }

    #[test]
    fn relative_times_and_named_zones_do_not() {
        assert!(!needs("in 20 minutes remind me to take the pizza out"));
        assert!(!needs("every 15 minutes check https://example.com"));
        assert!(!needs("every hour check https://example.com"));
        assert!(!needs("at 9 Tokyo time remind me to call"));
        assert!(!needs(
            "every day at 9am America/New_York remind me to stretch"
        ));
        assert!(!needs("manual"));
        assert!(!needs("no schedule words at all"));
    }
}
