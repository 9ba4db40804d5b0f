//! The conversation (DESIGN §6): one [`Agent::handle`] for every platform. A
//! message, command or button press comes in as an [`Inbound`]; the agent
//! reads it with the LLM (when configured) or the offline grammar, calls the
//! workflow tools, keeps drafts waiting for confirmation, and answers with a
//! [`Reply`].
//!
//! Create, update and delete never act at once: the tool stores a draft with
//! the conversation and shows what it understood; "yes", "cancel" or an
//! amendment ("yes but at 9") settles it.

mod apply;
mod asking;
mod clean;
mod confirm;
mod derive;
mod dialogue;
mod draft;
mod event_draft;
mod events;
mod failure_words;
mod fallback;
mod grammar;
mod greeting;
mod half_answer;
mod history;
mod hook_words;
mod llm_turn;
mod moving;
mod outcome;
mod period;
mod preview;
mod refs;
pub(crate) mod render;
mod second_reading;
mod template_answer;
mod template_draft;
mod timed;
mod tools;
mod turn;
mod vault;
mod zone_answer;
mod zone_question;

use chrono::TimeDelta;
use clean::clean;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::llm::ChatModel;
use crate::manage::{Actor, ManageError, Manager};
use crate::store::{Store, StoreError};

pub use crate::schedule::Zone;
pub use draft::Draft;
pub use greeting::group_greeting;
pub use preview::Preview;
pub use tools::{names as tool_names, specs as tool_specs};

/// The longest message read, in characters; longer ones are refused.
pub const MAX_MESSAGE_CHARS: usize = 4_000;

/// Something a person sent.
#[derive(Clone, Debug)]
pub struct Inbound {
    /// The chat ("terminal:alice", "telegram:42"): history and drafts live here.
    pub conversation: String,
    /// Who wrote it; workflows they create are theirs.
    pub user: String,
    pub user_name: Option<String>,
    /// Where the results of workflows created here go.
    pub home_chat: String,
    /// The home chats whose workflows this person may manage besides their
    /// own (DESIGN §6): a prefix ending in ':' (`discord:<guild>:` for a member
    /// with Manage Server) or one chat (a Telegram group, for its
    /// administrators).
    pub manages: Option<String>,
    /// A zone the platform knows for this person (the chat API's
    /// `timezone`, the terminal machine's), used while they have set none.
    pub timezone: Option<Zone>,
    /// Greet them when this is their first message in this conversation:
    /// one-to-one chats (a Discord DM, the terminal).
    pub greet_newcomer: bool,
    /// How the person can answer a draft where they are.
    pub answer_by: AnswerBy,
    pub content: Content,
}

/// How a person can answer a draft on their surface, so its question asks
/// for what works there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnswerBy {
    /// Any message is read: "yes", "no", or a change.
    #[default]
    Words,
    /// Only buttons and messages that mention the bot are read (a Discord
    /// server channel).
    ButtonOrMention,
    /// Buttons and replies to the bot's message (a Telegram group).
    ButtonOrReply,
}

/// What was sent.
#[derive(Clone, Debug)]
pub enum Content {
    /// A message in words.
    Text(String),
    /// A slash or bot command: `name` without the slash, `args` the rest.
    Command { name: String, args: String },
    /// A button press: `confirm`, `cancel`, `approve:RUN`, `reject:RUN`.
    Action(String),
}

/// The answer.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Reply {
    pub text: String,
    pub buttons: Vec<Button>,
    /// The tools called this turn, for `--json` and the webhook API.
    pub actions: Vec<ActionRecord>,
    /// The draft waiting for confirmation after this turn.
    pub draft: Option<Value>,
}

/// A button to show under the reply; pressing it sends `action` back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Button {
    pub label: String,
    pub action: String,
}

/// One tool call made during a turn.
#[derive(Clone, Debug, Serialize)]
pub struct ActionRecord {
    pub tool: String,
    pub args: Value,
    pub ok: bool,
    pub result: Value,
}

