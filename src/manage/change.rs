//! Creating, changing and deleting workflows: one [`Change`] is one
//! transaction, so a confirmed draft, an import of many definitions or a
//! move of several workflows to a new zone lands whole or not at all, each
//! workflow audited, and the scheduler is woken once it is committed.

use chrono::{DateTime, Utc};

use super::{Actor, ManageError, Manager};
use crate::store::hooks::Hook;
use crate::store::{self, audit, conversations, workflows, WriteTx};
use crate::workflow::{NewWorkflow, Workflow};

/// The stored draft a change answers: taken inside the change's
/// transaction, so two quick yeses confirm once.
#[derive(Clone, Copy, Debug)]
pub struct DraftClaim<'a> {
    pub chat: &'a str,
    pub user: &'a str,
    /// The draft as stored when the turn read it.
    pub stored: &'a str,
}

/// A workflow just stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Created {
    pub id: i64,
    pub next: Option<DateTime<Utc>>,
    /// A webhook workflow's new URL id and secret, to tell its owner once
    /// (privately).
    pub hook: Option<Hook>,
}

/// Changes to workflows made in one transaction by one actor.
pub struct Change<'m> {
    manager: &'m Manager,
    pub(super) actor: &'m Actor,
    pub(super) tx: WriteTx,
    pub(super) now: DateTime<Utc>,
    /// Webhooks made by this change (a trigger changed to `webhook`).
    new_hooks: Vec<Hook>,
}

impl Manager {
    /// Starts a change; with `claim`, only if that draft is still the one
    /// waiting (else [`ManageError::Conflict`]).
    pub async fn change<'m>(
        &'m self,
        actor: &'m Actor,
        claim: Option<DraftClaim<'_>>,
    ) -> Result<Change<'m>, ManageError> {
        self.flush_hits().await;
        let mut tx = self.store.begin_write().await?;
        if let Some(claim) = claim {
            if !conversations::take_draft(&mut tx, claim.chat, claim.user, claim.stored).await? {
                return Err(ManageError::Conflict("That was already answered.".into()));
            }
        }
        Ok(Change {
            manager: self,
            actor,
            tx,
            now: self.now(),
            new_hooks: Vec::new(),
        })
    }
}

