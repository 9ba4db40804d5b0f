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
    /// What a run that failed for good does besides telling its home chat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<OnFailure>,
}

/// `policies.on_failure`: when a run fails for good (failed, stopped by a
/// guardrail or interrupted, its retries used up; never when cancelled),
/// tell another chat and/or start another workflow with the failed run as
/// its input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnFailure {
    /// A chat to tell, written like a message step's `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<String>,
    /// A workflow of the same owner to start, by id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<super::WorkflowRef>,
}

impl OnFailure {
    /// Why it cannot be stored, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.notify.is_none() && self.workflow.is_none() {
            return Some(
                "policies.on_failure needs notify (a chat) or workflow (one to start)".into(),
            );
        }
        if self.notify.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Some("policies.on_failure.notify is empty".into());
        }
        None
    }

    /// In words, for the draft: "tells telegram:42 and starts 'Alert'".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(notify) = &self.notify {
            parts.push(format!("tells {notify}"));
        }
        match &self.workflow {
            Some(super::WorkflowRef::Id(id)) => parts.push(format!("starts workflow #{id}")),
            Some(super::WorkflowRef::Name(name)) => parts.push(format!("starts \"{name}\"")),
            None => {}
        }
        parts.join(" and ")
    }
}

impl Default for Policies {
    fn default() -> Self {
        Policies {
            catchup: CatchUp::Latest,
            catchup_window_seconds: 24 * 3_600,
            overlap: Overlap::Skip,
            retries: 0,
            retry_backoff_seconds: 30,
            on_failure: None,
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

/// The operator's hard ceilings on every run's guardrails
/// (`STEWARD_MAX_TOOL_CALLS`, `STEWARD_MAX_RUN_SECONDS`, `STEWARD_MAX_TOKENS`,
/// `STEWARD_MAX_COST_USD`): a workflow's guardrails may be lower, never
/// higher.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ceilings {
    pub max_tool_calls: u32,
    pub max_run_seconds: u64,
    pub max_tokens: u64,
    pub max_cost_usd: f64,
}

impl Default for Ceilings {
    /// 100 tool calls and 5 minutes per run (the product brief), and room
    /// above the default token and cost budgets.
    fn default() -> Self {
        Ceilings {
            max_tool_calls: 100,
            max_run_seconds: 300,
            max_tokens: 1_000_000,
            max_cost_usd: 10.0,
        }
    }
}

/// A guardrail over its ceiling: the field and the sentence saying so.
#[derive(Clone, Debug, PartialEq)]
pub struct OverCeiling {
    pub field: &'static str,
    pub message: String,
}

impl Guardrails {
    /// These guardrails with each lowered to its ceiling: what a run obeys,
    /// whatever was stored before the ceilings were set.
    pub fn capped(&self, ceilings: &Ceilings) -> Guardrails {
        Guardrails {
            timeout_seconds: self.timeout_seconds.min(ceilings.max_run_seconds),
            max_steps: self.max_steps,
            max_tool_calls: self.max_tool_calls.min(ceilings.max_tool_calls),
            max_tokens: self.max_tokens.min(ceilings.max_tokens),
            max_cost_usd: self.max_cost_usd.min(ceilings.max_cost_usd),
        }
    }

    /// Defaults above a lower ceiling come down to it (nobody asked for
    /// them); values someone chose are left for [`Guardrails::over`].
    pub fn lower_defaults(&mut self, ceilings: &Ceilings) {
        let default = Guardrails::default();
        if self.timeout_seconds == default.timeout_seconds {
            self.timeout_seconds = self.timeout_seconds.min(ceilings.max_run_seconds);
        }
        if self.max_tool_calls == default.max_tool_calls {
            self.max_tool_calls = self.max_tool_calls.min(ceilings.max_tool_calls);
        }
        if self.max_tokens == default.max_tokens {
            self.max_tokens = self.max_tokens.min(ceilings.max_tokens);
        }
        if self.max_cost_usd == default.max_cost_usd {
            self.max_cost_usd = self.max_cost_usd.min(ceilings.max_cost_usd);
        }
    }

    /// The first guardrail above `ceilings`, if any.
    pub fn over(&self, ceilings: &Ceilings) -> Option<OverCeiling> {
        let over = |field: &'static str, asked: String, ceiling: String, variable: &str| {
            Some(OverCeiling {
                field,
                message: format!(
                    "{field}: {asked} is over this steward's ceiling of {ceiling} per run ({variable}); ask for {ceiling} or less, or ask the operator to raise it"
                ),
            })
        };
        if self.max_tool_calls > ceilings.max_tool_calls {
            return over(
                "guardrails.max_tool_calls",
                format!("{} tool calls", self.max_tool_calls),
                format!("{} tool calls", ceilings.max_tool_calls),
                "STEWARD_MAX_TOOL_CALLS",
            );
        }
        if self.timeout_seconds > ceilings.max_run_seconds {
            return over(
                "guardrails.timeout_seconds",
                format!("{} s", self.timeout_seconds),
                format!("{} s", ceilings.max_run_seconds),
                "STEWARD_MAX_RUN_SECONDS",
            );
        }
        if self.max_tokens > ceilings.max_tokens {
            return over(
                "guardrails.max_tokens",
                format!("{} tokens", self.max_tokens),
                format!("{} tokens", ceilings.max_tokens),
                "STEWARD_MAX_TOKENS",
            );
        }
        if self.max_cost_usd > ceilings.max_cost_usd {
            return over(
                "guardrails.max_cost_usd",
                format!("${:.2}", self.max_cost_usd),
                format!("${:.2}", ceilings.max_cost_usd),
                "STEWARD_MAX_COST_USD",
            );
        }
        None
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

    #[test]
    fn guardrails_over_a_ceiling_name_it() {
        let ceilings = Ceilings::default();
        assert_eq!(Guardrails::default().over(&ceilings), None);
        let asked = Guardrails {
            timeout_seconds: 999_999,
            ..Guardrails::default()
        };
        let over = asked.over(&ceilings).unwrap();
        assert_eq!(over.field, "guardrails.timeout_seconds");
        assert!(over
            .message
            .contains("999999 s is over this steward's ceiling of 300 s"));
        let calls = Guardrails {
            max_tool_calls: 1_000_000,
            ..Guardrails::default()
        };
        assert_eq!(
            calls.over(&ceilings).unwrap().field,
            "guardrails.max_tool_calls"
        );
    }
}
