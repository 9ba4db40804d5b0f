//! `steward workflows hook ID [--rotate] [--json]`: a webhook workflow's URL
//! and secret, and how a sender proves itself.

use serde_json::json;

use super::Printed;
use crate::config::Config;
use crate::manage::{Actor, ManageError, Manager};

/// Prints the URL and secret of webhook workflow `id`, new ones with `rotate`.
pub async fn show(
    manage: &Manager,
    operator: &Actor,
    config: &Config,
    id: i64,
    rotate: bool,
    json: bool,
) -> Result<Printed, ManageError> {
    let hook = manage.hook(operator, id, rotate).await?;
    let workflow = manage.workflow(operator, id).await?;
    let check = workflow
        .trigger_expression
        .split_whitespace()
        .next()
        .unwrap_or("path")
        .to_string();
    let url = format!("{}{}", config.http.public_url, hook.path(check == "path"));
    if json {
        let value = json!({ "id": id, "url": url, "secret": hook.secret, "check": check, "rejected": hook.rejected });
        return Ok(Printed::ok(format!("{value}\n")));
    }
    let how = match check.as_str() {
        "path" => "The secret is the last part of the URL; keep the URL private.".to_string(),
        "github" => "In GitHub: Settings → Webhooks → Payload URL above, content type application/json, Secret above.".to_string(),
        "stripe" => "In Stripe: add an endpoint with the URL above and sign with the secret above (Stripe-Signature).".to_string(),
        "slack" => "In Slack: the request URL above; steward checks X-Slack-Signature with the secret above as the signing secret.".to_string(),
        _ => "Sign each call: X-Steward-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>.".to_string(),
    };
    let rotated = if rotate {
        " (new; the old URL no longer works)"
    } else {
        ""
    };
    Ok(Printed::ok(format!(
        "#{id} {}{rotated}\nURL:    {url}\nSecret: {}\n{how}\nCalls refused for a bad secret or signature: {}\n",
        workflow.name, hook.secret, hook.rejected
    )))
}
