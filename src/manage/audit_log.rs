//! The audit log for admins: who changed what, newest first, with secrets
//! in the details masked.

use chrono::{DateTime, Utc};

use super::{Actor, ManageError, Manager, Page, MAX_PAGE};
use crate::store::audit_pages::{self, AuditEntry, AuditQuery};
use crate::workflow::redact::Redactor;

/// Which audit entries a page lists.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub workflow: Option<i64>,
    pub actor: Option<String>,
    /// Entries in `[since, until)`.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// After this entry, newest first.
    pub before: Option<i64>,
    pub limit: i64,
}

impl Manager {
    /// A page of the audit log, newest first: for admins only.
    pub async fn audit_page(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> Result<Page<AuditEntry>, ManageError> {
        if !actor.admin {
            return Err(ManageError::NotAllowed(
                "only an admin may read the audit log".into(),
            ));
        }
        let limit = filter.limit.clamp(1, MAX_PAGE);
        let found = audit_pages::page(
            self.store.reader(),
            &AuditQuery {
                workflow_id: filter.workflow,
                actor: filter.actor.as_deref(),
                since: filter.since,
                until: filter.until,
                before: filter.before,
                limit: limit + 1,
            },
        )
        .await?;
        // Details hold names and notes people typed, which may carry a
        // pasted token: masked by shape, as the run log is.
        let redactor = Redactor::new(Vec::new(), false);
        let masked = found
            .into_iter()
            .map(|entry| AuditEntry {
                detail: entry.detail.map(|d| redactor.secrets(&d)),
                ..entry
            })
            .collect();
        Ok(Page::of(masked, limit))
    }
}
