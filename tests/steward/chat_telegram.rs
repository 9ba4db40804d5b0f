//! Telegram end to end: `steward serve` with teloxide against a fake Bot API
//! server on 127.0.0.1.

use serde_json::{json, Value};
use std::time::Duration;

use crate::fake_telegram::{
    bot_user, button_press, group_chat, private_chat, text_message, user, FakeTelegram, TOKEN,
};
use crate::helpers::Served;

const ALICE: i64 = 42;
const WAIT: Duration = Duration::from_secs(10);

async fn serve_with(fake: &FakeTelegram, more: &[(&str, &str)]) -> Served {
    let mut settings = vec![
        ("TELEGRAM_BOT_TOKEN", TOKEN),
        ("TELEGRAM_API_URL", fake.url.as_str()),
    ];
    settings.extend_from_slice(more);
    Served::start(&settings).await
}

fn buttons(message: &Value) -> Vec<(String, String)> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["text"].as_str().unwrap_or_default().to_string(),
                verb(b["callback_data"].as_str().unwrap_or_default()),
            )
        })
        .collect()
}

/// A draft button's action without the token naming its draft
/// ("confirm:1a2b3c4d" → "confirm"); other actions as they are.
fn verb(action: &str) -> String {
    match action.split_once(':') {
        Some((verb @ ("confirm" | "cancel"), token))
            if token.len() == 8 && token.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            verb.to_string()
        }
        _ => action.to_string(),
    }
}

/// Telegram user `id` has told steward their zone is UTC, so their timed
/// requests are drafted at once.
async fn zone_set(served: &Served, id: i64) {
    let store = served.store().await;
    let user = format!("telegram:{id}");
    steward::store::users::ensure(&store, &user, None, chrono::Utc::now())
        .await
        .unwrap();
    steward::store::users::set_timezone(store.pool(), &user, "UTC")
        .await
        .unwrap();
}

