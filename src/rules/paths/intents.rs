//! Intent extraction: the flows the configuration says should work (see [`super`] for the
//! list), each as a flow between two `eval::Place`s with the part of a failure it speaks for.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

use ipnet::IpNet;

use super::text::flow_text;
use crate::eval::sets::{Family, IpSet, PortSet, Protocol, RuleProtocol};
use crate::eval::{Evaluator, Flow, Place, PlaceKind, Tri};
use crate::model::{
    AttachmentKind, Destination, Link, Network, Object, ResId, SgPeer, SgRule, TargetKind, Val, WorkloadKind,
};
use crate::rules::Context;

/// Widest destination-port range that still states a service (a range of 1,024 ports or less).
pub(crate) const MAX_RANGE: u32 = 1024;

/// Places of one side of an SG-reference intent that are paired (sources × destinations).
const MAX_PLACES: usize = 8;

/// What part of a failure an intent speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything on the path.
    Full,
    /// Routing only (routes, transit gateways, gateways, the return path): a route says where
    /// traffic goes, not which ports are allowed.
    Routing,
    /// Only the replies through one network ACL (the ACL's own rule states the intent).
    ReplyAcl(ResId),
    /// Routing, and the replies through network ACLs (a default route to a NAT or internet
    /// gateway says "workloads here reach the internet"; which ports the filters allow outbound
    /// is the filters' business, but the replies of what they allow must come back).
    RoutingAndReplies,
}

/// Where an intent comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A security group rule (inline: the group; separate: the rule resource).
    SecurityGroupRule,
    /// A load balancer listener.
    Listener,
    /// A route.
    Route,
    /// A NACL rule.
    AclRule,
    /// An `expect` block of the configuration, by name; `reachable` as written.
    Expect {
        /// Its name.
        name: String,
        /// What the user expects.
        reachable: bool,
    },
}

/// A flow the configuration says should work.
#[derive(Debug, Clone)]
pub struct Intent {
    /// The resource whose configuration states it.
    pub holder: Option<ResId>,
    /// Where it comes from.
    pub source: Source,
    /// From.
    pub src: Place,
    /// To.
    pub dst: Place,
    /// What.
    pub flow: Flow,
    /// Address family.
    pub family: Family,
    /// What failures it speaks for.
    pub scope: Scope,
    /// Intents of one group fail only together (a broad CIDR: every covered subnet).
    pub group: u32,
    /// Human description (`aws_security_group.db admits tcp 5432 from aws_security_group.app`).
    pub label: String,
}

fn flow_of(protocol: &str, from: i64, to: i64) -> Option<Flow> {
    let proto: RuleProtocol = protocol.parse().ok()?;
    match proto {
        RuleProtocol::Only(p) if p == Protocol::TCP || p == Protocol::UDP => {
            let (lo, hi) = (u16::try_from(from).ok()?, u16::try_from(to).ok()?);
            if lo > hi || u32::from(hi - lo) + 1 > MAX_RANGE {
                return None;
            }
            Some(Flow { protocol: proto, ports: Some(PortSet::range(lo, hi)), icmp_type: None, icmp_code: None })
        }
        // An SG rule admitting ICMP echo requests says "ping works".
        RuleProtocol::Only(p) if p == Protocol::ICMP && (from == 8 || from == -1) => Some(Flow::icmp(8, 0)),
        _ => None,
    }
}

fn rule_flow(rule: &SgRule) -> Option<Flow> {
    let (Val::Known(p), Val::Known(from), Val::Known(to)) = (&rule.protocol, &rule.from_port, &rule.to_port) else {
        return None;
    };
    flow_of(p, *from, *to)
}

fn family_of(flow: &Flow) -> Family {
    if flow.is_v6_only() { Family::V6 } else { Family::V4 }
}

/// Every intent of the network: security group rules, listeners, routes, default routes, NACL
/// rules and the user's `expect` blocks, in that order.
pub(super) fn build(ctx: &Context<'_>, ev: &Evaluator<'_>) -> Vec<Intent> {
    let mut b = Builder {
        net: ctx.net,
        ev,
        index: Index::new(ctx.net),
        local_places: RefCell::new(HashMap::new()),
        intents: Vec::new(),
        next_group: 0,
        seen: BTreeSet::new(),
    };
    b.security_groups();
    b.listeners();
    b.routes();
    b.default_routes();
    b.acl_rules();
    b.expects(ctx);
    b.intents
}

