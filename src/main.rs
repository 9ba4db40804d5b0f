//! The `steward` binary: parses the command line, sets up logging, loads the
//! configuration and hands over to the library.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use steward::cli::{run_schedule, Cli, Command};
use steward::config::Config;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STEWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    if let Some(db) = cli.db {
        config.db_path = db;
    }
    match cli.command {
        Command::Schedule(args) => {
            let outcome = run_schedule(&args, &config, chrono::Utc::now());
            let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
            let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
            ExitCode::from(outcome.code)
        }
        Command::Serve | Command::Chat | Command::Migrate => {
            let name = match cli.command {
                Command::Serve => "serve",
                Command::Chat => "chat",
                _ => "migrate",
            };
            eprintln!(
                "steward {name} is not available yet: this build has `steward schedule` only (try `steward schedule \"every weekday at 8:30\"`)."
            );
            ExitCode::from(1)
        }
    }
}
