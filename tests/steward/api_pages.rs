//! Cursor pagination of workflows and runs: empty, an exact page, following
//! the cursor to the last page without repeats, and refusals.

use serde_json::{json, Value};
use std::collections::BTreeSet;

use crate::api_client::{served, Api};

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_list_has_no_items_and_no_next_cursor() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    for path in ["/api/v1/workflows", "/api/v1/runs"] {
        let answer = alice.get(path).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, json!({"items": [], "next_cursor": null}));
    }
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_exactly_the_limit_has_no_next_cursor() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    for n in 0..3 {
        alice.create(&format!("w{n}")).await;
    }
    let answer = alice.get("/api/v1/workflows?limit=3").await;
    assert_eq!(ids(&answer.body).len(), 3);
    assert_eq!(answer.body["next_cursor"], Value::Null);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_the_cursor_to_the_last_page_without_repeats() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let mut made = Vec::new();
    for n in 0..7 {
        made.push(alice.create(&format!("w{n}")).await);
        bob.create(&format!("b{n}")).await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/workflows?limit=3".to_string();
    let mut pages = 0;
    loop {
        let answer = alice.get(&path).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        pages += 1;
        seen.extend(ids(&answer.body));
        match answer.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/workflows?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3, "3 + 3 + 1");
    assert_eq!(seen, made);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 7);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_page_newest_first_through_their_cursor() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Often").await;
    let mut made = Vec::new();
    for _ in 0..5 {
        let answer = alice
            .act(&format!("/api/v1/workflows/{id}/run?wait=5"))
            .await;
        made.push(answer.body["id"].as_i64().unwrap());
    }
    made.reverse();
    let first = alice
        .get(&format!("/api/v1/runs?workflow={id}&limit=2"))
        .await;
    assert_eq!(ids(&first.body), made[..2]);
    let mut seen = ids(&first.body);
    let mut cursor = first.body["next_cursor"].as_str().unwrap().to_string();
    loop {
        let page = alice
            .get(&format!(
                "/api/v1/runs?workflow={id}&limit=2&cursor={cursor}"
            ))
            .await;
        seen.extend(ids(&page.body));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, made);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_cursor_or_limit_is_400_naming_it() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    alice.create("w").await;
    let runs_cursor = alice.get("/api/v1/workflows?limit=1").await;
    assert_eq!(runs_cursor.body["next_cursor"], Value::Null);
    for path in [
        "/api/v1/workflows?cursor=garbage!",
        "/api/v1/runs?cursor=dzox",
        "/api/v1/workflows?cursor=cjoxOjE",
    ] {
        alice.get(path).await.assert_error(400, Some("cursor"));
    }
    for path in [
        "/api/v1/workflows?limit=101",
        "/api/v1/workflows?limit=0",
        "/api/v1/runs?limit=ten",
    ] {
        alice.get(path).await.assert_error(400, Some("limit"));
    }
    served.stop().await;
}
