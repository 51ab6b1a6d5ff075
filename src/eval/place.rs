//! Places: where a traced flow starts or ends. An ENI-bearing resource in one subnet (an
//! instance, network interface, load balancer node, Lambda ENI, database, workload, NAT gateway,
//! interface endpoint ENI), a subnet (a hypothetical ENI without a security group), the internet,
//! on-premises, or an AWS service.
//!
//! * An address unknown until apply may be any usable address of the subnet (the 5 reserved
//!   addresses excluded, docs/semantics.md §9): the verdict then quantifies over that choice.
//! * Public IPv4 (docs/semantics.md §4): `associate_public_ip_address`, else the subnet's
//!   `map_public_ip_on_launch`; an EIP; an internet-facing load balancer.
//! * Security groups: the resource's groups; instances, interfaces, databases, application and
//!   classic load balancers and interface endpoints launched without one get the VPC's default
//!   group (§2.2); an NLB without groups is judged only at its targets (§13).
//! * Source ports (§3.4): `.tfvpc.hcl` `client_ports` first, then what the resource type fixes
//!   (Windows hint, Lambda, load balancers, NAT), else Linux for instances, interfaces, workloads
//!   and subnets, and 1024-65535 for the internet and on-premises.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use super::Evaluator;
use super::addr::usable_addresses;
use super::flow::{AWS_PORTS, ClientPorts, LINUX_PORTS, UNKNOWN_CLIENT_PORTS};
use super::sets::IpSet;
use super::sg::{GroupKey, SgList};
use crate::model::{EndpointKind, LbType, Link, Links, Object, ResId, Val, Workload, WorkloadKind};

/// What a place is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaceKind {
    /// An EC2 instance.
    Instance,
    /// A standalone network interface.
    NetworkInterface,
    /// An application load balancer node.
    ApplicationLoadBalancer,
    /// A network load balancer node.
    NetworkLoadBalancer,
    /// A gateway load balancer node.
    GatewayLoadBalancer,
    /// A classic load balancer node.
    ClassicLoadBalancer,
    /// A Lambda function's ENI.
    Lambda,
    /// A database.
    Database,
    /// Another workload with ENIs (EKS, ECS, ASG…).
    Workload,
    /// A NAT gateway's ENI.
    NatGateway,
    /// An interface endpoint's ENI.
    InterfaceEndpoint,
    /// A subnet: a hypothetical ENI there, without a security group.
    Subnet,
    /// The internet.
    Internet,
    /// On-premises, behind a VPN.
    OnPremises,
    /// An AWS service, by name (`com.amazonaws.us-east-1.s3`).
    Service(String),
}

impl PlaceKind {
    /// True for places that are ENIs in a subnet.
    #[must_use]
    pub fn in_subnet(&self) -> bool {
        !matches!(self, PlaceKind::Internet | PlaceKind::OnPremises | PlaceKind::Service(_))
    }
}

/// Yes, no, or not known until apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tri {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Unknown (why).
    Unknown(String),
}

/// One concrete end of a flow.
#[derive(Debug, Clone)]
pub struct Place {
    /// What it is.
    pub kind: PlaceKind,
    /// The resource, when it is one.
    pub res: Option<ResId>,
    /// `aws_instance.web`, `aws_lb.web (aws_subnet.public[0])`, `internet`, `203.0.113.5`.
    pub name: String,
    /// The address used for `client_ports` patterns and messages (the resource address).
    pub address: String,
    /// Its subnet (for ENIs), `None` when unknown or not in a subnet.
    pub subnet: Option<ResId>,
    /// Its VPC.
    pub vpc: Option<ResId>,
    /// Its possible addresses (one of them is used).
    pub addrs: IpSet,
    /// Why the addresses are partly unknown (e.g. IPv6 block unknown until apply).
    pub addrs_note: Option<String>,
    pub(crate) sgs: SgList,
    /// Public IPv4 (or EIP) association.
    pub public_ip: Tri,
    /// The source ports it picks as a client.
    pub client: ClientPorts,
    /// Source/destination check (appliances forward only when it is off).
    pub source_dest_check: Val<bool>,
    /// For an NLB: whether targets see the client's address (instance targets, or
    /// `preserve_client_ip`).
    pub preserves_client_ip: Tri,
}

