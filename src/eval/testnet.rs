//! Test helper: builds small [`Network`]s by hand (what `lower` would produce), for unit and
//! property tests of the evaluator.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net};

use crate::catalog::Family;
use crate::model::*;
use crate::model::{Action, DocKind};

pub(crate) struct NetBuilder {
    pub net: Network,
}

pub(crate) fn known<T>(v: T) -> Val<T> {
    Val::Known(v)
}

pub(crate) fn to(r: ResId) -> Link {
    Link::To(r, Provenance::Reference)
}

impl NetBuilder {
    pub(crate) fn new() -> Self {
        Self {
            net: Network {
                input: "test".into(),
                kind: DocKind::Plan,
                resources: Vec::new(),
                links: Vec::new(),
                warnings: Vec::new(),
                not_modelled: BTreeMap::new(),
                other_providers: BTreeMap::new(),
                by_name: HashMap::new(),
            },
        }
    }

    pub(crate) fn add(&mut self, name: &str, family: Family, origin: Origin, obj: Object) -> ResId {
        let base = name.split(':').next().unwrap_or(name);
        let addr = ResourceAddr::parse(base).unwrap_or_else(|_| panic!("bad address {name}"));
        let rtype = addr.rtype().to_string();
        let id = ResId(self.net.resources.len() as u32);
        self.net.resources.push(Resource {
            addr,
            name: name.to_string(),
            rtype,
            family,
            origin,
            id: Val::Unknown,
            before_id: None,
            region: Some("us-east-1".into()),
            obj,
        });
        self.net.by_name.insert(name.to_string(), id);
        id
    }

    fn obj_mut(&mut self, id: ResId) -> &mut Object {
        &mut self.net.resources[id.index()].obj
    }

    pub(crate) fn vpc(&mut self, name: &str, cidr: &str) -> ResId {
        let net: Ipv4Net = cidr.parse().unwrap();
        let id = self.add(name, Family::Vpc, Origin::Managed(Action::Create), Object::Other);
        let main = self.add(
            &format!("{name}:main_route_table"),
            Family::RouteTable,
            Origin::Implicit,
            Object::RouteTable(RouteTable {
                vpc: to(id),
                kind: TableKind::ImplicitMain,
                routes: known(vec![]),
                ..RouteTable::default()
            }),
        );
        let acl = self.add(&format!("{name}:default_network_acl"), Family::NetworkAcl, Origin::Implicit, Object::Other);
        let all = |n: i64| NaclRule {
            source: acl,
            number: known(n),
            allow: known(true),
            protocol: known("-1".into()),
            from_port: known(0),
            to_port: known(0),
            icmp_type: Val::Absent,
            icmp_code: Val::Absent,
            cidr: known("0.0.0.0/0".parse().unwrap()),
        };
        *self.obj_mut(acl) = Object::NetworkAcl(NetworkAcl {
            vpc: to(id),
            kind: AclKind::ImplicitDefault,
            ingress: known(vec![all(100)]),
            egress: known(vec![all(100)]),
            ..NetworkAcl::default()
        });
        let sg =
            self.add(&format!("{name}:default_security_group"), Family::SecurityGroup, Origin::Implicit, Object::Other);
        *self.obj_mut(sg) = Object::SecurityGroup(SecurityGroup {
            vpc: to(id),
            kind: GroupKind::ImplicitDefault,
            ingress: known(vec![sg_rule(sg, "-1", 0, 0, SgPeer::SelfGroup)]),
            egress: known(vec![sg_rule(sg, "-1", 0, 0, SgPeer::Cidr(known("0.0.0.0/0".parse().unwrap())))]),
            ..SecurityGroup::default()
        });
        *self.obj_mut(id) = Object::Vpc(Vpc {
            cidrs_v4: vec![VpcCidr { cidr: known(net), source: id, from_ipam: false }],
            cidrs_v6: vec![],
            is_default: false,
            main_route_table: Some(main),
            default_nacl: Some(acl),
            default_sg: Some(sg),
            defaults_known: true,
        });
        id
    }

