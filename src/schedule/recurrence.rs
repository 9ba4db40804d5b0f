//! RFC 5545 recurrence rules (the `rrule` crate) for what cron cannot say: "every
//! other Tuesday", "every 3 weeks on Monday".
//!
//! The rule is expanded in *floating* wall-clock time (the zone's local times,
//! carried in UTC so the crate applies no DST of its own) and each local time is
//! then turned into an instant by [`Zone::resolve`], so RRULE and cron schedules
//! share one DST policy (DESIGN §3).

use crate::text::clip;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use rrule::{Frequency, RRule, RRuleSet, Validated};
use std::fmt;

use super::Zone;

/// A recurrence rule with its start, evaluated in a zone.
#[derive(Clone)]
pub struct Recurrence {
    start: NaiveDateTime,
    rule_text: String,
    /// The rule in floating time, kept to rebuild the set from a later start.
    floating_rule: RRule<rrule::Unvalidated>,
    set: RRuleSet,
}

/// Why a recurrence rule was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RecurrenceError(pub String);

/// How far before `after` (in wall-clock time) expansion resumes; covers the
/// largest DST shift so no occurrence is skipped.
const DST_MARGIN_HOURS: i64 = 3;
/// Occurrences examined per `next_after` before giving up (a rule that never
/// produces a future date, e.g. one bounded by UNTIL in the past).
const MAX_SCAN: usize = 200_000;

impl Recurrence {
    /// Builds a rule from its parts: the local start and the `FREQ=...` text.
    pub fn new(start: NaiveDateTime, rule: &str) -> Result<Recurrence, RecurrenceError> {
        Self::build(start, rule, None)
    }

    /// Parses `DTSTART;TZID=Zone:YYYYMMDDTHHMMSS` plus `RRULE:FREQ=...` (on one
    /// line or several), or a bare `RRULE:`/`FREQ=` rule that then starts at
    /// `now` (to the minute). Returns the zone the rule runs in: the DTSTART's
    /// TZID, UTC for a `Z` start, else `default_zone`.
    pub fn parse(
        input: &str,
        default_zone: Zone,
        now: DateTime<Utc>,
    ) -> Result<(Recurrence, Zone), RecurrenceError> {
        let mut start: Option<(NaiveDateTime, Option<Zone>)> = None;
        let mut rule: Option<String> = None;
        for part in input.split_whitespace() {
            let upper = part.to_ascii_uppercase();
            if upper.starts_with("DTSTART") {
                start = Some(parse_dtstart(part)?);
            } else if let Some(text) = upper.strip_prefix("RRULE:") {
                rule = Some(text.to_string());
            } else if upper.starts_with("FREQ=") {
                rule = Some(upper);
            } else {
                return Err(RecurrenceError(format!(
                    "unexpected '{}' in the recurrence rule: write 'DTSTART;TZID=Europe/Paris:20260302T090000 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO'",
                    clip(part, 60)
                )));
            }
        }
        let rule = rule.ok_or_else(|| {
            RecurrenceError(
                "the recurrence has no RRULE: add e.g. 'RRULE:FREQ=WEEKLY;BYDAY=MO'".into(),
            )
        })?;
        let (local_start, zone) = match start {
            Some((local, zone)) => (local, zone.unwrap_or(default_zone)),
            None => {
                let local = now.with_timezone(&default_zone.tz()).naive_local();
                let local = local
                    .with_second(0)
                    .and_then(|t| t.with_nanosecond(0))
                    .unwrap_or(local);
                (local, default_zone)
            }
        };
        let recurrence = Self::build(local_start, &rule, Some(zone))?;
        Ok((recurrence, zone))
    }

    fn build(
        start: NaiveDateTime,
        rule: &str,
        zone: Option<Zone>,
    ) -> Result<Recurrence, RecurrenceError> {
        let invalid = |e: rrule::RRuleError| {
            RecurrenceError(format!(
                "the recurrence rule '{}' is not valid: {e}",
                clip(rule, 60)
            ))
        };
        let mut parsed: RRule<rrule::Unvalidated> = rule.parse().map_err(invalid)?;
        if let Some(until) = parsed.get_until().copied() {
            // UNTIL is an instant (UTC); expansion runs in floating local time.
            let local = match zone {
                Some(zone) if !until.timezone().is_local() => {
                    until.with_timezone(&zone.tz()).naive_local()
                }
                _ => until.naive_utc(),
            };
            parsed = parsed.until(floating(local));
        }
        let set = parsed.clone().build(floating(start)).map_err(invalid)?;
        let rule_text = rule.trim().to_ascii_uppercase();
        Ok(Recurrence {
            start,
            rule_text,
            floating_rule: parsed,
            set,
        })
    }

    /// The local start (DTSTART) of the rule.
    pub fn start(&self) -> NaiveDateTime {
        self.start
    }

