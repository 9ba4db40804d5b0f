//! MCP servers for `agent` steps: the JSON file named by `STEWARD_MCP_CONFIG`,
//! in the format MCP hosts share:
//!
//! ```json
//! {"mcpServers": {
//!   "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
//!             "env": {"K": "V"}, "cwd": "/tmp"},
//!   "search": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ..."}}}}
//! ```
//!
//! Read strictly: an unknown field is an error, not a silently ignored typo.
//! An optional `"type"` (`stdio`, `http`, `streamable-http`), which some
//! hosts write, must agree with the fields given.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::ConfigError;
use crate::engine::mcp::{is_server_name, parse_header, McpServerConfig, McpTransport};

/// A problem with the MCP configuration; names the file, and the server when
/// it is about one.
#[derive(Debug, thiserror::Error)]
#[error("STEWARD_MCP_CONFIG ({}): {problem}", path.display())]
pub struct McpConfigError {
    pub path: PathBuf,
    pub problem: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct File {
    /// Kept as JSON so each server is read on its own and its errors name it.
    mcp_servers: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(rename = "type")]
    kind: Option<String>,
    command: Option<String>,
    args: Option<Vec<String>>,
    env: Option<BTreeMap<String, String>>,
    cwd: Option<PathBuf>,
    url: Option<String>,
    headers: Option<BTreeMap<String, String>>,
}

/// The servers in the file `STEWARD_MCP_CONFIG` names; none when it is unset
/// or empty.
pub fn read(lookup: &impl Fn(&str) -> Option<String>) -> Result<Vec<McpServerConfig>, ConfigError> {
    let Some(path) = lookup("STEWARD_MCP_CONFIG").filter(|p| !p.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let path = PathBuf::from(path.trim());
    let error = |problem: String| {
        ConfigError::from(McpConfigError {
            path: path.clone(),
            problem,
        })
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| error(format!("the file cannot be read: {e}")))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        error(if e.is_syntax() || e.is_eof() {
            format!("the file is not valid JSON: {e}")
        } else {
            e.to_string()
        })
    })?;
    file.mcp_servers
        .into_iter()
        .map(|(name, entry)| {
            server(&name, entry).map_err(|problem| error(format!("server \"{name}\": {problem}")))
        })
        .collect()
}

