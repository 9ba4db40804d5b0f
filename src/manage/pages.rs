//! Pages of workflows and runs for programs (the REST API): a person's own,
//! an admin's everyone's, in a stable order after a cursor.

use chrono::{DateTime, Utc};

use super::{Actor, ManageError, Manager};
use crate::store::runs::{self, HistoryQuery};
use crate::store::workflow_pages::{self, PageQuery};
use crate::workflow::{Run, RunStatus, Workflow, WorkflowStatus};

/// The most items one page holds.
pub const MAX_PAGE: i64 = 100;

/// Which workflows a page lists.
#[derive(Clone, Debug, Default)]
pub struct WorkflowFilter {
    pub status: Option<WorkflowStatus>,
    /// One owner's (an admin's question; a person always sees only theirs).
    pub owner: Option<String>,
    /// Names containing this.
    pub q: Option<String>,
    /// After this workflow id.
    pub after: Option<i64>,
    pub limit: i64,
}

/// Which runs a page lists.
#[derive(Clone, Debug, Default)]
pub struct RunFilter {
    pub workflow: Option<i64>,
    pub statuses: Vec<RunStatus>,
    /// Slots in `[since, until)`.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// After this run in the order (slot, id), newest first.
    pub before: Option<(DateTime<Utc>, i64)>,
    pub limit: i64,
}

/// A page and whether more follow.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub more: bool,
}

impl<T> Page<T> {
    /// `limit` items of `found` (asked for one more), and whether there were more.
    pub(super) fn of(mut found: Vec<T>, limit: i64) -> Page<T> {
        let more = found.len() as i64 > limit;
        found.truncate(limit as usize);
        Page { items: found, more }
    }
}

impl Manager {
    /// A page of the workflows `actor` may see, lowest id first. Asking for
    /// another owner's is refused to anyone but an admin.
    pub async fn workflow_page(
        &self,
        actor: &Actor,
        filter: &WorkflowFilter,
    ) -> Result<Page<Workflow>, ManageError> {
        let owner = match (&filter.owner, actor.admin) {
            (Some(owner), true) => Some(owner.as_str()),
            (None, true) => None,
            (Some(owner), false) if *owner != actor.id => {
                return Err(ManageError::NotAllowed(
                    "owner: only an admin key lists other people's workflows".into(),
                ))
            }
            (_, false) => Some(actor.id.as_str()),
        };
        let limit = filter.limit.clamp(1, MAX_PAGE);
        let found = workflow_pages::page(
            self.store.reader(),
            &PageQuery {
                owner,
                status: filter.status,
                name_contains: filter.q.as_deref(),
                after: filter.after,
                limit: limit + 1,
            },
        )
        .await?;
        Ok(Page::of(found, limit))
    }

    /// A page of the runs `actor` may see, newest slot first: of one
    /// workflow they may see, of all theirs, or an admin's everyone's.
    pub async fn run_page(
        &self,
        actor: &Actor,
        filter: &RunFilter,
    ) -> Result<Page<Run>, ManageError> {
        if let Some(id) = filter.workflow {
            self.workflow(actor, id).await?;
        }
        let limit = filter.limit.clamp(1, MAX_PAGE);
        let owner = (filter.workflow.is_none() && !actor.admin).then_some(actor.id.as_str());
        let found = runs::history(
            self.store.reader(),
            &HistoryQuery {
                owner,
                workflow_id: filter.workflow,
                statuses: filter.statuses.clone(),
                since: filter.since,
                until: filter.until,
                before: filter.before,
                limit: limit + 1,
            },
        )
        .await?;
        let runs = found.into_iter().map(|(run, _)| run).collect();
        Ok(Page::of(runs, limit))
    }
}
