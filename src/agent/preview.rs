//! A request read into a draft without a conversation (the REST API's
//! `POST /workflows/generate`): the same reading chat does — the
//! `create_workflow` tool, reached by the offline grammar or by the model —
//! on a turn that is never loaded nor saved, so nothing is stored. Only the
//! create tool is offered to the model: nothing it calls can act.

use chrono::DateTime;
use serde_json::Value;

use super::draft::Draft;
use super::fallback::Unanswered;
use super::grammar::{self, Intent};
use super::turn::Turn;
use super::vault::Vault;
use super::{llm_turn, render, tools, Agent};
use crate::llm::{Message, Role};
use crate::manage::Actor;
use crate::schedule::Zone;
use crate::store::conversations::Conversation;
use crate::store::users::User;
use crate::workflow::Definition;

/// The tool a preview may call.
const CREATE: &str = "create_workflow";
/// How many fire times a preview shows.
const NEXT_TIMES: usize = 5;

/// What steward would show in chat for a request.
#[derive(Clone, Debug)]
pub struct Preview {
    /// The workflow as a definition `POST /workflows` takes; `None` when the
    /// request could not be read into one.
    pub definition: Option<Definition>,
    /// The draft in words as chat shows it, or what is missing.
    pub reading: String,
    /// The next fire times, in the workflow's zone.
    pub next: Vec<DateTime<chrono_tz::Tz>>,
    pub warnings: Vec<String>,
    /// What steward would ask before it could draft the workflow.
    pub questions: Vec<String>,
    /// `model` or `offline`.
    pub read_by: &'static str,
}

impl Agent {
    /// Reads `text` into the draft chat would show `actor`, in `zone` (else
    /// the default); stores nothing.
    pub async fn preview(&self, actor: &Actor, text: &str, zone: Option<Zone>) -> Preview {
        let mut turn = scratch(self, actor, zone);
        let text = text.trim();
        let mut warnings = Vec::new();
        let mut read_by = "offline";
        let mut question = None;
        let mut read = false;
        if let Some(model) = self.model.clone() {
            match by_model(&mut turn, self, text).await {
                Ok(asked) => {
                    read_by = "model";
                    question = asked;
                    read = true;
                }
                Err(unanswered) => warnings.push(unanswered.note(model.model())),
            }
        }
        if !read {
            question = offline(&mut turn, self, text).await;
        }
        let mut preview = match turn.draft.take() {
            Some(Draft::Create { spec }) => {
                let schedule = spec.schedule();
                let zone = spec.zone();
                if let Err(e) =
                    spec.checked(&actor.id, "", turn.now, self.settings.min_interval_seconds)
                {
                    warnings.push(format!("POST /workflows would refuse it: {e}"));
                }
                if spec.needs_llm() && !self.has_model() {
                    warnings.push("it needs an LLM to run: set OPENAI_API_KEY (or STEWARD_LLM_BASE_URL) for steward serve".into());
                }
                if let Some(why) = &spec.model_reading {
                    warnings.push(format!("the schedule is the model's reading: {why}"));
                }
                if spec.alternative.is_some() {
                    warnings.push("steward's reading of the words and the model's differ; the definition holds steward's, the reading shows both".into());
                }
                let mut definition = spec.definition(&actor.id, "");
                definition.home_chat = None;
                let draft = Draft::Create { spec };
                Preview {
                    definition: Some(definition),
                    reading: render::draft_text(&draft, turn.now, self.has_model()),
                    next: schedule
                        .map(|s| s.upcoming(turn.now, NEXT_TIMES))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|at| at.with_timezone(&zone.tz()))
                        .collect(),
                    warnings: Vec::new(),
                    questions: Vec::new(),
                    read_by,
                }
            }
            _ => Preview {
                definition: None,
                reading: String::new(),
                next: Vec::new(),
                warnings: Vec::new(),
                questions: vec![question.clone().unwrap_or_else(|| {
                    format!(
                        "That doesn't read as a workflow. {}",
                        render::EXAMPLES_SHORT
                    )
                })],
                read_by,
            },
        };
        if preview.definition.is_none() {
            preview.reading = preview.questions.join("\n");
        }
        preview.warnings = warnings;
        preview
    }
}

