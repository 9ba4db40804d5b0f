//! Bad input never panics and always gets a clear error that says what was not
//! understood, with an example that works.

use crate::helpers::read;

const NOW: &str = "2026-11-21T10:00:00+01:00";

fn error_for(input: &str) -> String {
    read(input, NOW, "Europe/Paris").expect_err(&format!("'{input}' must be refused"))
}

#[test]
fn empty_input_says_so() {
    assert!(error_for("").contains("empty"));
    assert!(error_for("   \n\t ").contains("empty"));
}

#[test]
fn ten_kilobytes_is_refused_with_the_limit() {
    let huge = "every day at 9 ".repeat(700);
    assert!(huge.len() > 10_000);
    let error = error_for(&huge);
    assert!(error.contains("the limit is 2000"), "{error}");
}

#[test]
fn emoji_and_right_to_left_text_do_not_break_parsing() {
    for text in [
        "🙂🙂🙂",
        "שלום עולם",
        "مرحبا بالعالم",
        "\u{202e}every day\u{202c}",
        "🙂 every 🙂 day 🙂",
    ] {
        let _ = read(text, NOW, "Europe/Paris");
    }
    let parsed = read("every day at 9 🚀 deploy", NOW, "Europe/Paris").unwrap();
    assert_eq!(parsed.task.as_deref(), Some("🚀 deploy"));
    assert!(error_for("كل يوم").contains("couldn't find a schedule"));
}

#[test]
fn a_zero_or_negative_interval_is_refused() {
    assert!(error_for("every 0 minutes").contains("never happens"));
    assert!(error_for("every -5 hours").contains("never happens"));
    assert!(error_for("every 30 seconds").contains("shortest interval allowed is 1 minute"));
}

#[test]
fn impossible_times_and_dates_are_named() {
    let error = error_for("at 25:00");
    assert!(error.contains("'25:00' is not a time of day"), "{error}");
    assert!(error.contains("at 21:15"), "{error}");
    let error = error_for("february 30th");
    assert!(error.contains("February has no day 30"), "{error}");
    assert!(error_for("on april 31 at 9").contains("April has no day 31"));
    assert!(error_for("every day at 13pm").contains("'13pm' is not a time of day"));
}

#[test]
fn a_bad_cron_field_is_named() {
    let error = error_for("60 * * * *");
    assert!(error.contains("minute field '60'"), "{error}");
    assert!(error_for("0 24 * * *").contains("hour field '24'"));
    assert!(error_for("0 0 32 * *").contains("day-of-month field '32'"));
    assert!(error_for("0 0 * 13 *").contains("month field '13'"));
    assert!(error_for("0 0 * * 8").contains("day-of-week field '8'"));
    assert!(error_for("* * * *").contains("has 4"));
}

#[test]
fn contradictions_are_questions_not_guesses() {
    assert!(error_for("twice a day").contains("at which times"));
    assert!(error_for("today at 9").contains("already passed"));
    assert!(error_for("in 20 minutes every day").contains("not both"));
    assert!(error_for("at 9 Tokyo time EST").contains("two time zones"));
}

#[test]
fn a_bad_rrule_or_duration_is_explained() {
    assert!(error_for("RRULE:FREQ=SOMETIMES").contains("not valid"));
    assert!(
        error_for("DTSTART;TZID=Mars/Base:20260101T090000 RRULE:FREQ=DAILY")
            .contains("unknown time zone")
    );
    assert!(error_for("PT0M").contains("longer than zero"));
}
