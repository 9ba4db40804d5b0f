//! `users` table: people steward knows, their zone and role.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::{to_ms, Context, Store, StoreError};

/// A person, by platform identity.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub display_name: Option<String>,
    /// An IANA zone name; `None` means the server default.
    pub timezone: Option<String>,
    /// `user` or `admin`.
    pub role: String,
    /// Whether they said "skip" when asked for their zone: they keep the
    /// server default and are not asked again.
    #[sqlx(try_from = "super::Flag")]
    pub zone_skipped: bool,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// Whether `id` is an admin (a person steward never saw is not).
pub async fn is_admin(conn: &mut sqlx::AnyConnection, id: &str) -> Result<bool, StoreError> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .ctx("reading a person's role")?;
    Ok(role.as_deref() == Some("admin"))
}

/// The ids of people called `name`: by id, by the id after its platform
/// (`alice` for `api:alice`), by display name (any case), or as the owner
/// of workflows or an API key's user.
pub async fn find(conn: &mut sqlx::AnyConnection, name: &str) -> Result<Vec<String>, StoreError> {
    sqlx::query_scalar(
        "SELECT id FROM users WHERE id = $1 OR lower(id) LIKE '%:' || lower($1) OR lower(display_name) = lower($1) \
         UNION SELECT owner FROM workflows WHERE owner = $1 \
         UNION SELECT user_id FROM api_keys WHERE user_id = $1 \
         ORDER BY 1 LIMIT 10",
    )
    .bind(name)
    .fetch_all(conn)
    .await
    .ctx("finding a person by name")
}

/// Loads the user, creating them on first contact; a new display name
/// replaces the old one.
pub async fn ensure(
    store: &Store,
    id: &str,
    display_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    // Most turns come from someone known: a read, no write.
    let known: Option<User> = sqlx::query_as(
        "SELECT id, display_name, timezone, role, zone_skipped_at IS NOT NULL AS zone_skipped \
             FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.reader())
    .await
    .ctx("loading a user")?;
    if let Some(user) = known {
        if display_name.is_none() || user.display_name.as_deref() == display_name {
            return Ok(user);
        }
    }
    sqlx::query_as(
        "INSERT INTO users (id, display_name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET display_name = COALESCE(excluded.display_name, users.display_name) \
         RETURNING id, display_name, timezone, role, zone_skipped_at IS NOT NULL AS zone_skipped",
    )
    .bind(id)
    .bind(display_name)
    .bind(to_ms(now))
    .fetch_one(store.pool())
    .await
    .ctx("recording a user")
}

/// Makes exactly `ids` the admins: each is recorded (a person steward has
/// not met yet too) with the admin role, and every other admin goes back to
/// a user.
pub async fn set_admins(
    store: &Store,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE users SET role = 'user' WHERE role = 'admin'")
        .execute(&mut *tx)
        .await
        .ctx("demoting admins")?;
    for id in ids {
        sqlx::query(
            "INSERT INTO users (id, role, created_at) VALUES ($1, 'admin', $2) \
             ON CONFLICT (id) DO UPDATE SET role = 'admin'",
        )
        .bind(id)
        .bind(to_ms(now))
        .execute(&mut *tx)
        .await
        .ctx("making an admin")?;
    }
    super::commit(tx, "committing the admins").await
}

pub async fn set_timezone(pool: &AnyPool, id: &str, zone: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET timezone = $1 WHERE id = $2")
        .bind(zone)
        .bind(id)
        .execute(pool)
        .await
        .ctx("setting a user's time zone")?;
    Ok(())
}

/// Records that the person skipped the zone question (the server default
/// stays theirs without asking again).
pub async fn skip_timezone(pool: &AnyPool, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET zone_skipped_at = $1 WHERE id = $2")
        .bind(to_ms(now))
        .bind(id)
        .execute(pool)
        .await
        .ctx("recording a skipped time zone question")?;
    Ok(())
}

pub async fn set_role(pool: &AnyPool, id: &str, role: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(role)
        .bind(id)
        .execute(pool)
        .await
        .ctx("setting a user's role")?;
    Ok(())
}
