//! A DNS resolver for reqwest that keeps only the addresses a [`Policy`]
//! permits, so a name that resolves to 127.0.0.1 (or is made to, between a
//! check and the connection) is refused where the connection is made.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;

use super::Policy;

/// Resolves names with the system resolver and drops refused addresses.
pub struct GuardedResolver {
    pub policy: Policy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| policy.permits(Some(&host), addr.ip()))
                .collect();
            if addrs.is_empty() {
                let error: Box<dyn std::error::Error + Send + Sync> = format!(
                    "{host} resolves only to private or loopback addresses, which are blocked ({})",
                    super::HOW_TO_ALLOW
                )
                .into();
                return Err(error);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}
