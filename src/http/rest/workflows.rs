//! `/api/v1/workflows` and `/api/v1/workflows/{id}`: list, create (or check
//! with `?dry_run=true`), read, change with `If-Match`, delete.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::Value;

use super::super::error::ApiError;
use super::super::ApiState;
use super::cursor;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{instant, DryRunTrigger, DryRunView, ErrorBody, WorkflowPage, WorkflowView};
use crate::manage::{WorkflowFilter, MAX_PAGE};
use crate::workflow::{Definition, NewWorkflow, Workflow, WorkflowStatus};

/// How many fire times a dry run shows.
const DRY_RUN_TIMES: usize = 5;

/// `GET /api/v1/workflows?status=&owner=&q=&limit=&cursor=`
#[utoipa::path(
    get,
    path = "/api/v1/workflows",
    tag = "workflows",
    summary = "List workflows",
    params(
        ("status" = Option<String>, Query, description = "active, paused or completed"),
        ("owner" = Option<String>, Query, description = "One owner's (admin keys only)"),
        ("q" = Option<String>, Query, description = "Names containing this, any case"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 50"),
        ("cursor" = Option<String>, Query, description = "The previous page's next_cursor")
    ),
    responses(
        (status = 200, description = "A page of workflows, lowest id first", body = WorkflowPage),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 403, description = "Another owner's list asked with a user key", body = ErrorBody),
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
) -> Result<Json<WorkflowPage>, ApiError> {
    let params = input::query(raw.as_deref(), &["status", "owner", "q", "limit", "cursor"])?;
    let status = params
        .get("status")
        .map(|text| {
            WorkflowStatus::parse(text).ok_or_else(|| {
                ApiError::bad_request("status must be active, paused or completed").on("status")
            })
        })
        .transpose()?;
    let filter = WorkflowFilter {
        status,
        owner: params.get("owner").cloned(),
        q: params.get("q").cloned().filter(|q| !q.is_empty()),
        after: params
            .get("cursor")
            .map(|c| cursor::workflow(c))
            .transpose()?,
        limit: input::number(&params, "limit", 1..=MAX_PAGE)?.unwrap_or(50),
    };
    let page = state
        .rest
        .manager
        .workflow_page(&caller.actor, &filter)
        .await
        .map_err(refused)?;
    let next_cursor = page
        .more
        .then(|| page.items.last().map(|w| cursor::after_workflow(w.id)))
        .flatten();
    Ok(Json(WorkflowPage {
        items: page.items.iter().map(WorkflowView::from).collect(),
        next_cursor,
    }))
}

/// `POST /api/v1/workflows[?dry_run=true]` with a definition
/// (docs/workflows.md); the owner defaults to the key's user.
#[utoipa::path(
    post,
    path = "/api/v1/workflows",
    tag = "workflows",
    summary = "Create a workflow, or check one with dry_run",
    request_body(content = Object, description = "A workflow definition (docs/workflows.md); `owner` defaults to the key's user"),
    params(
        ("dry_run" = Option<bool>, Query, description = "Validate and read it without storing"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")
    ),
    responses(
        (status = 201, description = "Created; `Location` and `ETag` set", body = WorkflowView),
        (status = 200, description = "The dry run's reading", body = DryRunView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 403, description = "A user key creating for another owner", body = ErrorBody),
        (status = 409, description = "Not possible in its current state (already paused, no open approval)", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape or a definition that does not validate (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn create(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let params = input::query(raw.as_deref(), &["dry_run"])?;
    let dry_run = input::flag(&params, "dry_run")?;
    let mut value = input::json_body(body)
        .await?
        .ok_or_else(|| ApiError::unprocessable("send a workflow definition as JSON"))?;
    if let Some(object) = value.as_object_mut() {
        object
            .entry("owner")
            .or_insert_with(|| Value::String(caller.actor.id.clone()));
    }
    let definition: Definition = input::shaped(value)?;
    if definition.owner.trim() != caller.actor.id && !caller.actor.admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "a key creates workflows only for its own user; leave owner out",
        )
        .on("owner"));
    }
    let rest = &state.rest;
    let now = rest.clock.now();
    let new = definition
        .validate_fields(now, rest.default_zone, rest.min_interval_seconds)
        .map_err(|e| ApiError::unprocessable(e.message).on(e.field))?;
    let new = rest.manager.within_ceilings(&new).map_err(refused)?;
    if dry_run {
        return Ok(Json(reading(&new, now)).into_response());
    }
    let mut change = rest
        .manager
        .change(&caller.actor, None)
        .await
        .map_err(refused)?;
    let created = change.create(&new).await.map_err(refused)?;
    change.commit().await.map_err(refused)?;
    let workflow = rest
        .manager
        .workflow(&caller.actor, created.id)
        .await
        .map_err(refused)?;
    let Some(hook) = &created.hook else {
        return Ok(created_response(&workflow));
    };
    // A webhook workflow: its URL and secret, this once.
    let mut view = serde_json::to_value(WorkflowView::from(&workflow)).unwrap_or_default();
    view["hook"] = super::super::hooks::hook_json(&workflow, hook);
    let mut response = (StatusCode::CREATED, Json(view)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/workflows/{}", workflow.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// A 201 with the workflow, its address and its version.
pub fn created_response(workflow: &Workflow) -> Response {
    let mut response = (StatusCode::CREATED, with_version(workflow)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/workflows/{}", workflow.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The workflow with `ETag: "<version>"`.
pub fn with_version(workflow: &Workflow) -> Response {
    let mut response = Json(WorkflowView::from(workflow)).into_response();
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{}\"", workflow.version)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// What a dry run answers: the definition as read, without storing it.
pub(super) fn reading(new: &NewWorkflow, now: chrono::DateTime<chrono::Utc>) -> DryRunView {
    let schedule = &new.schedule;
    DryRunView {
        valid: true,
        name: new.definition.name.trim().to_string(),
        owner: new.definition.owner.trim().to_string(),
        trigger: DryRunTrigger {
            kind: schedule.kind(),
            expression: schedule.expression(),
            timezone: schedule.zone.name().to_string(),
            description: schedule.describe(),
        },
        next: schedule
            .upcoming(now, DRY_RUN_TIMES)
            .into_iter()
            .map(instant)
            .collect(),
        paused: new.definition.paused,
    }
}

/// `GET /api/v1/workflows/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/workflows/{id}",
    tag = "workflows",
    summary = "Read a workflow",
    params(
        ("id" = i64, Path, description = "The workflow's id")
    ),
    responses(
        (status = 200, description = "The workflow; `ETag` is its version", body = WorkflowView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = input::id(&id)?;
    let workflow = state
        .rest
        .manager
        .workflow(&caller.actor, id)
        .await
        .map_err(refused)?;
    Ok(with_version(&workflow))
}

/// `DELETE /api/v1/workflows/{id}`: the workflow and its runs; 204.
#[utoipa::path(
    delete,
    path = "/api/v1/workflows/{id}",
    tag = "workflows",
    summary = "Delete a workflow and its runs",
    params(
        ("id" = i64, Path, description = "The workflow's id")
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = input::id(&id)?;
    let mut change = state
        .rest
        .manager
        .change(&caller.actor, None)
        .await
        .map_err(refused)?;
    change.delete(id).await.map_err(refused)?;
    change.commit().await.map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}
