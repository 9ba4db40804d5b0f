//! Webhook triggers as use cases: a call to `POST /hooks/{id}` checked and
//! turned into a run (at most one per delivery id in 24 hours), and a
//! workflow's URL and secret shown or rotated by its owner.

use std::time::Duration;

use super::{Actor, ManageError, Manager};
use crate::schedule::Trigger;
use crate::store::hooks::{self, Hook};
use crate::store::{self, audit, runs, workflows};
use crate::workflow::hook::{self as check, Call, Refusal};
use crate::workflow::{Run, RunTrigger, WorkflowStatus};

/// A call to a webhook URL, as the HTTP edge read it.
pub struct Delivery<'a> {
    pub hook_id: &'a str,
    /// The secret when it came in the path (`/hooks/{id}/{secret}`).
    pub path_secret: Option<&'a str>,
    /// Header names in lower case.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// How long to wait for the run's end (`None`: not at all).
    pub wait: Option<Duration>,
}

/// What a call came to.
#[derive(Debug)]
pub enum Delivered {
    /// A run started; as stored when the wait ended.
    Started(Box<Run>),
    /// The delivery id was seen in the last 24 hours; the run it started.
    Duplicate(Option<i64>),
    /// The secret or signature did not check out (counted).
    Refused(Refusal),
    /// No webhook has that id.
    Unknown,
    /// The workflow is paused (or completed): nothing ran.
    Paused,
    /// The body could not be read as its content type says.
    BadBody(String),
    /// The owner's runs of the last hour reached their quota; the sentence
    /// says when one frees up.
    OverQuota(String),
}

/// Headers that name a delivery, in the order they are looked for.
const DELIVERY_HEADERS: [&str; 2] = ["x-github-delivery", "idempotency-key"];

impl Manager {
    /// Checks and runs a webhook call.
    pub async fn deliver(&self, delivery: Delivery<'_>) -> Result<Delivered, ManageError> {
        let now = self.now();
        let mut conn = self.store.connection().await?;
        let Some(hook) = hooks::by_id(&mut conn, delivery.hook_id).await? else {
            return Ok(Delivered::Unknown);
        };
        let workflow = workflows::get(&mut conn, hook.workflow_id).await?;
        drop(conn);
        let webhook = match workflow.as_ref().map(|w| &w.schedule) {
            Some(Ok(schedule)) => match &schedule.trigger {
                Trigger::Webhook(webhook) => Some(webhook.clone()),
                _ => None,
            },
            _ => None,
        };
        let (Some(workflow), Some(webhook)) = (workflow, webhook) else {
            return Ok(Delivered::Unknown);
        };
        let header = |name: &str| {
            delivery
                .headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let call = Call {
            header: &header,
            path_secret: delivery.path_secret,
            body: delivery.body,
        };
        if let Err(refusal) = check::verify(webhook.auth, &hook.secret, &call, now) {
            let mut conn = self.store.connection().await?;
            hooks::count_rejected(&mut conn, &hook.hook_id).await?;
            return Ok(Delivered::Refused(refusal));
        }
        if workflow.status != WorkflowStatus::Active {
            return Ok(Delivered::Paused);
        }
        let input = match check::input(&webhook, delivery.headers, delivery.body) {
            Ok(input) => input,
            Err(bad) => return Ok(Delivered::BadBody(bad.0)),
        };
        // The owner's runs an hour hold for webhook runs as for runs by hand.
        let allowed = {
            let mut conn = self.store.connection().await?;
            self.may_run(&mut conn, &workflow.owner).await
        };
        if let Err(error) = allowed {
            self.flush_hits().await;
            return match error {
                ManageError::OverQuota(said) => Ok(Delivered::OverQuota(said)),
                other => Err(other),
            };
        }
        let delivery_id = DELIVERY_HEADERS
            .iter()
            .find_map(|name| header(name))
            .filter(|id| !id.trim().is_empty());
        let mut tx = self.store.begin_write().await?;
        if let Some(id) = &delivery_id {
            if let Some(first) = hooks::note_delivery(&mut tx, workflow.id, id, now).await? {
                store::commit(tx, "committing a repeated webhook delivery").await?;
                return Ok(Delivered::Duplicate(first));
            }
        }
        let run_id = self
            .insert_running(&mut tx, &workflow, RunTrigger::Webhook, Some(&input), now)
            .await?;
        if let Some(id) = &delivery_id {
            hooks::set_delivery_run(&mut tx, workflow.id, id, run_id).await?;
        }
        let run = runs::get(&mut tx, run_id)
            .await?
            .ok_or(ManageError::RunNotFound(run_id))?;
        store::commit(tx, "committing a webhook run").await?;
        let wait = delivery.wait.unwrap_or(Duration::ZERO);
        self.runner.execute(run, workflow, Some(wait)).await;
        let mut conn = self.store.connection().await?;
        let run = runs::get(&mut conn, run_id)
            .await?
            .ok_or(ManageError::RunNotFound(run_id))?;
        Ok(Delivered::Started(Box::new(run)))
    }

    /// The URL id and secret of webhook workflow `id`; with `rotate`, new
    /// ones (the old URL stops working at once).
    pub async fn hook(&self, actor: &Actor, id: i64, rotate: bool) -> Result<Hook, ManageError> {
        let workflow = self.workflow(actor, id).await?;
        if workflow.trigger_kind != "webhook" {
            return Err(ManageError::Invalid(format!(
                "\"{}\" (#{id}) is not started by a webhook",
                workflow.name
            )));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let hook = match hooks::of_workflow(&mut tx, id).await? {
            Some(hook) if !rotate => hook,
            _ => {
                let hook = hooks::set(&mut tx, id, now).await?;
                let action = if rotate { "rotate-hook" } else { "make-hook" };
                audit::record(&mut tx, &actor.id, Some(id), action, None, now).await?;
                hook
            }
        };
        store::commit(tx, "committing a webhook's secret").await?;
        Ok(hook)
    }
}
