//! How hard delivery tries: a number of tries with doubling waits, a
//! platform's own Retry-After respected.

use std::time::Duration;

use super::{Retry, SendError};
use crate::backoff::Backoff;

/// How hard delivery tries.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// The wait before the second try; it doubles after each.
    pub first_backoff: Duration,
    /// The longest wait between tries (a platform's Retry-After included).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Calls `send` until it succeeds, fails for good, or the tries run out;
    /// returns the last error and the number of tries made.
    pub async fn run<F, Fut>(&self, mut send: F) -> Result<u32, (SendError, u32)>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), SendError>>,
    {
        let mut backoff = Backoff::new(self.first_backoff, self.max_backoff);
        let mut tries = 0;
        loop {
            tries += 1;
            let error = match send().await {
                Ok(()) => return Ok(tries),
                Err(error) => error,
            };
            let wait = match error.retry {
                Retry::Never => return Err((error, tries)),
                _ if tries >= self.attempts.max(1) => return Err((error, tries)),
                Retry::Backoff => backoff.wait(),
                Retry::After(wait) => wait,
            };
            tracing::debug!(%error, tries, wait_ms = wait.as_millis() as u64, "delivery will retry");
            tokio::time::sleep(wait.min(self.max_backoff)).await;
        }
    }
}
