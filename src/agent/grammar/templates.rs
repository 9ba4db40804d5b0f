//! Templates in plain words, offline: "what templates are there?", "use the
//! website monitor for https://example.com every 5 minutes", "save this as
//! a template", "set the URL of the site monitor to https://…".

use regex::Regex;
use serde_json::{json, Value};
use std::sync::LazyLock;

use super::changes::SCHEDULE_WORDS;
use super::{re, unquote, Intent};
use crate::workflow::catalogue;

/// "templates", and the ways it gets typed: "tempaltes", "templtes", "templates?".
fn is_template_word(word: &str) -> bool {
    let word = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let word = word.trim_end_matches('s');
    if word.len() < 6 || !word.starts_with('t') {
        return false;
    }
    strsim_at_most(word, "template", 2) || word == "blueprint"
}

/// Whether `a` is within `max` single-letter edits (or one swap) of `b`.
fn strsim_at_most(a: &str, b: &str, max: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut prev2 = prev.clone();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, row);
    }
    prev[b.len()] <= max
}

static LIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please |can you |could you )?(?:(?:list|show|display|see|browse|view|give|get|what are|which are)(?: me| us)?(?: all| the| your| any| available| built-in| builtin| my| of)*|(?:what|which) (?:kinds? of |sorts? of )?|any|all)? ?(?P<word>\S+)(?: (?:are there|are available|do you have|have you got|exist|can i use|there are|you have|you offer))?(?: please| pls| plz| thanks)?\W*$",
    )
});
static SAVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:please )?(?:save|store|keep|turn|make) (?P<wf>.+?) (?:as|into|to) (?:a |an |my )?(?:new )?(?P<word>\S+)(?: (?:called|named) (?P<name>.+?))?\W*$",
    )
});
static SET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)^(?:please )?(?:set|change|update|make) (?:the )?(?P<key>[\w-]+(?: address)?) (?:of|for|on|in) (?P<wf>.+?) (?:to|=) (?P<value>\S.*?)\s*$"#,
    )
});
static USE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:please|pls|can you|could you|would you|i want to|i'd like to|i would like to|let's|lets|let me)[, ]+)*(?:use|apply|instantiate|start from|start with|try|create from|make from|set up|setup|create|make|add|new)(?: me)? (?:the |a |an |my |from )*(?P<rest>.+)$",
    )
});
/// "… with the website monitor template", "… using the rss digest template".
static WITH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:with|using|from|via|off|on) (?:the |a |an |my )?(?P<tpl>[\w' -]+?) (?:template|tempalte|templete|templte)s?\b",
    )
});
static URL: LazyLock<Regex> = LazyLock::new(|| re(r#"(?i)https?://[^\s"'<>,]+"#));
static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"\b(?P<key>[A-Z][A-Z0-9_]{1,40})\s*(?:=|:)\s*(?P<value>"[^"]*"|'[^']*'|\S+)"#)
});

/// A template request in `text`, if it is one.
pub fn parse(text: &str) -> Option<Intent> {
    let mentions = text.split_whitespace().any(is_template_word);
    if mentions {
        if let Some(c) = LIST.captures(text) {
            if is_template_word(&c["word"]) {
                return Some(Intent::Tool("list_templates", json!({ "category": null })));
            }
        }
        if let Some(c) = SAVE.captures(text) {
            if is_template_word(&c["word"]) {
                let workflow = unquote(&c["wf"]);
                let workflow = match workflow.to_lowercase().as_str() {
                    "this" | "that" | "this one" | "that one" | "this workflow" => "it".into(),
                    _ => workflow,
                };
                let name = c.name("name").map(|m| unquote(m.as_str()));
                return Some(Intent::Tool(
                    "save_template",
                    json!({ "workflow": workflow, "name": name }),
                ));
            }
        }
    }
    if let Some(c) = SET.captures(text) {
        let key = c["key"].trim_end_matches(" address");
        let named = key
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch == '_' || ch.is_ascii_digit())
            || ["url", "link", "address", "token", "site", "page"]
                .contains(&key.to_lowercase().as_str());
        if named && key.len() > 1 {
            return Some(Intent::Tool(
                "set_placeholder",
                json!({ "workflow": unquote(&c["wf"]), "name": key, "value": unquote(&c["value"]) }),
            ));
        }
    }
    if let Some(rest) = USE.captures(text).and_then(|c| c.name("rest")) {
        if let Some(intent) = use_request(rest.as_str(), mentions, None) {
            return Some(intent);
        }
    }
    let c = WITH.captures(text)?;
    use_request(text, true, Some(c["tpl"].to_string()))
}

