//! Recurrence and one-shot phrases in the style of the `recurrent` library's
//! test list, each with the instants it must fire at. The expected instants
//! were computed independently with python-dateutil's rrule and zoneinfo.
//! "Now" is Saturday 21 November 2026, 10:00 in Paris.

use crate::helpers::{fires, read};

const NOW: &str = "2026-11-21T10:00:00+01:00";

/// (phrase, zone of the result, first fire times, task)
const VECTORS: &[(&str, &str, &[&str], Option<&str>)] = &[
    (
        "every weekday at 8:30",
        "Europe/Paris",
        &[
            "2026-11-23T08:30:00+01:00",
            "2026-11-24T08:30:00+01:00",
            "2026-11-25T08:30:00+01:00",
        ],
        None,
    ),
    (
        "every day at 9",
        "Europe/Paris",
        &[
            "2026-11-22T09:00:00+01:00",
            "2026-11-23T09:00:00+01:00",
            "2026-11-24T09:00:00+01:00",
        ],
        None,
    ),
    (
        "every morning",
        "Europe/Paris",
        &[
            "2026-11-22T09:00:00+01:00",
            "2026-11-23T09:00:00+01:00",
            "2026-11-24T09:00:00+01:00",
        ],
        None,
    ),
    (
        "every evening at 6",
        "Europe/Paris",
        &[
            "2026-11-21T18:00:00+01:00",
            "2026-11-22T18:00:00+01:00",
            "2026-11-23T18:00:00+01:00",
        ],
        None,
    ),
    (
        "every night at 11",
        "Europe/Paris",
        &[
            "2026-11-21T23:00:00+01:00",
            "2026-11-22T23:00:00+01:00",
            "2026-11-23T23:00:00+01:00",
        ],
        None,
    ),
    (
        "weekends at 10",
        "Europe/Paris",
        &[
            "2026-11-22T10:00:00+01:00",
            "2026-11-28T10:00:00+01:00",
            "2026-11-29T10:00:00+01:00",
        ],
        None,
    ),
    (
        "every monday and thursday at noon",
        "Europe/Paris",
        &[
            "2026-11-23T12:00:00+01:00",
            "2026-11-26T12:00:00+01:00",
            "2026-11-30T12:00:00+01:00",
        ],
        None,
    ),
    (
        "mondays and thursdays at noon",
        "Europe/Paris",
        &[
            "2026-11-23T12:00:00+01:00",
            "2026-11-26T12:00:00+01:00",
            "2026-11-30T12:00:00+01:00",
        ],
        None,
    ),
    (
        "every tuesday",
        "Europe/Paris",
        &[
            "2026-11-24T09:00:00+01:00",
            "2026-12-01T09:00:00+01:00",
            "2026-12-08T09:00:00+01:00",
        ],
        None,
    ),
    (
        "daily at 21:15",
        "Europe/Paris",
        &[
            "2026-11-21T21:15:00+01:00",
            "2026-11-22T21:15:00+01:00",
            "2026-11-23T21:15:00+01:00",
        ],
        None,
    ),
    (
        "every day at half past 8",
        "Europe/Paris",
        &[
            "2026-11-22T08:30:00+01:00",
            "2026-11-23T08:30:00+01:00",
            "2026-11-24T08:30:00+01:00",
        ],
        None,
    ),
    (
        "every day at quarter to 6 in the morning",
        "Europe/Paris",
        &[
            "2026-11-22T05:45:00+01:00",
            "2026-11-23T05:45:00+01:00",
            "2026-11-24T05:45:00+01:00",
        ],
        None,
    ),
    (
        "every day at midnight",
        "Europe/Paris",
        &[
            "2026-11-22T00:00:00+01:00",
            "2026-11-23T00:00:00+01:00",
            "2026-11-24T00:00:00+01:00",
        ],
        None,
    ),
    (
        "twice a day at 9 and 17",
        "Europe/Paris",
        &[
            "2026-11-21T17:00:00+01:00",
            "2026-11-22T09:00:00+01:00",
            "2026-11-22T17:00:00+01:00",
        ],
        None,
    ),
    (
        "every other day at 7",
        "Europe/Paris",
        &[
            "2026-11-22T07:00:00+01:00",
            "2026-11-24T07:00:00+01:00",
            "2026-11-26T07:00:00+01:00",
        ],
        None,
    ),
    (
        "every 3 days",
        "Europe/Paris",
        &[
            "2026-11-22T09:00:00+01:00",
            "2026-11-25T09:00:00+01:00",
            "2026-11-28T09:00:00+01:00",
        ],
        None,
    ),
    (
        "every other week",
        "Europe/Paris",
        &[
            "2026-11-28T09:00:00+01:00",
            "2026-12-12T09:00:00+01:00",
            "2026-12-26T09:00:00+01:00",
        ],
        None,
    ),
    (
        "every other tuesday",
        "Europe/Paris",
        &[
            "2026-11-24T09:00:00+01:00",
            "2026-12-08T09:00:00+01:00",
            "2026-12-22T09:00:00+01:00",
        ],
        None,
    ),
    (
        "every 3 weeks on monday at 10",
        "Europe/Paris",
        &[
            "2026-11-23T10:00:00+01:00",
            "2026-12-14T10:00:00+01:00",
            "2027-01-04T10:00:00+01:00",
        ],
        None,
    ),
    (
        "every first monday of the month",
        "Europe/Paris",
        &[
            "2026-12-07T09:00:00+01:00",
            "2027-01-04T09:00:00+01:00",
            "2027-02-01T09:00:00+01:00",
        ],
        None,
    ),
    (
        "first monday of the month at 8",
        "Europe/Paris",
        &[
            "2026-12-07T08:00:00+01:00",
            "2027-01-04T08:00:00+01:00",
            "2027-02-01T08:00:00+01:00",
        ],
        None,
    ),
    (
        "second tuesday of every month at 10",
        "Europe/Paris",
        &[
            "2026-12-08T10:00:00+01:00",
            "2027-01-12T10:00:00+01:00",
            "2027-02-09T10:00:00+01:00",
        ],
        None,
    ),
    (
        "last friday of the month at 5pm",
        "Europe/Paris",
        &[
            "2026-11-27T17:00:00+01:00",
            "2026-12-25T17:00:00+01:00",
            "2027-01-29T17:00:00+01:00",
        ],
        None,
    ),
    (
        "on the 1st and 15th of every month",
        "Europe/Paris",
        &[
            "2026-12-01T09:00:00+01:00",
            "2026-12-15T09:00:00+01:00",
            "2027-01-01T09:00:00+01:00",
        ],
        None,
    ),
    (
        "first of every month",
        "Europe/Paris",
        &[
            "2026-12-01T09:00:00+01:00",
            "2027-01-01T09:00:00+01:00",
            "2027-02-01T09:00:00+01:00",
        ],
        None,
    ),
    (
        "the last day of every month at 18:00",
        "Europe/Paris",
        &[
            "2026-11-30T18:00:00+01:00",
            "2026-12-31T18:00:00+01:00",
            "2027-01-31T18:00:00+01:00",
        ],
        None,
    ),
    (
        "every month on the 15th at 9:30",
        "Europe/Paris",
        &[
            "2026-12-15T09:30:00+01:00",
            "2027-01-15T09:30:00+01:00",
            "2027-02-15T09:30:00+01:00",
        ],
        None,
    ),
    (
        "every year on december 25th",
        "Europe/Paris",
        &[
            "2026-12-25T09:00:00+01:00",
            "2027-12-25T09:00:00+01:00",
            "2028-12-25T09:00:00+01:00",
        ],
        None,
    ),
    (
        "every december 25th at 8am",
        "Europe/Paris",
        &[
            "2026-12-25T08:00:00+01:00",
            "2027-12-25T08:00:00+01:00",
            "2028-12-25T08:00:00+01:00",
        ],
        None,
    ),
    (
        "the fourth thursday in november",
        "Europe/Paris",
        &[
            "2026-11-26T09:00:00+01:00",
            "2027-11-25T09:00:00+01:00",
            "2028-11-23T09:00:00+01:00",
        ],
        None,
    ),
    (
        "every year on february 29th",
        "Europe/Paris",
        &["2028-02-29T09:00:00+01:00", "2032-02-29T09:00:00+01:00"],
        None,
    ),
    (
        "tomorrow at 5pm",
        "Europe/Paris",
        &["2026-11-22T17:00:00+01:00"],
        None,
    ),
    (
        "in 20 minutes",
        "Europe/Paris",
        &["2026-11-21T10:20:00+01:00"],
        None,
    ),
    (
        "in 2 hours",
        "Europe/Paris",
        &["2026-11-21T12:00:00+01:00"],
        None,
    ),
    (
        "next friday at 9",
        "Europe/Paris",
        &["2026-11-27T09:00:00+01:00"],
        None,
    ),
    (
        "on friday at 9",
        "Europe/Paris",
        &["2026-11-27T09:00:00+01:00"],
        None,
    ),
    (
        "next saturday at 9",
        "Europe/Paris",
        &["2026-11-28T09:00:00+01:00"],
        None,
    ),
    (
        "this saturday at 18:00",
        "Europe/Paris",
        &["2026-11-21T18:00:00+01:00"],
        None,
    ),
    (
        "on march 3rd at 12:15am",
        "Europe/Paris",
        &["2027-03-03T00:15:00+01:00"],
        None,
    ),
    (
        "on 3 March at 12:15",
        "Europe/Paris",
        &["2027-03-03T12:15:00+01:00"],
        None,
    ),
    (
        "on 2027-01-15 at 14:00",
        "Europe/Paris",
        &["2027-01-15T14:00:00+01:00"],
        None,
    ),
    (
        "december 1st",
        "Europe/Paris",
        &["2026-12-01T09:00:00+01:00"],
        None,
    ),
    ("at 9", "Europe/Paris", &["2026-11-22T09:00:00+01:00"], None),
    (
        "at 11",
        "Europe/Paris",
        &["2026-11-21T11:00:00+01:00"],
        None,
    ),
    (
        "tonight at 8",
        "Europe/Paris",
        &["2026-11-21T20:00:00+01:00"],
        None,
    ),
    (
        "tomorrow morning",
        "Europe/Paris",
        &["2026-11-22T09:00:00+01:00"],
        None,
    ),
    (
        "the day after tomorrow at noon",
        "Europe/Paris",
        &["2026-11-23T12:00:00+01:00"],
        None,
    ),
    (
        "at 9 Tokyo time",
        "Asia/Tokyo",
        &["2026-11-22T09:00:00+09:00"],
        None,
    ),
    (
        "every day at 9am America/New_York",
        "America/New_York",
        &[
            "2026-11-21T09:00:00-05:00",
            "2026-11-22T09:00:00-05:00",
            "2026-11-23T09:00:00-05:00",
        ],
        None,
    ),
    (
        "every weekday at 9am EST",
        "America/New_York",
        &[
            "2026-11-23T09:00:00-05:00",
            "2026-11-24T09:00:00-05:00",
            "2026-11-25T09:00:00-05:00",
        ],
        None,
    ),
    (
        "every day at 7 new york time",
        "America/New_York",
        &[
            "2026-11-21T07:00:00-05:00",
            "2026-11-22T07:00:00-05:00",
            "2026-11-23T07:00:00-05:00",
        ],
        None,
    ),
    (
        "remind me to move the car every other day at 7",
        "Europe/Paris",
        &[
            "2026-11-22T07:00:00+01:00",
            "2026-11-24T07:00:00+01:00",
            "2026-11-26T07:00:00+01:00",
        ],
        Some("move the car"),
    ),
    (
        "every weekday at 8:30 check our status page and tell me if it's down",
        "Europe/Paris",
        &[
            "2026-11-23T08:30:00+01:00",
            "2026-11-24T08:30:00+01:00",
            "2026-11-25T08:30:00+01:00",
        ],
        Some("check our status page and tell me if it's down"),
    ),
    (
        "tomorrow at 5pm send me 'call mom'",
        "Europe/Paris",
        &["2026-11-22T17:00:00+01:00"],
        Some("send me 'call mom'"),
    ),
    (
        "every 4 hours check https://status.example.com and tell me if it's down",
        "Europe/Paris",
        &[
            "2026-11-21T12:00:00+01:00",
            "2026-11-21T16:00:00+01:00",
            "2026-11-21T20:00:00+01:00",
        ],
        Some("check https://status.example.com and tell me if it's down"),
    ),
    (
        "every 15 minutes",
        "Europe/Paris",
        &[
            "2026-11-21T10:15:00+01:00",
            "2026-11-21T10:30:00+01:00",
            "2026-11-21T10:45:00+01:00",
        ],
        None,
    ),
    (
        "every hour",
        "Europe/Paris",
        &[
            "2026-11-21T11:00:00+01:00",
            "2026-11-21T12:00:00+01:00",
            "2026-11-21T13:00:00+01:00",
        ],
        None,
    ),
    (
        "every 90 minutes",
        "Europe/Paris",
        &[
            "2026-11-21T11:30:00+01:00",
            "2026-11-21T13:00:00+01:00",
            "2026-11-21T14:30:00+01:00",
        ],
        None,
    ),
];

