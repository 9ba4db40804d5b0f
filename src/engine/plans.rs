//! Parsed plans kept between runs: a workflow firing every second would
//! otherwise parse the same JSON (and fill the same placeholders) every
//! second. Keyed by workflow and version, and checked against the text the
//! plan was parsed from, so an edit is never run as the old plan.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use crate::workflow::{Plan, PlanError, Workflow};

/// Plans kept at most; past it the cache starts over (a deployment with
/// more workflows than this firing in turn parses as before). The
/// scheduler empties it when a burst is over.
const MAX_PLANS: usize = 4_096;

struct Parsed {
    json: String,
    placeholders: BTreeMap<String, String>,
    plan: Arc<Plan>,
}

#[derive(Default)]
pub struct Plans(Mutex<HashMap<(i64, i64), Parsed>>);

impl Plans {
    /// `workflow`'s plan, parsed once for its version and text.
    pub fn get(&self, workflow: &Workflow) -> Result<Arc<Plan>, PlanError> {
        let key = (workflow.id, workflow.version);
        if let Some(parsed) = self.0.lock().ok().as_ref().and_then(|map| map.get(&key)) {
            if parsed.json == workflow.plan_json && parsed.placeholders == workflow.placeholders {
                return Ok(Arc::clone(&parsed.plan));
            }
        }
        let plan = Arc::new(Plan::parse(&workflow.plan_json, &workflow.placeholders)?);
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_PLANS {
                map.clear();
            }
            map.insert(
                key,
                Parsed {
                    json: workflow.plan_json.clone(),
                    placeholders: workflow.placeholders.clone(),
                    plan: Arc::clone(&plan),
                },
            );
        }
        Ok(plan)
    }

    /// Forgets every plan (when the scheduler is idle after a burst, with
    /// the memory it gives back).
    pub fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            *map = HashMap::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{Action, WorkflowStatus};

    fn workflow(version: i64, text: &str) -> Workflow {
        let now = chrono::Utc::now();
        Workflow {
            id: 7,
            owner: "ann".into(),
            home_chat: None,
            name: "say".into(),
            instruction: None,
            plan_json: format!(
                r#"{{"steps": [{{"id": "say", "type": "message", "text": "{text}"}}]}}"#
            ),
            schedule: Err("none".into()),
            trigger_kind: "manual".into(),
            trigger_expression: String::new(),
            timezone: "UTC".into(),
            policies: Default::default(),
            guardrails: Default::default(),
            placeholders: BTreeMap::new(),
            status: WorkflowStatus::Active,
            paused_note: None,
            next_run: None,
            skip_slot: None,
            snooze_slot: None,
            snooze_until: None,
            resume_at: None,
            consecutive_failures: 0,
            version,
            created_at: now,
            updated_at: now,
        }
    }

    fn said(plan: &Plan) -> String {
        match &plan.steps[0].action {
            Action::Message { text, .. } => text.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_plan_is_parsed_once_a_version_and_never_run_stale() {
        let plans = Plans::default();
        let first = plans.get(&workflow(1, "hello")).unwrap();
        assert!(Arc::ptr_eq(
            &first,
            &plans.get(&workflow(1, "hello")).unwrap()
        ));
        // A new version, or the same version with other text (written by
        // hand in the database), is parsed again.
        assert_eq!(said(&plans.get(&workflow(2, "bye")).unwrap()), "bye");
        assert_eq!(said(&plans.get(&workflow(2, "again")).unwrap()), "again");
        let mut filled = workflow(3, "{{KEY:who}}");
        filled.placeholders.insert("who".into(), "Ann".into());
        assert_eq!(said(&plans.get(&filled).unwrap()), "Ann");
        filled.placeholders.insert("who".into(), "Bob".into());
        assert_eq!(said(&plans.get(&filled).unwrap()), "Bob");
        // A plan that does not parse is an error each time, not kept.
        let unfilled = workflow(4, "{{KEY:nobody}}");
        assert!(plans.get(&unfilled).is_err());
        assert!(plans.get(&unfilled).is_err());
    }
}
