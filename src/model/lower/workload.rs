//! Workloads: what puts ENIs with security groups into subnets. Instances, network interfaces
//! (and their security group and instance attachments), Lambda functions, databases, the
//! generic workloads the catalog describes (`WorkloadSpec`), and their placements (subnet
//! groups, launch templates and configurations), which are folded into the workloads that use
//! them. Load balancers are in `load_balancer.rs`.

use std::net::IpAddr;

use super::{Fold, Lowerer};
use crate::catalog::{self, TypeInfo};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{Link, Links, Network, ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::NetworkInterface`, `Family::Workload` or
    /// `Family::Placement`, and of `Family::Other` (an AWS type the catalog does not list is
    /// still read as a placement when its name ends in `_subnet_group`).
    pub(super) fn lower_workload(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_network_interface", _) => {
                let subnet = self.one(res, "subnet_id", types_of(Role::Subnet));
                let sgs = self.many(res, "security_groups", types_of(Role::SecurityGroup));
                let attached = match v.blocks("attachment") {
                    Val::Known(b) => b.first().map_or(Link::Absent, |a| {
                        let l = self.linker.link(res, a.str("instance"), None, types_of(Role::Instance));
                        self.record(res, "attachment.instance", &l);
                        l
                    }),
                    _ => Link::Absent,
                };
                Object::Workload(Workload {
                    kind: WorkloadKind::NetworkInterface,
                    subnets: Val::Known(vec![subnet]),
                    security_groups: sgs,
                    public_ip: Val::Known(false),
                    private_ips: private_ips(v, Some("private_ips")),
                    source_dest_check: v.bool("source_dest_check").or_default_known(true),
                    attached_to: attached,
                    in_vpc: true,
                    ..Workload::default()
                })
            }
            ("aws_network_interface_sg_attachment", false) => Object::EniSgAttachment(EndpointAssociation {
                endpoint: self.one(res, "network_interface_id", types_of(Role::Eni)),
                other: self.one(res, "security_group_id", types_of(Role::SecurityGroup)),
            }),
            ("aws_network_interface_attachment", false) => Object::EipAssociation(EipAssociation {
                eip: Link::Absent,
                instance: self.one(res, "instance_id", types_of(Role::Instance)),
                eni: self.one(res, "network_interface_id", types_of(Role::NetworkInterface)),
            }),
            ("aws_instance", _) => self.instance(res, v, data),
            ("aws_lb" | "aws_alb", false) => self.load_balancer(res, v),
            ("aws_elb", false) => self.classic_load_balancer(res, v),
            ("aws_lambda_function", false) => {
                let subnets = self.many(res, "vpc_config.subnet_ids", types_of(Role::Subnet));
                let in_vpc = !subnets.is_absent() && subnets.known().is_none_or(|s| !s.is_empty());
                Object::Workload(Workload {
                    kind: WorkloadKind::Lambda,
                    subnets,
                    security_groups: self.many(res, "vpc_config.security_group_ids", types_of(Role::SecurityGroup)),
                    public_ip: Val::Known(false),
                    client_ports: Some((1024, 65535)),
                    in_vpc,
                    ..Workload::default()
                })
            }
            ("aws_db_instance" | "aws_rds_cluster", false) => {
                let group = self.by_name(res, "db_subnet_group_name", "aws_db_subnet_group");
                // A cluster has no `publicly_accessible` (its instances do).
                let publicly_accessible = if r.rtype == "aws_db_instance" {
                    v.bool("publicly_accessible").or_default_known(false)
                } else {
                    Val::Known(false)
                };
                Object::Workload(Workload {
                    kind: WorkloadKind::Database,
                    subnets: match group {
                        Link::Absent => Val::Unknown,
                        g => Val::Known(vec![g]),
                    },
                    security_groups: self.many(res, "vpc_security_group_ids", types_of(Role::SecurityGroup)),
                    public_ip: publicly_accessible.clone(),
                    publicly_accessible,
                    port: v.int("port"),
                    in_vpc: true,
                    ..Workload::default()
                })
            }
            ("aws_launch_template", false) => {
                let mut sgs = self.many(res, "vpc_security_group_ids", types_of(Role::SecurityGroup));
                let nic_sgs = self.many(res, "network_interfaces.security_groups", types_of(Role::SecurityGroup));
                if let (Val::Known(a), Val::Known(b)) = (&mut sgs, &nic_sgs) {
                    a.extend(b.iter().cloned());
                } else if sgs.is_absent() {
                    sgs = nic_sgs;
                }
                let nics = v.blocks("network_interfaces").into_known().unwrap_or_default();
                let public = nics.first().map_or(Val::Absent, |n| n.bool("associate_public_ip_address"));
                // The network interface's subnet: where an instance launched from the template
                // without a subnet of its own goes.
                let subnets = self.many(res, "network_interfaces.subnet_id", types_of(Role::Subnet));
                Object::Placement(Placement {
                    subnets,
                    security_groups: sgs,
                    public_ip: public,
                    name: v.string("name"),
                })
            }
            ("aws_launch_configuration", false) => Object::Placement(Placement {
                subnets: Val::Absent,
                security_groups: self.many(res, "security_groups", types_of(Role::SecurityGroup)),
                public_ip: v.bool("associate_public_ip_address"),
                name: v.string("name"),
            }),
            (t, false) if t.ends_with("_subnet_group") => Object::Placement(Placement {
                subnets: self.many(res, "subnet_ids", types_of(Role::Subnet)),
                security_groups: Val::Absent,
                public_ip: Val::Absent,
                name: v.string("name"),
            }),
            (t, false) => match catalog::managed(t) {
                Some(TypeInfo { workload: Some(spec), .. }) => {
                    let mut obj = self.generic_workload(res, v, spec);
                    if let Object::Workload(w) = &mut obj {
                        w.target_groups = self.registered_target_groups(res, t, v);
                    }
                    obj
                }
                _ => Object::Other,
            },
            (_, true) => Object::Other,
        }
    }

    pub(super) fn generic_workload(&mut self, res: ResId, v: View<'d>, spec: &catalog::WorkloadSpec) -> Object {
        let mut subnets: Links = Val::Absent;
        for path in spec.subnets {
            let l = self.many(res, path, types_of(Role::Subnet));
            subnets = merge_links(subnets, l);
        }
        if let Some((attr, group_type)) = spec.subnet_group {
            let g = self.by_name(res, attr, group_type);
            if g != Link::Absent {
                subnets = merge_links(subnets, Val::Known(vec![g]));
            }
        }
        let mut sgs: Links = Val::Absent;
        for path in spec.security_groups {
            let l = self.many(res, path, types_of(Role::SecurityGroup));
            sgs = merge_links(sgs, l);
        }
        if let Some(path) = spec.launch_template {
            let (block, attr) = path.split_once('.').unwrap_or((path, "id"));
            let blocks = v.blocks(block).into_known().unwrap_or_default();
            if let Some(b) = blocks.first() {
                let value_attr = if b.str(attr).is_absent() { "name" } else { attr };
                let link = self.nested_as(res, block, *b, value_attr, attr, types_of(Role::LaunchTemplate), path);
                if link != Link::Absent {
                    sgs = merge_links(sgs, Val::Known(vec![link]));
                }
            }
        }
        if spec.security_groups.is_empty() && spec.launch_template.is_none() {
            // The group is chosen by AWS (EKS node groups without a launch template).
            sgs = Val::Unknown;
        }
        let public_ip = match spec.public_ip {
            Some(path) => v.path_bool(path).or_default_known(false),
            None => Val::Known(false),
        };
        let in_vpc = !subnets.is_absent();
        Object::Workload(Workload {
            kind: WorkloadKind::Generic,
            subnets,
            security_groups: sgs,
            public_ip,
            client_ports: spec.client_ports,
            in_vpc,
            ..Workload::default()
        })
    }

    pub(super) fn instance(&mut self, res: ResId, v: View<'d>, data: bool) -> Object {
        let mut subnets = match self.one(res, "subnet_id", types_of(Role::Subnet)) {
            Link::Absent => Val::Absent,
            l => Val::Known(vec![l]),
        };
        let mut sgs = self.many(res, "vpc_security_group_ids", types_of(Role::SecurityGroup));
        // `network_interface` blocks attach existing ENIs; device 0 decides subnet and groups
        // (folded from the ENI later).
        if let Val::Known(nics) = v.blocks("network_interface") {
            for nic in nics {
                let link = self.nested(
                    res,
                    "network_interface",
                    nic,
                    "network_interface_id",
                    types_of(Role::NetworkInterface),
                    "network_interface.network_interface_id",
                );
                if nic.int("device_index") == Val::Known(0) || nic.int("device_index").is_absent() {
                    subnets = Val::Known(vec![link.clone()]);
                    if sgs.known().is_none_or(Vec::is_empty) {
                        sgs = Val::Known(vec![link]);
                    }
                }
            }
        }
        let public_ip = if data {
            v.str("public_ip").map(|_| true).or_default_known(false)
        } else {
            match v.bool("associate_public_ip_address") {
                Val::Known(b) => Val::Known(b),
                // Unset: AWS follows the subnet's `map_public_ip_on_launch`; the plan shows it as
                // unknown. Only an explicit expression that is itself unknown stays unknown.
                Val::Unknown if self.linker.configured(res, "associate_public_ip_address") != Some(true) => Val::Absent,
                Val::Unknown => Val::Unknown,
                Val::Absent => match v.str("public_ip") {
                    Val::Known(_) => Val::Known(true),
                    _ => Val::Absent,
                },
            }
        };
        let (subnets, sgs, public_ip) =
            if data { (subnets, sgs, public_ip) } else { self.instance_template(res, v, subnets, sgs, public_ip) };
        let windows = v.bool("get_password_data") == Val::Known(true);
        Object::Workload(Workload {
            kind: WorkloadKind::Instance,
            subnets,
            security_groups: sgs,
            public_ip,
            private_ips: private_ips(v, None),
            source_dest_check: if data { Val::Unknown } else { v.bool("source_dest_check").or_default_known(true) },
            client_ports: windows.then_some((49152, 65535)),
            in_vpc: true,
            ..Workload::default()
        })
    }
}

impl<'d> Lowerer<'_, '_, 'd> {
    /// An instance launched from a launch template (`launch_template { id = … }`) takes what
    /// it does not set itself from the template: its subnet and security groups (the instance's
    /// own, when it sets them, win) and the template's
    /// `network_interfaces.associate_public_ip_address`. A template this input does not hold, or
    /// one whose address setting the instance's own groups hide from the fold, leaves the public
    /// address unknown, never the subnet's default.
    fn instance_template(
        &mut self,
        res: ResId,
        v: View<'d>,
        subnets: Links,
        sgs: Links,
        public_ip: Val<bool>,
    ) -> (Links, Links, Val<bool>) {
        let blocks = v.blocks("launch_template").into_known().unwrap_or_default();
        let Some(b) = blocks.first() else { return (subnets, sgs, public_ip) };
        let attr = if b.str("id").is_absent() { "name" } else { "id" };
        let path = if attr == "id" { "launch_template.id" } else { "launch_template.name" };
        let link = self.nested(res, "launch_template", *b, attr, types_of(Role::LaunchTemplate), path);
        if link == Link::Absent {
            return (subnets, sgs, public_ip);
        }
        let own_subnet = match &subnets {
            Val::Unknown => self.linker.configured(res, "subnet_id") == Some(true),
            _ => !subnets.is_absent(),
        };
        let subnets = match (own_subnet, link.res()) {
            (true, _) => subnets,
            (false, Some(_)) => Val::Known(vec![link.clone()]),
            (false, None) => Val::Unknown,
        };
        let own_groups = match &sgs {
            Val::Known(l) => !l.is_empty(),
            Val::Unknown => self.linker.configured(res, "vpc_security_group_ids") == Some(true),
            Val::Absent => false,
        };
        match (link.res(), own_groups) {
            // The fold expands the template into its groups and its public-address setting.
            (Some(_), false) => (subnets, Val::Known(vec![link]), public_ip),
            (_, true) if public_ip.is_absent() => (subnets, sgs, Val::Unknown),
            (_, true) => (subnets, sgs, public_ip),
            (None, false) => (subnets, Val::Unknown, if public_ip.is_absent() { Val::Unknown } else { public_ip }),
        }
    }
}

/// The private IPs of an instance or ENI: `private_ip`, plus the `list` attribute (an ENI's
/// `private_ips`; an instance has none).
fn private_ips(v: View<'_>, list: Option<&str>) -> Val<Vec<IpAddr>> {
    let mut out: Vec<IpAddr> = Vec::new();
    let mut unknown = false;
    match v.str("private_ip") {
        Val::Known(ip) => out.extend(ip.parse::<IpAddr>().ok()),
        Val::Unknown => unknown = true,
        Val::Absent => {}
    }
    if let Some(attr) = list
        && let Val::Known(list) = v.str_list(attr)
    {
        for ip in list.into_iter().filter_map(|i| i.into_known()) {
            if let Ok(ip) = ip.parse::<IpAddr>()
                && !out.contains(&ip)
            {
                out.push(ip);
            }
        }
    }
    if out.is_empty() && unknown {
        Val::Unknown
    } else if out.is_empty() {
        Val::Absent
    } else {
        Val::Known(out)
    }
}

fn merge_links(a: Links, b: Links) -> Links {
    match (a, b) {
        (Val::Absent, x) | (x, Val::Absent) => x,
        (Val::Unknown, _) | (_, Val::Unknown) => Val::Unknown,
        (Val::Known(mut x), Val::Known(y)) => {
            x.extend(y);
            Val::Known(x)
        }
    }
}

impl Fold<'_, '_> {
    /// `aws_network_interface_sg_attachment` adds a group to its ENI.
    pub(super) fn eni_sg_attachments(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::EniSgAttachment(_))) {
            let Object::EniSgAttachment(a) = &self.net.res(id).obj else {
                continue;
            };
            let (eni, sg) = (a.endpoint.clone(), a.other.clone());
            let Some(eni) = self.present_target(&eni) else {
                continue;
            };
            if let Object::Workload(w) = &mut self.net.resources[eni.index()].obj
                && let Val::Known(v) = &mut w.security_groups
            {
                v.push(sg);
            }
        }
    }

    /// Subnet groups and launch templates, and instances built on existing ENIs.
    pub(super) fn placements(&mut self) {
        let workloads = self.ids_where(|r| matches!(r.obj, Object::Workload(_)));
        for id in workloads {
            let Object::Workload(w) = &self.net.res(id).obj else {
                continue;
            };
            let subnets = expand(self.net, &w.subnets, |o| match o {
                Object::Placement(p) => Some(p.subnets.clone()),
                Object::Workload(e) if e.kind == WorkloadKind::NetworkInterface => Some(e.subnets.clone()),
                _ => None,
            });
            let sgs = expand(self.net, &w.security_groups, |o| match o {
                Object::Placement(p) => Some(p.security_groups.clone()),
                Object::Workload(e) if e.kind == WorkloadKind::NetworkInterface => Some(e.security_groups.clone()),
                _ => None,
            });
            let template_public = match &w.security_groups {
                Val::Known(v) => v.iter().filter_map(|l| l.res()).find_map(|t| match &self.net.res(t).obj {
                    Object::Placement(p) if !p.public_ip.is_absent() => Some(p.public_ip.clone()),
                    _ => None,
                }),
                _ => None,
            };
            if let Object::Workload(w) = &mut self.net.resources[id.index()].obj {
                // An instance is always in one subnet: a template that names none leaves it
                // unknown (the default VPC's subnet in the AZ AWS picks), not in none.
                let subnets = match subnets {
                    Val::Known(l) if l.is_empty() && w.kind == WorkloadKind::Instance && !w.subnets.is_absent() => {
                        Val::Unknown
                    }
                    other => other,
                };
                w.subnets = subnets;
                w.security_groups = sgs;
                if let Some(p) = template_public
                    && w.public_ip != Val::Known(true)
                {
                    w.public_ip = p;
                }
            }
        }
    }
}

/// Replaces links to placements (subnet groups, launch templates) and ENIs by what they hold.
fn expand(net: &Network, links: &Links, inner: impl Fn(&Object) -> Option<Links>) -> Links {
    let Val::Known(list) = links else {
        return links.clone();
    };
    let mut out: Vec<Link> = Vec::new();
    for l in list {
        match l.res().and_then(|t| inner(&net.res(t).obj)) {
            Some(Val::Known(v)) => out.extend(v),
            Some(Val::Unknown) => return Val::Unknown,
            Some(Val::Absent) => {}
            None => out.push(l.clone()),
        }
    }
    Val::Known(out)
}
