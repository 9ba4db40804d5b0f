//! The use cases every surface shares (DESIGN §2): create, update, delete,
//! pause, resume, skip the next run, snooze, run now, approve or reject, and
//! the history. Each checks who may do it, validates, writes through
//! `store`, records the audit entry and wakes the scheduler. Chat tools, the
//! CLI and every later surface call only this; none of them writes a
//! workflow or an audit record by itself.
//!
//! Running goes through [`Runner`], which the app wires to its scheduler, so
//! this module needs no engine.

mod actor;
mod admin;
mod api_keys;
mod approve;
mod audit_log;
mod cancel;
mod change;
mod copy;
mod dashboard;
mod error;
mod history;
mod messages;
mod next;
mod pace;
mod pages;
mod pause;
mod quotas;
mod run;
mod sign_in;
mod stats;
mod templates;
mod triggers;
mod webhook;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::store::{workflows, Store};
use crate::workflow::{Ceilings, NewWorkflow, Quotas, Run, Workflow};

pub use actor::Actor;
pub use admin::Health;
pub use api_keys::MadeKey;
pub use audit_log::AuditFilter;
pub use change::{Change, Created, DraftClaim};
pub use error::ManageError;
pub use history::RunQuery;
pub use messages::Limited;
pub use pages::{Page, RunFilter, WorkflowFilter, MAX_PAGE};
pub use quotas::{day_start, QuotaReport};
pub use sign_in::LINK_LIFETIME;
pub use stats::{Backlog, Stats};
pub use webhook::{Delivered, Delivery};

/// A question waiting for its answer (`Manager::waiting_approvals`).
pub use crate::store::approvals::Asking;
/// A webhook's URL id and secret (`Manager::hook`, `Created::hook`).
pub use crate::store::hooks::Hook;
/// A notice waiting for delivery (`Manager::outbox`).
pub use crate::store::outbox::Waiting;
/// A workflow's last ended run (`Manager::last_runs`).
pub use crate::store::runs::LastRun;

/// How manage starts runs and tells the scheduler to look again; the app
/// implements it over its scheduler.
#[async_trait]
pub trait Runner: Send + Sync {
    /// Executes `run` of `workflow`, recorded by manage and leased to this
    /// node; returns when it ends or, with `wait`, when that passes (the run
    /// goes on and its result reaches the home chat).
    async fn execute(&self, run: Run, workflow: Workflow, wait: Option<Duration>);

    /// Something the scheduler should look at changed: a workflow created,
    /// changed, paused or resumed, an approval answered.
    fn changed(&self);
}

/// The use cases over one store.
#[derive(Clone)]
pub struct Manager {
    store: Store,
    clock: Arc<dyn Clock>,
    runner: Arc<dyn Runner>,
    /// This process's name on the leases of runs it starts.
    node: String,
    lease: TimeDelta,
    /// The operator's ceilings on every workflow's guardrails.
    ceilings: Ceilings,
    /// What each person may do, unless an admin set otherwise.
    quotas: Quotas,
    /// What the quotas remember: people's overrides, message buckets.
    limits: Arc<quotas::QuotaState>,
}

impl Manager {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        runner: Arc<dyn Runner>,
        node: impl Into<String>,
        lease: TimeDelta,
    ) -> Manager {
        Manager {
            store,
            clock,
            runner,
            node: node.into(),
            lease,
            ceilings: Ceilings::default(),
            quotas: Quotas::default(),
            limits: Arc::new(quotas::QuotaState::new()),
        }
    }

    /// The same use cases under the operator's `ceilings`.
    pub fn with_ceilings(mut self, ceilings: Ceilings) -> Manager {
        self.ceilings = ceilings;
        self
    }

    /// The same use cases under the operator's per-person `quotas` (the
    /// default for everyone an admin set nothing for).
    pub fn with_quotas(mut self, quotas: Quotas) -> Manager {
        self.quotas = quotas;
        self
    }

    /// The operator's quotas, before anyone's override.
    pub fn quotas(&self) -> &Quotas {
        &self.quotas
    }

    /// Whether `actor` may add a workflow of their own under the quota: asked
    /// before a draft is shown, so nobody answers questions for a workflow
    /// that would be refused (every create checks again).
    pub async fn may_add_workflow(&self, actor: &Actor) -> Result<(), ManageError> {
        if actor.admin {
            return Ok(());
        }
        let mut conn = self.store.connection().await?;
        self.within_workflow_quota(&mut conn, &actor.id).await
    }

    /// Refuses one more workflow for `owner` when they keep their quota's
    /// worth or more (not an admin).
    async fn within_workflow_quota(
        &self,
        conn: &mut crate::store::AnyConnection,
        owner: &str,
    ) -> Result<(), ManageError> {
        let (quotas, exempt) = self.quotas_of(owner).await?;
        if exempt {
            return Ok(());
        }
        let kept = workflows::count_kept(conn, owner).await?;
        let max = i64::from(quotas.max_workflows);
        if kept < max {
            return Ok(());
        }
        self.note_hit(owner, crate::workflow::Limit::Workflows);
        Err(ManageError::OverQuota(format!(
            "you have {kept} of {max} workflows: delete one you no longer need, or ask an admin for more"
        )))
    }

    /// The ceilings every workflow's guardrails stay under.
    pub fn ceilings(&self) -> &Ceilings {
        &self.ceilings
    }

    /// `new` with its default guardrails lowered to the operator's ceilings;
    /// a guardrail someone set above a ceiling is refused, naming it. Every
    /// create and update goes through this; a dry run may ask it first.
    pub fn within_ceilings(&self, new: &NewWorkflow) -> Result<NewWorkflow, ManageError> {
        let mut new = new.clone();
        new.definition.guardrails.lower_defaults(&self.ceilings);
        match new.definition.guardrails.over(&self.ceilings) {
            Some(over) => Err(ManageError::OverCeiling(over)),
            None => Ok(new),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The workflow `id`, when `actor` may see it; anyone else's is
    /// [`ManageError::NotFound`], never someone else's data.
    pub async fn workflow(&self, actor: &Actor, id: i64) -> Result<Workflow, ManageError> {
        let mut conn = self.store.connection().await?;
        workflows::get(&mut conn, id)
            .await?
            .filter(|w| actor.may_manage(w))
            .ok_or(ManageError::NotFound(id))
    }
}

/// Run `run_id` and its workflow, when `actor` may see it; a run of anyone
/// else's workflow is [`ManageError::RunNotFound`], as a missing one is.
async fn run_and_workflow(
    conn: &mut crate::store::AnyConnection,
    actor: &Actor,
    run_id: i64,
) -> Result<(Run, Workflow), ManageError> {
    let run = crate::store::runs::get(&mut *conn, run_id)
        .await?
        .ok_or(ManageError::RunNotFound(run_id))?;
    let workflow = workflows::get(&mut *conn, run.workflow_id)
        .await?
        .filter(|w| actor.may_manage(w))
        .ok_or(ManageError::RunNotFound(run_id))?;
    Ok((run, workflow))
}
