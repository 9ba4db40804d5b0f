//! What the in-process benches share: the allocator of the `steward`
//! binary, a notifier that drops notices, and the latency report.

use async_trait::async_trait;
use std::time::Duration;
use steward::workflow::notify::{Notice, Notifier};

/// The server runs in the bench's process: it allocates with jemalloc, as
/// the `steward` binary does (src/main.rs), not with the system's malloc,
/// which no one runs steward with (glibc's malloc and free were 15 % of the
/// chat bench's samples).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Drops every notice (the benches measure the chat, not delivery).
pub struct Quiet;

#[async_trait]
impl Notifier for Quiet {
    async fn notify(&self, _notice: Notice) {}
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

/// Prints count, p50, p99, max and throughput of `latencies` taken in
/// `elapsed`; `unit` names what was counted ("turns", "requests").
pub fn report(label: &str, unit: &str, mut latencies: Vec<Duration>, elapsed: Duration) {
    latencies.sort();
    println!(
        "{label:<44} {:>6} {unit}  p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  {:>7.0} /s",
        latencies.len(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3,
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
}
