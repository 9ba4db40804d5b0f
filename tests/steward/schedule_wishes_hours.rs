//! Words a stranger types that look like schedule words but are not, and
//! hours written so they could mean either half of the day:
//! - a wish or a possession is the message ("have a nice weekend");
//! - the hour mark is a time ("at 20h");
//! - a holiday named after a weekday is asked about ("on good friday"),
//!   never read as the next Friday;
//! - a time from 1 to 6:59 without am/pm ("at 5", "at 4:30") is asked
//!   about unless a part of the day or a leading zero ("05:30") says which
//!   half.
//!
//! "Now" is Saturday 21 November 2026, 10:00 in Paris; the person is in Paris.

use crate::helpers::{next, read};

const NOW: &str = "2026-11-21T10:00:00+01:00";

/// (phrase, first fire time, task)
const READ: &[(&str, &str, &str)] = &[
    (
        "every friday at 5pm say have a nice weekend",
        "2026-11-27T17:00:00+01:00",
        "say have a nice weekend",
    ),
    (
        "on march 3 every year say happy birthday to Anna",
        "2027-03-03T09:00:00+01:00",
        "say happy birthday to Anna",
    ),
    (
        "every december 24 at 9am post merry christmas everyone",
        "2026-12-24T09:00:00+01:00",
        "post merry christmas everyone",
    ),
    (
        "every friday at 4pm tell the team to enjoy your weekend",
        "2026-11-27T16:00:00+01:00",
        "tell the team to enjoy your weekend",
    ),
    (
        "every weekday at 9 remind me about mom's birthday",
        "2026-11-23T09:00:00+01:00",
        "about mom's birthday",
    ),
    (
        "every friday say good friday everyone",
        "2026-11-27T09:00:00+01:00",
        "say good friday everyone",
    ),
    (
        "every sunday at 20h say have a great week ahead",
        "2026-11-22T20:00:00+01:00",
        "say have a great week ahead",
    ),
    (
        "every day at 7h30 say wake up",
        "2026-11-22T07:30:00+01:00",
        "say wake up",
    ),
    (
        "every weekday at 18h00 say go home",
        "2026-11-23T18:00:00+01:00",
        "say go home",
    ),
    // Quoted words are the message, never schedule.
    (
        "every friday at 5pm say \"see you monday\"",
        "2026-11-27T17:00:00+01:00",
        "say \"see you monday\"",
    ),
    // Days joined to the schedule are days to run on.
    (
        "every friday and monday at 5pm say hi",
        "2026-11-23T17:00:00+01:00",
        "say hi",
    ),
    (
        "remind me to call mom monday at 9",
        "2026-11-23T09:00:00+01:00",
        "call mom",
    ),
    // An hour alone from 7 on is the morning; a part of the day, am/pm,
    // minutes or a list say which half for the others.
    // A number glued to its unit after "in".
    (
        "in 2h remind me to stretch",
        "2026-11-21T12:00:00+01:00",
        "stretch",
    ),
    (
        "remind me to call back in 30min",
        "2026-11-21T10:30:00+01:00",
        "call back",
    ),
    (
        "in 1h 30m remind me to stretch",
        "2026-11-21T11:30:00+01:00",
        "stretch",
    ),
    (
        "evry weekday at 830 remind me standup",
        "2026-11-23T08:30:00+01:00",
        "standup",
    ),
    (
        "every day at 1730 say go home",
        "2026-11-21T17:30:00+01:00",
        "say go home",
    ),
    (
        "every day at 9am send 1000 emails",
        "2026-11-22T09:00:00+01:00",
        "send 1000 emails",
    ),
    (
        "every wkday at 9 say hi",
        "2026-11-23T09:00:00+01:00",
        "say hi",
    ),
    (
        "every friday at 5pm say we are 5th in the league",
        "2026-11-27T17:00:00+01:00",
        "say we are 5th in the league",
    ),
    (
        "tomorrow at 9am check every page of the site",
        "2026-11-22T09:00:00+01:00",
        "check every page of the site",
    ),
    (
        "in 1h30m remind me to stretch",
        "2026-11-21T11:30:00+01:00",
        "stretch",
    ),
    (
        "remind me to check the oven in 1h15min",
        "2026-11-21T11:15:00+01:00",
        "check the oven",
    ),
    (
        "every 30 minutes between 2 and 4pm on weekdays say stretch",
        "2026-11-23T14:00:00+01:00",
        "say stretch",
    ),
    (
        "every day at 8 say standup",
        "2026-11-22T08:00:00+01:00",
        "say standup",
    ),
    (
        "every evening at 6 say dinner",
        "2026-11-21T18:00:00+01:00",
        "say dinner",
    ),
    (
        "every night at 2 back up the database",
        "2026-11-22T02:00:00+01:00",
        "back up the database",
    ),
    (
        "every day at 5pm say tea",
        "2026-11-21T17:00:00+01:00",
        "say tea",
    ),
    (
        "every day at 05:30 say tea",
        "2026-11-22T05:30:00+01:00",
        "say tea",
    ),
    (
        "every day at 9 and 5 say stretch",
        "2026-11-21T17:00:00+01:00",
        "say stretch",
    ),
];

