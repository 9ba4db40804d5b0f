//! Next-fire computations per second for a mix of cron, RRULE, interval and
//! phrase schedules (issue: "Foundation and schedules"). Prints its figures.
//!
//! `cargo bench --bench next_fire`

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use steward::schedule::natural::Context;
use steward::schedule::{parse_input, Schedule, Zone};

const CRONS: &[(&str, &str)] = &[
    ("30 8 * * 1-5", "Europe/Paris"),
    ("*/15 * * * *", "America/New_York"),
    ("0 9 * * FRI#L", "Australia/Lord_Howe"),
    ("0 12 1 * MON", "UTC"),
    ("0 9 29 2 *", "Asia/Tokyo"),
    ("0 0 L * *", "Europe/Berlin"),
];
const RRULES: &[&str] = &[
    "DTSTART;TZID=Europe/Paris:20260106T090000 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    "DTSTART;TZID=America/New_York:20250102T090000 RRULE:FREQ=MONTHLY;BYDAY=1FR,3FR",
    "DTSTART;TZID=UTC:20250101T070000 RRULE:FREQ=DAILY;INTERVAL=3",
    "DTSTART;TZID=Asia/Kolkata:20201127T090000 RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
];
const INTERVALS: &[&str] = &["PT15M", "PT4H", "PT90M", "PT7H"];
const PHRASES: &[&str] = &[
    "every weekday at 8:30 check our status page and tell me if it's down",
    "remind me to move the car every other day at 7",
    "last friday of the month at 5pm",
    "on the 1st and 15th of every month",
    "tomorrow at 5pm send me 'call mom'",
    "every 4 hours check https://status.example.com",
    "the fourth thursday in november",
    "at 9 Tokyo time",
];

fn main() {
    let base = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
    let context = |zone: &str| Context::new(base, zone.parse::<Zone>().unwrap());
    let crons: Vec<Schedule> = CRONS
        .iter()
        .map(|(c, z)| parse_input(c, &context(z)).unwrap().schedule)
        .collect();
    let rrules: Vec<Schedule> = RRULES
        .iter()
        .map(|r| parse_input(r, &context("UTC")).unwrap().schedule)
        .collect();
    let intervals: Vec<Schedule> = INTERVALS
        .iter()
        .map(|i| parse_input(i, &context("Europe/Paris")).unwrap().schedule)
        .collect();

    println!("steward next-fire benchmark (single thread, release build)");
    let budget = Duration::from_millis(1_500);
    let cron = measure("cron next fire", budget, |i| next(&crons, base, i));
    let rrule = measure("rrule next fire", budget, |i| next(&rrules, base, i));
    let interval = measure("interval next fire", budget, |i| next(&intervals, base, i));
    let phrase = measure("phrase parse + next fire", budget, |i| {
        let text = PHRASES[i % PHRASES.len()];
        let parsed = parse_input(text, &context("Europe/Paris")).unwrap();
        black_box(parsed.schedule.next_after(base));
    });
    let (p50, p99, worst) = reading_times(&context("Europe/Paris"));
    println!(
        "  reading time per phrase ({} phrases x 200): p50 {p50:.1} µs, p99 {p99:.1} µs (budget 200 µs), slowest {worst:.1} µs",
        READINGS.len()
    );
    let all: Vec<Schedule> = crons
        .iter()
        .chain(&rrules)
        .chain(&intervals)
        .cloned()
        .collect();
    let mixed = measure("mixed (cron, rrule, interval) next fire", budget, |i| {
        next(&all, base, i)
    });
    println!(
        "summary: cron {cron:.0}/s, rrule {rrule:.0}/s, interval {interval:.0}/s, phrase {phrase:.0}/s, mixed {mixed:.0}/s"
    );
}

/// What people type, read to a schedule or to a question (both count): the
/// classes of the phrase corpus.
const READINGS: &[&str] = &[
    "every day except weekends at 7 remind me to meditate",
    "evry day at 9 remind me to journal",
    "every tuesdy at 6pm",
    "every 15 min during business hours check https://status.example.com/health",
    "first monday of every quarter at 10am",
    "every sunday evening",
    "at 9 and 5 on weekdays",
    "on weekdays at 9:00 and 13:30",
    "every 45 minutes from 9 to 5",
    "every 2nd and 4th tuesday at 6pm",
    "9am UTC+2 every day",
    "in an hour and a half",
    "every day at 7 except the first monday remind me to stretch",
    "remind me to stretch on the weekend at 10",
    "send the weekly report every monday at 9",
    "twice a day at 10am and 4pm remind me to drink water",
    "the last friday of the quarter at 4pm",
    "every wendsday and thrusday at 8",
    "tomorrow morning remind me to call the bank about the mortgage",
    "recuérdame beber agua cada día a las 10",
];

/// p50, p99 and the slowest time to read one phrase, in microseconds.
fn reading_times(context: &Context) -> (f64, f64, f64) {
    let mut samples: Vec<f64> = Vec::new();
    for round in 0..201 {
        for text in READINGS {
            let start = Instant::now();
            let _ = black_box(parse_input(black_box(text), context));
            if round > 0 {
                samples.push(start.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99), samples[samples.len() - 1])
}

/// The next fire of schedule `i % len` after an instant that moves through the
/// year, so caches and lucky starts do not flatter the figure.
fn next(schedules: &[Schedule], base: DateTime<Utc>, i: usize) {
    let schedule = &schedules[i % schedules.len()];
    let after = base + TimeDelta::minutes((i as i64 * 7_919) % 525_600);
    black_box(schedule.next_after(black_box(after)));
}

/// Runs `op` for about `budget` and prints operations per second.
fn measure(name: &str, budget: Duration, mut op: impl FnMut(usize)) -> f64 {
    for i in 0..200 {
        op(i);
    }
    let start = Instant::now();
    let mut count = 0usize;
    while start.elapsed() < budget {
        for _ in 0..100 {
            op(count);
            count += 1;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rate = count as f64 / elapsed;
    println!(
        "  {name:<42} {rate:>12.0} ops/s   ({:.2} µs each, {count} runs)",
        1e6 / rate
    );
    rate
}
