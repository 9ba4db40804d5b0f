//! Quotas per person (`STEWARD_QUOTA_*`, an admin's override): messages a
//! minute on every surface, workflows, runs an hour and the shortest
//! interval at confirmation, and who hit limits; admins exempt.

use reqwest::Method;
use serde_json::json;

use crate::api_client::{definition, Api};
use crate::helpers::{output_of, steward_command, Chat, Served};

fn quota(settings: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        settings
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_message_quota_a_person_is_told_once_then_not_answered() {
    let chat = Chat::with(
        "2026-11-30T09:00:00Z",
        quota(&[("STEWARD_QUOTA_MESSAGES_PER_MINUTE", "5")]),
    )
    .await;
    for i in 0..5 {
        let reply = chat.say("alice", "list my workflows").await;
        assert!(!reply.text.is_empty(), "message {i} answered");
    }
    let told = chat.say("alice", "list my workflows").await;
    assert!(
        told.text.contains("your limit is 5 a minute") && told.text.contains("Wait"),
        "{}",
        told.text
    );
    for _ in 0..3 {
        let quiet = chat.say("alice", "list my workflows").await;
        assert!(quiet.is_silent(), "{}", quiet.text);
    }
    // Someone else is answered as usual.
    assert!(!chat.say("bob", "list my workflows").await.is_silent());
    // An admin is not limited.
    steward::store::users::ensure(&chat.app.store, "root", None, chrono::Utc::now())
        .await
        .unwrap();
    steward::store::users::set_role(chat.app.store.pool(), "root", "admin")
        .await
        .unwrap();
    for _ in 0..10 {
        assert!(!chat.say("root", "list my workflows").await.is_silent());
    }
    // Every refusal was counted, for admins to see.
    let hits = chat.say("root", "who hit limits?").await;
    assert!(
        hits.text.contains("alice: 4 × messages_per_minute"),
        "{}",
        hits.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_past_the_hourly_runs_quota_is_refused_at_confirmation_with_the_arithmetic() {
    let chat = Chat::with(
        "2026-11-30T09:00:00Z",
        quota(&[("STEWARD_QUOTA_RUNS_PER_HOUR", "100")]),
    )
    .await;
    chat.say("alice", "every minute check https://example.com/a")
        .await;
    let created = chat.say("alice", "yes").await;
    assert!(created.text.contains("Created"), "{}", created.text);
    chat.say("alice", "every minute check https://example.com/b")
        .await;
    let refused = chat.say("alice", "yes").await;
    assert!(
        refused
            .text
            .contains("runs up to 60 times an hour; with your other active workflows' 60 that makes 120, over your quota of 100 runs an hour"),
        "{}",
        refused.text
    );
    assert_eq!(chat.workflows("alice").await.len(), 1, "nothing stored");
    // Every 2 minutes fits: 60 + 30.
    chat.say("alice", "every 2 minutes check https://example.com/c")
        .await;
    let fits = chat.say("alice", "yes").await;
    assert!(fits.text.contains("Created"), "{}", fits.text);

    let limits = chat.say("alice", "what are my limits?").await;
    for line in [
        "workflows: 2 of 50",
        "your active schedules run up to 90 an hour, of 100",
        "shortest interval: 1 minute",
        "messages: 20 a minute",
        "agent cost today: $0.00 of $1.00",
    ] {
        assert!(limits.text.contains(line), "{line}: {}", limits.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_gives_one_person_more_and_another_a_longer_interval() {
    // The operator names the admins.
    let chat = Chat::with(
        "2026-11-30T09:00:00Z",
        quota(&[
            ("STEWARD_QUOTA_WORKFLOWS", "1"),
            ("STEWARD_ADMINS", "root, ops"),
        ]),
    )
    .await;
    for who in ["alice", "bob"] {
        steward::store::users::ensure(&chat.app.store, who, Some(who), chrono::Utc::now())
            .await
            .unwrap();
    }
    // A person cannot raise their own.
    let refused = chat.say("alice", "give alice 5 workflows").await;
    assert!(
        refused.text.to_lowercase().contains("only an admin"),
        "{}",
        refused.text
    );
    let given = chat.say("root", "give alice 3 workflows").await;
    assert!(
        given.text.contains("alice now has 3 workflows"),
        "{}",
        given.text
    );
    let longer = chat.say("root", "set bob's interval to 10 minutes").await;
    assert!(
        longer.text.contains("bob now has 10 minutes between runs"),
        "{}",
        longer.text
    );
    for site in ["a", "b"] {
        chat.say(
            "alice",
            &format!("every day at 9 check https://example.com/{site}"),
        )
        .await;
        let created = chat.say("alice", "yes").await;
        assert!(created.text.contains("Created"), "{}", created.text);
    }
    chat.say("bob", "every 5 minutes check https://example.com/bob")
        .await;
    let too_often = chat.say("bob", "yes").await;
    assert!(
        too_often.text.contains(
            "would run 5 minutes apart at its closest; your shortest interval is 10 minutes"
        ),
        "{}",
        too_often.text
    );
    let theirs = chat.say("root", "show alice's limits").await;
    assert!(
        theirs.text.contains("workflows: 2 of 3 (set by an admin)"),
        "{}",
        theirs.text
    );
    let reset = chat.say("root", "reset alice's limits").await;
    assert!(reset.text.contains("Done"), "{}", reset.text);
    let back = chat.say("alice", "my limits").await;
    assert!(back.text.contains("workflows: 2 of 1\n"), "{}", back.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_shows_and_sets_limits_and_the_chat_api_says_429_past_the_message_quota() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_QUOTA_MESSAGES_PER_MINUTE", "3"),
        ("STEWARD_QUOTA_WORKFLOWS", "1"),
    ])
    .await;
    let alice = Api::of(&served, "alice").await;
    let root = Api::admin(&served, "root").await;
    let mine = alice.get("/api/v1/limits").await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body["user"], "alice");
    assert_eq!(mine.body["max_workflows"], 1);
    assert_eq!(mine.body["messages_per_minute"], 3);

    alice.create("First").await;
    let over = alice.post("/api/v1/workflows", &definition("Second")).await;
    over.assert_error(403, None);
    assert!(
        over.body["error"]
            .as_str()
            .unwrap()
            .contains("1 of 1 workflows"),
        "{}",
        over.body
    );
    // Only an admin key sets limits.
    let body = json!({"max_workflows": 2});
    let denied = alice
        .send(Method::PUT, "/api/v1/limits/alice", Some(&body), &[])
        .await;
    denied.assert_error(403, None);
    let set = root
        .send(Method::PUT, "/api/v1/limits/alice", Some(&body), &[])
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["max_workflows"], 2);
    assert_eq!(set.body["overridden"], json!(["max_workflows"]));
    alice.create("Second").await;
    let hits = root.get("/api/v1/limits/hits").await;
    assert_eq!(hits.status, 200, "{}", hits.body);
    assert_eq!(hits.body[0]["user"], "alice", "{}", hits.body);
    assert_eq!(hits.body[0]["limit"], "max_workflows");
    alice
        .get("/api/v1/limits/hits")
        .await
        .assert_error(403, None);

    // The chat API: three messages a minute, then 429 with the sentence.
    let message = json!({"conversation_id": "c1", "user_id": "carol", "text": "list my workflows"});
    for _ in 0..3 {
        assert_eq!(served.chat("chat-token", &message).await.0, 200);
    }
    let (status, answer) = served.chat("chat-token", &message).await;
    assert_eq!(status, 429, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("your limit is 3 a minute"),
        "{answer}"
    );
    let other = json!({"conversation_id": "c2", "user_id": "dave", "text": "list my workflows"});
    assert_eq!(served.chat("chat-token", &other).await.0, 200);
    served.stop().await;
}

#[test]
fn the_operator_sets_and_reads_limits_and_an_import_obeys_the_owners_quota() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut command = steward_command();
        command.arg("--db").arg(&db).args(args);
        command.env("STEWARD_QUOTA_WORKFLOWS", "1");
        output_of(&mut command, stdin)
    };
    let two = json!([
        {"name": "One", "owner": "alice", "trigger": {"schedule": "every day at 9"},
         "steps": [{"type": "message", "text": "hi"}]},
        {"name": "Two", "owner": "alice", "trigger": {"schedule": "every day at 10"},
         "steps": [{"type": "message", "text": "hi"}]}
    ])
    .to_string();
    let (code, out, err) = run(&["workflows", "import", "-"], Some(&two));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("1 of 1 workflows"),
        "{out}{err}"
    );

    let (code, out, err) = run(
        &["limits", "set", "alice", "max_workflows=2", "cost=5"],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 workflows"), "{out}");
    assert!(out.contains("$5.00 of agent cost a day"), "{out}");
    let (code, out, err) = run(&["workflows", "import", "-"], Some(&two));
    assert_eq!(code, 0, "{out}{err}");

    let (_, shown, _) = run(&["limits", "show", "alice", "--json"], None);
    let report: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(report["workflows"], 2);
    assert_eq!(report["quotas"]["max_workflows"], 2);
    let (_, listed, _) = run(&["limits", "list"], None);
    assert!(listed.starts_with("alice: 2 workflows"), "{listed}");
    let (_, hits, _) = run(&["limits", "hits"], None);
    assert!(hits.contains("alice  1 × max_workflows"), "{hits}");
    let (code, _, err) = run(&["limits", "set", "alice", "bananas=3"], None);
    assert_eq!(code, 2);
    assert!(err.contains("there is no limit 'bananas'"), "{err}");
}

#[tokio::test]
async fn steward_admins_is_the_whole_list_of_admins() {
    let dir = tempfile::tempdir().unwrap();
    let store = steward::store::Store::open(&dir.path().join("s.db"))
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    steward::store::users::set_admins(&store, &ids(&["telegram:1", "discord:2"]), now)
        .await
        .unwrap();
    steward::store::users::set_admins(&store, &ids(&["discord:2"]), now)
        .await
        .unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    assert!(!steward::store::users::is_admin(&mut conn, "telegram:1")
        .await
        .unwrap());
    assert!(steward::store::users::is_admin(&mut conn, "discord:2")
        .await
        .unwrap());
}
