//! Which workflow a person means: "#4", "4", "it", "the status check",
//! "workflow 'Old Report'", "staus check" (a typo). Only workflows the user may
//! manage are candidates; everything else is "not found", never someone
//! else's data.

use crate::text::edit_distance;
use crate::workflow::Workflow;

/// Words around a name that are not part of it.
const NOISE: [&str; 12] = [
    "the",
    "my",
    "our",
    "this",
    "that",
    "workflow",
    "workflows",
    "job",
    "automation",
    "one",
    "called",
    "named",
];

/// Normalised words: lower case, letters and digits only, noise dropped.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !NOISE.contains(w))
        .map(str::to_string)
        .collect()
}

/// Reads "#4" or "4" (or "workflow 4") as an id.
pub fn id_in(reference: &str) -> Option<i64> {
    let trimmed = reference
        .trim()
        .trim_start_matches(|c: char| c.is_alphabetic() || c == ' ')
        .trim_start_matches('#')
        .trim();
    let lower = reference.trim().to_lowercase();
    let prefixed = lower.starts_with('#')
        || lower.starts_with("workflow")
        || lower.chars().all(|c| c.is_ascii_digit());
    if prefixed && !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
        trimmed.parse().ok()
    } else {
        None
    }
}

/// Whether the reference means the workflow talked about last.
pub fn is_pronoun(reference: &str) -> bool {
    matches!(
        reference.trim().to_lowercase().as_str(),
        "it" | "that"
            | "this"
            | "that one"
            | "this one"
            | "the workflow"
            | "that workflow"
            | "this workflow"
            | "the same"
            | "again"
    )
}

/// Picks the workflow a name means among `candidates` (the user's).
pub fn by_name<'a>(reference: &str, candidates: &'a [Workflow]) -> Result<&'a Workflow, String> {
    let wanted = words(reference);
    if wanted.is_empty() {
        return Err("which workflow? Give its name or #id.".into());
    }
    let joined = wanted.join(" ");
    let named: Vec<(Vec<String>, &Workflow)> =
        candidates.iter().map(|w| (words(&w.name), w)).collect();
    // 1. The same words.
    let exact: Vec<&Workflow> = named
        .iter()
        .filter(|(n, _)| n.join(" ") == joined)
        .map(|(_, w)| *w)
        .collect();
    if let [only] = exact.as_slice() {
        return Ok(only);
    }
    if exact.len() > 1 {
        return Err(ambiguous(reference, &exact));
    }
    // 2. Every word asked for starts a word of the name ("status" → "Status check").
    let covers = |name: &[String], asked: &[String]| {
        asked.iter().all(|a| {
            name.iter()
                .any(|n| n == a || (a.len() >= 3 && n.starts_with(a.as_str())))
        })
    };
    let partial: Vec<&Workflow> = named
        .iter()
        .filter(|(n, _)| covers(n, &wanted))
        .map(|(_, w)| *w)
        .collect();
    if let [only] = partial.as_slice() {
        return Ok(only);
    }
    if partial.len() > 1 {
        return Err(ambiguous(reference, &partial));
    }
    // 3. Every word of the name appears in what was said ("the morning
    //    check workflow thing" → "Morning check").
    let within: Vec<&Workflow> = named
        .iter()
        .filter(|(n, _)| !n.is_empty() && covers(&wanted, n))
        .map(|(_, w)| *w)
        .collect();
    if let [only] = within.as_slice() {
        return Ok(only);
    }
    // 4. A typo: close in letters.
    let mut close: Vec<(usize, &Workflow)> = named
        .iter()
        .map(|(n, w)| (edit_distance(&n.join(" "), &joined), *w))
        .filter(|(d, _)| *d <= 2.max(joined.len() / 6))
        .collect();
    close.sort_by_key(|(d, _)| *d);
    // A typo match is only a guess: ask before acting on it.
    let guess = |w: &Workflow| {
        format!(
            "I couldn't find '{}'. Did you mean #{} \"{}\"? Say it by #id or its full name.",
            reference.trim(),
            w.id,
            w.name
        )
    };
    match close.as_slice() {
        [(_, w)] => Err(guess(w)),
        [(d, w), (d2, _), ..] if d < d2 => Err(guess(w)),
        [] => Err(not_found(reference, candidates)),
        several => Err(ambiguous(
            reference,
            &several.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
        )),
    }
}

fn ambiguous(reference: &str, matches: &[&Workflow]) -> String {
    let names: Vec<String> = matches
        .iter()
        .take(5)
        .map(|w| format!("#{} {}", w.id, w.name))
        .collect();
    format!(
        "'{}' could be {}. Which one? Say it by #id.",
        reference.trim(),
        names.join(" or ")
    )
}

pub fn not_found(reference: &str, candidates: &[Workflow]) -> String {
    if candidates.is_empty() {
        return format!(
            "I couldn't find a workflow called '{}': you have no workflows yet.",
            reference.trim()
        );
    }
    let names: Vec<String> = candidates
        .iter()
        .take(10)
        .map(|w| format!("#{} {}", w.id, w.name))
        .collect();
    format!(
        "I couldn't find a workflow called '{}'. Yours: {}.",
        reference.trim(),
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_pronouns() {
        assert_eq!(id_in("#4"), Some(4));
        assert_eq!(id_in("4"), Some(4));
        assert_eq!(id_in("workflow 12"), Some(12));
        assert_eq!(id_in("the 4 o'clock report"), None);
        assert!(is_pronoun("it"));
        assert!(!is_pronoun("status check"));
    }
}