    pub(crate) fn vpc_parts(&self, vpc: ResId) -> (ResId, ResId, ResId) {
        match &self.net.res(vpc).obj {
            Object::Vpc(v) => (v.main_route_table.unwrap(), v.default_nacl.unwrap(), v.default_sg.unwrap()),
            _ => panic!("not a vpc"),
        }
    }

    pub(crate) fn subnet(&mut self, name: &str, vpc: ResId, cidr: &str, az: &str, map_public: bool) -> ResId {
        let (main, acl, _) = self.vpc_parts(vpc);
        self.add(
            name,
            Family::Subnet,
            Origin::Managed(Action::Create),
            Object::Subnet(Subnet {
                vpc: to(vpc),
                cidr_v4: known(cidr.parse().unwrap()),
                cidr_v6: Val::Absent,
                az: known(az.to_string()),
                az_id: Val::Unknown,
                map_public_ip: known(map_public),
                is_default: false,
                route_table: Link::To(main, Provenance::Inferred),
                route_table_association: None,
                nacl: Link::To(acl, Provenance::Inferred),
            }),
        )
    }

    pub(crate) fn table(&mut self, name: &str, vpc: ResId) -> ResId {
        self.add(
            name,
            Family::RouteTable,
            Origin::Managed(Action::Create),
            Object::RouteTable(RouteTable {
                vpc: to(vpc),
                routes: known(vec![]),
                inline_routes: true,
                ..RouteTable::default()
            }),
        )
    }

    pub(crate) fn route(&mut self, table: ResId, dest: &str, kind: TargetKind, target: Link) {
        let dest = match dest.parse::<IpNet>().unwrap() {
            IpNet::V4(n) => Destination::V4(known(n)),
            IpNet::V6(n) => Destination::V6(known(n)),
        };
        if let Object::RouteTable(t) = self.obj_mut(table)
            && let Val::Known(routes) = &mut t.routes
        {
            let index = routes.len();
            routes.push(Route {
                source: table,
                inline_index: Some(index),
                dest,
                target_kind: kind,
                target,
                state_blackhole: false,
                target_id: None,
                nat_in_gateway_id: false,
            });
        }
    }

    pub(crate) fn associate(&mut self, subnet: ResId, table: ResId) {
        if let Object::Subnet(s) = self.obj_mut(subnet) {
            s.route_table = to(table);
        }
    }

    pub(crate) fn nacl(&mut self, name: &str, vpc: ResId) -> ResId {
        self.add(
            name,
            Family::NetworkAcl,
            Origin::Managed(Action::Create),
            Object::NetworkAcl(NetworkAcl {
                vpc: to(vpc),
                kind: AclKind::Custom,
                ingress: known(vec![]),
                egress: known(vec![]),
                ..NetworkAcl::default()
            }),
        )
    }

    #[expect(clippy::too_many_arguments, reason = "a NACL rule has that many fields")]
    pub(crate) fn nacl_rule(
        &mut self,
        acl: ResId,
        egress: bool,
        number: i64,
        allow: bool,
        protocol: &str,
        ports: (i64, i64),
        icmp: (i64, i64),
        cidr: &str,
    ) {
        let rule = NaclRule {
            source: acl,
            number: known(number),
            allow: known(allow),
            protocol: known(protocol.into()),
            from_port: known(ports.0),
            to_port: known(ports.1),
            icmp_type: known(icmp.0),
            icmp_code: known(icmp.1),
            cidr: known(cidr.parse().unwrap()),
        };
        if let Object::NetworkAcl(a) = self.obj_mut(acl) {
            let list = if egress { &mut a.egress } else { &mut a.ingress };
            if let Val::Known(v) = list {
                v.push(rule);
            }
        }
    }

    pub(crate) fn use_nacl(&mut self, subnet: ResId, acl: ResId) {
        if let Object::Subnet(s) = self.obj_mut(subnet) {
            s.nacl = to(acl);
        }
    }

