//! "stop it", "cancel the run", "stop the status check's run", "abort the
//! run of #4": the `cancel_run` tool. A bare "stop it" pauses the workflow
//! when no run is going (what it meant before runs could be stopped).

use regex::Regex;
use serde_json::json;
use std::sync::LazyLock;

use super::{re, Intent};

static RUN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:stop|cancel|abort|kill|halt|terminate|interrupt)(?: the| this| that| its)?(?: current| running| live| ongoing)? runs?(?: (?:of|for) (?P<ref>.+?))?(?: now| right now)?\W*$",
    )
});
static OWNED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:stop|cancel|abort|kill|halt|terminate|interrupt)(?: the)? (?P<ref>.+?)(?:'s|’s) (?:current |running |live )?run\W*$",
    )
});
static STOP_IT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:please )?(?:stop|abort|kill|halt)(?: it| that| this)(?: now| right now)?\W*$")
});

/// The `cancel_run` call `text` asks for, if any.
pub fn parse(text: &str) -> Option<Intent> {
    let (reference, or_pause) = if STOP_IT.is_match(text) {
        ("it".to_string(), true)
    } else if let Some(found) = OWNED.captures(text) {
        (found["ref"].to_string(), false)
    } else if let Some(found) = RUN.captures(text) {
        let reference = found.name("ref").map_or("it", |m| m.as_str());
        (reference.to_string(), false)
    } else {
        return None;
    };
    Some(Intent::Tool(
        "cancel_run",
        json!({ "workflow": reference, "or_pause": or_pause }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(String, bool)> {
        match parse(text) {
            Some(Intent::Tool("cancel_run", args)) => Some((
                args["workflow"].as_str()?.to_string(),
                args["or_pause"].as_bool()?,
            )),
            _ => None,
        }
    }

    #[test]
    fn stopping_a_run_is_read_and_other_stops_are_left_alone() {
        assert_eq!(read("stop it"), Some(("it".into(), true)));
        assert_eq!(read("Stop it now!"), Some(("it".into(), true)));
        assert_eq!(read("cancel the run"), Some(("it".into(), false)));
        assert_eq!(
            read("cancel the status check's run"),
            Some(("status check".into(), false))
        );
        assert_eq!(read("abort the run of #4"), Some(("#4".into(), false)));
        assert_eq!(read("stop the status check"), None);
        assert_eq!(read("cancel the status check"), None);
        assert_eq!(read("stop running the report every day"), None);
    }
}
