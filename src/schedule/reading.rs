//! A schedule read for a person or a program: what `steward schedule` and
//! `GET /api/v1/schedule` both show (the kind, the expression, the zone, the
//! reading in words, the words left for the task, the next fire times).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::natural::Context;
use super::{parse_input, Zone};

/// The most fire times one reading lists.
pub const MAX_COUNT: usize = 1_000;

/// `input` as read at `context.now` in `context.zone`.
#[derive(Clone, Debug)]
pub struct Reading {
    pub kind: &'static str,
    pub expression: String,
    pub zone: Zone,
    pub description: String,
    /// The words that were not about time ("remind me to ...").
    pub task: Option<String>,
    pub next: Vec<DateTime<Utc>>,
}

impl Reading {
    /// Reads `input` and lists its next `count` fire times (at most
    /// [`MAX_COUNT`]).
    pub fn of(input: &str, context: &Context, count: usize) -> Result<Reading, String> {
        if count > MAX_COUNT {
            return Err(format!("count is at most {MAX_COUNT}"));
        }
        let schedule = parse_input(input, context)?;
        let (task, schedule) = (schedule.task, schedule.schedule);
        Ok(Reading {
            kind: schedule.kind(),
            expression: schedule.expression(),
            zone: schedule.zone,
            description: schedule.describe(),
            task,
            next: schedule.upcoming(context.now, count),
        })
    }

    /// The JSON of `steward schedule --json`; fire times in RFC 3339 with
    /// the zone's offset.
    pub fn to_json(&self, input: &str) -> Value {
        let next: Vec<String> = self
            .next
            .iter()
            .map(|at| {
                at.with_timezone(&self.zone.tz())
                    .to_rfc3339_opts(SecondsFormat::Secs, false)
            })
            .collect();
        json!({
            "input": input,
            "kind": self.kind,
            "expression": self.expression,
            "timezone": self.zone.name(),
            "description": self.description,
            "task": self.task,
            "next": next,
        })
    }
}
