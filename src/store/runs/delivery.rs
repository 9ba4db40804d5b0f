//! Notices a run could not deliver (`runs.delivery_errors`): taking one
//! back to send it again.

use serde_json::Value;
use sqlx::AnyPool;

use super::super::{Context, StoreError};

/// Takes entry `index` out of run `run_id`'s undelivered notices; the
/// entry, or `None` when there is no such entry (another admin took it).
pub async fn take_delivery_error(
    pool: &AnyPool,
    run_id: i64,
    index: usize,
) -> Result<Option<Value>, StoreError> {
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT delivery_errors FROM runs WHERE id = $1")
            .bind(run_id)
            .fetch_optional(pool)
            .await
            .ctx("reading a run's undelivered notices")?;
    let Some(Some(stored)) = stored else {
        return Ok(None);
    };
    let Ok(Value::Array(mut entries)) = serde_json::from_str::<Value>(&stored) else {
        return Ok(None);
    };
    if index >= entries.len() {
        return Ok(None);
    }
    let entry = entries.remove(index);
    let left = (!entries.is_empty()).then(|| Value::Array(entries).to_string());
    // Only if nobody changed them since they were read.
    let done =
        sqlx::query("UPDATE runs SET delivery_errors = $1 WHERE id = $2 AND delivery_errors = $3")
            .bind(left)
            .bind(run_id)
            .bind(&stored)
            .execute(pool)
            .await
            .ctx("taking back an undelivered notice")?;
    Ok((done.rows_affected() == 1).then_some(entry))
}
