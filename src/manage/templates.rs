//! Templates: the built-in catalogue and the ones people saved from their
//! own workflows (private: anyone else is told there is no such template,
//! an admin sees all), saving and deleting them, and changing a workflow's
//! placeholder values. Filling a template in gives a definition the caller
//! checks and creates like any other (REST: at once; chat: as a draft).

use std::collections::BTreeMap;

use super::{Actor, ManageError, Manager, Page};
use crate::store::{self, audit, templates};
use crate::workflow::catalogue::{self, Template, USER_PREFIX};
use crate::workflow::Workflow;

impl Manager {
    /// Every template `actor` may use: the catalogue, then theirs (an
    /// admin's: everyone's) oldest first.
    pub async fn templates(&self, actor: &Actor) -> Result<Vec<Template>, ManageError> {
        let owner = (!actor.admin).then_some(actor.id.as_str());
        let mut all = catalogue::builtin().to_vec();
        all.extend(templates::list(self.store.reader(), owner).await?);
        Ok(all)
    }

    /// A page of [`Manager::templates`] after template `after` (an id the
    /// previous page ended with).
    pub async fn template_page(
        &self,
        actor: &Actor,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Page<Template>, ManageError> {
        let all = self.templates(actor).await?;
        let start = match after {
            Some(id) => match all.iter().position(|t| t.id == id) {
                Some(at) => at + 1,
                // Deleted since: saved ones continue after its number.
                None => {
                    let n = user_number(id).ok_or(ManageError::TemplateNotFound(id.into()))?;
                    all.iter()
                        .position(|t| user_number(&t.id).is_some_and(|m| m > n))
                        .unwrap_or(all.len())
                }
            },
            None => 0,
        };
        let limit = limit.clamp(1, super::MAX_PAGE) as usize;
        let rest: Vec<Template> = all.into_iter().skip(start).take(limit + 1).collect();
        Ok(Page::of(rest, limit as i64))
    }

    /// Template `id` (a slug of the catalogue or `user-<n>`), when `actor`
    /// may see it; anyone else's is [`ManageError::TemplateNotFound`].
    pub async fn template(&self, actor: &Actor, id: &str) -> Result<Template, ManageError> {
        let id = id.trim();
        if let Some(found) = catalogue::find_builtin(id) {
            return Ok(found.clone());
        }
        let not_found = || ManageError::TemplateNotFound(id.to_string());
        let n = user_number(id).ok_or_else(not_found)?;
        templates::get(self.store.reader(), n)
            .await?
            .filter(|t| actor.admin || t.owner.as_deref() == Some(actor.id.as_str()))
            .ok_or_else(not_found)
    }

    /// Saves workflow `workflow_id` as a template of its owner's, named
    /// `name` (default: the workflow's). Its placeholder values are not
    /// kept: the template asks for them again.
    pub async fn save_template(
        &self,
        actor: &Actor,
        workflow_id: i64,
        name: Option<&str>,
    ) -> Result<Template, ManageError> {
        let workflow = self.workflow(actor, workflow_id).await?;
        let mut template = Template::of_workflow(&workflow, name);
        if template.name.chars().count() > 100 {
            return Err(ManageError::Invalid(
                "name: a template needs a name of 1 to 100 characters".into(),
            ));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let n = templates::insert(&mut tx, &template, now).await?;
        audit::record(
            &mut tx,
            &actor.id,
            Some(workflow_id),
            "save_template",
            Some(&template.name),
            now,
        )
        .await?;
        store::commit(tx, "saving a template").await?;
        template.id = format!("{USER_PREFIX}{n}");
        Ok(template)
    }

    /// Deletes template `id` of `actor`'s (an admin: anyone's); the
    /// catalogue's can't be.
    pub async fn delete_template(&self, actor: &Actor, id: &str) -> Result<Template, ManageError> {
        let template = self.template(actor, id).await?;
        let Some(n) = user_number(&template.id) else {
            return Err(ManageError::NotAllowed(format!(
                "'{}' is a built-in template; only saved ones can be deleted",
                template.id
            )));
        };
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        if !templates::delete(&mut tx, n).await? {
            return Err(ManageError::TemplateNotFound(template.id));
        }
        let detail = format!("{} ({})", template.name, template.id);
        audit::record(
            &mut tx,
            &actor.id,
            None,
            "delete_template",
            Some(&detail),
            now,
        )
        .await?;
        store::commit(tx, "deleting a template").await?;
        Ok(template)
    }

    /// Sets placeholder values of workflow `id` (names as its plan has them,
    /// any case); the others keep theirs. The plan is checked with them.
    pub async fn set_placeholders(
        &self,
        actor: &Actor,
        id: i64,
        values: &BTreeMap<String, String>,
    ) -> Result<Workflow, ManageError> {
        let current = self.workflow(actor, id).await?;
        let mut definition = current.to_definition();
        for (name, value) in values {
            let known = definition
                .placeholders
                .keys()
                .find(|k| k.eq_ignore_ascii_case(name.trim()))
                .cloned()
                .or_else(|| uses_placeholder(&current, name.trim()));
            let Some(known) = known else {
                let names: Vec<&str> = definition.placeholders.keys().map(String::as_str).collect();
                return Err(ManageError::Invalid(if names.is_empty() {
                    format!("#{id} \"{}\" has no placeholders", current.name)
                } else {
                    format!(
                        "#{id} \"{}\" has no placeholder {name}; it has {}",
                        current.name,
                        names.join(", ")
                    )
                }));
            };
            let value = value.trim().to_string();
            // The instruction names a value that is not secret in words
            // ("check https://old…"); it follows the change.
            let old = definition.placeholders.insert(known.clone(), value.clone());
            if let (Some(old), Some(text)) = (old, definition.instruction.as_mut()) {
                if !old.is_empty() && !catalogue::is_secret_name(&known) {
                    *text = text.replace(&old, &value);
                }
            }
        }
        let schedule = current.schedule.clone().map_err(|e| {
            ManageError::Invalid(format!("its schedule can't be read ({e}); change it first"))
        })?;
        let new = definition
            .validate_with_schedule(schedule)
            .map_err(|e| ManageError::Invalid(format!("{}: {}", e.field, e.message)))?;
        let mut change = self.change(actor, None).await?;
        change.update_at_version(id, &new, None).await?;
        change.commit().await?;
        self.workflow(actor, id).await
    }
}

/// The row number of a saved template's id (`user-12` → 12).
fn user_number(id: &str) -> Option<i64> {
    id.strip_prefix(USER_PREFIX)?
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

/// The name of a `{{KEY:name}}` the plan uses that has no value yet, as
/// the plan writes it.
fn uses_placeholder(workflow: &Workflow, name: &str) -> Option<String> {
    workflow
        .plan_json
        .split("{{KEY:")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}").map(|(found, _)| found.trim()))
        .find(|found| found.eq_ignore_ascii_case(name))
        .map(str::to_string)
}
