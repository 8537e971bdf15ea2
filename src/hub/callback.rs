//! Requests to subscribers' callbacks: URLs strangers give the hub, so the hub must not be
//! made to reach what only it can reach (SSRF). Every connection goes through a resolver
//! that drops addresses that are not public (loopback, private, link-local, reserved; the
//! config's `websub.allow_callbacks` networks excepted), so a name that resolves to one, at
//! subscription or at any later delivery, gets nothing. Every request is bounded in time, and
//! only the first bytes of an answer are read.

use std::io::Read;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use url::Url;

/// Longest a callback may take to answer, connecting included: a slow subscriber holds one
/// delivery worker this long at most.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an answer is read: a challenge echoed back, or the reason for a refusal.
const ANSWER_BYTES: u64 = 1024;

/// Networks no callback may be in unless allowed (RFC 6890 special-purpose registries,
/// IPv4 and IPv6): what is not on the public Internet.
const NOT_PUBLIC: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    // IPv4-compatible (deprecated), discard, Teredo and the documentation range, 6to4,
    // unique-local, site-local (deprecated), link-local, multicast: tunnels and ranges that
    // can lead to private IPv4 or local hosts are refused whole.
    "::/96",
    "::1/128",
    "64:ff9b:1::/48",
    "100::/64",
    "2001::/32",
    "2001:db8::/32",
    "2002::/16",
    "fc00::/7",
    "fec0::/10",
    "fe80::/10",
    "ff00::/8",
];

/// NAT64's well-known prefix (RFC 6052): the IPv4 address in its last 32 bits is the one
/// reached.
const NAT64: &str = "64:ff9b::/96";

/// Which addresses a callback may be reached at.
#[derive(Debug, Clone)]
pub struct Policy {
    allowed: Vec<IpNet>,
    not_public: Vec<IpNet>,
}

impl Policy {
    pub fn new(allowed: &[IpNet]) -> Policy {
        Policy {
            allowed: allowed.to_vec(),
            not_public: NOT_PUBLIC.iter().filter_map(|n| n.parse().ok()).collect(),
        }
    }

    pub fn admits(&self, ip: IpAddr) -> bool {
        // An IPv4 address written as IPv6 (::ffff:127.0.0.1, or behind NAT64) is the IPv4
        // address.
        let nat64: Option<IpNet> = NAT64.parse().ok();
        let ip = match ip {
            IpAddr::V6(v6) if nat64.is_some_and(|n| n.contains(&ip)) => {
                let [.., a, b, c, d] = v6.octets();
                IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d))
            }
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.allowed.iter().any(|n| n.contains(&ip))
            || !self.not_public.iter().any(|n| n.contains(&ip))
    }
}

/// The default resolver, keeping only the addresses the policy admits.
#[derive(Debug)]
struct Guarded {
    policy: Arc<Policy>,
    inner: DefaultResolver,
}

impl Resolver for Guarded {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let found = self.inner.resolve(uri, config, timeout)?;
        let mut admitted = self.empty();
        for addr in found.iter().filter(|a| self.policy.admits(a.ip())) {
            // As many as were found: never more than it holds.
            let _ = admitted.try_push(*addr);
        }
        if admitted.is_empty() {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "{} resolves to no public address (websub.allow_callbacks admits others)",
                    uri.host().unwrap_or_default()
                ),
            )));
        }
        Ok(admitted)
    }
}

/// The hub's client for callbacks.
pub struct Callbacks {
    agent: ureq::Agent,
}

impl Callbacks {
    pub fn new(policy: Arc<Policy>) -> Callbacks {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            // A redirect is another request to wherever it says: none are followed.
            .max_redirects(0)
            // A proxy would do the resolving, past the guard.
            .proxy(None)
            .user_agent(concat!("bifeed-hub/", env!("CARGO_PKG_VERSION")))
            .build();
        let resolver = Guarded {
            policy,
            inner: DefaultResolver::default(),
        };
        Callbacks {
            agent: ureq::Agent::with_parts(config, DefaultConnector::new(), resolver),
        }
    }

    /// Verification of intent (WebSub 5.3): a GET to the callback with the mode, topic,
    /// challenge and lease; the subscriber confirms by answering 2xx with the challenge.
    pub fn verify(
        &self,
        callback: &Url,
        query: &[(&str, &str)],
        challenge: &str,
    ) -> Result<(), String> {
        let mut url = callback.clone();
        url.query_pairs_mut().extend_pairs(query);
        let mut answer = self
            .agent
            .get(url.as_str())
            .call()
            .map_err(|e| e.to_string())?;
        let status = answer.status();
        let body = first_bytes(&mut answer);
        if !status.is_success() {
            return Err(format!("it answered {status}"));
        }
        if body.trim_ascii() != challenge.as_bytes() {
            return Err("it did not echo the challenge".into());
        }
        Ok(())
    }

    /// Content distribution (WebSub 7): the feed's new body, POSTed with its type, its `Link`
    /// headers and, for a subscription with a secret, its signature.
    pub fn deliver(
        &self,
        callback: &str,
        body: &[u8],
        content_type: &str,
        links: &str,
        signature: Option<&str>,
    ) -> Result<(), String> {
        let mut request = self
            .agent
            .post(callback)
            .header("content-type", content_type)
            .header("link", links);
        if let Some(signature) = signature {
            request = request.header("x-hub-signature", signature);
        }
        let mut answer = request.send(body).map_err(|e| e.to_string())?;
        let status = answer.status();
        let _ = first_bytes(&mut answer);
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("it answered {status}"))
        }
    }
}

fn first_bytes(answer: &mut ureq::http::Response<ureq::Body>) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = answer
        .body_mut()
        .as_reader()
        .take(ANSWER_BYTES)
        .read_to_end(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_admitted_unless_allowed() {
        let policy = Policy::new(&[]);
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.1.1",
            "172.20.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd12::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:5",
            "2002:a00:5::1",
            "2001:0:4136:e378::1",
            "::10.0.0.5",
            "fec0::1",
        ] {
            assert!(!policy.admits(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
        ] {
            assert!(policy.admits(ip.parse().unwrap()), "{ip}");
        }
        let loopback = Policy::new(&["127.0.0.1/32".parse().unwrap()]);
        assert!(loopback.admits("127.0.0.1".parse().unwrap()));
        assert!(!loopback.admits("127.0.0.2".parse().unwrap()));
    }
}
