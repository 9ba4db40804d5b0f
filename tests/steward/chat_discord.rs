//! Discord, driven the way Discord drives it: gateway dispatches and
//! interaction payloads in Discord's documented shapes go through the
//! adapter's event handler, and every answer is observed at a fake Discord
//! REST server, reached through serenity's HTTP client (`DISCORD_API_URL`).

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use steward::chat::discord::{interactions, Bot, Discord};
use steward::chat::{Outbound, Retry};
use steward::config::{DiscordConfig, Secret};
use steward::workflow::notify::Notice;
use steward::workflow::{Definition, RunStatus, WorkflowStatus};

use crate::fake_discord::*;
use crate::fake_gateway::FakeGateway;
use crate::helpers::Chat;

const SERVER_MEMBER: Place = Place::Guild {
    permissions: MEMBER,
};
const SERVER_MANAGER: Place = Place::Guild {
    permissions: MANAGER,
};

/// steward with its Discord adapter pointed at a fake Discord.
struct Setup {
    chat: Chat,
    fake: FakeDiscord,
    discord: Discord,
    bot: Bot,
}

impl Setup {
    async fn start() -> Setup {
        let chat = Chat::start("2026-11-20T10:00:00Z").await;
        let fake = FakeDiscord::start().await;
        let discord = fake.discord();
        let agent = chat
            .app
            .agent(&chat.config, Duration::from_secs(30))
            .unwrap();
        let bot = discord.bot(Arc::new(agent));
        Setup {
            chat,
            fake,
            discord,
            bot,
        }
    }

    /// A gateway dispatch (`{"t": ..., "d": ...}`) through the handler.
    async fn event(&self, dispatch: Value) {
        let event = serde_json::from_value(dispatch).expect("a dispatch serenity reads");
        self.bot.on_event(event).await;
    }

    /// An interaction as the gateway delivers it; the requests it caused.
    async fn interact(&self, interaction: Value) -> Vec<Call> {
        self.event(interaction_create(interaction)).await;
        self.fake.take()
    }

    /// `user` creates a workflow with `/workflow new` at `place` and
    /// presses Create.
    async fn create(&self, user: u64, place: Place, text: &str) {
        let drafted = self
            .interact(slash(user, place, "new", Some(("text", text))))
            .await;
        assert!(content(&drafted[0]).contains("(draft"), "{drafted:?}");
        let created = self.interact(press(user, place, "confirm", true)).await;
        assert!(content(&created[0]).starts_with("Created"), "{created:?}");
    }
}

impl Setup {
    /// Stores a workflow as `steward workflows import` would; its id.
    async fn import(&self, definition: Value) -> i64 {
        let definition: Definition = serde_json::from_value(definition).unwrap();
        let now = crate::helpers::at("2026-11-20T10:00:00Z");
        let new = definition
            .validate(now, steward::schedule::Zone::UTC, 60)
            .unwrap();
        let next = new.schedule.next_after(now);
        let store = &self.chat.app.store;
        let mut tx = store.begin_write().await.unwrap();
        let id = steward::store::workflows::insert(&mut tx, &new, next, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }
}

fn user(id: u64) -> String {
    format!("discord:{id}")
}

fn content(call: &Call) -> &str {
    call.body["data"]["content"]
        .as_str()
        .or_else(|| call.body["content"].as_str())
        .unwrap_or_else(|| panic!("no content in {call:?}"))
}

/// The (label, custom_id) of every button in a message body.
fn buttons(message: &Value) -> Vec<(String, String)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["label"].as_str().unwrap_or_default().to_string(),
                b["custom_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Whether a message body has the EPHEMERAL flag (64).
fn ephemeral(data: &Value) -> bool {
    data["flags"].as_u64().unwrap_or(0) & 64 != 0
}

fn is_callback(call: &Call) -> bool {
    call.method == "POST"
        && call.path.starts_with("/api/v10/interactions/")
        && call.path.ends_with("/callback")
}

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
async fn pressing_create_stores_the_workflow_and_turns_the_draft_into_the_answer() {
    let setup = Setup::start().await;
    setup
        .interact(slash(
            ALICE,
            SERVER_MEMBER,
            "new",
            Some(("text", "every weekday at 8:30 remind me to stand up")),
        ))
        .await;
    let calls = setup
        .interact(press(ALICE, SERVER_MEMBER, "confirm", true))
        .await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(is_callback(&calls[0]));
    assert_eq!(calls[0].body["type"], 7, "UPDATE_MESSAGE");
    let data = &calls[0].body["data"];
    assert!(content(&calls[0]).starts_with("Created"), "{data}");
    assert_eq!(data["components"], json!([]), "the buttons are gone");

    let stored = setup.chat.workflows(&user(ALICE)).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].home_chat.as_deref(),
        Some(format!("discord:{GUILD}:{CHANNEL}").as_str()),
        "results go to the channel it was made in"
    );

