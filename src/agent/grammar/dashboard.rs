//! "dashboard", "/dashboard", "open the dashboard", "send me a login link",
//! "how do I get to the web ui": the `dashboard` tool. Only the whole
//! message asks: "every friday send the dashboard report" is a workflow.

use regex::Regex;
use serde_json::json;
use std::sync::LazyLock;

use super::{re, Intent};

static ASK: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)^\W*(?:please\s+|pls\s+|can you\s+|could you\s+|i need\s+|i want\s+|i'd like\s+)?",
        r"(?:(?:open|show|give|send|get|make|create|new|take)(?:\s+me)?(?:\s+to)?\s+)?",
        r"(?:the\s+|a\s+|an\s+|my\s+|new\s+)*",
        r"(?:(?:web\s+)?dash\s?b(?:oa|ao|o)rd|web\s*(?:ui|app|interface|page|site|view)|(?:sign|log)[- ]?in\s+link|magic\s+link)",
        r"(?:\s+(?:link|url|access|login|sign[- ]?in))*(?:\s+(?:please|pls|now))?\W*$",
    ))
});
static HOW: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)^\W*(?:how\s+(?:do|can)\s+i|where\s+(?:do|can)\s+i|let\s+me|i\s+want\s+to|can\s+i)\s+",
        r"(?:open|see|use|get\s+to|reach|sign\s+in(?:\s+to)?|log\s*in(?:\s+to)?|login(?:\s+to)?|access)\s+",
        r"(?:the\s+|your\s+|my\s+)?(?:web\s+)?(?:dash\s?b(?:oa|ao|o)rd|web\s*(?:ui|app|interface|page|site))\W*$",
    ))
});

/// The `dashboard` call `text` asks for, if any.
pub fn parse(text: &str) -> Option<Intent> {
    (ASK.is_match(text) || HOW.is_match(text)).then(|| Intent::Tool("dashboard", json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_for_the_dashboard_in_many_wordings_is_read() {
        for text in [
            "dashboard",
            "Dashboard!",
            "open the dashboard",
            "give me a dashboard link",
            "send me a login link",
            "sign-in link please",
            "web ui",
            "the web dashboard",
            "dashbaord",
            "dash board",
            "can you send me the dashboard link?",
            "how do I open the dashboard?",
            "where can I see the web ui",
            "let me log in to the dashboard",
            "magic link",
        ] {
            assert!(parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn a_workflow_about_a_dashboard_is_not_a_request_for_one() {
        for text in [
            "every friday send me the dashboard report",
            "check https://dashboard.example.com every hour",
            "remind me to update the dashboard at 5pm",
            "dashboard every day at 9",
            "list my workflows",
        ] {
            assert!(parse(text).is_none(), "{text}");
        }
    }
}
