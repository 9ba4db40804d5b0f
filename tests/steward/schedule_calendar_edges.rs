//! Calendar edges: February 29th, `L`, `W`, `#`, months without the day, rules
//! that end.

use crate::helpers::{fires, read};

const NOW: &str = "2026-11-21T10:00:00+00:00";

#[test]
fn february_29th_fires_only_in_leap_years() {
    let expected = ["2028-02-29T09:00:00+00:00", "2032-02-29T09:00:00+00:00"];
    assert_eq!(fires("0 9 29 2 *", NOW, "UTC", 2), expected);
    assert_eq!(
        fires("every year on february 29th", NOW, "UTC", 2),
        expected
    );
    assert_eq!(
        fires("on feb 29", NOW, "UTC", 1),
        ["2028-02-29T09:00:00+00:00"]
    );
    let error = read("on february 29th 2027", NOW, "UTC").unwrap_err();
    assert!(error.contains("2027 has no day 29"), "{error}");
}

#[test]
fn last_day_of_month_tracks_leap_years() {
    assert_eq!(
        fires("0 0 L 2 *", NOW, "UTC", 3),
        [
            "2027-02-28T00:00:00+00:00",
            "2028-02-29T00:00:00+00:00",
            "2029-02-28T00:00:00+00:00"
        ]
    );
}

#[test]
fn nearest_weekday_stays_inside_the_month() {
    // 15 Aug 2026 is a Saturday → Friday 14th; 15 Nov 2026 a Sunday → Monday 16th.
    assert_eq!(
        fires("0 12 15W * *", "2026-08-01T00:00:00+00:00", "UTC", 1),
        ["2026-08-14T12:00:00+00:00"]
    );
    assert_eq!(
        fires("0 12 15W * *", "2026-11-01T00:00:00+00:00", "UTC", 1),
        ["2026-11-16T12:00:00+00:00"]
    );
    // 1 Aug 2026 is a Saturday: Monday 3rd, not Friday 31 July.
    assert_eq!(
        fires("0 12 1W * *", "2026-07-31T00:00:00+00:00", "UTC", 1),
        ["2026-08-03T12:00:00+00:00"]
    );
    // 31 Jan 2027 is a Sunday: Friday 29th.
    assert_eq!(
        fires("0 12 31W 1 *", "2027-01-01T00:00:00+00:00", "UTC", 1),
        ["2027-01-29T12:00:00+00:00"]
    );
}

#[test]
fn nth_and_last_weekday_of_the_month() {
    assert_eq!(
        fires("0 9 * * MON#5", NOW, "UTC", 3),
        [
            "2026-11-30T09:00:00+00:00",
            "2027-03-29T09:00:00+00:00",
            "2027-05-31T09:00:00+00:00"
        ]
    );
    let last_fridays = [
        "2026-11-27T09:00:00+00:00",
        "2026-12-25T09:00:00+00:00",
        "2027-01-29T09:00:00+00:00",
    ];
    assert_eq!(fires("0 9 * * FRI#L", NOW, "UTC", 3), last_fridays);
    assert_eq!(fires("0 9 * * 5L", NOW, "UTC", 3), last_fridays);
    assert_eq!(
        fires("last friday of the month", NOW, "UTC", 3),
        last_fridays
    );
}

#[test]
fn the_31st_skips_short_months() {
    assert_eq!(
        fires("0 9 31 * *", NOW, "UTC", 3),
        [
            "2026-12-31T09:00:00+00:00",
            "2027-01-31T09:00:00+00:00",
            "2027-03-31T09:00:00+00:00"
        ]
    );
}

#[test]
fn a_pattern_that_never_matches_has_no_next_fire() {
    assert!(fires("0 0 30 2 *", NOW, "UTC", 3).is_empty());
}

#[test]
fn rrules_say_what_cron_cannot() {
    // First and third Friday of each month.
    assert_eq!(
        fires(
            "DTSTART;TZID=Europe/Paris:20260102T090000 RRULE:FREQ=MONTHLY;BYDAY=1FR,3FR",
            NOW,
            "UTC",
            3
        ),
        [
            "2026-12-04T09:00:00+01:00",
            "2026-12-18T09:00:00+01:00",
            "2027-01-01T09:00:00+01:00"
        ]
    );
    // Every other Tuesday counted from 6 January 2026.
    assert_eq!(
        fires(
            "DTSTART;TZID=Europe/Paris:20260106T090000 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            NOW,
            "UTC",
            3
        ),
        [
            "2026-11-24T09:00:00+01:00",
            "2026-12-08T09:00:00+01:00",
            "2026-12-22T09:00:00+01:00"
        ]
    );
    // The fourth Thursday in November.
    assert_eq!(
        fires(
            "DTSTART;TZID=America/New_York:20251127T090000 RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
            NOW,
            "UTC",
            3
        ),
        [
            "2026-11-26T09:00:00-05:00",
            "2027-11-25T09:00:00-05:00",
            "2028-11-23T09:00:00-05:00"
        ]
    );
}

#[test]
fn a_rule_with_a_count_ends() {
    let times = fires(
        "DTSTART;TZID=UTC:20261120T090000 RRULE:FREQ=DAILY;COUNT=4",
        NOW,
        "UTC",
        10,
    );
    assert_eq!(
        times,
        ["2026-11-22T09:00:00+00:00", "2026-11-23T09:00:00+00:00"]
    );
}

#[test]
fn a_rule_with_until_ends_at_until() {
    let times = fires(
        "DTSTART;TZID=Europe/Paris:20261101T090000 RRULE:FREQ=DAILY;UNTIL=20261124T080000Z",
        NOW,
        "UTC",
        10,
    );
    assert_eq!(
        times,
        [
            "2026-11-22T09:00:00+01:00",
            "2026-11-23T09:00:00+01:00",
            "2026-11-24T09:00:00+01:00"
        ]
    );
}
