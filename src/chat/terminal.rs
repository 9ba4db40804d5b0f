//! A notifier that prints each notice as a line on stdout and logs it.

use async_trait::async_trait;
use std::io::Write;

use crate::workflow::notify::{Notice, Notifier};

/// Prints notices; `quiet` keeps them to the log only.
#[derive(Clone, Copy, Debug, Default)]
pub struct TerminalNotifier {
    pub quiet: bool,
}

#[async_trait]
impl Notifier for TerminalNotifier {
    async fn notify(&self, notice: Notice) {
        let line = notice.line();
        tracing::info!(target: "steward::notice", owner = %notice.audience().owner, "{line}");
        if !self.quiet {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    }
}
