//! "show the webhook of #5", "what's the webhook URL for the deploy hook",
//! "rotate its webhook secret": the `webhook` tool.

use regex::Regex;
use serde_json::json;
use std::sync::LazyLock;

use super::{re, Intent};

static SHOW: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:show|give|send|tell|get)(?: me)?(?: the| its| my)? (?:web ?hook|hook)(?: url| address| link| secret| url and secret)?(?: (?:of|for) (?P<ref>.+?))?\W*$|^(?:what(?:'s| is)|where(?:'s| is))(?: the| its)? (?:web ?hook|hook)(?: url| address| link| secret)?(?: (?:of|for) (?P<ref2>.+?))?\W*$",
    )
});
static ROTATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:rotate|reset|regenerate|renew|replace|change)(?: the| its| my)? (?:web ?hook|hook)(?: url| secret| url and secret| secret and url)?(?: (?:of|for) (?P<ref>.+?))?\W*$",
    )
});

/// The `webhook` call `text` asks for, if any.
pub fn parse(text: &str) -> Option<Intent> {
    let (found, rotate) = match (ROTATE.captures(text), SHOW.captures(text)) {
        (Some(found), _) => (found, true),
        (None, Some(found)) => (found, false),
        _ => return None,
    };
    let reference = found
        .name("ref")
        .or_else(|| found.name("ref2"))
        .map_or("it", |m| m.as_str());
    Some(Intent::Tool(
        "webhook",
        json!({ "workflow": reference, "rotate": rotate }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(String, bool)> {
        match parse(text) {
            Some(Intent::Tool("webhook", args)) => Some((
                args["workflow"].as_str()?.to_string(),
                args["rotate"].as_bool()?,
            )),
            _ => None,
        }
    }

    #[test]
    fn showing_and_rotating_a_webhook_are_read() {
        assert_eq!(read("show the webhook of #5"), Some(("#5".into(), false)));
        assert_eq!(
            read("what's the webhook URL for the deploy hook?"),
            Some(("the deploy hook".into(), false))
        );
        assert_eq!(read("rotate its webhook secret"), Some(("it".into(), true)));
        assert_eq!(read("show me the webhook"), Some(("it".into(), false)));
        assert_eq!(read("when GitHub posts to a webhook, tell me"), None);
        assert_eq!(read("show my workflows"), None);
    }
}