    /// The validated rule, for descriptions.
    pub fn rule(&self) -> &RRule<Validated> {
        &self.set.get_rrule()[0]
    }

    /// `DTSTART;TZID=...:...` and `RRULE:...` on two lines, as RFC 5545 writes them.
    pub fn expression(&self, zone: Zone) -> String {
        format!(
            "DTSTART;TZID={}:{}\nRRULE:{}",
            zone.name(),
            self.start.format("%Y%m%dT%H%M%S"),
            self.rule_text
        )
    }

    /// The first occurrence strictly after `after`, or `None` once the rule ends.
    pub fn next_after(&self, after: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        let local_after = after.with_timezone(&zone.tz()).naive_local()
            - chrono::TimeDelta::hours(DST_MARGIN_HOURS);
        self.set_near(local_after)
            .limit()
            .into_iter()
            .take(MAX_SCAN)
            .map(|occurrence| occurrence.naive_utc())
            .skip_while(|local| *local < local_after)
            .map(|local| zone.resolve(local))
            .find(|at| *at > after)
    }
}

impl Recurrence {
    /// The set, started as close before `local_after` as keeps the rule's
    /// phase, so expansion does not replay years of occurrences. Daily and
    /// weekly rules without COUNT move their start by whole periods (in
    /// floating time, so the time of day is unchanged); others start as written.
    fn set_near(&self, local_after: NaiveDateTime) -> RRuleSet {
        let rule = self.rule();
        let period_days = match rule.get_freq() {
            Frequency::Daily => i64::from(rule.get_interval()),
            Frequency::Weekly => 7 * i64::from(rule.get_interval()),
            _ => 0,
        };
        if period_days == 0 || rule.get_count().is_some() {
            return self.set.clone();
        }
        let periods = (local_after - self.start).num_days() / period_days - 1;
        if periods < 1 {
            return self.set.clone();
        }
        let start = self.start + chrono::TimeDelta::days(periods * period_days);
        self.floating_rule
            .clone()
            .build(floating(start))
            .unwrap_or_else(|_| self.set.clone())
    }
}

fn floating(local: NaiveDateTime) -> DateTime<rrule::Tz> {
    rrule::Tz::UTC.from_utc_datetime(&local)
}

fn parse_dtstart(part: &str) -> Result<(NaiveDateTime, Option<Zone>), RecurrenceError> {
    let bad = || {
        RecurrenceError(format!(
            "'{}' is not a DTSTART: write 'DTSTART;TZID=Europe/Paris:20260302T090000' or 'DTSTART:20260302T080000Z'",
            clip(part, 60)
        ))
    };
    let (params, value) = part.split_once(':').ok_or_else(bad)?;
    let mut zone = None;
    for param in params.split(';').skip(1) {
        if let Some(name) = param
            .strip_prefix("TZID=")
            .or_else(|| param.strip_prefix("tzid="))
        {
            zone = Some(Zone::from_iana(name).ok_or_else(|| {
                RecurrenceError(format!("unknown time zone '{}' in DTSTART", clip(name, 60)))
            })?);
        }
    }
    if let Some(utc) = value.strip_suffix('Z').or_else(|| value.strip_suffix('z')) {
        let local = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").map_err(|_| bad())?;
        return Ok((local, Some(Zone::UTC)));
    }
    let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S")
        .or_else(|_| {
            NaiveDate::parse_from_str(value, "%Y%m%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|_| bad())?;
    Ok((local, zone))
}

impl fmt::Debug for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recurrence({} {})", self.start, self.rule_text)
    }
}

impl PartialEq for Recurrence {
    fn eq(&self, other: &Self) -> bool {
        self.start == other.start && self.rule_text == other.rule_text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    /// Expanding from a moved start gives the same fires as expanding from
    /// DTSTART, across DST changes and years.
    #[test]
    fn a_moved_start_keeps_the_phase_of_the_rule() {
        let zone: Zone = "America/New_York".parse().unwrap();
        let start = NaiveDate::from_ymd_opt(2024, 1, 2)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        for rule in [
            "FREQ=DAILY;INTERVAL=3",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
            "FREQ=WEEKLY;INTERVAL=3",
            "FREQ=DAILY;INTERVAL=2;BYHOUR=1,13;BYMINUTE=30",
        ] {
            let recurrence = Recurrence::new(start, rule).unwrap();
            let mut after = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
            for _ in 0..200 {
                let fast = recurrence.next_after(after, zone).unwrap();
                let local_after =
                    after.with_timezone(&zone.tz()).naive_local() - TimeDelta::hours(3);
                let slow = recurrence
                    .set
                    .clone()
                    .into_iter()
                    .map(|o| o.naive_utc())
                    .skip_while(|l| *l < local_after)
                    .map(|l| zone.resolve(l))
                    .find(|at| *at > after)
                    .unwrap();
                assert_eq!(fast, slow, "{rule} after {after}");
                after = fast;
            }
        }
    }
}