/// What the intent builder looks up, gathered in one pass over the network (in network order,
/// so the first [`MAX_PLACES`] are the same ones a scan would find).
#[derive(Default)]
struct Index {
    subnets: Vec<ResId>,
    route_tables: Vec<ResId>,
    acls: Vec<ResId>,
    security_groups: Vec<ResId>,
    listeners: Vec<ResId>,
    /// Subnets by the route table they use.
    by_table: HashMap<ResId, Vec<ResId>>,
    /// Subnets by their network ACL.
    by_acl: HashMap<ResId, Vec<ResId>>,
    /// Instances, Lambda functions and other workloads by the subnets they sit in.
    workloads_in: HashMap<ResId, Vec<ResId>>,
    /// Workloads in a VPC and interface endpoints by their security groups.
    carriers: HashMap<ResId, Vec<ResId>>,
    /// Target group attachments by target group: (target, port).
    attachments: HashMap<ResId, Vec<(ResId, Val<i64>)>>,
    /// The on-premises networks the VPN connections declare (static routes,
    /// `remote_ipv4_network_cidr`), with the VPCs that reach each connection: the VPC of its
    /// virtual private gateway, or the VPCs attached to its transit gateway.
    on_premises: Vec<(IpNet, Vec<ResId>)>,
}

impl Index {
    fn new(net: &Network) -> Self {
        fn add(map: &mut HashMap<ResId, Vec<ResId>>, key: Option<ResId>, id: ResId) {
            if let Some(k) = key {
                let v = map.entry(k).or_default();
                if v.last() != Some(&id) {
                    v.push(id);
                }
            }
        }
        let mut ix = Index::default();
        for (id, r) in net.present() {
            match &r.obj {
                Object::Subnet(s) => {
                    ix.subnets.push(id);
                    add(&mut ix.by_table, s.route_table.res(), id);
                    add(&mut ix.by_acl, s.nacl.res(), id);
                }
                Object::RouteTable(_) => ix.route_tables.push(id),
                Object::NetworkAcl(_) => ix.acls.push(id),
                Object::SecurityGroup(_) => ix.security_groups.push(id),
                Object::Listener(_) => ix.listeners.push(id),
                Object::Workload(w) => {
                    if matches!(w.kind, WorkloadKind::Instance | WorkloadKind::Lambda | WorkloadKind::Generic)
                        && let Val::Known(l) = &w.subnets
                    {
                        for s in l {
                            add(&mut ix.workloads_in, s.res(), id);
                        }
                    }
                    if w.in_vpc
                        && let Val::Known(l) = &w.security_groups
                    {
                        for g in l {
                            add(&mut ix.carriers, g.res(), id);
                        }
                    }
                    for (tg, port) in &w.target_groups {
                        if let Some(tg) = tg.res() {
                            ix.attachments.entry(tg).or_default().push((id, port.clone()));
                        }
                    }
                }
                Object::Endpoint(e) => {
                    if let Val::Known(l) = &e.security_groups {
                        for g in l {
                            add(&mut ix.carriers, g.res(), id);
                        }
                    }
                }
                Object::TargetAttachment(a) => {
                    if let (Some(tg), Some(target)) = (a.target_group.res(), a.target.res()) {
                        ix.attachments.entry(tg).or_default().push((target, a.port.clone()));
                    }
                }
                _ => {}
            }
        }
        ix.on_premises = on_premises_networks(net);
        ix
    }

    fn list(map: &HashMap<ResId, Vec<ResId>>, key: ResId) -> &[ResId] {
        map.get(&key).map_or(&[], Vec::as_slice)
    }
}

struct Builder<'a, 'n> {
    net: &'a Network,
    ev: &'a Evaluator<'n>,
    index: Index,
    /// [`Builder::local_places`] of each subnet asked for.
    local_places: RefCell<HashMap<ResId, Vec<Place>>>,
    intents: Vec<Intent>,
    next_group: u32,
    seen: BTreeSet<(String, String, String, u8)>,
}

impl Builder<'_, '_> {
    fn group(&mut self) -> u32 {
        self.next_group += 1;
        self.next_group
    }

