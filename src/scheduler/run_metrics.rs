//! The run metrics' handles, looked up once. Recording through the
//! `metrics` macros hashes the name and labels into the recorder's registry
//! on every call, a cost each of a thousand runs starting in one second
//! paid three times. Handles are taken at the first run (the recorder is
//! installed at start-up, before any run).

use metrics::{Counter, Histogram};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

#[derive(Default)]
pub(super) struct RunMetrics {
    lateness: OnceLock<Histogram>,
    /// `steward_runs_total` by status, then trigger.
    ended: Mutex<HashMap<&'static str, HashMap<String, Counter>>>,
    /// `steward_run_duration_seconds` by status.
    durations: Mutex<HashMap<&'static str, Histogram>>,
}

impl RunMetrics {
    /// `steward_run_start_lateness_seconds`.
    pub fn lateness(&self) -> &Histogram {
        self.lateness
            .get_or_init(|| metrics::histogram!("steward_run_start_lateness_seconds"))
    }

    /// Counts a run ended with `status` and records how long it took.
    pub fn ended(&self, status: &'static str, trigger: &str, took: std::time::Duration) {
        if let Ok(mut ended) = self.ended.lock() {
            let by_trigger = ended.entry(status).or_default();
            match by_trigger.get(trigger) {
                Some(counter) => counter.increment(1),
                None => {
                    let counter = metrics::counter!("steward_runs_total", "status" => status, "trigger" => trigger.to_string());
                    counter.increment(1);
                    by_trigger.insert(trigger.to_string(), counter);
                }
            }
        }
        if let Ok(mut durations) = self.durations.lock() {
            durations
                .entry(status)
                .or_insert_with(
                    || metrics::histogram!("steward_run_duration_seconds", "status" => status),
                )
                .record(took.as_secs_f64());
        }
    }
}
