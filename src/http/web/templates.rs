//! The template catalogue (built-in and the person's own) and filling one
//! in: a form built from its placeholders, instantiated through the same
//! function as the REST API's.

use askama::Template as _;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::BTreeMap;

use super::super::rest::templates::filled;
use super::super::ApiState;
use super::page::{render, Nav, WebError};
use super::session::Signed;
use crate::workflow::catalogue::{Filling, Template};

#[derive(askama::Template)]
#[template(path = "templates.html")]
struct Catalogue {
    nav: Nav,
    templates: Vec<Card>,
}

struct Card {
    id: String,
    name: String,
    description: String,
    category: String,
    schedule: String,
    own: bool,
    /// The placeholders it asks for, in words.
    blanks: String,
}

#[derive(askama::Template)]
#[template(path = "template.html")]
struct FillIn {
    nav: Nav,
    id: String,
    name: String,
    description: String,
    error: Option<String>,
    chosen_name: String,
    schedule: String,
    fields: Vec<Field>,
}

struct Field {
    name: String,
    description: String,
    example: String,
    required: bool,
    secret: bool,
    /// What was typed (never a secret's).
    value: String,
}

/// `GET /templates`.
pub async fn list(State(state): State<ApiState>, signed: Signed) -> Result<Response, WebError> {
    let templates = state.rest.manager.templates(&signed.actor).await?;
    let page = Catalogue {
        nav: signed.nav("templates"),
        templates: templates
            .into_iter()
            .map(|t| Card {
                blanks: t
                    .placeholders
                    .iter()
                    .map(|p| p.description.to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", "),
                own: t.owner.is_some(),
                id: t.id,
                name: t.name,
                description: t.description,
                category: t.category,
                schedule: t.schedule,
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

/// The form of `template`, with what was typed and what went wrong.
fn form(
    signed: &Signed,
    template: &Template,
    typed: &BTreeMap<String, String>,
    error: Option<String>,
) -> FillIn {
    let given = |key: &str| typed.get(key).cloned();
    FillIn {
        nav: signed.nav("templates"),
        id: template.id.clone(),
        name: template.name.clone(),
        description: template.description.clone(),
        error,
        chosen_name: given("name").unwrap_or_else(|| template.name.clone()),
        schedule: given("schedule").unwrap_or_else(|| template.schedule.clone()),
        fields: template
            .placeholders
            .iter()
            .map(|p| Field {
                name: p.name.clone(),
                description: p.description.clone(),
                example: p.example.clone(),
                required: p.required,
                secret: p.secret,
                value: if p.secret {
                    String::new()
                } else {
                    given(&format!("p.{}", p.name))
                        .or_else(|| p.default.clone())
                        .unwrap_or_default()
                },
            })
            .collect(),
    }
}

/// `GET /templates/{id}`: the form.
pub async fn show(
    State(state): State<ApiState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let template = state.rest.manager.template(&signed.actor, &id).await?;
    Ok(render(&form(&signed, &template, &BTreeMap::new(), None))?.into_response())
}

/// `POST /templates/{id}`: creates the workflow, or shows the form again
/// with the reason.
pub async fn instantiate(
    State(state): State<ApiState>,
    signed: Signed,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let typed: BTreeMap<String, String> = fields.into_iter().collect();
    signed.check(typed.get("csrf").map_or("", String::as_str))?;
    let manager = &state.rest.manager;
    let template = manager.template(&signed.actor, &id).await?;
    let values: BTreeMap<String, String> = typed
        .iter()
        .filter_map(|(key, value)| {
            let name = key.strip_prefix("p.")?;
            let value = value.trim();
            (!value.is_empty()).then(|| (name.to_string(), value.to_string()))
        })
        .collect();
    let filling = Filling {
        values,
        schedule: typed
            .get("schedule")
            .map(|s| s.trim())
            .filter(|s| !s.is_empty()),
        name: typed
            .get("name")
            .map(|s| s.trim())
            .filter(|s| !s.is_empty()),
    };
    let refused = |message: String| -> Result<Response, WebError> {
        let page = form(&signed, &template, &typed, Some(message));
        let html = page.render().map_err(|_| WebError::internal())?;
        Ok((StatusCode::BAD_REQUEST, axum::response::Html(html)).into_response())
    };
    let new = match filled(&state.rest, &template, &signed.actor.id, &filling, |_| {}) {
        Ok(new) => new,
        Err((_, message)) => return refused(message),
    };
    let mut change = manager.change(&signed.actor, None).await?;
    let created = match change.create(&new).await {
        Ok(created) => created,
        Err(error) => return refused(error.for_user()),
    };
    change.commit().await?;
    // A webhook's secret is shown once, in a private chat, not here.
    let done = if created.hook.is_some() {
        "created-hook"
    } else {
        "created"
    };
    Ok(Redirect::to(&format!("/workflows/{}?done={done}", created.id)).into_response())
}
