//! The sentences MCP failures become in the run log: what happened, in words
//! a person can act on, never a URL (its query may hold a key) nor a header.

use std::error::Error as _;
use std::time::Duration;

use rmcp::service::ClientInitializeError;
use rmcp::transport::streamable_http_client::StreamableHttpError;
use rmcp::transport::DynamicTransportError;
use rmcp::ServiceError;

use super::McpTransport;

/// The sentence for a failed start or handshake.
pub(super) fn handshake_failure(
    name: &str,
    transport: &McpTransport,
    error: &ClientInitializeError,
) -> String {
    let stdio = matches!(transport, McpTransport::Stdio { .. });
    match error {
        // A child's pipes close, or a write to them fails, when it exits.
        ClientInitializeError::ConnectionClosed(_)
        | ClientInitializeError::TransportError { .. }
            if stdio =>
        {
            format!(
                "MCP server \"{name}\" exited before completing the MCP handshake (its stderr is logged at debug level)"
            )
        }
        ClientInitializeError::ConnectionClosed(_) => {
            format!("MCP server \"{name}\" closed the connection during the MCP handshake")
        }
        ClientInitializeError::JsonRpcError(data) => format!(
            "MCP server \"{name}\" refused the MCP handshake: {}",
            short(&data.message)
        ),
        _ if error.is_authorization_required() => format!(
            "MCP server \"{name}\" asks for authorization: check the headers configured for it"
        ),
        ClientInitializeError::TransportError { error, .. } => format!(
            "MCP server \"{name}\" could not be reached ({})",
            transport_reason(error)
        ),
        _ => format!("MCP server \"{name}\" did not complete the MCP handshake"),
    }
}

/// The sentence for a failed `tools/call`.
pub(super) fn call_failure(tool: &str, error: &ServiceError) -> String {
    let server = tool.split('.').next().unwrap_or(tool);
    match error {
        ServiceError::McpError(data) => {
            format!("MCP tool \"{tool}\" failed: {}", short(&data.message))
        }
        ServiceError::TransportClosed => format!(
            "the connection to MCP server \"{server}\" was lost during the call to \"{tool}\"; it is reopened on next use"
        ),
        ServiceError::TransportSend(error) => format!(
            "MCP tool \"{tool}\" could not be called ({}); the connection is reopened on next use",
            transport_reason(error)
        ),
        ServiceError::UnexpectedResponse => {
            format!("MCP tool \"{tool}\" answered in a form steward could not read")
        }
        _ => format!("MCP tool \"{tool}\" failed{}", reason(error)),
    }
}

/// Whether the connection is gone, so the next use should reconnect.
pub(super) fn is_transport_failure(error: &ServiceError) -> bool {
    matches!(
        error,
        ServiceError::TransportClosed | ServiceError::TransportSend(_)
    )
}

/// `error` with its causes, for logs.
pub(super) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Why a transport failed, in words a person can act on ("Connection
/// refused (os error 111)") and never with the URL, whose query may hold a key.
fn transport_reason(error: &DynamicTransportError) -> String {
    let Some(http) = error
        .error
        .downcast_ref::<StreamableHttpError<reqwest013::Error>>()
    else {
        // A child's pipes: an I/O error.
        return short(&error.error.to_string());
    };
    match http {
        StreamableHttpError::Client(client) if client.is_timeout() => "it timed out".into(),
        StreamableHttpError::Client(client) => match client.source() {
            Some(cause) => innermost(cause),
            None => "the request could not be sent".into(),
        },
        other => short(&other.to_string()),
    }
}

fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = error;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    short(&innermost.to_string())
}

/// The innermost cause, which is usually the one a person can act on
/// ("Connection refused"), as ` (cause)`.
pub(super) fn reason(error: &(dyn std::error::Error + 'static)) -> String {
    format!(" ({})", innermost(error))
}

/// A server's text cut to one short line for a sentence.
fn short(text: &str) -> String {
    const MAX: usize = 200;
    let line = text.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_string(),
    }
}

/// "30 s", "1.5 s", "250 ms".
pub(super) fn describe(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1000 {
        format!("{millis} ms")
    } else if millis % 1000 == 0 {
        format!("{} s", millis / 1000)
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(describe(Duration::from_millis(250)), "250 ms");
        assert_eq!(describe(Duration::from_secs(30)), "30 s");
        assert_eq!(describe(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn a_long_server_message_is_cut_to_one_short_line() {
        let long = format!("{}\nsecond line", "x".repeat(500));
        let cut = short(&long);
        assert_eq!(cut.chars().count(), 201);
        assert!(cut.ends_with('…') && !cut.contains("second"));
    }
}
