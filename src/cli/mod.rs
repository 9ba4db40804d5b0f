//! The command line (clap): `serve`, `chat`, `schedule`, `migrate`.

mod schedule;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub use schedule::{run_schedule, ScheduleArgs, ScheduleOutcome};

/// steward turns plain language into workflows that run on their own.
#[derive(Debug, Parser)]
#[command(name = "steward", version, about)]
pub struct Cli {
    /// The SQLite database file (default ./steward.db).
    #[arg(long, global = true, env = "STEWARD_DB")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the scheduler, the HTTP API and the chat adapters.
    Serve,
    /// Talk to steward in the terminal.
    Chat,
    /// Read a schedule (phrase, cron, RRULE, ISO-8601) and show when it fires.
    Schedule(ScheduleArgs),
    /// Apply database migrations.
    Migrate,
}
