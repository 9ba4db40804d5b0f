//! `GET /api/v1/tools`: the tools an `agent` step can be given, the
//! built-ins and each configured MCP server's (name, description, schema).
//! A server that is down is named in `failed`; the others still answer.
//! The list comes through [`ToolCatalog`], which the app implements over
//! the engine, so this module needs none.

use async_trait::async_trait;
use axum::extract::{RawQuery, State};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::super::error::ApiError;
use super::super::ApiState;
use super::input;
use super::view::ErrorBody;

/// Where the tools come from; the app implements it.
#[async_trait]
pub trait ToolCatalog: Send + Sync {
    async fn tools(&self) -> ToolsView;
}

/// One tool.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ToolView {
    /// As a workflow's `tools` list names it: `http_request`, `server.tool`.
    pub name: String,
    /// `builtin`, or the MCP server's name.
    pub source: String,
    pub description: String,
    /// The JSON Schema of its arguments.
    #[schema(value_type = Object)]
    pub schema: Value,
}

/// An MCP server whose tools could not be listed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FailedServer {
    pub server: String,
    pub error: String,
}

/// Every tool, and the servers that failed.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct ToolsView {
    pub tools: Vec<ToolView>,
    pub failed: Vec<FailedServer>,
}

/// `GET /api/v1/tools`
#[utoipa::path(
    get,
    path = "/api/v1/tools",
    tag = "tools",
    summary = "List the tools agent steps can use",
    responses(
        (status = 200, description = "Built-in and MCP tools; MCP servers that failed are named in `failed`", body = ToolsView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<ApiState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ToolsView>, ApiError> {
    input::query(raw.as_deref(), &[])?;
    Ok(Json(match &state.rest.tools {
        Some(catalog) => catalog.tools().await,
        None => ToolsView::default(),
    }))
}
