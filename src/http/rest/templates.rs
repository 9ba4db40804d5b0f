//! `/api/v1/templates`: the built-in catalogue and the caller's saved
//! templates; filling one in creates a workflow (or checks it with
//! `?dry_run=true`), answered like `POST /api/v1/workflows`.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use std::collections::BTreeMap;

use super::super::error::ApiError;
use super::super::ApiState;
use super::cursor;
use super::input::{self, refused};
use super::keys::Caller;
use super::template_view::{TemplatePage, TemplateView};
use super::view::{DryRunView, ErrorBody, WorkflowView};
use super::workflows::{created_response, reading};
use crate::manage::MAX_PAGE;
use crate::workflow::catalogue::Filling;

/// `GET /api/v1/templates?limit=&cursor=`
#[utoipa::path(
    get,
    path = "/api/v1/templates",
    tag = "templates",
    summary = "List templates: the built-in ones, then the caller's own",
    params(
        ("limit" = Option<i64>, Query, description = "1 to 100, default 50"),
        ("cursor" = Option<String>, Query, description = "The previous page's next_cursor")
    ),
    responses(
        (status = 200, description = "A page of templates", body = TemplatePage),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
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
) -> Result<Json<TemplatePage>, ApiError> {
    let params = input::query(raw.as_deref(), &["limit", "cursor"])?;
    let after = params
        .get("cursor")
        .map(|c| cursor::template(c))
        .transpose()?;
    let limit = input::number(&params, "limit", 1..=MAX_PAGE)?.unwrap_or(50);
    let page = state
        .rest
        .manager
        .template_page(&caller.actor, after.as_deref(), limit)
        .await
        .map_err(|e| match e {
            crate::manage::ManageError::TemplateNotFound(_) => ApiError::bad_request(
                "cursor is not one this endpoint gave; send the next_cursor of the previous page unchanged",
            )
            .on("cursor"),
            other => refused(other),
        })?;
    let next_cursor = page
        .more
        .then(|| page.items.last().map(|t| cursor::after_template(&t.id)))
        .flatten();
    Ok(Json(TemplatePage {
        items: page.items.iter().map(TemplateView::from).collect(),
        next_cursor,
    }))
}

/// `GET /api/v1/templates/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/templates/{id}",
    tag = "templates",
    summary = "Read a template",
    params(("id" = String, Path, description = "The template's id: a slug or user-<n>")),
    responses(
        (status = 200, description = "The template", body = TemplateView),
        (status = 404, description = "No such template, or another user's", body = ErrorBody),
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
) -> Result<Json<TemplateView>, ApiError> {
    let template = state
        .rest
        .manager
        .template(&caller.actor, &id)
        .await
        .map_err(refused)?;
    Ok(Json(TemplateView::from(&template)))
}

/// The body of `instantiate`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstantiateBody {
    #[serde(default)]
    placeholders: BTreeMap<String, String>,
    #[serde(default)]
    schedule: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    home_chat: Option<String>,
    #[serde(default)]
    paused: bool,
}

