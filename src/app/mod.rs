//! Wiring: builds the store, engine and scheduler from the configuration and
//! runs them under one shutdown signal (`serve.rs`).

mod leader;
mod metrics;
mod platforms;
mod serve;
pub mod threads;
mod tools;

pub use serve::{serve, start, Serving};

use anyhow::Context;
use std::sync::Arc;
use std::time::Duration;

use crate::agent::{self, Agent};
use crate::clock::Clock;
use crate::config::Config;
use crate::engine::{Engine, HttpClient, HttpClientConfig};
use crate::llm::{ChatModel, OpenAi};
use crate::manage::{Manager, Runner};
use crate::scheduler::{Claimed, Scheduler, SchedulerConfig};
use crate::store::Store;
use crate::workflow::notify::Notifier;
use crate::workflow::redact::Redactor;
use crate::workflow::{Run, Workflow};

/// Opens the database named in the configuration, applying migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = Store::open_with_key(&config.db_path, config.encryption_key.as_ref())
        .await
        .with_context(|| format!("opening the database {}", config.db_path.display()))?;
    if let Some(admins) = &config.admins {
        crate::store::users::set_admins(&store, admins, chrono::Utc::now())
            .await
            .context("making STEWARD_ADMINS the admins")?;
    }
    Ok(store)
}

/// The running parts of steward.
pub struct App {
    pub store: Store,
    /// The configured language model, shared by the conversation and
    /// `agent` steps.
    pub model: Option<Arc<dyn ChatModel>>,
    pub engine: Arc<Engine>,
    pub scheduler: Arc<Scheduler>,
    pub clock: Arc<dyn Clock>,
}

impl App {
    /// Opens the database (applying migrations) and builds the engine and
    /// scheduler.
    pub async fn build(
        config: &Config,
        notifier: Arc<dyn Notifier>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<App> {
        let store = open_store(config).await?;
        App::on_store(config, store, notifier, clock)
    }

    /// Builds the engine and scheduler over an open store.
    pub fn on_store(
        config: &Config,
        store: Store,
        notifier: Arc<dyn Notifier>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<App> {
        let http = HttpClient::new(HttpClientConfig {
            allow_private: config.http_allow_private,
            allow: config.http_allow.clone(),
            ..HttpClientConfig::default()
        })
        .map_err(anyhow::Error::msg)?;
        let lease = Duration::from_secs(config.lease_seconds);
        let model: Option<Arc<dyn ChatModel>> = match &config.llm {
            Some(llm) => Some(Arc::new(
                OpenAi::new(llm.clone()).map_err(|e| anyhow::anyhow!("the LLM client: {e}"))?,
            )),
            None => None,
        };
        let prices = config
            .llm
            .as_ref()
            .map(|l| l.prices.clone())
            .unwrap_or_default();
        if let Some(llm) = &config.llm {
            if prices.of(&llm.model).is_none() {
                tracing::warn!(
                    model = %llm.model,
                    "no price is known for this model, so runs record their cost as not counted, and workflows with their own cost budget are refused; set STEWARD_LLM_PRICES={}=<input>/<output> (dollars per million tokens)",
                    llm.model
                );
            }
        }
        let engine = Arc::new(Engine {
            store: store.clone(),
            http,
            model: model.clone(),
            prices,
            mcp: crate::engine::Mcp::new(config.mcp_servers.clone()),
            redactor: Redactor::new(config.secrets(), config.redact_pii),
            notifier: Arc::clone(&notifier),
            clock: Arc::clone(&clock),
            node: config.node.clone(),
            lease,
            ceilings: config.ceilings,
            quotas: config.quotas,
            plans: Default::default(),
        });
        let scheduler = Arc::new(Scheduler::new(
            store.clone(),
            Arc::clone(&engine),
            Arc::clone(&clock),
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
            model,
            engine,
            scheduler,
            clock,
        })
    }

    /// Stops MCP servers this app started and closes the store.
    pub async fn close(&self) {
        self.engine.mcp.shutdown().await;
        self.store.close().await;
    }

    /// The use cases over this app's store, running through its scheduler.
    pub fn manager(&self, config: &Config) -> Manager {
        let runner = Arc::new(SchedulerRunner {
            scheduler: Arc::clone(&self.scheduler),
        });
        Manager::new(
            self.store.clone(),
            Arc::clone(&self.clock),
            runner,
            config.node.clone(),
            chrono::TimeDelta::seconds(config.lease_seconds as i64),
        )
        .with_ceilings(config.ceilings)
        .with_quotas(config.quotas)
    }

    /// The conversation agent over this app's store and scheduler, reading
    /// with the configured LLM or, without one, the offline grammar.
    pub fn agent(&self, config: &Config, run_wait: Duration) -> anyhow::Result<Agent> {
        let defaults = agent::Settings::default();
        let llm = config.llm.as_ref();
        Ok(Agent::new(
            self.store.clone(),
            Arc::clone(&self.clock),
            agent::Settings {
                default_zone: config.default_zone,
                min_interval_seconds: config.min_interval_seconds,
                run_wait,
                mcp_servers: self.engine.mcp.server_names(),
                public_url: config.http.public_url.clone(),
                history_tokens: llm.map_or(defaults.history_tokens, |l| l.history_tokens),
                turn_deadline: llm.map_or(defaults.turn_deadline, |l| l.turn_deadline),
                price_known: llm.is_none_or(|l| l.prices.of(&l.model).is_some()),
                ..defaults
            },
            self.model.clone(),
            self.manager(config),
        ))
    }
}

/// Runs started by hand execute in this process's scheduler.
pub struct SchedulerRunner {
    pub scheduler: Arc<Scheduler>,
}

#[async_trait::async_trait]
impl Runner for SchedulerRunner {
    async fn execute(&self, run: Run, workflow: Workflow, wait: Option<Duration>) {
        let run_id = run.id;
        let job = Claimed {
            run,
            workflow: Arc::new(workflow),
            resumed: false,
        };
        let scheduler = Arc::clone(&self.scheduler);
        let Some(wait) = wait else {
            scheduler.execute(job).await;
            return;
        };
        // The run executes on its own task so a long one outlives the wait;
        // its result then reaches the home chat through the notifier.
        let mut running = tokio::spawn(async move { scheduler.execute(job).await });
        if tokio::time::timeout(wait, &mut running).await.is_err() {
            // Still going: a watcher reads the task's result so a panic is
            // logged rather than lost.
            tokio::spawn(async move {
                if let Err(error) = running.await {
                    tracing::error!(%error, run_id, "a run started by hand panicked");
                }
            });
        }
    }

    fn changed(&self) {
        self.scheduler.poke();
    }
}
