//! MCP tools for `agent` steps: a hand-written stdio server
//! (`examples/mcp_fixture.rs`) and a hand-written streamable HTTP server,
//! reached through `steward::engine::mcp::Mcp`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};
use steward::engine::mcp::{Mcp, McpServerConfig, McpTransport};

const CALL: Duration = Duration::from_secs(10);

/// The fixture server, built by `cargo test` with the examples.
pub fn fixture_binary() -> PathBuf {
    // The test binary is target/<profile>/deps/steward-HASH.
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let binary = profile_dir.join("examples").join("mcp_fixture");
    assert!(
        binary.exists(),
        "the MCP fixture server {} is missing: run `cargo build --example mcp_fixture` (plain `cargo test` builds it)",
        binary.display()
    );
    binary
}

/// A stdio server named `fixture` that logs what it receives to a file.
struct Fixture {
    mcp: Mcp,
    log: tempfile::NamedTempFile,
}

impl Fixture {
    fn start() -> Fixture {
        Fixture::with_env(&[])
    }

    fn with_env(env: &[(&str, &str)]) -> Fixture {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut vars: BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        vars.insert(
            "MCP_FIXTURE_LOG".into(),
            log.path().to_str().unwrap().into(),
        );
        let mcp = Mcp::new(vec![McpServerConfig {
            name: "fixture".into(),
            transport: McpTransport::Stdio {
                command: fixture_binary().to_str().unwrap().into(),
                args: vec![],
                env: vars,
                cwd: None,
            },
        }]);
        Fixture { mcp, log }
    }

    /// The lines the server logged: `start <pid>`, then the methods it got.
    fn log(&self) -> Vec<String> {
        std::fs::read_to_string(self.log.path())
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The process ids of every start, oldest first.
    fn pids(&self) -> Vec<u32> {
        self.log()
            .iter()
            .filter_map(|line| line.strip_prefix("start "))
            .map(|pid| pid.parse().unwrap())
            .collect()
    }
}

fn names(wanted: &[&str]) -> Vec<String> {
    wanted.iter().map(|w| w.to_string()).collect()
}

/// Whether `pid` is still a process, zombies included (a zombie has a
/// /proc entry until it is reaped).
fn exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

async fn until_gone(pid: u32) {
    for _ in 0..100 {
        if !exists(pid) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("process {pid} is still there after 5 s");
}

#[tokio::test]
async fn a_servers_tools_are_listed_with_their_descriptions_and_schemas() {
    let fixture = Fixture::start();
    let tools = fixture.mcp.tools(&names(&["fixture.*"])).await.unwrap();
    let listed: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(listed, ["fixture.echo", "fixture.add", "fixture.fail"]);
    assert_eq!(tools[1].description, "Adds two numbers.");
    assert_eq!(
        tools[1].input_schema,
        json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]})
    );
    // The bare server name means all its tools too; one tool alone is one.
    assert_eq!(
        fixture.mcp.tools(&names(&["fixture"])).await.unwrap(),
        tools
    );
    let one = fixture
        .mcp
        .tools(&names(&["fixture.add", "http"]))
        .await
        .unwrap();
    assert_eq!(one, vec![tools[1].clone()]);
    // Listed once, after connecting, however often a workflow asks.
    let log = fixture.log();
    assert_eq!(
        log.iter().filter(|l| *l == "tools/list").count(),
        1,
        "{log:?}"
    );
    fixture.mcp.shutdown().await;
}

#[tokio::test]
async fn a_listing_in_pages_is_followed_to_its_end() {
    let fixture = Fixture::with_env(&[("MCP_FIXTURE_PAGE_SIZE", "1")]);
    let tools = fixture.mcp.tools(&names(&["fixture.*"])).await.unwrap();
    assert_eq!(tools.len(), 3);
    let log = fixture.log();
    assert_eq!(
        log.iter().filter(|l| *l == "tools/list").count(),
        3,
        "{log:?}"
    );
    fixture.mcp.shutdown().await;
}

