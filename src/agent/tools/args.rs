//! Checks on tool arguments shared by several tools: names, texts, zones
//! and per-run limits. A bad value is an error the model can correct.

use serde::Deserialize;

use crate::agent::turn::Turn;
use crate::schedule::Zone;
use crate::workflow::{Ceilings, Guardrails};

/// The longest instruction or note accepted, in characters.
pub(super) const MAX_TEXT: usize = 2_000;
/// The longest workflow name.
pub(super) const MAX_NAME: usize = 100;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct Limits {
    #[serde(default)]
    timeout_seconds: Option<u64>,
    #[serde(default)]
    max_tool_calls: Option<u32>,
    #[serde(default)]
    max_cost_usd: Option<f64>,
}

impl Limits {
    /// Sets the limits asked for; a value above the operator's `ceilings`
    /// is refused at once, naming the ceiling.
    pub(super) fn apply(
        &self,
        guardrails: &mut Guardrails,
        ceilings: &Ceilings,
    ) -> Result<(), String> {
        if let Some(t) = self.timeout_seconds {
            if !(1..=86_400).contains(&t) {
                return Err("timeout_seconds must be between 1 and 86400".into());
            }
            guardrails.timeout_seconds = t;
        }
        if let Some(n) = self.max_tool_calls {
            if !(1..=10_000).contains(&n) {
                return Err("max_tool_calls must be between 1 and 10000".into());
            }
            guardrails.max_tool_calls = n;
        }
        if let Some(c) = self.max_cost_usd {
            if !(0.0..=1_000.0).contains(&c) || c.is_nan() {
                return Err("max_cost_usd must be between 0 and 1000".into());
            }
            guardrails.max_cost_usd = c;
        }
        guardrails.lower_defaults(ceilings);
        match guardrails.over(ceilings) {
            Some(over) => Err(over.message),
            None => Ok(()),
        }
    }
}

pub(crate) fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME {
        return Err(format!(
            "a workflow name has 1 to {MAX_NAME} characters (that one has {length})"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("a workflow name is one line of text".into());
    }
    Ok(name.to_string())
}

pub(super) fn check_text(what: &str, text: &str) -> Result<String, String> {
    let text = text.trim();
    let length = text.chars().count();
    if length > MAX_TEXT {
        return Err(format!(
            "the {what} is {length} characters; the limit is {MAX_TEXT}"
        ));
    }
    Ok(text.to_string())
}

pub(super) fn zone_arg(turn: &Turn, timezone: &Option<String>) -> Result<Zone, String> {
    match timezone.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(name) => name.parse::<Zone>().map_err(|e| e.to_string()),
        None => Ok(turn.zone),
    }
}
