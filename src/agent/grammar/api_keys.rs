//! "give me an API key", "create an api key", "new api token", "list my
//! api keys", "revoke my api keys": the `api_keys` tool.

use regex::Regex;
use serde_json::json;
use std::sync::LazyLock;

use super::{re, Intent};

static CREATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please |can you |could you )?(?:give me|get me|i need|i want|create|make|generate|new|issue)(?: me)?(?: an?| a new| another)? (?:new )?(?:rest )?api (?:key|token)(?: for me)?(?: please)?\W*$",
    )
});
static LIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:list|show)(?: me)? (?:my |all my |all )?(?:rest )?api (?:keys|tokens)\W*$|^(?:what|which) api (?:keys|tokens) do i have\W*$",
    )
});
static REVOKE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:revoke|delete|remove|disable|invalidate)(?: all)?(?: of)? (?:my |all my )?(?:rest )?api (?:keys?|tokens?)\W*$",
    )
});

/// The `api_keys` call `text` asks for, if any.
pub fn parse(text: &str) -> Option<Intent> {
    let action = if CREATE.is_match(text) {
        "create"
    } else if LIST.is_match(text) {
        "list"
    } else if REVOKE.is_match(text) {
        "revoke"
    } else {
        return None;
    };
    Some(Intent::Tool("api_keys", json!({ "action": action })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(text: &str) -> Option<String> {
        match parse(text) {
            Some(Intent::Tool("api_keys", args)) => args["action"].as_str().map(str::to_string),
            _ => None,
        }
    }

    #[test]
    fn key_requests_are_read_and_workflow_requests_are_not() {
        assert_eq!(action("give me an API key").as_deref(), Some("create"));
        assert_eq!(action("create an api key").as_deref(), Some("create"));
        assert_eq!(action("new api token").as_deref(), Some("create"));
        assert_eq!(
            action("Can you make me a new API key please?").as_deref(),
            Some("create")
        );
        assert_eq!(action("list my api keys").as_deref(), Some("list"));
        assert_eq!(action("revoke my api keys").as_deref(), Some("revoke"));
        assert_eq!(
            action("revoke all my API tokens").as_deref(),
            Some("revoke")
        );
        assert_eq!(action("every day at 9 check the api key expiry"), None);
        assert_eq!(action("list my workflows"), None);
    }
}
