//! Storage (DESIGN §7): every SQL statement of steward lives in this module.
//!
//! SQLite in WAL mode with a busy timeout; migrations under `migrations/` are
//! embedded and applied at start and by `steward migrate`. Functions that must
//! compose into one transaction take a `&mut SqliteConnection`; the rest take
//! the [`Store`].

pub mod api_keys;
pub mod approvals;
pub mod audit;
pub mod audit_pages;
pub mod callbacks;
pub mod conversations;
pub mod health;
pub mod hooks;
pub mod idempotency;
mod key_check;
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
pub mod workflow_pages;
pub mod workflows;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::time::Duration;

pub use sqlx::SqliteConnection;

/// A write transaction begun with [`Store::begin_write`].
pub type WriteTx = Transaction<'static, Sqlite>;

/// Commits `tx`; `context` names what it was for in the error.
pub async fn commit(tx: WriteTx, context: &'static str) -> Result<(), StoreError> {
    tx.commit().await.ctx(context)
}

/// Read-only connections beside the writer.
const READERS: u32 = 2;

/// How long a statement waits for another writer before SQLITE_BUSY.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// busy timeout); the caller may retry.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Sql {
                source: sqlx::Error::Database(db),
                ..
            } => matches!(db.code().as_deref(), Some("5") | Some("6") | Some("517")),
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
    pool: SqlitePool,
    /// Read-only connections for the conversation's reads, so they run beside
    /// the writer instead of queueing behind it (WAL lets readers and one
    /// writer work at once).
    reader: SqlitePool,
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
        refuse_url_options(path)?;
        // The path as a file name, never read as a URL: `x.db?mode=memory`
        // must not open a database that vanishes at exit.
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        // One connection: SQLite has one writer at a time, and a single
        // connection queues writers in the pool (fair, no sleeping) instead of
        // in SQLite's busy handler, which sleeps up to 100 ms per retry under
        // contention. Reads are short; a separate read pool can come with the
        // HTTP API if they ever wait.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            // A local file needs no liveness ping before each use.
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options.clone())
            .await
            .ctx("opening the database")?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        key_check::verify(&pool, key, Utc::now()).await?;
        // Opened after the migrations, so readers see the whole schema; lazy,
        // so commands that never read through them open none.
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(60))
            .connect_lazy_with(options.read_only(true).create_if_missing(false));
        let health = std::sync::Arc::new(health::WriteHealth::default());
        let log = log_writer::LogWriter::start(pool.clone(), std::sync::Arc::clone(&health));
        Ok(Store {
            pool,
            reader,
            log,
            health,
        })
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("./migrations").run(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
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
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *tx)
            .await
            .ctx("reading the schema version")?;
        sqlx::query(&format!("PRAGMA user_version = {version}"))
            .execute(&mut *tx)
            .await
            .ctx("writing to the database")?;
        tx.commit().await.ctx("committing a test write")
    }

    /// Read-only connections: for reads that need not see this instant's
    /// uncommitted writes (everything committed before the read is seen).
    pub fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// A read-only connection, usable while this process holds a write
    /// transaction (a quota read in the middle of a change).
    pub async fn read_connection(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        self.reader
            .acquire()
            .await
            .ctx("getting a read-only database connection")
    }

    /// The group-commit writer for run starts, step results and successes.
    pub fn log(&self) -> &log_writer::LogWriter {
        &self.log
    }

    /// A write transaction that takes the lock at once (`BEGIN IMMEDIATE`), so
    /// two schedulers on one file serialise their claims instead of failing at
    /// commit.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .ctx("starting a write transaction")
    }

    /// A connection for a series of statements outside a transaction.
    pub async fn connection(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
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
        self.log.flush().await?;
        sqlx::query("VACUUM INTO ?")
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

/// A database is a file: a path that reads as a URL or carries SQLite URL
/// options (`?mode=memory`, `:memory:`) is refused rather than opened as
/// something that would lose what is written.
fn refuse_url_options(path: &Path) -> Result<(), StoreError> {
    let text = path.to_string_lossy();
    let url_like = text.starts_with("sqlite:") || text.starts_with("file:");
    if url_like || text.contains('?') || text == ":memory:" || text.is_empty() {
        return Err(StoreError::Data(format!(
            "'{text}' is not a database file path: give a file path like ./steward.db (URLs and options such as ?mode=memory are not accepted; steward keeps its data in a file)"
        )));
    }
    Ok(())
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
