//! `set_timezone`: sets the person's zone (or says which it is), and
//! offers to move the workflows still on the old one.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::schema::{nullable, tool};
use super::store_failed;
use super::{parse, Outcome, Tool};
use crate::agent::draft::Draft;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::agent::{moving, render};
use crate::llm::ToolSpec;
use crate::schedule::Zone;
use crate::store::users;

pub(super) struct Timezone;

#[async_trait]
impl Tool for Timezone {
    fn name(&self) -> &'static str {
        "set_timezone"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Set the user's time zone (IANA name or city); null to tell them the current one.",
            json!({ "timezone": nullable("'Europe/Paris', 'Tokyo', …") }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        timezone(turn, agent, parse(self.name(), args)?).await
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ZoneArgs {
    #[serde(default)]
    timezone: Option<String>,
}

async fn timezone(turn: &mut Turn, agent: &Agent, args: ZoneArgs) -> Result<Outcome, String> {
    let Some(name) = args
        .timezone
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        let origin = if turn.user.timezone.is_some() {
            "you set it"
        } else {
            "the server default"
        };
        return Ok(Outcome::ok(
            json!({ "timezone": turn.zone.name() }),
            format!(
                "Your time zone is {} ({origin}). Change it with 'my timezone is Europe/Paris' or 'I'm in Tokyo'.",
                turn.zone.name()
            ),
        ));
    };
    let zone = name.parse::<Zone>().map_err(|unknown| {
        format!(
            "I don't know the time zone '{}'. {}Use an IANA name such as Europe/Paris or America/New_York, or a city such as Tokyo.",
            render::clip(name, 60),
            unknown.did_you_mean()
        )
    })?;
    users::set_timezone(agent.store.pool(), &turn.user.id, zone.name())
        .await
        .map_err(|e| store_failed(&e))?;
    let before = turn.zone;
    turn.zone = zone;
    turn.zone_known = true;
    turn.user.timezone = Some(zone.name().to_string());
    let now_there = turn.now.with_timezone(&zone.tz()).format("%H:%M %Z");
    let offer = moving::offer(turn, agent, before, zone).await?;
    let text = match &offer {
        Some(question) => format!(
            "Your time zone is now {} (it is {now_there} there). New workflows use it.\n{question}",
            zone.name()
        ),
        None => format!(
            "Your time zone is now {} (it is {now_there} there). New workflows use it; existing ones keep theirs (say 'move <workflow> to {}' to change one).",
            zone.name(),
            zone.name()
        ),
    };
    let to_move = match &turn.draft {
        Some(Draft::Move { workflows, .. }) if offer.is_some() => json!(workflows),
        _ => json!([]),
    };
    Ok(Outcome::ok(
        json!({ "timezone": zone.name(), "offer_to_move": to_move }),
        text,
    ))
}
