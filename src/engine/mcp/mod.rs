//! MCP servers' tools for `agent` steps (DESIGN §5), through the official SDK
//! (rmcp).
//!
//! The configured servers are connected lazily: a server is started (stdio) or
//! reached (streamable HTTP) the first time a workflow names it, its tools are
//! listed once, and the connection is kept. A connection found dead is replaced
//! on the next use, once. Tools are offered to the model as `server.tool`; the
//! server names (`^[A-Za-z0-9_-]{1,32}$`, checked by `config::mcp`) hold no
//! dot, so the first dot separates the two.
//!
//! Every error leaves here as a sentence for the run log; the causes behind it
//! are logged.

mod answer;
mod connection;
mod failure;
mod server;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, CallToolResponse};
use serde_json::Value;
use tokio::sync::{watch, Mutex};

use connection::{Connection, Live};
pub(crate) use server::parse_header;
pub use server::{is_server_name, McpServerConfig, McpTransport};

/// One MCP tool as offered to a workflow.
#[derive(Clone, Debug, PartialEq)]
pub struct McpTool {
    /// `server.tool`.
    pub name: String,
    pub description: String,
    /// The tool's JSON Schema for its arguments.
    pub input_schema: Value,
}

/// The configured MCP servers. Cheap to clone: clones share the connections.
#[derive(Clone)]
pub struct Mcp {
    inner: Arc<Inner>,
}

struct Inner {
    servers: Vec<Server>,
    /// Set once by `shutdown`; connecting stops and no new connection starts.
    closing: watch::Sender<bool>,
    /// Numbers connections, so a failed call drops the connection it used and
    /// not one that replaced it meanwhile.
    next_generation: AtomicU64,
}

struct Server {
    config: McpServerConfig,
    /// The live connection, if any. Held while connecting, so concurrent
    /// first uses start one process, not several.
    slot: Mutex<Option<Connection>>,
}

/// The longest a server may take to start, answer `initialize` and list its
/// tools. Generous: `npx -y` may download the server first.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);

impl Mcp {
    /// The servers, none connected yet; each is connected on first use.
    pub fn new(servers: Vec<McpServerConfig>) -> Mcp {
        let servers = servers
            .into_iter()
            .map(|config| Server {
                config,
                slot: Mutex::new(None),
            })
            .collect();
        Mcp {
            inner: Arc::new(Inner {
                servers,
                closing: watch::Sender::new(false),
                next_generation: AtomicU64::new(1),
            }),
        }
    }

    /// No servers: every MCP-looking name is left to the built-ins.
    pub fn none() -> Mcp {
        Mcp::new(Vec::new())
    }

    /// The configured servers' names, in configuration order.
    pub fn server_names(&self) -> Vec<String> {
        self.inner
            .servers
            .iter()
            .map(|server| server.config.name.clone())
            .collect()
    }

    /// The tools a workflow's `tools` list names: `server.tool` (one tool),
    /// `server.*` or `server` (all of that server's tools). Entries naming no
    /// configured server are skipped (they are built-ins or mistakes the engine
    /// reports). Connects the servers named, if not yet connected.
    pub async fn tools(&self, wanted: &[String]) -> Result<Vec<McpTool>, String> {
        let mut picked: Vec<McpTool> = Vec::new();
        for entry in wanted {
            let (server_name, tool) = match entry.split_once('.') {
                Some((server, tool)) => (server, Some(tool)),
                None => (entry.as_str(), None),
            };
            let Some(server) = self.server(server_name) else {
                continue;
            };
            let live = self.connection(server).await?;
            let one = tool.filter(|t| *t != "*");
            if let Some(tool) = one {
                if !live.tools.iter().any(|t| t.name == tool) {
                    return Err(no_such_tool(server_name, tool, &live));
                }
            }
            let tools = live
                .tools
                .iter()
                .filter(|t| one.is_none() || one == Some(&*t.name));
            for tool in tools {
                let offered = McpTool {
                    name: format!("{server_name}.{}", tool.name),
                    description: tool
                        .description
                        .as_deref()
                        .or(tool.title.as_deref())
                        .unwrap_or_default()
                        .to_string(),
                    input_schema: Value::Object((*tool.input_schema).clone()),
                };
                if !picked.iter().any(|p| p.name == offered.name) {
                    picked.push(offered);
                }
            }
        }
        Ok(picked)
    }

