//! Wiring: builds the store, engine and scheduler from the configuration and
//! runs them under one shutdown signal.

use anyhow::Context;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::engine::{Engine, HttpClient, HttpConfig};
use crate::llm::Unconfigured;
use crate::scheduler::{Scheduler, SchedulerConfig};
use crate::store::Store;
use crate::workflow::notify::Notifier;

/// The running parts of steward.
pub struct App {
    pub store: Store,
    pub engine: Arc<Engine>,
    pub scheduler: Arc<Scheduler>,
}

impl App {
    /// Opens the database (applying migrations) and builds the engine and
    /// scheduler.
    pub async fn build(
        config: &Config,
        notifier: Arc<dyn Notifier>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<App> {
        let store = Store::open(&config.db_path)
            .await
            .with_context(|| format!("opening the database {}", config.db_path.display()))?;
        let http = HttpClient::new(HttpConfig {
            allow_private: config.http_allow_private,
            ..HttpConfig::default()
        })
        .map_err(anyhow::Error::msg)?;
        let lease = Duration::from_secs(config.lease_seconds);
        let engine = Arc::new(Engine {
            store: store.clone(),
            http,
            llm: Arc::new(Unconfigured),
            notifier: Arc::clone(&notifier),
            clock: Arc::clone(&clock),
            node: config.node.clone(),
            lease,
        });
        let scheduler = Arc::new(Scheduler::new(
            store.clone(),
            Arc::clone(&engine),
            clock,
            notifier,
            SchedulerConfig {
                node: config.node.clone(),
                lease,
                max_concurrent_runs: config.max_concurrent_runs,
                shutdown_grace: Duration::from_secs(config.shutdown_grace_seconds),
                on_time_grace: Duration::from_secs(config.on_time_grace_seconds),
                ..SchedulerConfig::default()
            },
        ));
        Ok(App {
            store,
            engine,
            scheduler,
        })
    }
}

/// `steward serve`: the scheduler until Ctrl-C or SIGTERM. (The HTTP API and
/// the chat adapters join with their issues.)
pub async fn serve(config: Config, notifier: Arc<dyn Notifier>) -> anyhow::Result<()> {
    let started = Instant::now();
    let app = App::build(&config, notifier, Arc::new(SystemClock)).await?;
    let (stop, stopped) = watch::channel(false);
    let scheduler = Arc::clone(&app.scheduler);
    // The scheduler loop; its Result is read below when it ends.
    let loop_task = tokio::spawn(scheduler.run(stopped));
    tracing::info!(
        db = %config.db_path.display(),
        node = %config.node,
        ready_ms = started.elapsed().as_millis() as u64,
        "steward is serving: scheduler on; HTTP API and chat adapters are not built yet"
    );
    eprintln!(
        "steward serve: scheduler running on {} (ready in {} ms). Ctrl-C to stop.",
        config.db_path.display(),
        started.elapsed().as_millis()
    );
    shutdown_signal().await;
    eprintln!(
        "steward serve: stopping (waiting up to {} s for running runs)",
        config.shutdown_grace_seconds
    );
    let _ = stop.send(true);
    loop_task.await.context("the scheduler task")??;
    app.store.close().await;
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
