//! `GET /api/v1/openapi.json`: the REST API's OpenAPI 3.1 document, made by
//! utoipa from the handlers' `#[utoipa::path]` annotations and the answer
//! types, so it changes with the code. The test `api_openapi` holds it to
//! [`super::ROUTES`] and every test answer to its schemas.

use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::template_view::{PlaceholderView, TemplatePage, TemplateView};
use super::view::{
    DryRunTrigger, DryRunView, ErrorBody, RunPage, RunView, ScheduleView, StepView, TriggerView,
    WorkflowPage, WorkflowView,
};
use super::{
    actions, audit, generate, limits, patch, runs, schedule, stats, templates, tools, workflows,
};

/// The document's description and parts.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "steward REST API",
        description = "Workflows, runs, approvals, templates and schedule readings for programs. Authenticate with a per-user key from `steward keys create` as `Authorization: Bearer stw_...`. See docs/api.md."
    ),
    paths(
        workflows::list,
        workflows::create,
        workflows::get,
        patch::patch,
        workflows::delete,
        actions::pause,
        actions::resume,
        actions::run,
        actions::skip_next,
        actions::snooze,
        actions::copy,
        runs::list,
        runs::get,
        runs::approve,
        runs::reject,
        runs::cancel,
        schedule::read,
        templates::list,
        templates::save,
        templates::get,
        templates::delete,
        templates::instantiate,
        stats::stats,
        audit::list,
        generate::generate,
        tools::list,
        limits::show,
        limits::set,
        limits::hits,
    ),
    components(schemas(
        WorkflowView,
        TriggerView,
        WorkflowPage,
        RunView,
        StepView,
        RunPage,
        ErrorBody,
        DryRunView,
        DryRunTrigger,
        ScheduleView,
        TemplateView,
        PlaceholderView,
        TemplatePage,
        stats::StatsView,
        audit::AuditView,
        audit::AuditPage,
        generate::GenerateView,
        tools::ToolView,
        limits::LimitsView,
        limits::LimitsChange,
        limits::HitView,
        tools::FailedServer,
        tools::ToolsView
    )),
    modifiers(&BearerKey),
    tags(
        (name = "workflows", description = "Create, list, read, change and delete workflows"),
        (name = "actions", description = "Pause, resume, run, skip, snooze and copy a workflow"),
        (name = "runs", description = "The run log and approvals"),
        (name = "schedule", description = "Reading schedules without storing anything"),
        (name = "templates", description = "Built-in and saved templates, and workflows made from them"),
        (name = "audit", description = "Who changed what (admin keys)"),
        (name = "tools", description = "The tools agent steps can use"),
    )
)]
pub struct ApiDoc;

/// The `api_key` security scheme: a bearer key.
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("stw_...")
                    .build(),
            ),
        );
    }
}

/// The document, open to anyone (it holds no data).
pub async fn document() -> Response {
    Json(ApiDoc::openapi()).into_response()
}
