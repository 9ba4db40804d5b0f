//! A repeat that was not read: "every wkday at 9" must not become one
//! time tomorrow at 9 with "every wkday" left in the task.

use super::build::Clause;
use super::tokens::Token;
use super::words::word;

/// The unread "every …" (first token, token count) when the schedule read
/// is one time only and "every" or "each" stands unplaced where a repeat
/// would: first in the sentence, or right before the words that were read
/// ("every wkday at 9"). "check every page at 9 tomorrow" keeps its words.
pub fn unread(tokens: &[Token], used: &[bool], found: &[Clause]) -> Option<(usize, usize)> {
    if found.iter().any(|c| matches!(c, Clause::Recur(_))) {
        return None;
    }
    let quoted = super::guard::quoted(tokens);
    (0..tokens.len())
        .find(|&i| {
            !used[i]
                && !quoted[i]
                && matches!(word(tokens, i), "every" | "each" | "evry" | "everyday")
                && (i == 0 || used.get(i + 2).copied().unwrap_or(false))
                && i + 1 < tokens.len()
                && !used[i + 1]
        })
        .map(|i| (i, 2))
}