    let listed = setup
        .interact(slash(ALICE, SERVER_MEMBER, "list", None))
        .await;
    assert_eq!(listed[0].body["type"], 4);
    assert_eq!(listed[0].body["data"]["flags"], 64);
    assert!(
        content(&listed[0]).contains(&stored[0].name),
        "{}",
        content(&listed[0])
    );
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
async fn a_slow_button_press_is_acknowledged_then_the_message_is_edited() {
    let setup = Setup::start().await;
    setup
        .interact(slash(
            ALICE,
            SERVER_MEMBER,
            "new",
            Some(("text", "every day at 9 remind me to water the plants")),
        ))
        .await;
    let interaction = serde_json::from_value(press(ALICE, SERVER_MEMBER, "cancel", true)).unwrap();
    // A zero budget: every turn counts as slow.
    interactions::handle_within(
        &setup.discord.http(),
        &setup.chat.agent,
        &interaction,
        Duration::ZERO,
    )
    .await;
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0].body["type"], 6, "DEFERRED_UPDATE_MESSAGE");
    assert_eq!(calls[1].method, "PATCH");
    assert!(calls[1].path.ends_with("/messages/@original"));
    assert!(content(&calls[1]).starts_with("Cancelled"), "{calls:?}");
    assert_eq!(calls[1].body["components"], json!([]));
}

#[tokio::test]
async fn a_dm_is_answered_in_the_dm_and_its_buttons_work_there() {
    let setup = Setup::start().await;
    let alice = user_object(ALICE, "alice", false);
    setup
        .event(message_create(
            alice,
            Place::Dm,
            "every weekday at 8:30 remind me to stand up",
            &[],
        ))
        .await;
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].path, format!("/api/v10/channels/{DM}/messages"));
    assert!(content(&calls[0]).contains("(draft"), "{calls:?}");
    assert_eq!(
        buttons(&calls[0].body),
        pairs(&[("Create", "confirm"), ("Cancel", "cancel")])
    );
    assert!(calls[0].body.get("message_reference").is_none());

    let pressed = setup
        .interact(press(ALICE, Place::Dm, "confirm", false))
        .await;
    assert_eq!(pressed[0].body["type"], 7);
    assert!(
        pressed[0].body["data"].get("flags").is_none(),
        "not ephemeral in a DM"
    );
    let stored = setup.chat.workflows(&user(ALICE)).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].home_chat.as_deref(),
        Some(format!("discord:dm:{DM}").as_str())
    );
}

#[tokio::test]
async fn a_server_message_mentioning_the_bot_is_answered_as_a_reply_without_pings() {
    let setup = Setup::start().await;
    setup.event(ready()).await;
    setup.fake.take();
    let alice = user_object(ALICE, "alice", false);
    let dispatch = message_create(
        alice,
        SERVER_MEMBER,
        &format!("<@{BOT}> every weekday at 8:30 remind me to stand up"),
        &[BOT],
    );
    let message_id = dispatch["d"]["id"].clone();
    setup.event(dispatch).await;
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls[0].path,
        format!("/api/v10/channels/{CHANNEL}/messages")
    );
    assert!(content(&calls[0]).contains("(draft"), "{calls:?}");
    assert_eq!(calls[0].body["message_reference"]["message_id"], message_id);
    assert_eq!(calls[0].body["allowed_mentions"]["parse"], json!([]));

    // The draft is Alice's: Bob pressing Create is told so, privately, and
    // the buttons stay for her.
    let bobs = setup
        .interact(press(BOB, SERVER_MEMBER, "confirm", false))
        .await;
    assert_eq!(bobs[0].body["type"], 4);
    assert_eq!(bobs[0].body["data"]["flags"], 64);
    assert!(setup.chat.workflows(&user(BOB)).await.is_empty());
    let hers = setup
        .interact(press(ALICE, SERVER_MEMBER, "confirm", false))
        .await;
    assert_eq!(hers[0].body["type"], 7, "the channel sees it was created");
    assert_eq!(setup.chat.workflows(&user(ALICE)).await.len(), 1);
}

