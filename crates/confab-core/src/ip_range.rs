//! IP addresses and ranges, as `ip` bans and trusted proxies name them: one address
//! (`192.0.2.7`, `2001:db8::1`) or a CIDR range (`192.0.2.0/24`, `2001:db8::/32`). As
//! upstream, a range's address may have host bits set (`127.0.0.1/24` is `127.0.0.0/24`).

use std::net::IpAddr;

/// An address or a range of addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// The address or range `text` names, or `None` when it names neither.
    pub fn parse(text: &str) -> Option<Self> {
        if let Ok(address) = text.parse::<IpAddr>() {
            return Some(Self::single(address));
        }
        let (address, prefix) = text.split_once('/')?;
        let network = address.parse::<IpAddr>().ok()?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix = prefix.parse::<u8>().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Self { network, prefix })
    }

    fn single(address: IpAddr) -> Self {
        let prefix = if address.is_ipv4() { 32 } else { 128 };
        Self {
            network: address,
            prefix,
        }
    }

    /// Whether `address` is in the range. An IPv4 address a dual-stack listener reports as
    /// IPv6 (`::ffff:192.0.2.7`) counts as the IPv4 address it is; otherwise IPv4 ranges hold
    /// only IPv4 addresses and IPv6 ranges only IPv6 ones.
    pub fn contains(&self, address: IpAddr) -> bool {
        if self.network.to_canonical().is_ipv4() != address.to_canonical().is_ipv4() {
            return false;
        }
        // Compared as IPv6, where an IPv4 address is its mapped form and a /n IPv4 range /96+n.
        let prefix = u32::from(self.prefix) + if self.network.is_ipv4() { 96 } else { 0 };
        let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
        as_v6(self.network) & mask == as_v6(address) & mask
    }
}

fn as_v6(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn range(text: &str) -> IpRange {
        IpRange::parse(text).unwrap()
    }

    #[test]
    fn addresses_and_ranges_parse() {
        for text in [
            "127.0.0.1",
            "::1",
            "2001:db8::1",
            "10.0.0.0/8",
            "127.0.0.1/24",
            "0.0.0.0/0",
            "::/0",
            "::1/64",
            "::ffff:192.0.2.7",
        ] {
            assert!(IpRange::parse(text).is_some(), "{text}");
        }
        for text in [
            "",
            "participant2",
            "127.0.0.1/33",
            "127.0.0.1/64",
            "::1/129",
            "127.0.0.1/",
            "127.0.0.1/+8",
            "127.0.0.1/-1",
            "127.0.0.1/8/8",
            "/8",
            "1.2.3",
            "256.0.0.1",
            " 127.0.0.1",
            "127.0.0.1 ",
        ] {
            assert!(IpRange::parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_single_address_contains_only_itself() {
        let one = range("192.0.2.7");
        assert!(one.contains(ip("192.0.2.7")));
        assert!(!one.contains(ip("192.0.2.8")));
        assert!(range("::1").contains(ip("::1")));
        assert!(!range("::1").contains(ip("::2")));
    }

    #[test]
    fn ranges_contain_their_network() {
        let net = range("127.0.0.1/24");
        assert!(net.contains(ip("127.0.0.200")));
        assert!(!net.contains(ip("127.0.1.1")));
        assert!(range("0.0.0.0/0").contains(ip("203.0.113.9")));
        let v6 = range("2001:db8::/32");
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(range("::/0").contains(ip("2001:db8::1")));
    }

    #[test]
    fn families_do_not_mix_except_mapped_ipv4() {
        assert!(!range("0.0.0.0/0").contains(ip("::1")));
        assert!(!range("::/0").contains(ip("127.0.0.1")));
        assert!(range("192.0.2.0/24").contains(ip("::ffff:192.0.2.7")));
        assert!(range("::ffff:192.0.2.7").contains(ip("192.0.2.7")));
    }
}