    fn push(&mut self, intent: Intent) {
        if intent.src.name == intent.dst.name {
            return;
        }
        let scope = match intent.scope {
            Scope::Full => 0,
            Scope::Routing => 1,
            Scope::ReplyAcl(_) => 2,
            Scope::RoutingAndReplies => 3,
        };
        let key = (intent.src.name.clone(), intent.dst.name.clone(), flow_text(&intent.flow), scope);
        if matches!(intent.source, Source::Expect { .. }) || self.seen.insert(key) {
            self.intents.push(intent);
        }
    }

    fn places(&self, res: ResId) -> Vec<Place> {
        self.ev.places_of(res).unwrap_or_default()
    }

    /// Workloads that carry a security group.
    fn carriers(&self, sg: ResId) -> Vec<ResId> {
        Index::list(&self.index.carriers, sg).to_vec()
    }

    fn security_groups(&mut self) {
        for sg in self.index.security_groups.clone() {
            let Some(g) = self.net.res(sg).obj.security_group() else { continue };
            let Val::Known(rules) = &g.ingress else { continue };
            let rules = rules.clone();
            let targets = self.carriers(sg);
            if targets.is_empty() {
                continue;
            }
            let dsts: Vec<Place> = targets.iter().flat_map(|t| self.places(*t)).take(MAX_PLACES).collect();
            for rule in &rules {
                let Some(flow) = rule_flow(rule) else { continue };
                let family = family_of(&flow);
                let holder = if rule.source == sg { sg } else { rule.source };
                match &rule.peer {
                    SgPeer::Group(Link::To(other, _)) | SgPeer::Group(Link::Missing(other)) => {
                        let srcs: Vec<Place> = self
                            .carriers(*other)
                            .iter()
                            .flat_map(|t| self.places(*t))
                            .filter(opens_connections)
                            .take(MAX_PLACES)
                            .collect();
                        for s in &srcs {
                            for d in &dsts {
                                let group = self.group();
                                self.push(Intent {
                                    holder: Some(holder),
                                    source: Source::SecurityGroupRule,
                                    src: s.clone(),
                                    dst: d.clone(),
                                    flow: flow.clone(),
                                    family,
                                    scope: Scope::Full,
                                    group,
                                    label: format!(
                                        "{} admits {} from {}",
                                        self.net.name(sg),
                                        flow_text(&flow),
                                        self.net.name(*other)
                                    ),
                                });
                            }
                        }
                    }
                    SgPeer::SelfGroup => {
                        for s in dsts.iter().filter(|p| opens_connections(p)) {
                            for d in &dsts {
                                if s.res == d.res {
                                    continue;
                                }
                                let group = self.group();
                                self.push(Intent {
                                    holder: Some(holder),
                                    source: Source::SecurityGroupRule,
                                    src: s.clone(),
                                    dst: d.clone(),
                                    flow: flow.clone(),
                                    family,
                                    scope: Scope::Full,
                                    group,
                                    label: format!("{} admits {} from itself", self.net.name(sg), flow_text(&flow)),
                                });
                            }
                        }
                    }
                    SgPeer::Cidr(Val::Known(cidr)) => self.cidr_intents(sg, holder, *cidr, &flow, &dsts),
                    _ => {}
                }
            }
        }
    }

