//! One turn of a conversation: who is talking, in which zone, the draft
//! waiting, the history; loaded at the start of a turn and saved at its end.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::draft::{Draft, SKIP_ZONE};
pub use super::history::Said;

mod finish;
use super::outcome::Outcome;
use super::{refs, render, ActionRecord, Agent, AgentError, AnswerBy, Button, Inbound, Reply};
use crate::manage::{Actor, DraftClaim, ManageError};
use crate::schedule::natural::Context;
use crate::schedule::Zone;
use crate::store::conversations::{self, Conversation};
use crate::store::users::{self, User};
use crate::workflow::Workflow;

pub struct Turn {
    pub user: User,
    /// The user as the use cases know them: who they are, what they manage.
    pub actor: Actor,
    pub zone: Zone,
    /// Whether `zone` is the person's (set, given by their platform, or the
    /// default they chose with "skip"), rather than a default nobody chose:
    /// a time of day waits for their answer while it is not.
    pub zone_known: bool,
    /// Their first message in this conversation.
    pub new_conversation: bool,
    /// Set when this turn greeted them.
    pub greeted: bool,
    pub home_chat: String,
    pub now: DateTime<Utc>,
    pub conversation: Conversation,
    pub draft: Option<Draft>,
    /// Set when this turn showed a new or changed draft.
    pub draft_shown: bool,
    /// The name of a draft that expired before this turn, to say so.
    pub expired: Option<String>,
    pub history: Vec<Said>,
    pub actions: Vec<ActionRecord>,
    /// How the person can answer a draft here.
    pub answer_by: AnswerBy,
    /// Shown before the reply and not kept in the history (why the
    /// offline grammar answered instead of the model).
    pub note: Option<String>,
    /// A new API key to show once below the reply, kept out of the
    /// history, the model's view and the actions.
    pub reveal: Option<String>,
}

/// The stored conversation of one person in one chat: the two ids side by
/// side, never joined into one string (a separator inside an id would let two
/// pairs meet).
pub fn conversation_key(inbound: &Inbound) -> (String, String) {
    (inbound.conversation.clone(), inbound.user.clone())
}

