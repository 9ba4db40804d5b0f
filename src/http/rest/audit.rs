//! `GET /api/v1/audit` (admin keys): who changed what, newest first,
//! filtered by workflow, actor and period, paged by cursor. Details have
//! secrets masked.

use axum::extract::{RawQuery, State};
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use super::super::error::ApiError;
use super::super::ApiState;
use super::cursor;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{instant, ErrorBody};
use crate::manage::{AuditFilter, MAX_PAGE};

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: String,
    /// Who did it: a user id, `operator`, `scheduler`...
    pub actor: String,
    pub workflow_id: Option<i64>,
    /// `create`, `update`, `delete`, `pause`, `resume`, `run-now`, `snooze`...
    pub action: String,
    /// The workflow's name or a note, secrets masked.
    pub detail: Option<String>,
}

/// A page of audit entries, newest first, and the cursor of the next.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/audit?workflow=&actor=&since=&until=&limit=&cursor=`
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    summary = "Read the audit log (admin keys)",
    params(
        ("workflow" = Option<i64>, Query, description = "One workflow's entries"),
        ("actor" = Option<String>, Query, description = "One actor's entries"),
        ("since" = Option<String>, Query, description = "At or after (RFC 3339)"),
        ("until" = Option<String>, Query, description = "Before (RFC 3339)"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 50"),
        ("cursor" = Option<String>, Query, description = "The previous page's next_cursor")
    ),
    responses(
        (status = 200, description = "A page of entries, newest first", body = AuditPage),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 403, description = "A user key (the audit log is for admin keys)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Json<AuditPage>, ApiError> {
    let params = input::query(
        raw.as_deref(),
        &["workflow", "actor", "since", "until", "limit", "cursor"],
    )?;
    let filter = AuditFilter {
        workflow: input::number(&params, "workflow", 1..=i64::MAX)?,
        actor: params.get("actor").cloned().filter(|a| !a.is_empty()),
        since: input::instant(&params, "since")?,
        until: input::instant(&params, "until")?,
        before: params.get("cursor").map(|c| cursor::audit(c)).transpose()?,
        limit: input::number(&params, "limit", 1..=MAX_PAGE)?.unwrap_or(50),
    };
    let page = state
        .rest
        .manager
        .audit_page(&caller.actor, &filter)
        .await
        .map_err(refused)?;
    let next_cursor = page
        .more
        .then(|| page.items.last().map(|e| cursor::after_audit(e.id)))
        .flatten();
    Ok(Json(AuditPage {
        items: page
            .items
            .into_iter()
            .map(|e| AuditView {
                id: e.id,
                at: instant(e.at),
                actor: e.actor,
                workflow_id: e.workflow_id,
                action: e.action,
                detail: e.detail,
            })
            .collect(),
        next_cursor,
    }))
}
