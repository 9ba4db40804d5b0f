//! `serve`'s metrics: the recorder installed, `GET /metrics` on its own
//! listener (`STEWARD_METRICS_BIND`) and, behind its token
//! (`STEWARD_METRICS_TOKEN`), on the main one.

use anyhow::Context;
use std::net::SocketAddr;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::App;
use crate::config::Config;
use crate::http;

/// Installs the recorder, starts the metrics listener when one is bound,
/// and returns what the main listener serves (`None`: no metrics there).
pub(super) async fn serve(
    config: &Config,
    app: &App,
    tasks: &mut JoinSet<(&'static str, anyhow::Result<()>)>,
    stopped: &watch::Receiver<bool>,
) -> anyhow::Result<Option<http::metrics::Scrape>> {
    let handle = http::metrics::install();
    if let Some(bind) = config.http.metrics_bind {
        let scrape = http::metrics::Scrape {
            handle: handle.clone(),
            token: None,
            manager: app.manager(config),
        };
        listen(tasks, bind, scrape, config.http.limits, stopped.clone()).await?;
    }
    Ok(config
        .http
        .metrics_token
        .clone()
        .map(|token| http::metrics::Scrape {
            handle,
            token: Some(token),
            manager: app.manager(config),
        }))
}

/// `GET /metrics` on its own listener, until the stop signal.
async fn listen(
    tasks: &mut JoinSet<(&'static str, anyhow::Result<()>)>,
    bind: SocketAddr,
    scrape: http::metrics::Scrape,
    limits: crate::config::ConnectionLimits,
    stopped: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("listening for metrics on {bind} (STEWARD_METRICS_BIND)"))?;
    let router = http::metrics_router(scrape);
    // Serves scrapes until the stop signal.
    tasks.spawn(async move {
        http::serve(listener, router, limits, stopped).await;
        ("metrics", Ok(()))
    });
    Ok(())
}