impl Place {
    /// What decides how packets from and to the place are walked, as text: two places with
    /// equal keys are walked alike (the same verdicts, hops and leaves, but for the places' own
    /// names and resource). The resource itself counts only where the walk reads it (load
    /// balancers, NAT gateways, interface endpoints).
    pub(crate) fn behaviour_key(&self) -> String {
        format!(
            "{:?}|{}|{:?}|{:?}|{}|{}|{:?}|{}-{}|{:?}|{:?}|{:?}",
            self.kind,
            // A subnet as an end (a resource) or an address beyond it (none).
            self.res.is_some(),
            self.subnet,
            self.sgs,
            // The ranges as integers: canonical like the CIDR list, without splitting into CIDRs.
            self.addrs.v4,
            self.addrs.v6,
            self.public_ip,
            self.client.from,
            self.client.to,
            self.source_dest_check,
            self.preserves_client_ip,
            self.res.filter(|_| matches!(
                self.kind,
                PlaceKind::ApplicationLoadBalancer
                    | PlaceKind::NetworkLoadBalancer
                    | PlaceKind::ClassicLoadBalancer
                    | PlaceKind::GatewayLoadBalancer
                    | PlaceKind::NatGateway
                    | PlaceKind::InterfaceEndpoint
            ))
        )
    }

    /// True when the place is the internet.
    #[must_use]
    pub fn is_internet(&self) -> bool {
        self.kind == PlaceKind::Internet
    }

    /// True for places outside every VPC (internet, on-premises, service).
    #[must_use]
    pub fn is_external(&self) -> bool {
        !self.kind.in_subnet()
    }
}

impl<'n> Evaluator<'n> {
    /// Client ports for a resource address: configuration, else `fixed`, else `default`.
    fn client_ports(&self, address: &str, fixed: Option<(u16, u16)>, default: ClientPorts) -> ClientPorts {
        if let Some(range) = self.settings.client_ports_for(address) {
            return ClientPorts::new(range, format!("client_ports in {}", self.config_name()));
        }
        match fixed {
            Some(range) if range == AWS_PORTS => {
                ClientPorts::new(range, "chosen by AWS for this resource type (1024-65535)")
            }
            Some(range) => ClientPorts::new(range, "Windows ephemeral range"),
            None => default,
        }
    }

    fn config_name(&self) -> String {
        self.settings.config_name.clone()
    }

    /// The possible addresses of an ENI in `subnet` with known IPs `ips`.
    fn eni_addrs(&self, subnet: Option<ResId>, ips: &Val<Vec<IpAddr>>) -> (IpSet, Option<String>) {
        let Some(s) = subnet.and_then(|s| self.subnet(s)) else {
            return (IpSet::empty(), Some("its subnet is not known until apply".into()));
        };
        let mut out = IpSet::empty();
        let mut note = None;
        let known: Vec<IpAddr> = ips.known().cloned().unwrap_or_default();
        let v4 = known.iter().find(|ip| ip.is_ipv4() && s.cidr.contains(**ip));
        let v6 = known.iter().find(|ip| ip.is_ipv6() && s.cidr.contains(**ip));
        for net in &s.nets {
            let chosen = match net {
                IpNet::V4(_) => v4,
                IpNet::V6(_) => v6,
            };
            out = out.union(&chosen.map_or_else(|| usable_addresses(net), |ip| IpSet::from_addr(*ip)));
        }
        if s.v6_unknown {
            note = Some("the subnet's IPv6 block is unknown until apply".to_string());
            if !s.nets.iter().any(|n| matches!(n, IpNet::V6(_))) && v6.is_none() {
                // An Amazon-assigned address in an Amazon-provided (or IPAM) block: some global
                // unicast address outside every other known VPC block (AWS never hands out a
                // block twice in one network). As a set of possible addresses, a verdict that
                // holds for all of them is decided; one that depends on which stays
                // indeterminate (docs/semantics.md §9).
                out = out.union(&self.unknown_v6_block());
            }
        }
        if s.v4_unknown {
            note = Some("the subnet's IPv4 block is unknown until apply".to_string());
        }
        (out, note)
    }

