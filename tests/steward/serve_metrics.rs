//! `GET /metrics`: off unless configured, behind its token on the main
//! listener or open on its own one, in Prometheus text with what the
//! service did (runs, chat turns, HTTP requests, limit hits, backlog).

use serde_json::json;

use crate::api_client::Api;
use crate::helpers::Served;

async fn scrape(url: &str, token: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_their_token_and_count_runs_turns_requests_and_limit_hits() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_METRICS_TOKEN", "scrape-token"),
        ("STEWARD_QUOTA_MESSAGES_PER_MINUTE", "1"),
    ])
    .await;
    let url = format!("{}/metrics", served.base);
    assert_eq!(scrape(&url, None).await.0, 401);
    assert_eq!(scrape(&url, Some("wrong")).await.0, 401);

    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Hello").await;
    let ran = alice
        .post(
            &format!("/api/v1/workflows/{id}/run?wait=10"),
            &json!({"who": "you"}),
        )
        .await;
    assert_eq!(ran.body["status"], "succeeded", "{}", ran.body);
    let message = json!({"conversation_id": "c1", "user_id": "carol", "text": "list my workflows"});
    assert_eq!(served.chat("chat-token", &message).await.0, 200);
    assert_eq!(served.chat("chat-token", &message).await.0, 429);

    let (status, text) = scrape(&url, Some("scrape-token")).await;
    assert_eq!(status, 200, "{text}");
    for wanted in [
        "# HELP steward_runs_total",
        "steward_runs_total{status=\"succeeded\",trigger=\"manual\"}",
        "steward_run_duration_seconds_bucket{status=\"succeeded\",le=",
        "steward_chat_turns_total{",
        "mode=\"offline\"",
        "steward_limit_hits_total{limit=\"messages_per_minute\"}",
        "steward_http_requests_total{method=\"POST\",route=\"/api/v1/workflows/{id}/run\",status=\"200\"}",
        "steward_outbox_depth ",
        "steward_due_backlog ",
    ] {
        assert!(text.contains(wanted), "{wanted} missing from:\n{text}");
    }
    // Ids never become labels: routes are their patterns.
    assert!(
        !text.contains(&format!("/api/v1/workflows/{id}/run\"")),
        "{text}"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_off_the_public_listener_unless_asked_for_and_open_on_their_own() {
    let served = Served::start(&[("STEWARD_API_TOKEN", "chat-token")]).await;
    let (status, _) = scrape(&format!("{}/metrics", served.base), None).await;
    assert_eq!(status, 404);
    served.stop().await;

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_METRICS_BIND", bind.as_str()),
    ])
    .await;
    let (status, text) = scrape(&format!("http://{bind}/metrics"), None).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("steward_outbox_depth"), "{text}");
    let (status, _) = scrape(&format!("{}/metrics", served.base), None).await;
    assert_eq!(status, 404, "still off the public listener");
    served.stop().await;
}
