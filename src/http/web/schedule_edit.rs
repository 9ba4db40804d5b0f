//! Changing a workflow's schedule in words on its page: what steward reads
//! (in words, with the next fire times in the workflow's zone) is shown as
//! one types, and saving stores that reading and nothing else. Words that
//! are not about time are shown and block saving, so a schedule is never
//! stored other than as shown.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::super::ApiState;
use super::page::WebError;
use super::pages::zone_of;
use super::session::Signed;
use crate::schedule::natural::Context;
use crate::schedule::{format_local, parse_input, Schedule, Zone};
use crate::workflow::Workflow;

/// The most characters a schedule typed here may have.
const MAX_TEXT: usize = 300;

/// What the editor shows under the field.
#[derive(Default)]
pub struct Preview {
    /// What was typed.
    pub text: String,
    /// The reading in words, its machine form and its next fire times.
    pub reading: Option<(String, String, Vec<String>)>,
    /// Why it cannot be saved: unreadable, or words left that are not time.
    pub problem: Option<String>,
}

/// The reading of `text` for `workflow`, in its zone: the schedule to
/// store, or the sentence saying why not.
fn read(state: &ApiState, workflow: &Workflow, text: &str) -> Result<Schedule, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type when it should run, e.g. every weekday at 8:30.".into());
    }
    if text.chars().count() > MAX_TEXT {
        return Err(format!("At most {MAX_TEXT} characters."));
    }
    let context = Context {
        now: state.rest.clock.now(),
        zone: zone(state, workflow),
        min_interval_seconds: state.rest.min_interval_seconds,
    };
    let parsed = parse_input(text, &context)?;
    match parsed.task {
        Some(task) => Err(format!(
            "\"{task}\" is not about when it runs; take it out so only the schedule is left."
        )),
        None if parsed.schedule.is_clockless() => Err(
            "That is not a schedule on the clock; webhook and completion triggers are set in chat or the REST API.".into(),
        ),
        None => Ok(parsed.schedule),
    }
}

fn zone(state: &ApiState, workflow: &Workflow) -> Zone {
    zone_of(workflow, state.rest.default_zone)
}

/// The preview of `text` for `workflow`.
pub fn preview(state: &ApiState, workflow: &Workflow, text: Option<&str>) -> Preview {
    let Some(text) = text else {
        return Preview::default();
    };
    let zone = zone(state, workflow);
    let now = state.rest.clock.now();
    let text: String = text.chars().take(MAX_TEXT + 1).collect();
    match read(state, workflow, &text) {
        Ok(schedule) => Preview {
            reading: Some((
                schedule.describe(),
                format!("{} {}", schedule.kind(), schedule.expression()),
                schedule
                    .upcoming(now, 10)
                    .into_iter()
                    .map(|at| format_local(at, zone))
                    .collect(),
            )),
            text,
            problem: None,
        },
        Err(problem) => Preview {
            text,
            reading: None,
            problem: Some(problem),
        },
    }
}

#[derive(Deserialize)]
pub struct ScheduleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    schedule: String,
    /// The version the page showed: a change made meanwhile is not
    /// overwritten.
    version: i64,
}

/// `POST /workflows/{id}/schedule`: stores the schedule as the preview read it.
pub async fn save(
    State(state): State<ApiState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, WebError> {
    signed.check(&form.csrf)?;
    let manager = &state.rest.manager;
    let workflow = manager.workflow(&signed.actor, id).await?;
    let schedule = read(&state, &workflow, &form.schedule)
        .map_err(|problem| WebError::new(StatusCode::BAD_REQUEST, "That did not work", &problem))?;
    let mut definition = workflow.to_definition();
    definition.trigger.timezone = Some(schedule.zone.name().to_string());
    let new = definition
        .validate_with_schedule(schedule)
        .map_err(|e| WebError::new(StatusCode::BAD_REQUEST, "That did not work", &e.message))?;
    let mut change = manager.change(&signed.actor, None).await?;
    change
        .update_at_version(id, &new, Some(form.version))
        .await?;
    change.commit().await?;
    Ok(Redirect::to(&format!("/workflows/{id}?done=rescheduled")).into_response())
}
