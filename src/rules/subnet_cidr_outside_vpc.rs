//! `subnet-cidr-outside-vpc`: a subnet whose CIDR lies in none of its VPC's CIDR blocks (primary
//! or associated secondary). AWS rejects it at apply (docs/semantics.md §9,
//! <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>).

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::paths::FailureView;
use super::{Context, Draft, Rule};
use crate::model::{Object, Val};

declare_rule! {
    pub struct SubnetCidrOutsideVpc {
        id: "subnet-cidr-outside-vpc",
        category: Addressing,
        default_severity: Error,
        summary: "a subnet's CIDR block lies outside every CIDR block of its VPC",
    }
}

impl Rule for SubnetCidrOutsideVpc {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (id, r) in net.present() {
            let Object::Subnet(s) = &r.obj else { continue };
            if r.is_data() {
                continue;
            }
            let Some(vpc_id) = s.vpc.res() else { continue };
            let Some(vpc) = net.res(vpc_id).obj.vpc() else { continue };
            if let Val::Known(cidr) = &s.cidr_v4
                && let Some(blocks) = known_all(vpc.cidrs_v4.iter().map(|c| &c.cidr))
                && !blocks.iter().any(|b: &Ipv4Net| b.contains(cidr))
            {
                out.push(draft(
                    net.name(vpc_id),
                    &IpNet::V4(*cidr),
                    &blocks.iter().map(|b| IpNet::V4(*b)).collect::<Vec<_>>(),
                    id,
                    vpc_id,
                ));
            }
            if let Val::Known(cidr) = &s.cidr_v6
                && let Some(blocks) = known_all(vpc.cidrs_v6.iter().map(|c| &c.cidr))
                && !blocks.iter().any(|b: &Ipv6Net| b.contains(cidr))
            {
                out.push(draft(
                    net.name(vpc_id),
                    &IpNet::V6(*cidr),
                    &blocks.iter().map(|b| IpNet::V6(*b)).collect::<Vec<_>>(),
                    id,
                    vpc_id,
                ));
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

/// The known blocks, or None when any block is unknown (the subnet may fit the unknown one).
fn known_all<'a, N: Copy + 'a>(blocks: impl Iterator<Item = &'a Val<N>>) -> Option<Vec<N>> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Val::Known(n) => out.push(*n),
            Val::Unknown => return None,
            Val::Absent => {}
        }
    }
    Some(out)
}

fn draft(
    vpc_name: &str,
    cidr: &IpNet,
    blocks: &[IpNet],
    subnet: crate::model::ResId,
    vpc: crate::model::ResId,
) -> Draft {
    let listed = if blocks.is_empty() {
        "no block of that family".to_string()
    } else {
        blocks.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    Draft {
        message: format!("subnet cidr {cidr} is outside every cidr block of {vpc_name} ({listed})"),
        resources: vec![subnet, vpc],
        attribute: Some(if matches!(cidr, IpNet::V4(_)) { "cidr_block" } else { "ipv6_cidr_block" }),
        key: vec![cidr.to_string()],
        help: "choose a CIDR inside one of the VPC's blocks (cidrsubnet() of the VPC's cidr_block), or add a secondary block with aws_vpc_ipv4_cidr_block_association".into(),
        ..Draft::default()
    }
}
