//! Steps in parts of an hour: "every half hour", "every quarter of an
//! hour", "every 1.5 hours".

use super::*;

/// "every 1.5 hours", "every 0.5 hours" at `j` (after "every"): a step in
/// hours with a fraction, as minutes. Other units with a fraction are
/// refused rather than rounded.
pub(super) fn fraction(
    tokens: &[Token],
    i: usize,
    j: usize,
) -> Result<Option<(Found, usize)>, PhraseError> {
    let w = word(tokens, j);
    if !w.contains('.') || !w.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Ok(None);
    }
    let (Ok(amount), Some(unit)) = (w.parse::<f64>(), unit(word(tokens, j + 1))) else {
        return Ok(None);
    };
    let minutes = amount * 60.0;
    if unit == Unit::Hour && minutes >= 1.0 && minutes.fract() == 0.0 && minutes <= 1e6 {
        let recur = Recur::Every {
            amount: minutes as i64,
            unit: Unit::Minute,
        };
        return Ok(Some(((recur, None), j + 2 - i)));
    }
    Err(PhraseError::new(format!(
        "'every {w} {}' needs a whole number: try 'every 90 minutes' or 'every 36 hours'.",
        tokens[j + 1].raw
    )))
}

/// "every half hour", "every quarter of an hour" at `j` (after "every").
pub(super) fn part_of_hour(tokens: &[Token], i: usize, j: usize) -> Option<(Found, usize)> {
    let w = word(tokens, j);
    if !matches!(w, "half" | "quarter") {
        return None;
    }
    let mut k = j + 1;
    if matches!(word(tokens, k), "an" | "a" | "of") {
        k += 1;
    }
    if matches!(word(tokens, k), "an" | "a") {
        k += 1;
    }
    if word(tokens, k) == "hour" {
        let amount = if w == "half" { 30 } else { 15 };
        let recur = Recur::Every {
            amount,
            unit: Unit::Minute,
        };
        return Some(((recur, None), k + 1 - i));
    }
    None
}
