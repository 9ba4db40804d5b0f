//! Which IP addresses are on the public internet. Everything else (loopback,
//! private, link-local, reserved, and IPv6 forms that carry such an IPv4
//! address inside them) is refused to outgoing requests unless allowed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is a public internet address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 224) // multicast and reserved
}

fn is_public_v6(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    let v4_at = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    // ::ffff:a.b.c.d, mapped: the IPv4 address itself.
    if let Some(v4) = v6.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    // ::a.b.c.d, IPv4-compatible (deprecated, never routed publicly; some
    // stacks still reach the IPv4 address), with :: and ::1.
    if s[..6] == [0; 6] {
        return false;
    }
    match s[0] {
        // NAT64, 64:ff9b::/96 (RFC 6052): the IPv4 address in the last 32
        // bits. 64:ff9b:1::/48 (RFC 8215) is for local use only.
        0x0064 if s[1] == 0xff9b => s[2..6] == [0; 4] && is_public_v4(v4_at(s[6], s[7])),
        // 6to4, 2002::/16: the IPv4 address in bits 16-48.
        0x2002 => is_public_v4(v4_at(s[1], s[2])),
        // Teredo, 2001::/32: the server's IPv4 address in bits 32-64 and the
        // client's, inverted, in the last 32 bits.
        0x2001 if s[1] == 0 => is_public_v4(v4_at(s[2], s[3])) && is_public_v4(v4_at(!s[6], !s[7])),
        // Documentation, 2001:db8::/32.
        0x2001 if s[1] == 0x0db8 => false,
        // Discard-only, 100::/64.
        0x0100 if s[1..4] == [0; 3] => false,
        first => {
            !((first & 0xfe00) == 0xfc00 // unique local, fc00::/7
                || (first & 0xffc0) == 0xfe80 // link local, fe80::/10
                || (first & 0xffc0) == 0xfec0 // site local (deprecated), fec0::/10
                || (first & 0xff00) == 0xff00) // multicast
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_reserved_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "192.0.0.8",
            "0.0.0.0",
            "255.255.255.255",
            "::",
            "::1",
            "fd00::1",
            "fc00::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn ipv6_forms_that_carry_a_private_ipv4_address_are_not_public() {
        for ip in [
            "::ffff:127.0.0.1",                     // mapped
            "::ffff:10.0.0.1",                      // mapped
            "::127.0.0.1",                          // compatible
            "::8.8.8.8",                            // compatible, even with a public address
            "64:ff9b::7f00:1",                      // NAT64 of 127.0.0.1
            "64:ff9b::a9fe:a9fe",                   // NAT64 of 169.254.169.254
            "64:ff9b:1::a00:1",                     // local-use NAT64
            "2002:7f00:1::1",                       // 6to4 of 127.0.0.1
            "2002:a00:1::1",                        // 6to4 of 10.0.0.1
            "2001:0:7f00:1::1",                     // Teredo, server 127.0.0.1
            "2001:0:4136:e378:8000:63bf:f5ff:fffe", // Teredo, client 10.0.0.1
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn public_addresses_in_every_form_are_public() {
        for ip in [
            "1.1.1.1",
            "93.184.216.34",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
            "64:ff9b::101:101",                     // NAT64 of 1.1.1.1
            "2002:101:101::1",                      // 6to4 of 1.1.1.1
            "2001:0:4136:e378:8000:63bf:fefe:fefe", // Teredo, client 1.1.1.1
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }
}
