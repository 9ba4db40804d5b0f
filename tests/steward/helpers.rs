//! Shared helpers: instants, zones, schedules read the way users write them.

use chrono::{DateTime, SecondsFormat, Utc};
use steward::schedule::natural::Context;
use steward::schedule::{parse_input, ParsedInput, Schedule, Zone};

/// An RFC 3339 instant.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("bad instant {text}: {e}"))
        .with_timezone(&Utc)
}

pub fn zone(name: &str) -> Zone {
    name.parse().unwrap_or_else(|e| panic!("{e}"))
}

/// Reads `input` (phrase, cron, RRULE, duration) at `now` in `zone`.
pub fn read(input: &str, now: &str, zone_name: &str) -> Result<ParsedInput, String> {
    parse_input(input, &Context::new(at(now), zone(zone_name)))
}

/// Reads `input` or fails the test with the error.
pub fn schedule(input: &str, now: &str, zone_name: &str) -> Schedule {
    read(input, now, zone_name)
        .unwrap_or_else(|e| panic!("'{input}' should parse: {e}"))
        .schedule
}

/// The next `count` fire times after `now`, as RFC 3339 in the schedule's zone.
pub fn next(schedule: &Schedule, now: &str, count: usize) -> Vec<String> {
    schedule
        .upcoming(at(now), count)
        .into_iter()
        .map(|t| {
            t.with_timezone(&schedule.zone.tz())
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .collect()
}

/// `next` for an input in one go.
pub fn fires(input: &str, now: &str, zone_name: &str, count: usize) -> Vec<String> {
    next(&schedule(input, now, zone_name), now, count)
}
