//! "give me an API key" in chat: a key in a private chat (that works on
//! the REST API), a refusal in a group, listing and revoking.

use steward::agent::Content;

use crate::helpers::Chat;

const NOW: &str = "2026-11-21T10:00:00Z";

/// The key in a reply, if any.
fn key_in(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with("stw_") && w.len() > 40)
        .map(str::to_string)
}

#[tokio::test]
async fn a_key_is_handed_out_in_a_private_chat_kept_only_hashed_and_revoked() {
    let chat = Chat::start(NOW).await;
    let reply = chat.say("alice", "give me an API key").await;
    let key = key_in(&reply.text).unwrap_or_else(|| panic!("no key in: {}", reply.text));
    assert!(reply.text.contains("shown below once"), "{}", reply.text);
    // Not kept as words: the actions and the stored history never hold it.
    assert!(!serde_json::to_string(&reply.actions)
        .unwrap()
        .contains(&key));
    let store = &chat.app.store;
    let histories: Vec<(String,)> = sqlx::query_as("SELECT history FROM conversations")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert!(
        histories.iter().all(|(h,)| !h.contains(&key)),
        "{histories:?}"
    );
    let found =
        steward::store::api_keys::by_hash(store.pool(), &steward::store::api_keys::hash(&key))
            .await
            .unwrap()
            .expect("the key's hash is stored");
    assert_eq!(found.user, "alice");
    assert!(!found.admin);

    let listed = chat.say("alice", "list my api keys").await;
    assert!(listed.text.contains(&key[..12]), "{}", listed.text);
    assert!(key_in(&listed.text).is_none(), "{}", listed.text);
    let revoked = chat.say("alice", "revoke my api keys").await;
    assert!(
        revoked.text.contains("Revoked your API key"),
        "{}",
        revoked.text
    );
    let none = chat.say("alice", "list my api keys").await;
    assert!(none.text.contains("no API keys"), "{}", none.text);
}

#[tokio::test]
async fn in_a_group_no_key_is_handed_out() {
    let chat = Chat::start(NOW).await;
    let reply = chat
        .in_group(Content::Text("create an api key".into()))
        .await;
    assert!(
        reply
            .text
            .contains("I'll only hand out keys in a private chat"),
        "{}",
        reply.text
    );
    assert!(key_in(&reply.text).is_none(), "{}", reply.text);
    let store = &chat.app.store;
    let keys = steward::store::api_keys::list(store.pool(), None)
        .await
        .unwrap();
    assert!(keys.is_empty());
}
