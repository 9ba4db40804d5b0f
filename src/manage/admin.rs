//! What an admin looks at besides everyone's workflows: whether steward is
//! healthy (the writers, the due backlog and how late it is, the last
//! claim), notices still waiting for delivery, and runs whose notices could
//! not be delivered.

use chrono::{DateTime, TimeDelta, Utc};

use super::{Actor, ManageError, Manager};
use crate::store::health::Writer;
use crate::store::outbox::{self, Waiting};
use crate::store::{audit, runs, workflows};
use crate::workflow::notify::{Audience, Notice};
use crate::workflow::Run;

/// How steward is doing, now.
#[derive(Clone, Debug)]
pub struct Health {
    /// Why the store is failing, if a writer keeps failing.
    pub failing: Option<String>,
    /// Active workflows due and not claimed yet.
    pub due: i64,
    /// How long the oldest of them has been due.
    pub behind: Option<TimeDelta>,
    /// Notices waiting for delivery.
    pub outbox: i64,
    /// When this process last claimed (none yet, or another replica claims).
    pub last_claim: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

impl Manager {
    fn admin_only(actor: &Actor, what: &str) -> Result<(), ManageError> {
        if actor.admin {
            Ok(())
        } else {
            Err(ManageError::NotAllowed(format!(
                "only an admin sees {what}"
            )))
        }
    }

    /// Health, for an admin.
    pub async fn health(&self, actor: &Actor) -> Result<Health, ManageError> {
        Manager::admin_only(actor, "steward's health")?;
        let now = self.now();
        let reader = self.store.reader();
        let oldest = workflows::oldest_due(reader, now).await?;
        Ok(Health {
            failing: self.store.health().failing(),
            due: workflows::count_due(reader, now).await?,
            behind: oldest.map(|at| now - at),
            outbox: outbox::depth(reader).await?,
            last_claim: self.store.health().last_success(Writer::Claims),
            now,
        })
    }

    /// Notices waiting for delivery, oldest first, for an admin.
    pub async fn outbox(&self, actor: &Actor) -> Result<Vec<Waiting>, ManageError> {
        Manager::admin_only(actor, "the outbox")?;
        Ok(outbox::waiting(self.store.reader()).await?)
    }

    /// Takes notice `index` of run `run_id`'s undelivered ones to send it
    /// again, for an admin: the notice to hand to the notifier (a message to
    /// where it was going, with the words it had). `None` when it is gone.
    pub async fn retry_delivery(
        &self,
        actor: &Actor,
        run_id: i64,
        index: usize,
    ) -> Result<Option<Notice>, ManageError> {
        Manager::admin_only(actor, "undelivered notices")?;
        let mut conn = self.store.connection().await?;
        let (_, workflow) = super::run_and_workflow(&mut conn, actor, run_id).await?;
        drop(conn);
        let Some(entry) = runs::take_delivery_error(self.store.pool(), run_id, index).await? else {
            return Ok(None);
        };
        let text = |key: &str| entry.get(key).and_then(|v| v.as_str()).unwrap_or_default();
        let to = text("to").to_string();
        // The words were rendered with the workflow's tag: sent as a
        // message, they get it again.
        let tag = format!("[#{} {}] ", workflow.id, workflow.name);
        let words = text("notice");
        let words = words.strip_prefix(&tag).unwrap_or(words).to_string();
        let mut conn = self.store.connection().await?;
        audit::record(
            &mut conn,
            &actor.id,
            Some(workflow.id),
            "delivery-retry",
            Some(&format!("run {run_id} to {to}")),
            self.now(),
        )
        .await?;
        Ok(Some(Notice::Message {
            audience: Audience {
                workflow_id: workflow.id,
                workflow_name: workflow.name,
                owner: workflow.owner,
                to: Some(to),
            },
            run_id,
            text: words,
        }))
    }

    /// Runs of the last `days` with undelivered notices, newest first (at
    /// most 100), for an admin.
    pub async fn undelivered(&self, actor: &Actor, days: i64) -> Result<Vec<Run>, ManageError> {
        Manager::admin_only(actor, "undelivered notices")?;
        let since = self.now() - TimeDelta::days(days);
        Ok(runs::undelivered(self.store.reader(), since, 100).await?)
    }
}
