//! How often a schedule runs at its busiest: the most runs in any hour and
//! the shortest gap between two, for the quotas on runs an hour and on the
//! interval (`manage/`).

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::VecDeque;

use super::{Schedule, Trigger};

/// How far ahead the busiest hour is looked for: a week and a day, so a
/// schedule busy on one weekday is seen whatever today is.
const LOOK_AHEAD_DAYS: i64 = 8;
/// Fire times read at most (a schedule past this many runs a week is busy
/// enough to be measured by them).
const MAX_FIRES: usize = 20_000;

/// A schedule's busiest pace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// The most runs in any hour.
    pub busiest_hour: u32,
    /// The shortest time between two runs, in seconds; `None` with fewer
    /// than two runs ahead.
    pub shortest_gap: Option<i64>,
}

impl Schedule {
    /// The busiest pace of this schedule after `now`.
    pub fn pace(&self, now: DateTime<Utc>) -> Pace {
        if let Trigger::Interval(interval) = &self.trigger {
            let seconds = interval.seconds().max(1);
            return Pace {
                busiest_hour: (3600 + seconds - 1).div_euclid(seconds) as u32,
                shortest_gap: Some(seconds),
            };
        }
        let end = now + TimeDelta::days(LOOK_AHEAD_DAYS);
        let hour = TimeDelta::hours(1);
        let mut window: VecDeque<DateTime<Utc>> = VecDeque::new();
        let mut pace = Pace {
            busiest_hour: 0,
            shortest_gap: None,
        };
        let mut cursor = now;
        for _ in 0..MAX_FIRES {
            let Some(next) = self.next_after(cursor).filter(|n| *n > cursor && *n < end) else {
                break;
            };
            if let Some(last) = window.back() {
                let gap = (next - *last).num_seconds();
                pace.shortest_gap = Some(pace.shortest_gap.map_or(gap, |g| g.min(gap)));
            }
            while window.front().is_some_and(|first| next - *first >= hour) {
                window.pop_front();
            }
            window.push_back(next);
            pace.busiest_hour = pace.busiest_hour.max(window.len() as u32);
            cursor = next;
        }
        pace
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::natural::Context;
    use crate::schedule::{parse_input, Zone};

    fn pace(text: &str) -> Pace {
        let now = "2026-11-30T06:00:00Z".parse().unwrap();
        let context = Context {
            now,
            zone: Zone::UTC,
            min_interval_seconds: 1,
        };
        parse_input(text, &context).unwrap().schedule.pace(now)
    }

    #[test]
    fn intervals_cron_and_rules_have_a_busiest_hour() {
        assert_eq!(
            pace("every 5 minutes"),
            Pace {
                busiest_hour: 12,
                shortest_gap: Some(300)
            }
        );
        assert_eq!(pace("*/10 * * * *").busiest_hour, 6);
        assert_eq!(pace("*/10 * * * *").shortest_gap, Some(600));
        // Busy on one weekday only: seen whatever today is.
        let saturdays = pace("* 9 * * 6");
        assert_eq!(saturdays.busiest_hour, 60);
        assert_eq!(saturdays.shortest_gap, Some(60));
        assert_eq!(pace("every day at 9:00").busiest_hour, 1);
        assert_eq!(pace("every day at 9:00").shortest_gap, Some(86_400));
    }

    #[test]
    fn one_run_has_no_gap() {
        let once = pace("tomorrow at 9am");
        assert_eq!(once.busiest_hour, 1);
        assert_eq!(once.shortest_gap, None);
    }
}
