//! What AWS creates with a VPC or a transit gateway, and its adoption (docs/semantics.md §1.1, §2.2,
//! §3.2): each VPC's main route table (only the local route), default network ACL (rules 100 and
//! 101 allow everything) and default security group (admits itself, allows all egress), known
//! only for VPCs Terraform creates; a transit gateway's default route table.
//! `aws_default_route_table`, `aws_default_network_acl` and `aws_default_security_group` adopt
//! them and replace their content with the configuration's.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::Fold;
use crate::catalog::Family;
use crate::model::Val;
use crate::model::network::{Link, Origin, Provenance, ResId, Resource};
use crate::model::objects::*;

/// Objects of what AWS creates implicitly.
pub(super) fn implicit_object(r: &Resource) -> Object {
    let parent_link = Link::Absent;
    match r.rtype.as_str() {
        "aws_route_table" => Object::RouteTable(RouteTable {
            vpc: parent_link,
            kind: TableKind::ImplicitMain,
            routes: Val::Known(Vec::new()),
            ..RouteTable::default()
        }),
        "aws_network_acl" => {
            Object::NetworkAcl(NetworkAcl { vpc: parent_link, kind: AclKind::ImplicitDefault, ..NetworkAcl::default() })
        }
        "aws_security_group" => Object::SecurityGroup(SecurityGroup {
            vpc: parent_link,
            kind: GroupKind::ImplicitDefault,
            ..SecurityGroup::default()
        }),
        "aws_ec2_transit_gateway_route_table" => Object::TgwRouteTable(TgwRouteTable::default()),
        // A Network Firewall's endpoint: filled in by `Fold::firewall_endpoints`.
        "aws_vpc_endpoint" => Object::Endpoint(Endpoint {
            kind: Val::Known(EndpointKind::GatewayLoadBalancer),
            route_tables: Val::Known(Vec::new()),
            subnets: Val::Unknown,
            security_groups: Val::Known(Vec::new()),
            ..Endpoint::default()
        }),
        _ => Object::Other,
    }
}

