//! Storage (DESIGN §7): every SQL statement of steward lives in this module.
//!
//! SQLite in WAL mode with a busy timeout; migrations under `migrations/` are
//! embedded and applied at start and by `steward migrate`. Functions that must
//! compose into one transaction take a `&mut AnyConnection`; the rest take
//! the [`Store`].

pub mod api_keys;
pub mod approvals;
pub mod audit;
pub mod audit_pages;
mod backend;
pub mod callbacks;
pub mod conversations;
pub mod health;
pub mod hooks;
pub mod idempotency;
mod key_check;
mod leaders;
mod log_batch;
pub mod log_writer;
pub mod outbox;
pub mod quotas;
pub mod run_stats;
pub mod runs;
mod schedule_cache;
pub mod sealed;
pub mod steps;
pub mod templates;
pub mod users;
mod wakes;
pub mod web_sessions;
pub mod workflow_pages;
pub mod workflows;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Transaction};
use std::path::Path;

pub use backend::{is_postgres, numbered, pool_is_postgres, Flag};
use backend::{migrate, Location};
pub use sqlx::AnyConnection;

/// A write transaction begun with [`Store::begin_write`].
pub type WriteTx = Transaction<'static, Any>;

/// Commits `tx`; `context` names what it was for in the error.
pub async fn commit(tx: WriteTx, context: &'static str) -> Result<(), StoreError> {
    tx.commit().await.ctx(context)
}

/// A failed store operation, with what was being done.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{context}: {source}")]
    Sql {
        context: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("applying migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Data(String),
    /// The run log writer was closed (shutdown) or is gone.
    #[error("the run log writer has stopped")]
    WriterStopped,
    /// The batch a write went in failed; every write of the batch gets it.
    #[error("{0}")]
    Batch(std::sync::Arc<StoreError>),
}

impl StoreError {
    /// Whether the database was busy (another writer held the lock past the
    /// busy timeout; on PostgreSQL a serialisation failure or deadlock); the
    /// caller may retry.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Sql {
                source: sqlx::Error::Database(db),
                ..
            } => matches!(
                db.code().as_deref(),
                Some("5") | Some("6") | Some("517") | Some("40001") | Some("40P01")
            ),
            _ => false,
        }
    }
}

/// Adds context to sqlx results: `.ctx("loading due workflows")`.
pub(crate) trait Context<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> Context<T> for Result<T, sqlx::Error> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sql { context, source })
    }
}

