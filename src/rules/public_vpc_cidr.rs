//! `public-vpc-cidr`: a VPC CIDR block in public address space (not RFC 1918 private space and
//! not RFC 6598 shared space). AWS accepts it, but every route to those addresses now stays in
//! the VPC: the real internet hosts that own them become unreachable (docs/semantics.md §9;
//! <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>). Blocks from an IPAM
//! pool (typically your own BYOIP range) are not reported.

use ipnet::Ipv4Net;

use super::{Context, Draft, Rule};
use crate::model::{Object, Val};

declare_rule! {
    pub struct PublicVpcCidr {
        id: "public-vpc-cidr",
        category: Addressing,
        default_severity: Warning,
        summary: "a VPC uses public address space instead of RFC 1918 or RFC 6598 ranges",
    }
}

const PRIVATE: [&str; 4] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

impl Rule for PublicVpcCidr {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        let private: Vec<Ipv4Net> = PRIVATE.iter().filter_map(|c| c.parse().ok()).collect();
        for (vpc, r) in net.present() {
            let Object::Vpc(v) = &r.obj else { continue };
            if r.is_data() || v.is_default {
                continue;
            }
            for c in &v.cidrs_v4 {
                let Val::Known(cidr) = c.cidr else { continue };
                if private.iter().any(|p| p.contains(&cidr)) || c.from_ipam {
                    continue;
                }
                let source = c.source;
                let mut resources = vec![vpc];
                if source != vpc {
                    resources.push(source);
                }
                out.push(Draft {
                    message: format!(
                        "{} uses {cidr}, which is public address space: traffic from the VPC to the real owners of {cidr} on the internet stays inside the VPC",
                        net.name(vpc)
                    ),
                    resources,
                    attribute: Some("cidr_block"),
                    key: vec![cidr.to_string()],
                    help: "number VPCs from RFC 1918 space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or 100.64.0.0/10; use public space only for ranges you own (BYOIP through IPAM)".into(),
                    ..Draft::default()
                });
            }
        }
    }
}
