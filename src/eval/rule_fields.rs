//! The layer-4 fields of security group and network ACL rules, read the same way for both: a
//! `from_port`/`to_port` range (negative: every port), an ICMP type or code (`-1`: any), and the
//! protocol-and-ports text hop messages show (`tcp 443`, `icmp type 8 code any`).

use super::sets::{PortSet, RuleProtocol};

/// A rule's port range `from`..=`to`: every port when either end is negative (AWS's `-1`),
/// values past 65535 clamped.
pub(crate) fn port_range(from: i64, to: i64) -> PortSet {
    if from < 0 || to < 0 {
        return PortSet::full();
    }
    let clamp = |v: i64| u16::try_from(v).unwrap_or(u16::MAX);
    PortSet::range(clamp(from), clamp(to))
}

/// An ICMP type or code: the one value when it is 0-255, else any (`-1`).
pub(crate) fn icmp_value(v: i64) -> PortSet {
    if (0..=255).contains(&v) { PortSet::single(v as u16) } else { PortSet::full() }
}

/// A rule's protocol and layer-4 fields as text: `all`, `tcp 443`, `udp 1024-65535`,
/// `tcp (ports unknown)`, `icmp type 8 code any` (`icmp` gives the type and code texts),
/// `protocol 50`.
pub(crate) fn l4_text(
    protocol: &str,
    ports: (Option<&i64>, Option<&i64>),
    icmp: impl FnOnce() -> (String, String),
) -> String {
    match protocol.parse::<RuleProtocol>() {
        Ok(RuleProtocol::All) => "all".into(),
        Ok(RuleProtocol::Only(p)) => match p.number() {
            6 | 17 => match ports {
                (Some(a), Some(b)) if a == b => format!("{p} {a}"),
                (Some(a), Some(b)) => format!("{p} {a}-{b}"),
                _ => format!("{p} (ports unknown)"),
            },
            1 | 58 => {
                let (t, c) = icmp();
                format!("{p} type {t} code {c}")
            }
            _ => format!("protocol {p}"),
        },
        Err(_) => format!("protocol {protocol}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_ports_are_every_port_and_large_ones_clamp() {
        assert!(port_range(-1, 443).is_full());
        assert_eq!(port_range(1024, 70000).to_string(), "1024-65535");
        assert_eq!(icmp_value(8).to_string(), "8");
        assert!(icmp_value(256).is_full());
    }

    #[test]
    fn texts() {
        let none = || (String::new(), String::new());
        assert_eq!(l4_text("-1", (None, None), none), "all");
        assert_eq!(l4_text("tcp", (Some(&443), Some(&443)), none), "tcp 443");
        assert_eq!(l4_text("6", (Some(&1024), Some(&65535)), none), "tcp 1024-65535");
        assert_eq!(l4_text("udp", (None, Some(&53)), none), "udp (ports unknown)");
        assert_eq!(l4_text("icmp", (None, None), || ("8".into(), "any".into())), "icmp type 8 code any");
        assert_eq!(l4_text("50", (None, None), none), "protocol 50");
    }
}
