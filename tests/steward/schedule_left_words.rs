//! Schedule words a stranger writes that the reader left in the task, so the
//! schedule quietly lost them or the task became an LLM instruction:
//! - hourly repeats at a minute past the hour ("every hour at half past",
//!   "on the half hour", "at :15") were stored on the hour;
//! - "only" beside a schedule ("weekdays only");
//! - "12 noon" was asked about, "in new york time" left "time" behind;
//! - "nine thirty" was stored as 09:00, "9 o clock" left "o clock" behind;
//! - "at sunrise" was left in the task of a schedule at 09:00;
//! - "at 9 am est" was read in the person's zone with "est" in the task;
//! - "sharp" and "at the top of" were left in the task.
//!
//! "Now" is Saturday 21 November 2026, 10:00 in Paris; the person is in Paris.

use crate::helpers::{next, read};

const NOW: &str = "2026-11-21T10:00:00+01:00";

/// (phrase, next three fire times, task)
const READ: &[(&str, [&str; 3], &str)] = &[
    (
        "every hour on the half hour say stand up",
        ["10:30", "11:30", "12:30"],
        "say stand up",
    ),
    (
        "every hour at half past say stand up",
        ["10:30", "11:30", "12:30"],
        "say stand up",
    ),
    (
        "every hour at :15 check the queue",
        ["10:15", "11:15", "12:15"],
        "check the queue",
    ),
    (
        "hourly at quarter past say stretch",
        ["10:15", "11:15", "12:15"],
        "say stretch",
    ),
    (
        "every hour at a quarter to the hour say wrap up",
        ["10:45", "11:45", "12:45"],
        "say wrap up",
    ),
    (
        "every hour at 45 minutes past say hi",
        ["10:45", "11:45", "12:45"],
        "say hi",
    ),
    (
        "at half past every hour say hi",
        ["10:30", "11:30", "12:30"],
        "say hi",
    ),
    (
        "every 2 hours on the half-hour say drink",
        ["10:30", "12:30", "14:30"],
        "say drink",
    ),
    (
        "every hour at :30 from 9 to 5 say ping",
        ["10:30", "11:30", "12:30"],
        "say ping",
    ),
    (
        "every hour on the hour say drink",
        ["11:00", "12:00", "13:00"],
        "say drink",
    ),
    (
        "every day at half past 7 say hi",
        ["07:30", "07:30", "07:30"],
        "say hi",
    ),
    (
        "weekdays only, 7am, say wake up",
        ["07:00", "07:00", "07:00"],
        "say wake up",
    ),
    (
        "every weekday 7am only say wake up",
        ["07:00", "07:00", "07:00"],
        "say wake up",
    ),
    (
        "only on mondays at 9 send the report",
        ["09:00", "09:00", "09:00"],
        "send the report",
    ),
    (
        "every day at nine thirty say hi",
        ["09:30", "09:30", "09:30"],
        "say hi",
    ),
    (
        "every day at 9 o clock say hi",
        ["09:00", "09:00", "09:00"],
        "say hi",
    ),
    (
        "every second tuesday of the month at 6pm say meetup",
        ["18:00", "18:00", "18:00"],
        "say meetup",
    ),
    (
        "every day at 9:00 sharp say hi",
        ["09:00", "09:00", "09:00"],
        "say hi",
    ),
    (
        "at the top of every hour say ping",
        ["11:00", "12:00", "13:00"],
        "say ping",
    ),
    (
        "every hour at the top of the hour say ping",
        ["11:00", "12:00", "13:00"],
        "say ping",
    ),
    (
        "every day at 12 noon say lunch",
        ["12:00", "12:00", "12:00"],
        "say lunch",
    ),
    (
        "every day at 12 midnight say backup done",
        ["00:00", "00:00", "00:00"],
        "say backup done",
    ),
];