    fn cidr_intents(&mut self, sg: ResId, holder: ResId, cidr: IpNet, flow: &Flow, dsts: &[Place]) {
        // An IPv6 range admits IPv6 packets only.
        let family = if matches!(cidr, IpNet::V6(_)) { Family::V6 } else { family_of(flow) };
        // Subnets of the network inside the CIDR.
        let covered: Vec<ResId> = self
            .index
            .subnets
            .iter()
            .filter_map(|&id| {
                let s = self.net.res(id).obj.subnet()?;
                let inside = match (cidr, &s.cidr_v4, &s.cidr_v6) {
                    (IpNet::V4(c), Val::Known(n), _) => c.contains(n),
                    (IpNet::V6(c), _, Val::Known(n)) => c.contains(n),
                    _ => false,
                };
                inside.then_some(id)
            })
            .take(MAX_PLACES)
            .collect();
        // The internet: `0.0.0.0/0`, `::/0`, or a public range that holds no subnet of the network
        // (an office /24 or /32: issue 12, item 4). An intent only for internet-facing
        // destinations, from the addresses of the range.
        if cidr.prefix_len() == 0 || (!is_private(&cidr) && covered.is_empty()) {
            for d in dsts {
                let facing = match d.kind {
                    PlaceKind::ApplicationLoadBalancer
                    | PlaceKind::NetworkLoadBalancer
                    | PlaceKind::ClassicLoadBalancer => lb_internet_facing(self.net, d.res),
                    PlaceKind::Instance | PlaceKind::NetworkInterface => d.public_ip == Tri::Yes,
                    _ => false,
                };
                // An IPv6 range reaches only a destination with an IPv6 address (one that is also
                // internet-facing by the rules above: a `::/0` rule beside `0.0.0.0/0` on a private
                // instance says nothing about IPv6 reachability).
                if !facing || (family == Family::V6 && d.addrs.v6.is_empty()) {
                    continue;
                }
                let mut src = self.ev.internet_place(None);
                if cidr.prefix_len() > 0 {
                    src.addrs = src.addrs.intersect(&IpSet::from_net(cidr));
                    src.name = cidr.to_string();
                    if src.addrs.is_empty() {
                        continue;
                    }
                }
                let group = self.group();
                self.push(Intent {
                    holder: Some(holder),
                    source: Source::SecurityGroupRule,
                    src,
                    dst: d.clone(),
                    flow: flow.clone(),
                    family,
                    scope: Scope::Full,
                    group,
                    label: format!("{} admits {} from {cidr}", self.net.name(sg), flow_text(flow)),
                });
            }
            return;
        }
        // A private range outside the network that a VPN connection declares as on-premises:
        // on-premises hosts reach the destinations in the VPCs that reach that connection
        // (issue 12, item 4).
        if covered.is_empty() && family == Family::V4 {
            self.on_premises_intents(sg, holder, cidr, flow, dsts);
            return;
        }
        // Subnets of the network inside the CIDR: one group per destination.
        for d in dsts {
            let group = self.group();
            for s in &covered {
                if Some(*s) == d.subnet {
                    continue;
                }
                let src = self.ev.subnet_place(*s, None);
                self.push(Intent {
                    holder: Some(holder),
                    source: Source::SecurityGroupRule,
                    src,
                    dst: d.clone(),
                    flow: flow.clone(),
                    family,
                    scope: Scope::Full,
                    group,
                    label: format!("{} admits {} from {cidr}", self.net.name(sg), flow_text(flow)),
                });
            }
        }
    }

    fn on_premises_intents(&mut self, sg: ResId, holder: ResId, cidr: IpNet, flow: &Flow, dsts: &[Place]) {
        let rule = IpSet::from_net(cidr);
        for d in dsts {
            let Some(vpc) = d.vpc else { continue };
            let declared: Vec<IpNet> = self
                .index
                .on_premises
                .iter()
                .filter(|(net, vpcs)| vpcs.contains(&vpc) && facts_overlap(net, &cidr))
                .map(|(net, _)| *net)
                .collect();
            if declared.is_empty() {
                continue;
            }
            let mut src = self.ev.on_premises_place(None);
            src.addrs = src.addrs.intersect(&rule).intersect(&IpSet::from_nets(declared));
            if src.addrs.is_empty() {
                continue;
            }
            src.name = format!("{cidr} (on-premises)");
            let group = self.group();
            self.push(Intent {
                holder: Some(holder),
                source: Source::SecurityGroupRule,
                src,
                dst: d.clone(),
                flow: flow.clone(),
                family: Family::V4,
                scope: Scope::Full,
                group,
                label: format!("{} admits {} from {cidr} (on-premises)", self.net.name(sg), flow_text(flow)),
            });
        }
    }

