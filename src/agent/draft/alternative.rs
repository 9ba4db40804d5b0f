//! The other reading of a draft's schedule, offered beside the first.

use serde::{Deserialize, Serialize};

use super::Spec;
use crate::schedule::Schedule;

/// The other reading of a draft's schedule, waiting for the user to choose.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub trigger_kind: String,
    pub trigger_expression: String,
    #[serde(default)]
    pub trigger_anchor_ms: Option<i64>,
    pub timezone: String,
    /// What it was read from: the model's expression.
    pub source: String,
}

impl Alternative {
    pub fn of(schedule: &Schedule, source: &str) -> Alternative {
        let mut spec_like = Spec::new(
            String::new(),
            String::new(),
            schedule,
            source.to_string(),
            serde_json::Value::Null,
            Default::default(),
        );
        Alternative {
            trigger_kind: std::mem::take(&mut spec_like.trigger_kind),
            trigger_expression: std::mem::take(&mut spec_like.trigger_expression),
            trigger_anchor_ms: spec_like.trigger_anchor_ms,
            timezone: std::mem::take(&mut spec_like.timezone),
            source: source.to_string(),
        }
    }

    /// The alternative as a schedule.
    pub fn schedule(&self) -> Result<Schedule, String> {
        Schedule::from_stored(
            &self.trigger_kind,
            &self.trigger_expression,
            self.timezone.parse().unwrap_or(crate::schedule::Zone::UTC),
            self.trigger_anchor_ms.map(crate::store::from_ms),
        )
    }
}
