//! Guessing the chat API's token: a few failures a minute per client
//! address, then 429 with `Retry-After` (even for the right token, so the
//! answer tells a guesser nothing); other addresses are unaffected. The
//! bearer scheme is read in any case.

use serde_json::{json, Value};
use std::net::IpAddr;

use crate::helpers::Served;

const TOKEN: &str = "api-token-auth";

async fn post_from(served: &Served, from: &str, authorization: &str) -> reqwest::Response {
    let from: IpAddr = from.parse().unwrap();
    reqwest::Client::builder()
        .local_address(from)
        .build()
        .unwrap()
        .post(format!("{}/api/v1/chat", served.base))
        .header("authorization", authorization)
        .json(&json!({"conversation_id": "c", "user_id": "u", "text": "list my workflows"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_scheme_is_case_insensitive() {
    let served = Served::start(&[("STEWARD_API_TOKEN", TOKEN)]).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = post_from(&served, "127.0.0.1", &format!("{scheme} {TOKEN}")).await;
        assert_eq!(response.status(), 200, "{scheme}");
    }
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_tokens_from_one_address_are_slowed_to_429_with_retry_after() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", TOKEN),
        ("STEWARD_AUTH_FAILURES_PER_MINUTE", "5"),
    ])
    .await;
    let mut statuses = Vec::new();
    for guess in 0..8 {
        let response = post_from(&served, "127.0.0.1", &format!("Bearer guess-{guess}")).await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);

    // Locked out: the right token gets the same answer while the bucket refills.
    let response = post_from(&served, "127.0.0.1", &format!("Bearer {TOKEN}")).await;
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=12).contains(&wait), "{wait}");
    let answer: Value = response.json().await.unwrap();
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("failed authentications"),
        "{answer}"
    );

    // Another client address is served as usual.
    let response = post_from(&served, "127.0.0.2", &format!("Bearer {TOKEN}")).await;
    assert_eq!(response.status(), 200);
    served.stop().await;
}