fn server(name: &str, entry: Value) -> Result<McpServerConfig, String> {
    if !is_server_name(name) {
        return Err(
            "a server's name must be 1 to 32 letters, digits, '_' or '-' (it starts its tools' names, as in \"files.read\")".into(),
        );
    }
    let entry: Entry = serde_json::from_value(entry).map_err(|e| e.to_string())?;
    let transport = match (entry.command, entry.url) {
        (Some(_), Some(_)) => return Err("give \"command\" or \"url\", not both".into()),
        (None, None) => {
            return Err(
                "give \"command\" (a program speaking MCP on stdin/stdout) or \"url\" (a streamable HTTP endpoint)".into(),
            )
        }
        (Some(command), None) => {
            if command.trim().is_empty() {
                return Err("\"command\" is empty".into());
            }
            if entry.headers.is_some() {
                return Err("\"headers\" go with \"url\", not \"command\"".into());
            }
            McpTransport::Stdio {
                command,
                args: entry.args.unwrap_or_default(),
                env: entry.env.unwrap_or_default(),
                cwd: entry.cwd,
            }
        }
        (None, Some(url)) => {
            if entry.args.is_some() || entry.env.is_some() || entry.cwd.is_some() {
                return Err("\"args\", \"env\" and \"cwd\" go with \"command\", not \"url\"".into());
            }
            let parsed = url::Url::parse(&url).ok();
            if !parsed.is_some_and(|u| matches!(u.scheme(), "http" | "https")) {
                return Err(format!("\"url\" must be an http(s) URL, not '{url}'"));
            }
            let headers = entry.headers.unwrap_or_default();
            for (header, value) in &headers {
                parse_header(header, value)?;
            }
            McpTransport::Http { url, headers }
        }
    };
    let stdio = matches!(transport, McpTransport::Stdio { .. });
    match entry.kind.as_deref() {
        None => {}
        Some("stdio") if stdio => {}
        Some("http" | "streamable-http" | "streamableHttp") if !stdio => {}
        Some("stdio") => return Err("\"type\": \"stdio\" needs \"command\"".into()),
        Some(kind @ ("http" | "streamable-http" | "streamableHttp")) => {
            return Err(format!("\"type\": \"{kind}\" needs \"url\""))
        }
        Some("sse") => {
            return Err("the old SSE transport is not supported; give the server's streamable HTTP \"url\" without \"type\"".into())
        }
        Some(other) => {
            return Err(format!(
                "\"type\" must be \"stdio\" or \"http\", not \"{other}\""
            ))
        }
    }
    Ok(McpServerConfig {
        name: name.to_string(),
        transport,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `json` to a file and reads it as `STEWARD_MCP_CONFIG`.
    fn read_file(json: &str) -> Result<Vec<McpServerConfig>, String> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), json).unwrap();
        let path = file.path().to_str().unwrap().to_string();
        read(&|name| (name == "STEWARD_MCP_CONFIG").then(|| path.clone())).map_err(|e| {
            let message = e.to_string();
            let prefix = format!("STEWARD_MCP_CONFIG ({path}): ");
            assert!(message.starts_with(&prefix), "{message}");
            message[prefix.len()..].to_string()
        })
    }

    #[test]
    fn a_file_with_a_stdio_and_an_http_server_reads_in_order() {
        let servers = read_file(
            r#"{"mcpServers": {
                "files": {"command": "npx", "args": ["-y", "server-filesystem", "/tmp"],
                          "env": {"K": "V"}, "cwd": "/tmp"},
                "search": {"type": "http", "url": "https://example.com/mcp",
                           "headers": {"Authorization": "Bearer sk-1"}}}}"#,
        )
        .unwrap();
        assert_eq!(
            servers,
            vec![
                McpServerConfig {
                    name: "files".into(),
                    transport: McpTransport::Stdio {
                        command: "npx".into(),
                        args: vec!["-y".into(), "server-filesystem".into(), "/tmp".into()],
                        env: BTreeMap::from([("K".into(), "V".into())]),
                        cwd: Some(PathBuf::from("/tmp")),
                    },
                },
                McpServerConfig {
                    name: "search".into(),
                    transport: McpTransport::Http {
                        url: "https://example.com/mcp".into(),
                        headers: BTreeMap::from([("Authorization".into(), "Bearer sk-1".into())]),
                    },
                },
            ]
        );
    }

    #[test]
    fn unset_or_empty_means_no_servers() {
        assert!(read(&|_| None).unwrap().is_empty());
        assert!(read(&|_| Some(" ".into())).unwrap().is_empty());
    }

    #[test]
    fn a_server_with_both_command_and_url_is_refused_by_name() {
        let err = read_file(r#"{"mcpServers": {"files": {"command": "x", "url": "http://a"}}}"#)
            .unwrap_err();
        assert_eq!(err, r#"server "files": give "command" or "url", not both"#);
    }

    #[test]
    fn a_server_with_neither_command_nor_url_is_refused_by_name() {
        let err = read_file(r#"{"mcpServers": {"files": {"args": ["a"]}}}"#).unwrap_err();
        assert!(
            err.starts_with(r#"server "files": give "command""#),
            "{err}"
        );
    }

    #[test]
    fn a_server_name_with_a_dot_is_refused() {
        let err = read_file(r#"{"mcpServers": {"my.files": {"command": "x"}}}"#).unwrap_err();
        assert!(
            err.starts_with(r#"server "my.files": a server's name must be"#),
            "{err}"
        );
        let long = "a".repeat(33);
        let err = read_file(&format!(
            r#"{{"mcpServers": {{"{long}": {{"command": "x"}}}}}}"#
        ))
        .unwrap_err();
        assert!(err.contains("1 to 32"), "{err}");
    }

    #[test]
    fn an_unknown_field_is_an_error_not_a_silent_typo() {
        let err = read_file(r#"{"mcpServers": {"files": {"comand": "npx"}}}"#).unwrap_err();
        assert!(
            err.starts_with(r#"server "files": unknown field `comand`"#),
            "{err}"
        );
        let err = read_file(r#"{"mcpServers": {}, "servers": {}}"#).unwrap_err();
        assert!(err.starts_with("unknown field `servers`"), "{err}");
    }

    #[test]
    fn fields_of_the_other_transport_are_refused() {
        let err =
            read_file(r#"{"mcpServers": {"s": {"url": "http://a", "args": []}}}"#).unwrap_err();
        assert!(
            err.contains(r#""args", "env" and "cwd" go with "command""#),
            "{err}"
        );
        let err =
            read_file(r#"{"mcpServers": {"s": {"command": "x", "headers": {}}}}"#).unwrap_err();
        assert!(err.contains(r#""headers" go with "url""#), "{err}");
    }

    #[test]
    fn a_bad_url_header_or_type_is_refused_without_showing_the_secret() {
        let err = read_file(r#"{"mcpServers": {"s": {"url": "ftp://a"}}}"#).unwrap_err();
        assert!(err.contains("http(s) URL"), "{err}");
        let err = read_file(
            r#"{"mcpServers": {"s": {"url": "http://a", "headers": {"X-Key": "sk-1\n"}}}}"#,
        )
        .unwrap_err();
        assert!(
            err.contains(r#"header "X-Key""#) && !err.contains("sk-1"),
            "{err}"
        );
        let err =
            read_file(r#"{"mcpServers": {"s": {"url": "http://a", "headers": {"Accept": "x"}}}}"#)
                .unwrap_err();
        assert!(err.contains("set by steward"), "{err}");
        let err =
            read_file(r#"{"mcpServers": {"s": {"type": "sse", "url": "http://a"}}}"#).unwrap_err();
        assert!(err.contains("SSE transport is not supported"), "{err}");
        let err =
            read_file(r#"{"mcpServers": {"s": {"type": "http", "command": "x"}}}"#).unwrap_err();
        assert!(err.contains(r#""type": "http" needs "url""#), "{err}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = read(&|_| Some("/nonexistent/steward-mcp.json".into())).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "STEWARD_MCP_CONFIG (/nonexistent/steward-mcp.json): the file cannot be read"
            ),
            "{err}"
        );
    }

    #[test]
    fn the_settings_carry_the_servers() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(
            file.path(),
            r#"{"mcpServers": {"files": {"command": "x"}}}"#,
        )
        .unwrap();
        let path = file.path().to_str().unwrap().to_string();
        let config = crate::config::Config::from_lookup(|n| {
            (n == "STEWARD_MCP_CONFIG").then(|| path.clone())
        })
        .unwrap();
        assert_eq!(config.mcp_servers.len(), 1);
        assert_eq!(config.mcp_servers[0].name, "files");
    }

    #[test]
    fn a_file_that_is_not_json_says_so() {
        let err = read_file("{\"mcpServers\": ").unwrap_err();
        assert!(err.starts_with("the file is not valid JSON"), "{err}");
    }
}
