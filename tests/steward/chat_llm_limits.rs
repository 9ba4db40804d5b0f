//! The conversation against models that misbehave the way real servers do
//! (issue 19): one that never stops writing, an answer cut off at its length
//! limit, a context too small, a refused key, an unknown model, a rate
//! limit, a model slower than the turn's deadline. Each time the person gets
//! an answer, a sentence naming the cause and its fix, and a history that
//! stays bounded and holds no cut-off words and no excuses.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::fake_openai::{error_body, FakeOpenAi, Reply};
use crate::helpers::Chat;

const NOW: &str = "2026-11-21T10:00:00Z";
/// The answer length the chats below allow.
const MAX_TOKENS: u64 = 200;

/// A chat whose LLM is `fake`, with short limits and `extra` settings.
pub(crate) async fn chat_with(fake: &FakeOpenAi, extra: &[(&str, &str)]) -> Chat {
    let base = fake.base_url.clone();
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Chat::with(NOW, move |name| {
        if let Some((_, value)) = extra.iter().find(|(k, _)| k == name) {
            return Some(value.clone());
        }
        match name {
            "STEWARD_LLM_BASE_URL" => Some(base.clone()),
            "OPENAI_API_KEY" => Some("sk-test-key".into()),
            "STEWARD_LLM_MODEL" => Some("test-model".into()),
            "STEWARD_LLM_MAX_RETRIES" => Some("2".into()),
            "STEWARD_LLM_BACKOFF_MS" => Some("1".into()),
            "STEWARD_LLM_MAX_TOKENS_CHAT" => Some(MAX_TOKENS.to_string()),
            "STEWARD_LLM_TURN_SECONDS" => Some("3".into()),
            _ => None,
        }
    })
    .await
}

/// `user` says `text`, bounded by a generous test timeout: a turn that
/// waits on a model without end fails the test instead of hanging it.
pub(crate) async fn say(chat: &Chat, user: &str, text: &str) -> String {
    tokio::time::timeout(Duration::from_secs(20), chat.say(user, text))
        .await
        .unwrap_or_else(|_| panic!("'{text}' got no answer within 20 s"))
        .text
}

