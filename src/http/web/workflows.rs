//! The workflows list and a workflow's page, with its actions: pause,
//! resume, run now, skip the next run, snooze, delete. Every action goes
//! through `manage`, checks the form's CSRF token, and comes back to the
//! workflow's page with a line saying what it did.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::TimeDelta;
use serde::Deserialize;
use std::time::Duration;

use super::super::ApiState;
use super::chart;
use super::page::{render, WebError};
use super::pages::{
    zone_of, ConfirmDelete, RunRow, WorkflowDetail, WorkflowPage, WorkflowRow, Workflows, STATUSES,
};
use super::schedule_edit;
use super::session::{CsrfForm, Signed};
use crate::manage::{RunFilter, WorkflowFilter};
use crate::workflow::WorkflowStatus;

/// Workflows a page of the list holds.
const PAGE: i64 = 50;
/// Runs a workflow's page lists.
const RECENT_RUNS: i64 = 20;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    after: Option<i64>,
    /// What the last action did (`done=paused`...).
    #[serde(default)]
    done: String,
}

/// `GET /`: the person's workflows (an admin's: everyone's, with owners).
pub async fn list(
    State(state): State<ApiState>,
    signed: Signed,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let manager = &state.rest.manager;
    let q = query.q.trim().chars().take(100).collect::<String>();
    let status = WorkflowStatus::parse(&query.status);
    let filter = WorkflowFilter {
        status,
        owner: None,
        q: (!q.is_empty()).then(|| q.clone()),
        after: query.after,
        limit: PAGE,
    };
    let page = manager.workflow_page(&signed.actor, &filter).await?;
    let last = manager.last_runs(&signed.actor, &page.items).await?;
    let zone = state.rest.default_zone;
    let rows = page
        .items
        .iter()
        .map(|w| WorkflowRow::new(w, last.get(&w.id), zone))
        .collect();
    let mut nav = signed.nav("workflows");
    nav.notice = notice(&query.done);
    let encode =
        |text: &str| -> String { url::form_urlencoded::byte_serialize(text.as_bytes()).collect() };
    let status_name = status.map_or("", |s| s.as_str());
    let refresh = match query.after {
        Some(after) => format!("/?q={}&status={status_name}&after={after}", encode(&q)),
        None => format!("/?q={}&status={status_name}", encode(&q)),
    };
    let page = Workflows {
        nav,
        refresh,
        everyone: signed.actor.admin,
        more_after: page.more.then(|| page.items.last().map(|w| w.id)).flatten(),
        rows,
        q,
        status: status.map_or("", |s| s.as_str()).to_string(),
        statuses: STATUSES,
    };
    Ok(render(&page)?.into_response())
}

/// `GET /workflows/{id}`.
pub async fn show(
    State(state): State<ApiState>,
    signed: Signed,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let manager = &state.rest.manager;
    let workflow = manager.workflow(&signed.actor, id).await?;
    let runs = manager
        .run_page(
            &signed.actor,
            &RunFilter {
                workflow: Some(id),
                limit: RECENT_RUNS,
                ..RunFilter::default()
            },
        )
        .await?;
    let zone = zone_of(&workflow, state.rest.default_zone);
    let now = state.rest.clock.now();
    let offset = chart::offset_ms(zone, now);
    let (since, until, today) = chart::window(now, offset);
    let midnight = chart::day_start(today, offset);
    let past = match state.web.charts.get(id, offset, today) {
        Some(past) => past,
        None => {
            let past = manager
                .runs_per_day(&signed.actor, id, since, midnight, offset)
                .await?;
            state.web.charts.keep(id, offset, today, past.clone());
            past
        }
    };
    let mut counts = manager
        .runs_per_day(&signed.actor, id, midnight, until, offset)
        .await?;
    counts.extend(past);
    let mut nav = signed.nav("workflows");
    nav.notice = notice(&query.done);
    let page = WorkflowPage {
        nav,
        preview: schedule_edit::preview(&state, &workflow, query.schedule.as_deref()),
        version: workflow.version,
        chart: chart::chart(&counts, today),
        w: WorkflowDetail::new(&workflow, now, state.rest.default_zone),
        live: runs.items.iter().any(|r| !r.status.is_final()),
        runs: runs.items.iter().map(|r| RunRow::new(r, zone)).collect(),
        refresh: format!("/workflows/{id}"),
    };
    Ok(render(&page)?.into_response())
}

