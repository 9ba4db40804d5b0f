//! Days left out, however a stranger words it: "every day but saturday",
//! "no weekends", "without sundays", "save fridays" leave days out, never
//! narrow the schedule to them; words between a repeat and its days that
//! might leave them out or add them ("every day besides saturday") are asked
//! about; and leaving out a day the schedule never runs on is asked about.
//!
//! "Now" is Saturday 21 November 2026, 10:00 in Paris; the person is in Paris.

use chrono::{DateTime, Datelike};

use crate::helpers::{next, read};

const NOW: &str = "2026-11-21T10:00:00+01:00";

/// The weekdays of the next two weeks' fires, in order of first fire.
fn days_of(phrase: &str) -> Result<(Vec<String>, Option<String>), String> {
    let parsed = read(phrase, NOW, "Europe/Paris")?;
    let mut days: Vec<String> = Vec::new();
    for fire in next(&parsed.schedule, NOW, 14) {
        let day = DateTime::parse_from_rfc3339(&fire)
            .expect("an RFC 3339 time")
            .weekday()
            .to_string();
        if !days.contains(&day) {
            days.push(day);
        }
    }
    days.sort_by_key(|d| {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            .iter()
            .position(|n| n == d)
    });
    Ok((days, parsed.task))
}

#[test]
fn days_left_out_in_other_words_are_left_out() {
    let six = "Mon Tue Wed Thu Fri Sun";
    let weekdays = "Mon Tue Wed Thu Fri";
    let mut wrong = Vec::new();
    for (phrase, expected, task) in [
        ("every day but saturday at 7am say hello", six, "say hello"),
        ("every day save saturday at 7am say hello", six, "say hello"),
        (
            "every day without saturday at 7am say hello",
            six,
            "say hello",
        ),
        ("every day bar saturday at 7am say hello", six, "say hello"),
        (
            "every day barring saturdays at 7am say hello",
            six,
            "say hello",
        ),
        ("every day not saturday at 7am say hello", six, "say hello"),
        (
            "every day not on saturdays at 7am say hello",
            six,
            "say hello",
        ),
        ("every day minus weekends at 9am say hi", weekdays, "say hi"),
        ("every day sans weekends at 9am say hi", weekdays, "say hi"),
        (
            "every day outside of weekends at 9am say hi",
            weekdays,
            "say hi",
        ),
        ("every day, no weekends, at 9am say hi", weekdays, "say hi"),
        (
            "every day at 9am, never on weekends, say hi",
            weekdays,
            "say hi",
        ),
        (
            "every day except weekend days at 9am say hi",
            weekdays,
            "say hi",
        ),
        (
            "daily at 9am skipping saturday and sunday say hi",
            weekdays,
            "say hi",
        ),
        (
            "every weekday but friday at 9am say hi",
            "Mon Tue Wed Thu",
            "say hi",
        ),
        (
            "every weekday save fridays at 9am say hi",
            "Mon Tue Wed Thu",
            "say hi",
        ),
        ("every day at 9am but skip saturday say hi", six, "say hi"),
        (
            "every day except mon-wed at 9am say hi",
            "Thu Fri Sat Sun",
            "say hi",
        ),
        (
            "every day except monday through wednesday at 9am say hi",
            "Thu Fri Sat Sun",
            "say hi",
        ),
        ("every day at 7am except sat/sun say hi", weekdays, "say hi"),
        (
            "every day at 10am save for sundays say hi",
            "Mon Tue Wed Thu Fri Sat",
            "say hi",
        ),
    ] {
        match days_of(phrase) {
            Ok((days, said)) => {
                if days.join(" ") != expected || said.as_deref() != Some(task) {
                    wrong.push(format!("{phrase}: {days:?}, task {said:?}"));
                }
            }
            Err(error) => wrong.push(format!("{phrase}: {error}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn ordinary_words_before_other_things_stay_in_the_task() {
    let mut wrong = Vec::new();
    for (phrase, task) in [
        ("every day at 9am save the report", "save the report"),
        (
            "every monday at 9am say no matter what, smile",
            "say no matter what, smile",
        ),
        (
            "every friday at 5pm check the site without errors",
            "check the site without errors",
        ),
    ] {
        match read(phrase, NOW, "Europe/Paris") {
            Ok(parsed) if parsed.task.as_deref() == Some(task) => {}
            Ok(parsed) => wrong.push(format!("{phrase}: task {:?}", parsed.task)),
            Err(error) => wrong.push(format!("{phrase}: {error}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn days_joined_by_other_words_or_left_out_for_nothing_are_asked_about() {
    let mut wrong = Vec::new();
    for (phrase, asked) in [
        (
            "every day besides saturday at 7am say hello",
            "with \"besides\" between them",
        ),
        (
            "every weekday other friday at 9am say hi",
            "with \"other\" between them",
        ),
        (
            "every monday at 9 say no tuesday meetings",
            "leaves out Tuesdays, which it would not run on anyway",
        ),
        (
            "every weekday except saturday at 9am say hi",
            "leaves out Saturdays, which it would not run on anyway",
        ),
    ] {
        match read(phrase, NOW, "Europe/Paris") {
            Ok(parsed) => wrong.push(format!(
                "{phrase}: read as {:?}, task {:?}",
                next(&parsed.schedule, NOW, 3),
                parsed.task
            )),
            Err(error) if error.contains(asked) => {}
            Err(error) => wrong.push(format!("{phrase}: asked {error:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