#[tokio::test]
async fn asked_in_a_channel_for_their_workflows_a_person_gets_them_in_a_dm() {
    let setup = Setup::start().await;
    setup.event(ready()).await;
    setup.fake.take();
    setup
        .create(
            ALICE,
            SERVER_MEMBER,
            "every day at 9 remind me to water the plants",
        )
        .await;
    let name = setup.chat.workflows(&user(ALICE)).await[0].name.clone();
    let alice = user_object(ALICE, "alice", false);
    let ask = || {
        message_create(
            alice.clone(),
            SERVER_MEMBER,
            &format!("<@{BOT}> list my workflows"),
            &[BOT],
        )
    };

    setup.fake.take();
    setup.event(ask()).await;
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert_eq!(calls[0].path, "/api/v10/users/@me/channels");
    assert_eq!(calls[0].body["recipient_id"], ALICE.to_string());
    assert_eq!(calls[1].path, format!("/api/v10/channels/{DM}/messages"));
    assert!(content(&calls[1]).contains(&name), "{calls:?}");
    assert_eq!(
        calls[2].path,
        format!("/api/v10/channels/{CHANNEL}/messages")
    );
    assert!(content(&calls[2]).contains("in a DM"), "{calls:?}");
    assert!(!content(&calls[2]).contains(&name));

    // DMs closed: the channel is told where to ask instead, still without
    // the list.
    setup.fake.fail_next(
        403,
        json!({"message": "Cannot send messages to this user", "code": 50007}),
    );
    setup.event(ask()).await;
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[1].path,
        format!("/api/v10/channels/{CHANNEL}/messages")
    );
    assert!(content(&calls[1]).contains("/workflow list"), "{calls:?}");
    assert!(!content(&calls[1]).contains(&name));
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
    assert_eq!(names, ["workflow", "timezone"]);
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
async fn a_long_message_is_posted_in_pieces_under_2000_characters_with_the_buttons_last() {
    let setup = Setup::start().await;
    let text: String = (1..=50)
        .map(|i| format!("line {i:02}: {}\n", "x".repeat(40)))
        .collect();
    assert!(text.chars().count() >= 2_500);
    let message = Outbound {
        text: text.clone(),
        buttons: vec![
            steward::agent::Button {
                label: "Approve".into(),
                action: "approve:7".into(),
            },
            steward::agent::Button {
                label: "Reject".into(),
                action: "reject:7".into(),
            },
        ],
        about: None,
    };
    setup
        .discord
        .platform()
        .send(&format!("{GUILD}:{CHANNEL}"), &message)
        .await
        .unwrap();
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 2, "{calls:?}");
    for call in &calls {
        assert_eq!(call.path, format!("/api/v10/channels/{CHANNEL}/messages"));
        assert!(content(call).chars().count() <= 2_000);
    }
    assert!(buttons(&calls[0].body).is_empty());
    assert_eq!(
        buttons(&calls[1].body),
        pairs(&[("Approve", "approve:7"), ("Reject", "reject:7")])
    );
    let joined = format!("{}\n{}", content(&calls[0]), content(&calls[1]));
    assert_eq!(joined.trim_end(), text.trim_end(), "nothing lost");
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
async fn an_approval_request_reaches_the_channel_and_its_approve_button_lets_the_run_go_on() {
    let setup = Setup::start().await;
    let store = &setup.chat.app.store;
    let id = setup
        .import(json!({
            "name": "Deploy",
            "owner": user(ALICE),
            "home_chat": format!("discord:{GUILD}:{CHANNEL}"),
            "trigger": {"kind": "manual"},
            "steps": [
                {"id": "ask", "type": "approval", "prompt": "Deploy to production?", "timeout_seconds": 3600},
                {"id": "after", "type": "message", "text": "deployed"}
            ]
        }))
        .await;

    setup
        .interact(slash(
            ALICE,
            SERVER_MEMBER,
            "run",
            Some(("name", &format!("#{id}"))),
        ))
        .await;
    let notices = setup.chat.notifier.notices.lock().unwrap().clone();
    let request = notices
        .iter()
        .find(|n| matches!(n, Notice::ApprovalRequested { .. }))
        .expect("the run asks for approval");
    let run_id = request.run_id().unwrap();

    // Delivery posts it to the workflow's channel with the two buttons.
    let home = request.audience().to.clone().unwrap();
    let address = home.strip_prefix("discord:").unwrap();
    setup
        .discord
        .platform()
        .send(address, &Outbound::from_notice(request))
        .await
        .unwrap();
    let posted = setup.fake.take();
    assert_eq!(
        posted[0].path,
        format!("/api/v10/channels/{CHANNEL}/messages")
    );
    assert!(content(&posted[0]).contains("Deploy to production?"));
    let approve = format!("approve:{run_id}");
    let reject = format!("reject:{run_id}");
    assert_eq!(
        buttons(&posted[0].body),
        pairs(&[("Approve", &approve), ("Reject", &reject)])
    );

    // Carol may not answer it: she alone is told, the run still waits.
    let carols = setup
        .interact(press(CAROL, SERVER_MEMBER, &reject, false))
        .await;
    assert_eq!(carols[0].body["type"], 4);
    assert_eq!(carols[0].body["data"]["flags"], 64);
    assert!(
        content(&carols[0]).contains("couldn't find a run"),
        "{carols:?}"
    );

    // Alice approves: the channel's message says so and loses its buttons.
    let alices = setup
        .interact(press(ALICE, SERVER_MEMBER, &approve, false))
        .await;
    assert_eq!(alices[0].body["type"], 7, "{alices:?}");
    assert!(content(&alices[0]).starts_with("Approved"), "{alices:?}");
    assert_eq!(alices[0].body["data"]["components"], json!([]));

    setup
        .chat
        .app
        .scheduler
        .tick(crate::helpers::at("2026-11-20T10:01:00Z"))
        .await
        .unwrap();
    let runs = steward::store::runs::list(store.pool(), Some(id), None, 10)
        .await
        .unwrap();
    assert_eq!(runs[0].status, RunStatus::Succeeded, "{:?}", runs[0].error);
}

