//! The bot commands: registered with `setMyCommands` and shown by `/help`
//! from this one list (teloxide's `BotCommands` reads the `///` lines).

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use crate::agent::Content;

#[derive(BotCommands, Clone, Debug, PartialEq)]
#[command(
    rename_rule = "lowercase",
    description = "Tell me what to automate in plain words, or use these commands:"
)]
pub enum Command {
    /// Create a workflow: /new every weekday at 8:30 check https://status.example.com
    New(String),
    /// List your workflows
    List,
    /// Show a workflow and its next runs: /show status check
    Show(String),
    /// Pause a workflow: /pause status check
    Pause(String),
    /// Resume a paused workflow: /resume status check
    Resume(String),
    /// Run a workflow now: /run status check
    Run(String),
    /// What workflows did: /logs, /logs status check
    Logs(String),
    /// Delete a workflow (asks first): /delete status check
    Delete(String),
    /// Show or set your time zone: /timezone Europe/Paris
    Timezone(String),
    /// A sign-in link to the web dashboard (in a private chat)
    Dashboard,
    /// What I can do
    Help,
    /// Start talking to me
    Start,
}

impl Command {
    /// What the agent is asked; `None` for /help, which the adapter answers
    /// from this list.
    pub fn content(&self) -> Option<Content> {
        let (name, args) = match self {
            Command::New(args) => ("new", args),
            Command::List => ("list", &String::new()),
            Command::Show(args) => ("show", args),
            Command::Pause(args) => ("pause", args),
            Command::Resume(args) => ("resume", args),
            Command::Run(args) => ("run", args),
            Command::Logs(args) => ("logs", args),
            Command::Delete(args) => ("delete", args),
            Command::Timezone(args) => ("timezone", args),
            Command::Dashboard => ("dashboard", &String::new()),
            // /start greets (the agent asks a newcomer's zone).
            Command::Start => ("start", &String::new()),
            Command::Help => return None,
        };
        Some(Content::Command {
            name: name.to_string(),
            args: args.trim().to_string(),
        })
    }
}

/// The commands as `setMyCommands` takes them: names without the slash
/// (Telegram allows only a-z, 0-9 and _), descriptions from the `///` lines.
pub fn menu() -> Vec<BotCommand> {
    Command::bot_commands()
        .into_iter()
        .map(|c| BotCommand::new(c.command.trim_start_matches('/'), c.description))
        .collect()
}

/// The `/help` text: the command list and a few examples in words.
pub fn help() -> String {
    format!(
        "{}\n\nOr just say it: \"every morning at 9 remind me to stretch\", \"pause the status check\", \"what did it do today?\"",
        Command::descriptions()
    )
}
