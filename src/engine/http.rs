//! The `http` step: a request with a size cap, a time cap, and a refusal of
//! private and loopback addresses unless configured (DESIGN §5).
//!
//! Addresses are checked where connections are made (a DNS resolver that drops
//! refused addresses, and a check of literal IPs in the URL and in redirects),
//! so a name that resolves to 127.0.0.1 or a redirect to 10.0.0.1 is refused
//! too. What is refused is [`crate::egress`]'s rule.

use reqwest::redirect::Policy;
use reqwest::Url;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::egress::{self, refusal, resolver::GuardedResolver, Allowed, HOW_TO_ALLOW};

/// Limits of the `http` step.
#[derive(Clone, Debug)]
pub struct HttpClientConfig {
    /// Allow loopback and private addresses (tests, home networks).
    pub allow_private: bool,
    /// Hosts and networks allowed besides public addresses
    /// (`STEWARD_HTTP_ALLOW`).
    pub allow: Vec<Allowed>,
    pub max_response_bytes: usize,
    pub default_timeout: Duration,
}

impl Default for HttpClientConfig {
    fn default() -> Self {
        HttpClientConfig {
            allow_private: false,
            allow: Vec::new(),
            max_response_bytes: 1024 * 1024,
            default_timeout: Duration::from_secs(30),
        }
    }
}

/// A client that enforces [`HttpClientConfig`].
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: reqwest::Client,
    config: HttpClientConfig,
    policy: egress::Policy,
}

impl HttpClient {
    pub fn new(config: HttpClientConfig) -> Result<HttpClient, String> {
        let policy = egress::Policy {
            allow_private: config.allow_private,
            allow: config.allow.clone(),
        };
        let checked = policy.clone();
        let redirects = Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                return attempt.error("more than 5 redirects");
            }
            match refusal(&checked, attempt.url()) {
                Some(refused) => {
                    attempt.error(format!("redirect refused: {refused} ({HOW_TO_ALLOW})"))
                }
                None => attempt.follow(),
            }
        });
        let client = reqwest::Client::builder()
            .redirect(redirects)
            .dns_resolver(Arc::new(GuardedResolver {
                policy: policy.clone(),
                hint: HOW_TO_ALLOW,
            }))
            // A proxy would resolve names itself, past the private-address
            // check: requests go direct.
            .no_proxy()
            .user_agent(concat!("steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        Ok(HttpClient {
            client,
            config,
            policy,
        })
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
        self.attempt(method, url, headers, body, timeout)
            .await
            .map_err(|failure| failure.message)
    }

    /// [`HttpClient::send`], tried again as `retries` says after a
    /// connection error, a time-out or a 5xx answer. The output says
    /// `"attempts"` when there was more than one.
    pub async fn send_retrying(
        &self,
        (method, url): (&str, &str),
        headers: &BTreeMap<String, String>,
        body: Option<&Value>,
        timeout: Option<Duration>,
        retries: Retries,
    ) -> Result<Value, String> {
        let mut attempt = 1;
        loop {
            let result = self.attempt(method, url, headers, body, timeout).await;
            let transient = match &result {
                Ok(output) => output["status"].as_u64().is_some_and(|s| s >= 500),
                Err(failure) => failure.transient,
            };
            let wait = retries.backoff * (1 << (attempt - 1).min(8));
            let late = tokio::time::Instant::now() + wait >= retries.until;
            if !transient || attempt > retries.times || late {
                return match result {
                    Ok(mut output) => {
                        if attempt > 1 {
                            output["attempts"] = json!(attempt);
                        }
                        Ok(output)
                    }
                    Err(failure) if attempt > 1 => {
                        Err(format!("{} (tried {attempt} times)", failure.message))
                    }
                    Err(failure) => Err(failure.message),
                };
            }
            tracing::info!(url, attempt = attempt + 1, "trying a request again");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        method: &str,
        url: &str,
        headers: &BTreeMap<String, String>,
        body: Option<&Value>,
        timeout: Option<Duration>,
    ) -> Result<Value, Failure> {
        let parsed =
            Url::parse(url).map_err(|e| Failure::lasting(format!("'{url}' is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Failure::lasting(format!(
                "only http and https URLs are allowed, not '{}'",
                parsed.scheme()
            )));
        }
        if let Some(refused) = refusal(&self.policy, &parsed) {
            return Err(Failure::lasting(format!("{refused} ({HOW_TO_ALLOW})")));
        }
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())
            .map_err(|_| Failure::lasting(format!("'{method}' is not an HTTP method")))?;
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
        let mut response = request.send().await.map_err(Failure::from)?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(Failure::from)? {
            if bytes.len() + chunk.len() > self.config.max_response_bytes {
                return Err(Failure::lasting(format!(
                    "the response from {url} is larger than {} bytes, the limit",
                    self.config.max_response_bytes
                )));
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

/// How a request that failed on the way is tried again: `times` more,
/// waiting `backoff` and doubling, never past `until` (the run's deadline).
#[derive(Clone, Copy, Debug)]
pub struct Retries {
    pub times: u32,
    pub backoff: Duration,
    pub until: tokio::time::Instant,
}

/// Why a request failed, and whether trying again may help (a connection
/// error or a time-out) or not (a refused address, a bad URL).
struct Failure {
    message: String,
    transient: bool,
}

impl Failure {
    fn lasting(message: String) -> Failure {
        Failure {
            message,
            transient: false,
        }
    }
}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Failure {
        Failure {
            // A refused redirect or a body that is not HTTP would fail again.
            transient: error.is_timeout() || error.is_connect() || error.is_body(),
            message: describe(error),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_urls_are_refused_by_default() {
        let client = HttpClient::new(HttpClientConfig::default()).unwrap();
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