    fn listeners(&mut self) {
        for l in self.index.listeners.clone() {
            let Some(listener) = self.net.res(l).obj.listener() else { continue };
            let Some(lb) = listener.lb.res() else { continue };
            let lb_places = self.places(lb);
            let proto = listener.protocol.known().map(String::as_str).unwrap_or("TCP");
            let make = |port: i64| match proto {
                "UDP" => u16::try_from(port).ok().map(Flow::udp),
                _ => u16::try_from(port).ok().map(Flow::tcp),
            };
            // Clients reach an internet-facing listener.
            if let Val::Known(port) = listener.port
                && lb_internet_facing(self.net, Some(lb))
                && let Some(flow) = make(port)
            {
                for d in &lb_places {
                    let group = self.group();
                    self.push(Intent {
                        holder: Some(l),
                        source: Source::Listener,
                        src: self.ev.internet_place(None),
                        dst: d.clone(),
                        flow: flow.clone(),
                        family: Family::V4,
                        scope: Scope::Full,
                        group,
                        label: format!("{} listens on {}", self.net.name(l), flow_text(&flow)),
                    });
                }
            }
            // The load balancer reaches every target on the target port and the health-check port.
            let re_originates = matches!(
                lb_places.first().map(|p| &p.kind),
                Some(PlaceKind::ApplicationLoadBalancer | PlaceKind::ClassicLoadBalancer)
            ) || lb_places.first().is_some_and(|p| p.preserves_client_ip == Tri::No);
            if !re_originates {
                continue;
            }
            let tgs: Vec<ResId> = match &listener.target_groups {
                Val::Known(v) => v.iter().filter_map(Link::res).collect(),
                _ => continue,
            };
            for tg in tgs {
                let Some(t) = self.net.res(tg).obj.target_group() else { continue };
                let attachments = self.index.attachments.get(&tg).cloned().unwrap_or_default();
                for (target, port) in attachments {
                    let port = match port {
                        Val::Known(p) => Some(p),
                        _ => t.port.known().copied(),
                    };
                    let mut ports: Vec<i64> = port.into_iter().collect();
                    if let Val::Known(hc) = &t.health_check_port
                        && let Ok(p) = hc.parse::<i64>()
                        && !ports.contains(&p)
                    {
                        ports.push(p);
                    }
                    for d in self.places(target) {
                        for s in &lb_places {
                            for p in &ports {
                                let Some(flow) = u16::try_from(*p).ok().map(Flow::tcp) else { continue };
                                let group = self.group();
                                self.push(Intent {
                                    holder: Some(l),
                                    source: Source::Listener,
                                    src: s.clone(),
                                    dst: d.clone(),
                                    flow: flow.clone(),
                                    family: Family::V4,
                                    scope: Scope::Full,
                                    group,
                                    label: format!(
                                        "{} forwards to {} on {}",
                                        self.net.name(lb),
                                        self.net.name(target),
                                        flow_text(&flow)
                                    ),
                                });
                            }
                        }
                    }
                }
            }
        }
    }

    /// Routes to a peering connection, transit gateway or VPN gateway: the subnets using the
    /// table reach the destination's subnets in this network, and back.
    fn routes(&mut self) {
        for table in self.index.route_tables.clone() {
            let Some(t) = self.net.res(table).obj.route_table() else { continue };
            let Val::Known(routes) = &t.routes else { continue };
            let users: Vec<ResId> = Index::list(&self.index.by_table, table).iter().copied().take(MAX_PLACES).collect();
            if users.is_empty() {
                continue;
            }
            for route in routes.clone() {
                if !matches!(route.target_kind, TargetKind::Peering | TargetKind::TransitGateway | TargetKind::Gateway)
                {
                    continue;
                }
                if route.target_kind == TargetKind::Gateway
                    && !route.target.res().is_some_and(|g| matches!(self.net.res(g).obj, Object::VpnGateway(_)))
                {
                    continue;
                }
                let dest = match &route.dest {
                    Destination::V4(Val::Known(n)) if n.prefix_len() > 0 => IpNet::V4(*n),
                    _ => continue,
                };
                let holder = if route.inline_index.is_some() { table } else { route.source };
                // Destination subnets of the network inside the route's CIDR, in other VPCs.
                let own_vpc = t.vpc.res();
                let targets: Vec<ResId> = self
                    .index
                    .subnets
                    .iter()
                    .filter_map(|&id| {
                        let s = self.net.res(id).obj.subnet()?;
                        let inside = matches!(s.cidr_v4, Val::Known(n) if facts_overlap(&dest, &IpNet::V4(n)));
                        (inside && s.vpc.res() != own_vpc && s.vpc.res().is_some()).then_some(id)
                    })
                    .take(MAX_PLACES)
                    .collect();
                let flow =
                    Flow { protocol: RuleProtocol::Only(Protocol::TCP), ports: None, icmp_type: None, icmp_code: None };
                for s in &users {
                    let src = self.ev.subnet_place(*s, None);
                    let dsts: Vec<Place> = if targets.is_empty() && route.target_kind == TargetKind::Gateway {
                        // A VPN: on-premises addresses of the route.
                        vec![self.ev.on_premises_place(first_host(&dest))]
                    } else {
                        targets.iter().map(|d| self.ev.subnet_place(*d, None)).collect()
                    };
                    // A summary route (10.0.0.0/8 → tgw) does not say every subnet inside is meant
                    // to be reached (transit gateway tables isolate on purpose): the intent fails
                    // only when nothing inside is reachable.
                    let group = self.group();
                    for dst in dsts {
                        self.push(Intent {
                            holder: Some(holder),
                            source: Source::Route,
                            src: src.clone(),
                            dst,
                            flow: flow.clone(),
                            family: Family::V4,
                            scope: Scope::Routing,
                            group,
                            label: format!(
                                "{} routes {dest} to {}",
                                self.net.name(table),
                                target_name(self.net, &route.target)
                            ),
                        });
                    }
                }
            }
        }
    }

