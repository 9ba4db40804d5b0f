//! Migrations that convert stored rows, run on rows written the old way.

use sqlx::Row;

/// The conversations table as migrations 0002 and 0010 left it.
const BEFORE: [&str; 2] = [
    include_str!("../../migrations/sqlite/0002_create_conversations.sql"),
    include_str!("../../migrations/sqlite/0010_add_conversation_focus.sql"),
];

/// A converted row: chat, user, history, draft, focus.
type Converted = (String, String, String, Option<String>, Option<i64>);

#[tokio::test]
async fn conversation_keys_split_into_chat_and_user_and_ambiguous_ones_lose_their_draft() {
    let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
    for sql in BEFORE {
        sqlx::raw_sql(sql).execute(&pool).await.unwrap();
    }
    // An ordinary row, and a row whose key two pairs shared (last saved by
    // the attacker, so its user id is theirs).
    sqlx::raw_sql(
        "INSERT INTO conversations (id, user_id, history, draft, draft_expires_at, updated_at, focus_workflow_id) VALUES \
         ('webhook:room-1|webhook:bob', 'webhook:bob', '[{\"role\":\"user\",\"text\":\"hi\"}]', '{\"d\":1}', 5, 1, 3), \
         ('webhook:c2|webhook:mallory|webhook:alice', 'webhook:mallory|webhook:alice', '[{\"role\":\"user\",\"text\":\"token=tok-4242\"}]', '{\"d\":2}', 5, 2, 4)",
    )
    .execute(&pool)
    .await
    .unwrap();

    sqlx::raw_sql(include_str!(
        "../../migrations/sqlite/0015_split_conversation_key.sql"
    ))
    .execute(&pool)
    .await
    .unwrap();

    let rows = sqlx::query(
        "SELECT chat, user_id, history, draft, focus_workflow_id FROM conversations ORDER BY updated_at",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let read: Vec<Converted> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    assert_eq!(
        read,
        vec![
            (
                "webhook:room-1".to_string(),
                "webhook:bob".to_string(),
                "[{\"role\":\"user\",\"text\":\"hi\"}]".to_string(),
                Some("{\"d\":1}".to_string()),
                Some(3)
            ),
            (
                "webhook:c2".to_string(),
                "webhook:mallory|webhook:alice".to_string(),
                "[]".to_string(),
                None,
                None
            ),
        ]
    );
}