#[test]
fn wishes_and_hour_marks_are_read_as_people_mean_them() {
    let mut wrong = Vec::new();
    for (phrase, first, task) in READ {
        match read(phrase, NOW, "Europe/Paris") {
            Ok(parsed) => {
                let fired = next(&parsed.schedule, NOW, 1);
                if fired != [*first] || parsed.task.as_deref() != Some(*task) {
                    wrong.push(format!("{phrase}: first {fired:?}, task {:?}", parsed.task));
                }
            }
            Err(error) => wrong.push(format!("{phrase}: {error}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn holidays_and_hours_of_either_half_are_asked_about() {
    let mut wrong = Vec::new();
    for (phrase, asked) in [
        // A repeat not read is never one time.
        (
            "every schoolday at 7am say pack lunch",
            "as one time, but not \"every schoolday\": should it repeat?",
        ),
        (
            "each sprint day at 10am say standup",
            "as one time, but not \"each sprint\": should it repeat?",
        ),
        ("every weekday at 530 say leave", "could be 05:30 or 17:30"),
        ("every month 15th at 9am pay bills", "but not \"15th\""),
        (
            "remind me on good friday to call mom",
            "\"good friday\" is a holiday",
        ),
        (
            "every black friday at 9 check the deals page",
            "\"black friday\" is a holiday",
        ),
        // Beside the time, without "on": no longer read as tomorrow.
        (
            "good friday 10am remind me church",
            "\"good friday\" is a holiday",
        ),
        (
            "at 9am black friday check the deals",
            "\"black friday\" is a holiday",
        ),
        (
            "on Cyber Monday at 10am remind me to buy a laptop",
            "\"Cyber Monday\" is a holiday",
        ),
        (
            "every friday at 5 say happy friday",
            "'5' could be 05:00 or 17:00",
        ),
        ("tomorrow at 3 call the bank", "'3' could be 03:00 or 15:00"),
        (
            "every day at six remind me to run",
            "'6' could be 06:00 or 18:00",
        ),
        (
            "at 4:30 tomorrow call mom",
            "'4:30' could be 04:30 or 16:30",
        ),
        (
            "every day at 1 o'clock say lunch",
            "'1' could be 01:00 or 13:00",
        ),
        (
            "remind me monday to call bob about friday",
            "\"friday\" stands apart",
        ),
        ("sundays 20h remind me to take out the bins", "not \"20h\""),
        ("in 1h 30 remind me to stretch", "couldn't find a schedule"),
        (
            "every 15 minutes from 1 to 5 say check",
            "'1' could be 01:00 or 13:00",
        ),
        (
            "every 10 minutes starting at 5 say go",
            "'5' could be 05:00 or 17:00",
        ),
        (
            "every friday at 16:00 mow the lawn this weekend",
            "not \"this weekend\"",
        ),
        (
            "remind me on my birthday to relax",
            "couldn't find a schedule",
        ),
        (
            "every friday at 5pm say see you monday",
            "\"monday\" stands apart",
        ),
        (
            "every monday remind me about the meeting on tuesday",
            "\"on tuesday\" stands apart",
        ),
    ] {
        match read(phrase, NOW, "Europe/Paris") {
            Ok(parsed) => wrong.push(format!(
                "{phrase}: read as {:?}, task {:?}",
                next(&parsed.schedule, NOW, 1),
                parsed.task
            )),
            Err(error) if !error.contains(asked) => wrong.push(format!("{phrase}: {error}")),
            Err(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
