//! `subnet-cidr-outside-vpc`: a subnet whose CIDR lies in none of its VPC's CIDR blocks (primary
//! or associated secondary). AWS rejects it at apply (SEMANTICS §9,
//! <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>).

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::{Context, Draft, Rule};
use crate::model::{Object, Val};

/// The rule.
pub struct SubnetCidrOutsideVpc;

impl Rule for SubnetCidrOutsideVpc {
    fn name(&self) -> &'static str {
        "subnet-cidr-outside-vpc"
    }

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