    /// Where an unknown IPv6 block of the network may lie: IPv6 global unicast (2000::/3) outside
    /// every known VPC block.
    fn unknown_v6_block(&self) -> IpSet {
        let global = "2000::/3".parse::<IpNet>().map(IpSet::from_net).unwrap_or_default();
        global.difference(&self.vpc_space)
    }

    fn sg_list(&self, links: &Links, vpc: Option<ResId>, kind: &PlaceKind) -> SgList {
        let default = || match vpc.and_then(|v| self.vpc(v)).and_then(|v| v.default_sg) {
            Some(g) => SgList::Groups(vec![GroupKey::Res(g)]),
            None => SgList::Unknown("the VPC's default security group is not known".into()),
        };
        let uses_default = matches!(
            kind,
            PlaceKind::Instance
                | PlaceKind::NetworkInterface
                | PlaceKind::Database
                | PlaceKind::ApplicationLoadBalancer
                | PlaceKind::ClassicLoadBalancer
                | PlaceKind::InterfaceEndpoint
        );
        match links {
            Val::Known(list) if list.is_empty() => {
                if uses_default {
                    default()
                } else if *kind == PlaceKind::NetworkLoadBalancer || *kind == PlaceKind::GatewayLoadBalancer {
                    SgList::NotApplicable
                } else {
                    SgList::Unknown("its security groups are not in the input".into())
                }
            }
            Val::Known(list) => {
                let mut keys = Vec::new();
                for l in list {
                    match l {
                        Link::To(g, _) if matches!(self.net.res(*g).obj, Object::SecurityGroup(_)) => {
                            keys.push(GroupKey::Res(*g))
                        }
                        Link::External(Some(id)) => keys.push(GroupKey::External(id.clone())),
                        Link::Missing(g) => {
                            return SgList::Unknown(format!(
                                "its security group {} is destroyed by this plan",
                                self.net.name(*g)
                            ));
                        }
                        _ => return SgList::Unknown("a security group of it is not known until apply".into()),
                    }
                }
                keys.sort();
                keys.dedup();
                SgList::Groups(keys)
            }
            Val::Absent if uses_default => default(),
            Val::Absent if *kind == PlaceKind::NetworkLoadBalancer => SgList::NotApplicable,
            _ => SgList::Unknown("its security groups are not known until apply".into()),
        }
    }

    fn public_ip_of(&self, res: ResId, w: &Workload, subnet: Option<ResId>) -> Tri {
        // Workloads whose type has no public-IP argument (EKS node groups, ASGs without one in
        // their launch template) get what their subnet maps on launch.
        let follows_subnet = w.kind == WorkloadKind::Generic
            && w.public_ip == Val::Known(false)
            && crate::catalog::managed(&self.net.res(res).rtype)
                .and_then(|t| t.workload.as_ref())
                .is_some_and(|spec| spec.public_ip.is_none());
        let public = if follows_subnet { Val::Absent } else { w.public_ip.clone() };
        match &public {
            Val::Known(true) => Tri::Yes,
            Val::Known(false) => Tri::No,
            Val::Unknown => Tri::Unknown("whether it gets a public IP is unknown until apply".into()),
            Val::Absent => match subnet.and_then(|s| self.subnet(s)).map(|s| &s.map_public_ip) {
                Some(Val::Known(true)) => Tri::Yes,
                Some(Val::Known(false)) => Tri::No,
                _ => Tri::Unknown("the subnet's map_public_ip_on_launch is unknown".into()),
            },
        }
    }

