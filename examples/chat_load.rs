//! A bounded load against a running `steward serve`, as an attacker and its
//! users would send it together: ordinary messages from many users, wrong
//! tokens (from a second loopback address, 127.0.0.2, so the lock-out of
//! guessing does not shut out the ordinary traffic), malformed JSON and ids
//! trying the old '|' collision. Prints the count of each status; any 5xx is
//! a defect.
//!
//! ```sh
//! STEWARD_API_TOKEN=t STEWARD_API_RATE_PER_MINUTE=1000000 steward serve &
//! cargo run --example chat_load -- http://127.0.0.1:8080 t 20000 500
//! ```

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::json;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .cloned()
        .unwrap_or("http://127.0.0.1:8080".into());
    let token = args.get(2).cloned().unwrap_or_default();
    let total: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let clients: usize = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(500);
    let url = format!("{base}/api/v1/chat");
    let ordinary = reqwest::Client::builder().build().unwrap();
    let guesser = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let statuses: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (next, statuses, url, token) = (
            Arc::clone(&next),
            Arc::clone(&statuses),
            url.clone(),
            token.clone(),
        );
        let (ordinary, guesser) = (ordinary.clone(), guesser.clone());
        // One client: takes request numbers until `total` are sent.
        tasks.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return;
                }
                let request = match n % 10 {
                    // A token guess.
                    0 => guesser.post(&url).bearer_auth(format!("guess-{n}")).body("{}"),
                    // Not JSON.
                    1 => ordinary.post(&url).bearer_auth(&token).body("{not json"),
                    // The old key collision, both halves.
                    2 => ordinary.post(&url).bearer_auth(&token).json(&json!({
                        "conversation_id": "c2|webhook:mallory", "user_id": format!("u{}", n % 50),
                        "text": "every day at 9 check https://x.example/?token=t and tell me if it's down"})),
                    3 => ordinary.post(&url).bearer_auth(&token).json(&json!({
                        "conversation_id": "c2", "user_id": format!("mallory|webhook:u{}", n % 50),
                        "text": "at 8 instead"})),
                    // Padded id.
                    4 => ordinary.post(&url).bearer_auth(&token).json(&json!({
                        "conversation_id": " c ", "user_id": "u", "text": "hi"})),
                    _ => ordinary.post(&url).bearer_auth(&token).json(&json!({
                        "conversation_id": format!("room-{}", n % 100), "user_id": format!("user{}", n % 200),
                        "text": "list my workflows"})),
                };
                let status = match request.send().await {
                    Ok(response) => {
                        let status = response.status().as_u16().to_string();
                        let _ = response.bytes().await;
                        status
                    }
                    Err(error) if error.is_timeout() => "timeout".into(),
                    Err(_) => "connection error".into(),
                };
                *statuses.lock().unwrap().entry(status).or_default() += 1;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let elapsed = started.elapsed();
    let statuses = statuses.lock().unwrap().clone();
    let server_errors: usize = statuses
        .iter()
        .filter(|(s, _)| s.starts_with('5'))
        .map(|(_, n)| n)
        .sum();
    println!(
        "{total} requests from {clients} clients in {:.1} s ({:.0}/s); by status: {statuses:?}; 5xx: {server_errors}",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
}
