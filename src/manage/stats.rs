//! A workflow's figures over a period (runs by status, success rate,
//! durations, tokens and cost), for the person who may see it.

use chrono::{DateTime, Utc};

use super::{Actor, ManageError, Manager};
use crate::store::run_stats;

/// What a workflow's runs in a period add up to.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// Runs per status name (only statuses that occurred).
    pub by_status: Vec<(String, i64)>,
    pub total: i64,
    /// Succeeded over those that finished (succeeded, failed, guardrail,
    /// interrupted); `None` when none finished.
    pub success_rate: Option<f64>,
    pub p50_ms: Option<i64>,
    pub p95_ms: Option<i64>,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// `None` when some run used a model without a known price.
    pub cost_usd: Option<f64>,
}

/// The statuses that count as a finished attempt for the success rate.
const FINISHED: &[&str] = &["succeeded", "failed", "guardrail", "interrupted"];

impl Manager {
    /// The figures of workflow `id` over `[since, until)`, when `actor` may
    /// see it.
    pub async fn stats(
        &self,
        actor: &Actor,
        id: i64,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Stats, ManageError> {
        self.workflow(actor, id).await?;
        if since >= until {
            return Err(ManageError::Invalid(
                "since: the period must start before it ends (until)".into(),
            ));
        }
        let totals = run_stats::totals(self.store.reader(), id, since, until).await?;
        let count = |names: &[&str]| -> i64 {
            totals
                .by_status
                .iter()
                .filter(|(s, _)| names.contains(&s.as_str()))
                .map(|(_, n)| n)
                .sum()
        };
        let finished = count(FINISHED);
        Ok(Stats {
            since,
            until,
            total: totals.by_status.iter().map(|(_, n)| n).sum(),
            success_rate: (finished > 0).then(|| count(&["succeeded"]) as f64 / finished as f64),
            p50_ms: percentile(&totals.durations_ms, 50),
            p95_ms: percentile(&totals.durations_ms, 95),
            prompt_tokens: totals.prompt_tokens,
            completion_tokens: totals.completion_tokens,
            cost_usd: (totals.unpriced == 0).then_some(totals.cost_usd),
            by_status: totals.by_status,
        })
    }
}

impl Manager {
    /// Runs of workflow `id` with slots in `[since, until)` per day and
    /// status (days of a zone `offset_ms` ahead of UTC, numbered from the
    /// epoch), when `actor` may see it.
    pub async fn runs_per_day(
        &self,
        actor: &Actor,
        id: i64,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        offset_ms: i64,
    ) -> Result<Vec<(i64, String, i64)>, ManageError> {
        self.workflow(actor, id).await?;
        Ok(run_stats::per_day(self.store.reader(), id, since, until, offset_ms).await?)
    }
}

/// The nearest-rank `p`th percentile of `sorted` (ascending).
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 95), Some(7));
        let hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 50), Some(50));
        assert_eq!(percentile(&hundred, 95), Some(95));
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
    }
}

/// What the service holds right now, for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Backlog {
    /// Notices waiting to be delivered.
    pub outbox: i64,
    /// Active workflows whose next run is due and not claimed yet.
    pub due: i64,
}

impl Manager {
    /// The outbox depth and the due backlog (the operator's view, no actor).
    pub async fn backlog(&self) -> Result<Backlog, ManageError> {
        let pool = self.store.reader();
        Ok(Backlog {
            outbox: crate::store::outbox::depth(pool).await?,
            due: crate::store::workflows::count_due(pool, self.now()).await?,
        })
    }
}
