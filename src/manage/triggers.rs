//! The triggers the clock does not fire, as part of a change: a webhook
//! workflow gets its URL id and secret when it is stored (and loses them
//! when its trigger changes to another kind); a completion trigger must name
//! a workflow its creator may manage, and may not close a circle.

use super::{Change, ManageError};
use crate::schedule::{After, Trigger};
use crate::store::hooks::{self, Hook};
use crate::store::workflows;
use crate::workflow::{NewWorkflow, WorkflowRef};

/// Completion triggers followed at most this far when looking for a circle.
const MAX_CHAIN: usize = 64;

impl Change<'_> {
    /// What a new or changed trigger needs before it is stored: for `after`,
    /// that the other workflow is there and the actor's, and no circle.
    /// `id` is the workflow being changed (`None` for a new one).
    pub(super) async fn check_trigger(
        &mut self,
        id: Option<i64>,
        new: &NewWorkflow,
    ) -> Result<(), ManageError> {
        self.check_on_failure(id, new).await?;
        let Trigger::After(after) = &new.schedule.trigger else {
            return Ok(());
        };
        let followed = workflows::get(&mut self.tx, after.workflow)
            .await?
            .filter(|w| self.actor.may_manage(w))
            .ok_or_else(|| {
                ManageError::Invalid(format!(
                    "trigger: workflow #{} was not found among the workflows you manage",
                    after.workflow
                ))
            })?;
        let name = new.definition.name.trim();
        if Some(followed.id) == id {
            return Err(ManageError::Invalid(format!(
                "trigger: \"{name}\" can't start after itself: that is a cycle"
            )));
        }
        let Some(id) = id else {
            // A workflow not stored yet is followed by nothing: no circle.
            return Ok(());
        };
        self.refuse_cycle(id, name, *after).await
    }

    /// `policies.on_failure.workflow` must be another workflow of the same
    /// owner (found by id or name).
    async fn check_on_failure(
        &mut self,
        id: Option<i64>,
        new: &NewWorkflow,
    ) -> Result<(), ManageError> {
        let on_failure = new.definition.policies.on_failure.as_ref();
        let Some(target) = on_failure.and_then(|o| o.workflow.as_ref()) else {
            return Ok(());
        };
        let owner = new.definition.owner.trim();
        let name = new.definition.name.trim();
        if matches!(target, WorkflowRef::Name(other) if other.trim().eq_ignore_ascii_case(name)) {
            return Err(ManageError::Invalid(format!(
                "policies.on_failure: \"{name}\" can't start itself when it fails"
            )));
        }
        let found = match target {
            WorkflowRef::Id(other) => workflows::get(&mut self.tx, *other).await?,
            WorkflowRef::Name(name) => workflows::find_by_name(&mut self.tx, owner, name).await?,
        };
        match found.filter(|w| w.owner == owner) {
            Some(other) if Some(other.id) == id => Err(ManageError::Invalid(format!(
                "policies.on_failure: \"{name}\" can't start itself when it fails"
            ))),
            Some(_) => Ok(()),
            None => Err(ManageError::Invalid(format!(
                "policies.on_failure: there is no {} to start when it fails (it must be one of the same owner's)",
                match target {
                    WorkflowRef::Id(other) => format!("workflow #{other}"),
                    WorkflowRef::Name(other) => format!("workflow called \"{other}\""),
                }
            ))),
        }
    }

    /// Follows completion triggers from `after`'s workflow back; reaching
    /// `id` is a circle, refused naming every workflow in it.
    async fn refuse_cycle(&mut self, id: i64, name: &str, after: After) -> Result<(), ManageError> {
        let mut names = vec![name.to_string()];
        let mut next = Some(after.workflow);
        for _ in 0..MAX_CHAIN {
            let Some(current) = next else {
                return Ok(());
            };
            if current == id {
                names.push(name.to_string());
                return Err(ManageError::Invalid(format!(
                    "trigger: that would make a cycle of completion triggers: {}",
                    names.join(" → ")
                )));
            }
            let Some(workflow) = workflows::get(&mut self.tx, current).await? else {
                return Ok(());
            };
            names.push(workflow.name.clone());
            next = match workflow.schedule {
                Ok(schedule) => match schedule.trigger {
                    Trigger::After(after) => Some(after.workflow),
                    _ => None,
                },
                Err(_) => None,
            };
        }
        Ok(())
    }

    /// After workflow `id` is stored with `new`: a webhook trigger without a
    /// URL gets one (returned, with its secret, to show once); another
    /// trigger keeps none.
    pub(super) async fn settle_hook(
        &mut self,
        id: i64,
        new: &NewWorkflow,
    ) -> Result<Option<Hook>, ManageError> {
        if !matches!(new.schedule.trigger, Trigger::Webhook(_)) {
            hooks::remove(&mut self.tx, id).await?;
            return Ok(None);
        }
        if hooks::of_workflow(&mut self.tx, id).await?.is_some() {
            return Ok(None);
        }
        Ok(Some(hooks::set(&mut self.tx, id, self.now).await?))
    }
}
