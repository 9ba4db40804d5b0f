//! The slash commands (DESIGN §1): `/workflow new|list|show|pause|resume|run|logs|delete|help`
//! and `/timezone`. One table describes them; Discord shows its texts in the
//! command picker and `/workflow help` lists the same texts, so the two never
//! disagree.

use serenity::builder::{CreateCommand, CreateCommandOption};
use serenity::model::application::{
    CommandData, CommandOptionType, InteractionContext, ResolvedOption, ResolvedValue,
};

use crate::agent::MAX_MESSAGE_CHARS;

/// The command that holds the workflow subcommands.
pub const WORKFLOW: &str = "workflow";
/// The command that shows or sets the user's zone.
pub const TIMEZONE: &str = "timezone";
/// The command that sends a sign-in link to the web dashboard.
pub const DASHBOARD: &str = "dashboard";

/// A slash command or subcommand, as Discord shows it.
pub struct Spec {
    pub name: &'static str,
    /// At most 100 characters (Discord's limit).
    pub about: &'static str,
    pub argument: Option<Argument>,
}

/// The one option a command takes.
pub struct Argument {
    pub name: &'static str,
    /// At most 100 characters (Discord's limit).
    pub about: &'static str,
    pub required: bool,
    /// The longest value Discord lets a person type.
    pub max_length: u16,
    /// A workflow reference: Discord asks steward for the user's workflow
    /// names as they type.
    pub workflow: bool,
}

const WORKFLOW_NAME: &str = "The workflow's name or #id";

const fn workflow(required: bool) -> Option<Argument> {
    Some(Argument {
        name: "name",
        about: WORKFLOW_NAME,
        required,
        max_length: 100,
        workflow: true,
    })
}

/// `/workflow` subcommands.
pub const SUBCOMMANDS: &[Spec] = &[
    Spec {
        name: "new",
        about: "Describe a new workflow in plain words; I show a draft to confirm",
        argument: Some(Argument {
            name: "text",
            about: "What to do and when, e.g. every weekday at 8:30 remind me to stand up",
            required: true,
            max_length: MAX_MESSAGE_CHARS as u16,
            workflow: false,
        }),
    },
    Spec {
        name: "list",
        about: "List your workflows (and this server's, if you may manage it)",
        argument: None,
    },
    Spec {
        name: "show",
        about: "Show a workflow: its trigger, next runs, steps and limits",
        argument: workflow(true),
    },
    Spec {
        name: "pause",
        about: "Pause a workflow until you resume it",
        argument: workflow(true),
    },
    Spec {
        name: "resume",
        about: "Resume a paused workflow (the paused period is not replayed)",
        argument: workflow(true),
    },
    Spec {
        name: "run",
        about: "Run a workflow now and show the result",
        argument: workflow(true),
    },
    Spec {
        name: "logs",
        about: "What your workflows did lately, or one workflow's runs",
        argument: workflow(false),
    },
    Spec {
        name: "delete",
        about: "Delete a workflow (I ask first)",
        argument: workflow(true),
    },
    Spec {
        name: "help",
        about: "How to use steward here",
        argument: None,
    },
];

/// `/workflow` itself.
pub const WORKFLOW_SPEC: Spec = Spec {
    name: WORKFLOW,
    about: "Workflows that run on their own: create, list, show, pause, resume, run, logs, delete",
    argument: None,
};

/// `/timezone`.
pub const TIMEZONE_SPEC: Spec = Spec {
    name: TIMEZONE,
    about: "Show or set your time zone",
    argument: Some(Argument {
        name: "zone",
        about: "An IANA zone such as Europe/Paris or America/New_York",
        required: false,
        max_length: 64,
        workflow: false,
    }),
};

/// `/dashboard`.
pub const DASHBOARD_SPEC: Spec = Spec {
    name: DASHBOARD,
    about: "A one-time sign-in link to the web dashboard (in a DM with me)",
    argument: None,
};

/// What a slash command asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// A command for the agent's offline grammar (`new`, `pause` ...), with
    /// its argument.
    Agent { name: String, args: String },
    /// `/workflow help`, answered from the table.
    Help,
}

