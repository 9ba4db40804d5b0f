//! A confirmed draft carried out through the use cases: created, saved or
//! deleted in one change that also takes the stored draft, so two quick
//! yeses act once. Each says what it did in words.

use serde_json::json;

use super::draft::Spec;
use super::render;
use super::turn::Turn;
use super::Agent;
use crate::manage::{Change, ManageError};
use crate::workflow::NewWorkflow;

/// The draft as a workflow ready to store, or why not.
fn ready(turn: &Turn, agent: &Agent, spec: &Spec) -> Result<NewWorkflow, String> {
    let new = spec.checked(
        &turn.user.id,
        &turn.home_chat,
        turn.now,
        agent.settings.min_interval_seconds,
    )?;
    cost_counted(spec, agent)?;
    Ok(new)
}

/// A change for this turn's actor that takes the stored draft.
async fn begin<'a>(turn: &'a Turn, agent: &'a Agent) -> Result<Change<'a>, String> {
    agent
        .manage
        .change(&turn.actor, turn.claim())
        .await
        .map_err(|e| e.for_user())
}

/// Creates the drafted workflow.
pub(super) async fn create(turn: &mut Turn, agent: &Agent, spec: &Spec) -> Result<String, String> {
    let new = ready(turn, agent, spec)
        .map_err(|e| format!("I can't create it: {e}. Change the draft or say cancel."))?;
    let mut change = begin(turn, agent).await?;
    let created = change.create(&new).await.map_err(|e| e.for_user())?;
    change.commit().await.map_err(|e| e.for_user())?;
    let (id, next) = (created.id, created.next);
    turn.focus(id);
    turn.record(
        "create_workflow",
        json!({ "confirm": true }),
        json!({ "id": id, "name": spec.name, "next_run": next.map(|t| t.to_rfc3339()) }),
    );
    let when = match (&new.schedule.trigger, next) {
        (_, Some(next)) => format!(
            "{}. Next run {}.",
            new.schedule.describe(),
            render::short_time(next, new.schedule.zone)
        ),
        (crate::schedule::Trigger::Manual, None) => {
            "it runs when you say 'run it now'.".to_string()
        }
        (_, None) if new.schedule.is_clockless() => format!("{}.", new.schedule.describe()),
        (_, None) => format!("{}; it has no upcoming run.", new.schedule.describe()),
    };
    let mut text = format!("Created \"{}\" (#{id}): {when}", spec.name);
    if let Some(hook) = &created.hook {
        text.push(' ');
        let check = new.schedule.expression();
        let check = check.split_whitespace().next().unwrap_or("path");
        text.push_str(&super::hook_words::tell(turn, agent, id, check, hook));
    }
    if spec.needs_llm() && !agent.has_model() {
        text.push_str(" It needs an LLM to run: set OPENAI_API_KEY (or STEWARD_LLM_BASE_URL) for steward serve.");
    }
    Ok(text)
}

/// Saves the drafted change to workflow `id`, if it is unchanged since the
/// draft (`before`).
pub(super) async fn update(
    turn: &mut Turn,
    agent: &Agent,
    id: i64,
    spec: &Spec,
    before: &Spec,
) -> Result<String, String> {
    let new = ready(turn, agent, spec)
        .map_err(|e| format!("I can't save it: {e}. Change the draft or say cancel."))?;
    let mut change = begin(turn, agent).await?;
    // Still there, still theirs, and not changed since the draft?
    let current = match change.workflow(id).await {
        Ok(current) => current,
        Err(ManageError::NotFound(_)) => {
            return Err(format!("Workflow #{id} is gone; nothing to change."))
        }
        Err(e) => return Err(e.for_user()),
    };
    if Spec::of(&current) != *before {
        return Err(format!(
            "#{id} \"{}\" changed since this draft; say cancel and ask again.",
            current.name
        ));
    }
    let next = change.update(id, &new).await.map_err(|e| e.for_user())?;
    let hook = change.new_hook(id).cloned();
    change.commit().await.map_err(|e| e.for_user())?;
    turn.focus(id);
    turn.record(
        "update_workflow",
        json!({ "confirm": true }),
        json!({ "id": id, "name": spec.name, "next_run": next.map(|t| t.to_rfc3339()) }),
    );
    let next = next.map_or(String::new(), |n| {
        format!(" Next run {}.", render::short_time(n, new.schedule.zone))
    });
    let mut text = format!(
        "Updated \"{}\" (#{id}): {}.{next}",
        spec.name,
        new.schedule.describe()
    );
    // Its trigger became a webhook: the new URL and secret, once.
    if let Some(hook) = &hook {
        let check = new.schedule.expression();
        let check = check.split_whitespace().next().unwrap_or("path");
        text.push(' ');
        text.push_str(&super::hook_words::tell(turn, agent, id, check, hook));
    }
    Ok(text)
}

/// Deletes workflow `id` and its runs.
pub(super) async fn delete(
    turn: &mut Turn,
    agent: &Agent,
    id: i64,
    name: &str,
) -> Result<String, String> {
    let mut change = begin(turn, agent).await?;
    match change.delete(id).await {
        Ok(()) => {}
        Err(ManageError::NotFound(_)) => return Err(format!("Workflow #{id} is already gone.")),
        Err(e) => return Err(e.for_user()),
    }
    change.commit().await.map_err(|e| e.for_user())?;
    if turn.conversation.focus_workflow_id == Some(id) {
        turn.conversation.focus_workflow_id = None;
    }
    turn.record(
        "delete_workflow",
        json!({ "confirm": true }),
        json!({ "id": id, "deleted": true }),
    );
    Ok(format!("Deleted #{id} \"{name}\" and its run history."))
}

/// A workflow that thinks with a model whose price is unknown cannot have a
/// cost budget of its own: its cost is not counted, so the budget would
/// never stop it. (The default budget stays, shown as not counted.)
fn cost_counted(spec: &Spec, agent: &Agent) -> Result<(), String> {
    let budget = spec.guardrails.max_cost_usd;
    let own_budget = budget != crate::workflow::Guardrails::default().max_cost_usd;
    let Some(model) = agent.model.as_ref() else {
        return Ok(());
    };
    if !spec.needs_llm() || !own_budget || agent.settings.price_known {
        return Ok(());
    }
    Err(format!(
        "it has a cost budget of ${budget:.2}, but no price is configured for the model '{}', so its cost is not counted and the budget could never stop it; set STEWARD_LLM_PRICES={}=<input>/<output> (dollars per million tokens), or drop the cost limit",
        model.model(),
        model.model()
    ))
}
