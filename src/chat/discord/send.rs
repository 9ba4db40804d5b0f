//! Posting to Discord: text cut under the 2,000-character limit, buttons as
//! action rows under the last piece, and serenity's errors read as
//! [`SendError`]s that say whether trying again can help.

use async_trait::async_trait;
use serenity::builder::{CreateActionRow, CreateButton, CreateMessage};
use serenity::http::{Http, HttpError};
use serenity::model::application::ButtonStyle;
use serenity::model::channel::MessageReference;
use serenity::model::id::ChannelId;
use std::sync::Arc;

use super::identity;
use crate::agent::Button;
use crate::chat::{text, Outbound, Platform, SendError};

/// The longest message Discord takes, in characters.
pub const MESSAGE_LIMIT: usize = 2_000;
/// Discord's limits on components: buttons per row, rows per message, and
/// the lengths of a button's label and custom id.
const BUTTONS_PER_ROW: usize = 5;
const ROWS: usize = 5;
const LABEL_LIMIT: usize = 80;
const CUSTOM_ID_LIMIT: usize = 100;

/// Delivery to `discord:` home chats through the REST API.
pub struct DiscordPlatform {
    http: Arc<Http>,
}

impl DiscordPlatform {
    pub fn new(http: Arc<Http>) -> DiscordPlatform {
        DiscordPlatform { http }
    }
}

#[async_trait]
impl Platform for DiscordPlatform {
    fn name(&self) -> &'static str {
        "discord"
    }

    #[tracing::instrument(skip(self, message))]
    async fn send(&self, address: &str, message: &Outbound) -> Result<(), SendError> {
        let channel = identity::channel_of(address)
            .ok_or_else(|| SendError::permanent(format!("'{address}' is not a Discord channel")))?;
        post(&self.http, channel, message, None).await
    }
}

/// Posts `message` to `channel`, in pieces when it is long; the first piece
/// answers `reply_to` when given. Mentions in the text never ping anyone
/// (the REST client's default allowed mentions are empty).
///
/// A piece that fails ends the post with its error; the pieces before it
/// stay posted, so a retry may repeat them (rare: most messages are one
/// piece).
pub async fn post(
    http: &Http,
    channel: ChannelId,
    message: &Outbound,
    reply_to: Option<MessageReference>,
) -> Result<(), SendError> {
    let pieces = pieces(&message.text);
    let last = pieces.len() - 1;
    let mut reply_to = reply_to;
    for (i, piece) in pieces.into_iter().enumerate() {
        let mut builder = CreateMessage::new().content(piece);
        if i == last {
            builder = builder.components(action_rows(&message.buttons));
        }
        if let Some(reference) = reply_to.take() {
            builder = builder.reference_message(reference);
        }
        channel
            .send_message(http, builder)
            .await
            .map_err(|error| send_error(&error))?;
    }
    Ok(())
}

/// `text` in pieces Discord takes (at most 2,000 characters each, cut at
/// lines or spaces where possible); never empty, since Discord refuses a
/// message without content.
pub fn pieces(text: &str) -> Vec<String> {
    let mut pieces = text::split(text, MESSAGE_LIMIT);
    if pieces.iter().all(|p| p.trim().is_empty()) {
        pieces = vec!["…".to_string()];
    }
    pieces
}

/// Buttons as action rows: five to a row, styled by what they do. A button
/// Discord would refuse (a custom id over 100 characters) is left out.
pub fn action_rows(buttons: &[Button]) -> Vec<CreateActionRow> {
    let usable: Vec<CreateButton> = buttons
        .iter()
        .filter(|button| {
            let fits = !button.action.is_empty() && button.action.len() <= CUSTOM_ID_LIMIT;
            if !fits {
                tracing::warn!(action = %button.action, "a button's action does not fit Discord's custom id");
            }
            fits
        })
        .map(|button| {
            let label: String = button.label.chars().take(LABEL_LIMIT).collect();
            CreateButton::new(button.action.clone())
                .label(label)
                .style(style(button))
        })
        .collect();
    usable
        .chunks(BUTTONS_PER_ROW)
        .take(ROWS)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

/// Green to go ahead, red to delete or reject, grey to cancel.
fn style(button: &Button) -> ButtonStyle {
    let verb = button.action.split(':').next().unwrap_or_default();
    match verb {
        "confirm" if button.label.eq_ignore_ascii_case("delete") => ButtonStyle::Danger,
        "confirm" | "approve" => ButtonStyle::Success,
        "reject" => ButtonStyle::Danger,
        "cancel" => ButtonStyle::Secondary,
        _ => ButtonStyle::Primary,
    }
}

/// Reads a failed REST call: a 429 or a 5xx or a network fault may pass, so
/// delivery tries again after its backoff; any other refusal (a 4xx: no
/// access, unknown channel) will not.
///
/// A 429 reaches steward only through a REST proxy (without one, serenity's
/// rate limiter waits and retries by itself). serenity keeps the status and
/// Discord's message but not the `retry_after` of the body, so the wait is
/// delivery's own backoff rather than Discord's figure.
pub fn send_error(error: &serenity::Error) -> SendError {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            let status = response.status_code;
            let message = format!(
                "Discord answered HTTP {}: {}",
                status.as_u16(),
                response.error.message
            );
            SendError::from_status(status.as_u16(), message, None)
        }
        serenity::Error::Http(HttpError::Request(error)) => SendError::unanswered("Discord", error),
        other => SendError::permanent(format!("Discord refused the message: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(label: &str, action: &str) -> Button {
        Button {
            label: label.into(),
            action: action.into(),
        }
    }

    #[test]
    fn text_is_cut_under_the_limit_and_never_empty() {
        let long = "word ".repeat(1_000);
        let cut = pieces(&long);
        assert_eq!(cut.len(), 3);
        assert!(cut.iter().all(|p| p.chars().count() <= MESSAGE_LIMIT));
        assert_eq!(pieces("  "), vec!["…"]);
    }

    #[test]
    fn buttons_are_styled_by_what_they_do() {
        assert_eq!(style(&button("Create", "confirm")), ButtonStyle::Success);
        assert_eq!(style(&button("Delete", "confirm")), ButtonStyle::Danger);
        assert_eq!(style(&button("Cancel", "cancel")), ButtonStyle::Secondary);
        assert_eq!(style(&button("Approve", "approve:3")), ButtonStyle::Success);
        assert_eq!(style(&button("Reject", "reject:3")), ButtonStyle::Danger);
    }

    #[test]
    fn buttons_fill_rows_of_five_and_oversized_ids_are_left_out() {
        let mut buttons: Vec<Button> = (0..7).map(|i| button("b", &format!("x:{i}"))).collect();
        buttons.push(button("too long", &"y".repeat(101)));
        let rows = serde_json::to_value(action_rows(&buttons)).unwrap();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["components"].as_array().unwrap().len(), 5);
        assert_eq!(rows[1]["components"].as_array().unwrap().len(), 2);
    }
}