/// The agent's settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The zone for users who have not set one.
    pub default_zone: Zone,
    pub min_interval_seconds: i64,
    /// How long a draft waits for confirmation.
    pub draft_ttl: TimeDelta,
    /// How long "run it now" waits for the result before answering.
    pub run_wait: Duration,
    /// Messages of history given to the LLM (and kept).
    pub history_messages: usize,
    /// Roughly the tokens of history given to the LLM (and kept); the
    /// oldest exchanges drop out first.
    pub history_tokens: usize,
    /// How long one turn may wait for the LLM in all before the offline
    /// grammar answers.
    pub turn_deadline: Duration,
    /// Whether the configured model's price is known, so a cost budget
    /// can stop its runs; a workflow with its own cost budget is refused
    /// at confirmation when it is not.
    pub price_known: bool,
    /// Rounds of tool calls the LLM may make in one turn.
    pub max_tool_rounds: usize,
    /// The configured MCP servers, whose tools agent steps may name as
    /// `server.tool` or `server.*` (told to the LLM when it writes steps).
    pub mcp_servers: Vec<String>,
    /// Where webhook URLs handed out in chat point (`STEWARD_PUBLIC_URL`).
    pub public_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_zone: Zone::UTC,
            min_interval_seconds: crate::schedule::DEFAULT_MIN_INTERVAL_SECONDS,
            draft_ttl: TimeDelta::hours(1),
            run_wait: Duration::from_secs(10),
            history_messages: 20,
            history_tokens: crate::llm::openai::DEFAULT_HISTORY_TOKENS,
            turn_deadline: Duration::from_secs(crate::llm::openai::DEFAULT_TURN_SECONDS),
            price_known: true,
            max_tool_rounds: 6,
            mcp_servers: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// Why a turn could not be answered at all (the store failed); the platform
/// edge says so in a sentence and logs the cause.
#[derive(Debug, thiserror::Error)]
#[error("the conversation store failed: {0}")]
pub struct AgentError(#[from] pub StoreError);

/// The conversation engine shared by every platform.
pub struct Agent {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) settings: Settings,
    pub(crate) model: Option<Arc<dyn ChatModel>>,
    /// The use cases: every workflow the conversation creates, changes or
    /// runs goes through here.
    pub(crate) manage: Manager,
    /// One turn at a time per conversation: two quick messages in one chat
    /// (a double tap, a platform redelivery) read and save the history and
    /// draft in order instead of racing.
    turns: std::sync::Mutex<HashMap<ConversationKey, Arc<tokio::sync::Mutex<()>>>>,
}

/// A conversation: its chat and its person, side by side.
type ConversationKey = (String, String);

