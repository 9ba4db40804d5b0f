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
    /// By status: `steward_run_duration_seconds`, and `steward_runs_total`
    /// by trigger.
    ended: Mutex<HashMap<&'static str, Ended>>,
}

struct Ended {
    duration: Histogram,
    runs: HashMap<String, Counter>,
}

impl RunMetrics {
    /// `steward_run_start_lateness_seconds`.
    pub fn lateness(&self) -> &Histogram {
        self.lateness
            .get_or_init(|| metrics::histogram!("steward_run_start_lateness_seconds"))
    }

    /// Counts a run ended with `status` and records how long it took.
    pub fn ended(&self, status: &'static str, trigger: &str, took: std::time::Duration) {
        let Ok(mut ended) = self.ended.lock() else {
            return;
        };
        let by_status = ended.entry(status).or_insert_with(|| Ended {
            duration: metrics::histogram!("steward_run_duration_seconds", "status" => status),
            runs: HashMap::new(),
        });
        by_status.duration.record(took.as_secs_f64());
        match by_status.runs.get(trigger) {
            Some(counter) => counter.increment(1),
            None => {
                let counter = metrics::counter!("steward_runs_total", "status" => status, "trigger" => trigger.to_string());
                counter.increment(1);
                by_status.runs.insert(trigger.to_string(), counter);
            }
        }
    }
}
