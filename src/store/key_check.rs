//! The key check (`encryption_key` table, migration 0018): a known text sealed
//! with the key, written the first time the database is opened with a key.
//! Every later open proves its key on it, so no key or the wrong one is a
//! clear refusal at start, never ciphertext read as data at run time.
//!
//! The first open with a key also seals what was stored before it, in the
//! same transaction as the check value: from then on the database holds no
//! plain secret, and a start without the key is refused.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool};

use super::sealed::{self, Whole};
use super::{to_ms, Context, StoreError};
use crate::crypt::{self, Cipher, Key, OpenError};

/// What the check value seals.
const CHECK: &str = "steward encryption key check v1";

/// Proves `key` (or its absence) on the database at `pool`; with a key, makes
/// it the process's and seals what was stored plain.
pub(super) async fn verify(
    pool: &AnyPool,
    key: Option<&Key>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let refused = |error: OpenError| StoreError::Data(sealed::refusal(&error));
    let check = read_check(&mut *pool.acquire().await.ctx("reading the key check")?).await?;
    let Some(key) = key else {
        return match check {
            Some(_) => Err(refused(OpenError::NoKey)),
            None => Ok(()),
        };
    };
    if let Some(check) = check {
        return prove(key, &check).map_err(refused);
    }
    // The first start with a key; another process may be making the same
    // start, so the check is read again under the write lock.
    let mut tx = super::backend::begin_write(pool, "starting to encrypt the database").await?;
    if let Some(check) = read_check(&mut tx).await? {
        return prove(key, &check).map_err(refused);
    }
    let cipher = sealed::use_key(key)?;
    let count = seal_existing(&mut tx).await?;
    sqlx::query("INSERT INTO encryption_key (id, check_value, created_at) VALUES (1, $1, $2)")
        .bind(cipher.seal(CHECK))
        .bind(to_ms(now))
        .execute(&mut *tx)
        .await
        .ctx("writing the encryption key check")?;
    tx.commit()
        .await
        .ctx("committing the encryption key check")?;
    if count > 0 {
        forget_plain_pages(pool).await;
    }
    tracing::info!(
        rows = count,
        "STEWARD_ENCRYPTION_KEY set on this database: secrets stored before are encrypted now"
    );
    Ok(())
}

/// The plain values just replaced may still lie in free pages of the file
/// and in old frames of its write-ahead log: the file is rebuilt and the
/// log emptied. Best effort (another process reading holds frames back); a
/// failure is logged, the values are encrypted either way.
async fn forget_plain_pages(pool: &AnyPool) {
    let statements: &[&str] = if super::backend::pool_is_postgres(pool) {
        &["VACUUM FULL"]
    } else {
        &["VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"]
    };
    for &statement in statements {
        if let Err(error) = sqlx::query(statement).execute(pool).await {
            tracing::warn!(%error, statement, "could not clear old plain-text pages");
        }
    }
}

async fn read_check(conn: &mut AnyConnection) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("SELECT check_value FROM encryption_key WHERE id = 1")
        .fetch_optional(conn)
        .await
        .ctx("reading the encryption key check")
}

/// Whether `key` opens the check value; if so it becomes the process's key.
fn prove(key: &Key, check: &str) -> Result<(), OpenError> {
    let opened = crypt::open(Some(&Cipher::new(key)), check)?;
    if opened != CHECK {
        return Err(OpenError::WrongKey);
    }
    sealed::use_key(key).map_err(|_| OpenError::WrongKey)?;
    Ok(())
}

/// How a column is sealed.
#[derive(Clone, Copy)]
enum Sealing {
    Text,
    Json(Whole),
    /// A secret all through.
    Whole,
}

/// Every column that keeps secrets, as the store functions seal them.
const SEALED: [(&str, &str, Sealing); 8] = [
    ("workflows", "plan", Sealing::Json(Whole::SecretFields)),
    ("workflows", "instruction", Sealing::Text),
    (
        "workflows",
        "placeholders",
        Sealing::Json(Whole::EveryString),
    ),
    ("conversations", "draft", Sealing::Json(Whole::SecretFields)),
    ("runs", "input", Sealing::Json(Whole::SecretFields)),
    ("run_steps", "resume", Sealing::Whole),
    ("templates", "body", Sealing::Json(Whole::SecretFields)),
    ("hooks", "secret", Sealing::Whole),
];

/// Seals the secrets of rows written before the key was set; returns how
/// many values changed.
async fn seal_existing(conn: &mut AnyConnection) -> Result<usize, StoreError> {
    let mut changed = 0;
    // Each row by its physical address, read and written under the write
    // lock: SQLite's rowid, PostgreSQL's ctid.
    let (row_id, by_row_id) = if super::is_postgres(conn) {
        ("CAST(ctid AS TEXT)", "ctid = CAST($2 AS tid)")
    } else {
        ("CAST(rowid AS TEXT)", "rowid = CAST($2 AS INTEGER)")
    };
    for (table, column, sealing) in SEALED {
        // Names from the constant above, never from input.
        let rows: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT {row_id}, {column} FROM {table} WHERE {column} IS NOT NULL"
        ))
        .fetch_all(&mut *conn)
        .await
        .ctx("reading values to encrypt")?;
        for (rowid, plain) in rows {
            let stored = match sealing {
                Sealing::Text => sealed::text(&plain),
                Sealing::Json(whole) => sealed::json(&plain, whole),
                Sealing::Whole => sealed::whole(plain.clone()),
            };
            if stored == plain {
                continue;
            }
            sqlx::query(&format!(
                "UPDATE {table} SET {column} = $1 WHERE {by_row_id}"
            ))
            .bind(stored)
            .bind(rowid)
            .execute(&mut *conn)
            .await
            .ctx("encrypting a stored value")?;
            changed += 1;
        }
    }
    Ok(changed)
}