#[tokio::test]
async fn a_server_starts_only_when_a_workflow_names_it_and_only_once() {
    let fixture = Fixture::start();
    assert_eq!(fixture.mcp.server_names(), ["fixture"]);
    fixture
        .mcp
        .tools(&names(&["http", "other.tool"]))
        .await
        .unwrap();
    assert!(fixture.log().is_empty(), "started without being named");
    let wanted = names(&["fixture.*"]);
    let (a, b) = tokio::join!(fixture.mcp.tools(&wanted), fixture.mcp.tools(&wanted));
    a.unwrap();
    b.unwrap();
    assert_eq!(fixture.pids().len(), 1, "{:?}", fixture.log());
    fixture.mcp.shutdown().await;
}

#[tokio::test]
async fn a_tool_call_returns_the_tools_text() {
    let fixture = Fixture::start();
    let sum = fixture
        .mcp
        .call("fixture.add", json!({"a": 2, "b": 3}), CALL)
        .await;
    assert_eq!(sum.unwrap(), "5");
    let echoed = fixture
        .mcp
        .call("fixture.echo", json!({"text": "hello"}), CALL)
        .await;
    assert_eq!(echoed.unwrap(), "hello");
    assert!(fixture.log().contains(&"tools/call".to_string()));
    fixture.mcp.shutdown().await;
}

#[tokio::test]
async fn a_tool_that_reports_an_error_is_an_err_with_its_text() {
    let fixture = Fixture::start();
    let failed = fixture.mcp.call("fixture.fail", json!({}), CALL).await;
    assert_eq!(failed.unwrap_err(), "the fixture failed on purpose");
    fixture.mcp.shutdown().await;
}

#[tokio::test]
async fn an_unknown_tool_is_an_err_naming_it() {
    let fixture = Fixture::start();
    let listed = fixture.mcp.tools(&names(&["fixture.nope"])).await;
    let err = listed.unwrap_err();
    assert!(
        err.contains("\"fixture\"") && err.contains("\"nope\"") && err.contains("add, echo, fail"),
        "{err}"
    );
    let called = fixture.mcp.call("fixture.nope", json!({}), CALL).await;
    assert!(called.unwrap_err().contains("\"nope\""));
    // Asked before calling: the server never saw it.
    assert!(!fixture.log().contains(&"tools/call".to_string()));
    fixture.mcp.shutdown().await;
}

#[tokio::test]
async fn arguments_that_are_not_an_object_are_refused() {
    let fixture = Fixture::start();
    let called = fixture.mcp.call("fixture.add", json!([2, 3]), CALL).await;
    assert_eq!(
        called.unwrap_err(),
        "the arguments for MCP tool \"fixture.add\" must be a JSON object"
    );
}

#[tokio::test]
async fn a_server_whose_command_does_not_exist_is_an_err_naming_it() {
    let mcp = Mcp::new(vec![McpServerConfig {
        name: "ghost".into(),
        transport: McpTransport::Stdio {
            command: "/nonexistent/mcp-server".into(),
            args: vec![],
            env: BTreeMap::new(),
            cwd: None,
        },
    }]);
    let err = mcp.tools(&names(&["ghost.*"])).await.unwrap_err();
    assert_eq!(
        err,
        "MCP server \"ghost\" could not be started: the command \"/nonexistent/mcp-server\" was not found"
    );
    let err = mcp
        .call("ghost.anything", json!({}), CALL)
        .await
        .unwrap_err();
    assert!(err.starts_with("MCP server \"ghost\""), "{err}");
}

#[tokio::test]
async fn a_server_that_exits_during_the_handshake_is_an_err_naming_it() {
    let mcp = Mcp::new(vec![McpServerConfig {
        name: "quits".into(),
        transport: McpTransport::Stdio {
            command: "sh".into(),
            args: vec!["-c".into(), "echo broken >&2; exit 3".into()],
            env: BTreeMap::new(),
            cwd: None,
        },
    }]);
    let err = mcp.tools(&names(&["quits"])).await.unwrap_err();
    assert!(
        err.starts_with("MCP server \"quits\" exited before completing the MCP handshake"),
        "{err}"
    );
}

