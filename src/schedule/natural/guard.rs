//! Every word is placed or asked about (DESIGN §3): words with schedule
//! meaning that no recognizer took ("except the first monday", "on the
//! weekend", "until friday") must not fall silently into the task, where the
//! schedule would quietly lose them. The reader asks about them instead.
//!
//! A word is let through as part of the task when it is quoted, or names a
//! thing rather than a time: after "the", "my", "a"… not themselves after a
//! preposition ("send the weekly report", "check the morning queue"; but "on
//! the weekend" is a time), in "good morning", or a deadline after "by".

use super::clock;
use super::tokens::Token;
use super::words::{cardinal, month, ordinal, unit, weekday, word, PartOfDay};

/// Words whose only job is to shape a schedule.
const SCHEDULE_WORDS: &[&str] = &[
    "except",
    "excluding",
    "between",
    "during",
    "until",
    "till",
    "quarter",
    "quarters",
    "quarterly",
    "weekend",
    "weekends",
    "weekday",
    "weekdays",
    "workday",
    "workdays",
    "daily",
    "weekly",
    "monthly",
    "hourly",
    "yearly",
    "nightly",
    "fortnightly",
    "fortnight",
    "biweekly",
    "annually",
    "tomorrow",
    "tonight",
    "tonite",
    "2nite",
    "noon",
    "midnight",
    "twice",
    "thrice",
    "o'clock",
    "oclock",
    // days of the week written short (not "sat" and "sun", which are words)
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    // days steward has no calendar for
    "christmas",
    "xmas",
    "easter",
    "thanksgiving",
    "halloween",
    "holiday",
    "holidays",
    "birthday",
    "anniversary",
    // times of the sun, which steward has no almanac for
    "sunrise",
    "sunset",
    "dawn",
    "dusk",
];

/// Units of the calendar, which mean a time after these words ("the last
/// business day", "every other week", "of the month").
const UNIT_LEADS: &[&str] = &[
    "business", "working", "work", "week", "last", "every", "each", "other", "next", "this",
    "first", "second", "third", "fourth", "fifth", "single",
];

/// Words that lead into a time ("on the weekend", "every first monday").
const LEADS: &[&str] = &[
    "on", "at", "in", "during", "for", "until", "till", "by", "before", "after", "every", "each",
    "from", "between", "except", "this", "next", "the", "of", "and", "or", "but", "not", "last",
    "first", "business", "working",
];

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "my", "our", "your", "their", "his", "her", "its", "this", "that", "these",
    "those",
];

/// Determiners that never make a time of what follows ("enjoy your
/// weekend"), unlike "this weekend" or "that friday".
const POSSESSIVES: &[&str] = &["my", "our", "your", "their", "his", "her", "its"];

/// Words of a wish: the time word after one is what is wished ("have a
/// nice weekend", "happy birthday", "merry christmas", "happy friday").
const WISHES: &[&str] = &[
    "good",
    "nice",
    "great",
    "happy",
    "merry",
    "lovely",
    "wonderful",
    "relaxing",
    "restful",
    "fun",
    "safe",
    "fantastic",
    "pleasant",
    "productive",
    "awesome",
    "amazing",
    "blessed",
    "joyous",
    "joyful",
    "peaceful",
    "beautiful",
    "brilliant",
    "super",
];

/// Prepositions that make a following "the …" a time ("on the weekend").
const TIME_PREPOSITIONS: &[&str] = &[
    "on", "at", "in", "during", "for", "until", "till", "before", "after", "every", "each", "from",
    "between", "except", "since",
];

/// The first run of words with schedule meaning that nothing placed, as
/// (first token, token count).
pub fn unplaced(tokens: &[Token], used: &[bool]) -> Option<(usize, usize)> {
    let quoted = quoted(tokens);
    // "at 9 am pm": a second half of the day right after a time
    if let Some(at) = (1..tokens.len()).find(|&i| {
        !used[i] && used[i - 1] && matches!(word(tokens, i), "am" | "pm" | "a.m." | "p.m.")
    }) {
        return Some((at, 1));
    }
    // "before 9am", "after 5pm", "by 9am": a time, but not when to run;
    // beside a time of its own ("at 9 remind me to leave by 5pm") the
    // task's.
    let time_at = |i: usize| matches!(clock::single(tokens, i, true), Ok(Some(_)));
    let timed = (0..tokens.len()).any(|k| used[k] && time_at(k));
    if let Some(at) = (0..tokens.len()).find(|&i| {
        !used[i]
            && !quoted[i]
            && matches!(word(tokens, i), "before" | "after" | "by")
            && time_at(i + 1)
            && (used.get(i + 1).copied().unwrap_or(false) || !timed)
    }) {
        return Some((at, 2));
    }
    let at = (0..tokens.len())
        .find(|&i| !used[i] && !quoted[i] && means_time(tokens, i) && !names_a_thing(tokens, i))?;
    // Widen to the words around that belong with it ("except the first monday").
    let mut start = at;
    while start > 0 && !used[start - 1] && LEADS.contains(&word(tokens, start - 1)) {
        start -= 1;
    }
    let mut end = at + 1;
    let introduces = matches!(
        word(tokens, at),
        "except" | "excluding" | "between" | "during" | "until" | "till"
    );
    if introduces && end < tokens.len() && !used[end] {
        end += 1;
    }
    while end < tokens.len()
        && end - start < 8
        && !used[end]
        && (LEADS.contains(&word(tokens, end))
            || means_time(tokens, end)
            || unit(word(tokens, end)).is_some()
            || (word(tokens, end - 1) == "half" && cardinal(word(tokens, end)).is_some()))
    {
        end += 1;
    }
    // Never end on a joining word.
    while end > at + 1 && LEADS.contains(&word(tokens, end - 1)) {
        end -= 1;
    }
    Some((start, end - start))
}

