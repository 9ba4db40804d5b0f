//! What the REST API answers about templates: the template with its
//! placeholders described (never a value), and pages of them.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::workflow::catalogue::{PlaceholderSpec, Template};

/// A workflow template.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    /// A slug for the built-in ones, `user-<n>` for saved ones.
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: String,
    /// `builtin` or `user`.
    #[schema(value_type = String)]
    pub source: &'static str,
    /// Whose saved template it is; null for the built-in ones.
    pub owner: Option<String>,
    /// The schedule used when none is given.
    pub default_schedule: String,
    pub timezone: Option<String>,
    pub instruction: Option<String>,
    /// The steps, with `{{KEY:name}}` placeholders (docs/workflows.md).
    #[schema(value_type = Vec<Object>)]
    pub steps: Value,
    /// Whether running it needs an LLM (an agent step).
    pub needs_llm: bool,
    pub placeholders: Vec<PlaceholderView>,
}

/// One placeholder of a template.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceholderView {
    pub name: String,
    pub description: String,
    pub example: String,
    pub required: bool,
    /// Never shown back once set, never kept in a template.
    pub secret: bool,
    /// What an optional one is when left out.
    pub default: Option<String>,
}

/// A page of templates (built-in first, then saved ones oldest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplatePage {
    pub items: Vec<TemplateView>,
    pub next_cursor: Option<String>,
}

impl From<&PlaceholderSpec> for PlaceholderView {
    fn from(p: &PlaceholderSpec) -> PlaceholderView {
        PlaceholderView {
            name: p.name.clone(),
            description: p.description.clone(),
            example: p.example.clone(),
            required: p.required,
            secret: p.secret,
            default: p.default.clone(),
        }
    }
}

impl From<&Template> for TemplateView {
    fn from(t: &Template) -> TemplateView {
        TemplateView {
            id: t.id.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
            category: t.category.clone(),
            source: if t.owner.is_some() { "user" } else { "builtin" },
            owner: t.owner.clone(),
            default_schedule: t.schedule.clone(),
            timezone: t.timezone.clone(),
            instruction: t.instruction.clone(),
            steps: t.steps.clone(),
            needs_llm: t.needs_llm(),
            placeholders: t.placeholders.iter().map(PlaceholderView::from).collect(),
        }
    }
}