/// What the last action did, on the page it came back to.
#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    pub done: String,
}

/// A workflow page's query: what the last action did, a schedule to preview.
#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    done: String,
    schedule: Option<String>,
}

/// What an action's `done` parameter says at the top of the page.
pub fn notice(done: &str) -> Option<String> {
    let text = match done {
        "paused" => "Paused. It will not fire until you resume it.",
        "resumed" => "Resumed from its next slot; the paused period is not replayed.",
        "started" => "Started a run; it shows below.",
        "skipped" => "The next run will be skipped.",
        "snoozed" => "The next run was moved later.",
        "values" => "Saved the placeholder values.",
        "rescheduled" => "Saved the new schedule; the next fire times are below.",
        "deleted" => "Deleted.",
        "created" => "Created. It runs on its schedule from now on.",
        "created-hook" => "Created. Its webhook URL and secret are given once, privately: say 'show the webhook of' and its number to steward in a private chat.",
        "approved" => "Approved; the run goes on.",
        "rejected" => "Rejected; the run stops there.",
        "cancelled" => "Cancelled.",
        _ => return None,
    };
    Some(text.into())
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    input: String,
    minutes: Option<i64>,
}

/// `POST /workflows/{id}/{action}`: pause, resume, run, skip-next, snooze.
pub async fn act(
    State(state): State<ApiState>,
    signed: Signed,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    signed.check(&form.csrf)?;
    let manager = &state.rest.manager;
    let actor = &signed.actor;
    let done = match action.as_str() {
        "pause" => {
            let note = form.note.trim();
            let note = (!note.is_empty()).then(|| crate::text::clip(note, 200));
            manager.pause(actor, id, note.as_deref(), None).await?;
            "paused"
        }
        "resume" => {
            manager.resume(actor, id).await?;
            "resumed"
        }
        "run" => {
            let input = match form.input.trim() {
                "" => None,
                text => Some(serde_json::from_str(text).map_err(|e| {
                    WebError::new(
                        axum::http::StatusCode::BAD_REQUEST,
                        "That did not work",
                        &format!("The input is not JSON ({e}); leave it empty or write e.g. {{\"city\": \"Paris\"}}."),
                    )
                })?),
            };
            manager
                .run_with_input(actor, id, input.as_ref(), Some(Duration::ZERO))
                .await?;
            "started"
        }
        "skip-next" => {
            manager.skip_next(actor, id).await?;
            "skipped"
        }
        "snooze" => {
            let minutes = form.minutes.unwrap_or(30).clamp(1, 30 * 24 * 60);
            manager
                .snooze(actor, id, TimeDelta::minutes(minutes))
                .await?;
            "snoozed"
        }
        _ => return Err(WebError::not_found()),
    };
    Ok(Redirect::to(&format!("/workflows/{id}?done={done}")).into_response())
}

/// `POST /workflows/{id}/placeholders`: sets the values typed (`p.NAME`);
/// a field left empty keeps its value, so a secret never shown stays.
pub async fn placeholders(
    State(state): State<ApiState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let csrf = fields
        .iter()
        .find(|(key, _)| key == "csrf")
        .map_or("", |(_, value)| value.as_str());
    signed.check(csrf)?;
    let values: std::collections::BTreeMap<String, String> = fields
        .iter()
        .filter_map(|(key, value)| {
            let name = key.strip_prefix("p.")?;
            (!value.trim().is_empty()).then(|| (name.to_string(), value.trim().to_string()))
        })
        .collect();
    if !values.is_empty() {
        state
            .rest
            .manager
            .set_placeholders(&signed.actor, id, &values)
            .await?;
    }
    Ok(Redirect::to(&format!("/workflows/{id}?done=values")).into_response())
}

/// `GET /workflows/{id}/delete`: asks first.
pub async fn confirm_delete(
    State(state): State<ApiState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let workflow = state.rest.manager.workflow(&signed.actor, id).await?;
    let page = ConfirmDelete {
        nav: signed.nav("workflows"),
        id,
        name: workflow.name,
    };
    Ok(render(&page)?.into_response())
}

/// `POST /workflows/{id}/delete`.
pub async fn delete(
    State(state): State<ApiState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed.check(&form.csrf)?;
    let mut change = state.rest.manager.change(&signed.actor, None).await?;
    change.delete(id).await?;
    change.commit().await?;
    Ok(Redirect::to("/?done=deleted").into_response())
}
