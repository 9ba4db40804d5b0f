//! The task: the words no recognizer took, with the filler that frames a
//! request ("remind me to", "please") removed.

use super::tokens::Token;

/// Filler that frames a task rather than being part of it.
const LEADING_FILLER: &[&str] = &[
    "remind me to",
    "remind me that",
    "remind me",
    "please",
    "to",
    "and",
    "then",
    ",",
    "-",
    ":",
    "that",
    "i want you to",
    "can you",
];
const TRAILING_FILLER: &[&str] = &[
    "and", "then", ",", ".", "!", "please", "starting", "at", "on", "from", "-", ":", ";",
];

/// Words that open a schedule's phrase the reader took without them: "on"
/// in "on the 15th", "from" in "from monday to friday".
const OPENERS: &[&str] = &["on", "from"];

/// Words that open a phrase of their own: an opener before one of them
/// belongs to the task ("turn on at 9pm the lights").
const PREPOSITIONS: &[&str] = &[
    "at", "on", "from", "every", "each", "in", "by", "until", "till", "starting", "before",
    "after", "around", "about",
];

/// The words no recognizer took, with framing filler removed.
pub fn task(text: &str, tokens: &[Token], used: &[bool]) -> Option<String> {
    // Brackets around a schedule's words ("at 9am (Tokyo time)") go with
    // them rather than leave "( )" in the task.
    let bracket = |i: usize| matches!(tokens[i].lower.as_str(), "(" | ")" | "[" | "]");
    let next_to_used =
        |i: usize| (i > 0 && used[i - 1]) || used.get(i + 1).copied().unwrap_or(false);
    // "on the 15th", "from monday to friday": the opener goes with the
    // schedule's words it opens, not into the task ("On pay bills").
    let opens = |i: usize| {
        OPENERS.contains(&tokens[i].lower.as_str())
            && used.get(i + 1).copied().unwrap_or(false)
            && !PREPOSITIONS.contains(&tokens[i + 1].lower.as_str())
    };
    let mut used: Vec<bool> = (0..tokens.len())
        .map(|i| used[i] || (bracket(i) && next_to_used(i)) || opens(i))
        .collect();
    // "weekdays only", "only on mondays", "at 9 sharp": words beside the
    // schedule's that narrow them, not the task.
    for i in 0..tokens.len() {
        let after = i > 0 && used[i - 1];
        let beside = after || used.get(i + 1).copied().unwrap_or(false);
        let lower = tokens[i].lower.as_str();
        if (lower == "only" && beside) || (lower == "sharp" && after) {
            used[i] = true;
        }
        // "at 9 my time", "at 9 local time": the person's own zone, which
        // the schedule uses anyway.
        let word = |k: usize| tokens.get(k).map_or("", |t| t.lower.as_str());
        let own = match (lower, word(i + 1), word(i + 2)) {
            ("my" | "our", "local", "time") => 3,
            ("my" | "our" | "local", "time", _) => 2,
            _ => 0,
        };
        if own > 0 && after {
            used[i..i + own].iter_mut().for_each(|u| *u = true);
        }
    }
    adding_words(tokens, &mut used);
    // "start on monday at 9 say hello": "start" before the opener too.
    for i in 0..tokens.len().saturating_sub(1) {
        let starts = matches!(tokens[i].lower.as_str(), "start" | "starting" | "beginning");
        if starts && !used[i] && used[i + 1] && OPENERS.contains(&tokens[i + 1].lower.as_str()) {
            used[i] = true;
        }
    }
    let mut runs: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if used[i] {
            i += 1;
            continue;
        }
        let start = tokens[i].start;
        let mut end = tokens[i].end;
        while i + 1 < tokens.len() && !used[i + 1] {
            i += 1;
            end = tokens[i].end;
        }
        runs.push(text[start..end].to_string());
        i += 1;
    }
    let mut task = runs.join(" ");
    loop {
        let before = task.clone();
        let lower = task.to_lowercase();
        for filler in LEADING_FILLER {
            if lower == *filler {
                task.clear();
            } else if lower.starts_with(filler)
                && (filler.len() == 1
                    || lower[filler.len()..].starts_with(|c: char| c.is_whitespace() || c == ','))
            {
                task = task[filler.len()..].trim_start().to_string();
                break;
            }
        }
        let lower = task.to_lowercase();
        for filler in TRAILING_FILLER {
            if lower.ends_with(filler) {
                let cut = task.len() - filler.len();
                let boundary = filler.len() == 1
                    || cut == 0
                    || task[..cut].ends_with(|c: char| c.is_whitespace());
                if boundary {
                    task = task[..cut].trim_end().to_string();
                    break;
                }
            }
        }
        if task == before {
            break;
        }
    }
    let task = task.trim();
    (!task.is_empty()).then(|| task.to_string())
}

/// Words that make a schedule an addition ("and on saturdays too", "also at
/// 5pm", "plus fridays as well"): first before the schedule's words or last
/// after them, they are no task. `amend::adds` reads them as a change that
/// adds rather than replaces.
pub fn adding_words(tokens: &[Token], used: &mut [bool]) {
    let lead = tokens
        .iter()
        .take_while(|t| ADDING.contains(&t.lower.as_str()))
        .count();
    if lead > 0 && used.get(lead).copied().unwrap_or(false) {
        used[..lead].iter_mut().for_each(|u| *u = true);
    }
    let mut end = tokens.len();
    while end > 0
        && tokens[end - 1]
            .lower
            .chars()
            .all(|c| c.is_ascii_punctuation())
    {
        end -= 1;
    }
    let tail = match tokens.get(end.saturating_sub(2)..end) {
        Some([a, b]) if a.lower == "as" && b.lower == "well" => 2,
        _ if end > 0 && matches!(tokens[end - 1].lower.as_str(), "too" | "also") => 1,
        _ => 0,
    };
    if tail > 0 && end > tail && used[end - tail - 1] {
        used[end - tail..end].iter_mut().for_each(|u| *u = true);
    }
}

/// Words before a schedule that add it to another.
pub const ADDING: &[&str] = &["and", "also", "plus", "add"];
