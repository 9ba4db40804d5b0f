//! Posting to Telegram: replies and notices as plain text (no parse mode, so
//! nothing a user or a workflow wrote can break the markup), split under 4096
//! characters, with buttons as an inline keyboard on the last piece.

use async_trait::async_trait;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::RequestError;

use crate::chat::text::split;
use crate::chat::{Outbound, Platform, Retry, SendError};

/// Telegram's limit on a message's text.
pub const MAX_CHARS: usize = 4096;

/// Sends `message` to `chat`.
pub async fn send(bot: &Bot, chat: ChatId, message: &Outbound) -> Result<(), RequestError> {
    // Telegram refuses an empty text.
    let text = if message.text.trim().is_empty() {
        "…"
    } else {
        message.text.as_str()
    };
    let pieces = split(text, MAX_CHARS);
    let last = pieces.len() - 1;
    for (i, piece) in pieces.into_iter().enumerate() {
        let mut request = bot.send_message(chat, piece);
        if i == last && !message.buttons.is_empty() {
            request = request.reply_markup(keyboard(message));
        }
        request.await?;
    }
    Ok(())
}

/// One row of buttons; pressing one sends its action as callback data.
fn keyboard(message: &Outbound) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([message
        .buttons
        .iter()
        .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.action.clone()))
        .collect::<Vec<_>>()])
}

/// Whether trying again may help.
pub fn classify(error: &RequestError) -> SendError {
    let message = match error {
        // The token is in request URLs; never print a network error's URL.
        RequestError::Network(e) => return SendError::unanswered("Telegram", e),
        other => format!("Telegram refused the message: {other}"),
    };
    let retry = match error {
        RequestError::RetryAfter(wait) => Retry::After(wait.duration()),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
            Retry::Backoff
        }
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => Retry::Never,
    };
    SendError { message, retry }
}

/// Delivery to `telegram:<chat id>` home chats.
pub struct TelegramPlatform {
    pub bot: Bot,
}

#[async_trait]
impl Platform for TelegramPlatform {
    fn name(&self) -> &'static str {
        "telegram"
    }

    async fn send(&self, address: &str, message: &Outbound) -> Result<(), SendError> {
        let chat: i64 = address
            .parse()
            .map_err(|_| SendError::permanent(format!("'{address}' is not a Telegram chat id")))?;
        send(&self.bot, ChatId(chat), message)
            .await
            .map_err(|e| classify(&e))
    }
}
