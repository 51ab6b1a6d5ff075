//! VPCs and their CIDR blocks: `aws_vpc`, `aws_default_vpc`, `data.aws_vpc`, and the IPv4/IPv6
//! CIDR block associations folded into their VPC. Also the structural fallback for a `vpc_id`
//! set through a local (docs/semantics.md §11), and the regions VPCs pass on to what they contain.

use std::collections::{BTreeSet, HashMap};

use ipnet::Ipv4Net;

use super::{Fold, Lowerer, parse_v4, parse_v6};
use crate::catalog::{Role, types_of};
use crate::model::attrs::View;
use crate::model::network::{Link, Network, Provenance, ResId, Resource};
use crate::model::objects::*;
use crate::model::refs::Index;
use crate::model::{ModuleStep, Val};

/// The VPCs a `vpc_id` set through a local can fall back to (docs/semantics.md §11), indexed once:
/// scanning every resource for every subnet made lowering quadratic.
pub(super) struct VpcFallback<'a> {
    /// Present managed VPCs by module instance.
    by_module: HashMap<&'a [ModuleStep], Vec<ResId>>,
    /// Every present managed VPC with its primary IPv4 CIDR, when known.
    cidrs: Vec<(ResId, Option<Ipv4Net>)>,
}

impl<'a> VpcFallback<'a> {
    pub(super) fn new(ix: &'a Index<'_>) -> Self {
        let mut vpcs: Vec<ResId> = ix
            .by_local
            .values()
            .flatten()
            .copied()
            .filter(|t| {
                types_of(Role::Vpc).contains(&ix.types[t.index()].as_str())
                    && !ix.is_data[t.index()]
                    && ix.views[t.index()].is_some()
            })
            .collect();
        vpcs.sort();
        vpcs.dedup();
        let mut by_module: HashMap<&'a [ModuleStep], Vec<ResId>> = HashMap::new();
        for &t in &vpcs {
            by_module.entry(ix.modules[t.index()].as_slice()).or_default().push(t);
        }
        let cidrs = vpcs
            .iter()
            .map(|&t| (t, ix.views[t.index()].and_then(|v| v.str("cidr_block").into_known()).and_then(parse_v4)))
            .collect();
        VpcFallback { by_module, cidrs }
    }
}

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of the VPC families (`Family::Vpc`, `Family::VpcCidr`).
    pub(super) fn lower_vpc(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_vpc" | "aws_default_vpc", _) => {
                let mut vpc = Vpc {
                    // Only the data source says whether an existing VPC is the account's default.
                    is_default: r.rtype == "aws_default_vpc" || (data && v.bool("default") == Val::Known(true)),
                    defaults_known: r.rtype == "aws_vpc" && !data,
                    ..Vpc::default()
                };
                vpc.cidrs_v4.push(VpcCidr {
                    cidr: v.str("cidr_block").and_then(parse_v4),
                    source: res,
                    from_ipam: !v.str("ipv4_ipam_pool_id").is_absent(),
                });
                if let Val::Known(blocks) = v.blocks("cidr_block_associations") {
                    for b in blocks {
                        let c = b.str("cidr_block").and_then(parse_v4);
                        if c != vpc.cidrs_v4[0].cidr {
                            vpc.cidrs_v4.push(VpcCidr { cidr: c, source: res, from_ipam: false });
                        }
                    }
                }
                // `ipv6_cidr_block` is computed: unknown in a create plan even when the VPC gets no
                // IPv6 block. It exists only when asked for (Amazon-provided or from a pool).
                let wants_v6 = v.bool("assign_generated_ipv6_cidr_block") == Val::Known(true)
                    || self.linker.configured(res, "ipv6_cidr_block") == Some(true)
                    || self.linker.configured(res, "ipv6_ipam_pool_id") == Some(true)
                    || self.linker.configured(res, "assign_generated_ipv6_cidr_block").is_none();
                match v.str("ipv6_cidr_block").and_then(parse_v6) {
                    Val::Absent => {}
                    Val::Unknown if !wants_v6 => {}
                    c => vpc.cidrs_v6.push(VpcCidr { cidr: c, source: res, from_ipam: false }),
                }
                Object::Vpc(vpc)
            }
            ("aws_vpc_ipv4_cidr_block_association", _) => Object::CidrAssociation(CidrAssociation {
                vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
                cidr_v4: v.str("cidr_block").and_then(parse_v4),
                cidr_v6: Val::Absent,
                from_ipam: !v.str("ipv4_ipam_pool_id").is_absent(),
            }),
            ("aws_vpc_ipv6_cidr_block_association", _) => Object::CidrAssociation(CidrAssociation {
                vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
                cidr_v4: Val::Absent,
                cidr_v6: v.str("ipv6_cidr_block").and_then(parse_v6),
                from_ipam: !v.str("ipv6_ipam_pool_id").is_absent(),
            }),
            _ => Object::Other,
        }
    }

    /// `vpc_id` with the structural fallback of docs/semantics.md §11 for references through locals.
    pub(super) fn vpc_link(&mut self, res: ResId, _r: &Resource, cidr: Option<Ipv4Net>) -> Link {
        let v = self.view(res);
        let value = self.unset_if_unconfigured(res, "vpc_id", v.str("vpc_id"));
        let link = self.linker.link(res, value, self.linker.expr(res, "vpc_id"), types_of(Role::Vpc));
        let link = match link {
            Link::Unknown(why) => {
                self.infer_vpc_for(res, cidr).map_or(Link::Unknown(why), |t| Link::To(t, Provenance::Inferred))
            }
            other => other,
        };
        self.record(res, "vpc_id", &link);
        link
    }

    /// The module's only VPC, else the one VPC whose CIDR holds `cidr`.
    pub(super) fn infer_vpc_for(&self, res: ResId, cidr: Option<Ipv4Net>) -> Option<ResId> {
        let module = self.linker.index().modules[res.index()].as_slice();
        if let Some([only]) = self.vpcs.by_module.get(module).map(Vec::as_slice) {
            return Some(*only);
        }
        let cidr = cidr?;
        let mut holding = self.vpcs.cidrs.iter().filter(|(_, vc)| vc.is_some_and(|vc| vc.contains(&cidr)));
        match (holding.next(), holding.next()) {
            (Some((only, _)), None) => Some(*only),
            _ => None,
        }
    }
}

