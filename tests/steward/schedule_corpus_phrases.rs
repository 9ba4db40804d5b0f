//! The corpus: what people type, and the rule a careful person reads in it
//! (see `schedule_corpus.rs` for the rule's keys). One-shot rules are written
//! for Saturday 21 November 2026, 10:00 in Paris.

/// Written by hand, class by class.
const WRITTEN: &[(&str, &str)] = &[
    // --- every day, and the ways people write it
    ("every day at 9", "at=09:00"),
    (
        "everyday at 9 remind me to journal",
        "at=09:00 task=journal",
    ),
    ("evry day at 9", "at=09:00"),
    ("every single day at 9", "at=09:00"),
    ("each day at 9", "at=09:00"),
    ("daily at 9", "at=09:00"),
    ("dialy at 9", "at=09:00"),
    ("each and every day at 9", "at=09:00"),
    ("everyday at 9", "at=09:00"),
    ("everday at 9", "at=09:00"),
    ("evryday at 9", "at=09:00"),
    ("every day", "at=09:00"),
    ("daily", "at=09:00"),
    ("every day at 9am", "at=09:00"),
    ("every day at 9 am", "at=09:00"),
    ("every day at 09:00", "at=09:00"),
    ("every day at 21:15", "at=21:15"),
    ("every day at 9.30pm", "at=21:30"),
    ("every day at noon", "at=12:00"),
    ("every day at midnight", "at=00:00"),
    ("every day at half past 8", "at=08:30"),
    ("every day at quarter to 6am", "at=05:45"),
    // "quarter to 6" is either half, as "at 5:45" is.
    ("every day at quarter to 6", "ask"),
    ("every day at 8 o'clock", "at=08:00"),
    ("every day at 0830", "at=08:30"),
    ("at 7am every day", "at=07:00"),
    ("at 7 every morning", "at=07:00"),
    ("every morning", "at=09:00"),
    ("every morning at 7:15", "at=07:15"),
    ("every evening", "at=18:00"),
    ("every evening at 6", "at=18:00"),
    ("every night at 11", "at=23:00"),
    ("every afternoon at 3", "at=15:00"),
    ("nightly", "at=21:00"),
    (
        "every day at 7 remind me to meditate",
        "at=07:00 task=meditate",
    ),
    (
        "remind me to drink water every day at 10",
        "at=10:00 task=drink_water",
    ),
    (
        "every day at 9 send the weekly report",
        "at=09:00 task=send_the_weekly_report",
    ),
    (
        "every day at 10 check the morning queue",
        "at=10:00 task=check_the_morning_queue",
    ),
    // --- working days
    ("every weekday at 8:30", "days=weekdays at=08:30"),
    ("every working day at 7", "days=weekdays at=07:00"),
    ("every business day at 7", "days=weekdays at=07:00"),
    ("on working days at 7", "days=weekdays at=07:00"),
    ("business days at 7", "days=weekdays at=07:00"),
    ("weekdays at 7", "days=weekdays at=07:00"),
    ("on weekdays at 7", "days=weekdays at=07:00"),
    ("weekday mornings", "days=weekdays at=09:00"),
    ("weekday mornings at 7", "days=weekdays at=07:00"),
    ("every weekday morning at 7:30", "days=weekdays at=07:30"),
    ("monday to friday at 9", "days=weekdays at=09:00"),
    ("mon-fri at 9", "days=weekdays at=09:00"),
    ("monday through friday at 6pm", "days=weekdays at=18:00"),
    ("every workday at 8", "days=weekdays at=08:00"),
    ("workdays at 8", "days=weekdays at=08:00"),
    ("every week day at 8", "days=weekdays at=08:00"),
    ("weekends at 10", "days=weekends at=10:00"),
    ("on weekends at 10", "days=weekends at=10:00"),
    ("every weekend at 10", "days=weekends at=10:00"),
    ("every saturday and sunday at 10", "days=sat,sun at=10:00"),
    // --- exclusions
    (
        "every day except weekends at 7 remind me to meditate",
        "days=weekdays at=07:00 task=meditate",
    ),
    (
        "every day except friday at 7",
        "days=mon,tue,wed,thu,sat,sun at=07:00",
    ),
    (
        "every day except fridays at 7",
        "days=mon,tue,wed,thu,sat,sun at=07:00",
    ),
    (
        "every day except the weekend at 7",
        "days=weekdays at=07:00",
    ),
    (
        "weekdays except wednesday at 9",
        "days=mon,tue,thu,fri at=09:00",
    ),
    (
        "every weekday except wednesdays at 9",
        "days=mon,tue,thu,fri at=09:00",
    ),
    (
        "at noon every day except sundays",
        "days=mon,tue,wed,thu,fri,sat at=12:00",
    ),
    (
        "every day at noon but not on sundays",
        "days=mon,tue,wed,thu,fri,sat at=12:00",
    ),
    (
        "every day at noon but not sundays",
        "days=mon,tue,wed,thu,fri,sat at=12:00",
    ),
    (
        "daily at 8 excluding saturdays and sundays",
        "days=weekdays at=08:00",
    ),
    (
        "every day other than monday at 9",
        "days=tue,wed,thu,fri,sat,sun at=09:00",
    ),
    (
        "every day except monday and friday at 9",
        "days=tue,wed,thu,sat,sun at=09:00",
    ),
    (
        "every day except mon, wed at 9",
        "days=tue,thu,fri,sat,sun at=09:00",
    ),
    ("every day exept weekends at 7", "days=weekdays at=07:00"),
    ("every 15 minutes except weekends", "days=weekdays every=15"),
    (
        "twice a day except sundays at 9 and 5",
        "days=mon,tue,wed,thu,fri,sat at=09:00,17:00",
    ),
    ("every day except weekdays at 11", "days=weekends at=11:00"),
    // --- windows
    (
        "every 15 minutes between 9am and 5pm on weekdays",
        "days=weekdays every=15 from=09:00 to=17:00",
    ),
    (
        "every 15 min during business hours check https://x.example/health",
        "days=weekdays every=15 from=09:00 to=17:00 task=check_https://x.example/health",
    ),
    ("every hour from 9 to 5", "every=60 from=09:00 to=17:00"),
    ("every hour from 9am to 5pm", "every=60 from=09:00 to=17:00"),
    (
        "every 30 minutes between 9 and 17",
        "every=30 from=09:00 to=17:00",
    ),
    (
        "every 30 minutes from 8:30 to 12:00",
        "every=30 from=08:30 to=12:00",
    ),
    (
        "every 20 minutes between 10 and 2",
        "every=20 from=10:00 to=14:00",
    ),
    ("every hour 9-17", "ask"),
    ("every hour from 9-5", "every=60 from=09:00 to=17:00"),
    (
        "every 2 hours from 8am to 8pm",
        "every=120 from=08:00 to=20:00",
    ),
    (
        "every 45 minutes from 9 to 5",
        "every=45 from=09:00 to=17:00",
    ),
    (
        "every 10 minutes during working hours",
        "days=weekdays every=10 from=09:00 to=17:00",
    ),
    (
        "every 10 minutes during office hours",
        "days=weekdays every=10 from=09:00 to=17:00",
    ),
    (
        "every 10 minutes in business hours",
        "days=weekdays every=10 from=09:00 to=17:00",
    ),
    ("every 10 minutes on weekends", "days=weekends every=10"),
    ("every 10 minutes on saturdays", "days=sat every=10"),
    (
        "every 5 minutes on mondays between 9 and 10",
        "days=mon every=5 from=09:00 to=10:00",
    ),
    ("every hour on the hour", "every=60"),
    ("hourly", "every=60"),
    ("every hour", "every=60"),
    ("every 2 hours starting at 8am", "every=120 from=08:00"),
    ("every 3 hours starting from 9", "every=180 from=09:00"),
    ("every 2 hours from 7am", "every=120 from=07:00"),
    ("every 15 minutes", "every=15"),
    ("every 15 mins", "every=15"),
    ("every 15min", "every=15"),
    ("every 5 minutes", "every=5"),
    ("every half hour", "every=30"),
    ("every 2h", "every=120"),
    ("every 2 hours", "every=120"),
    ("every 4 hours", "every=240"),
    ("every minute", "every=1"),
    ("every 15 minuts", "every=15"),
    ("every 15 minutes from 10pm to 2am", "ask"),
    ("every day between 9 and 5", "ask"),
    // --- quarters and ordinals
    (
        "first monday of every quarter at 10am",
        "nth=1mon months=1,4,7,10 at=10:00",
    ),
    (
        "the first monday of each quarter",
        "nth=1mon months=1,4,7,10 at=09:00",
    ),
    ("every quarter on the 1st", "dom=1 months=1,4,7,10 at=09:00"),
    ("quarterly", "dom=1 months=1,4,7,10 at=09:00"),
    ("quarterly at 8am", "dom=1 months=1,4,7,10 at=08:00"),
    ("every quarter", "dom=1 months=1,4,7,10 at=09:00"),
    (
        "on the 15th of every quarter",
        "dom=15 months=1,4,7,10 at=09:00",
    ),
    (
        "the last friday of the quarter at 4pm",
        "nth=-1fri months=3,6,9,12 at=16:00",
    ),
    (
        "on the last day of every quarter",
        "dom=L months=3,6,9,12 at=09:00",
    ),
    ("every 2nd and 4th tuesday", "nth=2tue,4tue at=09:00"),
    ("every 2nd and 4th tuesday at 6pm", "nth=2tue,4tue at=18:00"),
    ("every first and third monday", "nth=1mon,3mon at=09:00"),
    (
        "the first and third friday of the month at 5pm",
        "nth=1fri,3fri at=17:00",
    ),
    ("every first monday", "nth=1mon at=09:00"),
    ("every last friday at 5pm", "nth=-1fri at=17:00"),
    ("last friday of the month at 5pm", "nth=-1fri at=17:00"),
    (
        "the last friday of every month at 17:00",
        "nth=-1fri at=17:00",
    ),
    ("first monday of the month at 9", "nth=1mon at=09:00"),
    ("on the first monday of every month", "nth=1mon at=09:00"),
    (
        "the fourth thursday in november at 10",
        "nth=4thu months=11 at=10:00",
    ),
    ("on the last day of every month", "dom=L at=09:00"),
    ("last day of the month at 18:00", "dom=L at=18:00"),
    ("on the 1st and 15th of every month", "dom=1,15 at=09:00"),
    ("the 1st of every month at 8", "dom=1 at=08:00"),
    ("first of every month", "dom=1 at=09:00"),
    ("every month on the 10th", "dom=10 at=09:00"),
    ("monthly on the 10th at 9", "dom=10 at=09:00"),
    ("every 1st of the month", "dom=1 at=09:00"),
    ("every other quarter", "ask"),
    // --- parts of the day after a day
    ("every sunday evening", "days=sun at=18:00"),
    ("every sunday evening at 7", "days=sun at=19:00"),
    ("sunday evenings", "days=sun at=18:00"),
    ("friday afternoons", "days=fri at=14:00"),
    ("friday afternoons at 3", "days=fri at=15:00"),
    ("every friday afternoon", "days=fri at=14:00"),
    ("every monday morning", "days=mon at=09:00"),
    ("every monday morning at 8", "days=mon at=08:00"),
    ("monday mornings at 8", "days=mon at=08:00"),
    ("every saturday night at 10", "days=sat at=22:00"),
    ("saturday morning at 8", "once=2026-11-28T08:00"),
    ("tomorrow morning", "once=2026-11-22T09:00"),
    ("tomorrow evening", "once=2026-11-22T18:00"),
    ("tomorrow morning at 7", "once=2026-11-22T07:00"),
    ("next monday evening", "once=2026-11-23T18:00"),
    ("tonight at 11", "once=2026-11-21T23:00"),
    ("this evening at 8", "once=2026-11-21T20:00"),
    // --- the small hours belong to the night before them
    ("every night at 2", "at=02:00"),
    ("nightly at 3:30", "at=03:30"),
    ("every night at 11", "at=23:00"),
    ("every night at 12", "at=00:00"),
    ("every night at 9", "at=21:00"),
    ("tonight at 2", "once=2026-11-22T02:00"),
    ("tonight at 12", "once=2026-11-22T00:00"),
    ("tomorrow night at 1", "once=2026-11-23T01:00"),
    ("friday night at 1", "once=2026-11-28T01:00"),
    ("friday night at 10", "once=2026-11-27T22:00"),
    // --- several times
    ("at 9 and 5 on weekdays", "days=weekdays at=09:00,17:00"),
    (
        "on weekdays at 9:00 and 13:30",
        "days=weekdays at=09:00,13:30",
    ),
    ("every day at 9:15 and 17:45", "at=09:15,17:45"),
    ("every day at 8, 12 and 4", "at=08:00,12:00,16:00"),
    ("every day at 9am and 5pm", "at=09:00,17:00"),
    ("every day at 9 and 17", "at=09:00,17:00"),
    ("twice a day at 9 and 17", "at=09:00,17:00"),
    ("twice a day at 10am and 4pm", "at=10:00,16:00"),
    ("three times a day at 8, 13 and 19", "at=08:00,13:00,19:00"),
    ("every monday at 9 and 14:30", "days=mon at=09:00,14:30"),
    (
        "at 7:30 and 19:00 on weekends",
        "days=weekends at=07:30,19:00",
    ),
    ("every day at 6am, 2pm and 10pm", "at=06:00,14:00,22:00"),
    ("twice a day", "ask"),
    // --- weekdays by name
    ("every monday at 9", "days=mon at=09:00"),
    ("every tuesday at 6pm", "days=tue at=18:00"),
    ("every tuesdy at 6pm", "days=tue at=18:00"),
    ("mondays and thursdays at noon", "days=mon,thu at=12:00"),
    ("every monday and thursday at noon", "days=mon,thu at=12:00"),
    ("every mon, wed & fri at 7", "days=mon,wed,fri at=07:00"),
    ("on tuesdays at 10", "days=tue at=10:00"),
    ("tuesdays at 10", "days=tue at=10:00"),
    ("every wednesday", "days=wed at=09:00"),
    (
        "every friday at 5pm send the weekly report",
        "days=fri at=17:00 task=send_the_weekly_report",
    ),
    (
        "send the weekly report every monday at 9",
        "days=mon at=09:00 task=send_the_weekly_report",
    ),
    (
        "remind me about my monday meeting every sunday evening",
        "days=sun at=18:00 task=about_my_monday_meeting",
    ),
    (
        "every sunday at 20:00 remind me to plan the week",
        "days=sun at=20:00 task=plan_the_week",
    ),
    ("weekly on monday at 9", "days=mon at=09:00"),
    ("every week on friday at 16:00", "days=fri at=16:00"),
    // --- zones and offsets
    ("every day at 9 Tokyo time", "zone=Asia/Tokyo at=09:00"),
    (
        "every day at 9am America/New_York",
        "zone=America/New_York at=09:00",
    ),
    ("every day at 9am EST", "zone=America/New_York at=09:00"),
    ("every day at 9am UTC", "zone=UTC at=09:00"),
    ("every day at 9am UTC+2", "zone=Etc/GMT-2 at=09:00"),
    ("9am UTC+2 every day", "zone=Etc/GMT-2 at=09:00"),
    ("every day at 9am GMT-5", "zone=Etc/GMT+5 at=09:00"),
    ("every day at 9am UTC +2", "zone=Etc/GMT-2 at=09:00"),
    (
        "every weekday at 8:30 in Europe/London",
        "zone=Europe/London days=weekdays at=08:30",
    ),
    (
        "every monday at 9 new york time",
        "zone=America/New_York days=mon at=09:00",
    ),
    ("tomorrow at 9am UTC", "zone=UTC once=2026-11-22T09:00"),
    // --- one-shots and spans
    ("tomorrow at 5pm", "once=2026-11-22T17:00"),
    ("tomorow at 5pm", "once=2026-11-22T17:00"),
    ("tommorow at 5pm", "once=2026-11-22T17:00"),
    ("in 20 minutes", "in=1200"),
    ("in an hour", "in=3600"),
    ("in an hour and a half", "in=5400"),
    ("in 2 hours", "in=7200"),
    ("in 1 hour and 30 minutes", "in=5400"),
    ("in half an hour", "in=1800"),
    ("in 3 days", "in=259200"),
    ("next friday at 9", "once=2026-11-27T09:00"),
    ("on friday at 9", "once=2026-11-27T09:00"),
    ("friday at 9", "once=2026-11-27T09:00"),
    ("next firday at 9", "once=2026-11-27T09:00"),
    ("on 3 march at 12:15", "once=2027-03-03T12:15"),
    ("on march 3rd at 12:15", "once=2027-03-03T12:15"),
    ("december 25th at 8am", "once=2026-12-25T08:00"),
    ("at 5pm", "once=2026-11-21T17:00"),
    ("at 9", "once=2026-11-22T09:00"),
    ("the day after tomorrow at noon", "once=2026-11-23T12:00"),
    ("2026-12-01 at 14:00", "once=2026-12-01T14:00"),
    (
        "tomorrow at 9 remind me to call mom",
        "once=2026-11-22T09:00 task=call_mom",
    ),
    // --- words that must be asked about, never dropped
    ("every day at 7 except the first monday", "ask"),
    ("every day at 9 except holidays remind me to stretch", "ask"),
    ("every monday at 9 but not in december", "ask"),
    ("at 9 every day until friday", "ask"),
    ("remind me to stretch on the weekend at 10", "ask"),
    ("every day at 8 until the end of the month", "ask"),
    ("every weekday at 9 during the school holidays", "ask"),
    ("every day at 9 except when it rains", "ask"),
    (
        "every day at 7 remind me except on the first of the month",
        "ask",
    ),
    ("at 6:30am mon wed fri", "ask"),
    ("remind me on christmas day at 9", "ask"),
    ("every year on my birthday", "ask"),
    ("at noon on the last business day of the month", "ask"),
    (
        "every day at 9 buy mom's birthday present",
        "at=09:00 task=buy_mom's_birthday_present",
    ),
    (
        "every friday at 17:00 post the week's summary",
        "days=fri at=17:00 task=post_the_week's_summary",
    ),
    ("2x a day at 9 and 21", "at=09:00,21:00"),
    ("first thing tomorrow", "once=2026-11-22T09:00"),
    (
        "every weekday at 9 but not on wednesdays",
        "days=mon,tue,thu,fri at=09:00",
    ),
    (
        "every night at 10:30pm except fridays",
        "days=mon,tue,wed,thu,sat,sun at=22:30",
    ),
    (
        "every hour between 8am-6pm on weekdays",
        "days=weekdays every=60 from=08:00 to=18:00",
    ),
    (
        "each weekday @ 7:45 ping me",
        "days=weekdays at=07:45 task=ping_me",
    ),
    ("mondays and thursdays at 9", "days=mon,thu at=09:00"),
    (
        "every monday at 9 and thursday at 9",
        "days=mon,thu at=09:00",
    ),
    (
        "mondays 9am and thursdays 2pm",
        "days=mon at=09:00 ; days=thu at=14:00",
    ),
    (
        "every monday at 9 and thursday at 5pm",
        "days=mon at=09:00 ; days=thu at=17:00",
    ),
    (
        "every monday at 9 and every thursday at 14:30 remind me to swim",
        "days=mon at=09:00 ; days=thu at=14:30",
    ),
    // --- not a schedule, or not English without an LLM
    ("remind me to stretch", "ask"),
    ("hello there", "ask"),
    ("recuérdame beber agua cada día a las 10", "ask"),
    ("check the weekly report", "ask"),
    ("every", "ask"),
    ("every day at 25:00", "ask"),
    ("every 0 minutes", "ask"),
    ("the 30th of february", "ask"),
];

