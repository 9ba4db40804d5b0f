//! Waiting between tries, the one way steward does it: the first wait, then
//! each one doubled, never over a ceiling. The LLM client, delivery, the
//! Telegram log-in, the scheduler's busy database retries and the run-log
//! writer all take their waits from here.

use std::future::Future;
use std::time::Duration;

/// The waits between tries: `first`, doubling, at most `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    pub const fn new(first: Duration, max: Duration) -> Backoff {
        Backoff { next: first, max }
    }

    /// The wait before the next try; the one after is twice as long.
    pub fn wait(&mut self) -> Duration {
        let wait = self.next.min(self.max);
        self.next = self.next.saturating_mul(2).min(self.max);
        wait
    }
}

impl Iterator for Backoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        Some(self.wait())
    }
}

/// Calls `attempt` up to `tries` times while `again` says its error is worth
/// another try, sleeping the backoff's waits between; the last result.
pub async fn retry<T, E, F, Fut>(
    tries: u32,
    mut backoff: Backoff,
    mut attempt: F,
    again: impl Fn(&E) -> bool,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut tried = 1;
    loop {
        match attempt().await {
            Err(error) if tried < tries && again(&error) => {
                tried += 1;
                tokio::time::sleep(backoff.wait()).await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_ceiling() {
        let waits: Vec<u64> = Backoff::new(Duration::from_millis(50), Duration::from_millis(300))
            .take(5)
            .map(|w| w.as_millis() as u64)
            .collect();
        assert_eq!(waits, [50, 100, 200, 300, 300]);
    }

    #[tokio::test]
    async fn retries_only_what_is_worth_it_and_only_so_often() {
        let backoff = Backoff::new(Duration::from_millis(1), Duration::from_millis(2));
        let mut calls = 0;
        let result: Result<(), &str> = retry(
            3,
            backoff,
            || {
                calls += 1;
                async { Err("busy") }
            },
            |e| *e == "busy",
        )
        .await;
        assert_eq!((result, calls), (Err("busy"), 3));

        let mut calls = 0;
        let result: Result<(), &str> = retry(
            3,
            backoff,
            || {
                calls += 1;
                async { Err("broken") }
            },
            |e| *e == "busy",
        )
        .await;
        assert_eq!((result, calls), (Err("broken"), 1));
    }
}
