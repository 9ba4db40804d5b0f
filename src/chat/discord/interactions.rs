//! Interactions: slash commands, autocomplete of workflow names, and button
//! presses. Each is answered through the REST client; nothing here fails
//! outward — a REST failure is logged, an agent failure becomes a sentence.
//!
//! Discord wants the first response to an interaction within 3 seconds. A
//! turn that answers within [`ANSWER_WITHIN`] (offline commands take
//! milliseconds) is sent as the response itself, one call; a slower one (a
//! busy store, a turn queued behind another in the same chat) is deferred —
//! Discord shows "thinking…" — and the answer then edits the deferred
//! response. `/workflow run` waits for the run's result, so it is deferred at
//! once.
//!
//! In a server, answers to slash commands are ephemeral (only the person who
//! asked sees them: they list their workflows and drafts). A button press on
//! a private message (ephemeral, or in a DM) updates that message with the
//! answer, so a draft's buttons turn into "Created …". On a public message (a
//! run's approval request, a draft answering a mention) the message is
//! updated only when the press did something; otherwise the presser alone is
//! told why not, and the buttons stay for the person they are meant for.

use serenity::builder::{
    Builder, CreateActionRow, CreateAllowedMentions, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, EditInteractionResponse,
};
use serenity::http::Http;
use serenity::model::application::{
    CommandInteraction, ComponentInteraction, ComponentInteractionDataKind, Interaction,
};
use serenity::model::channel::MessageFlags;
use serenity::model::id::InteractionId;
use std::future::Future;
use std::time::Duration;

use super::commands::{self, Request};
use super::identity::Who;
use super::{autocomplete, send, SORRY};
use crate::agent::{Agent, AgentError, Content, Reply};

/// How long a turn may take before its answer is deferred.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(1_500);

/// Answers one interaction.
pub async fn handle(http: &Http, agent: &Agent, interaction: &Interaction) {
    handle_within(http, agent, interaction, ANSWER_WITHIN).await
}

/// [`handle`], deferring turns slower than `budget` (zero: always defer).
#[tracing::instrument(skip_all, fields(interaction = %interaction.id(), kind = ?interaction.kind()))]
pub async fn handle_within(
    http: &Http,
    agent: &Agent,
    interaction: &Interaction,
    budget: Duration,
) {
    // Edits and follow-ups are addressed by application; the interaction
    // names it, should READY not have yet.
    if http.application_id().is_none() {
        http.set_application_id(interaction.application_id());
    }
    let answered = match interaction {
        Interaction::Command(command) => slash_command(http, agent, command, budget).await,
        Interaction::Autocomplete(command) => autocomplete::answer(http, agent, command).await,
        Interaction::Component(press) => button(http, agent, press, budget).await,
        // Pings come only to HTTP endpoints, and steward opens no modals.
        _ => {
            tracing::debug!("ignoring an interaction of a kind steward does not use");
            Ok(())
        }
    };
    if let Err(error) = answered {
        // Not `%error`: a request error's text has the URL, and interaction
        // URLs carry the interaction's token.
        tracing::warn!(error = %send::send_error(&error).message, "answering a Discord interaction failed");
    }
}

async fn slash_command(
    http: &Http,
    agent: &Agent,
    command: &CommandInteraction,
    budget: Duration,
) -> serenity::Result<()> {
    let to = (command.id, command.token.as_str());
    let ephemeral = command.guild_id.is_some();
    let (name, args) = match commands::parse(&command.data) {
        Some(Request::Agent { name, args }) => (name, args),
        Some(Request::Help) => {
            let help = Reply::text(commands::help_text());
            return respond(http, to, How::Message, ephemeral, &help).await;
        }
        None => {
            let unknown = Reply::text(format!(
                "I don't have a /{} command (any more). `/workflow help` lists mine.",
                command.data.name
            ));
            return respond(http, to, How::Message, ephemeral, &unknown).await;
        }
    };
    let who = Who::of(
        command.guild_id,
        command.channel_id,
        command.member.as_deref(),
        &command.user,
    );
    let budget = if name == "run" {
        Duration::ZERO
    } else {
        budget
    };
    let turn = agent.handle(who.inbound(Content::Command { name, args }));
    let defer = CreateInteractionResponse::Defer(
        CreateInteractionResponseMessage::new().ephemeral(ephemeral),
    )
    .execute(http, to);
    let (reply, deferred) = in_time(turn, budget, defer).await;
    let how = if deferred {
        How::EditOriginal
    } else {
        How::Message
    };
    respond(http, to, how, ephemeral, &reply).await
}

