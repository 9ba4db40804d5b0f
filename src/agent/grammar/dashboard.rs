//! "dashboard", "/dashboard", "open the dashboard", "send me a login link",
//! "how do I get to the web ui": the `dashboard` tool. Only the whole
//! message asks: "every friday send the dashboard report" is a workflow.

use serde_json::json;

use super::Intent;

/// Words a request for the dashboard is made of; a message with any other
/// word (a time, "every", "remind", a URL) is something else.
const WORDS: &[&str] = &[
    "please",
    "pls",
    "plz",
    "can",
    "could",
    "would",
    "may",
    "i",
    "get",
    "have",
    "a",
    "an",
    "the",
    "my",
    "me",
    "to",
    "into",
    "link",
    "url",
    "for",
    "open",
    "show",
    "give",
    "send",
    "make",
    "create",
    "new",
    "web",
    "ui",
    "app",
    "interface",
    "page",
    "site",
    "website",
    "browser",
    "login",
    "on",
    "in",
    "access",
    "how",
    "do",
    "where",
    "is",
    "see",
    "workflows",
    "want",
    "need",
    "take",
    "go",
    "let",
    "use",
    "view",
    "it",
    "of",
    "magic",
    "steward",
    "with",
    "your",
    "dashboard",
    "and",
    "there",
    "you",
    "what",
    "s",
    "at",
    "now",
    "again",
    "one",
    "another",
];

/// Words that name the dashboard (one must be there).
const NAMES: &[&str] = &[
    "dashboard",
    "ui",
    "app",
    "interface",
    "website",
    "browser",
    "login",
    "site",
    "magic",
];

/// Whether `word` is "dashboard" typed in a hurry: "dashbord", "dashbaord",
/// "dash board" (joined before this), within two edits.
fn is_dashboard(word: &str) -> bool {
    word.len() >= 7
        && word.starts_with("dash")
        && crate::text::edit_distance(word, "dashboard") <= 2
}

/// The `dashboard` call `text` asks for, if any.
pub fn parse(text: &str) -> Option<Intent> {
    let lower = text.to_lowercase();
    let joined = lower
        .replace("sign-in", "login")
        .replace("sign in", "login")
        .replace("signin", "login")
        .replace("log-in", "login")
        .replace("log in", "login")
        .replace("log me in", "login")
        .replace("sign me in", "login")
        .replace("dash board", "dashboard")
        .replace("web ui", "ui");
    let words: Vec<String> = joined
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if is_dashboard(w) {
                "dashboard".to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    let named = words.iter().any(|w| NAMES.contains(&w.as_str()));
    let only_these = words.iter().all(|w| WORDS.contains(&w.as_str()));
    // "web" or "page" alone name it too ("the web page", "web view").
    let web = words.iter().any(|w| w == "web");
    (!words.is_empty() && words.len() <= 12 && only_these && (named || web))
        .then(|| Intent::Tool("dashboard", json!({})))
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
            "link to dashboard",
            "can i get a dashboard link",
            "log me in to the web ui",
            "i want to see my workflows in the browser",
            "login",
            "sign in",
            "dashbord",
            "show me the website",
            "where is the web page",
            "how can I access the dashboard",
            "Open the web app",
            "dashboard link?",
            "get me into the dashboard",
            "DASHBOARD",
            "dashbaord link pls",
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
            "every hour check the login page",
            "show me my workflows",
            "send me the dashboard report",
            "open https://dashboard.example.com",
            "pause the dashboard check",
        ] {
            assert!(parse(text).is_none(), "{text}");
        }
    }
}
