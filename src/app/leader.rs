//! Work one replica at a time may do: Telegram long polling (two pollers
//! of one bot make Telegram refuse one of them, and would answer updates
//! twice) and the Discord gateway (each connection gets every event). The
//! process running the connection holds a lease in the database (the
//! `leaders` table) and renews it every third of `STEWARD_LEASE_SECONDS`;
//! the others try to take it as often, so when the holder dies a survivor
//! connects within one lease. A holder that cannot renew, or finds another
//! holder, disconnects and goes back to waiting.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::store::Store;

/// Whether this process may hold a connection: its lease in the store.
#[derive(Clone)]
pub struct Leadership {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// This process on the lease (`STEWARD_NODE`).
    pub holder: String,
    /// How long a lease lasts without renewal (`STEWARD_LEASE_SECONDS`).
    pub lease: Duration,
}

/// How a turn as leader ended.
enum Turn {
    /// The connection ended by itself (a fatal error, or it had nothing to do).
    Ended(anyhow::Result<()>),
    /// The stop signal: disconnect and give the lease up.
    Stopped,
    /// The lease was lost (another holder, or it could not be renewed).
    Lost,
}

impl Leadership {
    /// Runs `connect` only while this process holds the lease `name`: waits
    /// for it, connects, renews it, and disconnects when it is lost (then
    /// waits again) or at `stopped` (then gives it up). `connect` gets a
    /// signal of its own that ends the connection.
    pub async fn run<F, Fut>(
        self,
        name: &'static str,
        mut stopped: watch::Receiver<bool>,
        mut connect: F,
    ) -> anyhow::Result<()>
    where
        F: FnMut(watch::Receiver<bool>) -> Fut,
        Fut: Future<Output = anyhow::Result<()>>,
    {
        loop {
            if !self.wait_for_lease(name, &mut stopped).await {
                return Ok(());
            }
            tracing::info!(name, holder = %self.holder, "took the lease: connecting");
            let (disconnect, disconnected) = watch::channel(false);
            let connection = connect(disconnected);
            tokio::pin!(connection);
            let turn = self.renew_while(name, &mut stopped, &mut connection).await;
            if !matches!(turn, Turn::Ended(_)) {
                let _ = disconnect.send(true);
                if let Err(error) = connection.await {
                    tracing::warn!(
                        name,
                        error = format!("{error:#}"),
                        "the connection ended badly"
                    );
                }
            }
            // Whoever waits may take it at once rather than when it lapses.
            if let Err(error) = self.store.release_lease(name, &self.holder).await {
                tracing::warn!(name, %error, "could not give the lease up; it lapses by itself");
            }
            match turn {
                Turn::Ended(result) => return result,
                Turn::Stopped => return Ok(()),
                Turn::Lost => tracing::warn!(
                    name,
                    "lost the lease: disconnected; waiting to take it again"
                ),
            }
        }
    }

    /// A third of the lease: how often the holder renews and the others try.
    fn every(&self) -> Duration {
        (self.lease / 3).max(Duration::from_millis(100))
    }

    /// Takes or renews the lease; an error counts as not having it.
    async fn hold(&self, name: &str) -> bool {
        let now = self.clock.now();
        let until =
            now + chrono::TimeDelta::from_std(self.lease).unwrap_or(chrono::TimeDelta::seconds(30));
        match self.store.hold_lease(name, &self.holder, now, until).await {
            Ok(held) => held,
            Err(error) => {
                tracing::warn!(name, %error, "could not take or renew the lease");
                false
            }
        }
    }

    /// Tries to take the lease every third of it; `false` at the stop signal.
    async fn wait_for_lease(&self, name: &str, stopped: &mut watch::Receiver<bool>) -> bool {
        let mut said = false;
        loop {
            if *stopped.borrow() {
                return false;
            }
            if self.hold(name).await {
                return true;
            }
            if !said {
                tracing::info!(
                    name,
                    "another replica holds the lease; waiting to take over"
                );
                said = true;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.every()) => {}
                changed = stopped.changed() => if changed.is_err() {
                    return false; // the signal's sender is gone: stopping
                },
            }
        }
    }

    /// Renews the lease while the connection runs, until it ends, the stop
    /// signal, or the lease is lost.
    async fn renew_while<Fut>(
        &self,
        name: &str,
        stopped: &mut watch::Receiver<bool>,
        connection: &mut std::pin::Pin<&mut Fut>,
    ) -> Turn
    where
        Fut: Future<Output = anyhow::Result<()>>,
    {
        loop {
            // The select only decides; the renewal awaits outside it (the
            // signal's guard must not live across an await).
            let renew = tokio::select! {
                ended = connection.as_mut() => return Turn::Ended(ended),
                _ = stopped.wait_for(|stop| *stop) => false,
                _ = tokio::time::sleep(self.every()) => true,
            };
            if !renew {
                return Turn::Stopped;
            }
            if !self.hold(name).await {
                return Turn::Lost;
            }
        }
    }
}
