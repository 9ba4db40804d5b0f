//! The pages' templates (`web/pages/`, compiled into the binary) and the
//! rows they show, in words and in the workflow's zone.

use askama::Template;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::page::Nav;
use crate::agent::render::{limits_line, run_outcome, step_words};
use crate::manage::LastRun;
use crate::schedule::{format_local, Zone};
use crate::workflow::quotas::seconds_words;
use crate::workflow::{CatchUp, Overlap, Policies, Run, Workflow, WorkflowStatus};

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignIn {
    pub nav: Nav,
    /// The token of the link being used.
    pub link: Option<String>,
    pub error: Option<String>,
    pub next: String,
}

#[derive(Template)]
#[template(path = "workflows.html")]
pub struct Workflows {
    pub nav: Nav,
    pub everyone: bool,
    pub rows: Vec<WorkflowRow>,
    pub q: String,
    pub status: String,
    pub statuses: [(&'static str, &'static str); 4],
    pub more_after: Option<i64>,
    /// This page's address, for refreshing its list in place.
    pub refresh: String,
}

/// The status filter's choices.
pub const STATUSES: [(&str, &str); 4] = [
    ("", "any"),
    ("active", "active"),
    ("paused", "paused"),
    ("completed", "completed"),
];

/// A workflow in the list.
pub struct WorkflowRow {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub status: &'static str,
    pub trigger: String,
    pub next: String,
    pub last: Option<LastRow>,
}

/// A workflow's last ended run.
pub struct LastRow {
    pub id: i64,
    pub status: &'static str,
    pub when: String,
}

impl WorkflowRow {
    pub fn new(w: &Workflow, last: Option<&LastRun>, default_zone: Zone) -> WorkflowRow {
        let zone = zone_of(w, default_zone);
        WorkflowRow {
            id: w.id,
            name: w.name.clone(),
            owner: w.owner.clone(),
            status: w.status.as_str(),
            trigger: trigger_words(w),
            next: next_words(w, zone),
            last: last.map(|last| LastRow {
                id: last.run_id,
                status: last.status.as_str(),
                when: format_local(last.ended_at, zone),
            }),
        }
    }
}

#[derive(Template)]
#[template(path = "workflow.html")]
pub struct WorkflowPage {
    pub nav: Nav,
    pub w: WorkflowDetail,
    pub chart: super::chart::Chart,
    pub preview: super::schedule_edit::Preview,
    /// The version shown, sent back with a schedule change.
    pub version: i64,
    pub runs: Vec<RunRow>,
    /// Whether a run is going: the run list refreshes itself.
    pub live: bool,
    pub refresh: String,
}

/// One workflow, for its page.
pub struct WorkflowDetail {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub status: &'static str,
    pub trigger: String,
    pub kind: String,
    pub expression: String,
    pub zone: String,
    pub next: String,
    /// Whether the clock fires it (not only a webhook, an event or a person).
    pub clocked: bool,
    pub upcoming: Vec<String>,
    pub instruction: Option<String>,
    pub steps: Vec<String>,
    pub policies: String,
    pub limits: String,
    pub placeholders: Vec<PlaceholderRow>,
    pub paused_note: Option<String>,
    pub pending_change: Option<String>,
}

