//! Where steward's outgoing requests (`http` steps, an agent's
//! `http_request`, chat callbacks) may go: public addresses always; loopback,
//! private and reserved ones only when the operator opens them, all at once
//! (`STEWARD_HTTP_ALLOW_PRIVATE`) or exactly (`STEWARD_HTTP_ALLOW`: hosts and
//! CIDRs). Pure: the resolver that applies it to every address a name
//! resolves to is [`resolver`].
//!
//! A module of its own because both the engine and the chat delivery
//! (callbacks) need the same rule, and neither may import the other.

mod address;
pub mod resolver;

use std::net::IpAddr;

pub use address::is_public;

/// What a refusal of an `http` step says to do about it.
pub const HOW_TO_ALLOW: &str =
    "set STEWARD_HTTP_ALLOW to the hosts or CIDRs to open, or STEWARD_HTTP_ALLOW_PRIVATE=true for all";

/// What a refusal of a chat callback says to do about it.
pub const HOW_TO_ALLOW_CALLBACKS: &str =
    "set STEWARD_WEBHOOK_CALLBACK_ALLOW to the hosts or CIDRs to open";

/// One entry of `STEWARD_HTTP_ALLOW`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// `intranet.example.com`: this host, whatever it resolves to.
    Host(String),
    /// `*.corp.example`: any host under this domain.
    Domain(String),
    /// `10.1.0.0/16`, or one address: addresses in this network.
    Net(IpAddr, u8),
}

/// The rule for one kind of outgoing request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Every address allowed (`STEWARD_HTTP_ALLOW_PRIVATE`).
    pub allow_private: bool,
    /// Hosts and networks allowed besides public addresses.
    pub allow: Vec<Allowed>,
}

impl Policy {
    /// Whether a connection to `ip` for `host` (the URL's name, when it had
    /// one) may be made.
    pub fn permits(&self, host: Option<&str>, ip: IpAddr) -> bool {
        self.allow_private
            || is_public(ip)
            || host.is_some_and(|h| self.host_allowed(h))
            || self.allow.iter().any(|entry| match entry {
                Allowed::Net(net, bits) => in_net(ip, *net, *bits),
                _ => false,
            })
    }

    /// Whether `host` is named in the allow list (so `localhost` may be
    /// called when listed).
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.allow.iter().any(|entry| match entry {
            Allowed::Host(name) => *name == host,
            Allowed::Domain(domain) => host
                .strip_suffix(domain.as_str())
                .is_some_and(|rest| rest.ends_with('.')),
            Allowed::Net(..) => false,
        })
    }
}

/// Why `policy` refuses `url` before any name is resolved: a literal address
/// it does not permit, or `localhost` (resolved by some systems without DNS).
/// Names are checked again, address by address, by the [`resolver`].
pub fn refusal(policy: &Policy, url: &url::Url) -> Option<String> {
    let literal = match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    };
    if let Some(ip) = literal {
        return (!policy.permits(None, ip))
            .then(|| format!("refused to call {ip}: private and loopback addresses are blocked"));
    }
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let local = host == "localhost" || host.ends_with(".localhost");
    (local && !policy.allow_private && !policy.host_allowed(&host))
        .then(|| format!("refused to call {host}: private and loopback addresses are blocked"))
}

/// Reads `STEWARD_HTTP_ALLOW`: comma-separated hosts, `*.domain`s, addresses
/// and CIDRs. Names the entry it cannot read.
pub fn parse_allow_list(text: &str) -> Result<Vec<Allowed>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(parse_entry)
        .collect()
}

fn parse_entry(entry: &str) -> Result<Allowed, String> {
    let bad = || format!("'{entry}' is not a host name, an IP address or a CIDR like 10.1.0.0/16");
    if let Some((address, bits)) = entry.split_once('/') {
        let ip: IpAddr = address.parse().map_err(|_| bad())?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let bits: u8 = bits.parse().ok().filter(|b| *b <= max).ok_or_else(bad)?;
        return Ok(Allowed::Net(ip, bits));
    }
    if let Ok(ip) = entry
        .trim_matches(|c| c == '[' || c == ']')
        .parse::<IpAddr>()
    {
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        return Ok(Allowed::Net(ip, bits));
    }
    let (wildcard, name) = match entry.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, entry),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if name.is_empty() || !name.split('.').all(label_ok) {
        return Err(bad());
    }
    Ok(if wildcard {
        Allowed::Domain(name)
    } else {
        Allowed::Host(name)
    })
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    // A mapped IPv6 form of an IPv4 address is that address.
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(list: &str) -> Policy {
        Policy {
            allow_private: false,
            allow: parse_allow_list(list).unwrap(),
        }
    }

    #[test]
    fn the_allow_list_opens_exactly_the_hosts_and_networks_it_names() {
        let policy =
            policy("10.1.0.0/16, intranet.example.com, *.corp.example, 192.168.5.5, fd00:1::/32");
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(policy.permits(None, ip("10.1.200.3")));
        assert!(policy.permits(None, ip("::ffff:10.1.0.1")));
        assert!(!policy.permits(None, ip("10.2.0.1")));
        assert!(policy.permits(None, ip("192.168.5.5")));
        assert!(!policy.permits(None, ip("192.168.5.6")));
        assert!(policy.permits(None, ip("fd00:1:ffff::1")));
        assert!(!policy.permits(None, ip("fd00:2::1")));
        assert!(policy.permits(Some("Intranet.Example.com."), ip("10.9.9.9")));
        assert!(!policy.permits(Some("other.example.com"), ip("10.9.9.9")));
        assert!(policy.permits(Some("build.corp.example"), ip("172.16.0.1")));
        assert!(!policy.permits(Some("corp.example"), ip("172.16.0.1")));
        assert!(!policy.permits(Some("evilcorp.example"), ip("172.16.0.1")));
        assert!(!policy.permits(None, ip("127.0.0.1")));
        assert!(policy.permits(None, ip("1.1.1.1")));
    }

    #[test]
    fn allow_private_opens_everything_and_nothing_opens_nothing() {
        let open = Policy {
            allow_private: true,
            allow: Vec::new(),
        };
        assert!(open.permits(Some("localhost"), "127.0.0.1".parse().unwrap()));
        assert!(!Policy::default().permits(None, "10.0.0.1".parse().unwrap()));
    }

    #[test]
    fn an_unreadable_entry_is_named() {
        for bad in ["10.0.0.0/33", "10.0.0/8", "http://x.example", "a b", "*."] {
            let error = parse_allow_list(&format!("ok.example,{bad}")).unwrap_err();
            assert!(error.contains(bad), "{error}");
        }
        assert_eq!(parse_allow_list(" , ").unwrap(), Vec::new());
    }
}
