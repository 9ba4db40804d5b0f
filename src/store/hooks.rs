//! `hooks` and `hook_deliveries` tables: a webhook-triggered workflow's URL id
//! and secret (sealed at rest), the calls refused for a bad signature, and the
//! delivery ids seen in the last 24 hours.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::AnyConnection;

use super::{sealed, to_ms, Context, StoreError};

/// How long a delivery id is remembered.
pub const DELIVERY_KEPT_FOR: TimeDelta = TimeDelta::hours(24);

/// A workflow's webhook as stored, its secret opened.
#[derive(Clone, PartialEq, Eq)]
pub struct Hook {
    pub workflow_id: i64,
    /// The public part of the URL.
    pub hook_id: String,
    pub secret: String,
    /// Calls refused for a bad secret or signature.
    pub rejected: i64,
}

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hook")
            .field("workflow_id", &self.workflow_id)
            .field("hook_id", &self.hook_id)
            .field("secret", &"<hidden>")
            .field("rejected", &self.rejected)
            .finish()
    }
}

impl Hook {
    /// The URL's path: `/hooks/{id}`, and the secret after it when the call
    /// proves itself that way (`with_secret`).
    pub fn path(&self, with_secret: bool) -> String {
        match with_secret {
            true => format!("/hooks/{}/{}", self.hook_id, self.secret),
            false => format!("/hooks/{}", self.hook_id),
        }
    }
}

type Row = (i64, String, String, i64);

fn hook((workflow_id, hook_id, secret, rejected): Row) -> Result<Hook, StoreError> {
    Ok(Hook {
        workflow_id,
        hook_id,
        secret: sealed::open(secret, "a webhook's secret")?,
        rejected,
    })
}

/// A new id and secret from the OS random generator, as hex: 16 bytes for
/// the id, 32 for the secret.
pub fn generate() -> Result<(String, String), StoreError> {
    let random = |n: usize| {
        let mut bytes = vec![0u8; n];
        getrandom::getrandom(&mut bytes)
            .map_err(|e| StoreError::Data(format!("the OS random generator failed: {e}")))?;
        Ok::<_, StoreError>(hex::encode(bytes))
    };
    Ok((random(16)?, random(32)?))
}

/// Gives workflow `workflow_id` a new id and secret, replacing any it had
/// (a rotation); returns them.
pub async fn set(
    conn: &mut AnyConnection,
    workflow_id: i64,
    now: DateTime<Utc>,
) -> Result<Hook, StoreError> {
    let (hook_id, secret) = generate()?;
    sqlx::query(
        "INSERT INTO hooks (workflow_id, hook_id, secret, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (workflow_id) DO UPDATE SET hook_id = $2, secret = $3, rotated_at = $4",
    )
    .bind(workflow_id)
    .bind(&hook_id)
    .bind(sealed::whole(secret.clone()))
    .bind(to_ms(now))
    .execute(conn)
    .await
    .ctx("storing a webhook's secret")?;
    Ok(Hook {
        workflow_id,
        hook_id,
        secret,
        rejected: 0,
    })
}

/// The webhook of workflow `workflow_id`.
pub async fn of_workflow(
    conn: &mut AnyConnection,
    workflow_id: i64,
) -> Result<Option<Hook>, StoreError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT workflow_id, hook_id, secret, rejected FROM hooks WHERE workflow_id = $1",
    )
    .bind(workflow_id)
    .fetch_optional(conn)
    .await
    .ctx("loading a workflow's webhook")?;
    row.map(hook).transpose()
}

/// The webhook with URL id `hook_id`.
pub async fn by_id(conn: &mut AnyConnection, hook_id: &str) -> Result<Option<Hook>, StoreError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT workflow_id, hook_id, secret, rejected FROM hooks WHERE hook_id = $1",
    )
    .bind(hook_id)
    .fetch_optional(conn)
    .await
    .ctx("loading a webhook")?;
    row.map(hook).transpose()
}

/// Removes the webhook of a workflow whose trigger is no longer one.
pub async fn remove(conn: &mut AnyConnection, workflow_id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM hooks WHERE workflow_id = $1")
        .bind(workflow_id)
        .execute(conn)
        .await
        .ctx("removing a webhook")?;
    Ok(())
}

/// Counts a call refused for its secret or signature.
pub async fn count_rejected(conn: &mut AnyConnection, hook_id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE hooks SET rejected = rejected + 1 WHERE hook_id = $1")
        .bind(hook_id)
        .execute(conn)
        .await
        .ctx("counting a refused webhook call")?;
    Ok(())
}

/// Notes delivery `delivery_id` of workflow `workflow_id`; when the same id
/// came in the last 24 hours, returns the run it started (`Some(None)` when
/// it started none) and notes nothing.
pub async fn note_delivery(
    conn: &mut AnyConnection,
    workflow_id: i64,
    delivery_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Option<i64>>, StoreError> {
    sqlx::query("DELETE FROM hook_deliveries WHERE received_at < $1")
        .bind(to_ms(now - DELIVERY_KEPT_FOR))
        .execute(&mut *conn)
        .await
        .ctx("forgetting old webhook deliveries")?;
    let seen: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT run_id FROM hook_deliveries WHERE workflow_id = $1 AND delivery_id = $2",
    )
    .bind(workflow_id)
    .bind(delivery_id)
    .fetch_optional(&mut *conn)
    .await
    .ctx("looking up a webhook delivery")?;
    if seen.is_some() {
        return Ok(seen);
    }
    sqlx::query(
        "INSERT INTO hook_deliveries (workflow_id, delivery_id, received_at) VALUES ($1, $2, $3)",
    )
    .bind(workflow_id)
    .bind(delivery_id)
    .bind(to_ms(now))
    .execute(conn)
    .await
    .ctx("noting a webhook delivery")?;
    Ok(None)
}

/// Records the run a delivery started.
pub async fn set_delivery_run(
    conn: &mut AnyConnection,
    workflow_id: i64,
    delivery_id: &str,
    run_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE hook_deliveries SET run_id = $1 WHERE workflow_id = $2 AND delivery_id = $3",
    )
    .bind(run_id)
    .bind(workflow_id)
    .bind(delivery_id)
    .execute(conn)
    .await
    .ctx("recording a webhook delivery's run")?;
    Ok(())
}