    /// A default route to a NAT gateway (or internet gateway) says the workloads of the subnets
    /// using the table reach the internet (HTTPS stands for "the internet").
    fn default_routes(&mut self) {
        for table in self.index.route_tables.clone() {
            let Some(t) = self.net.res(table).obj.route_table() else { continue };
            let Val::Known(routes) = &t.routes else { continue };
            let Some(default) =
                routes.iter().find(|r| matches!(&r.dest, Destination::V4(Val::Known(n)) if n.prefix_len() == 0))
            else {
                continue;
            };
            let via_nat = match default.target_kind {
                TargetKind::NatGateway => true,
                TargetKind::Gateway
                    if default
                        .target
                        .res()
                        .is_some_and(|g| matches!(self.net.res(g).obj, Object::InternetGateway(_))) =>
                {
                    false
                }
                _ => continue,
            };
            let holder = if default.inline_index.is_some() { table } else { default.source };
            let users: Vec<ResId> = Index::list(&self.index.by_table, table).iter().copied().take(MAX_PLACES).collect();
            for subnet in users {
                let mut srcs: Vec<Place> = self.local_places(subnet);
                if !via_nat {
                    // Through an internet gateway only what has a public address gets out.
                    srcs.retain(|p| p.kind != PlaceKind::Subnet && p.public_ip == Tri::Yes);
                }
                let group = self.group();
                for src in srcs {
                    self.push(Intent {
                        holder: Some(holder),
                        source: Source::Route,
                        src,
                        dst: self.ev.internet_place(None),
                        flow: Flow::tcp(443),
                        family: Family::V4,
                        scope: Scope::RoutingAndReplies,
                        group,
                        label: format!(
                            "{} sends 0.0.0.0/0 to {}",
                            self.net.name(table),
                            target_name(self.net, &default.target)
                        ),
                    });
                }
            }
        }
    }

    /// NACL rules admitting a service port: the replies must pass the same ACL the other way.
    fn acl_rules(&mut self) {
        for acl in self.index.acls.clone() {
            let subnets: Vec<ResId> = Index::list(&self.index.by_acl, acl).iter().copied().take(MAX_PLACES).collect();
            if subnets.is_empty() {
                continue;
            }
            let Some(a) = self.net.res(acl).obj.network_acl() else { continue };
            for (egress, rules) in [(false, a.ingress.clone()), (true, a.egress.clone())] {
                let Val::Known(rules) = rules else { continue };
                for rule in rules {
                    if rule.allow != Val::Known(true) {
                        continue;
                    }
                    let (Val::Known(p), Val::Known(from), Val::Known(to), Val::Known(cidr)) =
                        (&rule.protocol, &rule.from_port, &rule.to_port, &rule.cidr)
                    else {
                        continue;
                    };
                    let Some(flow) = flow_of(p, *from, *to) else { continue };
                    if flow.protocol == RuleProtocol::Only(Protocol::ICMP) || matches!(cidr, IpNet::V6(_)) {
                        continue;
                    }
                    let holder = if rule.source == acl { acl } else { rule.source };
                    let number = rule.number.known().copied().unwrap_or_default();
                    let peers = self.peer_places(cidr, &subnets);
                    for s in &subnets {
                        let locals = self.local_places(*s);
                        for peer in &peers {
                            for local in &locals {
                                let (src, dst) =
                                    if egress { (local.clone(), peer.clone()) } else { (peer.clone(), local.clone()) };
                                let group = self.group();
                                self.push(Intent {
                                    holder: Some(holder),
                                    source: Source::AclRule,
                                    src,
                                    dst,
                                    flow: flow.clone(),
                                    family: Family::V4,
                                    scope: Scope::ReplyAcl(acl),
                                    group,
                                    label: format!(
                                        "{} rule {number} admits {} {} {cidr}",
                                        self.net.name(acl),
                                        flow_text(&flow),
                                        if egress { "to" } else { "from" }
                                    ),
                                });
                            }
                        }
                    }
                }
            }
        }
    }

