//! A draft from a template that still lacks required values: the template,
//! what was given so far, and the values still to ask for, one at a time
//! (`template_answer.rs` reads the answers, `template_draft.rs` drafts the
//! workflow once none is missing).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::workflow::catalogue::Template;

/// A template request waiting for values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Asking {
    pub template: Template,
    /// The values given so far. Kept under "secret" so the store seals
    /// every one of them in the waiting draft, as it does a workflow's.
    #[serde(rename = "secret", default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// The required values still missing; the first is asked now.
    pub missing: Vec<String>,
}

impl Asking {
    /// The question for the first missing value.
    pub fn question(&self) -> String {
        let Some(name) = self.missing.first() else {
            return "Nothing is missing: say yes to draft it.".into();
        };
        let described = self.template.placeholder(name).map_or(String::new(), |p| {
            let secret = if p.secret {
                " It is kept sealed and never shown back."
            } else {
                ""
            };
            format!(" — {} (e.g. {}).{secret}", p.description, p.example)
        });
        let more = match self.missing.len() {
            1 => String::new(),
            n => format!(" ({} more after this one)", n - 1),
        };
        format!(
            "\"{}\" needs {name}{described}\nWhat should {name} be?{more} Say 'cancel' to drop it.",
            self.template.name
        )
    }
}
