//! Slash commands and autocomplete: what a person gets from `/workflow …` and `/timezone`, in a server (privately) and in DMs.

use super::*;

#[tokio::test]
async fn a_slash_new_in_a_server_answers_privately_with_the_draft_and_create_cancel_buttons() {
    let setup = Setup::start().await;
    let calls = setup
        .interact(slash(
            ALICE,
            SERVER_MEMBER,
            "new",
            Some(("text", "every weekday at 8:30 remind me to stand up")),
        ))
        .await;
    assert_eq!(calls.len(), 1, "one response, no deferral: {calls:?}");
    let call = &calls[0];
    assert!(is_callback(call), "{call:?}");
    assert_eq!(call.authorization.as_deref(), Some("Bot fake-bot-token"));
    assert_eq!(call.body["type"], 4, "CHANNEL_MESSAGE_WITH_SOURCE");
    let data = &call.body["data"];
    assert_eq!(data["flags"], 64, "ephemeral in a server");
    let text = content(call);
    assert!(text.contains("(draft") && text.contains("08:30"), "{text}");
    assert_eq!(
        buttons(data),
        pairs(&[("Create", "confirm"), ("Cancel", "cancel")])
    );
    assert_eq!(data["allowed_mentions"]["parse"], json!([]), "no pings");
    assert!(setup.chat.workflows(&user(ALICE)).await.is_empty());
}

