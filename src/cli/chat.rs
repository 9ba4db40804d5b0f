//! `steward chat`: the conversation in the terminal, interactive or one turn
//! with `--message` (state kept in the store between invocations).

use clap::Args;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

use super::Printed;
use crate::agent::Content;
use crate::app::App;
use crate::chat::terminal::{self, TerminalNotifier, UserNotifier};
use crate::clock::SystemClock;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// Who is talking (default: the OS user).
    #[arg(long)]
    pub user: Option<String>,
    /// Say one thing, print the answer and exit.
    #[arg(long)]
    pub message: Option<String>,
    /// With --message: print `{"reply", "actions", "draft"}`.
    #[arg(long, requires = "message")]
    pub json: bool,
}

/// The OS user, else "me".
fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .unwrap_or_else(|| "me".into())
}

pub async fn run_chat(args: ChatArgs, config: &Config) -> Printed {
    let user = args
        .user
        .clone()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(os_user);
    match args.message {
        Some(message) => one_turn(&user, message, args.json, config).await,
        None => match interactive(user, config).await {
            Ok(()) => Printed::default(),
            Err(error) => Printed::error(format!("{error:#}"), false, 1),
        },
    }
}

async fn one_turn(user: &str, message: String, json: bool, config: &Config) -> Printed {
    let app = match App::build(
        config,
        Arc::new(TerminalNotifier { quiet: json }),
        Arc::new(SystemClock),
    )
    .await
    {
        Ok(app) => app,
        Err(error) => return Printed::error(format!("{error:#}"), json, 1),
    };
    // One turn waits for a run it starts: the process ends with the turn.
    let agent = match app.agent(config, Duration::from_secs(86_400)) {
        Ok(agent) => agent,
        Err(error) => return Printed::error(format!("{error:#}"), json, 1),
    };
    // Keeps the lease of a run started by this turn while it executes.
    let heartbeat = tokio::spawn(Arc::clone(&app.scheduler).heartbeat());
    let reply = agent
        .handle(terminal::inbound(user, Content::Text(message)))
        .await;
    heartbeat.abort();
    app.close().await;
    match reply {
        Ok(reply) if json => Printed::ok(format!(
            "{}\n",
            json!({ "reply": reply.text, "actions": reply.actions, "draft": reply.draft })
        )),
        Ok(reply) => Printed::ok(format!("{}\n", terminal::show(&reply))),
        Err(error) => Printed::error(format!("{error:#}"), json, 1),
    }
}

async fn interactive(user: String, config: &Config) -> anyhow::Result<()> {
    let notifier = Arc::new(UserNotifier { user: user.clone() });
    let app = App::build(config, notifier, Arc::new(SystemClock)).await?;
    let agent = Arc::new(app.agent(config, Duration::from_secs(10))?);
    // The scheduler fires workflows while the conversation goes on; its
    // Result is read when the conversation ends.
    let (stop, stopped) = watch::channel(false);
    let scheduler = tokio::spawn(Arc::clone(&app.scheduler).run(stopped));
    let talked = terminal::converse(agent, user).await;
    let _ = stop.send(true);
    let scheduled = scheduler.await;
    app.close().await;
    scheduled??;
    talked
}
