//! Schedules (DESIGN §3): parsing cron, RRULE, intervals, one-shots and natural
//! language; next-fire computation; English descriptions.
//!
//! Pure: no I/O and no clock reads. Every function that needs "now" takes it.

mod cron;
pub(crate) mod describe;
pub mod event;
mod input;
mod interval;
pub mod natural;
mod pace;
pub mod reading;
mod recurrence;
mod times_words;
mod union;
mod zone;
mod zone_typo;

pub use cron::{CronError, CronExpr};
pub use event::{After, AfterOutcome, HookAuth, Webhook};
pub use input::{parse_input, ParsedInput};
pub use interval::{parse_duration_words, parse_iso_duration, Interval, IntervalError};
pub use natural::{parse_phrase, PhraseError};
pub use pace::Pace;
pub use reading::Reading;
pub use recurrence::{Recurrence, RecurrenceError};
pub use union::{Member, Union, UnionError};
pub use zone::{UnknownZone, Zone};
pub use zone_typo::Guess;

use chrono::{DateTime, SecondsFormat, Utc};

/// The configured minimum interval when none is given (DESIGN §3: 1 minute).
pub const DEFAULT_MIN_INTERVAL_SECONDS: i64 = 60;

/// When a workflow fires: a trigger plus the IANA zone its wall-clock times mean.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    pub trigger: Trigger,
    pub zone: Zone,
}

/// What starts a workflow: the clock's triggers, and two the clock never
/// fires (a webhook call, another workflow finishing; `event.rs`).
#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    /// Only when someone asks.
    Manual,
    /// One instant.
    Once(DateTime<Utc>),
    Cron(CronExpr),
    Rrule(std::sync::Arc<Recurrence>),
    Interval(Interval),
    /// Several cron or RRULE expressions fired as one.
    Union(Union),
    /// A call to the workflow's URL.
    Webhook(Webhook),
    /// Another workflow's run ending.
    After(After),
}

impl Schedule {
    pub fn new(trigger: Trigger, zone: Zone) -> Schedule {
        Schedule { trigger, zone }
    }

    /// Rebuilds a schedule from its stored parts (`kind`, `expression`, zone and
    /// the anchor of an anchored interval).
    pub fn from_stored(
        kind: &str,
        expression: &str,
        zone: Zone,
        anchor: Option<DateTime<Utc>>,
    ) -> Result<Schedule, String> {
        let trigger = match kind {
            "manual" => Trigger::Manual,
            "once" => Trigger::Once(
                DateTime::parse_from_rfc3339(expression)
                    .map_err(|e| format!("'{expression}' is not an RFC 3339 instant: {e}"))?
                    .with_timezone(&Utc),
            ),
            "cron" => Trigger::Cron(CronExpr::parse(expression).map_err(|e| e.0)?),
            "rrule" => {
                let start = anchor.unwrap_or(DateTime::UNIX_EPOCH);
                let (rule, _) = Recurrence::parse(expression, zone, start).map_err(|e| e.0)?;
                Trigger::Rrule(std::sync::Arc::new(rule))
            }
            "interval" => {
                let anchor = anchor.unwrap_or(DateTime::UNIX_EPOCH);
                Trigger::Interval(Interval::parse_iso(expression, anchor, 1).map_err(|e| e.0)?)
            }
            "union" => Trigger::Union(
                Union::parse(expression, zone, anchor.unwrap_or(DateTime::UNIX_EPOCH))
                    .map_err(|e| e.0)?,
            ),
            "webhook" => Trigger::Webhook(Webhook::parse(expression)?),
            "after" => Trigger::After(After::parse(expression)?),
            other => return Err(format!("unknown trigger kind '{other}'")),
        };
        Ok(Schedule::new(trigger, zone))
    }

    /// The instant an anchored interval counts from, for storage.
    pub fn anchor(&self) -> Option<DateTime<Utc>> {
        match &self.trigger {
            Trigger::Interval(interval) => interval.anchor(),
            _ => None,
        }
    }

    /// `once`, `cron`, `rrule`, `interval`, `union`, `manual`, `webhook` or
    /// `after`.
    pub fn kind(&self) -> &'static str {
        match self.trigger {
            Trigger::Webhook(_) => "webhook",
            Trigger::After(_) => "after",
            Trigger::Manual => "manual",
            Trigger::Once(_) => "once",
            Trigger::Cron(_) => "cron",
            Trigger::Rrule(_) => "rrule",
            Trigger::Interval(_) => "interval",
            Trigger::Union(_) => "union",
        }
    }

    /// The machine form: the cron pattern, the RFC 5545 rule with its DTSTART,
    /// the ISO-8601 duration, or the RFC 3339 instant in the zone's offset.
    pub fn expression(&self) -> String {
        match &self.trigger {
            Trigger::Manual => "manual".into(),
            Trigger::Once(at) => at
                .with_timezone(&self.zone.tz())
                .to_rfc3339_opts(SecondsFormat::Secs, false),
            Trigger::Cron(cron) => cron.as_str().to_string(),
            Trigger::Rrule(rule) => rule.expression(self.zone),
            Trigger::Interval(interval) => interval.iso(),
            Trigger::Union(union) => union.expression(self.zone),
            Trigger::Webhook(hook) => hook.to_string(),
            Trigger::After(after) => after.to_string(),
        }
    }

    /// The first fire time strictly after `after`; `None` when the schedule has
    /// ended (a past one-shot, an exhausted rule) or is manual.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match &self.trigger {
            Trigger::Manual | Trigger::Webhook(_) | Trigger::After(_) => None,
            Trigger::Once(at) => (*at > after).then_some(*at),
            Trigger::Cron(cron) => cron.next_after(after, self.zone),
            Trigger::Rrule(rule) => rule.next_after(after, self.zone),
            Trigger::Interval(interval) => interval.next_after(after, self.zone),
            Trigger::Union(union) => union.next_after(after, self.zone),
        }
    }

    /// Up to `count` fire times after `after`, strictly increasing.
    pub fn upcoming(&self, after: DateTime<Utc>, count: usize) -> Vec<DateTime<Utc>> {
        let mut out = Vec::with_capacity(count.min(1_000));
        let mut cursor = after;
        while out.len() < count {
            match self.next_after(cursor) {
                Some(next) if next > cursor => {
                    out.push(next);
                    cursor = next;
                }
                _ => break,
            }
        }
        out
    }

    /// Whether the clock never fires it (manual, webhook, completion).
    pub fn is_clockless(&self) -> bool {
        matches!(
            self.trigger,
            Trigger::Manual | Trigger::Webhook(_) | Trigger::After(_)
        )
    }

    /// English, e.g. "At 08:30 on weekdays (Europe/Paris)".
    pub fn describe(&self) -> String {
        describe::describe(self)
    }
}

/// Formats an instant for people: "Mon 23 Nov 2026 08:30 CET".
pub fn format_local(at: DateTime<Utc>, zone: Zone) -> String {
    at.with_timezone(&zone.tz())
        .format("%a %-d %b %Y %H:%M %Z")
        .to_string()
}
