//! Talking about schedules through `steward chat --message --json`, one turn
//! per invocation, judged by what is stored (`steward workflows list --json`):
//! confirm-with-change, follow-up answers, confirm words, amendments that
//! change only what they name, and a change that could not be made never
//! confirmed by the next yes.

use serde_json::Value;

use crate::helpers::{output_of, steward_command};

struct Chat {
    _dir: tempfile::TempDir,
    db: String,
}

impl Chat {
    /// A fresh store and a person whose zone is Paris.
    fn new() -> Chat {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("steward.db").display().to_string();
        let chat = Chat { _dir: dir, db };
        chat.say("my timezone is Europe/Paris");
        chat
    }

    fn say(&self, message: &str) -> String {
        let (code, stdout, stderr) = output_of(
            steward_command().args([
                "--db",
                &self.db,
                "chat",
                "--user",
                "alice",
                "--json",
                "--message",
                message,
            ]),
            None,
        );
        assert_eq!(code, 0, "{stderr}");
        let value: Value = serde_json::from_str(stdout.trim()).unwrap();
        value["reply"].as_str().unwrap().to_string()
    }

    fn stored(&self) -> Vec<Value> {
        let (code, stdout, stderr) = output_of(
            steward_command().args(["--db", &self.db, "workflows", "list", "--json"]),
            None,
        );
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str::<Value>(&stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    /// The one stored workflow's (kind, expression, zone).
    fn trigger(&self) -> (String, String, String) {
        let stored = self.stored();
        assert_eq!(stored.len(), 1, "one workflow stored: {stored:?}");
        let t = &stored[0]["trigger"];
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        (
            text(&t["kind"]),
            text(&t["expression"]),
            text(&t["timezone"]),
        )
    }
}

#[test]
fn yes_but_make_it_run_at_830_instead_stores_830() {
    let chat = Chat::new();
    chat.say("every day at 9 remind me to stretch");
    let reply = chat.say("Yes, but make it run at 8:30 instead");
    assert!(reply.starts_with("Created"), "{reply}");
    assert_eq!(chat.trigger().1, "30 8 * * *");
}

#[test]
fn an_answer_to_the_readers_question_fills_the_request() {
    let chat = Chat::new();
    let asked = chat.say("remind me to drink water twice a day");
    assert!(asked.contains("which times"), "{asked}");
    let draft = chat.say("at 10am and 4pm");
    assert!(draft.contains("At 10:00 and 16:00 every day"), "{draft}");
    chat.say("yes");
    assert_eq!(chat.trigger().1, "0 10,16 * * *");
    assert_eq!(chat.stored()[0]["steps"][0]["text"], "drink water");
}

#[test]
fn an_answer_to_which_half_of_the_day_settles_the_time_asked_about() {
    for answer in [
        "5pm",
        "at 5pm",
        "17:00",
        "make it 5pm",
        "I meant 5 pm",
        "pm",
        "in the evening",
        "the afternoon one",
    ] {
        let chat = Chat::new();
        let asked = chat.say("every friday at 5 say happy friday team!");
        assert!(asked.contains("could be 05:00 or 17:00"), "{asked}");
        let draft = chat.say(answer);
        assert!(draft.contains("At 17:00 on Fridays"), "{answer}: {draft}");
        chat.say("yes");
        assert_eq!(chat.trigger().1, "0 17 * * FRI", "{answer}");
        assert_eq!(chat.stored()[0]["steps"][0]["text"], "happy friday team");
    }
    let chat = Chat::new();
    chat.say("every friday at 5 say happy friday team!");
    chat.say("morning");
    chat.say("yes");
    assert_eq!(chat.trigger().1, "0 5 * * FRI");
    // An answer that is not the hour asked about settles nothing.
    for answer in ["6pm", "make it 6pm", "make it weekly"] {
        let chat = Chat::new();
        chat.say("every friday at 5 say happy friday team!");
        chat.say(answer);
        chat.say("yes");
        assert!(chat.stored().is_empty(), "{answer}");
    }
}

#[test]
fn a_date_answers_which_day_a_holiday_is() {
    for answer in ["april 2", "on 2 april", "2 Apr."] {
        let chat = Chat::new();
        let asked = chat.say("on good friday at 9am say the shop is closed");
        assert!(asked.contains("is a holiday"), "{asked}");
        let draft = chat.say(answer);
        assert!(draft.contains("2 Apr 2027 at 09:00"), "{answer}: {draft}");
        chat.say("yes");
        assert_eq!(
            chat.stored()[0]["steps"][0]["text"],
            "the shop is closed",
            "{answer}"
        );
    }
    // A new request instead of a date is read as itself.
    let chat = Chat::new();
    chat.say("on good friday at 9am say the shop is closed");
    let draft = chat.say("every monday at 8am say week starts");
    assert!(draft.contains("At 08:00 on Mondays"), "{draft}");
}

#[test]
fn a_time_alone_does_not_turn_a_repeating_draft_into_one_run() {
    let chat = Chat::new();
    chat.say("twice a day at 9 and 5 say drink water");
    let asked = chat.say("5pm");
    assert!(asked.contains("would make it run once"), "{asked}");
    assert!(asked.contains("The draft is unchanged"), "{asked}");
    chat.say("yes");
    chat.say("yes");
    let (kind, expression, _) = chat.trigger();
    assert_eq!(
        (kind.as_str(), expression.as_str()),
        ("cron", "0 9,17 * * *")
    );
    // A day of its own makes one run what was asked for.
    let chat = Chat::new();
    chat.say("every day at 9 say drink water");
    let draft = chat.say("tomorrow at 5pm");
    assert!(draft.contains("Once"), "{draft}");
    // A time alone on a schedule with one time keeps its days.
    let chat = Chat::new();
    chat.say("every weekday at 9 say drink water");
    chat.say("5pm");
    chat.say("yes");
    assert_eq!(chat.trigger().1, "0 17 * * MON-FRI");
}

#[test]
fn reactions_and_short_words_confirm() {
    for yes in [
        "👍",
        "✅",
        "lgtm",
        "sounds good",
        "go ahead",
        "do it",
        "sure",
        "ok 👍",
    ] {
        let chat = Chat::new();
        chat.say("every day at 9 remind me to stretch");
        let reply = chat.say(yes);
        assert!(reply.starts_with("Created"), "{yes}: {reply}");
        assert_eq!(chat.stored().len(), 1, "{yes}");
    }
    let chat = Chat::new();
    chat.say("every day at 9 remind me to stretch");
    chat.say("👎");
    assert!(chat.stored().is_empty());
}

#[test]
fn only_on_weekdays_keeps_the_interval() {
    let chat = Chat::new();
    chat.say("every 15 minutes check https://status.example.com");
    let draft = chat.say("only on weekdays");
    assert!(draft.contains("Every 15 minutes on weekdays"), "{draft}");
    chat.say("yes");
    assert_eq!(chat.trigger().1, "*/15 * * * MON-FRI");
}

#[test]
fn amendments_change_only_what_they_name() {
    let chat = Chat::new();
    chat.say("every day except weekends at 7 remind me to meditate");
    chat.say("make it 9 instead");
    chat.say("make it Tokyo time");
    let renamed = chat.say("rename it to Morning calm");
    assert!(renamed.contains("Morning calm"), "{renamed}");
    chat.say("yes");
    assert_eq!(
        chat.trigger(),
        ("cron".into(), "0 9 * * MON-FRI".into(), "Asia/Tokyo".into())
    );
    assert_eq!(chat.stored()[0]["name"], "Morning calm");
}

#[test]
fn a_change_that_could_not_be_made_is_not_confirmed_by_the_next_yes() {
    let chat = Chat::new();
    chat.say("every day at 7 remind me to stretch");
    let refused = chat.say("between 9 and 5");
    assert!(refused.contains("The draft is unchanged"), "{refused}");
    let reminded = chat.say("yes");
    assert!(reminded.contains("did not apply"), "{reminded}");
    assert!(chat.stored().is_empty(), "nothing created by that yes");
    let created = chat.say("yes");
    assert!(created.starts_with("Created"), "{created}");
    assert_eq!(chat.trigger().1, "0 7 * * *");
}

#[test]
fn words_the_reader_cannot_place_are_asked_about_and_nothing_is_drafted() {
    let chat = Chat::new();
    let asked = chat.say("every day at 7 except the first monday remind me to stretch");
    assert!(
        asked.contains("I read \"every day at 7\" but not \"except the first monday\""),
        "{asked}"
    );
    let after = chat.say("yes");
    assert!(!after.starts_with("Created"), "{after}");
    assert!(chat.stored().is_empty());
}

#[test]
fn after_creation_it_can_be_renamed_switched_off_and_on_and_snoozed() {
    let chat = Chat::new();
    chat.say("every day at 7 remind me to stretch");
    chat.say("yes");
    chat.say("call it Morning stretch");
    chat.say("yes");
    assert_eq!(chat.stored()[0]["name"], "Morning stretch");
    chat.say("turn it off");
    assert_eq!(chat.stored()[0]["status"], "paused");
    chat.say("turn it on");
    assert_eq!(chat.stored()[0]["status"], "active");
    let snoozed = chat.say("snooze morning stretch 2 hours");
    assert!(snoozed.contains("moves to"), "{snoozed}");
    let later = chat.say("pause it for a week");
    assert!(later.contains("resumes then on its own"), "{later}");
    assert_eq!(chat.stored()[0]["status"], "paused");
    assert!(
        chat.stored()[0]["paused_until"].is_string(),
        "{:?}",
        chat.stored()
    );
    let listed = chat.say("list my workflows");
    assert!(listed.contains("[paused until "), "{listed}");
}

#[test]
fn another_language_without_a_model_is_told_how_to_connect_one() {
    let chat = Chat::new();
    let reply = chat.say("recuérdame beber agua cada día a las 10");
    assert!(reply.contains("read English only"), "{reply}");
    assert!(reply.contains("OPENAI_API_KEY"), "{reply}");
    assert!(chat.stored().is_empty());
}

#[test]
fn names_and_messages_keep_no_terminal_escapes() {
    let chat = Chat::new();
    chat.say("every day at 9 remind me to \u{1b}[31mstretch\u{1b}[0m now");
    chat.say("yes");
    let stored = &chat.stored()[0];
    let text = stored["steps"][0]["text"].as_str().unwrap();
    assert_eq!(text, "stretch now");
    assert!(!stored["name"].as_str().unwrap().contains('['), "{stored}");
}

#[test]
fn an_addition_to_a_draft_adds_and_never_becomes_a_workflow_of_its_own() {
    let chat = Chat::new();
    chat.say("every weekday at 9 say standup");
    let added = chat.say("and on saturdays too");
    assert!(added.contains("Fridays and Saturdays"), "{added}");
    let times = chat.say("also at 2pm");
    assert!(times.contains("At 09:00 and 14:00"), "{times}");
    chat.say("yes");
    assert_eq!(chat.trigger().1, "0 9,14 * * MON,TUE,WED,THU,FRI,SAT");
    // An addition that would take runs away is refused, not applied.
    let other = Chat::new();
    other.say("every 2 hours say drink");
    let refused = other.say("also on weekends");
    assert!(refused.contains("The draft is unchanged"), "{refused}");
    assert!(
        other.stored().is_empty(),
        "nothing stored by a refused change"
    );
    // One run plus another day is no single run: refused, not replaced.
    let once = Chat::new();
    once.say("tomorrow at 9 say hi");
    let refused = once.say("and friday too");
    assert!(refused.contains("The draft is unchanged"), "{refused}");
}

#[test]
fn an_addition_to_a_stored_workflow_keeps_what_it_had() {
    let chat = Chat::new();
    chat.say("every day at 9 and 9pm say pills");
    chat.say("yes");
    let change = chat.say("add noon to pills");
    assert!(change.contains("At 09:00, 12:00 and 21:00"), "{change}");
    chat.say("yes");
    assert_eq!(chat.trigger().1, "0 9,12,21 * * *");
    let change = chat.say("change pills to also run on saturdays at 7");
    assert!(!change.contains("Once"), "{change}");
}

#[test]
fn days_left_out_keep_the_repeat() {
    // "except fridays" on a draft used to turn "every weekday at 9" into
    // one run on the next day; "remove saturdays from standup" offered to
    // delete the workflow.
    let chat = Chat::new();
    chat.say("every weekday at 9 say standup");
    let draft = chat.say("except fridays");
    assert!(
        draft.contains("Mondays, Tuesdays, Wednesdays and Thursdays"),
        "{draft}"
    );
    chat.say("yes");
    assert_eq!(chat.trigger().1, "0 9 * * MON,TUE,WED,THU");
    let stored = Chat::new();
    stored.say("every day at 9 say standup");
    stored.say("yes");
    let change = stored.say("remove saturdays from standup");
    assert!(change.starts_with("Change #1"), "{change}");
    stored.say("yes");
    assert_eq!(stored.trigger().1, "0 9 * * MON,TUE,WED,THU,FRI,SUN");
    let change = stored.say("stop standup on sundays");
    assert!(
        change.contains("Fridays") && !change.contains("Once"),
        "{change}"
    );
}
