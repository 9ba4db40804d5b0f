//! Which Telegram updates steward answers, and as what. In a private chat:
//! every text message and button press. In a group: commands, messages that
//! mention the bot, and replies to the bot's messages. Everything else
//! (stickers, photos, edits, channel posts, other bots) is ignored.

use teloxide::types::{
    CallbackQuery, ChatId, ChatMemberUpdated, MaybeInaccessibleMessage, Me, Message,
    MessageEntityKind, Update, UpdateKind, User,
};
use teloxide::utils::command::BotCommands;

use super::commands::Command;
use crate::agent::{AnswerBy, Content, Inbound};

/// An update steward answers.
#[derive(Debug)]
pub enum Incoming {
    /// A message or command for the agent, answered in `chat`.
    Turn {
        chat: ChatId,
        inbound: Inbound,
        /// Asked in a group: whether the sender administers it decides
        /// `manages`.
        in_group: bool,
    },
    /// `/help`.
    Help { chat: ChatId },
    /// steward was added to a group: it introduces itself there once.
    Added { chat: ChatId },
    /// A button press: answered with `answerCallbackQuery`, its keyboard
    /// removed, then the agent's reply sent to `chat`.
    Press {
        query: String,
        chat: ChatId,
        message: teloxide::types::MessageId,
        inbound: Inbound,
        in_group: bool,
    },
    /// A press on a message steward can no longer see: only answered.
    StalePress { query: String },
}

/// Reads one update; `None` for the kinds steward does not answer.
pub fn read(update: &Update, me: &Me) -> Option<Incoming> {
    match &update.kind {
        UpdateKind::Message(message) => from_message(message, me),
        UpdateKind::CallbackQuery(query) => Some(from_press(query)),
        UpdateKind::MyChatMember(change) => added(change),
        _ => None,
    }
}

fn from_message(message: &Message, me: &Me) -> Option<Incoming> {
    let from = message.from.as_ref().filter(|u| !u.is_bot)?;
    let text = message.text()?.trim();
    if text.is_empty() {
        return None;
    }
    let chat = message.chat.id;
    let private = message.chat.is_private();
    if !private && !message.chat.is_group() && !message.chat.is_supergroup() {
        return None;
    }
    if text.starts_with('/') {
        return match Command::parse(text, me.username()) {
            Ok(Command::Help) => Some(Incoming::Help { chat }),
            Ok(command) => command.content().map(|content| Incoming::Turn {
                chat,
                inbound: inbound(chat, from, content),
                in_group: !private,
            }),
            // Another bot's command in a group, or an unknown one.
            Err(_) if !private && !addressed_command(text, me) => None,
            Err(_) => Some(Incoming::Help { chat }),
        };
    }
    let text = if private {
        text.to_string()
    } else if mentions(message, me) {
        strip_mention(text, me.username())
    } else if replies_to(message, me) {
        text.to_string()
    } else {
        return None;
    };
    Some(Incoming::Turn {
        chat,
        inbound: inbound(chat, from, Content::Text(text)),
        in_group: !private,
    })
}

/// The bot's own membership changed: added to a group (it was not in it
/// before). Telegram sends this once per change, so the group is greeted
/// once each time it adds steward.
fn added(change: &ChatMemberUpdated) -> Option<Incoming> {
    let group = change.chat.is_group() || change.chat.is_supergroup();
    let joined =
        !change.old_chat_member.kind.is_present() && change.new_chat_member.kind.is_present();
    (group && joined).then_some(Incoming::Added {
        chat: change.chat.id,
    })
}

fn from_press(query: &CallbackQuery) -> Incoming {
    let id = query.id.0.clone();
    let (Some(data), Some(MaybeInaccessibleMessage::Regular(message))) =
        (query.data.as_deref(), query.message.as_ref())
    else {
        return Incoming::StalePress { query: id };
    };
    if query.from.is_bot {
        return Incoming::StalePress { query: id };
    }
    let chat = message.chat.id;
    Incoming::Press {
        query: id,
        chat,
        message: message.id,
        inbound: inbound(chat, &query.from, Content::Action(data.to_string())),
        in_group: !message.chat.is_private(),
    }
}

/// The agent's view: the chat is the conversation and the home of the
/// workflows made in it; the person is who owns them.
fn inbound(chat: ChatId, from: &User, content: Content) -> Inbound {
    let name = match &from.username {
        Some(username) => format!("@{username}"),
        None => from.full_name(),
    };
    Inbound {
        conversation: format!("telegram:{}", chat.0),
        user: format!("telegram:{}", from.id.0),
        user_name: Some(name),
        home_chat: format!("telegram:{}", chat.0),
        manages: None,
        // Telegram tells no zone; /start greets (and asks it).
        timezone: None,
        greet_newcomer: false,
        answer_by: if chat.is_user() {
            AnswerBy::Words
        } else {
            AnswerBy::ButtonOrReply
        },
        content,
    }
}

/// A command with `@thisbot`, or none, that `parse` refused (unknown).
fn addressed_command(text: &str, me: &Me) -> bool {
    let word = text.split_whitespace().next().unwrap_or_default();
    match word.split_once('@') {
        Some((_, bot)) => bot.eq_ignore_ascii_case(me.username()),
        None => false,
    }
}

fn mentions(message: &Message, me: &Me) -> bool {
    let username = format!("@{}", me.username());
    message.parse_entities().is_some_and(|entities| {
        entities.iter().any(|e| match e.kind() {
            MessageEntityKind::Mention => e.text().eq_ignore_ascii_case(&username),
            MessageEntityKind::TextMention { user } => user.id == me.user.id,
            _ => false,
        })
    })
}

fn replies_to(message: &Message, me: &Me) -> bool {
    message
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == me.user.id)
}

/// The text without `@thisbot`.
fn strip_mention(text: &str, username: &str) -> String {
    let mention = format!("@{username}").to_lowercase();
    text.split_whitespace()
        .filter(|word| word.trim_end_matches([',', ':', '!', '.']).to_lowercase() != mention)
        .collect::<Vec<_>>()
        .join(" ")
}
