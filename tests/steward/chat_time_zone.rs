//! Issue 18: steward knows a person's zone before the first time of day.
//! A newcomer's timed request waits for "What's your time zone?" (across a
//! restart) and is then drafted in the zone they named; "skip" keeps the
//! server's zone and says so; relative times go through at once; "I moved
//! to Tokyo" moves the recurring workflows on the old zone's clock after one
//! yes.

use serde_json::Value;

use crate::helpers::Chat;

const NOW: &str = "2026-11-20T10:00:00Z";
const QUESTION: &str = "What's your time zone? A city is enough (Paris, New York, Tokyo)";

fn draft_zone(reply: &steward::agent::Reply) -> Value {
    reply.draft.as_ref().expect("a draft")["workflow"]["trigger"]["timezone"].clone()
}

#[tokio::test]
async fn a_newcomers_timed_request_waits_for_their_zone_across_a_restart_then_is_drafted_in_it() {
    let chat = Chat::start(NOW).await;
    let asked = chat
        .newcomer_says("alice", "every weekday at 8:30 remind me to stretch")
        .await;
    assert!(asked.text.contains(QUESTION), "{}", asked.text);
    assert_eq!(asked.draft.as_ref().unwrap()["kind"], "time_zone_question");
    assert_eq!(asked.buttons.len(), 1, "a skip button: {:?}", asked.buttons);
    assert_eq!(asked.buttons[0].action, "skip_zone");
    assert!(chat.workflows("alice").await.is_empty());

    // A new agent over the same store: the request is still held.
    let again = chat
        .app
        .agent(&chat.config, std::time::Duration::from_secs(5))
        .unwrap();
    let inbound = steward::agent::Inbound {
        conversation: "test:alice".into(),
        user: "alice".into(),
        user_name: None,
        home_chat: "test:alice".into(),
        manages: None,
        timezone: None,
        greet_newcomer: false,
        answer_by: steward::agent::AnswerBy::Words,
        content: steward::agent::Content::Text("Paris".into()),
    };
    let drafted = again.handle(inbound).await.unwrap();
    assert!(drafted.text.contains("Europe/Paris"), "{}", drafted.text);
    assert!(drafted.text.contains("(draft)"), "{}", drafted.text);
    assert_eq!(draft_zone(&drafted), "Europe/Paris");
    assert_eq!(
        drafted.draft.as_ref().unwrap()["workflow"]["trigger"]["expression"],
        "30 8 * * MON-FRI"
    );

    let created = chat.newcomer_says("alice", "yes").await;
    assert!(created.text.starts_with("Created"), "{}", created.text);
    let stored = chat.workflows("alice").await;
    assert_eq!(stored[0].timezone, "Europe/Paris");
    // Remembered: the next timed request is drafted at once, in Paris.
    let next = chat
        .newcomer_says("alice", "every day at 18:00 remind me to go home")
        .await;
    assert_eq!(draft_zone(&next), "Europe/Paris");
}

#[tokio::test]
async fn skip_drafts_in_the_server_zone_says_so_and_is_not_asked_again() {
    let chat = Chat::with(NOW, |name| {
        (name == "STEWARD_TIMEZONE").then(|| "America/Chicago".to_string())
    })
    .await;
    let asked = chat
        .newcomer_says("bob", "tomorrow at 5pm remind me to call mom")
        .await;
    assert!(asked.text.contains(QUESTION), "{}", asked.text);
    assert!(asked.text.contains("America/Chicago"), "{}", asked.text);

    let drafted = chat.newcomer_says("bob", "skip").await;
    assert!(
        drafted.text.contains("server's time zone, America/Chicago"),
        "{}",
        drafted.text
    );
    assert_eq!(draft_zone(&drafted), "America/Chicago");
    chat.newcomer_says("bob", "no").await;

    let next = chat
        .newcomer_says("bob", "every monday at 9 remind me to plan the week")
        .await;
    assert_eq!(draft_zone(&next), "America/Chicago", "{}", next.text);
}

#[tokio::test]
async fn a_relative_reminder_is_drafted_at_once() {
    let chat = Chat::start(NOW).await;
    let drafted = chat
        .newcomer_says("carol", "in 20 minutes remind me to take the pizza out")
        .await;
    assert!(!drafted.text.contains(QUESTION), "{}", drafted.text);
    assert_eq!(drafted.draft.as_ref().unwrap()["kind"], "create");
    assert_eq!(
        drafted.draft.as_ref().unwrap()["workflow"]["trigger"]["next"][0],
        "2026-11-20T10:20:00Z"
    );
    let every = chat
        .newcomer_says("dave", "every 15 minutes check https://example.com")
        .await;
    assert_eq!(every.draft.as_ref().unwrap()["kind"], "create");
}

#[tokio::test]
async fn an_unknown_place_is_asked_about_and_other_requests_still_work() {
    let chat = Chat::start(NOW).await;
    chat.newcomer_says("erin", "every friday at 16:00 remind me to file the report")
        .await;
    let unknown = chat.newcomer_says("erin", "Parsi").await;
    assert!(
        unknown.text.contains("I don't know 'Parsi'"),
        "{}",
        unknown.text
    );
    let listed = chat.newcomer_says("erin", "list my workflows").await;
    assert!(listed.text.contains("no workflows"), "{}", listed.text);
    assert!(
        listed.text.contains("Still waiting for your time zone"),
        "{}",
        listed.text
    );
    let drafted = chat.newcomer_says("erin", "I'm in New York").await;
    assert_eq!(draft_zone(&drafted), "America/New_York", "{}", drafted.text);
}