/// The history stored for `user`, as (role, text).
async fn history(chat: &Chat, user: &str) -> Vec<(String, String)> {
    let conversation =
        steward::store::conversations::get(chat.app.store.reader(), &format!("test:{user}"), user)
            .await
            .unwrap()
            .expect("a stored conversation");
    let lines: Vec<Value> = serde_json::from_str(&conversation.history).unwrap();
    lines
        .iter()
        .map(|l| {
            (
                l["role"].as_str().unwrap().to_string(),
                l["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// No stored line is a note about the model or words it wrote past its
/// limit.
fn clean(history: &[(String, String)]) {
    for (_, text) in history {
        assert!(!text.contains("simple grammar"), "{text}");
        assert!(!text.contains("#3 Status check"), "{text}");
        assert!(!text.contains("Here are your workflows"), "{text}");
    }
}

fn messages(request: &Value) -> Vec<Value> {
    request["messages"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_model_that_never_stops_is_bounded_and_its_runaway_answer_is_neither_shown_nor_kept() {
    let fake = FakeOpenAi::start(vec![Reply::Endless, Reply::Endless]).await;
    let chat = chat_with(&fake, &[]).await;

    let began = Instant::now();
    let reply = say(&chat, "alice", "hi").await;

    // Every request carries the configured bound, so the model stops.
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "asked once more after a cut-off answer");
    for request in &requests {
        assert_eq!(request["max_tokens"], json!(MAX_TOKENS));
    }
    // Asked again with a tighter instruction…
    let again = messages(&requests[1]);
    let last = again.last().unwrap();
    assert_eq!(last["role"], "system");
    assert!(last["content"].as_str().unwrap().contains("cut off"));
    // …and cut off again: the offline reader answers and says why.
    assert!(
        reply.starts_with("(The language model's answer was cut off at its length limit, so I read that with my simple grammar. Ask for less at once, or raise STEWARD_LLM_MAX_TOKENS_CHAT.)"),
        "{reply}"
    );
    assert!(reply.contains("Hello!"), "{reply}");
    assert!(!reply.contains("#1 Status check"), "{reply}");
    assert!(began.elapsed() < Duration::from_secs(3));
    let kept = history(&chat, "alice").await;
    assert_eq!(kept.len(), 2);
    assert!(kept[1].1.starts_with("Hello!"), "{:?}", kept[1]);
    clean(&kept);
}

#[tokio::test]
async fn a_model_that_never_stops_is_also_bounded_by_the_turn_deadline() {
    // A server that ignores max_tokens writes until the deadline.
    let fake = FakeOpenAi::start(vec![Reply::Hang]).await;
    let chat = chat_with(&fake, &[("STEWARD_LLM_TURN_SECONDS", "1")]).await;

    let began = Instant::now();
    let reply = say(&chat, "alice", "list my workflows").await;

    assert!(
        began.elapsed() < Duration::from_secs(3),
        "{:?}",
        began.elapsed()
    );
    assert!(
        reply.starts_with("(The language model took longer than 1 s to answer, so I read that with my simple grammar. A faster model or a longer STEWARD_LLM_TURN_SECONDS helps.)"),
        "{reply}"
    );
    assert!(reply.contains("You have no workflows"), "{reply}");
    clean(&history(&chat, "alice").await);
}

#[tokio::test]
async fn a_length_finish_is_asked_again_once_and_the_cut_off_words_are_never_shown() {
    let fake = FakeOpenAi::start(vec![
        Reply::CutOff(
            "Here are your workflows:\n#1 Status check\n#2 Status check\n#3 Status check\n#4"
                .into(),
        ),
        Reply::text("You have no workflows yet."),
    ])
    .await;
    let chat = chat_with(&fake, &[]).await;

    let reply = say(&chat, "alice", "what workflows do I have?").await;

    assert_eq!(reply, "You have no workflows yet.");
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    // The cut-off answer is not part of the conversation the model reads.
    let again = messages(&requests[1]);
    assert!(again.iter().all(|m| !m["content"]
        .as_str()
        .unwrap_or("")
        .contains("Here are your workflows")));
    let kept = history(&chat, "alice").await;
    assert_eq!(
        kept[1],
        ("assistant".into(), "You have no workflows yet.".into())
    );
    clean(&kept);
}

/// llama.cpp's refusal of a prompt longer than its context.
fn context_overflow() -> Reply {
    Reply::Custom {
        status: 400,
        headers: Vec::new(),
        body: json!({"error": {
            "code": 400, "type": "exceed_context_size_error",
            "message": "request (2114 tokens) exceeds the available context size (512 tokens), try increasing it",
            "n_prompt_tokens": 2114, "n_ctx": 512,
        }})
        .to_string(),
    }
}

#[tokio::test]
async fn a_context_too_small_is_retried_without_history_and_then_named() {
    let fake = FakeOpenAi::start(vec![
        Reply::text("Hello."),
        context_overflow(),
        Reply::text("Fine, thanks."),
        context_overflow(),
        context_overflow(),
    ])
    .await;
    let chat = chat_with(&fake, &[]).await;
    assert_eq!(say(&chat, "alice", "hi").await, "Hello.");

    // Too long with the history: asked once more without it.
    assert_eq!(say(&chat, "alice", "how are you?").await, "Fine, thanks.");
    let requests = fake.requests();
    assert_eq!(
        messages(&requests[1]).len(),
        4,
        "system, hi, Hello., the message"
    );
    assert_eq!(
        messages(&requests[2]).len(),
        2,
        "system and the message alone"
    );

    // Too long even so: the offline reader answers and names the cause.
    let reply = say(&chat, "alice", "hello").await;
    assert_eq!(fake.requests().len(), 5, "a 400 is not retried otherwise");
    assert!(
        reply.starts_with("(The language model's context is too small for this conversation, so I read that with my simple grammar. Raise the server's context size (llama.cpp: -c), or lower STEWARD_LLM_HISTORY_TOKENS.)"),
        "{reply}"
    );
    assert!(!reply.contains("2114"), "{reply}");
    let kept = history(&chat, "alice").await;
    assert_eq!(kept.len(), 6);
    clean(&kept);
}

#[tokio::test]
async fn a_refused_key_is_named_without_retrying_or_showing_the_key() {
    let fake = FakeOpenAi::start(vec![Reply::Status(401)]).await;
    let chat = chat_with(&fake, &[]).await;

    let reply = say(&chat, "alice", "hi").await;

    assert_eq!(fake.requests().len(), 1);
    assert!(
        reply.starts_with("(The language model's server refused steward's key, so I read that with my simple grammar. Check OPENAI_API_KEY.)"),
        "{reply}"
    );
    assert!(
        !reply.contains("sk-test-key") && !reply.contains("401"),
        "{reply}"
    );
    clean(&history(&chat, "alice").await);
}

#[tokio::test]
async fn an_unknown_model_is_named() {
    let fake = FakeOpenAi::start(vec![Reply::Custom {
        status: 404,
        headers: Vec::new(),
        body: error_body(
            404,
            "The model `test-model` does not exist or you do not have access to it.",
        ),
    }])
    .await;
    let chat = chat_with(&fake, &[]).await;

    let reply = say(&chat, "alice", "hi").await;

    assert_eq!(fake.requests().len(), 1);
    assert!(
        reply.starts_with("(The language model's server doesn't know the model 'test-model', so I read that with my simple grammar. Check STEWARD_LLM_MODEL, and that STEWARD_LLM_BASE_URL ends in /v1.)"),
        "{reply}"
    );
    clean(&history(&chat, "alice").await);
}

fn rate_limited(seconds: u64) -> Reply {
    Reply::Custom {
        status: 429,
        headers: vec![("retry-after".into(), seconds.to_string())],
        body: error_body(429, "Rate limit reached for test-model"),
    }
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_when_short_and_named_with_its_wait_when_long() {
    let fake = FakeOpenAi::start(vec![
        rate_limited(1),
        Reply::text("Hello."),
        rate_limited(120),
    ])
    .await;
    let chat = chat_with(&fake, &[]).await;

    // Retry-After: 1 is honoured, within the turn's deadline.
    let began = Instant::now();
    assert_eq!(say(&chat, "alice", "hi").await, "Hello.");
    assert!(began.elapsed() >= Duration::from_secs(1));

    // Two minutes is longer than steward waits: said at once, with the wait.
    let began = Instant::now();
    let reply = say(&chat, "alice", "hello").await;
    assert!(began.elapsed() < Duration::from_secs(2));
    assert_eq!(fake.requests().len(), 3);
    assert!(
        reply.starts_with("(The language model's server is limiting how often steward may ask, so I read that with my simple grammar. Try again in 120 s.)"),
        "{reply}"
    );
    let kept = history(&chat, "alice").await;
    assert_eq!(kept.len(), 4);
    clean(&kept);
}

#[tokio::test]
async fn a_slow_model_past_the_turn_deadline_gets_the_offline_answer_and_says_why() {
    let fake = FakeOpenAi::start(vec![
        Reply::text("Too late to matter.").after_ms(5_000),
        Reply::text("Too late to matter.").after_ms(5_000),
    ])
    .await;
    let chat = chat_with(&fake, &[("STEWARD_LLM_TURN_SECONDS", "1")]).await;

    let began = Instant::now();
    let reply = say(&chat, "alice", "every day at 9 remind me to stretch").await;

    assert!(
        began.elapsed() < Duration::from_secs(3),
        "{:?}",
        began.elapsed()
    );
    assert!(
        reply.starts_with("(The language model took longer than 1 s to answer"),
        "{reply}"
    );
    assert!(
        reply.contains("New workflow \"Stretch\" (draft)"),
        "{reply}"
    );
    assert!(!reply.contains("Too late"), "{reply}");
    let kept = history(&chat, "alice").await;
    assert!(
        kept[1].1.starts_with("New workflow \"Stretch\""),
        "{:?}",
        kept[1]
    );
    clean(&kept);
}

#[tokio::test]
async fn the_history_the_model_reads_and_the_one_kept_are_bounded_by_a_token_budget() {
    let rambling = "word ".repeat(80); // 400 characters, about 100 tokens
    let script = (0..8).map(|_| Reply::text(&rambling)).collect();
    let fake = FakeOpenAi::start(script).await;
    let chat = chat_with(&fake, &[("STEWARD_LLM_HISTORY_TOKENS", "500")]).await;

    for n in 0..8 {
        say(
            &chat,
            "alice",
            &format!("tell me something, {n} {rambling}"),
        )
        .await;
    }

    let requests = fake.requests();
    let last = messages(requests.last().unwrap());
    let earlier: usize = last[1..last.len() - 1]
        .iter()
        .map(|m| m["content"].as_str().unwrap().len())
        .sum();
    assert!(earlier <= 500 * 4, "{earlier} characters of history");
    assert!(
        last.len() >= 3,
        "the last exchange still fits: {}",
        last.len()
    );
    assert_eq!(last[1]["role"], "user", "whole exchanges are dropped");
    let kept = history(&chat, "alice").await;
    let kept_chars: usize = kept.iter().map(|(_, t)| t.len()).sum();
    assert!(kept_chars <= 500 * 4, "{kept_chars} characters kept");
    assert!(kept.len() < 16, "{}", kept.len());
}
