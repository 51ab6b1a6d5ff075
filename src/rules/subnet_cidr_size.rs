//! `subnet-cidr-size`: an IPv4 subnet outside /16–/28, or an IPv6 subnet that is not one of
//! /44, /48, /52, /56, /60 or /64. AWS rejects both at apply (docs/semantics.md §9,
//! <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>: "Possible IPv6 netmask
//! lengths are between /44 and /64 in increments of /4"; only /64 until November 2023). The aws
//! provider checks only that `ipv6_cidr_block` is a network address, so a /62 plans cleanly and
//! fails in CreateSubnet.

use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::model::{Object, Val};

declare_rule! {
    pub struct SubnetCidrSize {
        id: "subnet-cidr-size",
        category: Addressing,
        default_severity: Error,
        summary: "a subnet is larger than /16 or smaller than /28 (IPv4), or not /44–/64 in steps of /4 (IPv6)",
    }
}

/// The largest IPv6 subnet AWS creates (the shortest prefix).
const IPV6_LARGEST: u8 = 44;
/// The smallest IPv6 subnet AWS creates (the longest prefix).
const IPV6_SMALLEST: u8 = 64;
/// IPv6 subnet sizes go in nibble steps: /44, /48, …, /64.
const IPV6_STEP: u8 = 4;
/// The allowed IPv6 sizes, as the messages name them.
const IPV6_ALLOWED: &str = "/44, /48, /52, /56, /60 or /64";

/// Why AWS refuses an IPv6 subnet of prefix length `len`, or `None` when it accepts it.
fn ipv6_size_problem(len: u8) -> Option<&'static str> {
    if len < IPV6_LARGEST {
        Some("larger than /44")
    } else if len > IPV6_SMALLEST {
        Some("smaller than /64")
    } else if !len.is_multiple_of(IPV6_STEP) {
        Some("not a multiple of /4")
    } else {
        None
    }
}

/// The allowed sizes nearest to `len`: the next larger and the next smaller one (the same
/// when only one side has one).
fn ipv6_nearest_sizes(len: u8) -> (u8, u8) {
    let clamped = len.clamp(IPV6_LARGEST, IPV6_SMALLEST);
    let larger = clamped - clamped % IPV6_STEP;
    let smaller = if clamped.is_multiple_of(IPV6_STEP) { clamped } else { larger + IPV6_STEP };
    (larger, smaller)
}

impl Rule for SubnetCidrSize {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        for (id, r) in ctx.net.present() {
            let Object::Subnet(s) = &r.obj else { continue };
            if r.is_data() {
                continue;
            }
            if let Val::Known(c) = s.cidr_v4
                && !(16..=28).contains(&c.prefix_len())
            {
                let why = if c.prefix_len() < 16 { "larger than /16" } else { "smaller than /28" };
                out.push(Draft {
                    message: format!("subnet cidr {c} is {why}; AWS accepts IPv4 subnets from /16 to /28"),
                    resources: vec![id],
                    attribute: Some("cidr_block"),
                    key: vec![c.to_string()],
                    help: "use a prefix length between /16 and /28 (a /28 has 11 usable addresses)".into(),
                    ..Draft::default()
                });
            }
            if let Val::Known(c) = s.cidr_v6
                && let Some(why) = ipv6_size_problem(c.prefix_len())
            {
                let (larger, smaller) = ipv6_nearest_sizes(c.prefix_len());
                let sizes = if larger == smaller {
                    format!("a /{larger}")
                } else {
                    format!("a /{larger} or a /{smaller}")
                };
                out.push(Draft {
                    message: format!(
                        "subnet ipv6 cidr {c} is a /{}, {why}; AWS accepts IPv6 subnets of {IPV6_ALLOWED}",
                        c.prefix_len()
                    ),
                    resources: vec![id],
                    attribute: Some("ipv6_cidr_block"),
                    key: vec![c.to_string()],
                    help: format!(
                        "use {sizes} inside the VPC's IPv6 block (cidrsubnet(aws_vpc.<name>.ipv6_cidr_block, 8, index) carves /64s from an Amazon-provided /56)"
                    ),
                    ..Draft::default()
                });
            }
        }
    }

    /// A subnet that will not be created, or an address it cannot hold, explains the failures of
    /// the flows from and to it (and its subnet): its primary resource only, not the subnet it
    /// overlaps or the VPC it names (issue 12, item 3).
    fn claims(&self, failure: &FailureView, draft: &Draft) -> bool {
        failure.primary_is_an_end(draft)
    }
}

#[cfg(test)]
mod tests {
    use super::{ipv6_nearest_sizes, ipv6_size_problem};

    #[test]
    fn ipv6_sizes_are_44_to_64_in_steps_of_4() {
        let allowed: Vec<u8> = (0..=128).filter(|&l| ipv6_size_problem(l).is_none()).collect();
        assert_eq!(allowed, [44, 48, 52, 56, 60, 64]);
        assert_eq!(ipv6_size_problem(40), Some("larger than /44"));
        assert_eq!(ipv6_size_problem(62), Some("not a multiple of /4"));
        assert_eq!(ipv6_size_problem(65), Some("smaller than /64"));
    }

    #[test]
    fn nearest_allowed_sizes() {
        assert_eq!(ipv6_nearest_sizes(62), (60, 64));
        assert_eq!(ipv6_nearest_sizes(45), (44, 48));
        assert_eq!(ipv6_nearest_sizes(65), (64, 64));
        assert_eq!(ipv6_nearest_sizes(128), (64, 64));
        assert_eq!(ipv6_nearest_sizes(40), (44, 44));
        assert_eq!(ipv6_nearest_sizes(0), (44, 44));
    }
}
