//! What an admin looks at besides everyone's workflows: whether steward is
//! healthy (the writers, the due backlog and how late it is, the last
//! claim), notices still waiting for delivery, and runs whose notices could
//! not be delivered.

use chrono::{DateTime, TimeDelta, Utc};

use super::{Actor, ManageError, Manager};
use crate::store::health::Writer;
use crate::store::outbox::{self, Waiting};
use crate::store::{runs, workflows};
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

    /// Runs of the last `days` with undelivered notices, newest first (at
    /// most 100), for an admin.
    pub async fn undelivered(&self, actor: &Actor, days: i64) -> Result<Vec<Run>, ManageError> {
        Manager::admin_only(actor, "undelivered notices")?;
        let since = self.now() - TimeDelta::days(days);
        Ok(runs::undelivered(self.store.reader(), since, 100).await?)
    }
}
