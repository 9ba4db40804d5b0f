//! The pieces of the tools' strict JSON schemas that several tools share.

use serde_json::{json, Value};

use crate::llm::ToolSpec;

/// The model's structured reading, compared with steward's reading of the
/// user's words.
pub(super) const READING: &str = "Your own reading of the schedule as a 5-field cron expression ('30 8 * * 1-5'), an RRULE with DTSTART, several joined by ' | ' ('0 9 * * 1-5 | 30 13 * * 1-5'), or an ISO-8601 instant for a one-time run; null when there is no schedule. Keep 'schedule' in the user's words: steward compares both readings and asks the user when they differ.";

/// A strict function: every property required, nothing else allowed.
pub(super) fn tool(name: &str, description: &str, properties: Value) -> ToolSpec {
    ToolSpec {
        name: name.into(),
        description: description.into(),
        parameters: crate::llm::strict_object(properties),
        strict: true,
    }
}

/// The workflow a tool acts on.
pub(super) fn workflow() -> Value {
    json!({ "type": "string", "description": "The workflow's name (as the user says it) or #id; 'it' for the one last talked about." })
}

/// A string that may be null.
pub(super) fn nullable(description: &str) -> Value {
    json!({ "type": ["string", "null"], "description": description })
}

/// Per-run limits.
pub(super) fn limits() -> Value {
    json!({
        "type": ["object", "null"],
        "description": "Per-run limits; null keeps the defaults (300 s, 100 tool calls, $1).",
        "properties": {
            "timeout_seconds": { "type": ["integer", "null"] },
            "max_tool_calls": { "type": ["integer", "null"] },
            "max_cost_usd": { "type": ["number", "null"] }
        },
        "required": ["timeout_seconds", "max_tool_calls", "max_cost_usd"],
        "additionalProperties": false
    })
}
