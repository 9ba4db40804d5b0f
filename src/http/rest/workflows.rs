//! `/api/v1/workflows` and `/api/v1/workflows/{id}`: list, create (or check
//! with `?dry_run=true`), read, change with `If-Match`, delete.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::super::error::ApiError;
use super::super::ApiState;
use super::cursor;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{instant, PageView, WorkflowView};
use crate::manage::{WorkflowFilter, MAX_PAGE};
use crate::workflow::{Definition, NewWorkflow, Workflow, WorkflowStatus};

/// How many fire times a dry run shows.
const DRY_RUN_TIMES: usize = 5;

/// `GET /api/v1/workflows?status=&owner=&q=&limit=&cursor=`
pub async fn list(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Json<PageView<WorkflowView>>, ApiError> {
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
    Ok(Json(PageView {
        items: page.items.iter().map(WorkflowView::from).collect(),
        next_cursor,
    }))
}

/// `POST /api/v1/workflows[?dry_run=true]` with a definition
/// (docs/workflows.md); the owner defaults to the key's user.
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
fn reading(new: &NewWorkflow, now: chrono::DateTime<chrono::Utc>) -> Value {
    let schedule = &new.schedule;
    let next: Vec<String> = schedule
        .upcoming(now, DRY_RUN_TIMES)
        .into_iter()
        .map(instant)
        .collect();
    json!({
        "valid": true,
        "name": new.definition.name.trim(),
        "owner": new.definition.owner.trim(),
        "trigger": {
            "kind": schedule.kind(),
            "expression": schedule.expression(),
            "timezone": schedule.zone.name(),
            "description": schedule.describe(),
        },
        "next": next,
        "paused": new.definition.paused,
    })
}

/// `GET /api/v1/workflows/{id}`
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
