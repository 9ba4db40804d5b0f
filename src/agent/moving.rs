//! "I moved to Tokyo": when a person's zone changes, their workflows that
//! still run on the old zone's clock are listed and moved together after one
//! yes (a [`Draft::Move`]), keeping their times of day: 08:30 in Paris
//! becomes 08:30 in Tokyo. Each move is audited like any update.

use serde_json::json;

use super::draft::{Draft, Listed, Spec};
use super::turn::Turn;
use super::{render, Agent};
use crate::manage::ManageError;
use crate::schedule::Zone;
use crate::workflow::{Workflow, WorkflowStatus};

/// Whether `workflow` recurs on the clock of `zone` (cron, RRULE, a union
/// of them). One-shots keep their instant: "in 2 hours" must not move, and a
/// stored one-shot no longer says whether it was meant that way; intervals
/// count elapsed time; manual, webhook and chained workflows have no clock.
fn runs_on(workflow: &Workflow, zone: Zone) -> bool {
    let clockless = ["manual", "once", "interval", "webhook", "after"];
    workflow.timezone == zone.name()
        && !clockless.contains(&workflow.trigger_kind.as_str())
        && workflow.status != WorkflowStatus::Completed
}

/// After the zone changed from `from` to `to`: drafts moving the person's
/// own workflows that run on `from`, and returns the question; `None` when
/// there are none, or when another draft waits (it is not replaced).
pub async fn offer(
    turn: &mut Turn,
    agent: &Agent,
    from: Zone,
    to: Zone,
) -> Result<Option<String>, String> {
    if from == to
        || matches!(
            turn.draft,
            Some(Draft::Create { .. } | Draft::Update { .. } | Draft::Delete { .. })
        )
    {
        return Ok(None);
    }
    let listed: Vec<Listed> = turn
        .workflows(agent)
        .await?
        .into_iter()
        .filter(|w| w.owner == turn.user.id && runs_on(w, from))
        .map(|w| Listed {
            id: w.id,
            when: w
                .schedule
                .as_ref()
                .map(|s| s.describe())
                .unwrap_or_default(),
            name: w.name,
        })
        .collect();
    if listed.is_empty() {
        return Ok(None);
    }
    let draft = Draft::Move {
        from: from.name().to_string(),
        to: to.name().to_string(),
        workflows: listed,
    };
    let text = render::draft_text(&draft, turn.now, agent.has_model());
    turn.draft = Some(draft);
    turn.draft_shown = true;
    Ok(Some(text))
}

/// Moves the listed workflows in one transaction, each audited as an
/// update; a workflow deleted, given away or moved since the offer is left
/// out and said so.
pub async fn apply(
    turn: &mut Turn,
    agent: &Agent,
    from: &str,
    to: &str,
    listed: &[Listed],
) -> Result<String, String> {
    let zone: Zone = to
        .parse()
        .map_err(|e: crate::schedule::UnknownZone| e.to_string())?;
    let now = turn.now;
    let mut change = agent
        .manage
        .change(&turn.actor, turn.claim())
        .await
        .map_err(|e| e.for_user())?;
    let (mut moved, mut left) = (Vec::new(), Vec::new());
    for item in listed {
        let current = match change.workflow(item.id).await {
            Ok(current) => Some(current),
            Err(ManageError::NotFound(_)) => None,
            Err(e) => return Err(e.for_user()),
        };
        let Some(workflow) = current.filter(|w| w.owner == turn.user.id && w.timezone == from)
        else {
            left.push(format!("#{} {}", item.id, item.name));
            continue;
        };
        let mut spec = Spec::of(&workflow);
        spec.set_zone(zone, &turn.context(agent, zone))
            .map_err(|e| format!("I couldn't move #{} \"{}\": {e}", item.id, item.name))?;
        let home = workflow
            .home_chat
            .clone()
            .unwrap_or_else(|| turn.home_chat.clone());
        let new = spec
            .checked(
                &workflow.owner,
                &home,
                now,
                agent.settings.min_interval_seconds,
            )
            .map_err(|e| format!("I couldn't move #{} \"{}\": {e}", item.id, item.name))?;
        let next = change
            .update(item.id, &new)
            .await
            .map_err(|e| e.for_user())?;
        let next_text = next.map_or(String::new(), |n| {
            format!("; next {}", render::short_time(n, zone))
        });
        moved.push((
            item.id,
            spec.name.clone(),
            new.schedule.describe(),
            next,
            next_text,
        ));
    }
    change.commit().await.map_err(|e| e.for_user())?;
    let mut lines = Vec::new();
    for (id, name, when, next, next_text) in &moved {
        turn.record(
            "update_workflow",
            json!({ "confirm": true }),
            json!({ "id": id, "name": name, "timezone": to, "next_run": next.map(|t| t.to_rfc3339()) }),
        );
        lines.push(format!("• #{id} {name} — {when}{next_text}"));
    }
    let mut text = match moved.len() {
        0 => format!("Nothing to move: the workflows listed no longer run on {from} time."),
        1 => format!("Moved 1 workflow to {to}:\n{}", lines.join("\n")),
        n => format!("Moved {n} workflows to {to}:\n{}", lines.join("\n")),
    };
    if !left.is_empty() && !moved.is_empty() {
        text.push_str(&format!(
            "\nLeft as they are (changed or gone since I asked): {}.",
            left.join(", ")
        ));
    }
    Ok(text)
}
