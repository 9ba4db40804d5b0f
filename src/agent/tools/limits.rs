//! `limits`: a person's quotas beside what they used ("what are my
//! limits?"); for an admin, anyone's, setting one for a person ("give alice
//! 200 workflows") and who hit limits lately.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::schema::{nullable, tool};
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;
use crate::workflow::Limit;

pub(super) struct Limits;

#[async_trait]
impl Tool for Limits {
    fn name(&self) -> &'static str {
        "limits"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "The user's quotas and usage ('show'); for admins only: anyone's ('show' with a person), setting one for a person ('set': limit and value, value null for the default), and who hit limits lately ('hits').",
            json!({
                "action": { "type": "string", "enum": ["show", "set", "hits"] },
                "person": nullable("Whose limits (their name or id); null for the user's own."),
                "limit": { "type": ["string", "null"], "enum": ["messages_per_minute", "max_workflows", "runs_per_hour", "min_interval_seconds", "tokens_per_day", "cost_per_day_usd", "all", null] },
                "value": { "type": ["number", "null"], "description": "The new value for 'set'; null puts the operator's default back." }
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        let args: LimitArgs = parse(self.name(), args)?;
        let person = match args.person.as_deref().map(str::trim) {
            None | Some("") | Some("me") | Some("my") | Some("mine") => turn.actor.id.clone(),
            Some(name) => agent
                .manage
                .person(&turn.actor, name)
                .await
                .map_err(manage_failed)?,
        };
        match args.action.as_str() {
            "show" => show(turn, agent, &person).await,
            "set" => set(turn, agent, &person, &args).await,
            "hits" => hits(turn, agent).await,
            other => Err(format!(
                "unknown action '{}': show, set or hits",
                crate::agent::render::clip(other, 20)
            )),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitArgs {
    action: String,
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    value: Option<f64>,
}

async fn show(turn: &Turn, agent: &Agent, person: &str) -> Result<Outcome, String> {
    let report = agent
        .manage
        .quota_report(&turn.actor, person)
        .await
        .map_err(manage_failed)?;
    let whose = if person == turn.actor.id {
        "Your".to_string()
    } else {
        format!("{person}'s")
    };
    Ok(Outcome::ok(
        serde_json::to_value(&report).unwrap_or_default(),
        format!("{whose} limits:\n{}", report.describe()),
    ))
}

async fn set(
    turn: &Turn,
    agent: &Agent,
    person: &str,
    args: &LimitArgs,
) -> Result<Outcome, String> {
    let named = args.limit.as_deref().unwrap_or("all");
    let changes: Vec<(Limit, Option<f64>)> = if named == "all" {
        if args.value.is_some() {
            return Err("name one limit to set a value; 'all' only resets them".into());
        }
        Limit::ALL.into_iter().map(|l| (l, None)).collect()
    } else {
        let limit = Limit::parse(named).ok_or_else(|| {
            format!(
                "there is no limit '{}': workflows, runs an hour, interval, messages, tokens or cost",
                crate::agent::render::clip(named, 30)
            )
        })?;
        vec![(limit, args.value)]
    };
    let quotas = agent
        .manage
        .set_quotas(&turn.actor, person, &changes)
        .await
        .map_err(manage_failed)?;
    if changes.len() == Limit::ALL.len() && changes.iter().all(|(_, v)| v.is_none()) {
        return Ok(Outcome::ok(
            json!({ "person": person, "quotas": quotas }),
            format!("Done: {person} is back on the operator's limits."),
        ));
    }
    let said = changes
        .iter()
        .map(|(limit, value)| match value {
            Some(_) => limit.describe(quotas.value(*limit)),
            None => format!("{} (the default)", limit.describe(quotas.value(*limit))),
        })
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Outcome::ok(
        json!({ "person": person, "quotas": quotas }),
        format!("Done: {person} now has {said}."),
    ))
}

async fn hits(turn: &Turn, agent: &Agent) -> Result<Outcome, String> {
    let hits = agent
        .manage
        .limit_hits(&turn.actor, 7)
        .await
        .map_err(manage_failed)?;
    if hits.is_empty() {
        return Ok(Outcome::ok(
            json!({ "hits": [] }),
            "Nobody hit a limit in the last 7 days.",
        ));
    }
    let lines: Vec<String> = hits
        .iter()
        .take(20)
        .map(|h| {
            format!(
                "• {}: {} × {} (last {})",
                h.user,
                h.count,
                h.limit,
                h.last_at.format("%a %-d %b %H:%M UTC")
            )
        })
        .collect();
    let value: Vec<Value> = hits
        .iter()
        .map(
            |h| json!({ "user": h.user, "limit": h.limit, "count": h.count, "last_at": h.last_at }),
        )
        .collect();
    Ok(Outcome::ok(
        json!({ "hits": value }),
        format!("Limit hits in the last 7 days:\n{}", lines.join("\n")),
    ))
}
