//! One connection to an MCP server: starting it (a child process or an HTTP
//! endpoint), the MCP handshake, its tool list, and closing it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use process_wrap::tokio::CommandWrap;
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation, ProtocolVersion, Tool};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{Peer, RoleClient, ServiceError, ServiceExt};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::ChildStderr;

use super::failure::{causes, describe, handshake_failure, reason};
use super::{McpServerConfig, McpTransport};

/// A connected server and the tools it listed after connecting.
pub(super) struct Connection {
    service: RunningService<RoleClient, ClientConfig>,
    tools: Arc<Vec<Tool>>,
    pub(super) generation: u64,
}

/// What a use needs of a connection, without holding its slot.
pub(super) struct Live {
    pub(super) peer: Peer<RoleClient>,
    pub(super) tools: Arc<Vec<Tool>>,
    pub(super) generation: u64,
}

/// Steward's own environment variables a stdio server gets besides its `env`:
/// the list the MCP TypeScript SDK passes, so a server finds its programs and
/// home but never sees steward's keys.
const INHERITED_ENV: [&str; 6] = ["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"];

/// How long closing may take: rmcp closes a child's stdin, waits 3 s, sends
/// SIGTERM, waits 3 s more, then kills it.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest stderr line logged as one; longer ones are logged in pieces.
const MAX_STDERR_LINE: u64 = 8 * 1024;

impl Connection {
    /// Starts or reaches the server, completes the handshake and lists its
    /// tools (following pagination).
    #[tracing::instrument(skip_all, fields(server = %config.name))]
    pub(super) async fn open(config: &McpServerConfig, generation: u64) -> Result<Self, String> {
        let name = &config.name;
        let service = match &config.transport {
            McpTransport::Stdio {
                command,
                args,
                env,
                cwd,
            } => {
                let process = spawn(name, command, args, env, cwd.as_ref())?;
                client_config().serve(process).await
            }
            McpTransport::Http { url, headers } => {
                let config = http_config(url, headers).map_err(|problem| {
                    format!("MCP server \"{name}\" could not be reached: {problem}")
                })?;
                // rmcp's reqwest is built without a TLS crypto provider (see
                // Cargo.toml) and panics without one: install ring, as the
                // LLM client does. An error means one is installed already.
                let _ = rustls::crypto::ring::default_provider().install_default();
                client_config()
                    .serve(StreamableHttpClientTransport::from_config(config))
                    .await
            }
        };
        let mut service = service.map_err(|error| {
            tracing::warn!(error = %causes(&error), "MCP handshake failed");
            handshake_failure(name, &config.transport, &error)
        })?;
        let tools = match list_tools(&service).await {
            Ok(tools) => tools,
            Err(error) => {
                tracing::warn!(error = %causes(&error), "listing MCP tools failed");
                let _ = service.close_with_timeout(CLOSE_TIMEOUT).await;
                return Err(format!(
                    "MCP server \"{name}\" could not list its tools{}",
                    reason(&error)
                ));
            }
        };
        tracing::info!(tools = tools.len(), "MCP server connected");
        Ok(Connection {
            service,
            tools: Arc::new(tools),
            generation,
        })
    }

    /// False once the transport ended: the process exited or the HTTP
    /// session failed for good.
    pub(super) fn is_alive(&self) -> bool {
        !self.service.is_closed() && !self.service.peer().is_transport_closed()
    }

    pub(super) fn live(&self) -> Live {
        Live {
            peer: self.service.peer().clone(),
            tools: self.tools.clone(),
            generation: self.generation,
        }
    }

    /// Ends the session; a child process is asked to exit, then killed, and
    /// reaped.
    pub(super) async fn close(mut self) {
        match self.service.close_with_timeout(CLOSE_TIMEOUT).await {
            Ok(Some(_)) => {}
            Ok(None) => tracing::warn!(
                "MCP server did not stop within {}; it is killed in the background",
                describe(CLOSE_TIMEOUT)
            ),
            Err(error) => tracing::warn!(%error, "MCP connection task failed"),
        }
    }
}

/// Who steward says it is. rmcp would offer its newest protocol version,
/// which has no `initialize` handshake; steward offers the newest that has
/// one, which every server today speaks, and the server answers with the
/// version it picks.
fn client_config() -> ClientConfig {
    ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("steward", env!("CARGO_PKG_VERSION")),
    )
    .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE)
}

async fn list_tools(
    service: &RunningService<RoleClient, ClientConfig>,
) -> Result<Vec<Tool>, ServiceError> {
    let offers_tools = service
        .peer_info()
        .is_some_and(|info| info.capabilities.tools.is_some());
    if !offers_tools {
        return Ok(Vec::new());
    }
    service.list_all_tools().await
}

fn spawn(
    name: &str,
    command: &str,
    args: &[String],
    env: &BTreeMap<String, String>,
    cwd: Option<&PathBuf>,
) -> Result<TokioChildProcess, String> {
    let failed = |why: String| format!("MCP server \"{name}\" could not be started: {why}");
    if let Some(dir) = cwd.filter(|dir| !dir.is_dir()) {
        return Err(failed(format!(
            "its directory {} does not exist",
            dir.display()
        )));
    }
    let mut command_line = tokio::process::Command::new(command);
    command_line.args(args).env_clear();
    for key in INHERITED_ENV {
        if let Some(value) = std::env::var_os(key) {
            command_line.env(key, value);
        }
    }
    command_line.envs(env);
    if let Some(dir) = cwd {
        command_line.current_dir(dir);
    }
    let mut wrapped = CommandWrap::from(command_line);
    // Its own process group: stopping the server stops what it started
    // (`npx` starts `node`), and a Ctrl-C at steward's terminal reaches steward
    // alone, whose shutdown then stops the server.
    #[cfg(unix)]
    wrapped.wrap(process_wrap::tokio::ProcessGroup::leader());
    let (process, stderr) = TokioChildProcess::builder(wrapped)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| {
            tracing::warn!(%error, command, "starting MCP server failed");
            failed(match error.kind() {
                std::io::ErrorKind::NotFound => format!("the command \"{command}\" was not found"),
                std::io::ErrorKind::PermissionDenied => {
                    format!("the command \"{command}\" is not executable")
                }
                _ => format!("running \"{command}\" failed ({error})"),
            })
        })?;
    tracing::debug!(pid = ?process.id(), "MCP server started");
    if let Some(stderr) = stderr {
        // Drains the server's stderr so it never reaches steward's own output
        // and the pipe never fills and stalls the server; ends when the
        // process exits. It returns nothing, so nothing is dropped.
        tokio::spawn(log_stderr(name.to_string(), stderr));
    }
    Ok(process)
}

/// Logs a server's stderr at debug level, line by line, until it closes.
async fn log_stderr(server: String, stderr: ChildStderr) {
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader)
            .take(MAX_STDERR_LINE)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => return,
            Ok(_) => tracing::debug!(
                server = %server,
                "MCP server stderr: {}",
                String::from_utf8_lossy(&line).trim_end()
            ),
        }
    }
}

fn http_config(
    url: &str,
    headers: &BTreeMap<String, String>,
) -> Result<StreamableHttpClientTransportConfig, String> {
    let mut custom = HashMap::new();
    for (name, value) in headers {
        let (name, value) = super::parse_header(name, value)?;
        custom.insert(name, value);
    }
    Ok(StreamableHttpClientTransportConfig::with_uri(url).custom_headers(custom))
}