    /// The other side of a NACL rule: the internet for public CIDRs, else the subnets inside.
    fn peer_places(&self, cidr: &IpNet, own: &[ResId]) -> Vec<Place> {
        if cidr.prefix_len() == 0 || !is_private(cidr) {
            return vec![self.ev.internet_place(None)];
        }
        self.index
            .subnets
            .iter()
            .filter_map(|&id| {
                let s = self.net.res(id).obj.subnet()?;
                let inside = matches!((cidr, &s.cidr_v4), (IpNet::V4(c), Val::Known(n)) if c.contains(n));
                (inside && !own.contains(&id)).then_some(id)
            })
            .take(MAX_PLACES)
            .map(|id| self.ev.subnet_place(id, None))
            .collect()
    }

    /// What initiates or answers connections in a subnet: its workloads and NAT gateways (with
    /// their own client ports), else a hypothetical ENI of the subnet.
    fn local_places(&self, subnet: ResId) -> Vec<Place> {
        if let Some(known) = self.local_places.borrow().get(&subnet) {
            return known.clone();
        }
        let mut out: Vec<Place> = Index::list(&self.index.workloads_in, subnet)
            .iter()
            .flat_map(|&id| self.places(id))
            .filter(|p| p.subnet == Some(subnet))
            .take(MAX_PLACES)
            .collect();
        if out.is_empty() {
            out.push(self.ev.subnet_place(subnet, None));
        }
        self.local_places.borrow_mut().insert(subnet, out.clone());
        out
    }

    fn expects(&mut self, ctx: &Context<'_>) {
        for e in ctx.settings.expects() {
            let proto = match &e.protocol {
                crate::config::Protocol::All => "-1".to_string(),
                crate::config::Protocol::Tcp => "tcp".into(),
                crate::config::Protocol::Udp => "udp".into(),
                crate::config::Protocol::Icmp => "icmp".into(),
                crate::config::Protocol::Icmpv6 => "icmpv6".into(),
                crate::config::Protocol::Number(n) => n.to_string(),
            };
            let Ok(protocol) = proto.parse::<RuleProtocol>() else { continue };
            let ports = e
                .ports
                .as_ref()
                .map(|list| list.iter().fold(PortSet::empty(), |acc, (lo, hi)| acc.union(&PortSet::range(*lo, *hi))));
            let flow =
                Flow { protocol, ports, icmp_type: e.icmp_type, icmp_code: e.icmp_code.or(e.icmp_type.map(|_| 0)) };
            let srcs = self.endpoint_places(&e.from);
            let dsts = self.endpoint_places(&e.to);
            let group = self.group();
            for s in &srcs {
                for d in &dsts {
                    if s.name == d.name {
                        continue;
                    }
                    // Each pair of a `reachable = true` expectation must work on its own; a
                    // `reachable = false` one is broken when any pair works.
                    let member = if e.reachable { self.group() } else { group };
                    // Every family both ends have addresses in (a dual-stack instance is reached
                    // over either): one group, so the pair works when one family does, and a
                    // forbidden path exists when one does.
                    let v4 = !flow.is_v6_only() && !s.addrs.v4.is_empty() && !d.addrs.v4.is_empty();
                    let v6 = flow.protocol != RuleProtocol::Only(Protocol::ICMP)
                        && !s.addrs.v6.is_empty()
                        && !d.addrs.v6.is_empty();
                    let families: Vec<Family> = match (v4, v6) {
                        (false, false) => vec![family_of(&flow)],
                        (true, false) => vec![Family::V4],
                        (false, true) => vec![Family::V6],
                        (true, true) => vec![Family::V4, Family::V6],
                    };
                    for family in families {
                        self.push(Intent {
                            holder: d.res.or(s.res),
                            source: Source::Expect { name: e.name.clone(), reachable: e.reachable },
                            src: s.clone(),
                            dst: d.clone(),
                            flow: flow.clone(),
                            family,
                            scope: Scope::Full,
                            group: member,
                            label: format!("expect \"{}\"", e.name),
                        });
                    }
                }
            }
        }
    }

