use super::*;

fn tool(text: &str) -> (&'static str, Value) {
    match parse(text) {
        Intent::Tool(name, args) => (name, args),
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn management_by_name_or_id() {
    assert_eq!(tool("pause the draft reminder").0, "pause_workflow");
    assert_eq!(
        tool("pause the draft reminder").1["workflow"],
        "the draft reminder"
    );
    assert_eq!(
        tool("run the status check now").1["workflow"],
        "the status check"
    );
    assert_eq!(tool("run it now").1["workflow"], "it");
    assert_eq!(
        tool("delete workflow 'Old Report'").1["workflow"],
        "workflow 'Old Report"
    );
    assert_eq!(tool("show my workflows").0, "list_workflows");
    assert_eq!(tool("list my workflows").0, "list_workflows");
    assert_eq!(tool("resume #3").1["workflow"], "#3");
    assert_eq!(
        tool("pause the status check because the site is migrating").1["note"],
        "the site is migrating"
    );
    assert_eq!(tool("snooze #2 by 30 minutes").1["by"], "30 minutes");
    assert_eq!(
        tool("skip the next run of the backup").1["workflow"],
        "the backup"
    );
    assert_eq!(
        tool("rename #2 to Morning check").1["name"],
        "Morning check"
    );
}

#[test]
fn history_questions() {
    let (name, args) = tool("what did the morning workflow do today?");
    assert_eq!(name, "workflow_runs");
    assert_eq!(args["workflow"], "the morning workflow");
    assert_eq!(args["period"], "today");
    let (name, args) = tool("any workflow errors this week?");
    assert_eq!(name, "workflow_runs");
    assert_eq!(args["status"], "errors");
    assert_eq!(args["period"], "this week");
    assert_eq!(args["workflow"], Value::Null);
    assert_eq!(tool("logs for #3").1["workflow"], "#3");
    assert_eq!(tool("what did it do today?").1["workflow"], "it");
}

#[test]
fn asking_what_is_running_lists_the_workflows() {
    for said in [
        "is anything running?",
        "anything running",
        "is there anything scheduled",
        "what's running now?",
        "are any workflows running at the moment?",
    ] {
        assert_eq!(tool(said).0, "list_workflows", "{said}");
    }
}

#[test]
fn zones() {
    assert_eq!(
        tool("my timezone is Europe/Paris").1["timezone"],
        "Europe/Paris"
    );
    assert_eq!(tool("I'm in Tokyo").1["timezone"], "Tokyo");
    // A zone's IANA name alone, as people paste it.
    for said in ["Europe/Paris", "europe/paris.", " America/New_York ", "UTC"] {
        let (name, args) = tool(said);
        assert_eq!(name, "set_timezone", "{said}");
        assert_eq!(
            args["timezone"],
            said.trim().trim_end_matches('.'),
            "{said}"
        );
    }
    assert_ne!(tool("Europe/Nowhere").0, "set_timezone");
    assert_eq!(tool("I moved to Tokyo").1["timezone"], "Tokyo");
    assert_eq!(
        tool("I've just moved to New York").1["timezone"],
        "New York"
    );
}

#[test]
fn creation_keeps_the_sentence() {
    let (name, args) = tool("every morning at 9 remind me to stretch");
    assert_eq!(name, "create_workflow");
    assert_eq!(args["schedule"], "every morning at 9 remind me to stretch");
    let (_, args) = tool("create a workflow that checks https://x.example every hour");
    assert_eq!(args["schedule"], "checks https://x.example every hour");
    // A schedule with a control verb in its task is still a creation.
    assert_eq!(
        tool("every day at 9 remind me to stop the car").0,
        "create_workflow"
    );
    // Led by a control verb, with the schedule after.
    for request in [
        "turn on the heater on monday at 6am",
        "turn on the lights at 10pm",
        "stop the sprinklers at 7:30 pm",
        "run the backup script at 11",
        "delete old logs on sundays",
        "pause the music on weekdays at 10.15",
    ] {
        assert_eq!(tool(request).0, "create_workflow", "{request}");
    }
    // Without a schedule they are commands on a workflow.
    assert_eq!(tool("turn on the heater check").0, "resume_workflow");
    assert_eq!(tool("pause standup").0, "pause_workflow");
}

#[test]
fn settling_a_draft() {
    assert_eq!(settle("yes"), Settle::Confirm(None));
    assert_eq!(settle("Yes please!"), Settle::Confirm(None));
    assert_eq!(settle("yes but at 9"), Settle::Confirm(Some("at 9".into())));
    assert_eq!(settle("cancel"), Settle::Cancel);
    assert_eq!(
        settle("make it 8:30 instead"),
        Settle::Amend("make it 8:30 instead".into())
    );
    assert_eq!(
        settle("only on weekdays"),
        Settle::Amend("only on weekdays".into())
    );
    assert_eq!(
        settle("call it Morning check"),
        Settle::Amend("call it Morning check".into())
    );
    assert_eq!(settle("list my workflows"), Settle::Other);
    assert_eq!(
        amendment("make it 8:30 instead"),
        Change::Schedule("8:30".into())
    );
    assert_eq!(amendment("at 9"), Change::Schedule("at 9".into()));
    assert_eq!(
        amendment("only on weekdays"),
        Change::Schedule("on weekdays".into())
    );
    assert_eq!(
        amendment("call it Morning check"),
        Change::Name("Morning check".into())
    );
}

#[test]
fn questions_about_the_zone_are_read_with_or_without_the_apostrophe() {
    for text in [
        "what's my timezone",
        "whats my timezone",
        "what’s my time zone?",
        "what is my tz",
    ] {
        assert_eq!(
            tool(text),
            ("set_timezone", json!({ "timezone": null })),
            "{text}"
        );
    }
}

#[test]
fn times_with_am_or_pm_sound_like_requests() {
    for text in [
        "on christmas at 8am say merry christmas",
        "at 10pm call mom",
        "at 7.30 pm stretch",
        "9am stand-up",
        "at 11 back up the database",
    ] {
        assert!(super::sounds_like_a_request(text), "{text}");
    }
    assert!(!super::sounds_like_a_request("hello there, how are you"));
}

#[test]
fn additions_keep_their_adding_words() {
    assert_eq!(
        settle("and on saturdays too"),
        Settle::Amend("and on saturdays too".into())
    );
    assert_eq!(
        amendment("also at 9pm"),
        Change::Schedule("also at 9pm".into())
    );
    // Joining words before a change that replaces go as before.
    assert_eq!(amendment("and make it 10"), Change::Schedule("10".into()));
    let (name, args) = tool("add noon to pills");
    assert_eq!(name, "update_workflow");
    assert_eq!(args["workflow"], "pills");
    assert_eq!(args["schedule"], "also noon");
    let (_, args) = tool("change pills to also run at noon");
    assert_eq!(
        (args["workflow"].as_str(), args["schedule"].as_str()),
        (Some("pills"), Some("also at noon"))
    );
    // A sentence with a schedule of its own is a new workflow.
    assert_eq!(
        tool("add 5 minutes to the timer every day at 9").0,
        "create_workflow"
    );
}

#[test]
fn days_taken_out_of_a_workflow_are_an_exception_not_a_delete() {
    for (text, workflow, schedule) in [
        (
            "remove saturdays from standup",
            "standup",
            "except saturdays",
        ),
        (
            "drop fridays and sundays from the standup",
            "the standup",
            "except fridays and sundays",
        ),
        ("skip fridays for standup", "standup", "except fridays"),
        ("standup no longer on fridays", "standup", "except fridays"),
        ("stop standup on weekends", "standup", "except weekends"),
        ("take mondays off pills", "pills", "except mondays"),
    ] {
        let (name, args) = tool(text);
        assert_eq!(name, "update_workflow", "{text}");
        assert_eq!(args["workflow"], workflow, "{text}");
        assert_eq!(args["schedule"], schedule, "{text}");
    }
    assert_eq!(tool("remove standup").0, "delete_workflow");
}
