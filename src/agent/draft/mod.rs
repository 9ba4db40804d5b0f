//! Drafts: a create, update or delete waiting for the user's yes. Stored as
//! JSON with the conversation, so a draft survives a restart; it expires after
//! `Settings::draft_ttl`.

mod alternative;
mod spec;

pub use alternative::Alternative;
pub use spec::{read_schedule, read_steps, Spec};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The question for a person whose zone steward does not know (see
/// `zone_question.rs`).
pub const ZONE_QUESTION: &str = "What's your time zone? A city is enough (Paris, New York, Tokyo).";

/// The action of the "skip" button.
pub const SKIP_ZONE: &str = "skip_zone";

/// A change waiting for confirmation. (One lives per conversation turn, so
/// the size difference between variants costs nothing worth boxing.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Draft {
    Create {
        spec: Spec,
    },
    Update {
        id: i64,
        before: Spec,
        spec: Spec,
    },
    Delete {
        id: i64,
        name: String,
    },
    /// "What's your time zone?" waiting for an answer, holding the request
    /// that needs it (the `create_workflow` arguments; none after a greeting,
    /// which asks with nothing held).
    Zone {
        request: Option<Value>,
    },
    /// The person's workflows to move from their old zone to their new one.
    Move {
        from: String,
        to: String,
        workflows: Vec<Listed>,
    },
}

/// A workflow named in a draft that covers several.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    pub id: i64,
    pub name: String,
    /// Its schedule in words when listed.
    pub when: String,
}

impl Draft {
    /// What the draft is about, in a few words ("Status check").
    pub fn name(&self) -> String {
        match self {
            Draft::Create { spec } | Draft::Update { spec, .. } => spec.name.clone(),
            Draft::Delete { name, .. } => name.clone(),
            Draft::Zone { request } => request
                .as_ref()
                .and_then(|r| r["schedule"].as_str())
                .map_or("your time zone".to_string(), |words| {
                    crate::workflow::clip(words, 60)
                }),
            Draft::Move { to, workflows, .. } => {
                format!("move {} workflow(s) to {to}", workflows.len())
            }
        }
    }

    pub fn view(&self, now: DateTime<Utc>, expires_at: Option<DateTime<Utc>>) -> Value {
        let expires = expires_at.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        match self {
            Draft::Create { spec } => {
                json!({ "kind": "create", "workflow": spec.view(now), "expires_at": expires })
            }
            Draft::Update { id, spec, .. } => {
                json!({ "kind": "update", "id": id, "workflow": spec.view(now), "expires_at": expires })
            }
            Draft::Delete { id, name } => {
                json!({ "kind": "delete", "id": id, "name": name, "expires_at": expires })
            }
            Draft::Zone { request } => json!({
                "kind": "time_zone_question",
                "request": request.as_ref().map(|r| r["schedule"].clone()),
                "expires_at": expires,
            }),
            Draft::Move {
                from,
                to,
                workflows,
            } => json!({
                "kind": "move",
                "from": from,
                "to": to,
                "workflows": workflows,
                "expires_at": expires,
            }),
        }
    }
}

impl Draft {
    /// A short name for one version of a draft, for its buttons: the first
    /// eight hex digits of the SHA-256 of its stored form.
    pub fn token(&self) -> String {
        use sha2::{Digest, Sha256};
        let stored = serde_json::to_string(self).unwrap_or_default();
        hex::encode(&Sha256::digest(stored.as_bytes())[..4])
    }
}
