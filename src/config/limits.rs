//! The operator's limits: hard ceilings on every run's guardrails
//! (`STEWARD_MAX_*`) and what each person may do (`STEWARD_QUOTA_*`).

use super::ConfigError;
use crate::workflow::Quotas;

/// The operator's ceilings, each a positive number; unset ones keep their
/// defaults (100 tool calls, 300 s, 1,000,000 tokens, $10 per run).
pub(super) fn ceilings(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<crate::workflow::Ceilings, ConfigError> {
    let defaults = crate::workflow::Ceilings::default();
    let read = |name: &'static str| -> Result<Option<f64>, ConfigError> {
        match lookup(name).filter(|v| !v.trim().is_empty()) {
            None => Ok(None),
            Some(value) => value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n > 0.0)
                .map(Some)
                .ok_or(ConfigError::Invalid(name, value, "a number above 0")),
        }
    };
    let whole = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
        Ok(read(name)?.map_or(default, |n| n.floor().max(1.0) as u64))
    };
    Ok(crate::workflow::Ceilings {
        max_tool_calls: whole("STEWARD_MAX_TOOL_CALLS", defaults.max_tool_calls.into())?
            .min(u32::MAX.into()) as u32,
        max_run_seconds: whole("STEWARD_MAX_RUN_SECONDS", defaults.max_run_seconds)?,
        max_tokens: whole("STEWARD_MAX_TOKENS", defaults.max_tokens)?,
        max_cost_usd: read("STEWARD_MAX_COST_USD")?.unwrap_or(defaults.max_cost_usd),
    })
}

/// What each person may do; unset variables keep the defaults of
/// [`Quotas`], and the shortest interval is `STEWARD_MIN_INTERVAL_SECONDS`.
pub(super) fn quotas(
    lookup: &impl Fn(&str) -> Option<String>,
    min_interval_seconds: i64,
) -> Result<Quotas, ConfigError> {
    let defaults = Quotas::default();
    let read = |name: &'static str, whole: bool| -> Result<Option<f64>, ConfigError> {
        match lookup(name).filter(|v| !v.trim().is_empty()) {
            None => Ok(None),
            Some(value) => value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n > 0.0 && (!whole || n.fract() == 0.0))
                .map(Some)
                .ok_or(ConfigError::Invalid(
                    name,
                    value,
                    if whole {
                        "a whole number of at least 1"
                    } else {
                        "a number above 0"
                    },
                )),
        }
    };
    let count = |name: &'static str, default: u32| -> Result<u32, ConfigError> {
        Ok(read(name, true)?.map_or(default, |n| n.min(u32::MAX as f64) as u32))
    };
    Ok(Quotas {
        messages_per_minute: count(
            "STEWARD_QUOTA_MESSAGES_PER_MINUTE",
            defaults.messages_per_minute,
        )?,
        max_workflows: count("STEWARD_QUOTA_WORKFLOWS", defaults.max_workflows)?,
        runs_per_hour: count("STEWARD_QUOTA_RUNS_PER_HOUR", defaults.runs_per_hour)?,
        min_interval_seconds,
        tokens_per_day: read("STEWARD_QUOTA_TOKENS_PER_DAY", true)?
            .map_or(defaults.tokens_per_day, |n| n as u64),
        cost_per_day_usd: read("STEWARD_QUOTA_COST_PER_DAY_USD", false)?
            .unwrap_or(defaults.cost_per_day_usd),
    })
}
