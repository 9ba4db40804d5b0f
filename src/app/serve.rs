//! `steward serve`: the scheduler, the HTTP server (health and the webhook
//! chat API) and each chat platform whose token is configured, run under one
//! stop signal.

use anyhow::Context;
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{open_store, App};
use crate::chat::delivery::{Delivery, RetryPolicy};
use crate::chat::discord::Discord;
use crate::chat::telegram::Telegram;
use crate::chat::webhook::{CallbackRoute, WebhookPlatform};
use crate::clock::Clock;
use crate::config::{Config, Secret};
use crate::http::{self, ApiState, RateLimiter};
use crate::store::Store;
use crate::workflow::notify::Notifier;

/// How long requests in flight may finish after the stop signal.
const HTTP_GRACE: Duration = Duration::from_secs(10);

/// How long shutdown waits for queued notices to be delivered.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// How long "run it now" in a chat waits for the result before answering.
const CHAT_RUN_WAIT: Duration = Duration::from_secs(10);

/// A running `serve`: its parts' tasks and the signal that stops them.
pub struct Serving {
    /// Where the HTTP server listens (the bound port when 0 was asked).
    pub addr: SocketAddr,
    /// The chat platforms on, besides the webhook API.
    pub platforms: Vec<&'static str>,
    /// Whether the API requires a bearer token.
    pub authenticated: bool,
    stop: watch::Sender<bool>,
    /// Every part's task; each ends with its name and result.
    tasks: JoinSet<(&'static str, anyhow::Result<()>)>,
    delivery: Arc<Delivery>,
    store: Store,
    mcp: crate::engine::Mcp,
}

/// Starts everything and returns once the HTTP server listens.
pub async fn start(
    config: Config,
    clock: Arc<dyn Clock>,
    fallback: Arc<dyn Notifier>,
    delivery_policy: RetryPolicy,
) -> anyhow::Result<Serving> {
    refuse_open_exposure(&config)?;
    let store = open_writable_store(&config).await?;
    let telegram = config.telegram.as_ref().map(Telegram::new).transpose()?;
    let discord = config.discord.as_ref().map(Discord::new).transpose()?;

    let signing = signing_key(&config);
    let callback_route = callback_route(&config);
    let delivery = Arc::new(Delivery::new(
        store.clone(),
        delivery_policy,
        fallback,
        outgoing_platforms(&store, signing, &callback_route, &telegram, &discord)?,
    ));
    // What a previous process could not deliver goes first, in its order.
    delivery.resume().await;

    let app = App::on_store(&config, store.clone(), delivery.clone(), clock)?;
    let agent = Arc::new(app.agent(&config, CHAT_RUN_WAIT)?);
    let (stop, stopped) = watch::channel(false);
    let mut tasks = JoinSet::new();

    spawn_scheduler(&mut tasks, &app, stopped.clone());

    let leadership = super::leader::Leadership {
        store: store.clone(),
        clock: Arc::clone(&app.clock),
        holder: config.node.clone(),
        lease: Duration::from_secs(config.lease_seconds),
    };
    let mut telegram_router = None;
    let mut platforms = Vec::new();
    if let Some(telegram) = &config.telegram {
        telegram_router =
            super::platforms::spawn_telegram(&mut tasks, telegram, &agent, &leadership, &stopped)?;
        platforms.push("telegram");
    }
    if let Some(discord) = &config.discord {
        super::platforms::spawn_discord(&mut tasks, discord, &agent, &leadership, &stopped);
        platforms.push("discord");
    }

    let metrics = super::metrics::serve(&config, &app, &mut tasks, &stopped).await?;
    let state = ApiState {
        agent,
        store: store.clone(),
        token: config.http.api_token.clone(),
        callbacks: signing.is_some(),
        rate: Arc::new(RateLimiter::new(config.http.rate_per_minute)),
        auth_failures: Arc::new(RateLimiter::new(config.http.auth_failures_per_minute)),
        hook_rate: Arc::new(RateLimiter::new(config.http.hook_rate_per_minute)),
        callback_pin: callback_route.pinned.clone(),
        callback_policy: callback_route.policy.clone(),
        rest: Arc::new(
            http::rest::Rest::new(
                app.manager(&config),
                Arc::clone(&app.clock),
                config.default_zone,
                config.min_interval_seconds,
            )
            .with_tools(Arc::new(super::tools::EngineTools(app.engine.mcp.clone()))),
        ),
        metrics,
        web: http::web::Settings {
            secure_cookies: config.http.public_url.starts_with("https://"),
            events: app.scheduler.events.clone(),
            stopped: stopped.clone(),
            keep_alive: (config.http.limits.idle_timeout / 2)
                .clamp(Duration::from_secs(1), Duration::from_secs(15)),
            charts: Default::default(),
            notifier: Arc::clone(&app.scheduler.notifier),
        },
    };
    let addr = spawn_http(&mut tasks, &config, state, telegram_router, stopped).await?;
    Ok(Serving {
        addr,
        platforms,
        authenticated: config.http.api_token.is_some(),
        stop,
        tasks,
        delivery,
        store,
        mcp: app.engine.mcp.clone(),
    })
}

/// Opens the store and proves it takes writes: serve must write its run log.
async fn open_writable_store(config: &Config) -> anyhow::Result<Store> {
    let store = open_store(config).await?;
    store.check_writable().await.with_context(|| {
        format!(
            "the database {} does not take writes (a read-only file, directory or disk?); steward serve must write its run log",
            config.db_path.display()
        )
    })?;
    Ok(store)
}

/// The scheduler loop: fires due slots until the stop signal, then waits for
/// running runs up to the grace period.
fn spawn_scheduler(
    tasks: &mut JoinSet<(&'static str, anyhow::Result<()>)>,
    app: &App,
    stopped: watch::Receiver<bool>,
) {
    let scheduler = Arc::clone(&app.scheduler);
    tasks.spawn(async move {
        (
            "scheduler",
            scheduler.run(stopped).await.map_err(anyhow::Error::from),
        )
    });
}

/// Refuses configurations that would open the chat API to the network.
fn refuse_open_exposure(config: &Config) -> anyhow::Result<()> {
    if config.http.api_token.is_none() && !config.http.bind.ip().is_loopback() {
        anyhow::bail!(
            "STEWARD_BIND is {} but STEWARD_API_TOKEN is not set: the chat API would be open to the network. Set a token, or bind to 127.0.0.1.",
            config.http.bind
        );
    }
    let public_webhook = config
        .telegram
        .as_ref()
        .is_some_and(|t| t.webhook_url.is_some());
    if config.http.api_token.is_none() && public_webhook {
        // Telegram's webhook needs a public HTTPS front, usually a proxy to
        // this loopback port, which would open the chat API to the network.
        anyhow::bail!(
            "TELEGRAM_WEBHOOK_URL is set but STEWARD_API_TOKEN is not: behind the public webhook the chat API would be open. Set STEWARD_API_TOKEN."
        );
    }
    if config.http.webhook_secret.is_none() && config.http.api_token.is_some() {
        tracing::warn!("STEWARD_WEBHOOK_SECRET is not set: callbacks are signed with the API token, so every callback receiver holds a key to the API; set a separate secret");
    }
    Ok(())
}

/// The key webhook callbacks are signed with: the webhook secret, else the
/// API token.
fn signing_key(config: &Config) -> Option<&Secret> {
    config
        .http
        .webhook_secret
        .as_ref()
        .or(config.http.api_token.as_ref())
}

/// Where webhook callbacks may go.
fn callback_route(config: &Config) -> CallbackRoute {
    CallbackRoute {
        pinned: config.http.callback_url.as_ref().map(|u| u.to_string()),
        policy: crate::egress::Policy {
            allow_private: false,
            allow: config.http.callback_allow.clone(),
        },
    }
}

/// The platforms notices go out through: each goes to its home chat's
/// platform, and webhook callbacks need a signing key.
fn outgoing_platforms(
    store: &Store,
    signing: Option<&Secret>,
    callback_route: &CallbackRoute,
    telegram: &Option<Telegram>,
    discord: &Option<Discord>,
) -> anyhow::Result<Vec<Arc<dyn crate::chat::Platform>>> {
    let mut platforms: Vec<Arc<dyn crate::chat::Platform>> = Vec::new();
    if let Some(secret) = signing {
        let webhook = WebhookPlatform::new(
            store.clone(),
            secret.expose_secret(),
            Duration::from_secs(10),
            callback_route.clone(),
        )
        .map_err(anyhow::Error::msg)?;
        platforms.push(Arc::new(webhook));
    }
    if let Some(telegram) = telegram {
        platforms.push(telegram.platform());
    }
    if let Some(discord) = discord {
        platforms.push(discord.platform());
    }
    Ok(platforms)
}

/// Binds the HTTP server and runs it as a task: it stops accepting at the
/// signal and finishes the requests in flight, for at most HTTP_GRACE (a
/// client trickling its body must not hold shutdown).
async fn spawn_http(
    tasks: &mut JoinSet<(&'static str, anyhow::Result<()>)>,
    config: &Config,
    state: ApiState,
    telegram_router: Option<http::Router>,
    stopped: watch::Receiver<bool>,
) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(config.http.bind)
        .await
        .with_context(|| format!("listening on {}", config.http.bind))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let router = http::router(state, telegram_router);
    let (http_stopped, mut deadline) = (stopped.clone(), stopped.clone());
    let limits = config.http.limits;
    tasks.spawn(async move {
        let serving = http::serve(listener, router, limits, http_stopped);
        let cut_off = async move {
            let _ = deadline.wait_for(|stop| *stop).await;
            tokio::time::sleep(HTTP_GRACE).await;
        };
        tokio::select! {
            () = serving => {}
            _ = cut_off => {
                tracing::warn!("requests still open {} s after the stop signal were dropped", HTTP_GRACE.as_secs());
            }
        }
        ("http", Ok(()))
    });
    Ok(addr)
}

impl Serving {
    /// Runs until `signal` resolves or a part fails, then stops everything.
    pub async fn run_until(
        mut self,
        signal: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        let failed = tokio::select! {
            _ = signal => None,
            ended = self.tasks.join_next() => match ended {
                Some(Ok((name, Err(error)))) => Some(error.context(format!("{name} stopped"))),
                Some(Ok((name, Ok(())))) => Some(anyhow::anyhow!("{name} stopped unexpectedly")),
                Some(Err(panic)) => Some(anyhow::anyhow!("a part of steward panicked: {panic}")),
                None => None,
            },
        };
        let stopped = self.stop().await;
        match failed {
            Some(error) => Err(error),
            None => stopped,
        }
    }

    /// Stops every part and waits for them (running runs get their grace
    /// period); returns the first failure.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        let mut first = Ok(());
        while let Some(ended) = self.tasks.join_next().await {
            let result = match ended {
                Ok((name, result)) => result.with_context(|| format!("stopping {name}")),
                Err(panic) => Err(anyhow::anyhow!("a part of steward panicked: {panic}")),
            };
            if let Err(error) = result {
                tracing::error!(error = format!("{error:#}"), "stopping steward");
                if first.is_ok() {
                    first = Err(error);
                }
            }
        }
        // The notices of the last runs (and of runs marked interrupted).
        self.delivery.drain(DRAIN_LIMIT).await;
        self.mcp.shutdown().await;
        self.store.close().await;
        first
    }
}

/// `steward serve`: until Ctrl-C or SIGTERM.
pub async fn serve(config: Config, fallback: Arc<dyn Notifier>) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = config.db_path.display().to_string();
    let grace = config.shutdown_grace_seconds;
    let json_logs = config.json_logs;
    let serving = start(
        config,
        Arc::new(crate::clock::SystemClock),
        fallback,
        RetryPolicy::default(),
    )
    .await?;
    let ready_ms = started.elapsed().as_millis() as u64;
    let platforms = if serving.platforms.is_empty() {
        "no chat platform (set TELEGRAM_BOT_TOKEN or DISCORD_TOKEN)".to_string()
    } else {
        serving.platforms.join(", ")
    };
    tracing::info!(db, addr = %serving.addr, platforms, ready_ms, "steward is serving");
    // For a person at a terminal; JSON logs say it in their own line above.
    if !json_logs {
        eprintln!(
        "steward serve: scheduler on {db}; chat API http://{}/api/v1/chat ({}); {platforms}. Ready in {ready_ms} ms. Ctrl-C to stop.",
        serving.addr,
        if serving.authenticated {
            "bearer token required"
        } else {
            "open on loopback: no STEWARD_API_TOKEN"
        },
        );
    }
    serving
        .run_until(async {
            shutdown_signal().await;
            tracing::info!(grace_s = grace, "stopping: waiting for running runs");
            if !json_logs {
                eprintln!("steward serve: stopping (waiting up to {grace} s for running runs)");
            }
        })
        .await
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