    /// The places of a resource: one per instance subnet (load balancers, Lambda, workloads),
    /// or one. `Err` says why the resource is not a place.
    pub fn places_of(&self, res: ResId) -> Result<Vec<Place>, String> {
        let r = self.net.res(res);
        let name = r.name.clone();
        match &r.obj {
            Object::Workload(w) => {
                let kind = match &w.kind {
                    WorkloadKind::Instance => PlaceKind::Instance,
                    WorkloadKind::NetworkInterface => PlaceKind::NetworkInterface,
                    WorkloadKind::LoadBalancer(LbType::Application) => PlaceKind::ApplicationLoadBalancer,
                    WorkloadKind::LoadBalancer(LbType::Network) => PlaceKind::NetworkLoadBalancer,
                    WorkloadKind::LoadBalancer(LbType::Gateway) => PlaceKind::GatewayLoadBalancer,
                    WorkloadKind::ClassicLoadBalancer => PlaceKind::ClassicLoadBalancer,
                    WorkloadKind::Lambda => PlaceKind::Lambda,
                    WorkloadKind::Database => PlaceKind::Database,
                    WorkloadKind::Generic => PlaceKind::Workload,
                };
                if !w.in_vpc {
                    return Err(format!("{name} is not in a VPC"));
                }
                let subnets: Vec<Option<ResId>> = match &w.subnets {
                    Val::Known(list) if !list.is_empty() => list.iter().map(Link::res).collect(),
                    _ => vec![None],
                };
                let multi = subnets.len() > 1;
                let default_ports =
                    ClientPorts::new(LINUX_PORTS, "Linux default, assumed; set client_ports in .tfvpc.hcl");
                let client = self.client_ports(&name, w.client_ports, default_ports);
                let mut out = Vec::new();
                for s in subnets {
                    let vpc = s.and_then(|s| self.subnet(s)).and_then(|s| s.vpc);
                    let (addrs, addrs_note) = self.eni_addrs(s, &w.private_ips);
                    let shown = match (multi, s) {
                        (true, Some(s)) => format!("{name} ({})", self.net.name(s)),
                        _ => name.clone(),
                    };
                    let preserves = match kind {
                        PlaceKind::NetworkLoadBalancer => self.nlb_preserves_client_ip(res),
                        _ => Tri::No,
                    };
                    out.push(Place {
                        sgs: self.sg_list(&w.security_groups, vpc, &kind),
                        kind: kind.clone(),
                        res: Some(res),
                        name: shown,
                        address: name.clone(),
                        subnet: s,
                        vpc,
                        addrs,
                        addrs_note,
                        public_ip: self.public_ip_of(res, w, s),
                        client: client.clone(),
                        source_dest_check: w.source_dest_check.clone(),
                        preserves_client_ip: preserves,
                    });
                }
                Ok(out)
            }
            Object::NatGateway(n) => {
                let s = n.subnet.res();
                let ips = match &n.private_ip {
                    Val::Known(ip) => Val::Known(vec![*ip]),
                    _ => Val::Unknown,
                };
                let (addrs, addrs_note) = self.eni_addrs(s, &ips);
                Ok(vec![Place {
                    kind: PlaceKind::NatGateway,
                    res: Some(res),
                    name: name.clone(),
                    address: name.clone(),
                    subnet: s,
                    vpc: s.and_then(|s| self.subnet(s)).and_then(|s| s.vpc),
                    addrs,
                    addrs_note,
                    sgs: SgList::NotApplicable,
                    public_ip: match n.public {
                        Val::Known(true) => Tri::Yes,
                        Val::Known(false) => Tri::No,
                        _ => Tri::Unknown("the NAT gateway's connectivity type is unknown".into()),
                    },
                    client: self.client_ports(&name, Some(AWS_PORTS), ClientPorts::new(AWS_PORTS, "NAT gateway")),
                    source_dest_check: Val::Known(true),
                    preserves_client_ip: Tri::No,
                }])
            }
            Object::Endpoint(e) if e.kind == Val::Known(EndpointKind::Interface) => {
                let subnets: Vec<Option<ResId>> = match &e.subnets {
                    Val::Known(list) if !list.is_empty() => list.iter().map(Link::res).collect(),
                    _ => vec![None],
                };
                let multi = subnets.len() > 1;
                let mut out = Vec::new();
                for s in subnets {
                    let vpc = s.and_then(|s| self.subnet(s)).and_then(|s| s.vpc).or(e.vpc.res());
                    let (addrs, addrs_note) = self.eni_addrs(s, &Val::Unknown);
                    out.push(Place {
                        kind: PlaceKind::InterfaceEndpoint,
                        res: Some(res),
                        name: match (multi, s) {
                            (true, Some(s)) => format!("{name} ({})", self.net.name(s)),
                            _ => name.clone(),
                        },
                        address: name.clone(),
                        subnet: s,
                        vpc,
                        addrs,
                        addrs_note,
                        sgs: self.sg_list(&e.security_groups, vpc, &PlaceKind::InterfaceEndpoint),
                        public_ip: Tri::No,
                        client: ClientPorts::new(AWS_PORTS, "interface endpoint"),
                        source_dest_check: Val::Known(true),
                        preserves_client_ip: Tri::No,
                    });
                }
                Ok(out)
            }
            Object::Subnet(_) => Ok(vec![self.subnet_place(res, None)]),
            Object::Endpoint(_) => Err(format!(
                "{name} is not an interface endpoint (gateway endpoints have no address; trace to its service name instead)"
            )),
            _ => Err(format!("{name} ({}) has no network interface to trace from or to", r.rtype)),
        }
    }

