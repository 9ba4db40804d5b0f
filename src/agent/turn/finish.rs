//! The end of a turn: the waiting draft reminded, secrets masked in what is
//! shown and kept, the history bounded, the conversation saved.

use super::super::draft::Draft;
use super::super::history;
use super::super::{render, ActionRecord, Agent, AgentError, Reply};
use super::{Said, Turn};
use crate::workflow::redact::Redactor;

impl Turn {
    /// Buttons for the waiting draft, and a line saying it still waits when
    /// the reply is about something else.
    fn remind_of_draft(&self, reply: &mut Reply) {
        let Some(draft) = &self.draft else {
            return;
        };
        // The greeting's zone question holds nothing: its Skip button
        // stays under the greeting, not under every later answer.
        let quiet = !self.draft_shown && matches!(draft, Draft::Zone { request: None });
        if reply.buttons.is_empty() && !quiet {
            reply.buttons = self.buttons();
        }
        if !self.draft_shown && !reply.text.contains("(draft") {
            let waiting = match draft {
                Draft::Zone { request: None } => None,
                Draft::Zone { .. } => Some(format!(
                    "(Still waiting for your time zone, for \"{}\": a city, or 'skip'.)",
                    draft.name()
                )),
                Draft::Delete { name, .. } => {
                    Some(format!("(Still waiting: \"delete {name}\" — yes or no?)"))
                }
                _ if render::draft_asking(draft).is_some() => Some(format!(
                    "(\"{}\" still waits for a value; say it, or 'cancel'.)",
                    draft.name()
                )),
                _ => Some(format!(
                    "(Still waiting: \"{}\" — yes or no?)",
                    draft.name()
                )),
            };
            if let Some(waiting) = waiting {
                reply.text.push('\n');
                reply.text.push_str(&waiting);
            }
        }
    }

    /// Keeps what was said and answered (masked) in the history the next
    /// turns read, bounded by count and by tokens; the newest exchange stays
    /// whatever its size.
    fn remember(&mut self, agent: &Agent, said: &str, answer: &str) {
        let keep = agent.settings.history_messages.max(2);
        let answered = match &self.note {
            Some(note) => answer.strip_prefix(note.as_str()).unwrap_or(answer),
            None => answer,
        };
        self.history.push(Said {
            role: "user".into(),
            text: render::clip(said, 2_000),
        });
        self.history.push(Said {
            role: "assistant".into(),
            text: render::clip(answered.trim_start(), 2_000),
        });
        if self.history.len() > keep {
            self.history.drain(..self.history.len() - keep);
        }
        // Bounded by tokens too; the newest exchange stays whatever its size.
        let within = history::within(&self.history, agent.settings.history_tokens).len();
        let start = self.history.len() - within.max(2);
        self.history.drain(..start);
    }

    /// Saves the conversation and completes the reply.
    pub async fn finish(
        mut self,
        agent: &Agent,
        said: String,
        mut reply: Reply,
    ) -> Result<Reply, AgentError> {
        if let Some(note) = &self.note {
            reply.text = format!("{note}\n{}", reply.text);
        }
        reply.text = render::fit_surface(&reply.text, self.answer_by);
        self.remind_of_draft(&mut reply);
        // Secrets typed in chat (`https://admin:hunter2@…`, tokens, keys)
        // stay where the workflow needs them, the stored draft and workflow,
        // and are masked in everything shown or kept as words: the reply,
        // the draft as shown, the actions, and the history (which later
        // turns send to the model).
        let mask = Redactor::default();
        reply.text = mask.secrets(&reply.text);
        let said = mask.secrets(&said);
        let said = render::hide_secret_values(self.draft.as_ref(), &self.actions, said);
        self.remember(agent, &said, &reply.text);
        let expires = if self.draft_shown {
            Some(self.now + agent.settings.draft_ttl)
        } else if self.draft.is_some() {
            self.conversation.draft_expires_at
        } else {
            None
        };
        reply.draft = self.draft.as_ref().map(|d| {
            let view = d.view(self.now, expires);
            mask.masked(&view).unwrap_or(view)
        });
        self.conversation.history =
            serde_json::to_string(&self.history).unwrap_or_else(|_| "[]".into());
        self.conversation.draft = self
            .draft
            .as_ref()
            .and_then(|d| serde_json::to_string(d).ok());
        self.conversation.draft_expires_at = expires;
        agent
            .store
            .log()
            .save_conversation(&self.conversation, self.now)
            .await?;
        reply.actions = self
            .actions
            .into_iter()
            .map(|action| ActionRecord {
                args: mask.masked(&action.args).unwrap_or(action.args),
                result: mask.masked(&action.result).unwrap_or(action.result),
                ..action
            })
            .collect();
        Ok(reply)
    }
}