    fn endpoint_places(&self, endpoint: &crate::config::Endpoint) -> Vec<Place> {
        match endpoint {
            crate::config::Endpoint::Internet => vec![self.ev.internet_place(None)],
            crate::config::Endpoint::Address(pattern) => {
                let text = pattern.as_str();
                if let Ok(e) = self.ev.resolve(text, None) {
                    return e.places;
                }
                self.net
                    .present()
                    .filter(|(_, r)| pattern.matches(&r.name))
                    .flat_map(|(id, _)| self.places(id))
                    .collect()
            }
        }
    }
}

fn facts_overlap(a: &IpNet, b: &IpNet) -> bool {
    crate::rules::facts::overlaps(a, b)
}

fn is_private(c: &IpNet) -> bool {
    let private = IpSet::from_nets(
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"]
            .iter()
            .filter_map(|s| s.parse().ok()),
    );
    IpSet::from_net(*c).is_subset(&private)
}

fn first_host(net: &IpNet) -> Option<IpAddr> {
    match net {
        IpNet::V4(n) => n.hosts().nth(1).map(IpAddr::V4),
        IpNet::V6(n) => n.hosts().nth(1).map(IpAddr::V6),
    }
}

fn target_name(net: &Network, target: &Link) -> String {
    target.res().map_or_else(|| "its target".to_string(), |t| net.name(t).to_string())
}

fn lb_internet_facing(net: &Network, lb: Option<ResId>) -> bool {
    lb.and_then(|l| net.res(l).obj.workload()).is_some_and(|w| w.internal == Val::Known(false))
}

/// Whether a place may open connections of its own, to any port a rule admits. Databases and
/// interface endpoints never do; load balancers connect only to their targets (the listener
/// intents cover that), so a group rule admitting a load balancer's group on other ports says
/// nothing about what it will send.
fn opens_connections(p: &Place) -> bool {
    !matches!(
        p.kind,
        PlaceKind::Database
            | PlaceKind::InterfaceEndpoint
            | PlaceKind::NatGateway
            | PlaceKind::ApplicationLoadBalancer
            | PlaceKind::NetworkLoadBalancer
            | PlaceKind::GatewayLoadBalancer
            | PlaceKind::ClassicLoadBalancer
    )
}

/// The on-premises networks of the VPN connections (known CIDRs of their static routes and
/// `remote_ipv4_network_cidr`), each with the VPCs that reach the connection: the VPC its
/// virtual private gateway is attached to, or every VPC attached to its transit gateway.
fn on_premises_networks(net: &Network) -> Vec<(IpNet, Vec<ResId>)> {
    let mut out = Vec::new();
    for (_, r) in net.present() {
        let Object::VpnConnection(c) = &r.obj else { continue };
        let mut vpcs: Vec<ResId> = Vec::new();
        if let Some(vgw) = c.vgw.res()
            && let Object::VpnGateway(g) = &net.res(vgw).obj
        {
            vpcs.extend(g.vpc.res());
        }
        if let Some(tgw) = c.tgw.res() {
            for (_, a) in net.present() {
                if let Object::TgwAttachment(att) = &a.obj
                    && att.tgw.res() == Some(tgw)
                    && let AttachmentKind::Vpc { vpc, .. } = &att.kind
                {
                    vpcs.extend(vpc.res());
                }
            }
        }
        vpcs.sort_unstable();
        vpcs.dedup();
        if vpcs.is_empty() {
            continue;
        }
        for cidr in &c.remote_cidrs {
            if let Val::Known(n) = cidr
                && n.prefix_len() > 0
            {
                out.push((*n, vpcs.clone()));
            }
        }
    }
    out
}