async fn button(
    http: &Http,
    agent: &Agent,
    press: &ComponentInteraction,
    budget: Duration,
) -> serenity::Result<()> {
    if !matches!(press.data.kind, ComponentInteractionDataKind::Button) {
        // steward sends no select menus.
        tracing::debug!(custom_id = %press.data.custom_id, "ignoring a component that is not a button");
        return Ok(());
    }
    let to = (press.id, press.token.as_str());
    let who = Who::of(
        press.guild_id,
        press.channel_id,
        press.member.as_ref(),
        &press.user,
    );
    let ephemeral_message = press
        .message
        .flags
        .is_some_and(|flags| flags.contains(MessageFlags::EPHEMERAL));
    let public = press.guild_id.is_some() && !ephemeral_message;
    let turn = agent.handle(who.inbound(Content::Action(press.data.custom_id.clone())));
    let defer = CreateInteractionResponse::Acknowledge.execute(http, to);
    let (reply, deferred) = in_time(turn, budget, defer).await;
    let acted = reply.actions.iter().any(|action| action.ok);
    let (how, ephemeral) = match (public && !acted, deferred) {
        (false, false) => (How::Update, ephemeral_message),
        (false, true) => (How::EditOriginal, ephemeral_message),
        (true, false) => (How::Message, true),
        (true, true) => (How::Followup, true),
    };
    respond(http, to, how, ephemeral, &reply).await
}

/// Runs a turn; when it takes longer than `budget`, sends `defer` first.
/// Returns the reply (a sentence when the agent failed) and whether the
/// response was deferred.
async fn in_time(
    turn: impl Future<Output = Result<Reply, AgentError>>,
    budget: Duration,
    defer: impl Future<Output = serenity::Result<()>>,
) -> (Reply, bool) {
    tokio::pin!(turn);
    let quick = if budget.is_zero() {
        None
    } else {
        tokio::time::timeout(budget, &mut turn).await.ok()
    };
    let (result, deferred) = match quick {
        Some(result) => (result, false),
        None => {
            if let Err(error) = defer.await {
                tracing::warn!(error = %send::send_error(&error).message, "deferring a Discord interaction failed");
            }
            (turn.await, true)
        }
    };
    let reply = result.unwrap_or_else(|error| {
        tracing::error!(%error, "a Discord interaction could not be answered");
        Reply::text(SORRY)
    });
    (reply, deferred)
}

/// How the first piece of an answer goes out.
#[derive(Clone, Copy, Debug)]
enum How {
    /// As the response: a new message (CHANNEL_MESSAGE_WITH_SOURCE).
    Message,
    /// As the response: the pressed button's message, changed (UPDATE_MESSAGE).
    Update,
    /// Editing the deferred response (`PATCH …/messages/@original`).
    EditOriginal,
    /// As a follow-up message after a deferred update.
    Followup,
}

/// Sends a reply: the first piece as `how` says, the rest as follow-ups;
/// the buttons under the last piece (an updated message loses its old ones).
/// Mentions in the text never ping anyone (set on each builder: serenity
/// leaves its default out of edits).
async fn respond(
    http: &Http,
    (id, token): (InteractionId, &str),
    how: How,
    ephemeral: bool,
    reply: &Reply,
) -> serenity::Result<()> {
    // An interaction must be answered: over the quota, after the person was
    // told, a short line says so again (only they see it).
    let slow = Reply::text("Too many messages: wait a moment and try again.");
    let (reply, ephemeral) = if reply.is_silent() {
        (&slow, true)
    } else {
        (reply, ephemeral)
    };
    let pieces = send::pieces(&reply.text);
    let rows = send::action_rows(&reply.buttons);
    let last = pieces.len() - 1;
    for (i, piece) in pieces.into_iter().enumerate() {
        let components: Vec<CreateActionRow> = if i == last { rows.clone() } else { Vec::new() };
        match if i == 0 { how } else { How::Followup } {
            How::Message => {
                let message = CreateInteractionResponseMessage::new()
                    .content(piece)
                    .components(components)
                    .allowed_mentions(no_pings())
                    .ephemeral(ephemeral);
                CreateInteractionResponse::Message(message)
                    .execute(http, (id, token))
                    .await?;
            }
            How::Update => {
                let message = CreateInteractionResponseMessage::new()
                    .content(piece)
                    .components(components)
                    .allowed_mentions(no_pings());
                CreateInteractionResponse::UpdateMessage(message)
                    .execute(http, (id, token))
                    .await?;
            }
            How::EditOriginal => {
                EditInteractionResponse::new()
                    .content(piece)
                    .components(components)
                    .allowed_mentions(no_pings())
                    .execute(http, token)
                    .await?;
            }
            How::Followup => {
                CreateInteractionResponseFollowup::new()
                    .content(piece)
                    .components(components)
                    .allowed_mentions(no_pings())
                    .ephemeral(ephemeral)
                    .execute(http, (None, token))
                    .await?;
            }
        }
    }
    Ok(())
}

fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}