/// Where the words that go with an exclusion or window starting at `at` end
/// ("except the first monday of the month").
pub fn extent(tokens: &[Token], at: usize) -> usize {
    let mut end = at + 1;
    if matches!(word(tokens, at), "but" | "other" | "apart") {
        end += 1;
    }
    while end < tokens.len()
        && end - at < 10
        && !starts_a_schedule(tokens, end)
        && (LEADS.contains(&word(tokens, end))
            || means_time(tokens, end)
            || unit(word(tokens, end)).is_some())
    {
        end += 1;
    }
    while end > at + 1 && LEADS.contains(&word(tokens, end - 1)) {
        end -= 1;
    }
    end
}

/// Words that begin the main schedule again after an aside ("except the
/// first monday every weekday at 8:30"), where the aside's words end.
fn starts_a_schedule(tokens: &[Token], i: usize) -> bool {
    let w = word(tokens, i);
    matches!(
        w,
        "every"
            | "each"
            | "at"
            | "@"
            | "daily"
            | "weekly"
            | "monthly"
            | "hourly"
            | "tomorrow"
            | "today"
            | "tonight"
            | "tonite"
            | "2nite"
    ) || matches!(clock::single(tokens, i, false), Ok(Some(_)))
}

/// Whether the word at `i` carries schedule meaning wherever it stands.
fn means_time(tokens: &[Token], i: usize) -> bool {
    let w = word(tokens, i);
    let next = word(tokens, i + 1);
    if SCHEDULE_WORDS.contains(&w) || PartOfDay::parse(w).is_some() {
        return true;
    }
    if matches!(
        w,
        "day" | "days" | "week" | "weeks" | "month" | "months" | "year" | "years"
    ) {
        let before = if i > 0 { word(tokens, i - 1) } else { "" };
        let two_before = if i > 1 { word(tokens, i - 2) } else { "" };
        // "friday week": the friday of the week after
        return UNIT_LEADS.contains(&before)
            || (weekday(before).is_some() && w == "week")
            || ordinal(before).is_some()
            || cardinal(before).is_some()
            || (two_before == "of" && matches!(before, "the" | "every" | "each" | "a"));
    }
    // Day names in full ("sat" and "sun" are words), and months in full
    // except "may" and "march", which are words too.
    if weekday(w).is_some_and(|_| w.len() >= 6) {
        return true;
    }
    if month(w).is_some() && w.len() >= 4 && !matches!(w, "march" | "sept") {
        return true;
    }
    if w == "but" && next == "not" {
        return true;
    }
    // A minute past the hour: "half past", "20 past the hour", ":30", "on
    // the half hour"
    let before = if i > 0 { word(tokens, i - 1) } else { "" };
    if (w == "past"
        && (matches!(before, "half" | "quarter" | "minutes" | "mins")
            || cardinal(before).is_some()))
        || matches!(w, "half-past" | "half-hour")
        || (w == "half" && next == "hour")
        // "half nine": 9:30 to some, 8:30 to others
        || (w == "half" && cardinal(next).is_some_and(|n| (1..=12).contains(&n)))
        || w.strip_prefix(':')
            .and_then(super::past_hour::minute)
            .is_some()
    {
        return true;
    }
    // "every 3rd", "every other", "each working day"
    if matches!(w, "every" | "each") {
        return cardinal(next).is_some()
            || ordinal(next).is_some()
            || unit(next).is_some()
            || weekday(next).is_some()
            || PartOfDay::parse(next).is_some()
            || matches!(
                next,
                "other" | "single" | "working" | "business" | "quarter"
            );
    }
    // "first monday", "2nd of", "last day"
    if ordinal(w).is_some() {
        return weekday(next).is_some() || matches!(next, "day" | "of" | "weekday");
    }
    // "15 min", "2 hours" not read as a repeat or an offset
    if cardinal(w).is_some() && unit(next).is_some() {
        return true;
    }
    // a range of hours: "9-17", "9am-5pm"
    if let Some((a, b)) = w.split_once('-') {
        let alone = |text: &str| {
            let tokens = super::tokens::tokenize(text);
            matches!(clock::plain(&tokens, 0, true), Ok(Some((_, 1))))
        };
        if alone(a) && alone(b) {
            return true;
        }
    }
    // a time of day: "9am", "17:30", "half past 8", "20h"
    clock::hour_mark(w).is_some() || matches!(clock::single(tokens, i, false), Ok(Some(_)))
}

