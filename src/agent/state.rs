//! One turn of a conversation: who is talking, in which zone, the draft
//! waiting, the history; loaded at the start of a turn and saved at its end.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::draft::{Draft, Spec};
use super::grammar::{self, Change, Intent, Settle};
use super::tools::{self, Outcome};
use super::{moving, zone_question};
use super::{
    refs, render, second_reading, ActionRecord, Agent, AgentError, AnswerBy, Button, Inbound, Reply,
};
use crate::manage::{Actor, DraftClaim, ManageError};
use crate::schedule::natural::Context;
use crate::schedule::Zone;
use crate::store::conversations::{self, Conversation};
use crate::store::users::{self, User};
use crate::workflow::redact::Redactor;
use crate::workflow::Workflow;

/// A line of history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Said {
    /// `user` or `assistant`.
    pub role: String,
    pub text: String,
}

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

    /// A message in words.
    pub async fn text(&mut self, agent: &Agent, text: &str) -> Reply {
        if matches!(self.draft, Some(Draft::Zone { .. })) {
            if let Some(reply) = zone_question::answer(self, agent, text).await {
                return reply;
            }
        }
        if let Some(reply) = self.choose_reading(agent, text) {
            return reply;
        }
        if self.draft.is_some() {
            match grammar::settle(text) {
                Settle::Confirm(None) => {
                    // "delete it" is no yes to a creation: it throws the draft away.
                    let verb = grammar::confirm_verb(text);
                    let is_delete = matches!(self.draft, Some(Draft::Delete { .. }));
                    return match verb {
                        Some("delete") if !is_delete => self.cancel(agent),
                        Some("create" | "save") if is_delete => self.draft_reply(
                            agent,
                            "A delete is waiting: yes to delete, no to keep it.".into(),
                        ),
                        _ => self.confirm(agent).await,
                    };
                }
                Settle::Confirm(Some(change)) if self.new_request(agent, &change) => {
                    // "ok, and every day at 5 remind me to go home": yes, then
                    // a new request.
                    let confirmed = self.confirm(agent).await;
                    if self.draft.is_some() {
                        return confirmed;
                    }
                    let next = Box::pin(self.text(agent, &change)).await;
                    return Reply {
                        text: format!("{}\n{}", confirmed.text, next.text),
                        buttons: next.buttons,
                        ..Reply::default()
                    };
                }
                Settle::Confirm(Some(change)) => {
                    return match self.amend(agent, &change) {
                        Ok(()) => self.confirm(agent).await,
                        Err(message) => self.draft_reply(agent, message),
                    }
                }
                Settle::Cancel => return self.cancel(agent),
                Settle::Amend(change) if self.new_request(agent, &change) => {}
                Settle::Amend(change) => {
                    return match self.amend(agent, &change) {
                        Ok(()) => {
                            let draft = self.draft.as_ref().expect("a draft is waiting");
                            let text = render::draft_text(draft, self.now, agent.has_model());
                            self.draft_shown = true;
                            self.draft_reply(agent, text)
                        }
                        Err(message) => self.draft_reply(agent, message),
                    }
                }
                Settle::Other => {}
            }
        }
        if agent.model.is_some() {
            return super::llm_turn::reply(self, agent, text).await;
        }
        self.offline(agent, text).await
    }

    /// While two readings of the schedule wait, "1" or "2" picks one, and a
    /// bare yes is asked which.
    fn choose_reading(&mut self, agent: &Agent, text: &str) -> Option<Reply> {
        let Some(Draft::Create { spec } | Draft::Update { spec, .. }) = self.draft.as_mut() else {
            return None;
        };
        let alternative = spec.alternative.clone()?;
        match second_reading::choice(text) {
            Some(1) => spec.alternative = None,
            Some(_) => {
                let schedule = alternative.schedule().ok()?;
                spec.set_schedule(&schedule, alternative.source.clone());
                spec.alternative = None;
            }
            None if matches!(grammar::settle(text), Settle::Confirm(None)) => {
                let shown = render::draft_text(self.draft.as_ref()?, self.now, agent.has_model());
                self.draft_shown = true;
                return Some(self.draft_reply(
                    agent,
                    format!(
                        "The two readings differ, so a yes can't say which one to keep.\n{shown}"
                    ),
                ));
            }
            None => return None,
        }
        let shown = render::draft_text(self.draft.as_ref()?, self.now, agent.has_model());
        self.draft_shown = true;
        Some(self.draft_reply(agent, shown))
    }

    /// Whether `text` asks for something of its own (a schedule and a task),
    /// rather than changing the draft.
    fn new_request(&self, agent: &Agent, text: &str) -> bool {
        let Change::Schedule(words) = grammar::amendment(text) else {
            return false;
        };
        let context = self.context(agent, self.zone);
        // "make it run at 8:30": a verb that only frames the change is no task.
        const FRAMING: [&str; 8] = [
            "run",
            "fire",
            "go",
            "go off",
            "happen",
            "it",
            "remind me",
            "be",
        ];
        crate::schedule::parse_input(&words, &context).is_ok_and(|parsed| {
            parsed
                .task
                .is_some_and(|task| !FRAMING.contains(&task.to_lowercase().as_str()))
        })
    }

    /// The request before this message, completed by it, when the reader
    /// asked about it and this message answers ("remind me to drink water
    /// twice a day" → "at which times?" → "at 10am and 4pm").
    fn follow_up(&self, agent: &Agent, text: &str) -> Option<String> {
        let [.., before, answer] = self.history.as_slice() else {
            return None;
        };
        if before.role != "user" || answer.role != "assistant" {
            return None;
        }
        let context = self.context(agent, self.zone);
        let read = |words: &str| crate::schedule::parse_input(words, &context);
        // Only a reply to a request the reader could not place…
        if !matches!(
            grammar::parse(&before.text),
            Intent::Tool("create_workflow", _)
        ) || read(&before.text).is_ok()
        {
            return None;
        }
        // …made of schedule words alone, that completes it.
        if read(text).is_ok_and(|parsed| parsed.task.is_some()) {
            return None;
        }
        let combined = format!(
            "{} {}",
            before.text.trim_end_matches(['.', '?', '!']),
            text.trim()
        );
        read(&combined).is_ok().then_some(combined)
    }

    /// The reply with the waiting draft's buttons.
    fn draft_reply(&self, _agent: &Agent, text: String) -> Reply {
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
        let token = draft_token(draft);
        let (yes, no) = match draft {
            Draft::Create { .. } => ("Create", "Cancel"),
            Draft::Update { .. } => ("Save", "Cancel"),
            Draft::Delete { .. } => ("Delete", "Cancel"),
            Draft::Zone { .. } => {
                return vec![button("Skip (use the server's zone)", zone_question::SKIP)]
            }
            Draft::Move { .. } => ("Move them", "Keep"),
        };
        vec![
            button(yes, &format!("confirm:{token}")),
            button(no, &format!("cancel:{token}")),
        ]
    }

    /// Applies an amendment to the waiting draft.
    fn amend(&mut self, agent: &Agent, change: &str) -> Result<(), String> {
        let (now, min_interval_seconds) = (self.now, agent.settings.min_interval_seconds);
        let context = |zone| Context {
            now,
            zone,
            min_interval_seconds,
        };
        let spec = match self.draft.as_mut() {
            Some(Draft::Create { spec }) | Some(Draft::Update { spec, .. }) => spec,
            Some(Draft::Delete { .. } | Draft::Move { .. }) => {
                return Err("That can only be confirmed or cancelled: yes or no?".into())
            }
            Some(Draft::Zone { .. }) => return Err(zone_question::QUESTION.into()),
            None => return Err("There is nothing waiting to change.".into()),
        };
        match grammar::amendment(change) {
            Change::Name(name) => {
                spec.name = tools::check_name(&name)
                    .map_err(|e| format!("{}. The draft is unchanged.", render::capitalize(&e)))?;
            }
            Change::Schedule(words) => {
                let zone = spec.zone();
                let mut changed = spec.clone();
                if let Err(e) = changed.amend_schedule(&words, &context(zone)) {
                    // The next bare yes must not create the old schedule as
                    // if the change had been made.
                    spec.unapplied = Some(words.clone());
                    let e = if e.ends_with(['.', '?', '!']) {
                        e
                    } else {
                        format!("{e}.")
                    };
                    return Err(format!(
                        "I couldn't change the schedule with '{words}': {e} The draft is unchanged."
                    ));
                }
                changed.unapplied = None;
                changed.alternative = None;
                changed.model_reading = None;
                *spec = changed;
            }
        }
        Ok(())
    }

    /// Carries out the waiting draft.
    async fn confirm(&mut self, agent: &Agent) -> Reply {
        let Some(mut draft) = self.draft.take() else {
            return self.nothing_waiting();
        };
        if let Draft::Create { spec } | Draft::Update { spec, .. } = &mut draft {
            if let Some(change) = spec.unapplied.take() {
                let shown = render::draft_text(&draft, self.now, agent.has_model());
                self.draft = Some(draft);
                self.draft_shown = true;
                return self.draft_reply(
                    agent,
                    format!("Your change '{change}' did not apply, so nothing changed yet. This is the draft as it stands:\n{shown}\nSay yes to create it as shown, or say the change again another way."),
                );
            }
        }
        match self.apply(agent, &draft).await {
            Ok(text) => Reply::text(self.back_to_set_aside(agent, draft, text)),
            Err(message) => {
                // Keep the draft so the user can amend or cancel it.
                self.draft = Some(draft);
                self.draft_reply(agent, message)
            }
        }
    }

    async fn apply(&mut self, agent: &Agent, draft: &Draft) -> Result<String, String> {
        let now = self.now;
        match draft {
            Draft::Create { spec } => {
                let new =
                    checked(spec, &self.user.id, &self.home_chat, now, agent).map_err(|e| {
                        format!("I can't create it: {e}. Change the draft or say cancel.")
                    })?;
                let mut change = agent
                    .manage
                    .change(&self.actor, self.claim())
                    .await
                    .map_err(|e| e.for_user())?;
                let created = change.create(&new).await.map_err(|e| e.for_user())?;
                change.commit().await.map_err(|e| e.for_user())?;
                let (id, next) = (created.id, created.next);
                self.focus(id);
                self.record("create_workflow", json!({ "confirm": true }), json!({ "id": id, "name": spec.name, "next_run": next.map(|t| t.to_rfc3339()) }));
                let when = match (&new.schedule.trigger, next) {
                    (_, Some(next)) => format!(
                        "{}. Next run {}.",
                        new.schedule.describe(),
                        render::short_time(next, new.schedule.zone)
                    ),
                    (crate::schedule::Trigger::Manual, None) => {
                        "it runs when you say 'run it now'.".to_string()
                    }
                    (_, None) => format!("{}; it has no upcoming run.", new.schedule.describe()),
                };
                let mut text = format!("Created \"{}\" (#{id}): {when}", spec.name);
                if spec.needs_llm() && !agent.has_model() {
                    text.push_str(" It needs an LLM to run: set OPENAI_API_KEY (or STEWARD_LLM_BASE_URL) for steward serve.");
                }
                Ok(text)
            }
            Draft::Update { id, spec, before } => {
                let new =
                    checked(spec, &self.user.id, &self.home_chat, now, agent).map_err(|e| {
                        format!("I can't save it: {e}. Change the draft or say cancel.")
                    })?;
                let mut change = agent
                    .manage
                    .change(&self.actor, self.claim())
                    .await
                    .map_err(|e| e.for_user())?;
                // Still there, still theirs, and not changed since the draft?
                let current = match change.workflow(*id).await {
                    Ok(current) => current,
                    Err(ManageError::NotFound(_)) => {
                        return Err(format!("Workflow #{id} is gone; nothing to change."))
                    }
                    Err(e) => return Err(e.for_user()),
                };
                if Spec::of(&current) != *before {
                    return Err(format!(
                        "#{id} \"{}\" changed since this draft; say cancel and ask again.",
                        current.name
                    ));
                }
                let next = change.update(*id, &new).await.map_err(|e| e.for_user())?;
                change.commit().await.map_err(|e| e.for_user())?;
                self.focus(*id);
                self.record("update_workflow", json!({ "confirm": true }), json!({ "id": id, "name": spec.name, "next_run": next.map(|t| t.to_rfc3339()) }));
                let next = next.map_or(String::new(), |n| {
                    format!(" Next run {}.", render::short_time(n, new.schedule.zone))
                });
                Ok(format!(
                    "Updated \"{}\" (#{id}): {}.{next}",
                    spec.name,
                    new.schedule.describe()
                ))
            }
            Draft::Delete { id, name } => {
                let mut change = agent
                    .manage
                    .change(&self.actor, self.claim())
                    .await
                    .map_err(|e| e.for_user())?;
                match change.delete(*id).await {
                    Ok(()) => {}
                    Err(ManageError::NotFound(_)) => {
                        return Err(format!("Workflow #{id} is already gone."))
                    }
                    Err(e) => return Err(e.for_user()),
                }
                change.commit().await.map_err(|e| e.for_user())?;
                if self.conversation.focus_workflow_id == Some(*id) {
                    self.conversation.focus_workflow_id = None;
                }
                self.record(
                    "delete_workflow",
                    json!({ "confirm": true }),
                    json!({ "id": id, "deleted": true }),
                );
                Ok(format!("Deleted #{id} \"{name}\" and its run history."))
            }
            Draft::Zone { .. } => Err(zone_question::QUESTION.into()),
            Draft::Move {
                from,
                to,
                workflows,
            } => moving::apply(self, agent, from, to, workflows).await,
        }
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

    /// Drops the draft; recorded as its tool answered `confirm: false`, so
    /// platforms see the press settled something (and take its buttons off).
    fn cancel(&mut self, agent: &Agent) -> Reply {
        let taken = self.draft.take();
        let set_aside = match &taken {
            Some(Draft::Create { spec } | Draft::Update { spec, .. }) => spec.set_aside.clone(),
            _ => None,
        };
        let (tool, id, name, text) = match taken {
            Some(Draft::Create { spec }) => (
                "create_workflow",
                None,
                spec.name.clone(),
                format!("Cancelled: \"{}\" was not created.", spec.name),
            ),
            Some(Draft::Update { id, before, .. }) => (
                "update_workflow",
                Some(id),
                before.name.clone(),
                format!("Cancelled: #{id} \"{}\" stays as it was.", before.name),
            ),
            Some(Draft::Delete { id, name }) => (
                "delete_workflow",
                Some(id),
                name.clone(),
                format!("Cancelled: #{id} \"{name}\" is kept."),
            ),
            Some(Draft::Zone { request }) => {
                return Reply::text(match request {
                    Some(_) => "OK, I dropped that request; nothing was drafted. Tell me your time zone any time ('my timezone is Europe/Paris').",
                    None => "OK. Tell me your time zone any time ('my timezone is Europe/Paris').",
                })
            }
            Some(Draft::Move { from, to, .. }) => (
                "set_timezone",
                None,
                to.clone(),
                format!("OK: your workflows stay in {from}; new ones use {to}."),
            ),
            None => return self.nothing_waiting(),
        };
        self.record(
            tool,
            json!({ "confirm": false }),
            json!({ "cancelled": true, "id": id, "name": name }),
        );
        match set_aside {
            Some(waiting) => {
                let shown = render::draft_text(&waiting, self.now, agent.has_model());
                self.draft = Some(*waiting);
                self.draft_shown = true;
                Reply::text(format!(
                    "{text}\nBack to the draft that was waiting before:\n{shown}"
                ))
            }
            None => Reply::text(text),
        }
    }

    /// After a draft is answered, the one set aside for it waits again.
    fn back_to_set_aside(&mut self, agent: &Agent, answered: Draft, text: String) -> String {
        let (Draft::Create { spec } | Draft::Update { spec, .. }) = answered else {
            return text;
        };
        let Some(waiting) = spec.set_aside else {
            return text;
        };
        let shown = render::draft_text(&waiting, self.now, agent.has_model());
        self.draft = Some(*waiting);
        self.draft_shown = true;
        format!("{text}\nBack to the draft that was waiting before:\n{shown}")
    }

    fn nothing_waiting(&self) -> Reply {
        Reply::text(match &self.expired {
            Some(name) => format!(
                "The draft \"{name}\" expired, so nothing was done. Say it again and I'll draft it anew."
            ),
            None => "There's nothing waiting for a yes or no right now.".to_string(),
        })
    }

    /// A button press.
    pub async fn press(&mut self, agent: &Agent, action: &str) -> Reply {
        let action = action.trim();
        // "confirm" and "cancel" alone (typed by an integration) answer the
        // draft waiting now; with a token, only the draft they were shown with.
        let (verb, token) = action.split_once(':').unwrap_or((action, ""));
        if matches!(verb, "confirm" | "cancel") {
            if !token.is_empty() {
                if let Some(stale) = self.stale_button(agent, token) {
                    return stale;
                }
            }
            return if verb == "confirm" {
                self.confirm(agent).await
            } else {
                self.cancel(agent)
            };
        }
        if action == zone_question::SKIP {
            return zone_question::skip(self, agent).await;
        }
        let answer = action
            .split_once(':')
            .and_then(|(verb, run)| Some((verb, run.trim().parse::<i64>().ok()?)));
        match answer {
            Some(("approve", run_id)) => self.answer(agent, run_id, true).await,
            Some(("reject", run_id)) => self.answer(agent, run_id, false).await,
            _ => Reply::text(format!(
                "I don't know the button '{}'.",
                render::clip(action, 40)
            )),
        }
    }

    /// The answer to a button of a draft that is no longer the one waiting.
    fn stale_button(&mut self, agent: &Agent, token: &str) -> Option<Reply> {
        let waiting = self.draft.as_ref();
        if waiting.is_some_and(|draft| draft_token(draft) == token) {
            return None;
        }
        Some(match waiting {
            None => Reply::text(
                "That button's draft was already answered or replaced, so nothing changed.",
            ),
            Some(draft) => {
                let shown = render::draft_text(draft, self.now, agent.has_model());
                self.draft_shown = true;
                self.draft_reply(
                    agent,
                    format!("That button belongs to an earlier draft, so nothing changed. This is the one waiting now:\n{shown}"),
                )
            }
        })
    }

    /// Approves or rejects a waiting run of one of the user's workflows.
    async fn answer(&mut self, agent: &Agent, run_id: i64, approve: bool) -> Reply {
        match agent.manage.answer(&self.actor, run_id, approve).await {
            Ok(workflow) => {
                self.focus(workflow.id);
                self.record(
                    if approve { "approve" } else { "reject" },
                    json!({ "run_id": run_id }),
                    json!({ "run_id": run_id, "approved": approve }),
                );
                Reply::text(format!(
                    "{} run {run_id} of #{} \"{}\"; it continues now.",
                    if approve { "Approved" } else { "Rejected" },
                    workflow.id,
                    workflow.name
                ))
            }
            Err(ManageError::RunNotFound(_) | ManageError::NotFound(_)) => {
                Reply::text(format!("I couldn't find a run {run_id} waiting for you."))
            }
            Err(ManageError::Invalid(_)) => Reply::text(format!(
                "Run {run_id} is not waiting for an answer (it may have been answered or expired)."
            )),
            Err(e) => Reply::text(e.for_user()),
        }
    }

    /// A message read by the offline grammar.
    pub async fn offline(&mut self, agent: &Agent, text: &str) -> Reply {
        let mut intent = grammar::parse(text);
        // Only what reads as a new request can be the answer to a question
        // about the one before, so other messages cost no second reading.
        let completed = match intent {
            Intent::Tool("create_workflow", _) => self.follow_up(agent, text),
            _ => None,
        };
        if let Some(combined) = &completed {
            intent = grammar::parse(combined);
        }
        let text = completed.as_deref().unwrap_or(text);
        match intent {
            Intent::Help => Reply::text(render::HELP),
            Intent::Hello => Reply::text(format!(
                "Hello! I turn plain language into workflows that run on their own. {}",
                render::EXAMPLES_SHORT
            )),
            Intent::Thanks => Reply::text("You're welcome."),
            Intent::NoDraft => self.nothing_waiting(),
            Intent::Answer { run_id, approve } => self.answer(agent, run_id, approve).await,
            Intent::Tool(name, args) => {
                let creating = name == "create_workflow";
                let outcome = tools::call(self, agent, name, args).await;
                if creating && !outcome.ok && grammar::looks_foreign(text) {
                    self.actions.pop();
                    return Reply::text(render::ENGLISH_ONLY);
                }
                if creating && !outcome.ok && !grammar::sounds_like_a_request(text) {
                    // Not a workflow at all: answer with what works, and do
                    // not count a failed creation nobody asked for.
                    self.actions.pop();
                    return Reply::text(format!("I didn't catch that. {}", render::EXAMPLES_SHORT));
                }
                let text = if outcome.ok {
                    outcome.text
                } else {
                    let mut message = outcome.text;
                    if !message.ends_with(['.', '?', '!']) {
                        message.push('.');
                    }
                    render::capitalize(&message)
                };
                Reply::text(text)
            }
        }
    }

    /// Saves the conversation and completes the reply.
    pub async fn finish(
        mut self,
        agent: &Agent,
        said: String,
        mut reply: Reply,
    ) -> Result<Reply, AgentError> {
        reply.text = render::fit_surface(&reply.text, self.answer_by);
        if let Some(draft) = &self.draft {
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
        // Secrets typed in chat (`https://admin:hunter2@…`, tokens, keys)
        // stay where the workflow needs them, the stored draft and workflow,
        // and are masked in everything shown or kept as words: the reply,
        // the draft as shown, the actions, and the history (which later
        // turns send to the model).
        let mask = Redactor::default();
        reply.text = mask.secrets(&reply.text);
        let said = mask.secrets(&said);
        let keep = agent.settings.history_messages.max(2);
        self.history.push(Said {
            role: "user".into(),
            text: render::clip(&said, 2_000),
        });
        self.history.push(Said {
            role: "assistant".into(),
            text: render::clip(&reply.text, 2_000),
        });
        if self.history.len() > keep {
            self.history.drain(..self.history.len() - keep);
        }
        let expires = if self.draft_shown {
            Some(self.now + agent.settings.draft_ttl)
        } else if self.draft.is_some() {
            self.conversation.draft_expires_at
        } else {
            None
        };
        reply.draft = self
            .draft
            .as_ref()
            .map(|d| mask.value(&d.view(self.now, expires)));
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
                args: mask.value(&action.args),
                result: mask.value(&action.result),
                ..action
            })
            .collect();
        Ok(reply)
    }
}