#[tokio::test]
async fn autocomplete_offers_the_users_own_workflow_names_that_match_what_was_typed() {
    let setup = Setup::start().await;
    for text in [
        "every weekday at 8:30 remind me to stand up",
        "every day at 18:00 remind me to water the plants",
        "every monday at 9 remind me to send the status report",
    ] {
        setup.create(ALICE, SERVER_MEMBER, text).await;
    }
    setup
        .create(BOB, SERVER_MEMBER, "every day at 7 remind me to stretch")
        .await;
    let alices = setup.chat.workflows(&user(ALICE)).await;
    let bobs = setup.chat.workflows(&user(BOB)).await;

    let offered = |calls: Vec<Call>| -> Vec<(String, String)> {
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(calls[0].body["type"], 8, "AUTOCOMPLETE_RESULT");
        calls[0].body["data"]["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["value"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };

    // Nothing typed: all of Alice's, none of Bob's.
    let all = offered(
        setup
            .interact(autocomplete(ALICE, SERVER_MEMBER, "pause", ""))
            .await,
    );
    let expected: Vec<(String, String)> = alices
        .iter()
        .map(|w| (format!("{} (#{})", w.name, w.id), format!("#{}", w.id)))
        .collect();
    assert_eq!(all, expected);
    assert!(all.iter().all(|(name, _)| !name.contains(&bobs[0].name)));

    // What was typed narrows it: the start of a word of the name.
    let typed = "wat";
    let narrowed = offered(
        setup
            .interact(autocomplete(ALICE, SERVER_MEMBER, "show", typed))
            .await,
    );
    let matching: Vec<&str> = alices
        .iter()
        .filter(|w| {
            w.name
                .to_lowercase()
                .split_whitespace()
                .any(|word| word.starts_with(typed))
        })
        .map(|w| w.name.as_str())
        .collect();
    assert_eq!(matching.len(), 1, "{alices:?}");
    assert_eq!(narrowed.len(), 1, "{narrowed:?}");
    assert!(narrowed[0].0.starts_with(matching[0]), "{narrowed:?}");

    // Bob typing the start of Alice's names gets nothing of hers.
    let first_letters: String = alices[0].name.chars().take(3).collect();
    let bobs_view = offered(
        setup
            .interact(autocomplete(BOB, SERVER_MEMBER, "show", &first_letters))
            .await,
    );
    assert!(
        bobs_view
            .iter()
            .all(|(_, value)| alices.iter().all(|w| value != &format!("#{}", w.id))),
        "{bobs_view:?}"
    );
}

#[tokio::test]
async fn a_member_with_manage_server_manages_a_server_workflow_of_someone_else_and_others_get_not_found(
) {
    let setup = Setup::start().await;
    setup
        .create(
            BOB,
            SERVER_MEMBER,
            "every day at 9 remind me to water the plants",
        )
        .await;
    let id = setup.chat.workflows(&user(BOB)).await[0].id;
    let reference = format!("#{id}");

    // Carol, a plain member: not found, and nothing offered.
    let refused = setup
        .interact(slash(
            CAROL,
            SERVER_MEMBER,
            "pause",
            Some(("name", &reference)),
        ))
        .await;
    assert!(
        content(&refused[0]).contains("couldn't find"),
        "{}",
        content(&refused[0])
    );
    let offered = setup
        .interact(autocomplete(CAROL, SERVER_MEMBER, "pause", ""))
        .await;
    assert_eq!(offered[0].body["data"]["choices"], json!([]));
    assert_eq!(
        setup.chat.workflows(&user(BOB)).await[0].status,
        WorkflowStatus::Active
    );

    // Alice may manage the server: she sees it offered and pauses it.
    let offered = setup
        .interact(autocomplete(ALICE, SERVER_MANAGER, "pause", ""))
        .await;
    assert_eq!(
        offered[0].body["data"]["choices"][0]["value"],
        json!(reference)
    );
    let paused = setup
        .interact(slash(
            ALICE,
            SERVER_MANAGER,
            "pause",
            Some(("name", &reference)),
        ))
        .await;
    assert!(
        content(&paused[0]).starts_with("Paused"),
        "{}",
        content(&paused[0])
    );
    assert_eq!(
        setup.chat.workflows(&user(BOB)).await[0].status,
        WorkflowStatus::Paused
    );

    // In her DM with the bot she manages no server: not found there.
    let elsewhere = setup
        .interact(slash(ALICE, Place::Dm, "show", Some(("name", &reference))))
        .await;
    assert!(
        content(&elsewhere[0]).contains("couldn't find"),
        "{}",
        content(&elsewhere[0])
    );
}

#[tokio::test]
async fn run_is_deferred_at_once_and_its_result_edits_the_response() {
    let setup = Setup::start().await;
    setup
        .create(
            ALICE,
            SERVER_MEMBER,
            "every day at 9 remind me to water the plants",
        )
        .await;
    let id = setup.chat.workflows(&user(ALICE)).await[0].id;
    let calls = setup
        .interact(slash(
            ALICE,
            SERVER_MEMBER,
            "run",
            Some(("name", &format!("#{id}"))),
        ))
        .await;
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(is_callback(&calls[0]));
    assert_eq!(
        calls[0].body["type"], 5,
        "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE"
    );
    assert_eq!(calls[0].body["data"]["flags"], 64);
    assert_eq!(calls[1].method, "PATCH");
    assert_eq!(calls[1].body["allowed_mentions"]["parse"], json!([]));
    assert!(
        calls[1]
            .path
            .starts_with(&format!("/api/v10/webhooks/{APP}/"))
            && calls[1].path.ends_with("/messages/@original"),
        "{}",
        calls[1].path
    );
    let text = content(&calls[1]);
    assert!(text.contains(&format!("#{id}")), "{text}");
    assert!(text.contains("succeeded"), "{text}");
}

#[tokio::test]
async fn timezone_help_and_unknown_commands_are_answered() {
    let setup = Setup::start().await;
    let zone = setup
        .interact(top_level(
            ALICE,
            Place::Dm,
            "timezone",
            Some(("zone", "Europe/Paris")),
        ))
        .await;
    assert_eq!(zone[0].body["type"], 4);
    assert!(!ephemeral(&zone[0].body["data"]), "a DM is private already");
    assert!(content(&zone[0]).contains("Europe/Paris"), "{zone:?}");

    let help = setup
        .interact(slash(ALICE, SERVER_MEMBER, "help", None))
        .await;
    assert!(content(&help[0]).contains("/workflow new"), "{help:?}");

    let unknown = setup
        .interact(top_level(ALICE, SERVER_MEMBER, "ping", None))
        .await;
    assert_eq!(unknown[0].body["data"]["flags"], 64);
    assert!(
        content(&unknown[0]).contains("/workflow help"),
        "{unknown:?}"
    );

    let stray = setup
        .interact(press(ALICE, SERVER_MEMBER, "frobnicate", true))
        .await;
    assert!(
        content(&stray[0]).contains("I don't know the button"),
        "{stray:?}"
    );
}

#[tokio::test]
async fn a_long_answer_to_a_slash_command_goes_on_in_private_follow_ups() {
    let setup = Setup::start().await;
    let names: Vec<String> = (1..=25)
        .map(|i| format!("Reminder {i:02} to look at the long report about the quarterly numbers"))
        .collect();
    for name in &names {
        setup
            .import(json!({
                "name": name,
                "owner": user(ALICE),
                "trigger": {"kind": "cron", "expression": "0 9 * * *"},
                "steps": [{"type": "message", "text": "look at the report"}]
            }))
            .await;
    }
    let calls = setup
        .interact(slash(ALICE, SERVER_MEMBER, "list", None))
        .await;
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(is_callback(&calls[0]));
    assert_eq!(calls[0].body["type"], 4);
    assert_eq!(calls[1].method, "POST");
    assert!(
        calls[1]
            .path
            .starts_with(&format!("/api/v10/webhooks/{APP}/")),
        "{}",
        calls[1].path
    );
    for call in &calls {
        let data = if is_callback(call) {
            &call.body["data"]
        } else {
            &call.body
        };
        assert!(ephemeral(data), "{call:?}");
        assert!(content(call).chars().count() <= 2_000);
    }
    let all = format!("{}\n{}", content(&calls[0]), content(&calls[1]));
    for name in &names {
        assert!(all.contains(name.as_str()), "{name} missing");
    }
}

#[tokio::test]
async fn ready_registers_the_slash_commands_once() {
    let setup = Setup::start().await;
    setup.event(ready()).await;
    setup.event(ready()).await;
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].method, "PUT");
    assert_eq!(
        calls[0].path,
        format!("/api/v10/applications/{APP}/commands")
    );
    let commands = calls[0].body.as_array().unwrap();
    let names: Vec<&str> = commands
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["workflow", "timezone", "dashboard"]);
    let subcommands: Vec<&str> = commands[0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        subcommands,
        ["new", "list", "show", "pause", "resume", "run", "logs", "delete", "help"]
    );
    let show = &commands[0]["options"][2]["options"][0];
    assert_eq!(show["name"], "name");
    assert_eq!(show["autocomplete"], true);
    assert_eq!(setup.bot.me().map(|id| id.get()), Some(BOT));
}
