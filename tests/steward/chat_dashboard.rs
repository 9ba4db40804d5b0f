//! "dashboard" in chat: a one-time sign-in link in a private chat, kept out
//! of the history; a refusal in a group; `/dashboard` as a bot command.

use steward::agent::Content;

use crate::helpers::Chat;

const NOW: &str = "2026-11-21T10:00:00Z";

/// The sign-in link's token in a reply, if any.
fn token_in(text: &str) -> Option<String> {
    let at = text.find("/sign-in/")? + "/sign-in/".len();
    Some(text[at..].split_whitespace().next()?.to_string())
}

#[tokio::test]
async fn a_link_is_handed_out_in_a_private_chat_and_kept_only_hashed() {
    let chat = Chat::start(NOW).await;
    for text in [
        "dashboard",
        "send me a login link",
        "how do I open the dashboard?",
    ] {
        let reply = chat.say("alice", text).await;
        let token =
            token_in(&reply.text).unwrap_or_else(|| panic!("{text}: no link in {}", reply.text));
        assert_eq!(token.len(), 64, "{}", reply.text);
        assert!(
            reply.text.contains("It works once, for 10 minutes"),
            "{}",
            reply.text
        );
        let store = &chat.app.store;
        let histories: Vec<(String,)> = sqlx::query_as("SELECT history FROM conversations")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert!(
            histories.iter().all(|(h,)| !h.contains(&token)),
            "{histories:?}"
        );
        let stored: Vec<(String,)> = sqlx::query_as("SELECT hash FROM web_links")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert!(stored
            .iter()
            .any(|(h,)| *h == steward::store::api_keys::hash(&token)));
        assert!(
            stored.iter().all(|(h,)| *h != token),
            "only the hash is kept"
        );
    }
}

#[tokio::test]
async fn in_a_group_no_link_is_handed_out_even_by_command() {
    let chat = Chat::start(NOW).await;
    let reply = chat
        .in_group(Content::Command {
            name: "dashboard".into(),
            args: String::new(),
        })
        .await;
    assert!(
        reply.text.contains("only in a private chat"),
        "{}",
        reply.text
    );
    assert!(token_in(&reply.text).is_none(), "{}", reply.text);
}