#[tokio::test]
async fn a_call_that_outlasts_its_timeout_is_an_err() {
    let fixture = Fixture::with_env(&[("MCP_FIXTURE_DELAY_MS", "3000")]);
    fixture.mcp.tools(&names(&["fixture"])).await.unwrap();
    let started = std::time::Instant::now();
    let called = fixture
        .mcp
        .call(
            "fixture.add",
            json!({"a": 1, "b": 1}),
            Duration::from_millis(300),
        )
        .await;
    assert_eq!(
        called.unwrap_err(),
        "MCP tool \"fixture.add\" did not answer within 300 ms"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    fixture.mcp.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_the_servers_process() {
    let fixture = Fixture::start();
    fixture.mcp.tools(&names(&["fixture"])).await.unwrap();
    let pid = fixture.pids()[0];
    assert!(exists(pid));
    fixture.mcp.shutdown().await;
    // Stopped and reaped: not even a zombie is left.
    assert!(!exists(pid), "process {pid} is still there after shutdown");
    let after = fixture
        .mcp
        .call("fixture.add", json!({"a": 1, "b": 1}), CALL)
        .await;
    assert!(after.unwrap_err().contains("shutting down"));
}

#[tokio::test]
async fn a_server_that_exits_mid_session_is_restarted_on_next_use() {
    let fixture = Fixture::start();
    let first = fixture
        .mcp
        .call("fixture.add", json!({"a": 2, "b": 3}), CALL)
        .await;
    assert_eq!(first.unwrap(), "5");
    let pid = fixture.pids()[0];
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // rmcp sees the end of the server's output and reaps it; give the
    // connection's task a moment past that to finish.
    until_gone(pid).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let again = fixture
        .mcp
        .call("fixture.add", json!({"a": 2, "b": 3}), CALL)
        .await;
    assert_eq!(again.unwrap(), "5");
    let pids = fixture.pids();
    assert_eq!(pids.len(), 2, "{:?}", fixture.log());
    assert_ne!(pids[0], pids[1]);
    fixture.mcp.shutdown().await;
}

#[tokio::test]
async fn a_stdio_server_gets_its_env_but_not_stewards() {
    // Cargo sets this for the tests; the server must not inherit it.
    assert!(std::env::var("CARGO_MANIFEST_DIR").is_ok());
    let fixture = Fixture::with_env(&[
        ("GIVEN", "yes"),
        ("MCP_FIXTURE_SHOW_ENV", "GIVEN,CARGO_MANIFEST_DIR,PATH"),
    ]);
    fixture.mcp.tools(&names(&["fixture"])).await.unwrap();
    let log = fixture.log();
    assert!(log.contains(&"env GIVEN=yes".to_string()), "{log:?}");
    assert!(
        log.contains(&"env CARGO_MANIFEST_DIR unset".to_string()),
        "{log:?}"
    );
    assert!(log.iter().any(|l| l.starts_with("env PATH=")), "{log:?}");
    fixture.mcp.shutdown().await;
}

/// Everything logged on this thread while it is held.
struct CapturedLog {
    text: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl CapturedLog {
    /// Debug level and up, on this thread (a `#[tokio::test]` runs its
    /// spawned tasks on it too).
    fn start() -> CapturedLog {
        let text = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&text);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || Sink(Arc::clone(&sink)))
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        CapturedLog {
            text,
            _guard: guard,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.text.lock().unwrap()).into_owned()
    }
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_servers_stderr_goes_to_the_debug_log_not_to_stewards_output() {
    let log = CapturedLog::start();
    let fixture = Fixture::start();
    fixture.mcp.tools(&names(&["fixture"])).await.unwrap();
    // The fixture writes one line to stderr when it starts; shutdown waits
    // for the process, whose stderr closes with it.
    fixture.mcp.shutdown().await;
    for _ in 0..50 {
        if log.text().contains("mcp_fixture: ready") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let text = log.text();
    let line = text.lines().find(|l| l.contains("mcp_fixture: ready"));
    let line = line.unwrap_or_else(|| panic!("stderr not logged:\n{text}"));
    assert!(line.contains("DEBUG") && line.contains("fixture"), "{line}");
}

// ----- streamable HTTP -----------------------------------------------------

/// A streamable HTTP MCP server answering each POST with `application/json`
/// (no SSE): `initialize`, `tools/list` with `lookup`, `tools/call`. Keeps
/// each request's method and Authorization header.
struct FakeMcpHttp {
    url: String,
    seen: Arc<Mutex<Vec<Request>>>,
}

/// A request's JSON-RPC method and Authorization header.
type Request = (String, Option<String>);

impl FakeMcpHttp {
    async fn start() -> FakeMcpHttp {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::clone(&seen);
        let router = axum::Router::new().route(
            "/mcp",
            axum::routing::post(move |headers: HeaderMap, body: axum::Json<Value>| {
                let seen = Arc::clone(&shared);
                async move { answer_http(&seen, &headers, body.0) }
            })
            // No server-to-client stream: rmcp copes with 405.
            .get(|| async { StatusCode::METHOD_NOT_ALLOWED })
            .delete(|| async { StatusCode::OK }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/mcp", listener.local_addr().unwrap());
        // Serves until the test's runtime ends.
        tokio::spawn(async move { axum::serve(listener, router).await });
        FakeMcpHttp { url, seen }
    }

    fn methods(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(m, _)| m.clone())
            .collect()
    }
}

fn answer_http(
    seen: &Mutex<Vec<Request>>,
    headers: &HeaderMap,
    message: Value,
) -> axum::response::Response {
    let method = message["method"].as_str().unwrap_or_default().to_string();
    let authorization = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_string());
    seen.lock().unwrap().push((method.clone(), authorization));
    let Some(id) = message.get("id").cloned() else {
        return StatusCode::ACCEPTED.into_response();
    };
    let result = match method.as_str() {
        "initialize" => json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "fake-http", "version": "1.0.0"}
        }),
        "tools/list" => json!({"tools": [{
            "name": "lookup",
            "description": "Looks a word up.",
            "inputSchema": {"type": "object", "properties": {"word": {"type": "string"}}}
        }]}),
        "tools/call" => json!({"content": [{
            "type": "text",
            "text": format!("found {}", message["params"]["arguments"]["word"].as_str().unwrap_or("?"))
        }]}),
        _ => {
            let error =
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "no"}});
            return axum::Json(error).into_response();
        }
    };
    let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
    ([("mcp-session-id", "session-1")], axum::Json(reply)).into_response()
}

