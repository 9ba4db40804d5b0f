//! A flood on Telegram: 1,000 messages from one person are limited to
//! their quota of messages a minute, told once, while another person's
//! messages are answered at normal speed. Prints both latencies.

use std::time::{Duration, Instant};

use crate::fake_telegram::{private_chat, text_message, user, FakeTelegram, TOKEN};
use crate::helpers::Served;

const MALLORY: i64 = 66;
const BOB: i64 = 77;
const FLOOD: i64 = 1_000;

/// Bob asks `count` times, one after another; how long each answer took.
async fn bob_asks(fake: &FakeTelegram, first_id: i64, count: i64) -> Vec<Duration> {
    let mut took = Vec::new();
    for i in 0..count {
        let before = fake.sent_to(BOB).len();
        let asked = Instant::now();
        fake.push(text_message(
            first_id + i,
            user(BOB, "Bob"),
            private_chat(BOB, "Bob"),
            "list my workflows",
        ));
        while fake.sent_to(BOB).len() == before {
            assert!(
                asked.elapsed() < Duration::from_secs(10),
                "Bob got no answer: {:?}",
                fake.calls()
                    .iter()
                    .rev()
                    .take(6)
                    .map(|c| format!("{} {}", c.method, helpers_clip(&c.body.to_string())))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        took.push(asked.elapsed());
    }
    took.sort();
    took
}

fn helpers_clip(s: &str) -> String {
    s.chars().take(200).collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn p(sorted: &[Duration], q: f64) -> f64 {
    ms(sorted[((sorted.len() - 1) as f64 * q).round() as usize])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_person_is_limited_while_another_is_answered_at_normal_speed() {
    let fake = FakeTelegram::start().await;
    let served = Served::start(&[
        ("TELEGRAM_BOT_TOKEN", TOKEN),
        ("TELEGRAM_API_URL", fake.url.as_str()),
    ])
    .await;
    let started = Instant::now();
    while fake.bodies("setMyCommands").is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "not logged in");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Bob keeps within his own 20 a minute: 5 + 10 + the few below.
    let before = bob_asks(&fake, 1, 5).await;

    let flood = Instant::now();
    for i in 0..FLOOD {
        fake.push(text_message(
            1_000 + i,
            user(MALLORY, "Mallory"),
            private_chat(MALLORY, "Mallory"),
            "list my workflows",
        ));
    }
    let during = bob_asks(&fake, 100, 10).await;
    let told = fake
        .wait_for_message(MALLORY, "faster than I take them", Duration::from_secs(30))
        .await;
    let told_after = flood.elapsed();
    assert!(
        told["text"]
            .as_str()
            .unwrap()
            .contains("your limit is 20 a minute"),
        "{told}"
    );
    // Every update of the flood is read: its hits are counted.
    let store = served.store().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut next_id = 500;
    let refused = loop {
        // Hits are written at most once a second, when messages come.
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        bob_asks(&fake, next_id, 1).await;
        next_id += 1;
        let hits = steward::store::quotas::hits_since(
            &mut store.pool().acquire().await.unwrap(),
            chrono::Utc::now() - chrono::TimeDelta::days(1),
        )
        .await
        .unwrap();
        let count = hits
            .iter()
            .find(|h| h.user == format!("telegram:{MALLORY}"))
            .map_or(0, |h| h.count);
        let answered = fake.sent_to(MALLORY).len() as i64;
        // Each message is either answered or counted as refused (the one
        // notice is both).
        if answered + count > FLOOD {
            break count;
        }
        assert!(
            Instant::now() < deadline,
            "the flood was not read: {answered} + {count}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let processed = flood.elapsed();
    let sent = fake.sent_to(MALLORY);
    let notices = sent
        .iter()
        .filter(|m| {
            m["text"]
                .as_str()
                .unwrap_or_default()
                .contains("faster than I take them")
        })
        .count();
    println!(
        "telegram flood: {FLOOD} messages from one person read in {:.0} ms; {} answered ({} notice), {refused} refused; told after {:.0} ms. \
         Another person: p50/p99 {:.1}/{:.1} ms before the flood, {:.1}/{:.1} ms during it",
        ms(processed),
        sent.len(),
        notices,
        ms(told_after),
        p(&before, 0.5),
        p(&before, 0.99),
        p(&during, 0.5),
        p(&during, 0.99),
    );
    assert_eq!(notices, 1, "told once");
    // 20 a minute, refilled while the flood lasts (one every 3 s), and the
    // one notice.
    let allowed = 20 + 1 + (processed.as_secs() / 3) as usize + 1;
    assert!(
        sent.len() <= allowed,
        "{} answered, at most {allowed}",
        sent.len()
    );
    assert!(refused >= FLOOD - allowed as i64, "{refused} refused");
    assert!(
        p(&during, 0.99) < 1_000.0,
        "another person waited {:.0} ms during the flood",
        p(&during, 0.99)
    );
    served.stop().await;
}
