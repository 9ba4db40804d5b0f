//! Quotas per person (DESIGN §6): what each person may do, the operator's
//! `STEWARD_QUOTA_*` with an admin's override for one person; setting them,
//! reading them against what a person used ("what are my limits?"), and the
//! limit hits admins read. Admins are exempt from every quota.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Actor, ManageError, Manager};
use crate::rate::RateLimiter;
use crate::store::{self, audit, quotas, users, workflows};
pub use crate::workflow::quotas::day_start;
use crate::workflow::quotas::{seconds_words, thousands};
use crate::workflow::{Limit, QuotaOverride, Quotas};

/// How long a person's override and role are trusted before they are read
/// again (an admin's change in this process applies at once).
const CACHE_FOR: Duration = Duration::from_secs(30);
/// People remembered before those read longer ago than that are forgotten.
const MAX_PEOPLE: usize = 10_000;

/// What the quotas remember between requests.
pub(super) struct QuotaState {
    /// Each person's override and whether they are an admin, when read.
    people: Mutex<HashMap<String, (QuotaOverride, bool, Instant)>>,
    /// Chat messages, a bucket a person.
    pub(super) messages: RateLimiter,
    /// Until when each person was told they send too fast.
    pub(super) told: Mutex<HashMap<String, Instant>>,
    /// Hits not written yet: who, which limit, when.
    pending: Mutex<Vec<(String, Limit, DateTime<Utc>)>>,
    /// When hits were last written.
    flushed: Mutex<Instant>,
}

impl QuotaState {
    pub(super) fn new() -> QuotaState {
        QuotaState {
            people: Mutex::new(HashMap::new()),
            messages: RateLimiter::new(Quotas::default().messages_per_minute),
            told: Mutex::new(HashMap::new()),
            pending: Mutex::new(Vec::new()),
            flushed: Mutex::new(Instant::now()),
        }
    }

    fn forget(&self, user: &str) {
        self.people
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(user);
    }
}

/// A person's quotas beside what they used.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct QuotaReport {
    pub user: String,
    /// Admins are not held to quotas.
    pub exempt: bool,
    pub quotas: Quotas,
    /// The quotas an admin set for this person (the rest are the operator's).
    pub overridden: Vec<&'static str>,
    pub workflows: i64,
    pub runs_last_hour: i64,
    /// Their active workflows' busiest hours added up.
    pub scheduled_runs_per_hour: i64,
    pub tokens_today: u64,
    pub cost_today_usd: f64,
}

impl QuotaReport {
    /// Each quota beside what was used, a line each.
    pub fn describe(&self) -> String {
        let r = self;
        let q = &r.quotas;
        let set = |limit: Limit| {
            if r.overridden.contains(&limit.name()) {
                " (set by an admin)"
            } else {
                ""
            }
        };
        let mut lines = Vec::new();
        if r.exempt {
            lines.push("An admin: no quota holds admins; these are what others get.".to_string());
        }
        lines.extend([
        format!(
            "• workflows: {} of {}{}",
            r.workflows,
            q.max_workflows,
            set(Limit::Workflows)
        ),
        format!(
            "• runs an hour: {} in the last hour; your active schedules run up to {} an hour, of {}{}",
            r.runs_last_hour,
            r.scheduled_runs_per_hour,
            q.runs_per_hour,
            set(Limit::RunsPerHour)
        ),
        format!(
            "• shortest interval: {}{}",
            seconds_words(q.min_interval_seconds.max(0) as u64),
            set(Limit::Interval)
        ),
        format!(
            "• messages: {} a minute{}",
            q.messages_per_minute,
            set(Limit::Messages)
        ),
        format!(
            "• agent tokens today: {} of {}{}",
            thousands(r.tokens_today),
            thousands(q.tokens_per_day),
            set(Limit::TokensPerDay)
        ),
        format!(
            "• agent cost today: ${:.2} of ${:.2}{} (daily quotas free up at 00:00 UTC)",
            r.cost_today_usd,
            q.cost_per_day_usd,
            set(Limit::CostPerDay)
        ),
    ]);
        lines.join("\n")
    }
}

