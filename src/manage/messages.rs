//! The quota on chat messages a minute, for every surface: a bucket a
//! person, at their own quota. Someone over it is told once, with how long
//! to wait; the messages after that, until the wait is over, get no answer,
//! so a flood costs no more than counting it.

use std::time::{Duration, Instant};

use super::Manager;
use crate::workflow::Limit;

/// A message refused for the quota.
#[derive(Clone, Debug, PartialEq)]
pub struct Limited {
    /// Until the next message is taken.
    pub wait: Duration,
    /// The sentence for the person, on the first refusal of a wait; `None`
    /// for those after it (answer nothing).
    pub tell: Option<String>,
}

impl Manager {
    /// Takes one message of `user`'s quota, or says how long to wait.
    /// Admins are exempt.
    pub async fn admit_message(&self, user: &str) -> Result<(), Limited> {
        let now = Instant::now();
        // The quota is read first: a person's own rate, maybe from the
        // store once every half minute.
        let (quotas, exempt) = match self.quotas_of(user).await {
            Ok(known) => known,
            Err(error) => {
                tracing::warn!(error = %error, "a person's quota could not be read; using the operator's");
                (self.quotas, false)
            }
        };
        if exempt {
            return Ok(());
        }
        let per_minute = quotas.messages_per_minute;
        let Err(wait) = self.limits.messages.take_at(user, per_minute, now) else {
            // Refusals noted since the last write are written now and then.
            self.flush_hits_now_and_then().await;
            return Ok(());
        };
        self.note_hit(user, Limit::Messages);
        self.flush_hits_now_and_then().await;
        let tell = {
            let mut told = self.limits.told.lock().unwrap_or_else(|e| e.into_inner());
            let fresh = told.get(user).is_none_or(|until| now >= *until);
            if fresh {
                if told.len() >= 10_000 {
                    told.retain(|_, until| *until > now);
                }
                told.insert(user.to_string(), now + wait);
            }
            fresh
        };
        let seconds = wait.as_secs().max(1);
        Err(Limited {
            wait,
            tell: tell.then(|| {
                format!(
                    "You're sending messages faster than I take them: your limit is {per_minute} a minute. Wait {seconds} s and send that again; until then I won't answer."
                )
            }),
        })
    }
}