#[tokio::test]
async fn moving_to_tokyo_moves_the_listed_workflows_after_one_yes() {
    let chat = Chat::start(NOW).await;
    chat.say("frank", "my timezone is Europe/Paris").await;
    for request in [
        "every weekday at 8:30 remind me to stretch",
        "every monday at 18:00 remind me to call home",
        "in 2 hours remind me to stand up",
    ] {
        chat.say("frank", request).await;
        let created = chat.say("frank", "yes").await;
        assert!(created.text.starts_with("Created"), "{}", created.text);
    }
    let offered = chat.say("frank", "I moved to Tokyo").await;
    assert!(offered.text.contains("Asia/Tokyo"), "{}", offered.text);
    assert!(offered.text.contains("#1 Stretch"), "{}", offered.text);
    assert!(offered.text.contains("#2 Call home"), "{}", offered.text);
    assert_eq!(offered.draft.as_ref().unwrap()["kind"], "move");
    assert_eq!(
        offered.draft.as_ref().unwrap()["workflows"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "the one-shot in 2 hours keeps its instant: {}",
        offered.text
    );
    // Nothing moved before the yes.
    assert!(chat
        .workflows("frank")
        .await
        .iter()
        .all(|w| w.timezone == "Europe/Paris"));

    let moved = chat.say("frank", "yes").await;
    assert!(
        moved.text.starts_with("Moved 2 workflows to Asia/Tokyo"),
        "{}",
        moved.text
    );
    let stored = chat.workflows("frank").await;
    let zones: Vec<&str> = stored.iter().map(|w| w.timezone.as_str()).collect();
    assert_eq!(zones, ["Asia/Tokyo", "Asia/Tokyo", "Europe/Paris"]);
    let stretch = stored.iter().find(|w| w.name == "Stretch").unwrap();
    assert_eq!(stretch.trigger_expression, "30 8 * * MON-FRI");
    // 08:30 in Tokyo on Monday 23 November is 23:30 UTC on Sunday.
    assert_eq!(
        stretch.next_run.unwrap().to_rfc3339(),
        "2026-11-22T23:30:00+00:00"
    );
    let audited: Vec<(i64, String)> = sqlx::query_as(
        "SELECT workflow_id, action FROM audit WHERE actor = 'frank' AND action = 'update' ORDER BY workflow_id",
    )
    .fetch_all(chat.app.store.pool())
    .await
    .unwrap();
    assert_eq!(audited, vec![(1, "update".into()), (2, "update".into())]);
    let set = chat.say("frank", "what is my timezone").await;
    assert!(set.text.contains("Asia/Tokyo"), "{}", set.text);
}

#[tokio::test]
async fn saying_no_to_the_move_keeps_the_workflows_where_they_were() {
    let chat = Chat::start(NOW).await;
    chat.say("gina", "my timezone is Europe/Paris").await;
    chat.say("gina", "every day at 7 remind me to water the plants")
        .await;
    chat.say("gina", "yes").await;
    chat.say("gina", "I moved to New York").await;
    let kept = chat.say("gina", "no").await;
    assert!(kept.text.contains("stay in Europe/Paris"), "{}", kept.text);
    assert_eq!(chat.workflows("gina").await[0].timezone, "Europe/Paris");
}

#[tokio::test]
async fn a_mistyped_zone_is_offered_never_set() {
    let chat = Chat::start(NOW).await;
    chat.say("hana", "my timezone is Europe/Madrid").await;
    let offered = chat.say("hana", "my timezone is Pariss").await;
    assert!(
        offered.text.contains("Did you mean Paris (Europe/Paris)?"),
        "{}",
        offered.text
    );
    let kept = chat.say("hana", "what is my timezone").await;
    assert!(kept.text.contains("Europe/Madrid"), "{}", kept.text);

    // The answer to "What's your time zone?" too: asked again, with a guess.
    let asked = chat
        .newcomer_says("ivan", "every weekday at 8:30 remind me to stretch")
        .await;
    assert!(asked.text.contains(QUESTION), "{}", asked.text);
    let again = chat.newcomer_says("ivan", "Tokio").await;
    assert!(
        again.text.contains("Did you mean Tokyo (Asia/Tokyo)?"),
        "{}",
        again.text
    );
    assert!(chat.workflows("ivan").await.is_empty());
    let drafted = chat.newcomer_says("ivan", "Tokyo").await;
    assert_eq!(draft_zone(&drafted), "Asia/Tokyo");

    // A zone mistyped inside the request is asked about, not dropped into
    // the task while the schedule runs on Madrid's clock.
    let refused = chat
        .say("hana", "every day at 9am in Pariss remind me to stretch")
        .await;
    assert!(
        refused.text.contains("did you mean Paris (Europe/Paris)?"),
        "{}",
        refused.text
    );
    assert!(refused.draft.is_none(), "{:?}", refused.draft);
}
