//! `subnet-cidr-overlap`: two subnets of one VPC whose CIDR blocks overlap (range intersection,
//! not string equality). AWS rejects the second at apply (docs/semantics.md §9). The later address in
//! sort order is the primary resource: it is the one that fails to create.

use ipnet::IpNet;

use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::model::{Object, ResId, Val};

declare_rule! {
    pub struct SubnetCidrOverlap {
        id: "subnet-cidr-overlap",
        category: Addressing,
        default_severity: Error,
        summary: "two subnets of one VPC have overlapping CIDR blocks",
    }
}

impl Rule for SubnetCidrOverlap {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        // (vpc, cidr, subnet) of every subnet with a known VPC and CIDR; data sources included
        // (an existing subnet blocks a new one just as well), but a pair of existing subnets is
        // not ours to report.
        let mut entries: Vec<(ResId, IpNet, ResId, bool)> = Vec::new();
        for (id, r) in net.present() {
            let Object::Subnet(s) = &r.obj else { continue };
            let Some(vpc) = s.vpc.res() else { continue };
            if let Val::Known(c) = s.cidr_v4 {
                entries.push((vpc, IpNet::V4(c), id, r.is_data()));
            }
            if let Val::Known(c) = s.cidr_v6 {
                entries.push((vpc, IpNet::V6(c), id, r.is_data()));
            }
        }
        // Sort by VPC and range start so overlaps are found with a sweep, not all pairs.
        entries.sort_by(|a, b| {
            (a.0, family(&a.1), a.1.network(), a.1.prefix_len()).cmp(&(
                b.0,
                family(&b.1),
                b.1.network(),
                b.1.prefix_len(),
            ))
        });
        let mut reported: std::collections::BTreeSet<(ResId, ResId)> = std::collections::BTreeSet::new();
        for (i, a) in entries.iter().enumerate() {
            for b in &entries[i + 1..] {
                if b.0 != a.0 || family(&b.1) != family(&a.1) || b.1.network() > a.1.broadcast() {
                    break;
                }
                if a.2 == b.2 || (a.3 && b.3) {
                    continue;
                }
                // Primary: the later address in sort order.
                let (first, later) =
                    if crate::rules::natural_cmp(net.name(a.2), net.name(b.2)).is_le() { (a, b) } else { (b, a) };
                if !reported.insert((later.2, first.2)) {
                    continue;
                }
                out.push(Draft {
                    message: format!(
                        "subnet cidr {} overlaps {} of {} in {}",
                        later.1,
                        first.1,
                        net.name(first.2),
                        net.name(a.0)
                    ),
                    resources: vec![later.2, first.2, a.0],
                    attribute: Some(if matches!(later.1, IpNet::V4(_)) { "cidr_block" } else { "ipv6_cidr_block" }),
                    key: vec![later.1.to_string(), first.1.to_string()],
                    help: "give each subnet of a VPC its own range, e.g. cidrsubnet(var.vpc_cidr, 8, index) with distinct indexes".into(),
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

fn family(n: &IpNet) -> u8 {
    match n {
        IpNet::V4(_) => 4,
        IpNet::V6(_) => 6,
    }
}