/// Days, their typos and their plurals, each read in a few sentences.
const DAYS: &[(&str, &str)] = &[
    ("monday", "mon"),
    ("mondya", "mon"),
    ("tuesday", "tue"),
    ("tuesdy", "tue"),
    ("teusday", "tue"),
    ("wednesday", "wed"),
    ("wendsday", "wed"),
    ("wensday", "wed"),
    ("wednsday", "wed"),
    ("thursday", "thu"),
    ("thrusday", "thu"),
    ("thursdy", "thu"),
    ("friday", "fri"),
    ("firday", "fri"),
    ("fridy", "fri"),
    ("saturday", "sat"),
    ("saturady", "sat"),
    ("sunday", "sun"),
    ("sundya", "sun"),
];

/// Times of day as people write them.
const TIMES: &[(&str, &str)] = &[
    ("7am", "07:00"),
    ("7:45", "07:45"),
    ("19:45", "19:45"),
    ("7.45pm", "19:45"),
    ("quarter past 7", "07:15"),
    ("half past 6am", "06:30"),
    ("half past 8", "08:30"),
    ("noon", "12:00"),
    ("6 pm", "18:00"),
    ("6 p.m.", "18:00"),
    ("11:59pm", "23:59"),
];

/// The corpus: the written phrases, each time of day on weekdays and
/// weekends, and each day (and its typos) in three
/// recurring sentences.
pub fn phrases() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = WRITTEN
        .iter()
        .map(|(p, r)| (p.to_string(), r.to_string()))
        .collect();
    for (written, time) in TIMES {
        all.push((
            format!("every weekday at {written}"),
            format!("days=weekdays at={time}"),
        ));
        all.push((
            format!("on weekends at {written}"),
            format!("days=weekends at={time}"),
        ));
    }
    for (day, code) in DAYS {
        all.push((
            format!("every {day} at 6pm"),
            format!("days={code} at=18:00"),
        ));
        all.push((
            format!("every {day} at 7:30 remind me to water the plants"),
            format!("days={code} at=07:30 task=water_the_plants"),
        ));
        all.push((
            format!("every day except {day} at 8"),
            format!("days={} at=08:00", all_but(code)),
        ));
    }
    all
}

fn all_but(code: &str) -> String {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .filter(|d| **d != code)
        .copied()
        .collect::<Vec<_>>()
        .join(",")
}
