//! Buttons: Create/Cancel under drafts, Approve/Reject under approval requests.

use super::*;

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