impl Manager {
    /// `user`'s quotas (the operator's, with an admin's override) and
    /// whether they are exempt (an admin).
    pub(crate) async fn quotas_of(&self, user: &str) -> Result<(Quotas, bool), ManageError> {
        let cached = self
            .limits
            .people
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(user)
            .filter(|(_, _, at)| at.elapsed() < CACHE_FOR)
            .map(|(o, admin, _)| (*o, *admin));
        let (person, admin) = match cached {
            Some(known) => known,
            None => {
                let mut conn = self.store.read_connection().await?;
                let person = quotas::get(&mut conn, user).await?;
                let admin = users::is_admin(&mut conn, user).await?;
                let mut people = self.limits.people.lock().unwrap_or_else(|e| e.into_inner());
                if people.len() >= MAX_PEOPLE {
                    people.retain(|_, (_, _, at)| at.elapsed() < CACHE_FOR);
                }
                people.insert(user.to_string(), (person, admin, Instant::now()));
                (person, admin)
            }
        };
        Ok((self.quotas.with(&person), admin))
    }

    /// The id of the person `name` means: a Discord mention, an id, the id
    /// after its platform, or a display name; one person or a sentence
    /// saying why not.
    pub async fn person(&self, actor: &Actor, name: &str) -> Result<String, ManageError> {
        let name = name.trim().trim_start_matches('@');
        if let Some(id) = name
            .strip_prefix("<@")
            .and_then(|n| n.strip_suffix('>'))
            .map(|n| n.trim_start_matches('!'))
        {
            return Ok(format!("discord:{id}"));
        }
        if name.eq_ignore_ascii_case(&actor.id) {
            return Ok(actor.id.clone());
        }
        let mut conn = self.store.read_connection().await?;
        let mut found = users::find(&mut conn, name).await?;
        // "bobs limits": Bob, when nobody is called Bobs.
        if let (true, Some(stem)) = (found.is_empty(), name.strip_suffix('s')) {
            found = users::find(&mut conn, stem).await?;
        }
        match found.as_slice() {
            [one] => Ok(one.clone()),
            // A full id (`telegram:42`) names someone steward has not met.
            [] if name.contains(':') && !name.contains(char::is_whitespace) => Ok(name.to_string()),
            [] => Err(ManageError::UnknownPerson(crate::text::clip(name, 40))),
            many => Err(ManageError::Invalid(format!(
                "several people are called '{}': {}; say which id",
                crate::text::clip(name, 40),
                many.join(", ")
            ))),
        }
    }

    /// Sets `limits` for `user` (a value `None` goes back to the operator's);
    /// only an admin may. Returns the person's quotas after.
    pub async fn set_quotas(
        &self,
        actor: &Actor,
        user: &str,
        limits: &[(Limit, Option<f64>)],
    ) -> Result<Quotas, ManageError> {
        if !actor.admin {
            return Err(ManageError::NotAllowed(
                "only an admin sets someone's limits".into(),
            ));
        }
        let user = user.trim();
        if user.is_empty() {
            return Err(ManageError::Invalid("say whose limits to set".into()));
        }
        let mut tx = self.store.begin_write().await?;
        let mut person = quotas::get(&mut tx, user).await?;
        for (limit, value) in limits {
            person.set(*limit, *value).map_err(ManageError::Invalid)?;
        }
        if let Some(seconds) = person.min_interval_seconds {
            let floor = self.quotas.min_interval_seconds;
            if seconds < floor {
                return Err(ManageError::Invalid(format!(
                    "the shortest interval can't go below the operator's {} (STEWARD_MIN_INTERVAL_SECONDS)",
                    seconds_words(floor as u64)
                )));
            }
        }
        let now = self.now();
        quotas::put(&mut tx, user, &person, &actor.id, now).await?;
        let detail = limits
            .iter()
            .map(|(limit, value)| match value {
                Some(v) => format!("{user} {}={v}", limit.name()),
                None => format!("{user} {}=default", limit.name()),
            })
            .collect::<Vec<_>>()
            .join(", ");
        audit::record(&mut tx, &actor.id, None, "set-quota", Some(&detail), now).await?;
        store::commit(tx, "committing a person's quotas").await?;
        self.limits.forget(user);
        Ok(self.quotas.with(&person))
    }

