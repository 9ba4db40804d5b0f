//! A small MCP server for steward's tests, written by hand so the tests do not
//! check rmcp against itself: line-delimited JSON-RPC 2.0 on stdin/stdout.
//!
//! It answers `initialize` (echoing the client's protocol version when it
//! knows it), `ping`, `tools/list` and `tools/call` for three tools: `echo`
//! ({text}) returns the text, `add` ({a, b}) returns the sum, `fail` returns a
//! result marked as an error. Notifications are read and not answered; other
//! methods get JSON-RPC error -32601. It exits when stdin closes.
//!
//! Settings, all optional:
//! - `MCP_FIXTURE_LOG=path`: appends `start <pid>` when it starts, then each
//!   method received, a line each.
//! - `MCP_FIXTURE_SHOW_ENV=A,B`: at start, logs `env A=value` or `env A unset`.
//! - `MCP_FIXTURE_PAGE_SIZE=n`: `tools/list` answers n tools a page.
//! - `MCP_FIXTURE_DELAY_MS=n`: `tools/call` answers after n ms.
//!
//! Run by the integration tests as `target/<profile>/examples/mcp_fixture`.

use std::io::{BufRead, Write};
use std::time::Duration;

use serde_json::{json, Value};

const KNOWN_VERSIONS: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
const OWN_VERSION: &str = "2025-06-18";

fn main() {
    let log = std::env::var("MCP_FIXTURE_LOG").ok();
    let note = |line: &str| {
        if let Some(path) = &log {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .expect("MCP_FIXTURE_LOG can be opened");
            writeln!(file, "{line}").expect("MCP_FIXTURE_LOG can be written");
        }
    };
    note(&format!("start {}", std::process::id()));
    for name in std::env::var("MCP_FIXTURE_SHOW_ENV")
        .unwrap_or_default()
        .split(',')
    {
        match std::env::var(name) {
            Ok(value) if !name.is_empty() => note(&format!("env {name}={value}")),
            Err(_) if !name.is_empty() => note(&format!("env {name} unset")),
            _ => {}
        }
    }
    let page_size = setting("MCP_FIXTURE_PAGE_SIZE").unwrap_or(100) as usize;
    let delay = Duration::from_millis(setting("MCP_FIXTURE_DELAY_MS").unwrap_or(0));
    eprintln!("mcp_fixture: ready (this line goes to stderr)");

    let mut stdout = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let reply = match serde_json::from_str::<Value>(&line) {
            Err(_) => Some(error(Value::Null, -32700, "parse error")),
            Ok(message) => {
                let method = message["method"].as_str().unwrap_or_default();
                if !method.is_empty() {
                    note(method);
                }
                match message.get("id") {
                    // A notification, or a response to a request it never sent.
                    None => None,
                    Some(_) if method.is_empty() => None,
                    Some(id) => Some(answer(
                        id.clone(),
                        method,
                        &message["params"],
                        page_size,
                        delay,
                    )),
                }
            }
        };
        if let Some(reply) = reply {
            writeln!(stdout, "{reply}").expect("stdout is open");
            stdout.flush().expect("stdout is open");
        }
    }
}

fn setting(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn answer(id: Value, method: &str, params: &Value, page_size: usize, delay: Duration) -> Value {
    match method {
        "initialize" => {
            let asked = params["protocolVersion"].as_str().unwrap_or_default();
            let version = if KNOWN_VERSIONS.contains(&asked) {
                asked
            } else {
                OWN_VERSION
            };
            result(
                id,
                json!({
                    "protocolVersion": version,
                    "capabilities": {"tools": {}},
                    "serverInfo": {"name": "mcp-fixture", "version": "1.0.0"}
                }),
            )
        }
        "ping" => result(id, json!({})),
        "tools/list" => {
            let tools = tools();
            let start: usize = params["cursor"]
                .as_str()
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let end = (start + page_size.max(1)).min(tools.len());
            let mut page = json!({"tools": tools[start.min(end)..end]});
            if end < tools.len() {
                page["nextCursor"] = json!(end.to_string());
            }
            result(id, page)
        }
        "tools/call" => {
            std::thread::sleep(delay);
            let arguments = &params["arguments"];
            match params["name"].as_str().unwrap_or_default() {
                "echo" => match arguments["text"].as_str() {
                    Some(text) => result(id, text_result(text, false)),
                    None => result(id, text_result("echo needs a text", true)),
                },
                "add" => match (arguments["a"].as_f64(), arguments["b"].as_f64()) {
                    (Some(a), Some(b)) => result(id, text_result(&(a + b).to_string(), false)),
                    _ => result(id, text_result("add needs numbers a and b", true)),
                },
                "fail" => result(id, text_result("the fixture failed on purpose", true)),
                other => error(id, -32602, &format!("unknown tool: {other}")),
            }
        }
        _ => error(id, -32601, &format!("method not found: {method}")),
    }
}

fn tools() -> Vec<Value> {
    vec![
        json!({
            "name": "echo",
            "description": "Returns the text it is given.",
            "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
        }),
        json!({
            "name": "add",
            "description": "Adds two numbers.",
            "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}
        }),
        json!({
            "name": "fail",
            "description": "Always fails.",
            "inputSchema": {"type": "object", "properties": {}}
        }),
    ]
}

fn text_result(text: &str, is_error: bool) -> Value {
    json!({"content": [{"type": "text", "text": text}], "isError": is_error})
}

fn result(id: Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}
