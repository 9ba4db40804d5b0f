//! `/api/v1/runs`: the run log (filtered, paged newest first), one run with
//! its steps, and answers to a run's approval request.

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};

use super::super::error::ApiError;
use super::super::ApiState;
use super::cursor;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{PageView, RunView};
use crate::manage::{RunFilter, MAX_PAGE};
use crate::workflow::RunStatus;

/// `GET /api/v1/runs?workflow=&status=&since=&until=&limit=&cursor=`;
/// `status` may list several, comma-separated.
pub async fn list(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Json<PageView<RunView>>, ApiError> {
    let params = input::query(
        raw.as_deref(),
        &["workflow", "status", "since", "until", "limit", "cursor"],
    )?;
    let statuses = match params.get("status") {
        None => Vec::new(),
        Some(text) => text
            .split(',')
            .map(|s| s.trim().parse::<RunStatus>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                let all: Vec<&str> = RunStatus::ALL.iter().map(|s| s.as_str()).collect();
                ApiError::bad_request(format!("status must be one or more of {}", all.join(", ")))
                    .on("status")
            })?,
    };
    let filter = RunFilter {
        workflow: input::number(&params, "workflow", 1..=i64::MAX)?,
        statuses,
        since: input::instant(&params, "since")?,
        until: input::instant(&params, "until")?,
        before: params.get("cursor").map(|c| cursor::run(c)).transpose()?,
        limit: input::number(&params, "limit", 1..=MAX_PAGE)?.unwrap_or(50),
    };
    let page = state
        .rest
        .manager
        .run_page(&caller.actor, &filter)
        .await
        .map_err(refused)?;
    let next_cursor = page
        .more
        .then(|| {
            page.items
                .last()
                .map(|r| cursor::after_run(r.scheduled_for, r.id))
        })
        .flatten();
    Ok(Json(PageView {
        items: page.items.iter().map(RunView::of).collect(),
        next_cursor,
    }))
}

/// `GET /api/v1/runs/{id}`: with its steps, outputs, usage and delivery errors.
pub async fn get(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    let id = input::id(&id)?;
    let (run, steps) = state
        .rest
        .manager
        .run(&caller.actor, id)
        .await
        .map_err(refused)?;
    Ok(Json(RunView::with_steps(&run, &steps)))
}

/// `POST /api/v1/runs/{id}/approve`
pub async fn approve(
    state: State<ApiState>,
    caller: Extension<Caller>,
    id: Path<String>,
) -> Result<Json<RunView>, ApiError> {
    answer(state, caller, id, true).await
}

/// `POST /api/v1/runs/{id}/reject`
pub async fn reject(
    state: State<ApiState>,
    caller: Extension<Caller>,
    id: Path<String>,
) -> Result<Json<RunView>, ApiError> {
    answer(state, caller, id, false).await
}

/// Answers the run's open approval request; the run as it is then (it
/// continues at the scheduler's next look).
async fn answer(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    approve: bool,
) -> Result<Json<RunView>, ApiError> {
    let id = input::id(&id)?;
    let manager = &state.rest.manager;
    manager
        .answer(&caller.actor, id, approve)
        .await
        .map_err(refused)?;
    let (run, steps) = manager.run(&caller.actor, id).await.map_err(refused)?;
    Ok(Json(RunView::with_steps(&run, &steps)))
}
