//! Zones named in words: a place right after a time is the schedule's zone
//! ("every day at 9am in Tokyo"), a place elsewhere stays in the task, and a
//! name a letter or two from a zone's is asked about rather than dropped
//! into the task while the schedule runs in the person's own zone.
//! "Now" is Saturday 21 November 2026, 10:00 in Paris; the person is in Paris.

use crate::helpers::read;

const NOW: &str = "2026-11-21T10:00:00+01:00";

/// (phrase, zone read, first fire time, task)
const PLACES_AFTER_A_TIME: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "every day at 9am in Tokyo remind me to stretch",
        "Asia/Tokyo",
        "2026-11-22T09:00:00+09:00",
        Some("stretch"),
    ),
    (
        "remind me to stretch every day at 9am in Tokyo",
        "Asia/Tokyo",
        "2026-11-22T09:00:00+09:00",
        Some("stretch"),
    ),
    (
        "every day at 9am in New York remind me to stretch",
        "America/New_York",
        "2026-11-21T09:00:00-05:00",
        Some("stretch"),
    ),
    (
        "every day at 9am in paris say bonjour",
        "Europe/Paris",
        "2026-11-22T09:00:00+01:00",
        Some("say bonjour"),
    ),
    (
        "at 8 in Sydney every day say gday",
        "Australia/Sydney",
        "2026-11-22T08:00:00+11:00",
        Some("say gday"),
    ),
    (
        "every 2 hours in Berlin say x",
        "Europe/Berlin",
        "2026-11-21T12:00:00+01:00",
        Some("say x"),
    ),
    (
        "every day at 9am (Tokyo time) say hi",
        "Asia/Tokyo",
        "2026-11-22T09:00:00+09:00",
        Some("say hi"),
    ),
];

#[test]
fn a_place_right_after_a_time_is_its_zone() {
    let mut wrong = Vec::new();
    for (phrase, zone, first, task) in PLACES_AFTER_A_TIME {
        let parsed = match read(phrase, NOW, "Europe/Paris") {
            Ok(parsed) => parsed,
            Err(error) => {
                wrong.push(format!("{phrase}: {error}"));
                continue;
            }
        };
        let fired = crate::helpers::next(&parsed.schedule, NOW, 1);
        if parsed.schedule.zone.name() != *zone
            || fired != [*first]
            || parsed.task.as_deref() != *task
        {
            wrong.push(format!(
                "{phrase}: zone {}, first {fired:?}, task {:?}",
                parsed.schedule.zone, parsed.task
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn other_words_after_in_stay_in_the_task() {
    for (phrase, task) in [
        (
            "check the weather in Tokyo every morning at 7",
            "check the weather in Tokyo",
        ),
        ("every day at 9 in slack say hi", "in slack say hi"),
        (
            "every weekday at 8 in central park say run",
            "in central park say run",
        ),
        // Not a zone and too short to guess at: Niue is not meant.
        (
            "every day at 9 in Nice check the weather",
            "in Nice check the weather",
        ),
        // An Antarctic station's name, and a town's.
        ("every day at 9 in Davis check x", "in Davis check x"),
        // One letter from Lima and from Lomé: no guess.
        ("every day at 7 in Lime say x", "in Lime say x"),
    ] {
        let parsed = read(phrase, NOW, "Europe/Paris").unwrap_or_else(|e| panic!("{phrase}: {e}"));
        assert_eq!(parsed.schedule.zone.name(), "Europe/Paris", "{phrase}");
        assert_eq!(parsed.task.as_deref(), Some(task), "{phrase}");
    }
    let evening = read(
        "every day at 5 in the afternoon say tea",
        NOW,
        "Europe/Paris",
    )
    .unwrap();
    assert_eq!(
        crate::helpers::next(&evening.schedule, NOW, 1),
        ["2026-11-21T17:00:00+01:00"]
    );
}

#[test]
fn a_mistyped_zone_is_asked_about_with_a_guess() {
    for (phrase, guess) in [
        ("every day at 9 Pariss time say hi", "Paris (Europe/Paris)"),
        (
            "every day at 9am in Pariss remind me to stretch",
            "Paris (Europe/Paris)",
        ),
        (
            "every weekday at 8:30 in Tokio check the status page",
            "Tokyo (Asia/Tokyo)",
        ),
        (
            "every monday at 10 America/Los_Angles say standup",
            "America/Los_Angeles",
        ),
        ("every day at 7 in europe/pariss say x", "Europe/Paris"),
        (
            "every day at noon in Londn say lunch",
            "London (Europe/London)",
        ),
        ("at 9 new yrok time", "New York (America/New_York)"),
    ] {
        let error = read(phrase, NOW, "Europe/Paris")
            .err()
            .unwrap_or_else(|| panic!("'{phrase}' must ask about its zone"));
        assert!(
            error.contains("is not a time zone I know")
                && error.contains(&format!("did you mean {guess}?")),
            "{phrase}: {error}"
        );
    }
}
