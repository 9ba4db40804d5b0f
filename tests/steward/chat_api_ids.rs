//! Ids through `POST /api/v1/chat`: whatever characters a conversation or
//! user id carries, it reaches only its own conversation, and an id is never
//! quietly turned into another.

use serde_json::{json, Value};

use crate::helpers::Served;

const TOKEN: &str = "api-token-ids";

async fn post(served: &Served, body: Value) -> (u16, Value) {
    served.chat(TOKEN, &body).await
}

async fn answered(served: &Served, body: Value) -> Value {
    let (status, answer) = post(served, body.clone()).await;
    assert_eq!(status, 200, "{body}: {answer}");
    answer
}

/// The workflows `user` owns, each as its whole stored record.
async fn owned_by(served: &Served, user: &str) -> Vec<String> {
    let store = served.store().await;
    steward::store::workflows::list(store.pool(), Some(user))
        .await
        .unwrap()
        .into_iter()
        .map(|w| format!("{w:?}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_containing_the_old_separator_cannot_reach_another_persons_draft() {
    let served = Served::start(&[("STEWARD_API_TOKEN", TOKEN)]).await;
    // The victim drafts a check whose URL carries a token.
    // Both zones known to the integration: drafts come without a zone question.
    let victim = json!({"conversation_id": "c2|webhook:mallory", "user_id": "alice", "timezone": "Europe/Paris"});
    let mut said = victim.clone();
    said["text"] =
        "every day at 9 check https://x.example/?token=tok-4242 and tell me if it's down".into();
    let draft = answered(&served, said).await;
    assert_eq!(draft["draft"]["kind"], "create", "{draft}");

    // The attacker's pair joined to the same string the victim's did.
    let attacker = json!({"conversation_id": "c2", "user_id": "mallory|webhook:alice", "timezone": "Europe/Paris"});
    let mut amend = attacker.clone();
    amend["text"] = "at 8 instead".into();
    // (With no draft of their own, "at 8 instead" starts one.)
    let seen = answered(&served, amend).await;
    assert!(!seen.to_string().contains("x.example"), "{seen}");
    let mut confirm = attacker.clone();
    confirm["action"] = "confirm".into();
    let pressed = answered(&served, confirm).await;
    assert!(!pressed.to_string().contains("x.example"), "{pressed}");
    let attackers = owned_by(&served, "webhook:mallory|webhook:alice").await;
    assert!(
        attackers.iter().all(|w| !w.contains("tok-4242")),
        "the attacker took the victim's draft: {attackers:?}"
    );

    // The victim's draft is as they left it, and confirming it is theirs.
    let mut confirm = victim.clone();
    confirm["action"] = "confirm".into();
    let created = answered(&served, confirm).await;
    assert!(
        created["reply"].as_str().unwrap().starts_with("Created"),
        "{created}"
    );
    let victims = owned_by(&served, "webhook:alice").await;
    assert_eq!(victims.len(), 1);
    assert!(victims[0].contains("tok-4242"), "{victims:?}");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn padded_or_invisible_ids_are_refused_instead_of_aliased() {
    let served = Served::start(&[("STEWARD_API_TOKEN", TOKEN)]).await;
    let cases = [
        ("conversation_id", "  room-1", "white space"),
        ("user_id", "  alice  ", "white space"),
        ("user_id", "alice\n", "white space"),
        ("user_id", "ali\u{200B}ce", "invisible"),
        ("user_id", "al\u{1b}ice", "control characters"),
        (
            "conversation_id",
            &"r".repeat(201),
            "at most 200 characters",
        ),
    ];
    for (field, value, says) in cases {
        let mut body =
            json!({"conversation_id": "room-1", "user_id": "alice", "text": "list my workflows"});
        body[field] = value.into();
        let (status, answer) = post(&served, body).await;
        assert_eq!(status, 422, "{field} {value:?}: {answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains(field) && error.contains(says), "{error}");
    }
    // A padded button press is refused too, rather than pressing "confirm".
    let body = json!({"conversation_id": "room-1", "user_id": "alice", "action": " confirm"});
    assert_eq!(post(&served, body).await.0, 422);
    served.stop().await;
}
