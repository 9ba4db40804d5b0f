//! A run's page (its steps, output, usage; cancel, approve, reject) and the
//! approvals waiting for the person.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use super::super::ApiState;
use super::page::{render, WebError};
use super::pages::zone_of;
use super::run_pages::{ApprovalRow, Approvals, RunDetail, RunPage, StepRow};
use super::session::{CsrfForm, Signed};
use super::workflows::{notice, Done};
use crate::schedule::format_local;

/// `GET /runs/{id}`: refreshes itself while the run is going.
pub async fn show(
    State(state): State<ApiState>,
    signed: Signed,
    Path(id): Path<i64>,
    Query(query): Query<Done>,
) -> Result<Response, WebError> {
    let manager = &state.rest.manager;
    let (run, steps) = manager.run(&signed.actor, id).await?;
    let workflow = manager.workflow(&signed.actor, run.workflow_id).await?;
    let zone = zone_of(&workflow, state.rest.default_zone);
    let mut nav = signed.nav("workflows");
    nav.notice = notice(&query.done);
    let page = RunPage {
        nav,
        live: !run.status.is_final(),
        run: RunDetail::new(&run, &workflow, zone),
        steps: steps.iter().map(StepRow::new).collect(),
    };
    Ok(render(&page)?.into_response())
}

/// `POST /runs/{id}/{action}`: approve, reject or cancel; back to the run.
pub async fn act(
    State(state): State<ApiState>,
    signed: Signed,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed.check(&form.csrf)?;
    let manager = &state.rest.manager;
    let done = match action.as_str() {
        "approve" | "reject" => {
            let approve = action == "approve";
            manager.answer(&signed.actor, id, approve).await?;
            if approve {
                "approved"
            } else {
                "rejected"
            }
        }
        "cancel" => {
            manager.cancel_run(&signed.actor, id).await?;
            "cancelled"
        }
        _ => return Err(WebError::not_found()),
    };
    Ok(Redirect::to(&format!("/runs/{id}?done={done}")).into_response())
}

/// `GET /approvals`: questions of runs waiting on the person's workflows.
pub async fn approvals(
    State(state): State<ApiState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let waiting = state.rest.manager.waiting_approvals(&signed.actor).await?;
    let zone = state.rest.default_zone;
    let items = waiting
        .into_iter()
        .map(|asking| ApprovalRow {
            run: asking.approval.run_id,
            workflow_id: asking.workflow_id,
            workflow: asking.workflow_name,
            when: format_local(asking.approval.expires_at(), zone),
            prompt: asking.approval.prompt,
        })
        .collect();
    let page = Approvals {
        nav: signed.nav("approvals"),
        items,
    };
    Ok(render(&page)?.into_response())
}
