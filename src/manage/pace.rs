//! The quotas on how often a person's workflows run: the shortest interval
//! of one workflow, and runs an hour across all of them, checked when a
//! workflow is created, changed or resumed (from its schedule's busiest
//! hour) and when one is run by hand (from the runs of the last hour).

use chrono::{DateTime, TimeDelta};

use super::{ManageError, Manager};
use crate::schedule::{Pace, Schedule};
use crate::store::{quotas, workflows, AnyConnection};
use crate::workflow::quotas::seconds_words;
use crate::workflow::Limit;

impl Manager {
    /// Refuses `schedule` for workflow `name` of `owner` (replacing workflow
    /// `except`, if any) when it runs more often than the owner's quotas
    /// allow; returns its pace to record. Quotas are the owner's, whoever
    /// asks; an admin's own workflows are exempt.
    pub(super) async fn within_pace(
        &self,
        conn: &mut AnyConnection,
        owner: &str,
        name: &str,
        schedule: &Schedule,
        except: Option<i64>,
    ) -> Result<Pace, ManageError> {
        let pace = schedule.pace(self.now());
        let (quotas, exempt) = self.quotas_of(owner).await?;
        if exempt || pace.busiest_hour == 0 {
            return Ok(pace);
        }
        let floor = quotas.min_interval_seconds;
        if let Some(gap) = pace.shortest_gap.filter(|gap| *gap < floor) {
            self.note_hit(owner, Limit::Interval);
            return Err(ManageError::OverQuota(format!(
                "'{name}' would run {} apart at its closest; your shortest interval is {}: make it less frequent, or ask an admin",
                seconds_words(gap.max(0) as u64),
                seconds_words(floor as u64)
            )));
        }
        let others = self.scheduled_per_hour(conn, owner, except).await?;
        let max = i64::from(quotas.runs_per_hour);
        let total = others + i64::from(pace.busiest_hour);
        if total > max {
            self.note_hit(owner, Limit::RunsPerHour);
            return Err(ManageError::OverQuota(format!(
                "'{name}' runs up to {} times an hour; with your other active workflows' {others} that makes {total}, over your quota of {max} runs an hour: make it less frequent, pause another workflow, or ask an admin for more",
                pace.busiest_hour
            )));
        }
        Ok(pace)
    }

    /// The busiest hours of `owner`'s active workflows but `except`, added
    /// up; workflows stored before this was recorded are measured now, and
    /// their measure kept.
    pub(super) async fn scheduled_per_hour(
        &self,
        conn: &mut AnyConnection,
        owner: &str,
        except: Option<i64>,
    ) -> Result<i64, ManageError> {
        let (mut total, unmeasured) = workflows::runs_per_hour(conn, owner, except).await?;
        // Measured once, then kept: later looks are one sum.
        for id in unmeasured {
            if let Some(w) = workflows::get(conn, id).await? {
                let pace = w.schedule.as_ref().map(|s| s.pace(self.now()));
                let busiest = pace.map_or(0, |p| p.busiest_hour);
                workflows::set_runs_per_hour(conn, id, busiest).await?;
                total += i64::from(busiest);
            }
        }
        Ok(total)
    }

    /// Refuses a run by hand of `owner`'s when their runs of the last hour
    /// reached their quota, saying when one frees up.
    pub(super) async fn may_run(
        &self,
        conn: &mut AnyConnection,
        owner: &str,
    ) -> Result<(), ManageError> {
        let (quotas, exempt) = self.quotas_of(owner).await?;
        if exempt {
            return Ok(());
        }
        let now = self.now();
        let since = now - TimeDelta::hours(1);
        let ran = quotas::runs_since(conn, owner, since).await?;
        let max = i64::from(quotas.runs_per_hour);
        if ran < max {
            return Ok(());
        }
        self.note_hit(owner, Limit::RunsPerHour);
        Err(ManageError::OverQuota(format!(
            "your workflows ran {ran} times in the last hour, your quota of {max} runs an hour: try again {}, or ask an admin for more",
            frees_up(quotas::oldest_run_since(conn, owner, since).await?, now)
        )))
    }
}

/// "in 12 minutes": when a run of the last hour leaves it.
fn frees_up(oldest: Option<DateTime<chrono::Utc>>, now: DateTime<chrono::Utc>) -> String {
    let Some(oldest) = oldest else {
        return "in a few minutes".into();
    };
    let seconds = (oldest + TimeDelta::hours(1) - now).num_seconds().max(1);
    if seconds < 60 {
        format!("in {seconds} s")
    } else {
        format!("in {} minutes", (seconds + 59) / 60)
    }
}