    /// A subnet as a place: a hypothetical ENI without a security group at `addr` (or any usable
    /// address of the subnet).
    #[must_use]
    pub fn subnet_place(&self, subnet: ResId, addr: Option<IpAddr>) -> Place {
        let name = self.net.name(subnet).to_string();
        let info = self.subnet(subnet);
        let (addrs, addrs_note) = match addr {
            Some(a) => (IpSet::from_addr(a), None),
            None => self.eni_addrs(Some(subnet), &Val::Absent),
        };
        let public_ip = match info.map(|s| &s.map_public_ip) {
            Some(Val::Known(true)) => Tri::Yes,
            Some(Val::Known(false)) => Tri::No,
            _ => Tri::Unknown("the subnet's map_public_ip_on_launch is unknown".into()),
        };
        Place {
            kind: PlaceKind::Subnet,
            res: Some(subnet),
            name: addr.map_or_else(|| name.clone(), |a| format!("{a} ({name})")),
            address: name.clone(),
            subnet: Some(subnet),
            vpc: info.and_then(|s| s.vpc),
            addrs,
            addrs_note,
            sgs: SgList::NotApplicable,
            public_ip,
            client: self.client_ports(
                &name,
                None,
                ClientPorts::new(LINUX_PORTS, "Linux default, assumed; set client_ports in .tfvpc.hcl"),
            ),
            source_dest_check: Val::Known(true),
            preserves_client_ip: Tri::No,
        }
    }

    /// An address inside a VPC of the input whose subnet is not in the input (it lives in
    /// another root): a hypothetical ENI without security groups; the walk goes as far as the
    /// input decides and stops "beyond the input" at the VPC's local delivery.
    #[must_use]
    pub fn beyond_input_place(&self, addr: IpAddr, vpc: ResId) -> Place {
        let vpc_name = self.net.name(vpc);
        Place {
            kind: PlaceKind::Subnet,
            res: None,
            name: format!("{addr} (in {vpc_name})"),
            address: addr.to_string(),
            subnet: None,
            vpc: Some(vpc),
            addrs: IpSet::from_addr(addr),
            addrs_note: None,
            sgs: SgList::NotApplicable,
            public_ip: Tri::No,
            client: self.client_ports(
                &addr.to_string(),
                None,
                ClientPorts::new(UNKNOWN_CLIENT_PORTS, "an address beyond the input"),
            ),
            source_dest_check: Val::Known(true),
            preserves_client_ip: Tri::No,
        }
    }

