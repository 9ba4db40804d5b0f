//! DST: a fixed-time job in a spring-forward gap fires at the end of the gap; in
//! a fall-back overlap it fires once; wildcard-hour jobs follow elapsed time.
//! New York and Berlin shift by an hour, Lord Howe by thirty minutes.

use crate::helpers::{at, fires, schedule};

#[test]
fn new_york_spring_forward_moves_a_0230_job_to_0300() {
    let now = "2026-03-07T12:00:00-05:00";
    let expected = ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"];
    assert_eq!(fires("30 2 * * *", now, "America/New_York", 2), expected);
    assert_eq!(
        fires("every day at 2:30am", now, "America/New_York", 2),
        expected
    );
    assert_eq!(
        fires(
            "DTSTART;TZID=America/New_York:20260301T023000 RRULE:FREQ=DAILY",
            now,
            "UTC",
            2
        ),
        expected
    );
    assert_eq!(
        fires(
            "on march 8th at 2:30am",
            "2026-03-01T00:00:00-05:00",
            "America/New_York",
            1
        ),
        ["2026-03-08T03:00:00-04:00"]
    );
}

#[test]
fn new_york_spring_forward_wildcard_hours_follow_elapsed_time() {
    assert_eq!(
        fires(
            "*/30 * * * *",
            "2026-03-08T01:00:00-05:00",
            "America/New_York",
            3
        ),
        [
            "2026-03-08T01:30:00-05:00",
            "2026-03-08T03:00:00-04:00",
            "2026-03-08T03:30:00-04:00"
        ]
    );
    assert_eq!(
        fires(
            "0 * * * *",
            "2026-03-08T00:30:00-05:00",
            "America/New_York",
            3
        ),
        [
            "2026-03-08T01:00:00-05:00",
            "2026-03-08T03:00:00-04:00",
            "2026-03-08T04:00:00-04:00"
        ]
    );
}

#[test]
fn new_york_fall_back_runs_a_0130_job_once() {
    let now = "2026-10-31T12:00:00-04:00";
    let expected = ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"];
    assert_eq!(fires("30 1 * * *", now, "America/New_York", 2), expected);
    assert_eq!(
        fires("every day at 1:30am", now, "America/New_York", 2),
        expected
    );
    assert_eq!(
        fires(
            "DTSTART;TZID=America/New_York:20261001T013000 RRULE:FREQ=DAILY",
            now,
            "UTC",
            2
        ),
        expected
    );
}

#[test]
fn new_york_fall_back_wildcard_jobs_run_in_both_copies_of_the_hour() {
    assert_eq!(
        fires(
            "*/30 * * * *",
            "2026-11-01T00:45:00-04:00",
            "America/New_York",
            5
        ),
        [
            "2026-11-01T01:00:00-04:00",
            "2026-11-01T01:30:00-04:00",
            "2026-11-01T01:00:00-05:00",
            "2026-11-01T01:30:00-05:00",
            "2026-11-01T02:00:00-05:00"
        ]
    );
}

#[test]
fn berlin_spring_forward_and_fall_back() {
    assert_eq!(
        fires(
            "30 2 * * *",
            "2026-03-28T12:00:00+01:00",
            "Europe/Berlin",
            2
        ),
        ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"]
    );
    assert_eq!(
        fires(
            "30 2 * * *",
            "2026-10-24T12:00:00+02:00",
            "Europe/Berlin",
            2
        ),
        ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]
    );
    assert_eq!(
        fires(
            "*/30 * * * *",
            "2026-10-25T01:45:00+02:00",
            "Europe/Berlin",
            5
        ),
        [
            "2026-10-25T02:00:00+02:00",
            "2026-10-25T02:30:00+02:00",
            "2026-10-25T02:00:00+01:00",
            "2026-10-25T02:30:00+01:00",
            "2026-10-25T03:00:00+01:00"
        ]
    );
}

#[test]
fn lord_howe_half_hour_spring_forward() {
    // 2026-10-04: 02:00 (+10:30) jumps to 02:30 (+11:00).
    assert_eq!(
        fires(
            "15 2 * * *",
            "2026-10-03T12:00:00+10:30",
            "Australia/Lord_Howe",
            2
        ),
        ["2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"]
    );
    assert_eq!(
        fires(
            "*/15 * * * *",
            "2026-10-04T01:50:00+10:30",
            "Australia/Lord_Howe",
            3
        ),
        [
            "2026-10-04T02:30:00+11:00",
            "2026-10-04T02:45:00+11:00",
            "2026-10-04T03:00:00+11:00"
        ]
    );
}

#[test]
fn lord_howe_half_hour_fall_back() {
    // 2026-04-05: 02:00 (+11:00) falls back to 01:30 (+10:30).
    assert_eq!(
        fires(
            "45 1 * * *",
            "2026-04-04T12:00:00+11:00",
            "Australia/Lord_Howe",
            2
        ),
        ["2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"]
    );
    assert_eq!(
        fires(
            "*/15 * * * *",
            "2026-04-05T01:20:00+11:00",
            "Australia/Lord_Howe",
            5
        ),
        [
            "2026-04-05T01:30:00+11:00",
            "2026-04-05T01:45:00+11:00",
            "2026-04-05T01:30:00+10:30",
            "2026-04-05T01:45:00+10:30",
            "2026-04-05T02:00:00+10:30"
        ]
    );
}

#[test]
fn an_anchored_interval_keeps_exact_elapsed_time_across_fall_back() {
    let now = "2026-10-31T23:30:00-04:00";
    let schedule = schedule("every 90 minutes", now, "America/New_York");
    let times = schedule.upcoming(at(now), 4);
    for pair in times.windows(2) {
        assert_eq!((pair[1] - pair[0]).num_minutes(), 90);
    }
    assert_eq!(
        crate::helpers::next(&schedule, now, 3),
        [
            "2026-11-01T01:00:00-04:00",
            "2026-11-01T01:30:00-05:00",
            "2026-11-01T03:00:00-05:00"
        ]
    );
}

#[test]
fn a_clock_aligned_interval_follows_the_wall_clock_across_fall_back() {
    assert_eq!(
        fires(
            "every 2 hours",
            "2026-11-01T00:30:00-04:00",
            "America/New_York",
            2
        ),
        ["2026-11-01T02:00:00-05:00", "2026-11-01T04:00:00-05:00"]
    );
}
