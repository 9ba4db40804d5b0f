//! Workflow templates: a definition with `{{KEY:name}}` placeholders, each
//! described (what it is, an example, required or not, secret or not), and a
//! default schedule the person may override. The built-in catalogue is data
//! in `builtin.rs`; people save their own (stored by `store::templates`).
//! Filling one in gives a [`Definition`], checked like any other.

mod builtin;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::{Definition, Guardrails, TriggerSpec, Workflow};

/// One `{{KEY:name}}` of a template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceholderSpec {
    pub name: String,
    pub description: String,
    pub example: String,
    pub required: bool,
    /// Its value is never shown back, and never kept in a template.
    pub secret: bool,
    /// What an optional one is when left out.
    #[serde(default)]
    pub default: Option<String>,
}

/// A workflow to fill in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// A slug for the built-in ones (`website-monitor`), `user-<n>` for saved ones.
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: String,
    /// Whose it is; none for the built-in catalogue.
    #[serde(default)]
    pub owner: Option<String>,
    /// The default schedule (placeholders allowed: "every year on {{KEY:DATE}}").
    pub schedule: String,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub instruction: Option<String>,
    pub steps: Value,
    #[serde(default)]
    pub guardrails: Guardrails,
    pub placeholders: Vec<PlaceholderSpec>,
}

/// The prefix of saved templates' ids.
pub const USER_PREFIX: &str = "user-";

static BUILTIN: LazyLock<Vec<Template>> = LazyLock::new(builtin::all);

/// The built-in catalogue.
pub fn builtin() -> &'static [Template] {
    &BUILTIN
}

/// The built-in template `id`.
pub fn find_builtin(id: &str) -> Option<&'static Template> {
    BUILTIN.iter().find(|t| t.id == id)
}

/// Whether a placeholder's name says it holds a secret (`API_TOKEN`,
/// `DB_PASSWORD`, `WEBHOOK_SECRET`): such values are shown as "(set)".
/// The built-in templates' `secret` flags agree with it (a test holds them
/// to it), so a workflow made from one knows its secrets by their names.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "CREDENTIAL",
        "PRIVATE",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

/// A value as it may be shown: a secret's never.
pub fn shown_value(name: &str, value: &str) -> String {
    if is_secret_name(name) {
        "(set)".into()
    } else {
        value.to_string()
    }
}

/// Why a template could not be filled in; `field` is `placeholders.<NAME>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FillError {
    pub field: String,
    pub message: String,
    /// The required placeholders with no value, in the template's order.
    pub missing: Vec<String>,
}

/// What a person gives to fill a template in.
#[derive(Clone, Debug, Default)]
pub struct Filling<'a> {
    pub values: BTreeMap<String, String>,
    /// Overrides the default schedule.
    pub schedule: Option<&'a str>,
    /// Overrides the template's name.
    pub name: Option<&'a str>,
}

