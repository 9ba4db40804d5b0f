//! Placeholder until the rmcp client lands (same interface).

use serde_json::Value;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub struct McpTool {
    pub name: String,
    pub description: String,
    pub input_schema: Value,
}

#[derive(Clone, Default)]
pub struct Mcp {}

impl Mcp {
    pub fn none() -> Mcp {
        Mcp {}
    }

    pub fn server_names(&self) -> Vec<String> {
        Vec::new()
    }

    pub async fn tools(&self, _wanted: &[String]) -> Result<Vec<McpTool>, String> {
        Ok(Vec::new())
    }

    pub async fn call(
        &self,
        name: &str,
        _arguments: Value,
        _timeout: Duration,
    ) -> Result<String, String> {
        Err(format!("no MCP server for {name}"))
    }

    pub async fn shutdown(&self) {}
}
