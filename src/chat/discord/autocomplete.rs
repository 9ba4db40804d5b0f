//! Autocomplete of workflow names: as a person types a `name` option,
//! Discord asks for choices; they are the workflows this person may manage
//! here (their own, and with Manage Server the server's), never anyone
//! else's.

use serenity::builder::{
    AutocompleteChoice, Builder, CreateAutocompleteResponse, CreateInteractionResponse,
};
use serenity::http::Http;
use serenity::model::application::CommandInteraction;

use super::commands;
use super::identity::Who;
use crate::agent::Agent;
use crate::workflow::WorkflowStatus;

/// Discord's limits: choices, and characters in a choice's name or value.
const CHOICES: usize = 25;
const CHOICE_LIMIT: usize = 100;

/// Answers an autocomplete interaction with the matching workflows (none
/// when the store fails: the picker then offers nothing, the command works
/// with what was typed).
pub async fn answer(
    http: &Http,
    agent: &Agent,
    command: &CommandInteraction,
) -> serenity::Result<()> {
    let typed = command
        .data
        .autocomplete()
        .filter(|option| option.name == "name")
        .map(|option| option.value.to_string());
    let mut found = Vec::new();
    if let (commands::WORKFLOW, Some(typed)) = (command.data.name.as_str(), typed) {
        let who = Who::of(
            command.guild_id,
            command.channel_id,
            command.member.as_deref(),
            &command.user,
        );
        match agent.workflows_of(&who.user, who.manages.as_deref()).await {
            Ok(workflows) => {
                let entries = workflows
                    .iter()
                    .map(|w| Entry {
                        id: w.id,
                        name: &w.name,
                        status: w.status,
                    })
                    .collect();
                found = choices(entries, &typed);
            }
            Err(error) => tracing::error!(%error, "listing workflows for autocomplete failed"),
        }
    }
    let choices = found
        .into_iter()
        .map(|(name, value)| AutocompleteChoice::new(name, value))
        .collect();
    CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new().set_choices(choices))
        .execute(http, (command.id, &command.token))
        .await
}

/// A workflow as the picker shows it.
struct Entry<'a> {
    id: i64,
    name: &'a str,
    status: WorkflowStatus,
}

/// The choices for what was typed, as (shown, value) pairs: names starting
/// with it first, then names with a word starting with it, then names
/// containing it, then ids starting with it (oldest first within each); at
/// most 25. The value is the workflow's `#id`, which names it even among
/// equal names.
fn choices(entries: Vec<Entry<'_>>, typed: &str) -> Vec<(String, String)> {
    let typed = typed.trim().trim_start_matches('#').trim().to_lowercase();
    let rank = |entry: &Entry<'_>| -> Option<u8> {
        let name = entry.name.to_lowercase();
        if name.starts_with(&typed) {
            Some(0)
        } else if name.split_whitespace().any(|word| word.starts_with(&typed)) {
            Some(1)
        } else if name.contains(&typed) {
            Some(2)
        } else if entry.id.to_string().starts_with(&typed) {
            Some(3)
        } else {
            None
        }
    };
    let mut ranked: Vec<(u8, Entry<'_>)> = entries
        .into_iter()
        .filter_map(|entry| rank(&entry).map(|r| (r, entry)))
        .collect();
    ranked.sort_by_key(|(rank, entry)| (*rank, entry.id));
    ranked
        .into_iter()
        .take(CHOICES)
        .map(|(_, entry)| (shown(&entry), format!("#{}", entry.id)))
        .collect()
}

/// "Status check (#4)", "Status check (#4, paused)", within 100 characters.
fn shown(entry: &Entry<'_>) -> String {
    let status = match entry.status {
        WorkflowStatus::Active => String::new(),
        other => format!(", {}", other.as_str()),
    };
    let suffix = format!(" (#{}{status})", entry.id);
    let room = CHOICE_LIMIT.saturating_sub(suffix.chars().count());
    let mut name: String = entry.name.chars().take(room).collect();
    if name.chars().count() < entry.name.chars().count() {
        name.pop();
        name.push('…');
    }
    format!("{name}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, name: &str) -> Entry<'_> {
        Entry {
            id,
            name,
            status: WorkflowStatus::Active,
        }
    }

    #[test]
    fn names_starting_with_what_was_typed_come_first() {
        let entries = vec![
            entry(1, "Water the plants"),
            entry(2, "Status check"),
            entry(3, "Check the status page"),
            entry(4, "Restart"),
            entry(5, "Backup"),
        ];
        let values: Vec<String> = choices(entries, "sta")
            .into_iter()
            .map(|(_, value)| value)
            .collect();
        assert_eq!(values, ["#2", "#3", "#4"]);
    }

    #[test]
    fn an_id_is_found_with_or_without_its_hash() {
        for typed in ["#12", "12", " #1"] {
            let found = choices(vec![entry(12, "Backup"), entry(7, "Report")], typed);
            assert_eq!(
                found,
                [("Backup (#12)".to_string(), "#12".to_string())],
                "{typed}"
            );
        }
    }

    #[test]
    fn at_most_25_choices_of_at_most_100_characters_with_their_status() {
        let long = "n".repeat(150);
        let entries = (1..=40).map(|id| entry(id, &long)).collect();
        let found = choices(entries, "");
        assert_eq!(found.len(), 25);
        assert!(found.iter().all(|(name, _)| name.chars().count() <= 100));
        assert!(found[0].0.ends_with("… (#1)"), "{}", found[0].0);
        let paused = Entry {
            status: WorkflowStatus::Paused,
            ..entry(3, "Report")
        };
        assert_eq!(shown(&paused), "Report (#3, paused)");
    }
}