impl Change<'_> {
    /// When this change happens.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The workflow `id` as it is inside this change, if the actor may
    /// manage it.
    pub async fn workflow(&mut self, id: i64) -> Result<Workflow, ManageError> {
        workflows::get(&mut self.tx, id)
            .await?
            .filter(|w| self.actor.may_manage(w))
            .ok_or(ManageError::NotFound(id))
    }

    /// Stores a new workflow. A person creates their own; only an admin
    /// (or the operator) creates one for someone else.
    pub async fn create(&mut self, new: &NewWorkflow) -> Result<Created, ManageError> {
        self.insert(new, "create").await
    }

    /// Stores an imported definition (audited as an import).
    pub async fn import(&mut self, new: &NewWorkflow) -> Result<Created, ManageError> {
        self.insert(new, "import").await
    }

    async fn insert(&mut self, new: &NewWorkflow, action: &str) -> Result<Created, ManageError> {
        if new.definition.owner != self.actor.id && !self.actor.admin {
            return Err(ManageError::NotAllowed(
                "a workflow can only be created for yourself".into(),
            ));
        }
        let new = &self.manager.within_ceilings(new)?;
        self.within_quota(new).await?;
        self.check_trigger(None, new).await?;
        let pace = self.within_pace(new, None).await?;
        let next = new.schedule.next_after(self.now);
        let id = workflows::insert(&mut self.tx, new, next, self.now).await?;
        workflows::set_runs_per_hour(&mut self.tx, id, pace.busiest_hour).await?;
        let hook = self.settle_hook(id, new).await?;
        let name = new.definition.name.trim();
        audit::record(
            &mut self.tx,
            &self.actor.id,
            Some(id),
            action,
            Some(name),
            self.now,
        )
        .await?;
        Ok(Created { id, next, hook })
    }

    /// A person (not an admin, nor the operator) keeps at most the quota's
    /// workflows; a new one past it is refused with the count.
    async fn within_quota(&mut self, new: &NewWorkflow) -> Result<(), ManageError> {
        if self.actor.owns_as_admin(&new.definition.owner) {
            return Ok(());
        }
        let manager = self.manager;
        manager
            .within_workflow_quota(&mut self.tx, &new.definition.owner)
            .await
    }

    /// [`Manager::within_pace`] for `new`, a paused one left alone (it does
    /// not run until resumed, which checks again).
    async fn within_pace(
        &mut self,
        new: &NewWorkflow,
        except: Option<i64>,
    ) -> Result<crate::schedule::Pace, ManageError> {
        let manager = self.manager;
        let d = &new.definition;
        if d.paused || self.actor.owns_as_admin(&d.owner) {
            return Ok(new.schedule.pace(self.now));
        }
        manager
            .within_pace(
                &mut self.tx,
                d.owner.trim(),
                d.name.trim(),
                &new.schedule,
                except,
            )
            .await
    }

    /// Replaces the definition of workflow `id`; returns its next run.
    pub async fn update(
        &mut self,
        id: i64,
        new: &NewWorkflow,
    ) -> Result<Option<DateTime<Utc>>, ManageError> {
        let old = self.workflow(id).await?;
        let new = &self.manager.within_ceilings(new)?;
        self.check_trigger(Some(id), new).await?;
        let pace = if old.status == crate::workflow::WorkflowStatus::Active {
            self.within_pace(new, Some(id)).await?
        } else {
            new.schedule.pace(self.now)
        };
        let next = new.schedule.next_after(self.now);
        workflows::replace_definition(&mut self.tx, id, new, next, self.now).await?;
        workflows::set_runs_per_hour(&mut self.tx, id, pace.busiest_hour).await?;
        if let Some(hook) = self.settle_hook(id, new).await? {
            self.new_hooks.push(hook);
        }
        let name = new.definition.name.trim();
        audit::record(
            &mut self.tx,
            &self.actor.id,
            Some(id),
            "update",
            Some(name),
            self.now,
        )
        .await?;
        Ok(next)
    }

    /// Replaces the whole definition of workflow `id` (its home chat,
    /// policies and placeholder values too), when it is still at `version`
    /// (else [`ManageError::Stale`]); returns its next run and new version.
    pub async fn update_at_version(
        &mut self,
        id: i64,
        new: &NewWorkflow,
        version: Option<i64>,
    ) -> Result<(Option<DateTime<Utc>>, i64), ManageError> {
        let current = self.workflow(id).await?;
        if let Some(given) = version.filter(|v| *v != current.version) {
            return Err(ManageError::Stale {
                id,
                given,
                current: current.version,
            });
        }
        if new.definition.owner.trim() != current.owner {
            return Err(ManageError::Invalid(
                "owner: a workflow's owner can't be changed; copy it instead".into(),
            ));
        }
        let next = self.update(id, new).await?;
        workflows::set_settings(&mut self.tx, id, &new.definition).await?;
        Ok((next, current.version + 1))
    }

    /// Deletes workflow `id` and its runs.
    pub async fn delete(&mut self, id: i64) -> Result<(), ManageError> {
        let workflow = self.workflow(id).await?;
        if !workflows::delete(&mut self.tx, id).await? {
            return Err(ManageError::NotFound(id));
        }
        audit::record(
            &mut self.tx,
            &self.actor.id,
            Some(id),
            "delete",
            Some(&workflow.name),
            self.now,
        )
        .await?;
        Ok(())
    }

    /// The webhook this change made for workflow `id` (its trigger became
    /// `webhook`), to tell its owner once.
    pub fn new_hook(&self, id: i64) -> Option<&Hook> {
        self.new_hooks.iter().find(|h| h.workflow_id == id)
    }

    /// Makes the change; the scheduler looks again.
    pub async fn commit(self) -> Result<(), ManageError> {
        store::commit(self.tx, "committing a change to workflows").await?;
        self.manager.runner.changed();
        Ok(())
    }
}