    /// `user`'s quotas and usage: their own for anyone, anyone's for an
    /// admin.
    pub async fn quota_report(
        &self,
        actor: &Actor,
        user: &str,
    ) -> Result<QuotaReport, ManageError> {
        if user != actor.id && !actor.admin {
            return Err(ManageError::NotAllowed(
                "only an admin sees someone else's limits".into(),
            ));
        }
        let now = self.now();
        let (quotas, exempt) = self.quotas_of(user).await?;
        let mut conn = self.store.connection().await?;
        let person = quotas::get(&mut conn, user).await?;
        let (tokens_today, cost_today_usd) =
            quotas::usage_since(&mut conn, user, day_start(now), None).await?;
        Ok(QuotaReport {
            user: user.to_string(),
            exempt,
            quotas,
            overridden: person.set_limits().iter().map(|l| l.name()).collect(),
            workflows: workflows::count_kept(&mut conn, user).await?,
            runs_last_hour: quotas::runs_since(&mut conn, user, now - TimeDelta::hours(1)).await?,
            scheduled_runs_per_hour: self.scheduled_per_hour(&mut conn, user, None).await?,
            tokens_today,
            cost_today_usd,
        })
    }

    /// Every person an admin set limits for.
    pub async fn quota_overrides(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(String, QuotaOverride)>, ManageError> {
        admin_only(actor)?;
        let mut conn = self.store.connection().await?;
        Ok(quotas::list(&mut conn).await?)
    }

    /// Who hit which limit how often, over the `days` last UTC days (today
    /// is 1): the abuse signal, for admins.
    pub async fn limit_hits(
        &self,
        actor: &Actor,
        days: u32,
    ) -> Result<Vec<quotas::Hits>, ManageError> {
        admin_only(actor)?;
        self.flush_hits().await;
        let since = self.now() - TimeDelta::days(i64::from(days.max(1)) - 1);
        let mut conn = self.store.connection().await?;
        Ok(quotas::hits_since(&mut conn, since).await?)
    }

    /// Notes a hit of `limit` by `user`, written by the next
    /// [`Manager::flush_hits`]: a refusal may come inside a transaction,
    /// which another write would wait for.
    pub(crate) fn note_hit(&self, user: &str, limit: Limit) {
        metrics::counter!("steward_limit_hits_total", "limit" => limit.name()).increment(1);
        let mut pending = self
            .limits
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if pending.len() < 10_000 {
            pending.push((user.to_string(), limit, self.now()));
        }
    }

    /// Writes the hits noted so far, one row update per person, limit and
    /// day. A failure is logged, not passed on: the refusals stand either
    /// way.
    pub(crate) async fn flush_hits(&self) {
        let pending = std::mem::take(
            &mut *self
                .limits
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        if pending.is_empty() {
            return;
        }
        *self
            .limits
            .flushed
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Instant::now();
        let mut grouped: HashMap<(String, Limit, String), (i64, DateTime<Utc>)> = HashMap::new();
        for (user, limit, at) in pending {
            let day = at.format("%Y-%m-%d").to_string();
            let entry = grouped.entry((user, limit, day)).or_insert((0, at));
            entry.0 += 1;
            entry.1 = entry.1.max(at);
        }
        let written = async {
            let mut tx = self.store.begin_write().await?;
            for ((user, limit, _), (count, at)) in &grouped {
                quotas::hit_times(&mut tx, user, limit.name(), *count, *at).await?;
            }
            store::commit(tx, "committing limit hits").await
        };
        if let Err(error) = written.await {
            tracing::warn!(%error, "limit hits could not be counted");
        }
    }

    /// [`Manager::flush_hits`] at most once a second, for the message path:
    /// a flood of refused messages costs one write a second, not one each.
    pub(crate) async fn flush_hits_now_and_then(&self) {
        let due = self
            .limits
            .flushed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
            >= Duration::from_secs(1);
        if due {
            self.flush_hits().await;
        }
    }
}

fn admin_only(actor: &Actor) -> Result<(), ManageError> {
    if actor.admin {
        Ok(())
    } else {
        Err(ManageError::NotAllowed(
            "only an admin sees everyone's limits".into(),
        ))
    }
}
