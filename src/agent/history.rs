//! The conversation's history: the lines kept between turns, and how much
//! of it the model reads. Both are bounded by an estimate of tokens (about
//! four characters each, as English text runs in OpenAI-style tokenizers),
//! dropping the oldest exchanges first, so a long chat never grows past a
//! small model's context.

use serde::{Deserialize, Serialize};

/// A line of history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Said {
    /// `user` or `assistant`.
    pub role: String,
    pub text: String,
}

/// Tokens a message costs besides its text (role, separators).
const PER_MESSAGE: usize = 4;

/// Roughly how many tokens `text` is: a character count over four,
/// rounded up. Cheap, and near enough for a budget; no tokenizer needed.
pub fn estimate_tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// The newest lines of `history` that fit in `budget` tokens, starting at
/// a user's line (an exchange is dropped whole, not an answer without its
/// question).
pub fn within(history: &[Said], budget: usize) -> &[Said] {
    let mut used = 0;
    let mut start = history.len();
    for (index, said) in history.iter().enumerate().rev() {
        used += estimate_tokens(&said.text) + PER_MESSAGE;
        if used > budget {
            break;
        }
        start = index;
    }
    while start < history.len() && history[start].role != "user" {
        start += 1;
    }
    &history[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(role: &str, text: &str) -> Said {
        Said {
            role: role.into(),
            text: text.into(),
        }
    }

    #[test]
    fn the_oldest_exchanges_drop_out_first_and_whole() {
        let long = "x".repeat(400); // about 100 tokens
        let history = vec![
            said("user", &long),
            said("assistant", &long),
            said("user", "hi"),
            said("assistant", &long),
        ];
        assert_eq!(within(&history, 10_000).len(), 4);
        // Room for the last two and half of the one before: it starts at
        // the user's line, not at an answer.
        let kept = within(&history, 250);
        assert_eq!(kept, &history[2..]);
        assert!(within(&history, 50).is_empty());
        assert_eq!(estimate_tokens("abcde"), 2);
    }
}
