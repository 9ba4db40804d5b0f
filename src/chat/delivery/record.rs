//! What happens to a notice once its delivery is over: taken out of the
//! outbox, and when it could not be delivered, recorded on its run (or for
//! an auto-pause in the audit log) first.

use chrono::Utc;
use serde_json::json;

use super::{Queued, Router};
use crate::chat::SendError;
use crate::store::{audit, outbox, runs};

impl Router {
    /// Remembers a notice that could not be delivered, and takes it out of
    /// the outbox.
    pub(super) async fn record_failure(
        &self,
        notice: &Queued,
        to: &str,
        error: &SendError,
        tries: u32,
    ) {
        tracing::error!(
            workflow_id = notice.workflow_id,
            run_id = notice.run_id,
            to,
            tries,
            %error,
            "a notice could not be delivered"
        );
        let now = Utc::now();
        let entry = json!({
            "at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "to": to,
            "notice": notice.message.text,
            "error": error.message,
            "attempts": tries,
        });
        let recorded = match notice.run_id {
            Some(run_id) => runs::record_delivery_error(self.store.pool(), run_id, &entry)
                .await
                .map(|_| ()),
            None => match self.store.connection().await {
                Ok(mut conn) => {
                    audit::record(
                        &mut conn,
                        "steward",
                        Some(notice.workflow_id),
                        "delivery-failed",
                        Some(&entry.to_string()),
                        now,
                    )
                    .await
                }
                Err(e) => Err(e),
            },
        };
        match recorded {
            Ok(()) => self.done(notice).await,
            Err(store_error) => {
                // Left in the outbox: the next start tries it again.
                tracing::error!(%store_error, "recording an undelivered notice failed too");
            }
        }
    }

    /// Takes a delivered or recorded notice out of the outbox.
    pub(super) async fn done(&self, notice: &Queued) {
        if let Some(id) = notice.outbox_id {
            if let Err(error) = outbox::remove(self.store.pool(), id).await {
                // It will be sent again at the next start, with its id.
                tracing::warn!(%error, id, "could not take a delivered notice out of the outbox");
            }
        }
    }
}