impl Fold<'_, '_> {
    /// Implicit children get their VPC link and AWS's default contents (known only for VPCs
    /// Terraform creates).
    pub(super) fn implicit_defaults(&mut self) {
        let entries: Vec<((ResId, &'static str), ResId)> = self.implicit.iter().map(|(k, v)| (*k, *v)).collect();
        for ((parent, what), child) in entries {
            let parent_known = matches!(&self.net.res(parent).obj, Object::Vpc(v) if v.defaults_known);
            let ipv6 = matches!(&self.net.res(parent).obj, Object::Vpc(v) if !v.cidrs_v6.is_empty());
            let obj = &mut self.net.resources[child.index()].obj;
            match (what, obj) {
                ("main_route_table", Object::RouteTable(t)) => {
                    t.vpc = Link::To(parent, Provenance::Inferred);
                    if !parent_known {
                        t.routes = Val::Unknown;
                    }
                }
                ("default_network_acl", Object::NetworkAcl(a)) => {
                    a.vpc = Link::To(parent, Provenance::Inferred);
                    if parent_known {
                        // Rules 100 (and 101 for IPv6): allow all, both ways (docs/semantics.md §3.2).
                        let mut rules = vec![allow_all_rule(child, 100, "0.0.0.0/0")];
                        if ipv6 {
                            rules.push(allow_all_rule(child, 101, "::/0"));
                        }
                        a.ingress = Val::Known(rules.clone());
                        a.egress = Val::Known(rules);
                    } else {
                        a.ingress = Val::Unknown;
                        a.egress = Val::Unknown;
                    }
                }
                ("default_security_group", Object::SecurityGroup(g)) => {
                    g.vpc = Link::To(parent, Provenance::Inferred);
                    if parent_known {
                        let all = |peer| SgRule {
                            source: child,
                            protocol: Val::Known("-1".into()),
                            from_port: Val::Known(0),
                            to_port: Val::Known(0),
                            peer,
                        };
                        g.ingress = Val::Known(vec![all(SgPeer::SelfGroup)]);
                        let mut egress = vec![all(SgPeer::Cidr(Val::Known(IpNet::V4(Ipv4Net::default()))))];
                        if ipv6 {
                            egress.push(all(SgPeer::Cidr(Val::Known(IpNet::V6(Ipv6Net::default())))));
                        }
                        g.egress = Val::Known(egress);
                    } else {
                        g.ingress = Val::Unknown;
                        g.egress = Val::Unknown;
                    }
                }
                ("default_route_table", Object::TgwRouteTable(t)) => t.tgw = Link::To(parent, Provenance::Inferred),
                _ => {}
            }
        }
        for (i, r) in self.net.resources.iter_mut().enumerate() {
            if let Object::Vpc(v) = &mut r.obj {
                let id = ResId(i as u32);
                v.main_route_table = self.implicit.get(&(id, "main_route_table")).copied();
                v.default_nacl = self.implicit.get(&(id, "default_network_acl")).copied();
                v.default_sg = self.implicit.get(&(id, "default_security_group")).copied();
            }
        }
    }

    /// `aws_default_route_table`, `aws_default_network_acl` and `aws_default_security_group`
    /// replace what the VPC had with what the configuration says.
    pub(super) fn adoption(&mut self) {
        for id in self.ids_where(|r| matches!(r.origin, Origin::Managed(_))) {
            let (adopts, vpc) = match &self.net.res(id).obj {
                Object::RouteTable(t) if t.kind == TableKind::AdoptedMain => (t.adopts, t.vpc.clone()),
                Object::NetworkAcl(a) if a.kind == AclKind::AdoptedDefault => (a.adopts, a.vpc.clone()),
                Object::SecurityGroup(g) if g.kind == GroupKind::AdoptedDefault => (g.adopts, g.vpc.clone()),
                _ => continue,
            };
            // The adopted implicit object, found by id link or through the VPC.
            let what = match self.net.res(id).family {
                Family::RouteTable => "main_route_table",
                Family::NetworkAcl => "default_network_acl",
                _ => "default_security_group",
            };
            let implicit = adopts.or_else(|| vpc.res().and_then(|v| self.implicit.get(&(v, what)).copied()));
            let Some(implicit) = implicit else { continue };
            let parent_vpc = match &self.net.res(implicit).obj {
                Object::RouteTable(t) => t.vpc.res(),
                Object::NetworkAcl(a) => a.vpc.res(),
                Object::SecurityGroup(g) => g.vpc.res(),
                _ => None,
            };
            let implicit_name = self.net.resources[implicit.index()].name.clone();
            match &mut self.net.resources[implicit.index()].obj {
                Object::RouteTable(t) => {
                    if t.adopted_by.is_some() {
                        self.net
                            .warnings
                            .push(format!("{implicit_name} is adopted by more than one aws_default_route_table"));
                    }
                    t.adopted_by = Some(id);
                }
                Object::NetworkAcl(a) => a.adopted_by = Some(id),
                Object::SecurityGroup(g) => g.adopted_by = Some(id),
                _ => {}
            }
            match &mut self.net.resources[id.index()].obj {
                Object::RouteTable(t) => {
                    t.adopts = Some(implicit);
                    if t.vpc.res().is_none()
                        && let Some(p) = parent_vpc
                    {
                        t.vpc = Link::To(p, Provenance::Inferred);
                    }
                }
                Object::NetworkAcl(a) => {
                    a.adopts = Some(implicit);
                    if a.vpc.res().is_none()
                        && let Some(p) = parent_vpc
                    {
                        a.vpc = Link::To(p, Provenance::Inferred);
                    }
                }
                Object::SecurityGroup(g) => g.adopts = Some(implicit),
                _ => {}
            }
            if let Some(p) = parent_vpc
                && let Object::Vpc(v) = &mut self.net.resources[p.index()].obj
            {
                match what {
                    "main_route_table" => v.main_route_table = Some(id),
                    "default_network_acl" => v.default_nacl = Some(id),
                    _ => v.default_sg = Some(id),
                }
            }
        }
    }
}

fn allow_all_rule(source: ResId, number: i64, cidr: &str) -> NaclRule {
    NaclRule {
        source,
        number: Val::Known(number),
        allow: Val::Known(true),
        protocol: Val::Known("-1".into()),
        from_port: Val::Known(0),
        to_port: Val::Known(0),
        icmp_type: Val::Absent,
        icmp_code: Val::Absent,
        cidr: cidr.parse().map_or(Val::Unknown, Val::Known),
    }
}