    /// The internet (every public address no route or VPC of the network claims), or one
    /// public address.
    #[must_use]
    pub fn internet_place(&self, addr: Option<IpAddr>) -> Place {
        let addrs = addr.map_or_else(|| self.internet.clone(), IpSet::from_addr);
        let name = addr.map_or_else(|| "internet".to_string(), |a| a.to_string());
        Place {
            kind: PlaceKind::Internet,
            res: None,
            address: "internet".into(),
            client: self.client_ports(
                "internet",
                None,
                ClientPorts::new(UNKNOWN_CLIENT_PORTS, "unknown internet client"),
            ),
            name,
            subnet: None,
            vpc: None,
            addrs,
            addrs_note: None,
            sgs: SgList::NotApplicable,
            public_ip: Tri::Yes,
            source_dest_check: Val::Known(true),
            preserves_client_ip: Tri::No,
        }
    }

    /// On-premises: one private address outside every VPC (or every such address).
    #[must_use]
    pub fn on_premises_place(&self, addr: Option<IpAddr>) -> Place {
        let addrs = addr.map_or_else(|| super::addr::private_space().difference(&self.vpc_space), IpSet::from_addr);
        let name = addr.map_or_else(|| "on-premises".to_string(), |a| format!("{a} (on-premises)"));
        Place {
            kind: PlaceKind::OnPremises,
            res: None,
            address: "on-premises".into(),
            client: self.client_ports(
                "on-premises",
                None,
                ClientPorts::new(UNKNOWN_CLIENT_PORTS, "unknown on-premises client"),
            ),
            name,
            subnet: None,
            vpc: None,
            addrs,
            addrs_note: None,
            sgs: SgList::NotApplicable,
            public_ip: Tri::No,
            source_dest_check: Val::Known(true),
            preserves_client_ip: Tri::No,
        }
    }

    /// An AWS service reached by its public name (its symbolic block).
    #[must_use]
    pub fn service_place(&self, service: &str) -> Place {
        Place {
            kind: PlaceKind::Service(service.to_string()),
            res: None,
            name: service.to_string(),
            address: service.to_string(),
            subnet: None,
            vpc: None,
            addrs: self.services.block(service),
            addrs_note: None,
            sgs: SgList::NotApplicable,
            public_ip: Tri::Yes,
            client: ClientPorts::new(AWS_PORTS, "AWS service"),
            source_dest_check: Val::Known(true),
            preserves_client_ip: Tri::No,
        }
    }

    fn nlb_preserves_client_ip(&self, lb: ResId) -> Tri {
        // Instance targets preserve the client IP; IP targets (TCP/TLS) do not unless
        // `preserve_client_ip`; UDP always does (§13). Decided from the target groups its
        // listeners forward to.
        let mut seen = false;
        let mut all_preserve = true;
        let mut any_unknown = false;
        for (_, r) in self.net.present() {
            let Object::Listener(l) = &r.obj else { continue };
            if l.lb.res() != Some(lb) {
                continue;
            }
            let Val::Known(tgs) = &l.target_groups else {
                any_unknown = true;
                continue;
            };
            for tg in tgs {
                let Some(Object::TargetGroup(g)) = tg.res().map(|t| &self.net.res(t).obj) else {
                    any_unknown = true;
                    continue;
                };
                seen = true;
                let preserve = match (&g.target_type, &g.preserve_client_ip, &g.protocol) {
                    (_, Val::Known(p), _) => Some(*p),
                    (Val::Known(t), _, _) if t == "instance" => Some(true),
                    (_, _, Val::Known(p)) if p.eq_ignore_ascii_case("udp") => Some(true),
                    (Val::Known(t), _, _) if t == "ip" => Some(false),
                    _ => None,
                };
                match preserve {
                    Some(true) => {}
                    Some(false) => all_preserve = false,
                    None => any_unknown = true,
                }
            }
        }
        if any_unknown || !seen {
            Tri::Unknown("whether the NLB preserves client addresses depends on target groups not in the input".into())
        } else if all_preserve {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}
