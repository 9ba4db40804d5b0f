//! `templates` table: the templates people saved from their workflows
//! (the built-in catalogue is `workflow::catalogue`). The body is the
//! template as JSON, its secrets sealed like a workflow's plan.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool};

use super::sealed::{self, Whole};
use super::{to_ms, Context, StoreError};
use crate::workflow::catalogue::{Template, USER_PREFIX};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    body: String,
}

impl Row {
    fn template(self) -> Result<Template, StoreError> {
        let body = sealed::open(self.body, "a template")?;
        let mut template: Template = serde_json::from_str(&body)
            .map_err(|e| StoreError::Data(format!("template {} is unreadable: {e}", self.id)))?;
        template.id = format!("{USER_PREFIX}{}", self.id);
        Ok(template)
    }
}

/// Stores `template` for its owner; returns its row id.
pub async fn insert(
    conn: &mut AnyConnection,
    template: &Template,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let body = serde_json::to_string(template)
        .map_err(|e| StoreError::Data(format!("a template could not be written: {e}")))?;
    sqlx::query_scalar(
        "INSERT INTO templates (owner, name, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(template.owner.as_deref().unwrap_or_default())
    .bind(&template.name)
    .bind(sealed::json(&body, Whole::SecretFields))
    .bind(to_ms(now))
    .fetch_one(conn)
    .await
    .ctx("storing a template")
}

/// Template `id`, whoever owns it.
pub async fn get(pool: &AnyPool, id: i64) -> Result<Option<Template>, StoreError> {
    let row: Option<Row> = sqlx::query_as("SELECT id, body FROM templates WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
        .ctx("reading a template")?;
    row.map(Row::template).transpose()
}

/// The saved templates of `owner` (everyone's with none), id order.
pub async fn list(pool: &AnyPool, owner: Option<&str>) -> Result<Vec<Template>, StoreError> {
    let rows: Vec<Row> = match owner {
        Some(owner) => {
            sqlx::query_as("SELECT id, body FROM templates WHERE owner = $1 ORDER BY id")
                .bind(owner)
                .fetch_all(pool)
                .await
        }
        None => {
            sqlx::query_as("SELECT id, body FROM templates ORDER BY id")
                .fetch_all(pool)
                .await
        }
    }
    .ctx("listing templates")?;
    rows.into_iter().map(Row::template).collect()
}

/// Deletes template `id`; whether there was one.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM templates WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .ctx("deleting a template")?;
    Ok(done.rows_affected() > 0)
}