impl WorkflowDetail {
    pub fn new(w: &Workflow, now: DateTime<Utc>, default_zone: Zone) -> WorkflowDetail {
        let zone = zone_of(w, default_zone);
        let schedule = w.schedule.as_ref().ok();
        let clocked = schedule.is_some_and(|s| !s.is_clockless());
        let upcoming = match schedule {
            Some(s) if w.status == WorkflowStatus::Active => s
                .upcoming(now, 10)
                .into_iter()
                .map(|at| format_local(at, zone))
                .collect(),
            _ => Vec::new(),
        };
        let plan: Value = serde_json::from_str(&w.plan_json).unwrap_or(Value::Null);
        let steps = plan["steps"]
            .as_array()
            .map(|steps| steps.iter().map(step_words).collect())
            .unwrap_or_default();
        let agent = w.instruction.is_some() || w.plan_json.contains("\"agent\"");
        WorkflowDetail {
            id: w.id,
            name: w.name.clone(),
            owner: w.owner.clone(),
            status: w.status.as_str(),
            trigger: trigger_words(w),
            kind: w.trigger_kind.clone(),
            expression: w.trigger_expression.clone(),
            zone: zone.name().to_string(),
            next: next_words(w, zone),
            clocked,
            upcoming,
            instruction: w.instruction.clone(),
            steps,
            policies: policies_words(&w.policies),
            limits: limits_line(&w.guardrails, agent),
            placeholders: w
                .placeholders
                .iter()
                .map(|(name, value)| {
                    let secret = crate::workflow::catalogue::is_secret_name(name);
                    PlaceholderRow {
                        name: name.clone(),
                        secret,
                        value: if secret { String::new() } else { value.clone() },
                    }
                })
                .collect(),
            paused_note: w.paused_note.clone(),
            pending_change: w.pending_change(),
        }
    }
}

/// A placeholder value of a workflow: a secret's value is never shown.
pub struct PlaceholderRow {
    pub name: String,
    pub secret: bool,
    pub value: String,
}

#[derive(Template)]
#[template(path = "confirm_delete.html")]
pub struct ConfirmDelete {
    pub nav: Nav,
    pub id: i64,
    pub name: String,
}

/// A run in a list.
pub struct RunRow {
    pub id: i64,
    /// The workflow's name, in lists of several workflows' runs.
    pub workflow: Option<String>,
    pub when: String,
    pub status: &'static str,
    pub trigger: String,
    pub outcome: String,
}

impl RunRow {
    pub fn new(run: &Run, zone: Zone) -> RunRow {
        RunRow {
            id: run.id,
            workflow: None,
            when: format_local(run.scheduled_for, zone),
            status: run.status.as_str(),
            trigger: run.trigger.clone(),
            outcome: run_outcome(run),
        }
    }
}

/// JSON as people read it.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The zone a workflow's times are shown in.
pub fn zone_of(w: &Workflow, default_zone: Zone) -> Zone {
    w.schedule.as_ref().map_or(default_zone, |s| s.zone)
}

fn trigger_words(w: &Workflow) -> String {
    match &w.schedule {
        Ok(schedule) => schedule.describe(),
        Err(e) => format!("unreadable schedule: {e}"),
    }
}

fn next_words(w: &Workflow, zone: Zone) -> String {
    match (w.status, w.effective_next()) {
        (WorkflowStatus::Active, Some(at)) => format_local(at, zone),
        (WorkflowStatus::Paused, _) => "paused".into(),
        (WorkflowStatus::Completed, _) => "done".into(),
        _ => match w.trigger_kind.as_str() {
            "manual" => "when someone asks".into(),
            "webhook" => "when its URL is called".into(),
            "after" => "when the workflow it follows ends".into(),
            _ => "—".into(),
        },
    }
}

fn policies_words(p: &Policies) -> String {
    let catchup = match p.catchup {
        CatchUp::Latest => format!(
            "after downtime, the latest missed run within {}",
            seconds_words(p.catchup_window_seconds.max(0) as u64)
        ),
        CatchUp::All => "after downtime, every missed run".into(),
        CatchUp::Skip => "missed runs are skipped".into(),
    };
    let overlap = match p.overlap {
        Overlap::Skip => "a slot that comes while a run is going is skipped",
        Overlap::Queue => "a slot that comes while a run is going waits for it",
        Overlap::Allow => "runs may overlap",
    };
    let retries = match p.retries {
        0 => "no retries".to_string(),
        n => format!(
            "{n} retr{}, the first after {} (each wait doubles)",
            if n == 1 { "y" } else { "ies" },
            seconds_words(p.retry_backoff_seconds.max(0) as u64)
        ),
    };
    format!("{catchup}; {overlap}; {retries}")
}