/// "website monitor for https://example.com every 5 minutes": which
/// template, the values it carries, and the schedule.
fn use_request(rest: &str, mentions: bool, named: Option<String>) -> Option<Intent> {
    let url = URL
        .find(rest)
        .map(|m| m.as_str().trim_end_matches(['.', ')']).to_string());
    let mut placeholders: Vec<Value> = PAIR
        .captures_iter(rest)
        .filter(|c| !c["value"].starts_with("//"))
        .map(|c| json!({ "name": &c["key"], "value": unquote(&c["value"]) }))
        .collect();
    if let Some(url) = &url {
        if !placeholders.iter().any(|p| p["value"] == *url) {
            placeholders.push(json!({ "name": "URL", "value": url }));
        }
    }
    // The template's words end where the values or the schedule begin.
    let mut end = rest.len();
    for found in [
        URL.find(rest).map(|m| m.start()),
        PAIR.find(rest).map(|m| m.start()),
        SCHEDULE_WORDS.find(rest).map(|m| m.start()),
        find_word(
            rest,
            &[" for ", " with ", " on ", " to watch ", " to check ", ","],
        ),
    ]
    .into_iter()
    .flatten()
    {
        end = end.min(found);
    }
    let words = named.unwrap_or_else(|| unquote(&rest[..end]));
    let words = words
        .split_whitespace()
        .filter(|w| !is_template_word(w))
        .collect::<Vec<_>>()
        .join(" ");
    if words.is_empty() && mentions {
        // "use a template": which? The list answers.
        return Some(Intent::Tool("list_templates", json!({ "category": null })));
    }
    if words.is_empty() || (!mentions && !names_builtin(&words)) {
        return None;
    }
    let schedule = SCHEDULE_WORDS.find(rest).map(|m| {
        let tail = &rest[m.start()..];
        let tail = URL.replace_all(tail, "");
        let tail = PAIR.replace_all(&tail, "");
        tail.split_whitespace().collect::<Vec<_>>().join(" ")
    });
    Some(Intent::Tool(
        "use_template",
        json!({
            "template": words,
            "placeholders": if placeholders.is_empty() { Value::Null } else { Value::Array(placeholders) },
            "schedule": schedule.filter(|s| !s.is_empty()),
            "name": null,
        }),
    ))
}

fn find_word(text: &str, words: &[&str]) -> Option<usize> {
    let lower = text.to_lowercase();
    words.iter().filter_map(|w| lower.find(w)).min()
}

/// Whether `words` are (nearly) a built-in template's name or id: "use the
/// website monitor" is a template, "use my phone" is not.
fn names_builtin(words: &str) -> bool {
    let words = words.to_lowercase();
    let words = words.trim_start_matches("the ").trim();
    // "on-call handoff" is the "On-call hand-off note": letters only.
    let letters = |text: &str| -> String { text.chars().filter(|c| c.is_alphanumeric()).collect() };
    let squeezed = letters(words);
    let several = words.split_whitespace().count() >= 2;
    catalogue::builtin().iter().any(|t| {
        let name = t.name.to_lowercase();
        (several && squeezed.len() >= 6 && letters(&name).contains(&squeezed))
            || t.id == words
            || name == words
            || t.id.replace('-', " ") == words
            || (words.split_whitespace().count() >= 2 && name.contains(words))
    })
}

#[cfg(test)]
mod tests;
