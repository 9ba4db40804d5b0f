//! Delivery to home chats: long messages, buttons, and REST errors read as retry or not.

use super::*;

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
        ..Outbound::default()
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
        token: Secret::from("fake-bot-token"),
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
