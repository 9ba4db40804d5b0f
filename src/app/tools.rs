//! The REST API's `/tools` over the engine: the built-in tools and each
//! configured MCP server's.

use async_trait::async_trait;
use std::time::Duration;

use crate::engine::catalog;
use crate::engine::Mcp;
use crate::http::rest::tools::{FailedServer, ToolCatalog, ToolView, ToolsView};

/// How long one MCP server may take to list its tools for `/tools`.
const LIST_TIMEOUT: Duration = Duration::from_secs(10);

/// The engine's tools.
pub struct EngineTools(pub Mcp);

#[async_trait]
impl ToolCatalog for EngineTools {
    async fn tools(&self) -> ToolsView {
        let mut view = ToolsView::default();
        for spec in catalog::builtin_tools() {
            view.tools.push(ToolView {
                name: spec.name,
                source: "builtin".into(),
                description: spec.description,
                schema: spec.parameters,
            });
        }
        for server in catalog::server_tools(&self.0, LIST_TIMEOUT).await {
            match server.tools {
                Ok(tools) => view.tools.extend(tools.into_iter().map(|tool| ToolView {
                    name: tool.name,
                    source: server.server.clone(),
                    description: tool.description,
                    schema: tool.input_schema,
                })),
                Err(error) => view.failed.push(FailedServer {
                    server: server.server,
                    error,
                }),
            }
        }
        view
    }
}