#[tokio::test]
async fn events_and_messages_not_for_steward_cause_no_call_and_no_error() {
    let setup = Setup::start().await;
    setup.event(ready()).await;
    setup.fake.take();
    let alice = user_object(ALICE, "alice", false);
    let mut from_webhook = message_create(
        alice.clone(),
        SERVER_MEMBER,
        &format!("<@{BOT}> list"),
        &[BOT],
    );
    from_webhook["d"]["webhook_id"] = json!("1950000000000000001");
    let mut joined = message_create(alice.clone(), SERVER_MEMBER, "", &[]);
    joined["d"]["type"] = json!(7);
    let mut attachment_only = message_create(alice.clone(), Place::Dm, "", &[]);
    attachment_only["d"]["attachments"] = json!([{
        "id": "1960000000000000001", "filename": "a.png", "size": 10,
        "url": "https://cdn.discordapp.com/a.png", "proxy_url": "https://media.discordapp.net/a.png"
    }]);
    let mut select = press(ALICE, SERVER_MEMBER, "pick", true);
    select["data"] = json!({"custom_id": "pick", "component_type": 3, "values": ["a"]});
    let mut modal = press(ALICE, SERVER_MEMBER, "form", true);
    modal["type"] = json!(5);
    modal["data"] = json!({"custom_id": "form", "components": []});

    let ignored = [
        // Another bot, steward itself, a webhook.
        message_create(user_object(1_999, "otherbot", true), Place::Dm, "list", &[]),
        message_create(
            user_object(BOT, "steward", true),
            SERVER_MEMBER,
            &format!("<@{BOT}> hi"),
            &[BOT],
        ),
        from_webhook,
        // A server message that does not mention the bot.
        message_create(alice.clone(), SERVER_MEMBER, "list my workflows", &[]),
        message_create(alice.clone(), SERVER_MEMBER, "hey <@1999> list", &[1_999]),
        // A member joining; a DM with only an attachment.
        joined,
        attachment_only,
        // Events of other kinds.
        json!({"t": "TYPING_START", "d": {"channel_id": DM.to_string(), "user_id": ALICE.to_string(), "timestamp": 1_790_000_000}}),
        json!({"t": "MESSAGE_DELETE", "d": {"id": "1", "channel_id": DM.to_string()}}),
        json!({"t": "SOMETHING_DISCORD_ADDS_LATER", "d": {"anything": 1}}),
        // Interactions steward does not use: a ping, a select menu, a modal.
        interaction_create(
            json!({"id": "1610000000000000001", "application_id": APP.to_string(), "type": 1, "token": "t", "version": 1}),
        ),
        interaction_create(select),
        interaction_create(modal),
    ];
    for dispatch in ignored {
        setup.event(dispatch.clone()).await;
        assert!(setup.fake.calls().is_empty(), "{dispatch}");
    }

    // An interaction type Discord may add later: serenity cannot read it as
    // an interaction, so it arrives as an unknown event, ignored too.
    let mut future_kind = press(ALICE, SERVER_MEMBER, "x", true);
    future_kind["type"] = json!(99);
    let read: serenity::all::Event =
        serde_json::from_value(interaction_create(future_kind)).unwrap();
    assert!(matches!(read, serenity::all::Event::Unknown(_)), "{read:?}");
    setup.bot.on_event(read).await;
    assert!(setup.fake.calls().is_empty());
}