#[test]
fn schedule_words_beside_the_schedule_are_not_left_in_the_task() {
    let mut wrong = Vec::new();
    for (phrase, times, task) in READ {
        match read(phrase, NOW, "Europe/Paris") {
            Ok(parsed) => {
                let got: Vec<String> = next(&parsed.schedule, NOW, 3)
                    .into_iter()
                    .map(|t| t[11..16].to_string())
                    .collect();
                if got != times.as_slice() || parsed.task.as_deref() != Some(*task) {
                    wrong.push(format!("{phrase}: {got:?}, task {:?}", parsed.task));
                }
            }
            Err(error) => wrong.push(format!("{phrase}: {error}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn times_steward_cannot_place_are_asked_about() {
    let mut wrong = Vec::new();
    for phrase in [
        "every day at half past say hi",
        "every 30 minutes at :15 say hi",
        "every hour at :30 from 9:15 to 5 say hi",
        "every 5 hours at half past say hi",
        "tomorrow at quarter past say hi",
        "every day at sunrise say hi",
        "every friday at dusk say lights on",
    ] {
        if let Ok(parsed) = read(phrase, NOW, "Europe/Paris") {
            wrong.push(format!(
                "{phrase}: read as {:?}, task {:?}",
                next(&parsed.schedule, NOW, 2),
                parsed.task
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_zone_in_small_letters_after_a_time_is_the_zone() {
    let parsed = read("every weekday at 9 am est say hi", NOW, "Europe/Paris").unwrap();
    assert_eq!(parsed.schedule.zone.to_string(), "America/New_York");
    assert_eq!(parsed.task.as_deref(), Some("say hi"));
    // Abbreviations that are English words stay words.
    let words = read("every day at 9 eat breakfast", NOW, "Europe/Paris").unwrap();
    assert_eq!(words.schedule.zone.to_string(), "Europe/Paris");
    assert_eq!(words.task.as_deref(), Some("eat breakfast"));
}

#[test]
fn a_zone_named_with_time_after_its_place_leaves_nothing_behind() {
    let parsed = read(
        "every morning at 9 in new york time say hi",
        NOW,
        "Europe/Paris",
    )
    .unwrap();
    assert_eq!(parsed.schedule.zone.to_string(), "America/New_York");
    assert_eq!(parsed.task.as_deref(), Some("say hi"));
}

#[test]
fn every_second_weekday_of_the_month_is_the_second_one() {
    let of_month = read(
        "every second tuesday of the month at 6pm say meetup",
        NOW,
        "Europe/Paris",
    )
    .unwrap();
    assert_eq!(
        next(&of_month.schedule, NOW, 2),
        ["2026-12-08T18:00:00+01:00", "2027-01-12T18:00:00+01:00"]
    );
    // Without "of the month" it is every other Tuesday, as before.
    let other = read(
        "every second tuesday at 6pm say meetup",
        NOW,
        "Europe/Paris",
    )
    .unwrap();
    assert_eq!(
        next(&other.schedule, NOW, 2),
        ["2026-11-24T18:00:00+01:00", "2026-12-08T18:00:00+01:00"]
    );
}

#[test]
fn a_time_with_a_leading_zero_is_never_moved_to_the_afternoon() {
    let twice = read(
        "every day at 22:00 and 02:00 say check",
        NOW,
        "Europe/Paris",
    )
    .unwrap();
    assert_eq!(
        next(&twice.schedule, NOW, 2),
        ["2026-11-21T22:00:00+01:00", "2026-11-22T02:00:00+01:00"]
    );
    // A window across midnight is refused, and says the times it read.
    let error = read(
        "every 10 minutes between 22:00 and 02:00 say night",
        NOW,
        "Europe/Paris",
    )
    .unwrap_err();
    assert!(error.contains("from 22:00 to 02:00"), "{error}");
    // A bare later hour is still the afternoon.
    let pair = read("every day at 9 and 5 say hi", NOW, "Europe/Paris").unwrap();
    assert_eq!(
        next(&pair.schedule, NOW, 2),
        ["2026-11-21T17:00:00+01:00", "2026-11-22T09:00:00+01:00"]
    );
}
