//! The two databases the store runs on, behind sqlx's `Any` driver: a SQLite
//! file (the default) or a PostgreSQL server that several replicas share.
//!
//! Every statement is written once, with `$1`-style placeholders, which both
//! accept; the few that differ ask [`is_postgres`]. Writes on both are one at
//! a time: SQLite's `BEGIN IMMEDIATE` takes the file's write lock, and on
//! PostgreSQL a write transaction takes one advisory lock, so every rule the
//! code keeps under SQLite's single writer (check, then insert) holds across
//! replicas too.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyTypeInfo, AnyTypeInfoKind, AnyValueRef};
use sqlx::ValueRef;
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

use super::{Context, StoreError};

/// Read-only connections beside the writer.
const READERS: u32 = 2;

/// Connections a PostgreSQL replica reads through.
const SERVER_READERS: u32 = 4;

/// How long a statement waits for another writer before SQLITE_BUSY.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The advisory lock a PostgreSQL write transaction holds (any constant;
/// this one spells "steward").
const WRITE_LOCK: i64 = 0x0053_7465_7761_7264;

/// Where the store lives, read from `--db` / `STEWARD_DB`.
pub(super) enum Location {
    /// A SQLite file, as the `sqlite://` URL sqlx opens.
    File(String),
    /// A PostgreSQL server URL.
    Server(String),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL names a server; anything else
    /// must be a plain file path. A path that reads as another URL or carries
    /// SQLite URL options (`?mode=memory`, `:memory:`) is refused rather than
    /// opened as something that would lose what is written.
    pub(super) fn of(path: &Path) -> Result<Location, StoreError> {
        let text = path.to_string_lossy();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Location::Server(text.into_owned()));
        }
        let url_like = text.starts_with("sqlite:") || text.starts_with("file:");
        if url_like || text.contains('?') || text == ":memory:" || text.is_empty() {
            return Err(StoreError::Data(format!(
                "'{text}' is not a database file path: give a file path like ./steward.db, or a postgres:// URL (other URLs and options such as ?mode=memory are not accepted; steward keeps its data in a file or a server)"
            )));
        }
        let absolute = std::path::absolute(path)
            .map_err(|e| StoreError::Data(format!("'{text}' is not a usable path: {e}")))?;
        // The path percent-encoded, so no character of a file name is read
        // as part of the URL.
        let file = url::Url::from_file_path(&absolute)
            .map_err(|()| StoreError::Data(format!("'{text}' is not a usable path")))?;
        Ok(Location::File(format!("sqlite://{}", file.path())))
    }
}

/// A writer pool and a reader pool.
pub(super) struct Pools {
    pub writer: AnyPool,
    pub reader: AnyPool,
}

fn install_drivers() {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(|| {
        sqlx::any::install_drivers(&[sqlx::sqlite::any::DRIVER, sqlx::postgres::any::DRIVER])
            .expect("installing the database drivers once");
    });
}

fn options(url: &str) -> Result<AnyConnectOptions, StoreError> {
    AnyConnectOptions::from_str(url).ctx("reading the database URL")
}

/// One connection writes: SQLite has one writer at a time, and a single
/// connection queues writers in the pool (fair, no sleeping) instead of in
/// SQLite's busy handler, which sleeps up to 100 ms per retry under
/// contention. Readers run beside it (WAL lets readers and one writer work at
/// once), opened lazily after the migrations so they see the whole schema.
pub(super) async fn open_sqlite(url: &str) -> Result<Pools, StoreError> {
    install_drivers();
    let pragmas = format!(
        "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
        BUSY_TIMEOUT.as_millis()
    );
    let writer = AnyPoolOptions::new()
        .max_connections(1)
        // A local file needs no liveness ping before each use.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(60))
        .after_connect({
            let pragmas = pragmas.clone();
            move |conn, _| {
                let pragmas = pragmas.clone();
                Box::pin(async move {
                    conn.execute(pragmas.as_str()).await?;
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    Ok(())
                })
            }
        })
        .connect_with(options(&format!("{url}?mode=rwc"))?)
        .await
        .ctx("opening the database")?;
    let reader = AnyPoolOptions::new()
        .max_connections(READERS)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(60))
        .after_connect(move |conn, _| {
            let pragmas = pragmas.clone();
            Box::pin(async move {
                conn.execute(pragmas.as_str()).await?;
                Ok(())
            })
        })
        .connect_lazy_with(options(&format!("{url}?mode=ro"))?);
    Ok(Pools { writer, reader })
}