/// The commands to register with Discord.
pub fn definitions() -> Vec<CreateCommand> {
    let subcommands = SUBCOMMANDS
        .iter()
        .map(|spec| {
            let sub =
                CreateCommandOption::new(CommandOptionType::SubCommand, spec.name, spec.about);
            match &spec.argument {
                Some(argument) => sub.add_sub_option(option(argument)),
                None => sub,
            }
        })
        .collect();
    let timezone = TIMEZONE_SPEC
        .argument
        .as_ref()
        .map(|argument| vec![option(argument)])
        .unwrap_or_default();
    // Usable in servers and in DMs with the bot.
    let contexts = vec![InteractionContext::Guild, InteractionContext::BotDm];
    vec![
        CreateCommand::new(WORKFLOW)
            .description(WORKFLOW_SPEC.about)
            .set_options(subcommands)
            .contexts(contexts.clone()),
        CreateCommand::new(TIMEZONE)
            .description(TIMEZONE_SPEC.about)
            .set_options(timezone)
            .contexts(contexts.clone()),
        CreateCommand::new(DASHBOARD)
            .description(DASHBOARD_SPEC.about)
            .contexts(contexts),
    ]
}

fn option(argument: &Argument) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, argument.name, argument.about)
        .required(argument.required)
        .set_autocomplete(argument.workflow)
        .max_length(argument.max_length)
}

/// `/workflow help`: every command and what it does.
pub fn help_text() -> String {
    let line = |prefix: &str, spec: &Spec| {
        let argument = match &spec.argument {
            Some(a) if a.required => format!(" <{}>", a.name),
            Some(a) => format!(" [{}]", a.name),
            None => String::new(),
        };
        format!("`{prefix}{}{argument}` — {}", spec.name, spec.about)
    };
    let mut lines = vec!["Slash commands:".to_string()];
    lines.extend(SUBCOMMANDS.iter().map(|spec| line("/workflow ", spec)));
    lines.push(line("/", &TIMEZONE_SPEC));
    lines.push(line("/", &DASHBOARD_SPEC));
    lines.push(String::new());
    lines.push(
        "Or talk to me in words: DM me, or mention me in a channel — \"every weekday at 8:30 check https://status.example.com and tell me if it's down\", \"pause the status check\", \"what did it do today?\"."
            .to_string(),
    );
    lines.join("\n")
}

/// Reads an invoked command; `None` for a command steward does not have
/// (one registered by an older version, say).
pub fn parse(data: &CommandData) -> Option<Request> {
    let options = data.options();
    match data.name.as_str() {
        WORKFLOW => {
            let (name, options) = options.iter().find_map(|option| match &option.value {
                ResolvedValue::SubCommand(inner) => Some((option.name, inner)),
                _ => None,
            })?;
            let spec = SUBCOMMANDS.iter().find(|spec| spec.name == name)?;
            if spec.name == "help" {
                return Some(Request::Help);
            }
            Some(Request::Agent {
                name: spec.name.to_string(),
                args: text_of(options),
            })
        }
        TIMEZONE => Some(Request::Agent {
            name: TIMEZONE.to_string(),
            args: text_of(&options),
        }),
        DASHBOARD => Some(Request::Agent {
            name: DASHBOARD.to_string(),
            args: String::new(),
        }),
        _ => None,
    }
}

/// The text of a command's (single) string option, or nothing.
fn text_of(options: &[ResolvedOption<'_>]) -> String {
    options
        .iter()
        .find_map(|option| match option.value {
            ResolvedValue::String(text) => Some(text.trim().to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_fits_discords_limits() {
        let all = SUBCOMMANDS.iter().chain([&WORKFLOW_SPEC, &TIMEZONE_SPEC]);
        for spec in all {
            assert!(spec.about.chars().count() <= 100, "{}", spec.name);
            assert!(spec.name.len() <= 32 && spec.name == spec.name.to_lowercase());
            if let Some(argument) = &spec.argument {
                assert!(argument.about.chars().count() <= 100, "{}", argument.name);
            }
        }
    }

    #[test]
    fn help_lists_every_command_with_the_text_discord_shows() {
        let help = help_text();
        for spec in SUBCOMMANDS {
            assert!(help.contains(&format!("/workflow {}", spec.name)), "{help}");
            assert!(help.contains(spec.about), "{help}");
        }
        assert!(help.contains("`/timezone [zone]`"), "{help}");
    }
}