impl Agent {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        settings: Settings,
        model: Option<Arc<dyn ChatModel>>,
        manage: Manager,
    ) -> Agent {
        Agent {
            store,
            clock,
            settings,
            model,
            manage,
            turns: std::sync::Mutex::default(),
        }
    }

    /// The lock of one conversation's turns.
    fn turn_lock(&self, key: ConversationKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        if turns.len() > 1_000 {
            // Forget the locks nobody holds or waits for.
            turns.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        Arc::clone(turns.entry(key).or_default())
    }

    /// Whether an LLM reads messages (else the offline grammar does).
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// Answers one message, command or button press.
    #[tracing::instrument(skip(self, inbound), fields(conversation = %inbound.conversation, user = %inbound.user))]
    pub async fn handle(&self, inbound: Inbound) -> Result<Reply, AgentError> {
        if let Err(refused) = self.admit(&inbound).await {
            return Ok(refused);
        }
        self.answer(inbound).await
    }

    /// Takes the message from its sender's quota of messages a minute; past
    /// it, the reply is the sentence saying so the first time and
    /// [`Reply::silent`] after, until the wait is over.
    pub async fn admit(&self, inbound: &Inbound) -> Result<(), Reply> {
        self.manage
            .admit_message(&inbound.user)
            .await
            .map_err(|limited| limited.tell.map_or_else(Reply::silent, Reply::text))
    }

    /// [`Agent::handle`] for a message already admitted.
    pub async fn answer(&self, inbound: Inbound) -> Result<Reply, AgentError> {
        let platform = inbound.conversation.split(':').next().unwrap_or("unknown");
        let mode = if self.model.is_some() {
            "llm"
        } else {
            "offline"
        };
        metrics::counter!("steward_chat_turns_total", "platform" => platform.to_string(), "mode" => mode)
            .increment(1);
        let text = match &inbound.content {
            Content::Text(text) => Some(text.as_str()),
            Content::Command { args, .. } => Some(args.as_str()),
            Content::Action(_) => None,
        };
        if let Some(text) = text {
            let length = text.chars().count();
            if length > MAX_MESSAGE_CHARS {
                return Ok(Reply::text(format!(
                    "That message is {length} characters long; the limit is {MAX_MESSAGE_CHARS}. Say what you want in a shorter message, e.g. 'every weekday at 8:30 check https://status.example.com'."
                )));
            }
        }
        let lock = self.turn_lock(turn::conversation_key(&inbound));
        let _one_at_a_time = lock.lock().await;
        let mut turn = turn::Turn::load(self, &inbound).await?;
        let reply = match &inbound.content {
            Content::Action(action) => dialogue::press(&mut turn, self, action).await,
            Content::Command { name, args } if greeting::is_start(name, args) => {
                greeting::greet(&mut turn, self, None)
            }
            Content::Command { name, args } => {
                let text = clean(&grammar::command_text(name, args));
                dialogue::offline(&mut turn, self, &text).await
            }
            Content::Text(text) => {
                let text = clean(text);
                if text.is_empty() {
                    Reply::text(format!(
                        "I didn't get any words there. {}",
                        render::EXAMPLES_SHORT
                    ))
                } else {
                    dialogue::message(&mut turn, self, &text).await
                }
            }
        };
        let reply = if inbound.greet_newcomer && turn.new_conversation && !turn.greeted {
            // "hi" as a first message: the greeting is the whole answer.
            let hello = matches!(&inbound.content, Content::Text(text) if grammar::parse(text) == grammar::Intent::Hello);
            greeting::greet(&mut turn, self, (!hello).then_some(reply))
        } else {
            reply
        };
        let said = match &inbound.content {
            Content::Text(text) => clean(text),
            Content::Command { name, args } => format!("/{name} {args}").trim().to_string(),
            Content::Action(action) => format!("[pressed {action}]"),
        };
        let reveal = turn.reveal.take();
        let mut reply = turn.finish(self, said, reply).await?;
        if let Some(key) = reveal {
            reply.text.push_str(&format!("\n\n{key}"));
        }
        Ok(reply)
    }

    /// The workflows `user` may pick from here, oldest first: their own, and
    /// with `manages` those of the chats it covers (a group they manage).
    /// Turns resolve names in this set; pickers such as Discord's
    /// autocomplete offer it.
    pub async fn workflows_of(
        &self,
        user: &str,
        manages: Option<&str>,
    ) -> Result<Vec<crate::workflow::Workflow>, ManageError> {
        let actor = Actor {
            id: user.to_string(),
            admin: false,
            manages: manages.map(str::to_string),
        };
        self.manage.workflows(&actor).await
    }
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            ..Reply::default()
        }
    }

    /// No answer at all: a message over its sender's quota, after they were
    /// told to wait.
    pub fn silent() -> Reply {
        Reply::default()
    }

    /// Whether there is nothing to send.
    pub fn is_silent(&self) -> bool {
        self.text.is_empty() && self.buttons.is_empty()
    }
}

#[cfg(test)]
mod clean_tests {
    use super::clean;

    #[test]
    fn escape_sequences_go_whole() {
        assert_eq!(
            clean("remind me to \x1b[31mstretch\x1b[0m now"),
            "remind me to stretch now"
        );
        assert_eq!(clean("\x1b]0;title\x07hello"), "hello");
        assert_eq!(clean("a\u{9b}2Jb\u{7}c"), "abc");
        assert_eq!(clean(" line one\nline two\t"), "line one\nline two");
    }
}
