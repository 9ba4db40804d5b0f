//! `api_keys` table: the REST API's per-user keys, kept as their SHA-256
//! with a visible prefix.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::{from_ms, opt_ms, to_ms, Context, StoreError};

/// A key as stored (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    /// `stw_` and the key's next 8 characters, for telling keys apart.
    pub prefix: String,
    pub name: String,
    /// Whose workflows it sees and manages.
    pub user: String,
    /// Sees and manages everyone's.
    pub admin: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    prefix: String,
    name: String,
    user_id: String,
    #[sqlx(try_from = "super::Flag")]
    admin: bool,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<Row> for ApiKey {
    fn from(row: Row) -> ApiKey {
        ApiKey {
            id: row.id,
            prefix: row.prefix,
            name: row.name,
            user: row.user_id,
            admin: row.admin,
            created_at: from_ms(row.created_at),
            last_used_at: opt_ms(row.last_used_at),
            revoked_at: opt_ms(row.revoked_at),
        }
    }
}

const COLUMNS: &str = "id, prefix, name, user_id, admin, created_at, last_used_at, revoked_at";

/// A key to store.
pub struct NewKey<'a> {
    pub prefix: &'a str,
    /// Hex SHA-256 of the whole key.
    pub hash: &'a str,
    pub name: &'a str,
    pub user: &'a str,
    pub admin: bool,
}

/// Stores a key; returns its id.
pub async fn insert(
    pool: &AnyPool,
    key: &NewKey<'_>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO api_keys (prefix, hash, name, user_id, admin, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(key.prefix)
    .bind(key.hash)
    .bind(key.name)
    .bind(key.user)
    .bind(i64::from(key.admin))
    .bind(to_ms(now))
    .fetch_one(pool)
    .await
    .ctx("storing an API key")
}

/// The key whose SHA-256 is `hash`, revoked or not.
pub async fn by_hash(pool: &AnyPool, hash: &str) -> Result<Option<ApiKey>, StoreError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_keys WHERE hash = $1"))
            .bind(hash)
            .fetch_optional(pool)
            .await
            .ctx("looking up an API key")?;
    Ok(row.map(ApiKey::from))
}

/// Every key, or one user's, oldest first.
pub async fn list(pool: &AnyPool, user: Option<&str>) -> Result<Vec<ApiKey>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_keys WHERE $1 IS NULL OR user_id = $1 ORDER BY id"
    ))
    .bind(user)
    .fetch_all(pool)
    .await
    .ctx("listing API keys")?;
    Ok(rows.into_iter().map(ApiKey::from).collect())
}

/// Revokes key `id` (by id or by its prefix); returns whether a key that
/// was not yet revoked was found.
pub async fn revoke(
    pool: &AnyPool,
    id_or_prefix: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 \
         WHERE (CAST(id AS TEXT) = $2 OR prefix = $2) AND revoked_at IS NULL",
    )
    .bind(to_ms(now))
    .bind(id_or_prefix)
    .execute(pool)
    .await
    .ctx("revoking an API key")?;
    Ok(done.rows_affected() > 0)
}

/// Records that key `id` was used at `now`.
pub async fn touch(pool: &AnyPool, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(to_ms(now))
        .bind(id)
        .execute(pool)
        .await
        .ctx("recording an API key's use")?;
    Ok(())
}

/// A new key: `stw_` and 48 hex digits from the OS random generator, with
/// its visible prefix (`stw_` and the next 8).
pub fn generate() -> Result<(String, String), StoreError> {
    let mut bytes = [0u8; 24];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| StoreError::Data(format!("the OS random generator failed: {e}")))?;
    let key = format!("stw_{}", hex::encode(bytes));
    let prefix = key[..12].to_string();
    Ok((key, prefix))
}

/// The hex SHA-256 of a key, as stored.
pub fn hash(key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(key.as_bytes()))
}