    pub(crate) fn sg(&mut self, name: &str, vpc: ResId) -> ResId {
        self.add(
            name,
            Family::SecurityGroup,
            Origin::Managed(Action::Create),
            Object::SecurityGroup(SecurityGroup {
                vpc: to(vpc),
                ingress: known(vec![]),
                egress: known(vec![]),
                ..SecurityGroup::default()
            }),
        )
    }

    pub(crate) fn sg_add(&mut self, group: ResId, egress: bool, rule: SgRule) {
        if let Object::SecurityGroup(g) = self.obj_mut(group) {
            let list = if egress { &mut g.egress } else { &mut g.ingress };
            if let Val::Known(v) = list {
                v.push(rule);
            }
        }
    }

    pub(crate) fn igw(&mut self, name: &str, vpc: ResId) -> ResId {
        self.add(
            name,
            Family::InternetGateway,
            Origin::Managed(Action::Create),
            Object::InternetGateway(Gateway { vpc: to(vpc) }),
        )
    }

    pub(crate) fn nat(&mut self, name: &str, subnet: ResId, ip: &str, public: bool) -> ResId {
        self.add(
            name,
            Family::NatGateway,
            Origin::Managed(Action::Create),
            Object::NatGateway(NatGateway {
                subnet: to(subnet),
                public: known(public),
                eip: Link::Absent,
                private_ip: known(ip.parse().unwrap()),
            }),
        )
    }

    pub(crate) fn pcx(&mut self, name: &str, a: ResId, b: ResId, accepted: bool) -> ResId {
        self.add(
            name,
            Family::PeeringConnection,
            Origin::Managed(Action::Create),
            Object::Peering(Peering {
                requester: to(a),
                accepter: to(b),
                peer_region: Val::Absent,
                accepted: known(accepted),
            }),
        )
    }

    pub(crate) fn instance(
        &mut self,
        name: &str,
        subnet: ResId,
        sgs: &[ResId],
        public: bool,
        ip: &str,
        source_dest_check: bool,
    ) -> ResId {
        let ip: IpAddr = ip.parse().unwrap();
        self.add(
            name,
            Family::Workload,
            Origin::Managed(Action::Create),
            Object::Workload(Workload {
                kind: WorkloadKind::Instance,
                subnets: known(vec![to(subnet)]),
                security_groups: known(sgs.iter().map(|g| to(*g)).collect()),
                public_ip: known(public),
                private_ips: known(vec![ip]),
                source_dest_check: known(source_dest_check),
                in_vpc: true,
                ..Workload::default()
            }),
        )
    }

    pub(crate) fn tgw(&mut self, name: &str, default_tables: bool) -> ResId {
        let id = self.add(name, Family::TransitGateway, Origin::Managed(Action::Create), Object::Other);
        let table = self.add(
            &format!("{name}:default_route_table"),
            Family::TransitGatewayRouteTable,
            Origin::Implicit,
            Object::TgwRouteTable(TgwRouteTable { tgw: to(id) }),
        );
        *self.obj_mut(id) = Object::TransitGateway(TransitGateway {
            default_association: known(default_tables),
            default_propagation: known(default_tables),
            sg_referencing: known(false),
            default_table: Some(table),
        });
        id
    }

    pub(crate) fn tgw_attach(&mut self, name: &str, tgw: ResId, vpc: ResId, subnets: &[ResId]) -> ResId {
        self.add(
            name,
            Family::TransitGatewayAttachment,
            Origin::Managed(Action::Create),
            Object::TgwAttachment(TgwAttachment {
                tgw: to(tgw),
                kind: AttachmentKind::Vpc {
                    vpc: to(vpc),
                    subnets: known(subnets.iter().map(|s| to(*s)).collect()),
                    appliance_mode: known(false),
                    sg_referencing: Val::Absent,
                },
                default_association: known(true),
                default_propagation: known(true),
            }),
        )
    }