/// `POST /api/v1/templates/{id}/instantiate[?dry_run=true]`
#[utoipa::path(
    post,
    path = "/api/v1/templates/{id}/instantiate",
    tag = "templates",
    summary = "Create a workflow from a template, or check one with dry_run",
    request_body(content = Object, description = "`{\"placeholders\": {\"URL\": \"https://...\"}, \"schedule\"?, \"name\"?, \"home_chat\"?, \"paused\"?}`"),
    params(
        ("id" = String, Path, description = "The template's id: a slug or user-<n>"),
        ("dry_run" = Option<bool>, Query, description = "Validate and read it without storing"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")
    ),
    responses(
        (status = 201, description = "Created; `Location` and `ETag` set", body = WorkflowView),
        (status = 200, description = "The dry run's reading", body = DryRunView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such template, or another user's", body = ErrorBody),
        (status = 409, description = "An Idempotency-Key still being answered", body = ErrorBody),
        (status = 422, description = "Missing required values (`field` is `placeholders.<NAME>`), a body of the wrong shape or a schedule that does not read", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn instantiate(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let params = input::query(raw.as_deref(), &["dry_run"])?;
    let dry_run = input::flag(&params, "dry_run")?;
    let body: InstantiateBody = match input::json_body(body).await? {
        Some(value) => input::shaped(value)?,
        None => InstantiateBody::default(),
    };
    let rest = &state.rest;
    let actor = &caller.actor;
    let template = rest.manager.template(actor, &id).await.map_err(refused)?;
    let filling = Filling {
        values: body.placeholders,
        schedule: body.schedule.as_deref(),
        name: body.name.as_deref(),
    };
    let now = rest.clock.now();
    let new = filled(rest, &template, &actor.id, &filling, |definition| {
        definition.home_chat = body.home_chat;
        definition.paused = body.paused;
    })
    .map_err(|(field, message)| ApiError::unprocessable(message).on(field))?;
    if dry_run {
        return Ok(Json(reading(&new, now)).into_response());
    }
    let mut change = rest.manager.change(actor, None).await.map_err(refused)?;
    let created = change.create(&new).await.map_err(refused)?;
    change.commit().await.map_err(refused)?;
    let workflow = rest
        .manager
        .workflow(actor, created.id)
        .await
        .map_err(refused)?;
    Ok(created_response(&workflow))
}

/// `template` filled in for `owner` with `filling`, `adjust`ed, and
/// checked: the workflow to create, or the field at fault ("schedule" for
/// the trigger) and why. The REST API and the dashboard instantiate
/// through this one function.
pub(crate) fn filled(
    rest: &super::Rest,
    template: &crate::workflow::catalogue::Template,
    owner: &str,
    filling: &Filling<'_>,
    adjust: impl FnOnce(&mut crate::workflow::Definition),
) -> Result<crate::workflow::NewWorkflow, (String, String)> {
    let mut definition = template
        .definition(owner, filling)
        .map_err(|e| (e.field, e.message))?;
    adjust(&mut definition);
    definition
        .validate_fields(
            rest.clock.now(),
            rest.default_zone,
            rest.min_interval_seconds,
        )
        .map_err(|e| {
            let field = match e.field {
                "trigger" | "trigger.timezone" => "schedule",
                other => other,
            };
            (field.to_string(), e.message)
        })
}

/// The body of `save`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    workflow_id: i64,
    #[serde(default)]
    name: Option<String>,
}

/// `POST /api/v1/templates` with `{"workflow_id", "name"?}`.
#[utoipa::path(
    post,
    path = "/api/v1/templates",
    tag = "templates",
    summary = "Save one of your workflows as a private template",
    request_body(content = Object, description = "`{\"workflow_id\": 3, \"name\"?: \"...\"}`; placeholder values are not kept"),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")
    ),
    responses(
        (status = 201, description = "Saved; `Location` set", body = TemplateView),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "An Idempotency-Key still being answered", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn save(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Result<Response, ApiError> {
    let body: SaveBody = input::shaped(input::json_body(body).await?.ok_or_else(|| {
        ApiError::unprocessable("send {\"workflow_id\": <id>}").on("workflow_id")
    })?)?;
    let name = body.name.as_deref().map(str::trim);
    if name.is_some_and(|n| n.is_empty() || n.chars().count() > 100) {
        return Err(
            ApiError::unprocessable("a template needs a name of 1 to 100 characters").on("name"),
        );
    }
    let saved = state
        .rest
        .manager
        .save_template(&caller.actor, body.workflow_id, name)
        .await
        .map_err(refused)?;
    let mut response = (StatusCode::CREATED, Json(TemplateView::from(&saved))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/templates/{}", saved.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `DELETE /api/v1/templates/{id}`: a saved one; 204.
#[utoipa::path(
    delete,
    path = "/api/v1/templates/{id}",
    tag = "templates",
    summary = "Delete one of your saved templates",
    params(("id" = String, Path, description = "The template's id (user-<n>)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "A built-in template", body = ErrorBody),
        (status = 404, description = "No such template, or another user's", body = ErrorBody),
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
    state
        .rest
        .manager
        .delete_template(&caller.actor, &id)
        .await
        .map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}