async fn wait_until(what: &str, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_telegram_user_creates_a_workflow_confirms_with_the_button_and_gets_its_result() {
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let alice = user(ALICE, "Alice");
    let chat = private_chat(ALICE, "Alice");

    // Logged in and the commands registered, with their descriptions.
    wait_until("setMyCommands", || !fake.bodies("setMyCommands").is_empty()).await;
    let commands = &fake.bodies("setMyCommands")[0]["commands"];
    let names: Vec<&str> = commands
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    for wanted in [
        "new", "list", "show", "pause", "resume", "run", "logs", "delete", "timezone", "help",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }

    fake.push(text_message(
        1,
        alice.clone(),
        chat.clone(),
        "every 2 seconds remind me to drink water",
    ));
    let draft = fake.wait_for_message(ALICE, "(draft)", WAIT).await;
    assert_eq!(
        buttons(&draft),
        vec![
            ("Create".to_string(), "confirm".to_string()),
            ("Cancel".to_string(), "cancel".to_string())
        ]
    );
    assert!(draft.get("parse_mode").is_none(), "plain text: {draft}");

    // Nothing stored before the button.
    let store = served.store().await;
    assert!(steward::store::workflows::list(store.pool(), None)
        .await
        .unwrap()
        .is_empty());

    fake.push(button_press(alice.clone(), chat.clone(), 101, "confirm"));
    let created = fake.wait_for_message(ALICE, "Created", WAIT).await;
    assert!(
        created["text"].as_str().unwrap().contains("Drink water"),
        "{created}"
    );
    let answered = fake.bodies("answerCallbackQuery");
    assert_eq!(answered.len(), 1, "{answered:?}");
    assert_eq!(answered[0]["callback_query_id"], "cq-101-confirm");
    let edited = fake.bodies("editMessageReplyMarkup");
    assert_eq!(
        edited[0]["message_id"], 101,
        "the pressed keyboard is removed"
    );

    let stored = steward::store::workflows::list(store.pool(), None)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].owner, format!("telegram:{ALICE}"));
    assert_eq!(stored[0].home_chat.as_deref(), Some("telegram:42"));

    // It fires on its own, and the result arrives as a message to the chat.
    let fired = fake.wait_for_message(ALICE, "[#1 Drink water]", WAIT).await;
    assert_eq!(fired["text"], "[#1 Drink water] drink water");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_group_steward_answers_commands_mentions_and_replies_only() {
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let group = group_chat(-1001);
    let bob = user(7, "Bob");
    wait_until("log-in", || !fake.bodies("getUpdates").is_empty()).await;

    fake.push(text_message(
        1,
        bob.clone(),
        group.clone(),
        "list my workflows",
    ));
    fake.push(text_message(
        2,
        bob.clone(),
        group.clone(),
        "/list@other_bot",
    ));
    fake.push(text_message(
        3,
        bob.clone(),
        group.clone(),
        "@steward_bot list my workflows",
    ));
    // A list shows Bob's workflows: it goes to his private chat, with a note
    // in the group.
    let note = fake.wait_for_message(-1001, "private chat", WAIT).await;
    assert!(
        note["text"]
            .as_str()
            .unwrap()
            .contains("shows your workflows"),
        "{note}"
    );
    let private = fake.wait_for_message(7, "workflows", WAIT).await;
    assert!(
        !private["text"].as_str().unwrap().contains("@steward_bot"),
        "{private}"
    );
    fake.push(text_message(
        4,
        bob.clone(),
        group.clone(),
        "/list@steward_bot",
    ));
    let mut reply_to_bot = text_message(5, bob.clone(), group.clone(), "help");
    reply_to_bot["message"]["reply_to_message"] = json!({
        "message_id": 77, "date": 1_795_000_000, "chat": group, "from": bot_user(), "text": "earlier"
    });
    fake.push(reply_to_bot);
    wait_until("three answers", || fake.sent_to(-1001).len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        fake.sent_to(-1001).len(),
        3,
        "only the mention, /list@steward_bot and the reply are answered: {:#?}",
        fake.sent_to(-1001)
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stickers_edits_channel_posts_and_bots_are_ignored_without_errors() {
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let alice = user(ALICE, "Alice");
    let chat = private_chat(ALICE, "Alice");
    wait_until("log-in", || !fake.bodies("getUpdates").is_empty()).await;

    fake.push(json!({"message": {
        "message_id": 1, "date": 1_795_000_000, "chat": chat, "from": alice,
        "sticker": {"file_id": "s", "file_unique_id": "u", "type": "regular", "width": 512,
                    "height": 512, "is_animated": false, "is_video": false}
    }}));
    let edited = text_message(2, alice.clone(), chat.clone(), "list my workflows");
    fake.push(json!({"edited_message": edited["message"].clone()}));
    fake.push(json!({"channel_post": {
        "message_id": 3, "date": 1_795_000_000,
        "chat": {"id": -1002, "type": "channel", "title": "News"}, "text": "list my workflows"
    }}));
    fake.push(text_message(
        4,
        user(55, "OtherBot")
            .as_object()
            .map(|u| {
                let mut u = u.clone();
                u.insert("is_bot".into(), json!(true));
                Value::Object(u)
            })
            .unwrap(),
        chat.clone(),
        "list my workflows",
    ));
    fake.push(json!({"poll": {"id": "p", "question": "?", "options": [], "total_voter_count": 0,
        "is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false}}));
    // A text message after them is still answered, and it is the only answer.
    fake.push(text_message(5, alice.clone(), chat.clone(), "help"));
    fake.wait_for_message(ALICE, "Examples", WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fake.sent_to(ALICE).len(), 1, "{:#?}", fake.sent_to(ALICE));
    assert!(fake.sent_to(-1002).is_empty());
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_is_built_from_the_registered_commands() {
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    fake.push(text_message(
        1,
        user(ALICE, "Alice"),
        private_chat(ALICE, "Alice"),
        "/help",
    ));
    let help = fake.wait_for_message(ALICE, "/new", WAIT).await;
    let text = help["text"].as_str().unwrap();
    for command in fake.bodies("setMyCommands")[0]["commands"]
        .as_array()
        .unwrap()
    {
        let line = format!(
            "/{} — {}",
            command["command"].as_str().unwrap(),
            command["description"].as_str().unwrap()
        );
        assert!(text.contains(&line), "{line:?} not in {text}");
    }
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_administrators_manage_the_groups_workflows_and_members_do_not() {
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let group = group_chat(-1001);
    let (bob, carol, dave) = (user(7, "Bob"), user(8, "Carol"), user(9, "Dave"));
    zone_set(&served, 7).await;
    fake.make_admin(8);
    wait_until("log-in", || !fake.bodies("getUpdates").is_empty()).await;

    fake.push(text_message(
        1,
        bob.clone(),
        group.clone(),
        "/new every day at 9 remind me to water the plants",
    ));
    let draft = fake.wait_for_message(-1001, "(draft)", WAIT).await;
    assert_eq!(buttons(&draft)[0].1, "confirm");
    // In a group steward reads buttons and replies to its own messages.
    let text = draft["text"].as_str().unwrap_or_default();
    assert!(text.contains("reply to this message with yes"), "{text}");
    fake.push(button_press(bob.clone(), group.clone(), 101, "confirm"));
    fake.wait_for_message(-1001, "Created", WAIT).await;

    fake.push(text_message(
        2,
        dave.clone(),
        group.clone(),
        "/pause water the plants",
    ));
    fake.wait_for_message(-1001, "couldn't find", WAIT).await;
    fake.push(text_message(
        3,
        carol.clone(),
        group.clone(),
        "/pause water the plants",
    ));
    fake.wait_for_message(-1001, "Paused", WAIT).await;

    let store = served.store().await;
    let stored = steward::store::workflows::list(store.pool(), None)
        .await
        .unwrap();
    assert_eq!(stored[0].status, steward::workflow::WorkflowStatus::Paused);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_checks_telegrams_secret_token() {
    let fake = FakeTelegram::start().await;
    let served = serve_with(
        &fake,
        &[
            (
                "TELEGRAM_WEBHOOK_URL",
                "https://bot.example.com/telegram/hook",
            ),
            ("TELEGRAM_WEBHOOK_SECRET", "hook-secret_1"),
            ("STEWARD_API_TOKEN", "api-token"),
        ],
    )
    .await;
    wait_until("setWebhook", || !fake.bodies("setWebhook").is_empty()).await;
    let set = &fake.bodies("setWebhook")[0];
    assert_eq!(set["url"], "https://bot.example.com/telegram/hook");
    assert_eq!(set["secret_token"], "hook-secret_1");
    assert!(
        fake.bodies("getUpdates").is_empty(),
        "no polling in webhook mode"
    );

    let client = reqwest::Client::new();
    let mut update = text_message(
        1,
        user(ALICE, "Alice"),
        private_chat(ALICE, "Alice"),
        "help",
    );
    update["update_id"] = json!(1);
    let hook = format!("{}/telegram/hook", served.base);
    for secret in [None, Some("wrong")] {
        let mut request = client.post(&hook).json(&update);
        if let Some(secret) = secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        assert_eq!(
            request.send().await.unwrap().status(),
            401,
            "secret {secret:?}"
        );
    }
    let accepted = client
        .post(&hook)
        .header("X-Telegram-Bot-Api-Secret-Token", "hook-secret_1")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
    fake.wait_for_message(ALICE, "Examples", WAIT).await;
    assert_eq!(
        fake.sent_to(ALICE).len(),
        1,
        "only the authenticated update is answered"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_notice_is_retried_and_a_refused_one_is_recorded_on_its_run() {
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let alice = user(ALICE, "Alice");
    let chat = private_chat(ALICE, "Alice");
    fake.push(text_message(
        1,
        alice.clone(),
        chat.clone(),
        "every 2 seconds remind me to stretch",
    ));
    fake.wait_for_message(ALICE, "(draft)", WAIT).await;
    fake.push(button_press(alice, chat, 101, "confirm"));
    fake.wait_for_message(ALICE, "Created", WAIT).await;
    let before = fake.sent_to(ALICE).len();

    // Telegram says "retry after 1": the notice arrives after the wait.
    fake.fail_next_send(
        429,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
               "parameters": {"retry_after": 1}}),
    );
    // The fake records every call, the refused one too: the first call after
    // `before` is the attempt answered 429, the next one its retry. (The
    // next slot is 2 s away, after the retry.)
    wait_until("the refused attempt", || fake.sent_to(ALICE).len() > before).await;
    let refused = std::time::Instant::now();
    wait_until("the retried notice", || {
        fake.sent_to(ALICE).len() > before + 1
    })
    .await;
    assert!(
        refused.elapsed() >= Duration::from_millis(900),
        "retried after {:?}",
        refused.elapsed()
    );
    let sent = fake.sent_to(ALICE);
    assert_eq!(
        sent[before]["text"],
        sent[before + 1]["text"],
        "the same notice"
    );

    // A refusal is not retried; the run records it.
    fake.fail_next_send(
        400,
        json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}),
    );
    let store = served.store().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let recorded = loop {
        let runs = steward::store::runs::list(store.pool(), Some(1), None, 1000)
            .await
            .unwrap();
        if let Some(run) = runs.into_iter().find(|r| !r.delivery_errors.is_empty()) {
            break run;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no delivery error recorded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let error = &recorded.delivery_errors[0];
    assert_eq!(error["to"], "telegram:42");
    // Not retried (an earlier 429 of the same notice may count as a try).
    assert!(error["attempts"].as_u64().unwrap() <= 2, "{error}");
    assert!(
        error["error"].as_str().unwrap().contains("chat not found"),
        "{error}"
    );
    assert!(
        error["notice"].as_str().unwrap().contains("stretch"),
        "{error}"
    );
    assert!(
        !error.to_string().contains(TOKEN),
        "the token never appears"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_takes_the_buttons_off_and_a_strangers_press_leaves_them() {
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let group = group_chat(-1001);
    let (bob, dave) = (user(7, "Bob"), user(9, "Dave"));
    zone_set(&served, 7).await;
    wait_until("log-in", || !fake.bodies("getUpdates").is_empty()).await;

    fake.push(text_message(
        1,
        bob.clone(),
        group.clone(),
        "/new every day at 9 remind me to water the plants",
    ));
    fake.wait_for_message(-1001, "(draft)", WAIT).await;
    // Dave's press finds no draft of his: nothing settles, the keyboard stays.
    fake.push(button_press(dave, group.clone(), 101, "cancel"));
    fake.wait_for_message(-1001, "nothing waiting", WAIT).await;
    assert!(fake.bodies("editMessageReplyMarkup").is_empty());
    // Bob's Cancel settles his draft and takes the keyboard off.
    fake.push(button_press(bob, group, 101, "cancel"));
    fake.wait_for_message(-1001, "Cancelled", WAIT).await;
    assert_eq!(fake.bodies("editMessageReplyMarkup").len(), 1);
    served.stop().await;
}

const QUESTION: &str = "What's your time zone? A city is enough (Paris, New York, Tokyo).";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_greets_and_a_first_timed_request_waits_for_the_zone_then_is_drafted_in_it() {
    const BEA: i64 = 51;
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let (bea, chat) = (user(BEA, "Bea"), private_chat(BEA, "Bea"));

    fake.push(text_message(1, bea.clone(), chat.clone(), "/start"));
    let hello = fake.wait_for_message(BEA, "Hi, I'm steward", WAIT).await;
    let text = hello["text"].as_str().unwrap();
    for part in [
        "every weekday at 8:30 remind me to stretch",
        "in 20 minutes remind me to take the pizza out",
        QUESTION,
        "'help'",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }

    fake.push(text_message(
        2,
        bea.clone(),
        chat.clone(),
        "every weekday at 8:30 remind me to stretch",
    ));
    let asked = fake
        .wait_for_message(BEA, "I'll draft your request", WAIT)
        .await;
    assert!(
        asked["text"].as_str().unwrap().contains(QUESTION),
        "{asked}"
    );
    assert_eq!(
        buttons(&asked),
        vec![(
            "Skip (use the server's zone)".to_string(),
            "skip_zone".to_string()
        )]
    );

    fake.push(text_message(3, bea.clone(), chat.clone(), "Paris"));
    let drafted = fake.wait_for_message(BEA, "(draft)", WAIT).await;
    let text = drafted["text"].as_str().unwrap();
    assert!(text.contains("your time zone is Europe/Paris"), "{text}");
    assert!(
        text.contains("At 08:30 on weekdays (Europe/Paris)"),
        "{text}"
    );
    assert_eq!(
        buttons(&drafted),
        vec![
            ("Create".to_string(), "confirm".to_string()),
            ("Cancel".to_string(), "cancel".to_string())
        ]
    );
    let store = served.store().await;
    let known = steward::store::users::ensure(&store, "telegram:51", None, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(known.timezone.as_deref(), Some("Europe/Paris"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_skip_button_drafts_in_the_server_zone_and_says_so_and_relative_times_are_not_held() {
    const CY: i64 = 52;
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[("STEWARD_TIMEZONE", "Europe/Berlin")]).await;
    let (cy, chat) = (user(CY, "Cy"), private_chat(CY, "Cy"));

    fake.push(text_message(
        1,
        cy.clone(),
        chat.clone(),
        "in 20 minutes remind me to take the pizza out",
    ));
    let relative = fake.wait_for_message(CY, "(draft)", WAIT).await;
    assert!(
        !relative["text"].as_str().unwrap().contains(QUESTION),
        "{relative}"
    );
    fake.push(text_message(2, cy.clone(), chat.clone(), "no"));
    fake.wait_for_message(CY, "Cancelled", WAIT).await;

    fake.push(text_message(
        3,
        cy.clone(),
        chat.clone(),
        "tomorrow at 5pm remind me to call mom",
    ));
    fake.wait_for_message(CY, QUESTION, WAIT).await;
    fake.push(button_press(cy.clone(), chat.clone(), 301, "skip_zone"));
    let drafted = fake
        .wait_for_message(CY, "server's time zone, Europe/Berlin", WAIT)
        .await;
    let text = drafted["text"].as_str().unwrap();
    assert!(text.contains("(draft)"), "{text}");
    assert!(text.contains("(Europe/Berlin)"), "{text}");
    let edited = fake.bodies("editMessageReplyMarkup");
    assert!(
        edited.iter().any(|e| e["message_id"] == 301),
        "the skip button is taken off: {edited:?}"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_that_adds_steward_is_greeted_once() {
    const GROUP: i64 = -1_000_000_000_777;
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let membership = |old: &str, new: &str| {
        json!({"my_chat_member": {
            "chat": group_chat(GROUP),
            "from": user(ALICE, "Alice"),
            "date": 1_795_000_000,
            "old_chat_member": {"user": bot_user(), "status": old},
            "new_chat_member": {"user": bot_user(), "status": new},
        }})
    };
    fake.push(membership("left", "member"));
    let hello = fake.wait_for_message(GROUP, "Hi, I'm steward", WAIT).await;
    let text = hello["text"].as_str().unwrap();
    assert!(text.contains("@steward_bot"), "{text}");
    assert!(text.contains("time zone"), "{text}");
    // Made an administrator later: already there, no second greeting.
    fake.push(membership("member", "administrator"));
    fake.push(text_message(
        9,
        user(ALICE, "Alice"),
        group_chat(GROUP),
        "@steward_bot list my workflows",
    ));
    fake.wait_for_message(ALICE, "no workflows", WAIT).await;
    let greetings = fake
        .sent_to(GROUP)
        .into_iter()
        .filter(|m| {
            m["text"]
                .as_str()
                .unwrap_or_default()
                .contains("Hi, I'm steward")
        })
        .count();
    assert_eq!(greetings, 1);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn i_moved_to_tokyo_lists_the_workflows_and_the_move_button_moves_them_all() {
    const DAN: i64 = 53;
    let fake = FakeTelegram::start().await;
    let served = serve_with(&fake, &[]).await;
    let (dan, chat) = (user(DAN, "Dan"), private_chat(DAN, "Dan"));
    fake.push(text_message(
        1,
        dan.clone(),
        chat.clone(),
        "/timezone Europe/Paris",
    ));
    fake.wait_for_message(DAN, "Your time zone is now Europe/Paris", WAIT)
        .await;
    for (id, request) in [
        (2, "every weekday at 8:30 remind me to stretch"),
        (4, "every sunday at 19:00 remind me to plan the week"),
    ] {
        fake.push(text_message(id, dan.clone(), chat.clone(), request));
        fake.wait_for_message(DAN, "(Europe/Paris)", WAIT).await;
        fake.push(text_message(id + 1, dan.clone(), chat.clone(), "yes"));
    }
    fake.wait_for_message(DAN, "Created \"Plan the week\"", WAIT)
        .await;

    fake.push(text_message(
        6,
        dan.clone(),
        chat.clone(),
        "I moved to Tokyo",
    ));
    let offer = fake
        .wait_for_message(DAN, "Move them to Asia/Tokyo", WAIT)
        .await;
    let text = offer["text"].as_str().unwrap();
    assert!(text.contains("#1 Stretch"), "{text}");
    assert!(text.contains("#2 Plan the week"), "{text}");
    assert_eq!(
        buttons(&offer),
        vec![
            ("Move them".to_string(), "confirm".to_string()),
            ("Keep".to_string(), "cancel".to_string())
        ]
    );
    fake.push(button_press(dan.clone(), chat.clone(), 601, "confirm"));
    fake.wait_for_message(DAN, "Moved 2 workflows to Asia/Tokyo", WAIT)
        .await;
    let store = served.store().await;
    let stored = steward::store::workflows::list(store.pool(), Some("telegram:53"))
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(
        stored.iter().all(|w| w.timezone == "Asia/Tokyo"),
        "{stored:?}"
    );
    served.stop().await;
}
