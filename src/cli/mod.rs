//! The command line (clap): `serve`, `chat`, `schedule`, `migrate`, and the
//! admin commands `workflows`, `runs` and `keys`.

mod backup;
mod chat;
mod dashboard;
mod hook;
mod keys;
mod limits;
mod runs;
mod schedule;
mod workflows;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub use backup::run_backup;
pub use chat::{run_chat, ChatArgs};
pub use dashboard::run_dashboard;
pub use keys::{run_keys, KeysCommand};
pub use limits::{run_limits, LimitsCommand};
pub use runs::{run_runs, RunsArgs};
pub use schedule::{run_schedule, ScheduleArgs};
pub use workflows::{run_workflows, WorkflowsCommand};

/// steward turns plain language into workflows that run on their own.
#[derive(Debug, Parser)]
#[command(name = "steward", version, about)]
pub struct Cli {
    /// The SQLite database file (default ./steward.db), or a postgres:// URL.
    #[arg(long, global = true, env = "STEWARD_DB")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run steward: the scheduler, the HTTP chat API and the chat platforms
    /// whose tokens are set (TELEGRAM_BOT_TOKEN, DISCORD_TOKEN).
    Serve,
    /// Talk to steward in the terminal: create and manage workflows in words.
    Chat(ChatArgs),
    /// Read a schedule (phrase, cron, RRULE, ISO-8601) and show when it fires.
    Schedule(ScheduleArgs),
    /// Apply database migrations.
    Migrate,
    /// Import, list and control workflows.
    #[command(subcommand)]
    Workflows(WorkflowsCommand),
    /// The run log; approve or reject waiting runs.
    Runs(RunsArgs),
    /// The REST API's per-user keys: create, list, revoke.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// A consistent copy of the database to FILE, while steward runs.
    Backup { file: PathBuf },
    /// People's quotas: show, set one person's, list, and who hit limits.
    #[command(subcommand)]
    Limits(LimitsCommand),
    /// A one-time sign-in link to the web dashboard for a person (10 minutes).
    Dashboard {
        /// Their id, as in the audit log (telegram:123, discord:456, webhook:alice...).
        #[arg(long)]
        user: String,
        /// Signs them in as an admin: everyone's workflows.
        #[arg(long)]
        admin: bool,
    },
}

/// A command line clap could not read, as `{"error"}` on stdout (exit code
/// 2) when `--json` was asked for, so a script reading JSON gets JSON; `None`
/// when clap should print it itself (no `--json`, or help and version).
pub fn json_usage_error(error: &clap::Error, args: &[String]) -> Option<Printed> {
    use clap::error::ErrorKind;
    let shown = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if shown || !args.iter().any(|a| a == "--json") {
        return None;
    }
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first).trim();
    Some(Printed::error(message, true, 2))
}

/// What a command prints and its exit code.
#[derive(Debug, Default)]
pub struct Printed {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

impl Printed {
    pub fn ok(stdout: String) -> Printed {
        Printed {
            stdout,
            stderr: String::new(),
            code: 0,
        }
    }

    /// A failure: as `{"error": ...}` on stdout with `--json`, else on stderr.
    pub fn error(message: impl Into<String>, json: bool, code: u8) -> Printed {
        let message = message.into();
        if json {
            Printed {
                stdout: format!("{}\n", serde_json::json!({ "error": message })),
                stderr: String::new(),
                code,
            }
        } else {
            Printed {
                stdout: String::new(),
                stderr: format!("error: {message}\n"),
                code,
            }
        }
    }
}

/// RFC 3339 in UTC with milliseconds, as the JSON outputs write instants.
pub(crate) fn instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
