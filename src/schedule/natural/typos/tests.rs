use super::*;

#[test]
fn common_typos_are_read_as_the_schedule_word() {
    for (typo, meant) in [
        ("evry", "every"),
        ("evrey", "every"),
        ("dialy", "daily"),
        ("tuesdy", "tuesday"),
        ("wendsday", "wednesday"),
        ("wensday", "wednesday"),
        ("thrusday", "thursday"),
        ("mondya", "monday"),
        ("firday", "friday"),
        ("saturady", "saturday"),
        ("tomorow", "tomorrow"),
        ("tommorow", "tomorrow"),
        ("weekdys", "weekdays"),
        ("mornign", "morning"),
        ("evenign", "evening"),
        ("minuts", "minutes"),
        ("febuary", "february"),
        ("exept", "except"),
        ("betwen", "between"),
    ] {
        assert_eq!(keyword_for(typo), Some(meant), "{typo}");
    }
}

#[test]
fn ordinary_words_stay_as_written() {
    for word in [
        "ever", "very", "money", "opening", "nearly", "early", "expect", "mourning", "dairy",
        "sundae", "house", "report", "check", "remind", "stretch", "water", "journal", "meditate",
        "status", "server", "backup", "meeting", "weekly", "monthly", "mint", "wording", "quartet",
        "event", "events",
    ] {
        assert_eq!(keyword_for(word), None, "{word}");
    }
}

#[test]
fn words_run_together_split() {
    assert_eq!(run_together("everyday"), Some("day"));
    assert_eq!(run_together("evryday"), Some("day"));
    assert_eq!(run_together("everday"), Some("day"));
    assert_eq!(run_together("everyweek"), Some("week"));
    assert_eq!(run_together("birthday"), None);
    assert_eq!(run_together("yesterday"), None);
}
