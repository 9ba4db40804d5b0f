//! The `http` step: a request with a size cap, a time cap, and a refusal of
//! private and loopback addresses unless configured (DESIGN §5).
//!
//! Addresses are checked where connections are made (a DNS resolver that drops
//! private addresses, and a check of literal IPs in the URL and in redirects),
//! so a name that resolves to 127.0.0.1 or a redirect to 10.0.0.1 is refused too.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;
use reqwest::Url;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Limits of the `http` step.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Allow loopback and private addresses (tests, home networks).
    pub allow_private: bool,
    pub max_response_bytes: usize,
    pub default_timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            allow_private: false,
            max_response_bytes: 1024 * 1024,
            default_timeout: Duration::from_secs(30),
        }
    }
}

/// A client that enforces [`HttpConfig`].
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: reqwest::Client,
    config: HttpConfig,
}

impl HttpClient {
    pub fn new(config: HttpConfig) -> Result<HttpClient, String> {
        let allow_private = config.allow_private;
        let redirects = Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                return attempt.error("more than 5 redirects");
            }
            match literal_ip(attempt.url()) {
                Some(ip) if !allow_private && !is_public(ip) => {
                    attempt.error(format!("redirect to private address {ip} refused"))
                }
                _ => attempt.follow(),
            }
        });
        let client = reqwest::Client::builder()
            .redirect(redirects)
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            // A proxy would resolve names itself, past the private-address
            // check: requests go direct.
            .no_proxy()
            .user_agent(concat!("steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        Ok(HttpClient { client, config })
    }

    /// Sends the request and reads at most `max_response_bytes`. The output is
    /// `{"status", "ok", "content_type", "body", "elapsed_ms"}`; the body is
    /// JSON when it parses, else text. Errors are sentences for the run log.
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &BTreeMap<String, String>,
        body: Option<&Value>,
        timeout: Option<Duration>,
    ) -> Result<Value, String> {
        let parsed = Url::parse(url).map_err(|e| format!("'{url}' is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "only http and https URLs are allowed, not '{}'",
                parsed.scheme()
            ));
        }
        if let Some(ip) = literal_ip(&parsed) {
            if !self.config.allow_private && !is_public(ip) {
                return Err(format!(
                    "refused to call {ip}: private and loopback addresses are blocked (set STEWARD_HTTP_ALLOW_PRIVATE=true to allow)"
                ));
            }
        }
        if parsed.host_str() == Some("localhost") && !self.config.allow_private {
            return Err("refused to call localhost: private and loopback addresses are blocked (set STEWARD_HTTP_ALLOW_PRIVATE=true to allow)".into());
        }
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())
            .map_err(|_| format!("'{method}' is not an HTTP method"))?;
        let mut request = self
            .client
            .request(method, parsed)
            .timeout(timeout.unwrap_or(self.config.default_timeout));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request = match body {
            None | Some(Value::Null) => request,
            Some(Value::String(text)) => request.body(text.clone()),
            Some(other) => request.json(other),
        };
        let started = Instant::now();
        let mut response = request.send().await.map_err(describe)?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(describe)? {
            if bytes.len() + chunk.len() > self.config.max_response_bytes {
                return Err(format!(
                    "the response from {url} is larger than {} bytes, the limit",
                    self.config.max_response_bytes
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
        Ok(json!({
            "status": status.as_u16(),
            "ok": status.is_success(),
            "content_type": content_type,
            "body": body,
            "elapsed_ms": started.elapsed().as_millis() as u64,
        }))
    }
}

/// A sentence for a transport error, with its cause.
fn describe(error: reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_redirect() {
        "stopped at a redirect"
    } else {
        "failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    let url = error.url().map(|u| u.to_string()).unwrap_or_default();
    if cause.is_empty() {
        format!("the request to {url} {what}")
    } else {
        format!("the request to {url} {what}: {cause}")
    }
}

fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 224)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link local
                || (first & 0xff00) == 0xff00) // multicast
        }
    }
}

/// Resolves names and drops private addresses unless allowed.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| allow_private || is_public(addr.ip()))
                .collect();
            if addrs.is_empty() {
                let error: Box<dyn std::error::Error + Send + Sync> = format!(
                    "{host} resolves only to private or loopback addresses, which are blocked (set STEWARD_HTTP_ALLOW_PRIVATE=true to allow)"
                )
                .into();
                return Err(error);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_loopback_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "0.0.0.0",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["1.1.1.1", "93.184.216.34", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn loopback_urls_are_refused_by_default() {
        let client = HttpClient::new(HttpConfig::default()).unwrap();
        let err = client
            .send("GET", "http://127.0.0.1:9/", &BTreeMap::new(), None, None)
            .await
            .unwrap_err();
        assert!(
            err.contains("private and loopback addresses are blocked"),
            "{err}"
        );
        let err = client
            .send("GET", "http://localhost:9/", &BTreeMap::new(), None, None)
            .await
            .unwrap_err();
        assert!(err.contains("refused"), "{err}");
        let err = client
            .send("GET", "file:///etc/passwd", &BTreeMap::new(), None, None)
            .await
            .unwrap_err();
        assert!(err.contains("only http and https"), "{err}");
    }
}
