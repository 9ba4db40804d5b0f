//! `/api/v1/workflows` and `/api/v1/workflows/{id}`: list, create (or check
//! with `?dry_run=true`), read, change with `If-Match`, delete.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
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
    Ok(created_response(&workflow))
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
fn reading(new: &NewWorkflow, now: chrono::DateTime<chrono::Utc>) -> DryRunView {
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

/// `PATCH /api/v1/workflows/{id}` with `If-Match: "<version>"` and a JSON
/// merge patch (RFC 7396) of the definition; `trigger` and `steps`/`plan`
/// are replaced whole when given.
#[utoipa::path(
    patch,
    path = "/api/v1/workflows/{id}",
    tag = "workflows",
    summary = "Change a workflow (JSON merge patch of its definition)",
    request_body(content = Object, description = "The definition fields to change; null removes one; trigger and steps are replaced whole"),
    params(
        ("id" = i64, Path, description = "The workflow's id"),
        ("If-Match" = String, Header, description = "The version read (its ETag)")
    ),
    responses(
        (status = 200, description = "The changed workflow, its version one up", body = WorkflowView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape or a definition that does not validate (`field` names it)", body = ErrorBody),
        (status = 412, description = "It changed since that version", body = ErrorBody),
        (status = 428, description = "If-Match is missing", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn patch(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = input::id(&id)?;
    let version = if_match(&headers)?;
    let patch = input::json_body(body)
        .await?
        .filter(Value::is_object)
        .ok_or_else(|| ApiError::unprocessable("send the fields to change as a JSON object"))?;
    let rest = &state.rest;
    let current = rest
        .manager
        .workflow(&caller.actor, id)
        .await
        .map_err(refused)?;
    let new = patched(&state, &current, patch)?;
    let mut change = rest
        .manager
        .change(&caller.actor, None)
        .await
        .map_err(refused)?;
    change
        .update_at_version(id, &new, version)
        .await
        .map_err(refused)?;
    change.commit().await.map_err(refused)?;
    let workflow = rest
        .manager
        .workflow(&caller.actor, id)
        .await
        .map_err(refused)?;
    Ok(with_version(&workflow))
}

/// The version `If-Match` names (`"3"`, `W/"3"` or `3`); `*` is any. A PATCH
/// without it is refused with 428, so no change overwrites another unseen.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "send If-Match with the workflow's version (its ETag), e.g. If-Match: \"3\"",
        )
        .on("If-Match"));
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse::<i64>().map(Some).map_err(|_| {
        ApiError::bad_request(
            "If-Match must be the workflow's version as its ETag gives it, e.g. \"3\"",
        )
        .on("If-Match")
    })
}

/// `current`'s definition with `patch` merged in, checked.
fn patched(state: &ApiState, current: &Workflow, patch: Value) -> Result<NewWorkflow, ApiError> {
    let Value::Object(patch) = patch else {
        unreachable!("checked to be an object");
    };
    let mut base =
        serde_json::to_value(current.to_definition()).map_err(|e| ApiError::internal(&e))?;
    let trigger_changed = patch.contains_key("trigger");
    if let Some(object) = base.as_object_mut() {
        for (key, value) in patch {
            // The plan is given as "plan" or "steps", never both.
            match key.as_str() {
                "steps" => drop(object.remove("plan")),
                "plan" => drop(object.remove("steps")),
                _ => {}
            }
            match (key.as_str(), value) {
                (_, Value::Null) => drop(object.remove(&key)),
                ("trigger" | "steps" | "plan", value) => drop(object.insert(key, value)),
                (_, value) => merge(object.entry(key).or_insert(Value::Null), value),
            }
        }
    }
    let definition: Definition = input::shaped(base)?;
    if definition.owner.trim() != current.owner {
        return Err(ApiError::unprocessable(
            "a workflow's owner can't be changed; copy it instead",
        )
        .on("owner"));
    }
    if definition.paused != (current.status == WorkflowStatus::Paused) {
        return Err(ApiError::unprocessable(
            "pause and resume with POST /api/v1/workflows/{id}/pause and /resume",
        )
        .on("paused"));
    }
    let rest = &state.rest;
    let checked = if trigger_changed {
        definition.validate_fields(
            rest.clock.now(),
            rest.default_zone,
            rest.min_interval_seconds,
        )
    } else {
        let schedule = current.schedule.clone().map_err(|e| {
            ApiError::unprocessable(format!(
                "its stored schedule can't be read ({e}); send a new trigger"
            ))
            .on("trigger")
        })?;
        definition.validate_with_schedule(schedule)
    };
    checked.map_err(|e| ApiError::unprocessable(e.message).on(e.field))
}

/// RFC 7396: objects merge key by key, null removes, anything else replaces.
fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(&key);
                } else {
                    merge(target.entry(key).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch,
    }
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
