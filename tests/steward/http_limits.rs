//! The HTTP listener's connection limits, against a running `serve`: an idle
//! connection, one sending its headers slowly and one sending its body
//! slowly are each closed within their own limit while ordinary requests are
//! answered; past the connection cap, clients wait to be accepted.

use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::Served;

const TOKEN: &str = "api-token-limits";

async fn connect(served: &Served) -> TcpStream {
    TcpStream::connect(served.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection; how long that took from
/// `since`, and what it sent.
async fn until_closed(mut stream: impl AsyncRead + Unpin, since: Instant) -> (Duration, String) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    if tokio::time::timeout(Duration::from_secs(8), read_all)
        .await
        .is_err()
    {
        panic!(
            "not closed within 8 s; received {:?}",
            String::from_utf8_lossy(&received)
        );
    }
    (
        since.elapsed(),
        String::from_utf8_lossy(&received).into_owned(),
    )
}

/// Writes `bytes` one at a time, `every` apart, until the server hangs up.
fn trickle(mut writer: tokio::net::tcp::OwnedWriteHalf, bytes: &'static [u8], every: Duration) {
    // Ends when the connection is closed (a write fails) or the bytes run out.
    tokio::spawn(async move {
        for byte in bytes {
            tokio::time::sleep(every).await;
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
        }
    });
}

async fn list_workflows(served: &Served) -> (u16, Duration) {
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/chat", served.base))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"conversation_id": "c", "user_id": "u", "text": "list my workflows"}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), started.elapsed())
}

fn assert_within(what: &str, took: Duration, from: f64, to: f64) {
    let seconds = took.as_secs_f64();
    assert!(
        (from..to).contains(&seconds),
        "{what} closed after {seconds:.2} s, expected {from}-{to} s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_connections_are_closed_within_their_limits_while_requests_are_answered() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", TOKEN),
        ("STEWARD_HEADER_TIMEOUT_SECONDS", "1"),
        ("STEWARD_BODY_TIMEOUT_SECONDS", "2"),
        ("STEWARD_IDLE_TIMEOUT_SECONDS", "3"),
    ])
    .await;
    let start = Instant::now();

    // Connected, says nothing.
    let idle = connect(&served).await;

    // Starts a request, then sends a header byte every 200 ms.
    let (read, mut write) = connect(&served).await.into_split();
    write
        .write_all(b"POST /api/v1/chat HTTP/1.1\r\nHost: steward\r\n")
        .await
        .unwrap();
    trickle(write, &[b'x'; 100], Duration::from_millis(200));
    let slow_header = read;

    // Whole headers, then the body a byte every 200 ms.
    let (body_read, mut body_write) = connect(&served).await.into_split();
    let head = format!(
        "POST /api/v1/chat HTTP/1.1\r\nHost: steward\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    );
    body_write.write_all(head.as_bytes()).await.unwrap();
    trickle(body_write, &[b' '; 100], Duration::from_millis(200));

    // A client that asked once and keeps the connection open.
    let mut kept = connect(&served).await;
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: steward\r\n\r\n")
        .await
        .unwrap();

    let watched = tokio::spawn(async move {
        let idle = until_closed(idle, start);
        let header = until_closed(slow_header, start);
        let body = until_closed(body_read, start);
        let kept = until_closed(kept, start);
        tokio::join!(idle, header, body, kept)
    });

    // Meanwhile, ordinary requests are answered at once.
    for _ in 0..3 {
        let (status, took) = list_workflows(&served).await;
        assert_eq!(status, 200);
        assert!(took < Duration::from_millis(900), "{took:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    let ((idle, _), (header, _), (body, answer), (kept, answered)) = watched.await.unwrap();
    assert_within("the slow-header connection", header, 0.9, 2.0);
    assert_within("the slow-body connection", body, 1.9, 3.0);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("within 2 s"), "{answer}");
    assert_within("the idle connection", idle, 2.9, 4.0);
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert_within("the kept-alive connection", kept, 2.9, 4.0);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_a_client_waits_until_one_closes() {
    let served = Served::start(&[
        ("STEWARD_MAX_CONNECTIONS", "2"),
        ("STEWARD_IDLE_TIMEOUT_SECONDS", "2"),
    ])
    .await;
    let first = connect(&served).await;
    let second = connect(&served).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let health = reqwest::get(format!("{}/healthz", served.base))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(health.status(), 200);
    assert!(
        waited > Duration::from_millis(1_500) && waited < Duration::from_secs(4),
        "answered after {waited:?}: the two idle connections hold both slots until their idle limit"
    );
    drop((first, second));
    served.stop().await;
}
