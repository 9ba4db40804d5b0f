//! The owner's daily quota on agent tokens and cost, across all their runs
//! (`STEWARD_QUOTA_TOKENS_PER_DAY`, `STEWARD_QUOTA_COST_PER_DAY_USD`, or what
//! an admin set for them). Read when an agent step starts; each model
//! answer is checked against what is left. Admins are exempt.

use std::sync::atomic::Ordering;

use super::super::runner::Runner;
use super::super::Stop;
use crate::store::{quotas, users};
use crate::workflow::quotas::day_start;
use crate::workflow::{Limit, Usage};

/// What the owner used today before this run, and their quota.
pub(super) struct DayBudget {
    used_tokens: u64,
    used_cost: f64,
    max_tokens: u64,
    max_cost: f64,
}

/// A quota stop was the first today (the owner is told) or not (quiet).
pub(crate) const TOLD: u8 = 1;
pub(crate) const QUIET: u8 = 2;

impl DayBudget {
    /// The owner's budget for today, `None` for an admin; a store failure
    /// fails the step (spending without knowing the budget is not safe).
    pub(super) async fn read(runner: &Runner<'_>) -> Result<Option<DayBudget>, Stop> {
        let owner = runner.workflow.owner.as_str();
        let engine = runner.engine;
        let since = day_start(engine.now());
        let read = async {
            let mut conn = engine.store.read_connection().await?;
            if users::is_admin(&mut conn, owner).await? {
                return Ok(None);
            }
            let person = quotas::get(&mut conn, owner).await?;
            let quotas = engine.quotas.with(&person);
            let (used_tokens, used_cost) =
                quotas::usage_since(&mut conn, owner, since, Some(runner.run.id)).await?;
            Ok::<_, crate::store::StoreError>(Some(DayBudget {
                used_tokens,
                used_cost,
                max_tokens: quotas.tokens_per_day,
                max_cost: quotas.cost_per_day_usd,
            }))
        };
        read.await
            .map_err(|e| Stop::Failed(format!("could not read the owner's daily quota: {e}")))
    }

    /// Stops the run when the owner's runs today, this one's `total`
    /// included, passed the quota; counts the hit, and marks the run quiet
    /// when the owner was already told today.
    pub(super) async fn check(&self, runner: &Runner<'_>, total: &Usage) -> Result<(), Stop> {
        let tokens = self.used_tokens + total.tokens();
        let cost = self.used_cost + total.cost_usd.unwrap_or(0.0);
        let over = if tokens >= self.max_tokens {
            Some((
                Limit::TokensPerDay,
                format!(
                    "the owner's workflows used {} agent tokens today, their quota of {}",
                    crate::workflow::quotas::thousands(tokens),
                    crate::workflow::quotas::thousands(self.max_tokens)
                ),
            ))
        } else if cost >= self.max_cost {
            Some((
                Limit::CostPerDay,
                format!(
                    "the owner's workflows cost ${cost:.2} in agent use today, their quota of ${:.2}",
                    self.max_cost
                ),
            ))
        } else {
            None
        };
        let Some((limit, said)) = over else {
            return Ok(());
        };
        let engine = runner.engine;
        let owner = runner.workflow.owner.as_str();
        let now = engine.now();
        let counted = async {
            let mut conn = engine.store.connection().await?;
            quotas::hit(&mut conn, owner, limit.name(), now).await
        };
        let first = counted.await.map_or(true, |count| count == 1);
        runner
            .quota_stop
            .store(if first { TOLD } else { QUIET }, Ordering::Relaxed);
        Err(Stop::Guardrail(format!(
            "{said}; agent steps wait until it frees up at 00:00 UTC (an admin can raise it)"
        )))
    }
}