/// The database: a pool of SQLite connections.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// Read-only connections for the conversation's reads, so they run beside
    /// the writer instead of queueing behind it (WAL lets readers and one
    /// writer work at once).
    reader: AnyPool,
    log: log_writer::LogWriter,
    health: std::sync::Arc<health::WriteHealth>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies
    /// migrations; refused when the database holds encrypted values.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with_key(path, None).await
    }

    /// [`Store::open`] with the encryption key (`STEWARD_ENCRYPTION_KEY`),
    /// proved on the database's key check before anything is read; the first
    /// open with a key encrypts the secrets stored before (see
    /// [`sealed`]).
    pub async fn open_with_key(
        path: &Path,
        key: Option<&crate::crypt::Key>,
    ) -> Result<Store, StoreError> {
        let pools = match Location::of(path)? {
            Location::File(url) => backend::open_sqlite(&url).await?,
            Location::Server(url) => backend::open_postgres(&url).await?,
        };
        migrate(&pools.writer).await?;
        key_check::verify(&pools.writer, key, Utc::now()).await?;
        let health = std::sync::Arc::new(health::WriteHealth::default());
        let log =
            log_writer::LogWriter::start(pools.writer.clone(), std::sync::Arc::clone(&health));
        Ok(Store {
            pool: pools.writer,
            reader: pools.reader,
            log,
            health,
        })
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate(&self.pool).await
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers (for health checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(self.reader())
            .await
            .ctx("pinging the database")?;
        Ok(())
    }

    /// Whether the writers that run on their own keep failing.
    pub fn health(&self) -> &health::WriteHealth {
        &self.health
    }

    /// Writes to the database file and commits (the schema version, set to
    /// what it is), so a read-only file, directory or disk is found at start
    /// rather than by every claim after it.
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        if is_postgres(&tx) {
            let read_only: String = sqlx::query_scalar("SHOW transaction_read_only")
                .fetch_one(&mut *tx)
                .await
                .ctx("asking whether the database takes writes")?;
            if read_only == "on" {
                return Err(StoreError::Data(
                    "the PostgreSQL database is read-only (a standby?)".into(),
                ));
            }
        } else {
            let version: i64 = sqlx::query_scalar("PRAGMA user_version")
                .fetch_one(&mut *tx)
                .await
                .ctx("reading the schema version")?;
            sqlx::query(&format!("PRAGMA user_version = {version}"))
                .execute(&mut *tx)
                .await
                .ctx("writing to the database")?;
        }
        tx.commit().await.ctx("committing a test write")
    }

    /// Read-only connections: for reads that need not see this instant's
    /// uncommitted writes (everything committed before the read is seen).
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// A read-only connection, usable while this process holds a write
    /// transaction (a quota read in the middle of a change).
    pub async fn read_connection(&self) -> Result<PoolConnection<Any>, StoreError> {
        self.reader
            .acquire()
            .await
            .ctx("getting a read-only database connection")
    }

    /// Gives back the page caches of this process's idle SQLite connections
    /// (`PRAGMA shrink_memory`); they fill again as pages are read. Called
    /// after a burst of runs, so the resident size falls back.
    pub async fn shrink_memory(&self) {
        if backend::pool_is_postgres(&self.pool) {
            return;
        }
        let mut idle = Vec::new();
        idle.extend(self.pool.try_acquire());
        while let Some(conn) = self.reader.try_acquire() {
            idle.push(conn);
        }
        for mut conn in idle {
            if let Err(error) = sqlx::query("PRAGMA shrink_memory")
                .execute(&mut *conn)
                .await
            {
                tracing::debug!(%error, "could not shrink a connection's cache");
            }
        }
    }

    /// The group-commit writer for run starts, step results and successes.
    pub fn log(&self) -> &log_writer::LogWriter {
        &self.log
    }

    /// A write transaction that takes the lock at once (`BEGIN IMMEDIATE`), so
    /// two schedulers on one file serialise their claims instead of failing at
    /// commit.
    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        backend::begin_write(&self.pool, "starting a write transaction").await
    }

    /// A connection for a series of statements outside a transaction.
    pub async fn connection(&self) -> Result<PoolConnection<Any>, StoreError> {
        self.pool
            .acquire()
            .await
            .ctx("getting a database connection")
    }

    /// A consistent copy of the live database at `to` (`VACUUM INTO`): taken
    /// in one read transaction, so `serve` keeps running and writing; `to`
    /// must not exist yet.
    pub async fn backup(&self, to: &std::path::Path) -> Result<(), StoreError> {
        let to = to
            .to_str()
            .ok_or_else(|| StoreError::Data("the backup path is not UTF-8".into()))?;
        if backend::pool_is_postgres(&self.pool) {
            return Err(StoreError::Data(
                "steward backup copies a SQLite file; back up PostgreSQL with pg_dump (see docs/operations.md)".into(),
            ));
        }
        self.log.flush().await?;
        sqlx::query("VACUUM INTO $1")
            .bind(to)
            .execute(&self.reader)
            .await
            .ctx("backing up the database")?;
        Ok(())
    }

    /// Writes what the run log holds, stops its writer, and closes the
    /// connections.
    pub async fn close(&self) {
        self.log.close().await;
        self.reader.close().await;
        self.pool.close().await;
    }
}

/// Unix milliseconds, as every time column stores them.
pub fn to_ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub(crate) fn opt_ms(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.map(from_ms)
}
