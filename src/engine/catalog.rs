//! Every tool an `agent` step can be given: the built-ins and each
//! configured MCP server's, for the REST API's `/tools`. A server that
//! cannot be reached is reported with its error and does not hide the rest.

use std::time::Duration;

use super::mcp::{Mcp, McpTool};
use crate::llm::ToolSpec;

/// One MCP server's tools, or why they could not be listed.
#[derive(Clone, Debug)]
pub struct ServerTools {
    pub server: String,
    pub tools: Result<Vec<McpTool>, String>,
}

/// The built-in tools' schemas.
pub fn builtin_tools() -> Vec<ToolSpec> {
    super::agent_step::builtin_specs()
}

/// Each configured server's tools, each listing within `timeout`
/// (connecting it when it is not yet).
pub async fn server_tools(mcp: &Mcp, timeout: Duration) -> Vec<ServerTools> {
    let listings = mcp.server_names().into_iter().map(|server| async move {
        let wanted = [server.clone()];
        let tools = match tokio::time::timeout(timeout, mcp.tools(&wanted)).await {
            Ok(listed) => listed,
            Err(_) => Err(format!(
                "MCP server '{server}' did not list its tools within {} s",
                timeout.as_secs()
            )),
        };
        ServerTools { server, tools }
    });
    futures::future::join_all(listings).await
}