impl Turn {
    pub async fn load(agent: &Agent, inbound: &Inbound) -> Result<Turn, AgentError> {
        let now = agent.clock.now();
        let user = users::ensure(
            &agent.store,
            &inbound.user,
            inbound.user_name.as_deref(),
            now,
        )
        .await?;
        // Their own zone first; a platform's guess only while they have none.
        let chosen: Option<Zone> = user.timezone.as_deref().and_then(|z| z.parse().ok());
        let zone_known = chosen.is_some() || inbound.timezone.is_some() || user.zone_skipped;
        let zone = chosen
            .or(inbound.timezone)
            .unwrap_or(agent.settings.default_zone);
        // One stored conversation per chat and person: in a group, each
        // member's drafts are their own.
        let stored =
            conversations::get(agent.store.reader(), &inbound.conversation, &inbound.user).await?;
        let new_conversation = stored.is_none();
        let conversation = stored.unwrap_or(Conversation {
            chat: inbound.conversation.clone(),
            user_id: inbound.user.clone(),
            history: "[]".into(),
            ..Conversation::default()
        });
        let history: Vec<Said> = serde_json::from_str(&conversation.history).unwrap_or_default();
        let mut draft: Option<Draft> = conversation
            .draft
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok());
        let mut expired = None;
        if conversation.draft_expires_at.is_some_and(|at| at <= now) {
            expired = draft.take().map(|d| d.name());
        }
        Ok(Turn {
            actor: Actor::user(&user, inbound.manages.as_deref()),
            user,
            zone,
            zone_known,
            new_conversation,
            greeted: false,
            home_chat: inbound.home_chat.clone(),
            now,
            conversation,
            draft,
            draft_shown: false,
            expired,
            history,
            actions: Vec::new(),
            answer_by: inbound.answer_by,
            note: None,
            reveal: None,
        })
    }

    pub fn context(&self, agent: &Agent, zone: Zone) -> Context {
        Context {
            now: self.now,
            zone,
            min_interval_seconds: agent.settings.min_interval_seconds,
        }
    }

    pub fn focus(&mut self, id: i64) {
        self.conversation.focus_workflow_id = Some(id);
    }

    /// The workflows this user manages.
    pub async fn workflows(&self, agent: &Agent) -> Result<Vec<Workflow>, String> {
        agent
            .manage
            .workflows(&self.actor)
            .await
            .map_err(|e| e.for_user())
    }

    /// `name`, or `name 2`, `name 3`… when the user already has one so called.
    pub async fn unused_name(&self, agent: &Agent, name: String) -> Result<String, String> {
        let taken: Vec<String> = self
            .workflows(agent)
            .await?
            .into_iter()
            .map(|w| w.name.to_lowercase())
            .collect();
        if !taken.contains(&name.to_lowercase()) {
            return Ok(name);
        }
        Ok((2..)
            .map(|n| format!("{name} {n}"))
            .find(|candidate| !taken.contains(&candidate.to_lowercase()))
            .unwrap_or(name))
    }

    /// The workflow a reference means, if this user may manage it.
    pub async fn resolve(&mut self, agent: &Agent, reference: &str) -> Result<Workflow, String> {
        let id = if refs::is_pronoun(reference) {
            Some(self.conversation.focus_workflow_id.ok_or(
                "which workflow do you mean? Say its name or #id ('list my workflows' shows them).",
            )?)
        } else {
            refs::id_in(reference)
        };
        if let Some(id) = id {
            return agent
                .manage
                .workflow(&self.actor, id)
                .await
                .map_err(|e| match e {
                    ManageError::NotFound(id) => format!("I couldn't find workflow #{id}."),
                    other => other.for_user(),
                });
        }
        let mine = self.workflows(agent).await?;
        refs::by_name(reference, &mine).cloned()
    }

    /// Stores `draft` as the one waiting and shows it.
    pub fn propose(&mut self, agent: &Agent, mut draft: Draft) -> Outcome {
        // A new request while another draft waits sets that one aside, to
        // come back once this one is answered; a draft of the same name is a
        // revision of it and replaces it.
        let mut note = String::new();
        if let (Some(waiting), Draft::Create { spec } | Draft::Update { spec, .. }) =
            (self.draft.take(), &mut draft)
        {
            match &waiting {
                Draft::Create { spec: old } | Draft::Update { spec: old, .. }
                    if old.name != spec.name =>
                {
                    note = format!(
                        "(\"{}\" is still a draft: I set it aside, and it comes back once you answer this one.)\n",
                        old.name
                    );
                    spec.set_aside = Some(Box::new(waiting));
                }
                Draft::Create { spec: old } | Draft::Update { spec: old, .. } => {
                    spec.set_aside = old.set_aside.clone();
                }
                _ => self.draft = Some(waiting),
            }
        }
        let text = format!(
            "{note}{}",
            render::draft_text(&draft, self.now, agent.has_model())
        );
        let value = json!({
            "status": "awaiting confirmation",
            "draft": draft.view(self.now, Some(self.now + agent.settings.draft_ttl)),
        });
        self.draft = Some(draft);
        self.draft_shown = true;
        Outcome {
            ok: true,
            value,
            text,
        }
    }

    /// The reply with the waiting draft's buttons.
    pub(super) fn draft_reply(&self, _agent: &Agent, text: String) -> Reply {
        Reply {
            text,
            buttons: self.buttons(),
            ..Reply::default()
        }
    }

    /// The buttons for the waiting draft.
    pub fn buttons(&self) -> Vec<Button> {
        let button = |label: &str, action: &str| Button {
            label: label.into(),
            action: action.into(),
        };
        let Some(draft) = &self.draft else {
            return Vec::new();
        };
        // Each button names the draft it was shown with, so pressing it after
        // that draft was replaced, confirmed or cancelled changes nothing.
        let token = draft.token();
        if render::draft_asking(draft).is_some() {
            return vec![button("Cancel", &format!("cancel:{token}"))];
        }
        let (yes, no) = match draft {
            Draft::Create { .. } => ("Create", "Cancel"),
            Draft::Update { .. } => ("Save", "Cancel"),
            Draft::Delete { .. } => ("Delete", "Cancel"),
            Draft::Zone { .. } => return vec![button("Skip (use the server's zone)", SKIP_ZONE)],
            Draft::Move { .. } => ("Move them", "Keep"),
        };
        vec![
            button(yes, &format!("confirm:{token}")),
            button(no, &format!("cancel:{token}")),
        ]
    }

    /// The stored draft this turn answers, to be taken inside the
    /// confirming transaction: two quick yeses confirm once. None when the
    /// draft was made and confirmed within this turn (nothing stored yet).
    pub(super) fn claim(&self) -> Option<DraftClaim<'_>> {
        self.conversation.draft.as_deref().map(|stored| DraftClaim {
            chat: &self.conversation.chat,
            user: &self.conversation.user_id,
            stored,
        })
    }

    pub(super) fn record(
        &mut self,
        tool: &str,
        args: serde_json::Value,
        result: serde_json::Value,
    ) {
        self.actions.push(ActionRecord {
            tool: tool.into(),
            args,
            ok: true,
            result,
        });
    }

    pub(super) fn nothing_waiting(&self) -> Reply {
        Reply::text(match &self.expired {
            Some(name) => format!(
                "The draft \"{name}\" expired, so nothing was done. Say it again and I'll draft it anew."
            ),
            None => "There's nothing waiting for a yes or no right now.".to_string(),
        })
    }
}
