//! A stored workflow as the definition it could be created from again: what
//! a REST client reads, changes and sends back, and what a copy starts from.

use serde_json::Value;

use super::{Definition, TriggerSpec, Workflow, WorkflowStatus};

impl Workflow {
    /// Its definition: the trigger as kind and expression in its zone, the
    /// plan as stored, paused when it is.
    pub fn to_definition(&self) -> Definition {
        let plan = serde_json::from_str::<Value>(&self.plan_json).unwrap_or(Value::Null);
        Definition {
            name: self.name.clone(),
            owner: self.owner.clone(),
            home_chat: self.home_chat.clone(),
            instruction: self.instruction.clone(),
            trigger: TriggerSpec {
                kind: Some(self.trigger_kind.clone()),
                expression: Some(self.trigger_expression.clone()),
                schedule: None,
                timezone: Some(self.timezone.clone()),
            },
            plan: Some(plan),
            steps: None,
            policies: self.policies.clone(),
            guardrails: self.guardrails.clone(),
            placeholders: self.placeholders.clone(),
            paused: self.status == WorkflowStatus::Paused,
        }
    }
}