/// On PostgreSQL the writer is one connection too (writes are serialised by
/// the advisory lock anyway); readers are a few more connections.
pub(super) async fn open_postgres(url: &str) -> Result<Pools, StoreError> {
    install_drivers();
    let writer = AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        .connect_with(options(url)?)
        .await
        .ctx("connecting to the PostgreSQL database")?;
    let reader = AnyPoolOptions::new()
        .max_connections(SERVER_READERS)
        .acquire_timeout(Duration::from_secs(60))
        .connect_lazy_with(options(url)?);
    Ok(Pools { writer, reader })
}

/// Whether `pool` talks to PostgreSQL.
pub fn pool_is_postgres(pool: &AnyPool) -> bool {
    let scheme = pool.connect_options().database_url.scheme().to_owned();
    scheme.starts_with("postgres")
}

/// Whether `conn` talks to PostgreSQL.
pub fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// Applies the embedded migrations of the pool's database that have not run
/// yet: `migrations/sqlite` or `migrations/postgres`.
pub(super) async fn migrate(pool: &AnyPool) -> Result<(), StoreError> {
    if pool_is_postgres(pool) {
        sqlx::migrate!("./migrations/postgres").run(pool).await?;
    } else {
        sqlx::migrate!("./migrations/sqlite").run(pool).await?;
    }
    Ok(())
}

/// A write transaction that takes the write lock at once, so two schedulers
/// on one database serialise their claims instead of failing at commit:
/// `BEGIN IMMEDIATE` on SQLite, the advisory lock on PostgreSQL.
pub(crate) async fn begin_write(
    pool: &AnyPool,
    context: &'static str,
) -> Result<Transaction<'static, Any>, StoreError> {
    let begin = if pool_is_postgres(pool) {
        format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    } else {
        "BEGIN IMMEDIATE".to_owned()
    };
    pool.begin_with(begin).await.ctx(context)
}

/// A yes/no column: stored as an integer 0/1 on both databases, read from an
/// integer or from a comparison (`x IS NOT NULL AS flag`, which is a boolean
/// on PostgreSQL and an integer on SQLite).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

impl sqlx::Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        ty.kind().is_integer() || ty.kind() == AnyTypeInfoKind::Bool
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            return Ok(Flag(<bool as sqlx::Decode<Any>>::decode(value)?));
        }
        Ok(Flag(<i64 as sqlx::Decode<Any>>::decode(value)? != 0))
    }
}

/// `sql`, built with a `?` for each of a varying number of values, for the
/// database at hand: on PostgreSQL each `?` outside quotes numbered (`$1`,
/// `$2`, …); on SQLite left as it is, since SQLite looks a numbered mark's
/// name up in a list as long as the statement's marks, which made a claim's
/// 900-value inserts quadratic (15 % of a burst's CPU).
///
/// Multi-row statements built with these marks are kept prepared only at
/// their full chunk size (`.persistent(chunk.len() == FULL)`): each other
/// size would be one more statement in every connection's cache, and a
/// scheduler claiming a few runs at a time makes every size (RSS went from
/// 38 to 69 MB in the bench's steady state).
pub fn numbered(sql: &str, postgres: bool) -> String {
    if !postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + sql.len() / 4);
    let mut quoted = false;
    let mut next = 0;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                next += 1;
                out.push('$');
                out.push_str(&next.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_counts_marks_outside_quotes() {
        assert_eq!(
            numbered("UPDATE t SET a = ? WHERE b = '?' AND c IN (?, ?)", true),
            "UPDATE t SET a = $1 WHERE b = '?' AND c IN ($2, $3)"
        );
    }

    #[test]
    fn sqlite_keeps_its_anonymous_marks() {
        assert_eq!(numbered("a = ? AND b = ?", false), "a = ? AND b = ?");
    }

    #[test]
    fn a_path_is_a_file_and_a_postgres_url_a_server() {
        assert!(matches!(
            Location::of(Path::new("postgres://u@h/db")),
            Ok(Location::Server(_))
        ));
        match Location::of(Path::new("/tmp/a b#c.db")) {
            Ok(Location::File(url)) => assert_eq!(url, "sqlite:///tmp/a%20b%23c.db"),
            _ => panic!("a file path is a file"),
        }
        for refused in ["sqlite://x.db", "x.db?mode=memory", ":memory:", ""] {
            assert!(Location::of(Path::new(refused)).is_err(), "{refused}");
        }
    }
}
