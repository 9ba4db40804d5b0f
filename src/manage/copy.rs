//! Copying a workflow: the same definition under a new name, stored paused
//! unless asked otherwise, so a copy never doubles what the original sends
//! before its owner has looked at it.

use super::{Actor, Created, ManageError, Manager};
use crate::workflow::NewWorkflow;

impl Manager {
    /// Stores a copy of workflow `id` named `name` (default "<name> (copy)"),
    /// owned by the same person, paused unless `paused` is false.
    pub async fn copy(
        &self,
        actor: &Actor,
        id: i64,
        name: Option<&str>,
        paused: bool,
    ) -> Result<(Created, NewWorkflow), ManageError> {
        let original = self.workflow(actor, id).await?;
        let schedule = original.schedule.clone().map_err(|e| {
            ManageError::Invalid(format!(
                "its schedule can't be read, so it can't be copied: {e}"
            ))
        })?;
        let mut definition = original.to_definition();
        definition.name = match name.map(str::trim) {
            Some(name) => name.to_string(),
            None => format!("{} (copy)", original.name.trim()),
        };
        definition.paused = paused;
        let new = definition
            .validate_with_schedule(schedule)
            .map_err(|e| ManageError::Invalid(format!("{}: {}", e.field, e.message)))?;
        let mut change = self.change(actor, None).await?;
        let created = change.create(&new).await?;
        change.commit().await?;
        Ok((created, new))
    }
}
