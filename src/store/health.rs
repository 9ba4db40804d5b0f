//! Whether the store is taking writes. The writers that run on their own
//! (the scheduler's claims, lease renewals, the run-log writer) report each
//! outcome here; `/healthz` reports failing while one of them keeps failing,
//! so a read-only or full disk is seen, not just logged once a second.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::StoreError;

/// Consecutive failures of one writer before the store counts as failing
/// (one failure may be a passing lock or a bad row).
pub const FAILING_AFTER: u32 = 3;

/// The writers reporting here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Writer {
    /// The scheduler claiming due slots.
    Claims,
    /// The scheduler renewing its runs' leases.
    Leases,
    /// The group-commit writer of run starts, steps, successes, conversations.
    RunLog,
}

impl Writer {
    fn doing(self) -> &'static str {
        match self {
            Writer::Claims => "claiming due workflows",
            Writer::Leases => "renewing run leases",
            Writer::RunLog => "writing the run log",
        }
    }
}

#[derive(Default)]
struct Streak {
    failures: u32,
    last_error: String,
}

/// Per writer, its current streak of failures and when it last wrote.
#[derive(Debug, Default)]
pub struct WriteHealth {
    streaks: Mutex<BTreeMap<Writer, Streak>>,
    wrote: Mutex<BTreeMap<Writer, chrono::DateTime<chrono::Utc>>>,
}

impl std::fmt::Debug for Streak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failures", self.failures)
    }
}

impl WriteHealth {
    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<Writer, Streak>) -> T) -> T {
        f(&mut self.streaks.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// `writer` wrote: its streak ends.
    pub fn succeeded(&self, writer: Writer) {
        self.with(|streaks| streaks.remove(&writer));
        self.wrote
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(writer, chrono::Utc::now());
    }

    /// When `writer` last wrote in this process.
    pub fn last_success(&self, writer: Writer) -> Option<chrono::DateTime<chrono::Utc>> {
        self.wrote
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&writer)
            .copied()
    }

    /// `writer` failed with `error`.
    pub fn failed(&self, writer: Writer, error: &StoreError) {
        self.with(|streaks| {
            let streak = streaks.entry(writer).or_default();
            streak.failures = streak.failures.saturating_add(1);
            streak.last_error = error.to_string();
        });
    }

    /// Why the store is failing, if a writer has failed
    /// [`FAILING_AFTER`] times in a row.
    pub fn failing(&self) -> Option<String> {
        self.with(|streaks| {
            let failing: Vec<String> = streaks
                .iter()
                .filter(|(_, streak)| streak.failures >= FAILING_AFTER)
                .map(|(writer, streak)| {
                    format!(
                        "{} failed {} times in a row (last: {})",
                        writer.doing(),
                        streak.failures,
                        streak.last_error
                    )
                })
                .collect();
            (!failing.is_empty()).then(|| failing.join("; "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_failing_in_a_row_makes_the_store_failing_until_it_writes_again() {
        let health = WriteHealth::default();
        let error = StoreError::Data("attempt to write a readonly database".into());
        health.failed(Writer::Claims, &error);
        health.failed(Writer::Claims, &error);
        assert_eq!(health.failing(), None, "two failures may be a passing lock");
        health.succeeded(Writer::RunLog);
        health.failed(Writer::Claims, &error);
        let reason = health.failing().unwrap();
        assert!(
            reason.contains("claiming due workflows failed 3 times") && reason.contains("readonly"),
            "{reason}"
        );
        health.succeeded(Writer::Claims);
        assert_eq!(health.failing(), None);
    }
}
