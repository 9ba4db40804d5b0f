//! Answering one update: the agent's turn, the reply in the chat, button
//! presses acknowledged, and answers that show a person's workflows sent to
//! their private chat instead of the group.

use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::types::{Me, MessageId};

use super::send;
use super::updates::{read, Incoming};
use crate::agent::{Agent, Inbound, Reply};
use crate::chat::{shows_private_data, Outbound};

const SORRY: &str = "Something went wrong on my side saving that; try again in a moment.";

/// What answering needs.
pub(super) struct Chat {
    pub bot: Bot,
    pub agent: Arc<Agent>,
    pub me: Me,
}

impl Chat {
    pub async fn answer(&self, update: Update) {
        let Some(incoming) = read(&update, &self.me) else {
            tracing::debug!(update = update.id.0, "telegram: not for steward");
            return;
        };
        let result = match incoming {
            Incoming::Help { chat } => {
                send::send(&self.bot, chat, &Outbound::text(super::help())).await
            }
            Incoming::Added { chat } => {
                let hello = crate::agent::group_greeting(&format!("@{}", self.me.username()));
                send::send(&self.bot, chat, &Outbound::text(hello)).await
            }
            Incoming::Turn {
                chat,
                inbound,
                in_group,
            } => {
                let user = inbound.user.clone();
                let reply = self.turn(inbound, in_group, chat).await;
                self.reply(chat, in_group, &user, reply).await
            }
            Incoming::Press {
                query,
                chat,
                message,
                inbound,
                in_group,
            } => self.press(query, chat, message, inbound, in_group).await,
            Incoming::StalePress { query } => self
                .bot
                .answer_callback_query(query.into())
                .text("That message is too old to act on; ask me again.")
                .await
                .map(|_| ()),
        };
        if let Err(error) = result {
            tracing::warn!(error = %send::classify(&error), update = update.id.0, "telegram: answering failed");
        }
    }

    async fn press(
        &self,
        query: String,
        chat: ChatId,
        message: MessageId,
        inbound: Inbound,
        in_group: bool,
    ) -> Result<(), teloxide::RequestError> {
        // Stop the button's spinner first.
        let answered = self.bot.answer_callback_query(query.into()).await;
        if let Err(error) = answered {
            tracing::warn!(error = %send::classify(&error), "telegram: answerCallbackQuery failed");
        }
        let user = inbound.user.clone();
        let reply = self.turn(inbound, in_group, chat).await;
        // Take the keyboard off once the press did something, so the same
        // draft or approval is not pressed twice; a press by someone else in
        // a group leaves it for the right person.
        let acted = reply
            .as_ref()
            .is_some_and(|r| r.actions.iter().any(|a| a.ok));
        if acted {
            let removed = self.bot.edit_message_reply_markup(chat, message).await;
            if let Err(error) = removed {
                tracing::debug!(error = %send::classify(&error), "telegram: removing the keyboard failed");
            }
        }
        self.reply(chat, in_group, &user, reply).await
    }

    /// Sends the reply; in a group, one that shows the person's workflows
    /// or runs goes to their private chat, with a note in the group.
    async fn reply(
        &self,
        chat: ChatId,
        in_group: bool,
        user: &str,
        reply: Option<Reply>,
    ) -> Result<(), teloxide::RequestError> {
        let Some(reply) = reply else {
            return send::send(&self.bot, chat, &Outbound::text(SORRY)).await;
        };
        if reply.is_silent() {
            return Ok(());
        }
        let message = Outbound::from_reply(&reply);
        if !(in_group && shows_private_data(&reply)) {
            return send::send(&self.bot, chat, &message).await;
        }
        // A Telegram user's private chat has the user's id.
        let private = user
            .trim_start_matches("telegram:")
            .parse::<i64>()
            .map(ChatId);
        let note = match private {
            Ok(private) => match send::send(&self.bot, private, &message).await {
                Ok(()) => "I sent you the answer in a private chat, since it shows your workflows."
                    .to_string(),
                Err(error) => {
                    tracing::info!(error = %send::classify(&error), "telegram: a private answer could not be sent");
                    format!(
                        "That answer shows your workflows, so I won't post it in the group, and I can't message you first: open a chat with @{}, press Start, and ask there.",
                        self.me.username()
                    )
                }
            },
            Err(_) => "That answer shows your workflows; ask me in a private chat.".to_string(),
        };
        send::send(&self.bot, chat, &Outbound::text(note)).await
    }

    /// One agent turn; in a group, its administrators manage the workflows
    /// made there. `None` when the turn failed (logged).
    async fn turn(&self, mut inbound: Inbound, in_group: bool, chat: ChatId) -> Option<Reply> {
        // Over the sender's quota nothing else is asked of Telegram.
        if let Err(refused) = self.agent.admit(&inbound).await {
            return Some(refused);
        }
        if in_group {
            let user: i64 = inbound
                .user
                .trim_start_matches("telegram:")
                .parse()
                .unwrap_or_default();
            let admin = self
                .bot
                .get_chat_member(chat, UserId(user as u64))
                .await
                .map(|member| member.is_privileged())
                .unwrap_or(false);
            if admin {
                inbound.manages = Some(inbound.home_chat.clone());
            }
        }
        match self.agent.answer(inbound).await {
            Ok(reply) => Some(reply),
            Err(error) => {
                tracing::error!(%error, "telegram: a chat turn failed");
                None
            }
        }
    }
}