impl Fold<'_, '_> {
    pub(super) fn vpc_cidrs(&mut self) {
        let assocs = self.ids_where(|r| matches!(r.obj, Object::CidrAssociation(_)));
        for a in assocs {
            let Object::CidrAssociation(c) = &self.net.res(a).obj else {
                continue;
            };
            let (vpc, v4, v6, from_ipam) = (c.vpc.clone(), c.cidr_v4.clone(), c.cidr_v6.clone(), c.from_ipam);
            let Some(vpc) = self.present_target(&vpc) else {
                continue;
            };
            if let Object::Vpc(v) = &mut self.net.resources[vpc.index()].obj {
                if !v4.is_absent() {
                    v.cidrs_v4.push(VpcCidr { cidr: v4, source: a, from_ipam });
                }
                if !v6.is_absent() {
                    v.cidrs_v6.push(VpcCidr { cidr: v6, source: a, from_ipam });
                }
            }
        }
    }

    /// A VPC whose region neither its provider nor its ARN tells takes the region its subnets'
    /// availability zones name (when they agree); resources of the VPC without a region take
    /// the VPC's.
    pub(super) fn regions(&mut self) {
        let mut by_vpc: HashMap<ResId, BTreeSet<String>> = HashMap::new();
        for r in &self.net.resources {
            if let Object::Subnet(s) = &r.obj
                && let (Some(v), Val::Known(az)) = (s.vpc.res(), &s.az)
                && az.len() > 1
                && az.ends_with(|c: char| c.is_ascii_lowercase())
            {
                by_vpc.entry(v).or_default().insert(az[..az.len() - 1].to_string());
            }
        }
        for (vpc, regions) in by_vpc {
            if regions.len() == 1 && self.net.resources[vpc.index()].region.is_none() {
                self.net.resources[vpc.index()].region = regions.into_iter().next();
            }
        }
        let vpc_region = |net: &Network, link: &Link| link.res().and_then(|v| net.res(v).region.clone());
        let fills: Vec<(usize, String)> = self
            .net
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.region.is_none())
            .filter_map(|(i, r)| {
                let vpc = match &r.obj {
                    Object::RouteTable(t) => &t.vpc,
                    Object::Subnet(s) => &s.vpc,
                    Object::SecurityGroup(g) => &g.vpc,
                    Object::NetworkAcl(a) => &a.vpc,
                    Object::Endpoint(e) => &e.vpc,
                    _ => return None,
                };
                vpc_region(self.net, vpc).map(|region| (i, region))
            })
            .collect();
        for (i, region) in fills {
            self.net.resources[i].region = Some(region);
        }
    }
}