    pub(crate) fn tgw_route(&mut self, name: &str, table: ResId, dest: &str, attachment: Option<ResId>) -> ResId {
        self.add(
            name,
            Family::TransitGatewayRouteTable,
            Origin::Managed(Action::Create),
            Object::TgwRoute(TgwRoute {
                table: to(table),
                dest: known(dest.parse().unwrap()),
                attachment: attachment.map_or(Link::Absent, to),
                blackhole: known(attachment.is_none()),
            }),
        )
    }

    #[expect(clippy::too_many_arguments, reason = "an endpoint has that many links")]
    pub(crate) fn endpoint(
        &mut self,
        name: &str,
        vpc: ResId,
        service: &str,
        kind: EndpointKind,
        tables: &[ResId],
        subnets: &[ResId],
        sgs: &[ResId],
    ) -> ResId {
        self.add(
            name,
            Family::VpcEndpoint,
            Origin::Managed(Action::Create),
            Object::Endpoint(Endpoint {
                vpc: to(vpc),
                service: known(service.into()),
                kind: known(kind),
                route_tables: known(tables.iter().map(|t| to(*t)).collect()),
                subnets: known(subnets.iter().map(|t| to(*t)).collect()),
                security_groups: known(sgs.iter().map(|t| to(*t)).collect()),
                private_dns: known(true),
                firewall: None,
            }),
        )
    }

    /// An AWS Network Firewall with one endpoint in each of `subnets` (docs/semantics.md §1.9),
    /// named `<name>:endpoint[<subnet>]`; returns the firewall and its endpoints.
    pub(crate) fn firewall(&mut self, name: &str, vpc: ResId, subnets: &[ResId]) -> (ResId, Vec<ResId>) {
        let fw = self.add(name, Family::VpcEndpoint, Origin::Managed(Action::Create), Object::Other);
        let mut mappings = Vec::new();
        for &s in subnets {
            let ep_name = format!("{name}:endpoint[{}]", self.net.name(s));
            let ep = self.endpoint(&ep_name, vpc, "", EndpointKind::GatewayLoadBalancer, &[], &[s], &[]);
            self.net.resources[ep.index()].origin = Origin::Implicit;
            if let Object::Endpoint(e) = self.obj_mut(ep) {
                e.service = Val::Absent;
                e.firewall = Some(fw);
            }
            mappings.push(FirewallMapping { endpoint: ep, subnet: to(s), endpoint_id: None, az: None });
        }
        let endpoints = mappings.iter().map(|m| m.endpoint).collect();
        *self.obj_mut(fw) = Object::Firewall(Firewall { vpc: to(vpc), policy: Link::Absent, mappings });
        (fw, endpoints)
    }

    /// Associates `table` with gateway `g` (an edge association, docs/semantics.md §1.7).
    pub(crate) fn edge_associate(&mut self, table: ResId, g: ResId) {
        if let Object::RouteTable(t) = self.obj_mut(table) {
            t.edge_gateways.push(to(g));
        }
    }

    pub(crate) fn eigw(&mut self, name: &str, vpc: ResId) -> ResId {
        self.add(
            name,
            Family::EgressOnlyInternetGateway,
            Origin::Managed(Action::Create),
            Object::EgressOnlyGateway(Gateway { vpc: to(vpc) }),
        )
    }

    pub(crate) fn add_v6(&mut self, vpc: ResId, vpc_cidr: &str, subnet: ResId, subnet_cidr: &str) {
        if let Object::Vpc(v) = self.obj_mut(vpc) {
            v.cidrs_v6 = vec![VpcCidr { cidr: known(vpc_cidr.parse().unwrap()), source: vpc, from_ipam: false }];
        }
        if let Object::Subnet(s) = self.obj_mut(subnet) {
            s.cidr_v6 = known(subnet_cidr.parse().unwrap());
        }
    }

    pub(crate) fn build(self) -> Network {
        self.net
    }
}

pub(crate) fn sg_rule(source: ResId, protocol: &str, from: i64, to: i64, peer: SgPeer) -> SgRule {
    SgRule { source, protocol: known(protocol.into()), from_port: known(from), to_port: known(to), peer }
}