#[test]
fn every_phrase_fires_at_the_expected_instants() {
    let failures: Vec<String> = VECTORS
        .iter()
        .filter_map(|(phrase, zone, expected, task)| mismatch(phrase, Some(zone), expected, *task))
        .collect();
    assert!(
        failures.is_empty(),
        "{} phrase(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_one_time_schedule_fires_once() {
    assert_eq!(fires("tomorrow at 5pm", NOW, "Europe/Paris", 5).len(), 1);
}

#[test]
fn recurrences_pick_the_right_kind() {
    let kind = |phrase: &str| read(phrase, NOW, "Europe/Paris").unwrap().schedule.kind();
    assert_eq!(kind("every weekday at 8:30"), "cron");
    assert_eq!(kind("every other tuesday"), "rrule");
    assert_eq!(kind("every 3 weeks on monday"), "rrule");
    assert_eq!(kind("every 15 minutes"), "interval");
    assert_eq!(kind("tomorrow at 5pm"), "once");
}

#[test]
fn descriptions_read_as_english() {
    let describe = |phrase: &str| {
        read(phrase, NOW, "Europe/Paris")
            .unwrap()
            .schedule
            .describe()
    };
    assert_eq!(
        describe("every weekday at 8:30"),
        "At 08:30 on weekdays (Europe/Paris)"
    );
    assert_eq!(
        describe("every other tuesday at 7"),
        "Every other week on Tuesday at 07:00, starting Tue 24 Nov 2026 (Europe/Paris)"
    );
    assert_eq!(
        describe("every 15 minutes"),
        "Every 15 minutes (Europe/Paris)"
    );
    assert_eq!(
        describe("tomorrow at 5pm"),
        "Once on Sun 22 Nov 2026 at 17:00 (Europe/Paris)"
    );
    assert_eq!(
        describe("the fourth thursday in november"),
        "At 09:00 on the 4th Thursday of November (Europe/Paris)"
    );
}

#[test]
fn sentences_without_a_schedule_are_not_schedules() {
    for text in [
        "hello there",
        "check the status page and tell me if it's down",
        "what did the morning workflow do?",
        "every time the site is down tell me",
        "buy 5 apples",
        "the sun is out",
    ] {
        let error = read(text, NOW, "Europe/Paris").expect_err(text);
        assert!(
            error.contains("Try 'every weekday at 8:30'"),
            "{text}: {error}"
        );
    }
}

/// More ways people write the same schedules (checked against a calendar by hand).
const VARIANTS: &[(&str, &[&str], Option<&str>)] = &[
    (
        "every mon-fri at 9",
        &["2026-11-23T09:00:00+01:00", "2026-11-24T09:00:00+01:00"],
        None,
    ),
    (
        "monday to friday at 9 stand-up",
        &["2026-11-23T09:00:00+01:00", "2026-11-24T09:00:00+01:00"],
        Some("stand-up"),
    ),
    (
        "every half hour",
        &["2026-11-21T10:30:00+01:00", "2026-11-21T11:00:00+01:00"],
        None,
    ),
    (
        "every 2h",
        &["2026-11-21T12:00:00+01:00", "2026-11-21T14:00:00+01:00"],
        None,
    ),
    (
        "every 15min",
        &["2026-11-21T10:15:00+01:00", "2026-11-21T10:30:00+01:00"],
        None,
    ),
    (
        "in 1 hour and 30 minutes",
        &["2026-11-21T11:30:00+01:00"],
        None,
    ),
    (
        "every 2nd tuesday",
        &["2026-11-24T09:00:00+01:00", "2026-12-08T09:00:00+01:00"],
        None,
    ),
    (
        "every 3rd day at 8",
        &["2026-11-22T08:00:00+01:00", "2026-11-25T08:00:00+01:00"],
        None,
    ),
    (
        "every 1st of the month",
        &["2026-12-01T09:00:00+01:00", "2027-01-01T09:00:00+01:00"],
        None,
    ),
    (
        "send the 9:30 report every day at 10",
        &["2026-11-22T10:00:00+01:00", "2026-11-23T10:00:00+01:00"],
        Some("send the 9:30 report"),
    ),
    (
        "remind me every day at 9 to stretch",
        &["2026-11-22T09:00:00+01:00", "2026-11-23T09:00:00+01:00"],
        Some("stretch"),
    ),
    (
        "Every Monday at 9AM: team sync.",
        &["2026-11-23T09:00:00+01:00", "2026-11-30T09:00:00+01:00"],
        Some("team sync"),
    ),
    (
        "every day at 6 in the evening",
        &["2026-11-21T18:00:00+01:00", "2026-11-22T18:00:00+01:00"],
        None,
    ),
    (
        "every weekday at 8.30",
        &["2026-11-23T08:30:00+01:00", "2026-11-24T08:30:00+01:00"],
        None,
    ),
    (
        "every day at noon and midnight",
        &["2026-11-21T12:00:00+01:00", "2026-11-22T00:00:00+01:00"],
        None,
    ),
    // The word that opens the schedule's words goes with them, not into
    // the task ("From say wake up", "On pay bills").
    (
        "from monday to friday at 7:15 say wake up",
        &["2026-11-23T07:15:00+01:00", "2026-11-24T07:15:00+01:00"],
        Some("say wake up"),
    ),
    (
        "on the 15th at 9am pay bills",
        &["2026-12-15T09:00:00+01:00"],
        Some("pay bills"),
    ),
    (
        "pay bills on the 15th at 9am",
        &["2026-12-15T09:00:00+01:00"],
        Some("pay bills"),
    ),
    (
        "On Monday at 9 call the bank",
        &["2026-11-23T09:00:00+01:00"],
        Some("call the bank"),
    ),
    (
        "From Mon to Thu at 18:00 say go home",
        &["2026-11-23T18:00:00+01:00", "2026-11-24T18:00:00+01:00"],
        Some("say go home"),
    ),
    (
        "at 9pm tonite remind me to take out the trash",
        &["2026-11-21T21:00:00+01:00"],
        Some("take out the trash"),
    ),
    // Days one after another without commas.
    (
        "at 9:00 every mon wed fri say hi",
        &[
            "2026-11-23T09:00:00+01:00",
            "2026-11-25T09:00:00+01:00",
            "2026-11-27T09:00:00+01:00",
        ],
        Some("say hi"),
    ),
    (
        "every tuesday thursday at 18:00 say gym",
        &["2026-11-24T18:00:00+01:00", "2026-11-26T18:00:00+01:00"],
        Some("say gym"),
    ),
    (
        "every monday sun salutation at 7",
        &["2026-11-23T07:00:00+01:00", "2026-11-30T07:00:00+01:00"],
        Some("sun salutation"),
    ),
    (
        "start on monday at 9 say hello",
        &["2026-11-23T09:00:00+01:00"],
        Some("say hello"),
    ),
    (
        "start the backup on monday at 9",
        &["2026-11-23T09:00:00+01:00"],
        Some("start the backup"),
    ),
    // An "on" before another phrase's own word is the task's.
    (
        "every day turn on at 9pm the lights",
        &["2026-11-21T21:00:00+01:00", "2026-11-22T21:00:00+01:00"],
        Some("turn on the lights"),
    ),
];

#[test]
fn variants_people_write_mean_the_same_schedules() {
    let failures: Vec<String> = VARIANTS
        .iter()
        .filter_map(|(phrase, expected, task)| mismatch(phrase, None, expected, *task))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_unclear_every_asks_instead_of_guessing() {
    let error = read("every first at 9", NOW, "Europe/Paris").unwrap_err();
    assert!(error.contains("of what?"), "{error}");
}

#[test]
fn every_first_monday_is_the_first_monday_of_each_month() {
    let parsed = read("every first monday", NOW, "Europe/Paris").unwrap();
    assert_eq!(
        crate::helpers::next(&parsed.schedule, NOW, 2),
        ["2026-12-07T09:00:00+01:00", "2027-01-04T09:00:00+01:00"]
    );
}

/// What is wrong with how `phrase` was read, if anything.
fn mismatch(
    phrase: &str,
    zone: Option<&str>,
    expected: &[&str],
    task: Option<&str>,
) -> Option<String> {
    let parsed = match read(phrase, NOW, "Europe/Paris") {
        Err(error) => return Some(format!("{phrase}: {error}")),
        Ok(parsed) => parsed,
    };
    let times = crate::helpers::next(&parsed.schedule, NOW, expected.len());
    let mut wrong = Vec::new();
    if zone.is_some_and(|z| parsed.schedule.zone.name() != z) {
        wrong.push(format!("zone {} != {zone:?}", parsed.schedule.zone));
    }
    if times != expected {
        wrong.push(format!("fired {times:?}, expected {expected:?}"));
    }
    if parsed.task.as_deref() != task {
        wrong.push(format!("task {:?}, expected {task:?}", parsed.task));
    }
    (!wrong.is_empty()).then(|| format!("{phrase}: {}", wrong.join("; ")))
}
