//! The tools offered to the model: built-ins by name, MCP tools as
//! `server.tool` (or `server.*`) under a name OpenAI accepts.

use std::collections::BTreeMap;

use super::builtins;
use crate::engine::runner::Runner;
use crate::llm::ToolSpec;
use crate::workflow::BUILTIN_TOOLS;

/// The tools offered to the model, by the name it calls them.
pub(super) struct Toolbox {
    pub(super) specs: Vec<ToolSpec>,
    /// Wire name → the workflow's name (`server.tool` for MCP tools, whose
    /// dots OpenAI does not accept in function names).
    pub(super) names: BTreeMap<String, String>,
}

impl Toolbox {
    pub(super) fn offered(&self) -> String {
        if self.names.is_empty() {
            "none".into()
        } else {
            self.names.keys().cloned().collect::<Vec<_>>().join(", ")
        }
    }
}

/// The tools `names` offers: built-ins by name, MCP tools as `server.tool`
/// or `server.*`.
pub(super) async fn toolbox(runner: &Runner<'_>, names: &[String]) -> Result<Toolbox, String> {
    let mut specs = Vec::new();
    let mut wire_names = BTreeMap::new();
    let mut from_servers = Vec::new();
    for name in names {
        if BUILTIN_TOOLS.contains(&name.as_str()) {
            if !wire_names.contains_key(name) {
                specs.push(builtins::spec(name));
                wire_names.insert(name.clone(), name.clone());
            }
        } else {
            from_servers.push(name.clone());
        }
    }
    if !from_servers.is_empty() {
        let configured = runner.engine.mcp.server_names();
        if let Some(missing) = from_servers.iter().find(|n| {
            let server = n.split('.').next().unwrap_or_default();
            !configured.iter().any(|c| c == server)
        }) {
            return Err(format!(
                "the tool '{missing}' comes from an MCP server that is not configured (configured: {})",
                if configured.is_empty() { "none; see STEWARD_MCP_CONFIG".to_string() } else { configured.join(", ") }
            ));
        }
        for tool in runner.engine.mcp.tools(&from_servers).await? {
            let wire = wire_name(&tool.name);
            if let Some(other) = wire_names.get(&wire) {
                if other != &tool.name {
                    return Err(format!(
                        "the tools '{other}' and '{}' would have the same name for the model",
                        tool.name
                    ));
                }
                continue;
            }
            specs.push(ToolSpec {
                name: wire.clone(),
                description: tool.description.clone(),
                parameters: tool.input_schema.clone(),
                strict: false,
            });
            wire_names.insert(wire, tool.name);
        }
    }
    Ok(Toolbox {
        specs,
        names: wire_names,
    })
}

/// `server.tool` as an OpenAI function name: letters, digits, `_` and `-`,
/// at most 64 characters.
fn wire_name(name: &str) -> String {
    let wire: String = name
        .replacen('.', "__", 1)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    wire.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcp_names_become_function_names() {
        assert_eq!(wire_name("files.read_file"), "files__read_file");
        assert_eq!(wire_name("web.fetch/url v2"), "web__fetch_url_v2");
        assert_eq!(wire_name(&format!("s.{}", "x".repeat(100))).len(), 64);
    }
}