#[tokio::test]
async fn a_streamable_http_servers_tools_are_listed_and_called_with_its_headers() {
    let server = FakeMcpHttp::start().await;
    let mcp = Mcp::new(vec![McpServerConfig {
        name: "dictionary".into(),
        transport: McpTransport::Http {
            url: server.url.clone(),
            headers: BTreeMap::from([("Authorization".into(), "Bearer sk-test".into())]),
        },
    }]);
    let tools = mcp.tools(&names(&["dictionary.*"])).await.unwrap();
    assert_eq!(tools.len(), 1);
    assert_eq!(tools[0].name, "dictionary.lookup");
    assert_eq!(tools[0].description, "Looks a word up.");
    let found = mcp
        .call("dictionary.lookup", json!({"word": "steward"}), CALL)
        .await;
    assert_eq!(found.unwrap(), "found steward");
    mcp.shutdown().await;
    let methods = server.methods();
    for method in [
        "initialize",
        "notifications/initialized",
        "tools/list",
        "tools/call",
    ] {
        assert!(methods.contains(&method.to_string()), "{methods:?}");
    }
    let seen = server.seen.lock().unwrap();
    assert!(
        seen.iter()
            .all(|(_, auth)| auth.as_deref() == Some("Bearer sk-test")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn an_http_server_that_cannot_be_reached_is_an_err_naming_it() {
    // A port nothing listens on: bind one, then free it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    drop(listener);
    let mcp = Mcp::new(vec![McpServerConfig {
        name: "away".into(),
        transport: McpTransport::Http {
            url,
            headers: BTreeMap::new(),
        },
    }]);
    let err = mcp.tools(&names(&["away"])).await.unwrap_err();
    assert!(
        err.starts_with("MCP server \"away\" could not be reached"),
        "{err}"
    );
}