#[tokio::test]
async fn delivery_failures_say_whether_to_try_again() {
    let setup = Setup::start().await;
    let platform = setup.discord.platform();
    let address = format!("{GUILD}:{CHANNEL}");
    let notice = Outbound::text("hello");

    setup
        .fake
        .fail_next(403, json!({"message": "Missing Access", "code": 50001}));
    let refused = platform.send(&address, &notice).await.unwrap_err();
    assert_eq!(refused.retry, Retry::Never);
    assert!(refused.message.contains("403") && refused.message.contains("Missing Access"));

    setup
        .fake
        .fail_next(500, json!({"message": "Internal Server Error", "code": 0}));
    assert_eq!(
        platform.send(&address, &notice).await.unwrap_err().retry,
        Retry::Backoff
    );

    setup.fake.fail_next(
        429,
        json!({"message": "You are being rate limited.", "retry_after": 0.5, "global": false}),
    );
    assert_eq!(
        platform.send(&address, &notice).await.unwrap_err().retry,
        Retry::Backoff
    );

    setup.fake.take();
    let nowhere = platform.send("not-a-channel", &notice).await.unwrap_err();
    assert_eq!(nowhere.retry, Retry::Never);
    assert!(setup.fake.calls().is_empty());

    // Nobody listening: try again later; the token appears nowhere.
    let closed = Discord::new(&DiscordConfig {
        token: Secret::new("fake-bot-token"),
        api_url: Some("http://127.0.0.1:9".into()),
    })
    .unwrap();
    let down = closed.platform().send(&address, &notice).await.unwrap_err();
    assert_eq!(down.retry, Retry::Backoff);
    for error in [refused, down] {
        assert!(
            !error.message.contains("fake-bot-token"),
            "{}",
            error.message
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_logs_in_with_only_the_message_intents_answers_events_and_stops_when_asked() {
    let chat = Chat::start("2026-11-20T10:00:00Z").await;
    let fake = FakeDiscord::start().await;
    let alice = user_object(ALICE, "alice", false);
    let gateway = FakeGateway::start(vec![message_create(
        alice,
        Place::Dm,
        "every weekday at 8:30 remind me to stand up",
        &[],
    )])
    .await;
    fake.set_gateway(&gateway.url);
    let agent = Arc::new(
        chat.app
            .agent(&chat.config, Duration::from_secs(30))
            .unwrap(),
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(fake.discord().run(agent, stopped));

    let answered = format!("/api/v10/channels/{DM}/messages");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !fake.calls().iter().any(|c| c.path == answered) {
        assert!(
            std::time::Instant::now() < deadline,
            "no answer to the DM: {:?}",
            fake.calls()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let identify = gateway.identify().expect("the client identified");
    // GUILD_MESSAGES (1 << 9) | DIRECT_MESSAGES (1 << 12): no privileged intent.
    assert_eq!(identify["intents"], 4608);
    assert!(identify["token"]
        .as_str()
        .unwrap()
        .ends_with("fake-bot-token"));
    let calls = fake.calls();
    assert!(
        calls
            .iter()
            .any(|c| c.method == "PUT" && c.path == format!("/api/v10/applications/{APP}/commands")),
        "{calls:?}"
    );
    let reply = calls.iter().find(|c| c.path == answered).unwrap();
    assert!(content(reply).contains("(draft"), "{reply:?}");

    stop.send(true).unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("run ends once stopped")
        .expect("run does not panic");
    assert!(ended.is_ok(), "{ended:?}");
}
