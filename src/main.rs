//! The `steward` binary: parses the command line, sets up logging, loads the
//! configuration and hands over to the library.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use steward::chat::terminal::TerminalNotifier;
use steward::cli::{
    json_usage_error, run_backup, run_chat, run_dashboard, run_keys, run_limits, run_runs,
    run_schedule, run_workflows, Cli, Command, Printed,
};
use steward::config::Config;

/// jemalloc rather than glibc's malloc: after a burst of runs glibc kept
/// the freed memory in its per-thread arenas (idle RSS after 10,000 runs:
/// anon 19.7 MB against jemalloc's 11.1). The scheduler purges it when a
/// burst is over (`memory::release`, and each runtime worker empties its
/// thread cache as it next goes idle); under load its
/// background threads return pages left unused for 10 s.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let args: Vec<String> = std::env::args().collect();
            match json_usage_error(&error, &args) {
                Some(printed) => return print(printed),
                None => error.exit(),
            }
        }
    };
    let mut config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    // Colours only for a person at a terminal: a log file or a journal
    // gets plain text (and NO_COLOR turns them off anywhere).
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let filter = tracing_subscriber::EnvFilter::try_from_env("STEWARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // STEWARD_LOG_FORMAT=json: one JSON object a line, for log collectors.
    if config.json_logs {
        logs.json().init();
    } else {
        logs.with_ansi(ansi).init();
    }
    if let Some(db) = cli.db {
        config.db_path = db;
    }
    let printed = match cli.command {
        Command::Schedule(args) => run_schedule(&args, &config, chrono::Utc::now()),
        command => {
            let runtime = match steward::app::threads::runtime(config.pin_workers) {
                Ok(runtime) => runtime,
                Err(error) => {
                    eprintln!("error: starting the async runtime: {error}");
                    return ExitCode::from(1);
                }
            };
            runtime.block_on(async_command(command, config))
        }
    };
    print(printed)
}

fn print(printed: Printed) -> ExitCode {
    let _ = std::io::stdout().write_all(printed.stdout.as_bytes());
    let _ = std::io::stderr().write_all(printed.stderr.as_bytes());
    ExitCode::from(printed.code)
}

async fn async_command(command: Command, config: Config) -> Printed {
    match command {
        Command::Serve => {
            match steward::app::serve(config, Arc::new(TerminalNotifier::default())).await {
                Ok(()) => Printed::default(),
                Err(error) => Printed::error(format!("{error:#}"), false, 1),
            }
        }
        Command::Migrate => match steward::store::Store::open_with_key(
            &config.db_path,
            config.encryption_key.as_ref(),
        )
        .await
        {
            Ok(_) => Printed::ok(format!("{} is up to date.\n", config.db_path.display())),
            Err(error) => Printed::error(
                format!("migrating {}: {error}", config.db_path.display()),
                false,
                1,
            ),
        },
        Command::Workflows(command) => run_workflows(command, &config).await,
        Command::Runs(args) => run_runs(args, &config).await,
        Command::Keys(command) => run_keys(command, &config).await,
        Command::Limits(command) => run_limits(command, &config).await,
        Command::Backup { file } => run_backup(&file, &config).await,
        Command::Dashboard { user, admin } => run_dashboard(&user, admin, &config).await,
        Command::Chat(args) => run_chat(args, &config).await,
        Command::Schedule(_) => Printed::default(),
    }
}
