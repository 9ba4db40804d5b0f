//! Replicas on one PostgreSQL database wake each other: the triggers of
//! `migrations/postgres/0002_wake_notify.sql` announce changed workflows,
//! answered approvals, new runs and cancel requests on the channel
//! `steward_wake` at commit, and each process listens. SQLite has no such
//! channel; there a process sees another's changes at its next resync.

use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

use super::Store;

/// The channel the triggers announce on.
const CHANNEL: &str = "steward_wake";

impl Store {
    /// On PostgreSQL, a task that calls `wake` for every announcement, and
    /// once after a lost connection is back (what was announced meanwhile is
    /// lost). `None` on SQLite.
    pub fn listen_for_wakes(&self, wake: Arc<dyn Fn() + Send + Sync>) -> Option<JoinHandle<()>> {
        if !super::backend::pool_is_postgres(self.pool()) {
            return None;
        }
        let url = self.pool().connect_options().database_url.to_string();
        Some(tokio::spawn(async move {
            loop {
                match listen(&url, &wake).await {
                    Ok(()) => return,
                    Err(error) => {
                        tracing::warn!(%error, "listening for other replicas' changes failed; again in 1 s");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        wake();
                    }
                }
            }
        }))
    }
}

async fn listen(url: &str, wake: &Arc<dyn Fn() + Send + Sync>) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    loop {
        // Reconnects by itself after a lost connection (announcements in
        // between are lost, so the wake after it looks at everything).
        listener.try_recv().await?;
        wake();
    }
}
