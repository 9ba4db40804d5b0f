//! Messages in words: DMs to the bot, and messages in a server that mention
//! it. With only the GUILD_MESSAGES and DIRECT_MESSAGES intents, Discord
//! gives the text of exactly these (no privileged MESSAGE_CONTENT intent).

use serenity::http::Http;
use serenity::model::channel::{Message, MessageReference, MessageType};
use serenity::model::id::UserId;
use std::time::Duration;

use super::{identity, send, SORRY};
use crate::agent::{Agent, AnswerBy, Content, Inbound};
use crate::chat::{Outbound, SendError};

/// How long a turn runs before steward shows "typing…" (an LLM turn can
/// take seconds).
const TYPING_AFTER: Duration = Duration::from_secs(1);

/// The turn a message starts, or `None` when it is not for steward: from a
/// bot, a webhook or steward itself, a system message (joins, pins...),
/// without text, or in a server without mentioning `me` (unknown until the
/// gateway's READY, when server messages are left alone).
pub fn inbound(message: &Message, me: Option<UserId>) -> Option<Inbound> {
    let author = &message.author;
    if author.bot || author.system || message.webhook_id.is_some() || Some(author.id) == me {
        return None;
    }
    if !matches!(
        message.kind,
        MessageType::Regular | MessageType::InlineReply
    ) {
        return None;
    }
    if message.content.trim().is_empty() {
        return None;
    }
    let text = match message.guild_id {
        None => message.content.trim().to_string(),
        Some(_) => {
            let me = me?;
            if !message.mentions.iter().any(|user| user.id == me) {
                return None;
            }
            without_mention(&message.content, me)
        }
    };
    let chat = identity::chat(message.guild_id, message.channel_id);
    let nick = message.member.as_ref().and_then(|m| m.nick.as_deref());
    Some(Inbound {
        conversation: chat.clone(),
        user: identity::user(author.id),
        user_name: Some(identity::display_name(author, nick)),
        home_chat: chat,
        // Whether the author may manage the server takes its roles and
        // their permissions (REST calls, no cache here); in words a member
        // manages their own workflows, and the slash commands, which carry
        // the member's permissions, manage the server's.
        manages: None,
        // Discord tells no zone; the first DM is greeted (and asks it).
        timezone: None,
        greet_newcomer: message.guild_id.is_none(),
        answer_by: if message.guild_id.is_some() {
            AnswerBy::ButtonOrMention
        } else {
            AnswerBy::Words
        },
        content: Content::Text(text),
    })
}

/// The tools whose answers show a person's workflows and runs. Asked in a
/// server channel, their answer goes to the person's DMs instead (a message
/// cannot be ephemeral; the slash commands' answers are).
const SENT_TO_DM: &str = "I sent you the answer in a DM, since it shows your workflows. (`/workflow …` commands answer right here, visible only to you.)";
const NO_DM: &str = "That answer shows your workflows, so I won't post it in the channel, and I couldn't DM you. Use `/workflow list`, `/workflow show` or `/workflow logs` here: only you see their answers.";

/// `text` without the bot's mentions (`<@id>`, `<@!id>`).
fn without_mention(text: &str, me: UserId) -> String {
    text.replace(&format!("<@{me}>"), " ")
        .replace(&format!("<@!{me}>"), " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Answers a message meant for steward in its channel (in a server, as a
/// reply to it); other messages are left alone. Failures are logged: the
/// person gets a sentence, never an internal error.
#[tracing::instrument(skip_all, fields(channel = %message.channel_id, message = %message.id))]
pub async fn handle(http: &Http, agent: &Agent, me: Option<UserId>, message: &Message) {
    let Some(inbound) = inbound(message, me) else {
        return;
    };
    let turn = agent.handle(inbound);
    tokio::pin!(turn);
    let result = match tokio::time::timeout(TYPING_AFTER, &mut turn).await {
        Ok(result) => result,
        Err(_) => {
            if let Err(error) = message.channel_id.broadcast_typing(http).await {
                tracing::debug!(error = %send::send_error(&error).message, "showing typing failed");
            }
            turn.await
        }
    };
    let (mut answer, private) = match result {
        Ok(reply) if reply.is_silent() => return,
        Ok(reply) => (
            Outbound::from_reply(&reply),
            message.guild_id.is_some() && crate::chat::shows_private_data(&reply),
        ),
        Err(error) => {
            tracing::error!(error = %error, "a Discord message could not be answered");
            (Outbound::text(SORRY), false)
        }
    };
    if private {
        answer = match in_dm(http, message, &answer).await {
            Ok(()) => Outbound::text(SENT_TO_DM),
            Err(error) => {
                tracing::info!(error = %error.message, "a private answer could not go to DMs");
                Outbound::text(NO_DM)
            }
        };
    }
    // In a server the answer replies to the message it answers, so the
    // channel sees what it is about; a deleted original does not stop it.
    let reference = message
        .guild_id
        .map(|_| MessageReference::from(message).fail_if_not_exists(false));
    if let Err(error) = send::post(http, message.channel_id, &answer, reference).await {
        tracing::warn!(error = %error.message, "answering a Discord message failed");
    }
}

/// Posts `answer` in the DM of the message's author.
async fn in_dm(http: &Http, message: &Message, answer: &Outbound) -> Result<(), SendError> {
    let dm = message
        .author
        .id
        .create_dm_channel(http)
        .await
        .map_err(|error| send::send_error(&error))?;
    send::post(http, dm.id, answer, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mention_is_taken_out_wherever_it_is() {
        let me = UserId::new(42);
        assert_eq!(
            without_mention("<@42> list my workflows", me),
            "list my workflows"
        );
        assert_eq!(
            without_mention("pause  <@!42> the check", me),
            "pause the check"
        );
        assert_eq!(without_mention("<@43> hi", me), "<@43> hi");
    }
}
