//! Splits a sentence into word tokens that remember where they came from, so the
//! words that are not part of the schedule can be given back as the task.

/// One word or punctuation mark.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// Lower-cased text, for matching.
    pub lower: String,
    /// The text as written (for abbreviations such as "EST").
    pub raw: String,
    /// Byte range in the input.
    pub start: usize,
    pub end: usize,
}

/// Characters split off the front of a word.
const LEADING: &[char] = &['(', '"', '\'', '[', '“', '‘', '«'];
/// Characters split off the end of a word.
const TRAILING: &[char] = &[
    ')', '"', '\'', ']', ',', '.', '!', '?', ';', ':', '”', '’', '»',
];

pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chunk_start = None;
    for (index, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_whitespace() {
            if let Some(start) = chunk_start.take() {
                split_chunk(text, start, index, &mut tokens);
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(index);
        }
    }
    tokens
}

fn split_chunk(text: &str, mut start: usize, mut end: usize, tokens: &mut Vec<Token>) {
    let mut tail = Vec::new();
    while let Some(c) = text[start..end].chars().next() {
        if !LEADING.contains(&c) || start + c.len_utf8() >= end {
            break;
        }
        push(text, start, start + c.len_utf8(), tokens);
        start += c.len_utf8();
    }
    while let Some(c) = text[start..end].chars().next_back() {
        if !TRAILING.contains(&c) || end - c.len_utf8() <= start {
            break;
        }
        // Keep "a.m." and "p.m." whole.
        let word = text[start..end].to_lowercase();
        if c == '.' && (word.ends_with("a.m.") || word.ends_with("p.m.")) {
            break;
        }
        tail.push((end - c.len_utf8(), end));
        end -= c.len_utf8();
    }
    push(text, start, end, tokens);
    for (s, e) in tail.into_iter().rev() {
        push(text, s, e, tokens);
    }
}

fn push(text: &str, start: usize, end: usize, tokens: &mut Vec<Token>) {
    let raw = &text[start..end];
    tokens.push(Token {
        lower: raw.to_lowercase(),
        raw: raw.to_string(),
        start,
        end,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_splits_off_words() {
        let words: Vec<String> = tokenize("remind me (at 5pm), 'call mom'!")
            .into_iter()
            .map(|t| t.lower)
            .collect();
        assert_eq!(
            words,
            ["remind", "me", "(", "at", "5pm", ")", ",", "'", "call", "mom", "'", "!"]
        );
    }

    #[test]
    fn offsets_point_into_the_input() {
        let text = "ça va — every day";
        for token in tokenize(text) {
            assert_eq!(&text[token.start..token.end], token.raw);
        }
    }
}
