//! `subnet-cidr-size`: an IPv4 subnet outside /16–/28, or an IPv6 subnet that is not a /64.
//! AWS rejects both at apply (docs/semantics.md §9,
//! <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>).

use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::model::{Object, Val};

declare_rule! {
    pub struct SubnetCidrSize {
        id: "subnet-cidr-size",
        category: Addressing,
        default_severity: Error,
        summary: "a subnet is larger than /16 or smaller than /28 (IPv4), or not a /64 (IPv6)",
    }
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
                && c.prefix_len() != 64
            {
                out.push(Draft {
                    message: format!(
                        "subnet ipv6 cidr {c} is a /{}; AWS requires /64 for IPv6 subnets",
                        c.prefix_len()
                    ),
                    resources: vec![id],
                    attribute: Some("ipv6_cidr_block"),
                    key: vec![c.to_string()],
                    help: "use cidrsubnet(aws_vpc.<name>.ipv6_cidr_block, 8, index) to carve /64s from the VPC's /56"
                        .into(),
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
