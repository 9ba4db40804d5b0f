//! `/admin`, for admins: health (the writers, the due backlog and how far
//! behind it is, the last claim), the outbox, notices not delivered, and
//! the audit log. Everyone else gets 404, as for anything not theirs.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::super::ApiState;
use super::page::{render, Nav, WebError};
use super::session::Signed;
use crate::manage::{AuditFilter, Health, Waiting};
use crate::schedule::format_local;
use crate::workflow::quotas::seconds_words;

#[derive(Template)]
#[template(path = "admin.html")]
struct Admin {
    nav: Nav,
    health: Health,
    behind: Option<String>,
    last_claim: String,
    now: String,
    outbox: Vec<Waiting>,
    undelivered: Vec<Undelivered>,
    audit: Vec<Entry>,
    who: String,
    workflow: String,
    older: Option<i64>,
}

struct Undelivered {
    run: i64,
    /// Its place among the run's undelivered notices.
    index: usize,
    workflow_id: i64,
    when: String,
    to: String,
    error: String,
}

struct Entry {
    when: String,
    actor: String,
    action: String,
    workflow_id: Option<i64>,
    detail: String,
}

#[derive(Deserialize, Default)]
pub struct AdminQuery {
    #[serde(default)]
    who: String,
    #[serde(default)]
    workflow: String,
    before: Option<i64>,
    #[serde(default)]
    done: String,
}

/// Audit entries a page shows.
const AUDIT_PAGE: i64 = 50;

/// `GET /admin`.
pub async fn show(
    State(state): State<ApiState>,
    signed: Signed,
    Query(query): Query<AdminQuery>,
) -> Result<Response, WebError> {
    if !signed.actor.admin {
        return Err(WebError::not_found());
    }
    let manager = &state.rest.manager;
    let actor = &signed.actor;
    let zone = state.rest.default_zone;
    let health = manager.health(actor).await?;
    let outbox = manager.outbox(actor).await?;
    let undelivered = manager
        .undelivered(actor, 7)
        .await?
        .iter()
        .flat_map(|run| {
            run.delivery_errors
                .iter()
                .enumerate()
                .map(move |(index, entry)| {
                    let field = |key: &str| {
                        entry
                            .get(key)
                            .and_then(Value::as_str)
                            .unwrap_or("?")
                            .to_string()
                    };
                    Undelivered {
                        run: run.id,
                        index,
                        workflow_id: run.workflow_id,
                        when: field("at"),
                        to: field("to"),
                        error: field("error"),
                    }
                })
        })
        .collect();
    let who = query.who.trim().to_string();
    let workflow = query.workflow.trim().to_string();
    let audit = manager
        .audit_page(
            actor,
            &AuditFilter {
                actor: (!who.is_empty()).then(|| who.clone()),
                workflow: workflow.parse().ok(),
                before: query.before,
                limit: AUDIT_PAGE,
                ..AuditFilter::default()
            },
        )
        .await?;
    let older = audit
        .more
        .then(|| audit.items.last().map(|e| e.id))
        .flatten();
    let mut nav = signed.nav("admin");
    nav.notice = match query.done.as_str() {
        "retried" => {
            Some("Sent again: it is in the outbox, and shows below again if it fails again.".into())
        }
        "gone" => Some("That notice was already taken back (by another admin?).".into()),
        _ => None,
    };
    let page = Admin {
        nav,
        behind: health
            .behind
            .map(|late| seconds_words(late.num_seconds().max(0) as u64)),
        last_claim: health
            .last_claim
            .map_or("none in this process yet".into(), |at| {
                format_local(at, zone)
            }),
        now: format_local(health.now, zone),
        health,
        outbox,
        undelivered,
        audit: audit
            .items
            .into_iter()
            .map(|e| Entry {
                when: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                actor: e.actor,
                action: e.action,
                workflow_id: e.workflow_id,
                detail: e.detail.unwrap_or_default(),
            })
            .collect(),
        who,
        workflow,
        older,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct RetryForm {
    #[serde(default)]
    csrf: String,
    run: i64,
    index: usize,
}

/// `POST /admin/retry`: sends an undelivered notice again, through the
/// outbox like any notice.
pub async fn retry(
    State(state): State<ApiState>,
    signed: Signed,
    axum::Form(form): axum::Form<RetryForm>,
) -> Result<Response, WebError> {
    signed.check(&form.csrf)?;
    if !signed.actor.admin {
        return Err(WebError::not_found());
    }
    let notice = state
        .rest
        .manager
        .retry_delivery(&signed.actor, form.run, form.index)
        .await?;
    let done = match notice {
        Some(notice) => {
            state.web.notifier.notify(notice).await;
            "retried"
        }
        None => "gone",
    };
    Ok(axum::response::Redirect::to(&format!("/admin?done={done}")).into_response())
}
