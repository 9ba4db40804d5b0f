//! Messages in words (DMs and mentions), the gateway session, and everything steward leaves alone.

use super::*;

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
    // Plain messages don't reach steward in a server: the draft asks for a
    // button or an @mention, not a bare yes.
    assert!(
        content(&calls[0]).contains("press a button, or @mention me"),
        "{calls:?}"
    );
    assert!(!content(&calls[0]).contains("(yes / no"), "{calls:?}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_logs_in_without_privileged_intents_answers_events_and_stops_when_asked() {
    let chat = Chat::start("2026-11-20T10:00:00Z").await;
    zone_set(&chat, ALICE).await;
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
    // GUILDS (1 << 0) | GUILD_MESSAGES (1 << 9) | DIRECT_MESSAGES (1 << 12):
    // no privileged intent.
    assert_eq!(identify["intents"], 4609);
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

const QUESTION: &str = "What's your time zone? A city is enough (Paris, New York, Tokyo).";

#[tokio::test]
async fn a_first_dm_is_greeted_and_its_timed_request_waits_for_the_zone_then_is_drafted_in_it() {
    let setup = Setup::newcomers().await;
    let alice = user_object(ALICE, "alice", false);
    setup
        .event(message_create(
            alice.clone(),
            Place::Dm,
            "every weekday at 8:30 remind me to stand up",
            &[],
        ))
        .await;
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let first = content(&calls[0]);
    assert!(first.starts_with("Hi, I'm steward"), "{first}");
    assert!(first.contains("'help'"), "{first}");
    assert!(first.contains(QUESTION), "{first}");
    assert_eq!(
        buttons(&calls[0].body),
        pairs(&[("Skip (use the server's zone)", "skip_zone")])
    );

    setup
        .event(message_create(alice, Place::Dm, "New York", &[]))
        .await;
    let calls = setup.fake.take();
    let drafted = content(&calls[0]);
    assert!(
        !drafted.contains("Hi, I'm steward"),
        "greeted once: {drafted}"
    );
    assert!(
        drafted.contains("At 08:30 on weekdays (America/New_York)"),
        "{drafted}"
    );
    assert_eq!(
        buttons(&calls[0].body),
        pairs(&[("Create", "confirm"), ("Cancel", "cancel")])
    );
    let pressed = setup
        .interact(press(ALICE, Place::Dm, "confirm", false))
        .await;
    assert_eq!(pressed[0].body["type"], 7);
    let stored = setup.chat.workflows(&user(ALICE)).await;
    assert_eq!(stored[0].timezone, "America/New_York");
}

#[tokio::test]
async fn a_server_mention_is_not_greeted_but_still_asks_the_zone_first() {
    let setup = Setup::newcomers().await;
    setup.event(ready()).await;
    setup.fake.take();
    let bob = user_object(BOB, "bob", false);
    setup
        .event(message_create(
            bob,
            SERVER_MEMBER,
            &format!("<@{BOT}> every day at 9 remind me to water the plants"),
            &[BOT],
        ))
        .await;
    let calls = setup.fake.take();
    let text = content(&calls[0]);
    assert!(!text.contains("Hi, I'm steward"), "{text}");
    assert!(text.contains(QUESTION), "{text}");
    // The button answers for Bob only: his zone question is his.
    let skipped = setup
        .interact(press(BOB, SERVER_MEMBER, "skip_zone", false))
        .await;
    assert!(
        skipped[0].body["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .contains("server's time zone, UTC"),
        "{skipped:?}"
    );
}

#[tokio::test]
async fn a_server_that_adds_steward_is_greeted_once_in_its_system_channel() {
    const NEW_SERVER: u64 = 1_200_000_000_000_000_009;
    const SYSTEM: u64 = 1_200_000_000_000_000_010;
    let setup = Setup::start().await;
    setup.event(ready()).await;
    setup.fake.take();
    // A server steward was already in (listed by READY): no greeting.
    setup.event(guild_create(GUILD, Some(CHANNEL))).await;
    assert!(setup.fake.take().is_empty());

    setup.event(guild_create(NEW_SERVER, Some(SYSTEM))).await;
    let calls = setup.fake.take();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls[0].path,
        format!("/api/v10/channels/{SYSTEM}/messages")
    );
    let hello = content(&calls[0]);
    assert!(hello.starts_with("Hi, I'm steward"), "{hello}");
    assert!(hello.contains(&format!("<@{BOT}>")), "{hello}");
    assert!(hello.contains("time zone"), "{hello}");
    assert_eq!(calls[0].body["allowed_mentions"]["parse"], json!([]));

    // The same server again (a new session): greeted once only.
    setup.event(guild_create(NEW_SERVER, Some(SYSTEM))).await;
    assert!(setup.fake.take().is_empty());
}

#[tokio::test]
async fn past_the_message_quota_a_discord_user_is_told_once_then_not_answered() {
    let setup = Setup::start().await;
    let alice = user_object(ALICE, "alice", false);
    let mut answered = 0;
    for _ in 0..20 {
        setup
            .event(message_create(
                alice.clone(),
                Place::Dm,
                "list my workflows",
                &[],
            ))
            .await;
        answered += setup.fake.take().len();
    }
    assert_eq!(answered, 20, "20 a minute are answered");
    setup
        .event(message_create(
            alice.clone(),
            Place::Dm,
            "list my workflows",
            &[],
        ))
        .await;
    let told = setup.fake.take();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        content(&told[0]).contains("your limit is 20 a minute"),
        "{told:?}"
    );
    setup
        .event(message_create(
            alice.clone(),
            Place::Dm,
            "list my workflows",
            &[],
        ))
        .await;
    assert!(
        setup.fake.take().is_empty(),
        "not answered until the wait is over"
    );
    // A slash command must be answered: a short line only they see.
    let slashed = setup.interact(slash(ALICE, Place::Dm, "list", None)).await;
    assert!(
        content(&slashed[0]).contains("Too many messages"),
        "{slashed:?}"
    );
    // Bob is answered as usual.
    let bob = user_object(BOB, "bob", false);
    setup
        .event(message_create(bob, Place::Dm, "list my workflows", &[]))
        .await;
    assert_eq!(setup.fake.take().len(), 1);
}
