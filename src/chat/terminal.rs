//! The terminal: `steward chat` talks to the agent on stdin/stdout, and the
//! notifiers that print run results there.

use async_trait::async_trait;
use std::io::Write;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::agent::{Agent, AnswerBy, Content, Inbound, Reply, Zone};
use crate::workflow::notify::{Notice, Notifier};

/// Prints notices; `quiet` keeps them to the log only.
#[derive(Clone, Copy, Debug, Default)]
pub struct TerminalNotifier {
    pub quiet: bool,
}

#[async_trait]
impl Notifier for TerminalNotifier {
    async fn notify(&self, notice: Notice) {
        let line = notice.line();
        tracing::info!(target: "steward::notice", owner = %notice.audience().owner, "{line}");
        if !self.quiet {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    }
}

/// Prints the notices of one user's workflows in their chat; others' go to
/// the log (this process also fires their workflows).
#[derive(Clone, Debug)]
pub struct UserNotifier {
    pub user: String,
}

#[async_trait]
impl Notifier for UserNotifier {
    async fn notify(&self, notice: Notice) {
        let line = notice.line();
        tracing::info!(target: "steward::notice", owner = %notice.audience().owner, "{line}");
        if notice.audience().owner == self.user {
            let line = match &notice {
                Notice::ApprovalRequested { run_id, .. } => {
                    format!("{line}\n  (say 'approve {run_id}' or 'reject {run_id}')")
                }
                _ => line,
            };
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "\n» {line}");
            let _ = write!(out, "> ");
            let _ = out.flush();
        }
    }
}

/// Who is talking in the terminal: in the machine's zone unless they set
/// one, greeted on their first message.
pub fn inbound(user: &str, content: Content) -> Inbound {
    Inbound {
        conversation: format!("terminal:{user}"),
        user: user.to_string(),
        user_name: Some(user.to_string()),
        home_chat: format!("terminal:{user}"),
        manages: None,
        timezone: machine_zone(),
        greet_newcomer: true,
        answer_by: AnswerBy::Words,
        content,
    }
}

/// The machine's zone: `TZ` when set (an IANA name, `:` prefix allowed),
/// else what `/etc/localtime` links to. UTC counts as unknown: it is what
/// servers and containers are set to, rarely where their person lives.
pub fn machine_zone() -> Option<Zone> {
    let named = match std::env::var("TZ") {
        Ok(tz) => Some(tz.trim().trim_start_matches(':').to_string()),
        Err(_) => std::fs::read_link("/etc/localtime")
            .ok()
            .and_then(|target| zone_of_path(&target.to_string_lossy())),
    };
    named
        .and_then(|name| Zone::from_iana(&name))
        .filter(|zone| {
            !matches!(
                zone.name(),
                "UTC"
                    | "Etc/UTC"
                    | "Etc/UCT"
                    | "UCT"
                    | "Etc/GMT"
                    | "GMT"
                    | "Etc/Universal"
                    | "Universal"
                    | "Etc/Zulu"
                    | "Zulu"
            )
        })
}

/// "/usr/share/zoneinfo/Europe/Paris" → "Europe/Paris".
fn zone_of_path(path: &str) -> Option<String> {
    path.split_once("zoneinfo/")
        .map(|(_, name)| name.to_string())
}

/// The reply as the terminal shows it.
pub fn show(reply: &Reply) -> String {
    reply.text.clone()
}

/// Reads lines until end of input or "quit"; each is one turn.
pub async fn converse(agent: Arc<Agent>, user: String) -> anyhow::Result<()> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let greeting = format!(
        "steward — talking as {user} ({}). Type 'help' for examples, 'quit' to leave. Run results of your workflows appear here while this runs.",
        if agent.has_model() {
            "LLM mode"
        } else {
            "offline mode: no LLM configured"
        }
    );
    println!("{greeting}");
    loop {
        print!("> ");
        let _ = std::io::stdout().flush();
        let Some(line) = lines.next_line().await? else {
            println!();
            return Ok(());
        };
        let line = line.trim();
        if matches!(line, "quit" | "exit" | "/quit" | "/exit" | "bye") {
            return Ok(());
        }
        if line.is_empty() {
            continue;
        }
        let content = match line.strip_prefix('/') {
            Some(command) => {
                let (name, args) = command.split_once(' ').unwrap_or((command, ""));
                Content::Command {
                    name: name.to_string(),
                    args: args.to_string(),
                }
            }
            None => Content::Text(line.to_string()),
        };
        match agent.handle(inbound(&user, content)).await {
            Ok(reply) if reply.is_silent() => {}
            Ok(reply) => println!("{}", show(&reply)),
            Err(error) => {
                tracing::error!(error = %error, "a chat turn failed");
                println!("Something went wrong on my side saving that; try again.");
            }
        }
    }
}
