//! Properties over generated schedules (next fires strictly increase and each one
//! matches the schedule), and fuzzing of the phrase and cron parsers: no input
//! panics. Raise `PROPTEST_CASES` to fuzz longer.

use chrono::{DateTime, Offset, TimeDelta, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use steward::schedule::natural::Context;
use steward::schedule::{parse_input, CronExpr, Schedule, Trigger, Zone};

const ZONES: &[&str] = &[
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Pacific/Chatham",
    "Europe/London",
];

fn zone_strategy() -> impl Strategy<Value = Zone> {
    proptest::sample::select(ZONES).prop_map(|name| name.parse::<Zone>().unwrap())
}

/// Instants between 2020 and 2035, where DST rules are dense.
fn now_strategy() -> impl Strategy<Value = DateTime<Utc>> {
    (1_577_836_800i64..2_051_222_400i64).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

/// True when the zone's offset changes at `at`: a fire moved to the end of a
/// DST gap lands exactly there.
fn is_transition(zone: Zone, at: DateTime<Utc>) -> bool {
    let offset = |t: DateTime<Utc>| t.with_timezone(&zone.tz()).offset().fix();
    offset(at - TimeDelta::seconds(1)) != offset(at)
}

fn field(choices: Vec<BoxedStrategy<String>>) -> BoxedStrategy<String> {
    proptest::strategy::Union::new(choices).boxed()
}

fn list(max: u32, min: u32) -> BoxedStrategy<String> {
    proptest::collection::btree_set(min..=max, 1..4)
        .prop_map(|set| set.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
        .boxed()
}

fn cron_strategy() -> impl Strategy<Value = String> {
    let minute = field(vec![
        Just("*".to_string()).boxed(),
        (1u32..31).prop_map(|n| format!("*/{n}")).boxed(),
        list(59, 0),
        (0u32..30, 30u32..60)
            .prop_map(|(a, b)| format!("{a}-{b}"))
            .boxed(),
    ]);
    let hour = field(vec![
        Just("*".to_string()).boxed(),
        (1u32..13).prop_map(|n| format!("*/{n}")).boxed(),
        list(23, 0),
        (0u32..12, 12u32..24)
            .prop_map(|(a, b)| format!("{a}-{b}"))
            .boxed(),
    ]);
    let dom = field(vec![
        Just("*".to_string()).boxed(),
        list(31, 1),
        Just("L".to_string()).boxed(),
        (1u32..29).prop_map(|d| format!("{d}W")).boxed(),
    ]);
    let month = field(vec![Just("*".to_string()).boxed(), list(12, 1)]);
    let dow = field(vec![
        Just("*".to_string()).boxed(),
        list(6, 0),
        Just("MON-FRI".to_string()).boxed(),
        (0u32..7, 1u32..6)
            .prop_map(|(d, n)| format!("{d}#{n}"))
            .boxed(),
        (0u32..7).prop_map(|d| format!("{d}#L")).boxed(),
    ]);
    (minute, hour, dom, month, dow).prop_map(|(m, h, d, mo, w)| format!("{m} {h} {d} {mo} {w}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn cron_fires_strictly_increase_and_match(pattern in cron_strategy(), zone in zone_strategy(), now in now_strategy()) {
        let cron = CronExpr::parse(&pattern).unwrap();
        let schedule = Schedule::new(Trigger::Cron(cron.clone()), zone);
        let fires = schedule.upcoming(now, 5);
        let mut previous = now;
        for at in &fires {
            prop_assert!(*at > previous, "{pattern} in {zone}: {at} not after {previous}");
            prop_assert!(
                cron.matches(*at, zone) || is_transition(zone, *at),
                "{pattern} in {zone}: {at} does not match"
            );
            previous = *at;
        }
    }

    #[test]
    fn cron_in_utc_skips_no_matching_minute(pattern in cron_strategy(), now in now_strategy()) {
        let cron = CronExpr::parse(&pattern).unwrap();
        let now = now.with_second(0).unwrap();
        let schedule = Schedule::new(Trigger::Cron(cron.clone()), Zone::UTC);
        let fires = schedule.upcoming(now, 3);
        let mut previous = now;
        for at in fires {
            if (at - previous).num_hours() < 48 {
                let mut minute = previous + TimeDelta::minutes(1);
                while minute < at {
                    prop_assert!(!cron.matches(minute, Zone::UTC), "{pattern}: skipped {minute} before {at}");
                    minute += TimeDelta::minutes(1);
                }
            }
            previous = at;
        }
    }

    #[test]
    fn rrule_fires_strictly_increase_and_match(
        freq in proptest::sample::select(&["DAILY", "WEEKLY", "MONTHLY"][..]),
        interval in 1u32..5,
        days in proptest::sample::subsequence(&["MO", "TU", "WE", "TH", "FR", "SA", "SU"][..], 1..4),
        hour in 0u32..24,
        minute in proptest::sample::select(&[0u32, 15, 30, 45][..]),
        zone in zone_strategy(),
        now in now_strategy(),
        start_days_before in 0i64..800,
    ) {
        let start = (now - TimeDelta::days(start_days_before)).with_timezone(&zone.tz());
        let byday = if freq == "WEEKLY" { format!(";BYDAY={}", days.join(",")) } else { String::new() };
        let rule = format!(
            "DTSTART;TZID={zone}:{} RRULE:FREQ={freq};INTERVAL={interval}{byday};BYHOUR={hour};BYMINUTE={minute};BYSECOND=0",
            start.format("%Y%m%dT%H%M%S")
        );
        let parsed = parse_input(&rule, &Context::new(now, zone)).unwrap();
        let fires = parsed.schedule.upcoming(now, 4);
        prop_assert!(!fires.is_empty(), "{rule} never fires");
        fire_at_time_of_day(&rule, &fires, now, zone, hour, minute)?;
    }

    #[test]
    fn generated_phrases_parse_and_fire_at_their_time(
        recurrence in proptest::sample::select(&[
            "every day", "every weekday", "weekends", "every monday and friday", "every other day",
            "every 3 days", "every other week", "every 2 weeks on tuesday", "every month on the 15th",
            "first monday of the month", "last friday of the month", "on the 1st and 15th of every month",
            "every year on march 3rd", "daily", "every tuesday",
        ][..]),
        hour in 0u32..24,
        minute in proptest::sample::select(&[0u32, 5, 30, 45][..]),
        zone in zone_strategy(),
        now in now_strategy(),
    ) {
        // 1:00 to 6:59 without a leading zero is asked about (05:00 or 17:00?).
        let phrase = match hour {
            1..=6 => format!("{recurrence} at {hour:02}:{minute:02}"),
            _ => format!("{recurrence} at {hour}:{minute:02}"),
        };
        let parsed = parse_input(&phrase, &Context::new(now, zone))
            .map_err(|e| TestCaseError::fail(format!("{phrase}: {e}")))?;
        let fires = parsed.schedule.upcoming(now, 4);
        prop_assert_eq!(fires.len(), 4, "{}", phrase);
        fire_at_time_of_day(&phrase, &fires, now, zone, hour, minute)?;
    }

    #[test]
    fn anchored_intervals_keep_exact_spacing(minutes in 61i64..20_000, now in now_strategy(), zone in zone_strategy()) {
        // Intervals that divide the day follow the wall clock instead; step off
        // them (an assumption would count as a rejected case).
        let minutes = if minutes % 60 == 0 && 1440 % minutes == 0 { minutes + 1 } else { minutes };
        let parsed = parse_input(&format!("every {minutes} minutes"), &Context::new(now, zone)).unwrap();
        let fires = parsed.schedule.upcoming(now, 5);
        for pair in fires.windows(2) {
            prop_assert_eq!((pair[1] - pair[0]).num_seconds(), minutes * 60);
        }
    }

    // ----- fuzzing: nothing panics -----------------------------------------

    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in "\\PC{0,200}", now in now_strategy(), zone in zone_strategy()) {
        check_no_panic(&text, now, zone)?;
    }

    #[test]
    fn word_soup_is_read_or_refused_without_panicking(
        words in proptest::collection::vec(proptest::sample::select(VOCABULARY), 0..14),
        now in now_strategy(),
        zone in zone_strategy(),
    ) {
        check_no_panic(&words.join(" "), now, zone)?;
    }

    #[test]
    fn cron_soup_is_read_or_refused_without_panicking(
        fields in proptest::collection::vec("[0-9*/,#LW?+-]{1,6}|MON|FRI|JAN|@daily|@hourly", 1..9),
        now in now_strategy(),
        zone in zone_strategy(),
    ) {
        check_no_panic(&fields.join(" "), now, zone)?;
    }

    #[test]
    fn far_away_clocks_do_not_break_phrases(
        words in proptest::collection::vec(proptest::sample::select(VOCABULARY), 1..8),
        seconds in -2_000_000_000i64..200_000_000_000i64,
    ) {
        let now = Utc.timestamp_opt(seconds, 0).unwrap();
        check_no_panic(&words.join(" "), now, Zone::UTC)?;
    }
}

/// Fires strictly increase after `now` and each is at `hour:minute` local time,
/// or at a DST transition (a time moved to the end of a gap).
fn fire_at_time_of_day(
    what: &str,
    fires: &[DateTime<Utc>],
    now: DateTime<Utc>,
    zone: Zone,
    hour: u32,
    minute: u32,
) -> Result<(), TestCaseError> {
    let mut previous = now;
    for at in fires {
        prop_assert!(*at > previous, "{what}: {at} not after {previous}");
        let local = at.with_timezone(&zone.tz());
        prop_assert!(
            (local.hour() == hour && local.minute() == minute) || is_transition(zone, *at),
            "{what} in {zone}: {local} is not {hour}:{minute}"
        );
        previous = *at;
    }
    Ok(())
}

const VOCABULARY: &[&str] = &[
    "every",
    "each",
    "other",
    "second",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "hour",
    "hours",
    "minute",
    "minutes",
    "seconds",
    "weekday",
    "weekdays",
    "weekend",
    "monday",
    "mondays",
    "tuesday",
    "fri",
    "sat",
    "sun",
    "and",
    ",",
    "or",
    "at",
    "on",
    "in",
    "the",
    "of",
    "first",
    "last",
    "fourth",
    "1st",
    "15th",
    "31st",
    "0",
    "1",
    "7",
    "9",
    "12",
    "17",
    "23",
    "24",
    "25",
    "-5",
    "99999999999",
    "9am",
    "5pm",
    "9:30",
    "25:00",
    "12:15am",
    "noon",
    "midnight",
    "half",
    "quarter",
    "past",
    "to",
    "tomorrow",
    "today",
    "tonight",
    "next",
    "this",
    "march",
    "february",
    "29th",
    "30th",
    "may",
    "2026",
    "2199",
    "2026-03-06",
    "twice",
    "times",
    "a",
    "morning",
    "evening",
    "night",
    "Tokyo",
    "time",
    "EST",
    "UTC",
    "America/New_York",
    "remind",
    "me",
    "check",
    "🙂",
    "שלום",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "hourly",
    "o'clock",
    "an",
    "half",
    "fortnightly",
    "DTSTART",
    "RRULE:FREQ=DAILY",
    "PT15M",
    "P1D",
    "@daily",
];

fn check_no_panic(text: &str, now: DateTime<Utc>, zone: Zone) -> Result<(), TestCaseError> {
    match parse_input(text, &Context::new(now, zone)) {
        Ok(parsed) => {
            let fires = parsed.schedule.upcoming(now, 3);
            let mut previous = now;
            for at in fires {
                prop_assert!(at > previous, "'{text}': {at} not after {previous}");
                previous = at;
            }
            let _ = parsed.schedule.describe();
            let _ = parsed.schedule.expression();
        }
        Err(message) => prop_assert!(!message.trim().is_empty(), "'{text}': empty error"),
    }
    Ok(())
}

/// Schedules the reader places whole.
const READABLE: &[&str] = &[
    "every day at 7",
    "every weekday at 8:30",
    "every monday and thursday at noon",
    "at 9 on weekends",
    "every 2 hours",
    "every sunday evening",
    "on the 1st of every month",
    "every 15 minutes between 9 and 5",
];

/// Words with schedule meaning that the reader has no rule for.
const UNPLACED: &[&str] = &[
    "except the first monday",
    "except holidays",
    "but not in december",
    "until friday",
    "until the end of the month",
    "during the school holidays",
    "every other quarter",
    "on the weekend",
    "except when it rains",
    "between christmas and new year",
    "except the 15th",
];

/// Task words around them.
const TASKS: &[&str] = &[
    "remind me to stretch",
    "check https://status.example.com",
    "send the report",
    "water the plants",
];

proptest! {
    /// A readable schedule with unplaced schedule words put anywhere in the
    /// sentence is a question naming them, never a draft.
    #[test]
    fn unplaced_schedule_words_make_a_question_never_a_schedule(
        schedule in proptest::sample::select(READABLE),
        unplaced in proptest::sample::select(UNPLACED),
        task in proptest::sample::select(TASKS),
        order in 0usize..6,
        zone in zone_strategy(),
        now in now_strategy(),
    ) {
        let parts = [schedule, unplaced, task];
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        let text: Vec<&str> = orders[order].iter().map(|i| parts[*i]).collect();
        let text = text.join(" ");
        match parse_input(&text, &Context::new(now, zone)) {
            Ok(parsed) => prop_assert!(
                false,
                "'{}' became {} with task {:?}",
                text,
                parsed.schedule.describe(),
                parsed.task
            ),
            Err(question) => {
                let key = unplaced.split_whitespace().find(|w| w.len() > 3).unwrap();
                prop_assert!(question.contains(key), "'{}': {}", text, question);
            }
        }
    }
}
