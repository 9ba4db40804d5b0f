//! Per-workflow policies (catch-up, overlap, retries) and guardrails, with the
//! defaults of DESIGN §4 and §5.

use serde::{Deserialize, Serialize};

/// What happens to slots missed while steward was down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CatchUp {
    /// Run the most recent missed slot if it is within the window.
    #[default]
    Latest,
    /// Run every missed slot, at most [`MAX_CATCH_UP_RUNS`].
    All,
    /// Run none.
    Skip,
}

/// The most missed slots `CatchUp::All` runs.
pub const MAX_CATCH_UP_RUNS: usize = 100;

/// What happens when a slot comes while the previous run is still going.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Overlap {
    /// Record the new slot as skipped.
    #[default]
    Skip,
    /// Let one run wait for the current one.
    Queue,
    /// Run both.
    Allow,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policies {
    pub catchup: CatchUp,
    pub catchup_window_seconds: i64,
    pub overlap: Overlap,
    /// Extra attempts after a failed or interrupted run (0 = none).
    pub retries: u32,
    /// Wait before the first retry; doubles for each further one.
    pub retry_backoff_seconds: i64,
}

impl Default for Policies {
    fn default() -> Self {
        Policies {
            catchup: CatchUp::Latest,
            catchup_window_seconds: 24 * 3_600,
            overlap: Overlap::Skip,
            retries: 0,
            retry_backoff_seconds: 30,
        }
    }
}

impl Policies {
    /// The wait before retry number `attempt` (1 = the first retry), capped at a day.
    pub fn backoff_seconds(&self, attempt: u32) -> i64 {
        let factor = 1i64 << attempt.saturating_sub(1).min(16);
        self.retry_backoff_seconds
            .max(1)
            .saturating_mul(factor)
            .min(86_400)
    }
}

/// Limits on one run; hitting one ends the run with status `guardrail`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Guardrails {
    pub timeout_seconds: u64,
    pub max_steps: u32,
    pub max_tool_calls: u32,
    pub max_tokens: u64,
    pub max_cost_usd: f64,
}

impl Default for Guardrails {
    fn default() -> Self {
        Guardrails {
            timeout_seconds: 300,
            max_steps: 100,
            max_tool_calls: 100,
            max_tokens: 200_000,
            max_cost_usd: 1.0,
        }
    }
}

impl Guardrails {
    /// "5 min per run, 100 steps"
    pub fn summary(&self) -> String {
        let time = if self.timeout_seconds % 60 == 0 {
            format!("{} min", self.timeout_seconds / 60)
        } else {
            format!("{} s", self.timeout_seconds)
        };
        format!("{time} per run, {} steps", self.max_steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = Policies {
            retry_backoff_seconds: 10,
            ..Policies::default()
        };
        assert_eq!(p.backoff_seconds(1), 10);
        assert_eq!(p.backoff_seconds(2), 20);
        assert_eq!(p.backoff_seconds(3), 40);
        assert_eq!(p.backoff_seconds(60), 86_400);
    }

    #[test]
    fn policies_read_with_defaults() {
        let p: Policies = serde_json::from_str(r#"{"catchup": "all"}"#).unwrap();
        assert_eq!(p.catchup, CatchUp::All);
        assert_eq!(p.overlap, Overlap::Skip);
        assert!(serde_json::from_str::<Policies>(r#"{"catchup": "sometimes"}"#).is_err());
    }
}