impl Template {
    /// The placeholder `name`, any case.
    pub fn placeholder(&self, name: &str) -> Option<&PlaceholderSpec> {
        self.placeholders
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The required placeholders `values` has no value for.
    pub fn missing(&self, values: &BTreeMap<String, String>) -> Vec<String> {
        self.placeholders
            .iter()
            .filter(|p| p.required)
            .filter(|p| values.get(&p.name).is_none_or(|v| v.trim().is_empty()))
            .map(|p| p.name.clone())
            .collect()
    }

    /// Whether running it needs the LLM (an agent step).
    pub fn needs_llm(&self) -> bool {
        self.steps.to_string().contains("\"type\":\"agent\"")
    }

    /// Every value, optional ones defaulted; refuses names the template does
    /// not have and required ones left out (all of them named).
    pub fn values(
        &self,
        given: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, FillError> {
        let mut values = BTreeMap::new();
        for (name, value) in given {
            let Some(spec) = self.placeholder(name) else {
                let known: Vec<&str> = self.placeholders.iter().map(|p| p.name.as_str()).collect();
                return Err(FillError {
                    field: format!("placeholders.{name}"),
                    message: format!(
                        "template '{}' has no placeholder {name}; it has {}",
                        self.id,
                        known.join(", ")
                    ),
                    missing: Vec::new(),
                });
            };
            values.insert(spec.name.clone(), value.trim().to_string());
        }
        let missing = self.missing(&values);
        if let Some(first) = missing.first() {
            let described: Vec<String> = missing
                .iter()
                .filter_map(|name| self.placeholder(name))
                .map(|p| format!("{} ({}, e.g. {})", p.name, p.description, p.example))
                .collect();
            return Err(FillError {
                field: format!("placeholders.{first}"),
                message: format!("missing required values: {}", described.join("; ")),
                missing,
            });
        }
        for spec in &self.placeholders {
            let value = values.entry(spec.name.clone()).or_default();
            if value.is_empty() {
                *value = spec.default.clone().unwrap_or_default();
            }
        }
        Ok(values)
    }

    /// The definition of a workflow made from it for `owner`: the steps
    /// keep their placeholders (so values can change later); the name, the
    /// schedule and the instruction have the values that are not secret
    /// written in.
    pub fn definition(&self, owner: &str, filling: &Filling) -> Result<Definition, FillError> {
        let values = self.values(&filling.values)?;
        let shown: BTreeMap<String, String> = values
            .iter()
            .filter(|(name, _)| !self.placeholder(name).is_some_and(|p| p.secret))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // Secret ones stay `{{KEY:name}}`.
        let fill = |text: &str| -> String {
            shown.iter().fold(text.to_string(), |text, (name, value)| {
                text.replace(&format!("{{{{KEY:{name}}}}}"), value)
            })
        };
        let schedule = filling
            .schedule
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.schedule);
        Ok(Definition {
            name: fill(
                filling
                    .name
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .unwrap_or(&self.name),
            ),
            owner: owner.to_string(),
            home_chat: None,
            instruction: self.instruction.as_deref().map(fill),
            trigger: TriggerSpec {
                kind: None,
                expression: None,
                schedule: Some(fill(schedule)),
                timezone: self.timezone.clone(),
            },
            plan: None,
            steps: Some(self.steps.clone()),
            policies: Default::default(),
            guardrails: self.guardrails.clone(),
            placeholders: values,
            paused: false,
        })
    }

    /// A person's workflow as a template of theirs (id given when stored):
    /// its placeholders stay placeholders, with no value kept — a value that
    /// is not secret becomes the example.
    pub fn of_workflow(workflow: &Workflow, name: Option<&str>) -> Template {
        let steps = serde_json::from_str::<Value>(&workflow.plan_json)
            .ok()
            .and_then(|plan| plan.get("steps").cloned())
            .unwrap_or(Value::Array(Vec::new()));
        let placeholders = workflow
            .placeholders
            .iter()
            .map(|(name, value)| {
                let secret = is_secret_name(name);
                PlaceholderSpec {
                    name: name.clone(),
                    description: format!("The value of {name}"),
                    example: if secret { String::new() } else { value.clone() },
                    required: true,
                    secret,
                    default: None,
                }
            })
            .collect();
        let schedule = match &workflow.schedule {
            Ok(schedule) if workflow.trigger_kind != "manual" => schedule.expression(),
            _ => "manual".to_string(),
        };
        Template {
            id: String::new(),
            name: name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(&workflow.name)
                .to_string(),
            description: format!(
                "Saved from workflow #{} \"{}\".",
                workflow.id, workflow.name
            ),
            category: "mine".into(),
            owner: Some(workflow.owner.clone()),
            schedule,
            timezone: Some(workflow.timezone.clone()),
            instruction: workflow.instruction.clone(),
            steps,
            guardrails: workflow.guardrails.clone(),
            placeholders,
        }
    }
}

#[cfg(test)]
mod tests;
