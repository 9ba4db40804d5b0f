//! The async runtime: one worker thread per core the process may use, each
//! kept on its own core.
//!
//! Linux places a thread that wakes another on the waker's core (wake
//! affinity) and rebalances only every few milliseconds, so when a slot's
//! thousand runs start at once both workers often shared one core, taking
//! turns every 4 ms while the other core idled, which doubled the time to
//! start them. Pinning keeps one worker on each core; tokio's work stealing
//! still evens out their queues. `STEWARD_PIN_WORKERS=false` turns it off
//! (for a host whose cores are busy with other work).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A multi-thread runtime with its workers pinned when `pin` (and the
/// process may use more than one core).
pub fn runtime(pin: bool) -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    // A worker gone idle after a burst empties its allocator cache
    // (`memory::on_idle`: one atomic load when there is nothing to give back).
    builder.on_thread_park(crate::memory::on_idle);
    let cores = pin
        .then(core_affinity::get_core_ids)
        .flatten()
        .filter(|cores| cores.len() > 1);
    if let Some(cores) = cores {
        // The runtime starts its workers first, then blocking threads as
        // they are needed: only the first `cores.len()` threads are pinned.
        let started = Arc::new(AtomicUsize::new(0));
        builder
            .worker_threads(cores.len())
            .on_thread_start(move || {
                let n = started.fetch_add(1, Ordering::Relaxed);
                if let Some(core) = cores.get(n) {
                    if !core_affinity::set_for_current(*core) {
                        tracing::debug!(core = core.id, "could not pin a worker thread");
                    }
                }
            });
    }
    builder.build()
}
