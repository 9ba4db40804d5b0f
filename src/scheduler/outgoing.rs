//! Notices written with their cause (DESIGN §4, nothing said is lost): a
//! run's end, an auto-pause, a run given up at a claim or at shutdown. The
//! outbox rows go into the transaction that records the cause, so a crash
//! either keeps both or neither; only after the commit are they handed to
//! the notifier to deliver.

use chrono::{DateTime, Utc};

use crate::store::outbox::{self, Waiting};
use crate::store::{AnyConnection, StoreError};
use crate::workflow::notify::{Kept, Notice, Notifier};

/// A notice to deliver once its cause is committed; `kept` when it is in the
/// outbox, with its row.
#[derive(Debug)]
pub struct Outgoing {
    pub notice: Notice,
    kept: Option<(Kept, i64)>,
}

impl Outgoing {
    /// A notice whose cause was written without it (the success writer
    /// decides for itself; see `Scheduler::finish_success`).
    pub(super) fn kept(notice: Notice, kept: Option<(Kept, i64)>) -> Outgoing {
        Outgoing { notice, kept }
    }
}

/// Writes what `notifier` keeps of `notices` to the outbox in `tx`, the
/// transaction of their cause.
pub(super) async fn keep(
    tx: &mut AnyConnection,
    notifier: &dyn Notifier,
    notices: Vec<Notice>,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, StoreError> {
    let mut out = Vec::with_capacity(notices.len());
    for notice in notices {
        let kept = match notifier.keep(&notice) {
            Some(kept) => {
                let row = Waiting::of(&kept, notice.audience().workflow_id, notice.run_id());
                let id = outbox::insert(&mut *tx, &row, now).await?;
                Some((kept, id))
            }
            None => None,
        };
        out.push(Outgoing { notice, kept });
    }
    Ok(out)
}

/// Hands committed notices to the notifier.
pub(super) async fn send(notifier: &dyn Notifier, outgoing: Vec<Outgoing>) {
    for Outgoing { notice, kept } in outgoing {
        match kept {
            Some((kept, id)) => notifier.notify_kept(notice, kept, id).await,
            None => notifier.notify(notice).await,
        }
    }
}
