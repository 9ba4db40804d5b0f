//! A configured MCP server: how it is reached, which names are allowed, and
//! a `Debug` that never shows its secrets.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// One MCP server from the configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct McpServerConfig {
    /// How tools are named: `name.tool`.
    pub name: String,
    pub transport: McpTransport,
}

/// How steward reaches an MCP server. `Debug` shows neither environment nor
/// header values (they hold keys) nor a URL's query.
#[derive(Clone, PartialEq)]
pub enum McpTransport {
    /// A child process speaking MCP on stdin/stdout. It gets only `env` and a
    /// few harmless variables of steward's own (`PATH`, `HOME`, ...), never
    /// steward's keys.
    Stdio {
        command: String,
        args: Vec<String>,
        env: BTreeMap<String, String>,
        cwd: Option<PathBuf>,
    },
    /// Streamable HTTP.
    Http {
        url: String,
        headers: BTreeMap<String, String>,
    },
}

/// Whether `name` can name an MCP server: 1 to 32 of `A-Z a-z 0-9 _ -`, so
/// `server.tool` splits at its first dot.
pub fn is_server_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Headers rmcp's HTTP transport sets itself; a configured one would clash.
const RESERVED_HEADERS: [&str; 7] = [
    "accept",
    "content-type",
    "content-length",
    "host",
    "mcp-session-id",
    "mcp-protocol-version",
    "last-event-id",
];

/// A configured HTTP header, checked; the value is marked sensitive so HTTP
/// libraries never log it. Err says what is wrong without the value.
pub(crate) fn parse_header(
    name: &str,
    value: &str,
) -> Result<(http::HeaderName, http::HeaderValue), String> {
    let header = http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("\"{name}\" is not a valid HTTP header name"))?;
    if RESERVED_HEADERS.contains(&header.as_str()) {
        return Err(format!(
            "the header \"{name}\" is set by steward and cannot be configured"
        ));
    }
    let mut value = http::HeaderValue::from_str(value).map_err(|_| {
        format!("the value of header \"{name}\" has characters HTTP does not allow")
    })?;
    value.set_sensitive(true);
    Ok((header, value))
}

impl fmt::Debug for McpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            McpTransport::Stdio {
                command,
                args,
                env,
                cwd,
            } => f
                .debug_struct("Stdio")
                .field("command", command)
                .field("args", args)
                .field("env", &Redacted(env))
                .field("cwd", cwd)
                .finish(),
            McpTransport::Http { url, headers } => f
                .debug_struct("Http")
                .field("url", &without_query(url))
                .field("headers", &Redacted(headers))
                .finish(),
        }
    }
}

/// A map shown with its keys and `<redacted>` for every value.
struct Redacted<'a>(&'a BTreeMap<String, String>);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|key| (key, "<redacted>")))
            .finish()
    }
}

/// A URL without query or user info, which may carry a key.
fn without_query(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let had_query = parsed.query().is_some();
            parsed.set_query(None);
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            let mut shown = parsed.to_string();
            if had_query {
                shown.push_str("?<redacted>");
            }
            shown
        }
        Err(_) => "<not a URL>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_header_and_env_values_and_the_query() {
        let http = McpTransport::Http {
            url: "https://user:pw@example.com/mcp?key=sk-123".into(),
            headers: BTreeMap::from([("Authorization".into(), "Bearer sk-456".into())]),
        };
        let stdio = McpTransport::Stdio {
            command: "npx".into(),
            args: vec!["server".into()],
            env: BTreeMap::from([("GITHUB_TOKEN".into(), "ghp-789".into())]),
            cwd: None,
        };
        let shown = format!("{http:?} {stdio:?}");
        for secret in ["sk-123", "sk-456", "ghp-789", "pw"] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
        assert!(shown.contains("Authorization") && shown.contains("GITHUB_TOKEN"));
        assert!(
            shown.contains("https://example.com/mcp?<redacted>"),
            "{shown}"
        );
    }

    #[test]
    fn server_names_are_short_and_dotless() {
        assert!(is_server_name("files_2-b"));
        assert!(!is_server_name("my.files"));
        assert!(!is_server_name(""));
        assert!(!is_server_name(&"a".repeat(33)));
    }
}
