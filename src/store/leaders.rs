//! Leases on work one process at a time may do among replicas sharing the
//! database (Telegram long polling, the Discord gateway). A holder renews
//! its lease well before `until`; once it lapses (the holder died) any
//! process may take it. The same statements on SQLite and PostgreSQL.

use chrono::{DateTime, Utc};

use super::{to_ms, Context, Store, StoreError};

impl Store {
    /// Takes or renews the lease `name` for `holder` until `until`: `true`
    /// when `holder` has it now, `false` when another holder's lease runs.
    pub async fn hold_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // One statement, so two processes taking a lapsed lease at once
        // cannot both win: the row's conflict serialises them, and the
        // second sees the first's fresh `until`.
        let done = sqlx::query(
            "INSERT INTO leaders (name, holder, until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until \
             WHERE leaders.holder = excluded.holder OR leaders.until < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(to_ms(until))
        .bind(to_ms(now))
        .execute(self.pool())
        .await
        .ctx("taking or renewing a lease")?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lease `name` up if `holder` has it, so another process may
    /// take it at once instead of when it lapses.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM leaders WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(self.pool())
            .await
            .ctx("releasing a lease")?;
        Ok(())
    }

    /// Who holds the lease `name` and until when, lapsed or not.
    pub async fn lease_holder(
        &self,
        name: &str,
    ) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT holder, until FROM leaders WHERE name = $1")
                .bind(name)
                .fetch_optional(self.pool())
                .await
                .ctx("reading a lease")?;
        Ok(row.map(|(holder, until)| (holder, super::from_ms(until))))
    }
}
