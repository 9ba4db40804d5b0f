//! A DNS resolver for reqwest that keeps only the addresses a [`Policy`]
//! permits, so a name that resolves to 127.0.0.1 (or is made to, between a
//! check and the connection) is refused where the connection is made.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;

use super::Policy;

/// Resolves names with the system resolver and drops refused addresses.
pub struct GuardedResolver {
    pub policy: Policy,
    /// How to allow what was refused (which setting), for the error.
    pub hint: &'static str,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let (policy, hint) = (self.policy.clone(), self.hint);
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| policy.permits(Some(&host), addr.ip()))
                .collect();
            if addrs.is_empty() {
                let error: Box<dyn std::error::Error + Send + Sync> = format!(
                    "{host} resolves only to private or loopback addresses, which are blocked ({hint})"
                )
                .into();
                return Err(error);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn resolver(allow: &str) -> GuardedResolver {
        GuardedResolver {
            policy: Policy {
                allow_private: false,
                allow: super::super::parse_allow_list(allow).unwrap(),
            },
            hint: "a hint",
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_unless_allowed() {
        let name = || Name::from_str("localhost").unwrap();
        let error = match resolver("").resolve(name()).await {
            Ok(_) => panic!("localhost resolved"),
            Err(error) => error.to_string(),
        };
        assert!(
            error.contains("resolves only to private or loopback") && error.contains("a hint"),
            "{error}"
        );
        let addrs: Vec<SocketAddr> = match resolver("localhost").resolve(name()).await {
            Ok(addrs) => addrs.collect(),
            Err(error) => panic!("{error}"),
        };
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
        assert!(!addrs.is_empty());
    }
}