    /// Calls `server.tool` with JSON object `arguments` (or null for none),
    /// within `timeout` (connecting included). Ok is the text for the model,
    /// at most 64 KiB; Err is a sentence, the tool's own text when it reported
    /// an error.
    #[tracing::instrument(skip(self, arguments))]
    pub async fn call(
        &self,
        name: &str,
        arguments: Value,
        timeout: Duration,
    ) -> Result<String, String> {
        let not_found = || format!("there is no MCP tool \"{name}\"");
        let (server_name, tool) = name.split_once('.').ok_or_else(not_found)?;
        let server = self.server(server_name).ok_or_else(not_found)?;
        let arguments = match arguments {
            Value::Object(map) => Some(map),
            Value::Null => None,
            _ => {
                return Err(format!(
                    "the arguments for MCP tool \"{name}\" must be a JSON object"
                ))
            }
        };
        let call = async {
            let live = self.connection(server).await?;
            if !live.tools.iter().any(|t| t.name == tool) {
                return Err(no_such_tool(server_name, tool, &live));
            }
            let mut params = CallToolRequestParams::new(tool.to_string());
            params.arguments = arguments;
            match live.peer.call_tool_once(params).await {
                Ok(CallToolResponse::Complete(result)) => answer::text_of(result),
                Ok(_) => Err(format!(
                    "MCP tool \"{name}\" asked for more input or started a background task, which steward does not support"
                )),
                Err(error) => {
                    tracing::warn!(error = %failure::causes(&error), "MCP tool call failed");
                    if failure::is_transport_failure(&error) {
                        self.forget(server, live.generation).await;
                    }
                    Err(failure::call_failure(name, &error))
                }
            }
        };
        tokio::time::timeout(timeout, call)
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "MCP tool \"{name}\" did not answer within {}",
                    failure::describe(timeout)
                ))
            })
    }

    /// Closes every connection: child processes are asked to exit, then
    /// killed, and reaped. Uses after this fail.
    pub async fn shutdown(&self) {
        self.inner.closing.send_replace(true);
        let closes = self.inner.servers.iter().map(|server| async move {
            let connection = server.slot.lock().await.take();
            if let Some(connection) = connection {
                connection.close().await;
            }
        });
        futures::future::join_all(closes).await;
    }

    fn server(&self, name: &str) -> Option<&Server> {
        self.inner.servers.iter().find(|s| s.config.name == name)
    }

    /// The server's live connection, connecting (once) when there is none or
    /// the last one died.
    async fn connection(&self, server: &Server) -> Result<Live, String> {
        let name = &server.config.name;
        let mut slot = server.slot.lock().await;
        if *self.inner.closing.borrow() {
            return Err(format!(
                "MCP server \"{name}\" is not available: steward is shutting down"
            ));
        }
        if let Some(connection) = slot.as_ref().filter(|c| c.is_alive()) {
            return Ok(connection.live());
        }
        if let Some(dead) = slot.take() {
            tracing::info!(server = %name, "MCP server connection closed; reconnecting");
            dead.close().await;
        }
        let generation = self.inner.next_generation.fetch_add(1, Ordering::Relaxed);
        let connect = tokio::time::timeout(
            CONNECT_TIMEOUT,
            Connection::open(&server.config, generation),
        );
        // Shutdown does not wait for a slow server to finish starting:
        // dropping `connect` kills the half-started process.
        let mut closing = self.inner.closing.subscribe();
        let connection = tokio::select! {
            connected = connect => connected.unwrap_or_else(|_| Err(format!(
                "MCP server \"{name}\" did not start within {}",
                failure::describe(CONNECT_TIMEOUT)
            )))?,
            _ = closing.wait_for(|closing| *closing) => {
                return Err(format!(
                    "MCP server \"{name}\" is not available: steward is shutting down"
                ));
            }
        };
        let live = connection.live();
        *slot = Some(connection);
        Ok(live)
    }

    /// Drops `server`'s connection `generation` after a transport failure, so
    /// the next use reconnects.
    async fn forget(&self, server: &Server, generation: u64) {
        let dead = {
            let mut slot = server.slot.lock().await;
            match slot.as_ref() {
                Some(connection) if connection.generation == generation => slot.take(),
                _ => None,
            }
        };
        if let Some(dead) = dead {
            dead.close().await;
        }
    }
}

fn no_such_tool(server: &str, tool: &str, live: &Live) -> String {
    let mut names: Vec<&str> = live.tools.iter().map(|t| &*t.name).collect();
    names.sort_unstable();
    if names.is_empty() {
        format!("MCP server \"{server}\" has no tool \"{tool}\" (it offers no tools)")
    } else {
        format!(
            "MCP server \"{server}\" has no tool \"{tool}\" (it has {})",
            names.join(", ")
        )
    }
}

impl fmt::Debug for Mcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mcp")
            .field("servers", &self.server_names())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine runs steps on spawned tasks.
    #[test]
    fn its_futures_can_run_on_any_thread() {
        fn send<T: Send + 'static>(_: T) {}
        let mcp = Mcp::none();
        send(mcp.clone());
        send(async move {
            let _ = mcp.tools(&[]).await;
            let _ = mcp.call("a.b", Value::Null, Duration::from_secs(1)).await;
            mcp.shutdown().await;
        });
    }

    #[tokio::test]
    async fn names_of_unconfigured_servers_are_left_to_the_built_ins() {
        let mcp = Mcp::none();
        let tools = mcp
            .tools(&["http".into(), "web.fetch".into(), "other.*".into()])
            .await
            .unwrap();
        assert!(tools.is_empty());
        let err = mcp
            .call("web.fetch", Value::Null, Duration::from_secs(1))
            .await
            .unwrap_err();
        assert_eq!(err, "there is no MCP tool \"web.fetch\"");
    }
}
