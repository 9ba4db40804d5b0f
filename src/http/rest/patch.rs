//! `PATCH /api/v1/workflows/{id}`: a JSON merge patch of the definition,
//! made only on the version the client read (`If-Match`), so two editors
//! never overwrite each other unseen.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde_json::Value;

use super::super::error::ApiError;
use super::super::ApiState;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{ErrorBody, WorkflowView};
use super::workflows::with_version;
use crate::workflow::{Definition, NewWorkflow, Workflow, WorkflowStatus};

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
    let hook = change.new_hook(id).cloned();
    change.commit().await.map_err(refused)?;
    let workflow = rest
        .manager
        .workflow(&caller.actor, id)
        .await
        .map_err(refused)?;
    let Some(hook) = hook else {
        return Ok(with_version(&workflow));
    };
    // The trigger became a webhook: its URL and secret, this once.
    let mut view =
        serde_json::to_value(super::view::WorkflowView::from(&workflow)).unwrap_or_default();
    view["hook"] = super::super::hooks::hook_json(&workflow, &hook);
    let mut response = axum::response::IntoResponse::into_response(axum::Json(view));
    if let Ok(tag) = axum::http::HeaderValue::from_str(&format!("\"{}\"", workflow.version)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_merge_patch_merges_objects_removes_nulls_and_replaces_the_rest() {
        let mut target = json!({"a": 1, "p": {"x": 1, "y": 2}, "list": [1, 2]});
        merge(
            &mut target,
            json!({"a": 2, "p": {"y": null, "z": 3}, "list": [3]}),
        );
        assert_eq!(target, json!({"a": 2, "p": {"x": 1, "z": 3}, "list": [3]}));
    }

    #[test]
    fn if_match_reads_strong_weak_and_bare_versions_and_star() {
        let read = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_MATCH, value.parse().unwrap());
            if_match(&headers).map_err(|e| e.status)
        };
        assert_eq!(read("\"3\""), Ok(Some(3)));
        assert_eq!(read("W/\"3\""), Ok(Some(3)));
        assert_eq!(read("3"), Ok(Some(3)));
        assert_eq!(read("*"), Ok(None));
        assert_eq!(read("\"abc\""), Err(StatusCode::BAD_REQUEST));
        assert_eq!(
            if_match(&HeaderMap::new()).map_err(|e| e.status),
            Err(StatusCode::PRECONDITION_REQUIRED)
        );
    }
}
