//! Triggers that are not the clock's (DESIGN §3): a webhook call and another
//! workflow finishing. Pure data with their stored expressions; the clock
//! never fires them (`Schedule::next_after` is `None`), the webhook route and
//! the store's completion trigger do.

use std::fmt;

/// How a webhook call proves it comes from the sender the owner set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookAuth {
    /// The secret is the last part of the URL (`/hooks/{id}/{secret}`).
    Path,
    /// GitHub's `X-Hub-Signature-256: sha256=<hex HMAC of the body>`.
    Github,
    /// Stripe's `Stripe-Signature: t=<unix>,v1=<hex HMAC of "t.body">`.
    Stripe,
    /// Slack's `X-Slack-Signature: v0=<hex HMAC of "v0:ts:body">` with
    /// `X-Slack-Request-Timestamp`.
    Slack,
    /// steward's own `X-Steward-Signature: sha256=<hex HMAC of the body>`.
    Steward,
}

impl HookAuth {
    pub const ALL: [HookAuth; 5] = [
        HookAuth::Path,
        HookAuth::Github,
        HookAuth::Stripe,
        HookAuth::Slack,
        HookAuth::Steward,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HookAuth::Path => "path",
            HookAuth::Github => "github",
            HookAuth::Stripe => "stripe",
            HookAuth::Slack => "slack",
            HookAuth::Steward => "steward",
        }
    }

    /// For people: "GitHub's X-Hub-Signature-256".
    pub fn words(self) -> &'static str {
        match self {
            HookAuth::Path => "the secret in the URL",
            HookAuth::Github => "GitHub's X-Hub-Signature-256",
            HookAuth::Stripe => "Stripe's Stripe-Signature",
            HookAuth::Slack => "Slack's X-Slack-Signature",
            HookAuth::Steward => "steward's X-Steward-Signature",
        }
    }
}

/// A webhook trigger: how calls are checked and which request headers join
/// the body in the run's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub auth: HookAuth,
    /// Lower-case header names, besides the ones always kept.
    pub headers: Vec<String>,
}

/// Headers every webhook run sees when the request has them.
pub const KEPT_HEADERS: [&str; 6] = [
    "content-type",
    "user-agent",
    "x-github-event",
    "x-github-delivery",
    "idempotency-key",
    "stripe-event",
];

/// Headers that carry a proof or a credential: never copied into an input.
const SECRET_HEADERS: [&str; 6] = [
    "authorization",
    "cookie",
    "x-hub-signature",
    "x-hub-signature-256",
    "stripe-signature",
    "x-slack-signature",
];

impl Webhook {
    /// Reads `github`, `path`, `slack headers=x-a,x-b`, ... (the stored form).
    pub fn parse(expression: &str) -> Result<Webhook, String> {
        let mut words = expression.split_whitespace();
        let auth_word = words.next().unwrap_or("path").to_ascii_lowercase();
        let auth = HookAuth::ALL
            .into_iter()
            .find(|a| a.as_str() == auth_word)
            .ok_or_else(|| {
                format!(
                    "'{auth_word}' is not a webhook check: use path, github, stripe, slack or steward"
                )
            })?;
        let mut headers = Vec::new();
        for word in words {
            let Some(list) = word.strip_prefix("headers=") else {
                return Err(format!(
                    "'{word}' is not understood in a webhook trigger (write headers=x-a,x-b)"
                ));
            };
            for name in list.split(',').filter(|n| !n.is_empty()) {
                let name = name.to_ascii_lowercase();
                if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    return Err(format!("'{name}' is not a header name"));
                }
                if SECRET_HEADERS.contains(&name.as_str()) || name.contains("signature") {
                    return Err(format!(
                        "the {name} header carries a secret and is never passed to a run"
                    ));
                }
                if !headers.contains(&name) {
                    headers.push(name);
                }
            }
        }
        Ok(Webhook { auth, headers })
    }

    /// Whether header `name` (lower case) goes into the run's input.
    pub fn keeps(&self, name: &str) -> bool {
        KEPT_HEADERS.contains(&name) || self.headers.iter().any(|h| h == name)
    }
}

impl fmt::Display for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.auth.as_str())?;
        if !self.headers.is_empty() {
            write!(f, " headers={}", self.headers.join(","))?;
        }
        Ok(())
    }
}

/// Which ends of the other workflow's runs start this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterOutcome {
    Succeeded,
    /// Failed, stopped by a guardrail, or interrupted.
    Failed,
    /// Any end.
    Finished,
}

impl AfterOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AfterOutcome::Succeeded => "succeeded",
            AfterOutcome::Failed => "failed",
            AfterOutcome::Finished => "finished",
        }
    }

    /// "succeeds", "fails", "finishes".
    pub fn verb(self) -> &'static str {
        match self {
            AfterOutcome::Succeeded => "succeeds",
            AfterOutcome::Failed => "fails",
            AfterOutcome::Finished => "finishes",
        }
    }
}

/// A completion trigger: when workflow `workflow` ends as `on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct After {
    pub workflow: i64,
    pub on: AfterOutcome,
}

impl After {
    /// Reads `12 failed` (the stored form); `#12 fails` is taken too.
    pub fn parse(expression: &str) -> Result<After, String> {
        let mut words = expression.split_whitespace();
        let (Some(id), on, None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "'{expression}' is not a completion trigger: write the workflow's id and succeeded, failed or finished (\"12 failed\")"
            ));
        };
        let workflow = id
            .trim_start_matches('#')
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| format!("'{id}' is not a workflow id"))?;
        let on = match on.unwrap_or("finished").to_ascii_lowercase().as_str() {
            "succeeded" | "succeeds" | "success" => AfterOutcome::Succeeded,
            "failed" | "fails" | "failure" => AfterOutcome::Failed,
            "finished" | "finishes" | "any" => AfterOutcome::Finished,
            other => {
                return Err(format!(
                    "'{other}' is not an outcome: use succeeded, failed or finished"
                ))
            }
        };
        Ok(After { workflow, on })
    }
}

impl fmt::Display for After {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.workflow, self.on.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_expressions_read_back_as_written_and_secret_headers_are_refused() {
        let hook = Webhook::parse("github headers=X-Custom,x-other").unwrap();
        assert_eq!(hook.auth, HookAuth::Github);
        assert_eq!(hook.to_string(), "github headers=x-custom,x-other");
        assert!(hook.keeps("x-github-event") && hook.keeps("x-custom"));
        assert!(!hook.keeps("x-hub-signature-256"));
        assert_eq!(Webhook::parse("").unwrap().auth, HookAuth::Path);
        assert!(Webhook::parse("gitlab").unwrap_err().contains("gitlab"));
        assert!(Webhook::parse("slack headers=authorization").is_err());
    }

    #[test]
    fn completion_triggers_name_a_workflow_and_an_outcome() {
        let after = After::parse("#12 fails").unwrap();
        assert_eq!(after.to_string(), "12 failed");
        assert_eq!(After::parse("3").unwrap().on, AfterOutcome::Finished);
        assert!(After::parse("backup failed").is_err());
        assert!(After::parse("3 exploded").unwrap_err().contains("exploded"));
    }
}