/// A turn of nobody's conversation: `actor` in `zone` (else the default),
/// no history, no draft.
fn scratch(agent: &Agent, actor: &Actor, zone: Option<Zone>) -> Turn {
    let now = agent.clock.now();
    let zone = zone.unwrap_or(agent.settings.default_zone);
    Turn {
        user: User {
            id: actor.id.clone(),
            display_name: None,
            timezone: Some(zone.name().to_string()),
            role: if actor.admin { "admin" } else { "user" }.into(),
            zone_skipped: false,
        },
        actor: actor.clone(),
        zone,
        zone_known: true,
        new_conversation: false,
        greeted: true,
        home_chat: String::new(),
        now,
        conversation: Conversation {
            chat: String::new(),
            user_id: actor.id.clone(),
            history: "[]".into(),
            ..Conversation::default()
        },
        draft: None,
        draft_shown: false,
        expired: None,
        history: Vec::new(),
        actions: Vec::new(),
        answer_by: super::AnswerBy::Words,
        note: None,
        reveal: None,
    }
}

/// The offline grammar's reading; the question to ask when it drafts nothing.
async fn offline(turn: &mut Turn, agent: &Agent, text: &str) -> Option<String> {
    match grammar::parse(text) {
        Intent::Tool(CREATE, args) => {
            let outcome = tools::call(turn, agent, CREATE, args).await;
            (!outcome.ok).then(|| {
                let mut message = render::capitalize(&outcome.text);
                if !message.ends_with(['.', '?', '!']) {
                    message.push('.');
                }
                message
            })
        }
        _ => None,
    }
}

/// The model's reading with the create tool alone, one retry after a
/// refused call; `Ok(Some(question))` when it asks instead of drafting.
async fn by_model(
    turn: &mut Turn,
    agent: &Agent,
    text: &str,
) -> Result<Option<String>, Unanswered> {
    let model = agent.model.clone().expect("called with a model");
    let deadline = tokio::time::Instant::now() + agent.settings.turn_deadline;
    let specs: Vec<_> = tools::specs()
        .into_iter()
        .filter(|s| s.name == CREATE)
        .collect();
    let mut vault = Vault::default();
    let mut messages = vec![
        Message::system(llm_turn::system_prompt(turn, agent).await),
        Message::user(vault.seal(text)),
    ];
    for _ in 0..2 {
        let message = llm_turn::ask(agent, model.as_ref(), &mut messages, &specs, deadline)
            .await?
            .message;
        let Some(call) = message.tool_calls.iter().find(|c| c.name == CREATE) else {
            let said = vault.masked(message.content.trim());
            return Ok(Some(if said.is_empty() {
                "I'm not sure what to do with that. Could you say it another way?".into()
            } else {
                said
            }));
        };
        let args = serde_json::from_str::<Value>(&call.arguments)
            .ok()
            .filter(Value::is_object)
            .map(|a| vault.open_value(&a));
        let outcome = match args {
            Some(args) => tools::call(turn, agent, CREATE, args).await,
            None => super::outcome::Outcome::error("the arguments must be a JSON object"),
        };
        if outcome.ok {
            return Ok(None);
        }
        messages.push(Message {
            role: Role::Assistant,
            content: message.content.clone(),
            tool_calls: vec![call.clone()],
            tool_call_id: None,
        });
        messages.push(Message::tool(
            call.id.clone(),
            serde_json::json!({ "ok": false, "error": outcome.text }).to_string(),
        ));
        if turn.draft.is_some() {
            return Ok(None);
        }
    }
    Ok(Some(
        "I couldn't read that into a workflow. Say when it should run and what it should do."
            .into(),
    ))
}
