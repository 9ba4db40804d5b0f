//! `steward limits show USER`, `limits set USER LIMIT=VALUE...`, `limits
//! list`, `limits hits [--days N]`: people's quotas, what an admin set for
//! one person, and who hit limits (the abuse signal). Through `manage`, as
//! the operator.

use chrono::Utc;
use clap::Subcommand;
use serde_json::json;
use std::sync::Arc;

use super::{instant, Printed};
use crate::app::App;
use crate::chat::terminal::TerminalNotifier;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::manage::{Actor, Manager};
use crate::store::Store;
use crate::workflow::Limit;

#[derive(Debug, Subcommand)]
pub enum LimitsCommand {
    /// A person's quotas beside what they used.
    Show {
        /// Their id (`telegram:123`, `api:alice`) or display name.
        user: String,
        #[arg(long)]
        json: bool,
    },
    /// Set quotas for one person: `max_workflows=200 runs_per_hour=1000`,
    /// `cost_per_day_usd=5`; `LIMIT=default` puts the operator's back.
    Set {
        user: String,
        /// LIMIT=VALUE pairs: messages_per_minute, max_workflows,
        /// runs_per_hour, min_interval_seconds, tokens_per_day,
        /// cost_per_day_usd (or workflows, runs, messages, tokens, cost).
        #[arg(required = true)]
        limits: Vec<String>,
    },
    /// Everyone an admin set quotas for.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Who hit which limit how often: refusals and quota stops.
    Hits {
        /// Over the last N UTC days (today is 1).
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[arg(long)]
        json: bool,
    },
}

/// Runs a `limits` command.
pub async fn run_limits(command: LimitsCommand, config: &Config) -> Printed {
    let json = matches!(
        command,
        LimitsCommand::Show { json: true, .. }
            | LimitsCommand::List { json: true }
            | LimitsCommand::Hits { json: true, .. }
    );
    let store = match Store::open_with_key(&config.db_path, config.encryption_key.as_ref()).await {
        Ok(store) => store,
        Err(e) => {
            let message = format!("opening {}: {e}", config.db_path.display());
            return Printed::error(message, json, 2);
        }
    };
    let notifier = Arc::new(TerminalNotifier { quiet: true });
    let app = match App::on_store(config, store, notifier, Arc::new(SystemClock)) {
        Ok(app) => app,
        Err(e) => return Printed::error(format!("{e:#}"), json, 2),
    };
    let manage = app.manager(config);
    match execute(command, &manage).await {
        Ok(printed) => printed,
        Err(message) => Printed::error(message, json, 2),
    }
}

async fn execute(command: LimitsCommand, manage: &Manager) -> Result<Printed, String> {
    let operator = Actor::operator("cli");
    let refused = |e: crate::manage::ManageError| e.for_user();
    match command {
        LimitsCommand::Show { user, json } => {
            let user = named(manage, &operator, &user).await?;
            let report = manage
                .quota_report(&operator, &user)
                .await
                .map_err(refused)?;
            if json {
                return Ok(Printed::ok(format!("{}\n", json!(report))));
            }
            let mut text = format!("{user}:\n");
            text.push_str(&report.describe());
            text.push('\n');
            Ok(Printed::ok(text))
        }
        LimitsCommand::Set { user, limits } => {
            let user = named(manage, &operator, &user).await?;
            let changes = limits
                .iter()
                .map(|pair| pair_of(pair))
                .collect::<Result<Vec<_>, _>>()?;
            let quotas = manage
                .set_quotas(&operator, &user, &changes)
                .await
                .map_err(refused)?;
            let said: Vec<String> = changes
                .iter()
                .map(|(limit, _)| limit.describe(quotas.value(*limit)))
                .collect();
            Ok(Printed::ok(format!("{user}: {}\n", said.join(", "))))
        }
        LimitsCommand::List { json } => {
            let people = manage.quota_overrides(&operator).await.map_err(refused)?;
            if json {
                let rows: Vec<_> = people
                    .iter()
                    .map(|(user, set)| json!({ "user": user, "limits": set }))
                    .collect();
                return Ok(Printed::ok(format!("{}\n", json!(rows))));
            }
            if people.is_empty() {
                return Ok(Printed::ok("Nobody has limits of their own.\n".into()));
            }
            let defaults = manage.quotas();
            let lines: Vec<String> = people
                .iter()
                .map(|(user, set)| {
                    let mine = defaults.with(set);
                    let said: Vec<String> = set
                        .set_limits()
                        .into_iter()
                        .map(|l| l.describe(mine.value(l)))
                        .collect();
                    format!("{user}: {}", said.join(", "))
                })
                .collect();
            Ok(Printed::ok(format!("{}\n", lines.join("\n"))))
        }
        LimitsCommand::Hits { days, json } => {
            let hits = manage.limit_hits(&operator, days).await.map_err(refused)?;
            if json {
                let rows: Vec<_> = hits
                    .iter()
                    .map(|h| json!({ "user": h.user, "limit": h.limit, "count": h.count, "last_at": instant(h.last_at) }))
                    .collect();
                return Ok(Printed::ok(format!("{}\n", json!(rows))));
            }
            if hits.is_empty() {
                return Ok(Printed::ok(format!(
                    "Nobody hit a limit in the last {days} days.\n"
                )));
            }
            let now = Utc::now();
            let lines: Vec<String> = hits
                .iter()
                .map(|h| {
                    let ago = (now - h.last_at).num_minutes();
                    format!(
                        "{}  {} × {}  (last {ago} min ago)",
                        h.user, h.count, h.limit
                    )
                })
                .collect();
            Ok(Printed::ok(format!("{}\n", lines.join("\n"))))
        }
    }
}

/// The person `name` means; the operator may also name an id steward has
/// not met yet (an API user before their first key).
async fn named(manage: &Manager, operator: &Actor, name: &str) -> Result<String, String> {
    match manage.person(operator, name).await {
        Ok(id) => Ok(id),
        Err(crate::manage::ManageError::UnknownPerson(_)) => Ok(name.trim().to_string()),
        Err(e) => Err(e.for_user()),
    }
}

/// `max_workflows=200` as a limit and its value; `=default` as `None`.
fn pair_of(pair: &str) -> Result<(Limit, Option<f64>), String> {
    let (name, value) = pair
        .split_once('=')
        .ok_or_else(|| format!("'{pair}' is not LIMIT=VALUE (e.g. max_workflows=200)"))?;
    let limit = Limit::parse(name).ok_or_else(|| {
        format!(
            "there is no limit '{name}': {}",
            Limit::ALL.map(Limit::name).join(", ")
        )
    })?;
    let value = value.trim().trim_start_matches('$');
    if value.eq_ignore_ascii_case("default") {
        return Ok((limit, None));
    }
    let number = value.replace(',', "").parse::<f64>().map_err(|_| {
        format!(
            "'{value}' is not a number (or 'default') for {}",
            limit.name()
        )
    })?;
    Ok((limit, Some(number)))
}