/// Whether the word at `i` is part of a name for a thing rather than a time.
pub fn names_a_thing(tokens: &[Token], i: usize) -> bool {
    let before = if i > 0 { word(tokens, i - 1) } else { "" };
    let two_before = if i > 1 { word(tokens, i - 2) } else { "" };
    let three_before = if i > 2 { word(tokens, i - 3) } else { "" };
    // a wish, not after a time's preposition: "say have a nice weekend",
    // "happy birthday", "good morning"; but "on good friday" is a day
    if WISHES.contains(&before)
        && !TIME_PREPOSITIONS.contains(&two_before)
        && !(DETERMINERS.contains(&two_before) && TIME_PREPOSITIONS.contains(&three_before))
    {
        return true;
    }
    // a deadline in the task: "finish it by friday"
    if before == "by" {
        return true;
    }
    // the whole message, last in the text: "every friday at 5 say weekend"
    let last =
        (i + 1..tokens.len()).all(|k| word(tokens, k).chars().all(|c| c.is_ascii_punctuation()));
    if matches!(before, "say" | "saying") && last {
        return true;
    }
    // "the weekly report", "my 9:30 call", "the tuesday meeting", "mom's
    // birthday present"
    let determiner = DETERMINERS.contains(&before)
        || (before.ends_with("'s") || before.ends_with("’s")) && before.len() > 2;
    if determiner && !TIME_PREPOSITIONS.contains(&two_before) {
        let next = word(tokens, i + 1);
        // "enjoy your weekend" ends the message; "this weekend" is a time
        let owned =
            POSSESSIVES.contains(&before) || before.ends_with("'s") || before.ends_with("’s");
        return (owned && (next.is_empty() || !means_time(tokens, i + 1)))
            || (!next.is_empty() && !LEADS.contains(&next) && !means_time(tokens, i + 1));
    }
    false
}

/// Tokens inside quotation marks.
pub fn quoted(tokens: &[Token]) -> Vec<bool> {
    let mut inside = vec![false; tokens.len()];
    let mut open: Option<(usize, &str)> = None;
    for (i, token) in tokens.iter().enumerate() {
        let quote = token.lower.as_str();
        match open {
            Some((start, opener)) if closes(opener, quote) => {
                inside[start..=i].iter_mut().for_each(|q| *q = true);
                open = None;
            }
            None if matches!(quote, "\"" | "“" | "'" | "‘" | "«" | "`") => {
                open = Some((i, quote))
            }
            _ => {}
        }
    }
    inside
}

fn closes(opener: &str, quote: &str) -> bool {
    matches!(
        (opener, quote),
        ("\"", "\"") | ("“", "”") | ("“", "\"") | ("'", "'") | ("‘", "’") | ("«", "»") | ("`", "`")
    )
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    /// The unplaced words when nothing else was placed.
    fn loose(text: &str) -> Option<String> {
        let tokens = tokenize(text);
        let used = vec![false; tokens.len()];
        unplaced(&tokens, &used)
            .map(|(start, len)| text[tokens[start].start..tokens[start + len - 1].end].to_string())
    }

    #[test]
    fn schedule_words_are_found_with_their_neighbours() {
        assert_eq!(
            loose("remind me except the first monday").as_deref(),
            Some("except the first monday")
        );
        assert_eq!(
            loose("stretch on the weekend").as_deref(),
            Some("on the weekend")
        );
        assert_eq!(
            loose("water the plants until friday").as_deref(),
            Some("until friday")
        );
        assert_eq!(loose("backup 15 min").as_deref(), Some("15 min"));
        assert_eq!(loose("say hi sunday 20h").as_deref(), Some("sunday 20h"));
        // Wishes and possessions are things, but not after a time's preposition.
        assert_eq!(loose("remind me on good friday").as_deref(), Some("friday"));
        assert_eq!(
            loose("remind me on my birthday").as_deref(),
            Some("birthday")
        );
        assert_eq!(
            loose("mow the lawn this weekend").as_deref(),
            Some("this weekend")
        );
    }

    #[test]
    fn things_named_with_time_words_are_the_task() {
        for text in [
            "send the weekly report",
            "check the morning queue",
            "say good morning to the team",
            "finish the slides by friday",
            "post \"see you on monday\" in the channel",
            "call my 9:30 contact",
            "check each page",
            "review every item",
            "say have a nice weekend",
            "wish Anna a happy birthday",
            "post merry christmas everyone",
            "say happy friday team",
            "tell them to enjoy your weekend",
            "say good night",
            "ask about mom's birthday",
        ] {
            assert_eq!(loose(text), None, "{text}");
        }
    }
}
