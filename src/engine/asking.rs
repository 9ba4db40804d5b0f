//! A question a run waits on: the approval and its notice to the person are
//! written in one transaction (DESIGN §4, nothing said is lost), so a crash
//! cannot leave a run waiting on a question nobody was sent.

use chrono::{DateTime, Utc};

use super::Engine;
use crate::store::approvals::{self, Approval};
use crate::store::outbox::{self, Waiting};
use crate::store::StoreError;
use crate::workflow::notify::{Audience, Notice};

/// What is asked, of whom, until when.
pub(crate) struct Question<'a> {
    pub audience: Audience,
    pub run_id: i64,
    pub step_key: &'a str,
    pub prompt: &'a str,
    pub expires_at: DateTime<Utc>,
}

impl Engine {
    /// Records `question` (or finds the one the step already asked) with its
    /// notice in the outbox, then hands the notice to the notifier.
    pub(crate) async fn ask(&self, question: Question<'_>) -> Result<Approval, StoreError> {
        let now = self.now();
        let Question {
            audience,
            run_id,
            step_key,
            prompt,
            expires_at,
        } = question;
        let mut tx = self.store.begin_write().await?;
        let asked = approvals::ask(&mut tx, run_id, step_key, prompt, expires_at, now).await?;
        let notice = Notice::ApprovalRequested {
            audience,
            run_id,
            prompt: asked.prompt.clone(),
            expires_at,
        };
        let kept = self.notifier.keep(&notice);
        let outbox_id = match &kept {
            Some(kept) => {
                let row = Waiting::of(kept, notice.audience().workflow_id, Some(run_id));
                Some(outbox::insert(&mut *tx, &row, now).await?)
            }
            None => None,
        };
        tx.commit().await.map_err(|source| StoreError::Sql {
            context: "committing an approval request",
            source,
        })?;
        match kept.zip(outbox_id) {
            Some((kept, id)) => self.notifier.notify_kept(notice, kept, id).await,
            None => self.notifier.notify(notice).await,
        }
        Ok(asked)
    }
}
