use super::*;

fn cron(pattern: &str) -> String {
    let schedule = Schedule::new(
        Trigger::Cron(CronExpr::parse(pattern).unwrap()),
        "Europe/Paris".parse().unwrap(),
    );
    schedule.describe()
}

#[test]
fn common_cron_shapes_read_as_english() {
    assert_eq!(cron("30 8 * * 1-5"), "At 08:30 on weekdays (Europe/Paris)");
    assert_eq!(
        cron("30 8 * * MON-FRI"),
        "At 08:30 on weekdays (Europe/Paris)"
    );
    assert_eq!(
        cron("0 9,17 * * *"),
        "At 09:00 and 17:00 every day (Europe/Paris)"
    );
    assert_eq!(cron("*/15 * * * *"), "Every 15 minutes (Europe/Paris)");
    assert_eq!(
        cron("0 12 * * MON,THU"),
        "At 12:00 on Mondays and Thursdays (Europe/Paris)"
    );
    assert_eq!(
        cron("0 17 * * FRI#L"),
        "At 17:00 on the last Friday of the month (Europe/Paris)"
    );
    assert_eq!(
        cron("0 9 1,15 * *"),
        "At 09:00 on the 1st and 15th of the month (Europe/Paris)"
    );
    assert_eq!(
        cron("0 9 25 12 *"),
        "At 09:00 on 25 December (Europe/Paris)"
    );
    assert_eq!(
        cron("0 9 * 11 THU#4"),
        "At 09:00 on the 4th Thursday of November (Europe/Paris)"
    );
    assert_eq!(
        cron("0 12 1 * MON"),
        "At 12:00 on the 1st of the month and on Mondays (Europe/Paris)"
    );
    assert_eq!(cron("@daily"), "At 00:00 every day (Europe/Paris)");
    assert_eq!(
        cron("0 0 L * *"),
        "At 00:00 on the last day of the month (Europe/Paris)"
    );
}

#[test]
fn days_some_months_lack_say_those_months_are_skipped() {
    assert_eq!(
        cron("0 9 31 * *"),
        "At 09:00 on the 31st of the month (skipped in months without a 31st) (Europe/Paris)"
    );
    assert_eq!(
        cron("0 9 15,30 * *"),
        "At 09:00 on the 15th and 30th of the month (skipped in months without a 30th) (Europe/Paris)"
    );
    assert_eq!(
        cron("0 9 31 12 *"),
        "At 09:00 on 31 December (Europe/Paris)"
    );
    assert_eq!(
        cron("30 * * * *"),
        "Every hour at 30 minutes past (Europe/Paris)"
    );
}