/// The draft as a workflow ready to store: checked like an import, with an
/// anchored interval keeping the start the draft showed.
pub(super) fn checked(
    spec: &Spec,
    owner: &str,
    home_chat: &str,
    now: DateTime<Utc>,
    agent: &Agent,
) -> Result<crate::workflow::NewWorkflow, String> {
    let mut new = spec.definition(owner, home_chat).validate(
        now,
        spec.zone(),
        agent.settings.min_interval_seconds,
    )?;
    if spec.trigger_kind == "interval" {
        if let Ok(schedule) = spec.schedule() {
            new.schedule = schedule;
        }
    }
    // A workflow made in chat posts only to the chat it was made in: a
    // message step naming another chat would let anyone post as the bot
    // wherever it is (or send signed callbacks to another conversation).
    let plan = crate::workflow::plan::Plan::parse(&new.plan_json, &new.definition.placeholders)
        .map_err(|e| e.to_string())?;
    if let Some(elsewhere) = plan
        .message_targets()
        .into_iter()
        .find(|target| *target != home_chat)
    {
        return Err(format!(
            "a message step can only post to this chat, not to '{elsewhere}'; leave out its target"
        ));
    }
    Ok(new)
}

/// A short name for one version of a draft, for its buttons: the first
/// eight hex digits of the SHA-256 of its stored form.
fn draft_token(draft: &Draft) -> String {
    use sha2::{Digest, Sha256};
    let stored = serde_json::to_string(draft).unwrap_or_default();
    hex::encode(&Sha256::digest(stored.as_bytes())[..4])
}
