//! A naive reference evaluator: one concrete packet at a time, read straight from the model and
//! written as directly from docs/semantics.md §0 as possible, with no sets, no compiled indexes and
//! no sharing with the set evaluator beyond the [`Place`]s (the inputs). Property tests check
//! that [`Evaluator::reach`] agrees with it packet by packet.
//!
//! Scope: security groups (CIDR and group references), network ACLs, route tables with local,
//! static and blackhole routes, internet gateways, NAT gateways (for one NAT-chosen port),
//! peering, and appliance ENIs; both legs. Anything else answers [`RefOutcome::Unsupported`].

use std::net::IpAddr;

use ipnet::IpNet;

use super::Evaluator;
use super::place::{Place, PlaceKind, Tri};
use super::reach::{Leg, Stage};
use super::sets::{Packet, Protocol, RuleProtocol};
use super::sg::{GroupKey, SgList};
use crate::model::{Destination, Link, NaclRule, Object, ResId, SgPeer, SgRule, TargetKind, Val};

/// What happened to one packet (and its reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefOutcome {
    /// Both legs pass.
    Pass,
    /// Dropped at a stage, on a leg.
    Drop {
        /// Stage.
        stage: Stage,
        /// Leg.
        leg: Leg,
    },
    /// Depends on something unknown.
    Unknown {
        /// Stage.
        stage: Stage,
    },
    /// The reference does not model this.
    Unsupported(String),
}

#[derive(Debug, Clone)]
struct State {
    pkt: Packet,
    leg: Leg,
    /// NAT translation in force: (NAT, original source address, original source port).
    nat: Option<(ResId, IpAddr, u16)>,
    appliances_fwd: Vec<ResId>,
    appliances_ret: Vec<ResId>,
    /// The forward egress check admitted the packet only through a group reference.
    egress_by_reference_only: bool,
    crossed_appliance: bool,
    crossed_pcx: bool,
    vpc: Option<ResId>,
    steps: u32,
    /// The route tables met, with the leg and the destination: meeting one again is a loop.
    routed: Vec<(ResId, Leg, IpAddr)>,
}

/// Evaluates one packet from `src` to `dst`; a NAT gateway on the path picks `nat_port`.
#[must_use]
pub(crate) fn reference(ev: &Evaluator<'_>, src: &Place, dst: &Place, packet: Packet, nat_port: u16) -> RefOutcome {
    let r = Ref { ev, src, dst, nat_port };
    let st = State {
        pkt: packet,
        leg: Leg::Forward,
        nat: None,
        appliances_fwd: Vec::new(),
        appliances_ret: Vec::new(),
        egress_by_reference_only: false,
        crossed_appliance: false,
        crossed_pcx: false,
        vpc: src.vpc,
        steps: 0,
        routed: Vec::new(),
    };
    r.start(st)
}

struct Ref<'a, 'n> {
    ev: &'a Evaluator<'n>,
    src: &'a Place,
    dst: &'a Place,
    nat_port: u16,
}

fn drop(stage: Stage, leg: Leg) -> RefOutcome {
    RefOutcome::Drop { stage, leg }
}

fn is_private_v4(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            o[0] == 10
                || (o[0] == 172 && (16..32).contains(&o[1]))
                || (o[0] == 192 && o[1] == 168)
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        IpAddr::V6(_) => false,
    }
}

impl Ref<'_, '_> {
    fn obj(&self, r: ResId) -> &Object {
        &self.ev.net.res(r).obj
    }

    fn start(&self, mut st: State) -> RefOutcome {
        match self.src.kind {
            PlaceKind::Internet => {
                // Inbound from the internet (§4): the destination needs a public address and an
                // IGW on its VPC; then the local route delivers it.
                let Some(vpc) = self.dst.vpc else { return RefOutcome::Unsupported("no VPC".into()) };
                let igw = self.ev.net.present().find_map(|(id, r)| match &r.obj {
                    Object::InternetGateway(g) if g.vpc.res() == Some(vpc) => Some(id),
                    _ => None,
                });
                if igw.is_none() {
                    return drop(Stage::Igw, Leg::Forward);
                }
                if st.pkt.dst.is_ipv4() {
                    match self.dst.public_ip {
                        Tri::Yes => {}
                        Tri::No => return drop(Stage::Igw, Leg::Forward),
                        Tri::Unknown(_) => return RefOutcome::Unknown { stage: Stage::Igw },
                    }
                }
                st.vpc = Some(vpc);
                self.local(st, None)
            }
            PlaceKind::OnPremises | PlaceKind::Service(_) => RefOutcome::Unsupported("source outside VPCs".into()),
            _ => {
                let Some(s) = self.src.subnet else { return RefOutcome::Unknown { stage: Stage::SgEgress } };
                match self.sg(self.src, &st, false) {
                    SgResult::Allow { by_reference_only } => st.egress_by_reference_only = by_reference_only,
                    SgResult::Deny => return drop(Stage::SgEgress, Leg::Forward),
                    SgResult::Unknown => return RefOutcome::Unknown { stage: Stage::SgEgress },
                }
                self.at_subnet(st, s)
            }
        }
    }

    /// The place the packet is addressed to: the destination (forward), the NAT whose
    /// translation the reply undoes, or the source (return).
    fn owner_subnet(&self, st: &State) -> Option<ResId> {
        match (st.leg, st.nat) {
            (Leg::Forward, _) => self.dst.subnet.filter(|_| self.dst.kind.in_subnet()),
            (Leg::Return, Some((n, _, _))) => match self.obj(n) {
                Object::NatGateway(g) => g.subnet.res(),
                _ => None,
            },
            (Leg::Return, None) => self.src.subnet.filter(|_| self.src.kind.in_subnet()),
        }
    }

    fn subnet_nets(&self, s: ResId) -> Vec<IpNet> {
        match self.obj(s) {
            Object::Subnet(x) => {
                let mut v = Vec::new();
                if let Val::Known(n) = x.cidr_v4 {
                    v.push(IpNet::V4(n));
                }
                if let Val::Known(n) = x.cidr_v6 {
                    v.push(IpNet::V6(n));
                }
                v
            }
            _ => Vec::new(),
        }
    }

    fn vpc_nets(&self, vpc: ResId) -> Vec<IpNet> {
        match self.obj(vpc) {
            Object::Vpc(v) => v
                .cidrs_v4
                .iter()
                .filter_map(|c| c.cidr.known().map(|n| IpNet::V4(*n)))
                .chain(v.cidrs_v6.iter().filter_map(|c| c.cidr.known().map(|n| IpNet::V6(*n))))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn subnet_vpc(&self, s: ResId) -> Option<ResId> {
        match self.obj(s) {
            Object::Subnet(x) => x.vpc.res(),
            _ => None,
        }
    }

    /// The packet is in subnet `s` (at an ENI there) and moves on.
    fn at_subnet(&self, mut st: State, s: ResId) -> RefOutcome {
        st.steps += 1;
        if st.steps > 40 {
            return RefOutcome::Unknown { stage: Stage::Route };
        }
        st.vpc = self.subnet_vpc(s);
        if self.subnet_nets(s).iter().any(|n| n.contains(&st.pkt.dst)) {
            // Same subnet: no NACL, no route table (layer 2).
            return if self.owner_subnet(&st) == Some(s) { self.arrive(st) } else { drop(Stage::Route, st.leg) };
        }
        match self.nacl(s, &st.pkt, true) {
            Some(true) => {}
            Some(false) => return drop(Stage::NaclEgress, st.leg),
            None => return RefOutcome::Unknown { stage: Stage::NaclEgress },
        }
        let Object::Subnet(sub) = self.obj(s) else { return RefOutcome::Unsupported("subnet".into()) };
        let Some(table) = sub.route_table.res() else { return RefOutcome::Unknown { stage: Stage::Route } };
        self.route(st, table, s)
    }

    fn route(&self, mut st: State, table: ResId, from: ResId) -> RefOutcome {
        // Routing depends only on the destination: the same table again routes it the same way.
        if st.routed.contains(&(table, st.leg, st.pkt.dst)) {
            return drop(Stage::Route, st.leg);
        }
        st.routed.push((table, st.leg, st.pkt.dst));
        let Object::RouteTable(t) = self.obj(table) else { return RefOutcome::Unsupported("table".into()) };
        let Some(vpc) = t.vpc.res() else { return RefOutcome::Unknown { stage: Stage::Route } };
        let vpc_nets = self.vpc_nets(vpc);
        let subnet_nets: Vec<IpNet> = self
            .ev
            .net
            .present()
            .filter(|(_, r)| matches!(&r.obj, Object::Subnet(x) if x.vpc.res() == Some(vpc)))
            .flat_map(|(id, _)| self.subnet_nets(id))
            .collect();
        // (prefix, rank, target) of every matching route; local routes first.
        let mut best: Option<(u8, u8, Option<&crate::model::Route>)> = None;
        for n in &vpc_nets {
            if n.contains(&st.pkt.dst) {
                let cand = (n.prefix_len(), 1u8, None);
                if best.is_none_or(|b| (cand.0, std::cmp::Reverse(cand.1)) > (b.0, std::cmp::Reverse(b.1))) {
                    best = Some(cand);
                }
            }
        }
        let Val::Known(routes) = &t.routes else { return RefOutcome::Unsupported("unknown routes".into()) };
        for r in routes {
            let net = match &r.dest {
                Destination::V4(Val::Known(n)) => IpNet::V4(*n),
                Destination::V6(Val::Known(n)) => IpNet::V6(*n),
                _ => return RefOutcome::Unsupported("route destination".into()),
            };
            if !net.contains(&st.pkt.dst) {
                continue;
            }
            // Routes inside the VPC CIDR: only whole-subnet ones to NAT/ENI (§1.3).
            if vpc_nets.iter().any(|v| v.contains(&net)) {
                let exact = subnet_nets.contains(&net) || vpc_nets.contains(&net);
                let kind_ok = matches!(
                    r.target_kind,
                    TargetKind::NatGateway | TargetKind::NetworkInterface | TargetKind::Instance
                );
                if !(exact && kind_ok) {
                    continue;
                }
            }
            let cand = (net.prefix_len(), 0u8, Some(r));
            match best {
                Some(b) if b.0 == cand.0 && b.1 == 0 => return RefOutcome::Unsupported("two routes".into()),
                Some(b) if (b.0, std::cmp::Reverse(b.1)) >= (cand.0, std::cmp::Reverse(cand.1)) => {}
                _ => best = Some(cand),
            }
        }
        let Some((_, _, route)) = best else { return drop(Stage::Route, st.leg) };
        let Some(route) = route else { return self.local(st, Some(from)) };
        if route.state_blackhole {
            return drop(Stage::Route, st.leg);
        }
        let target = match &route.target {
            Link::To(r, _) => *r,
            Link::Missing(_) => return drop(Stage::Route, st.leg),
            _ => return RefOutcome::Unknown { stage: Stage::Route },
        };
        match self.obj(target) {
            Object::InternetGateway(g) => self.igw(st, target, g.vpc.res()),
            Object::NatGateway(_) => self.nat(st, target, from),
            Object::Peering(_) => self.pcx(st, target),
            Object::Workload(_) => self.appliance(st, target, from),
            _ => RefOutcome::Unsupported("route target".into()),
        }
    }

    /// Local delivery to the owner in the current VPC. `from` is the subnet the packet left
    /// (None when it enters from outside).
    fn local(&self, st: State, from: Option<ResId>) -> RefOutcome {
        let Some(d) = self.owner_subnet(&st) else { return drop(Stage::Route, st.leg) };
        if self.subnet_vpc(d) != st.vpc {
            return drop(Stage::Route, st.leg);
        }
        self.enter(st, d, from)
    }

    fn enter(&self, st: State, d: ResId, from: Option<ResId>) -> RefOutcome {
        if from != Some(d) {
            match self.nacl(d, &st.pkt, false) {
                Some(true) => {}
                Some(false) => return drop(Stage::NaclIngress, st.leg),
                None => return RefOutcome::Unknown { stage: Stage::NaclIngress },
            }
        }
        self.arrive(st)
    }

    /// At the owner.
    fn arrive(&self, mut st: State) -> RefOutcome {
        match (st.leg, st.nat) {
            (Leg::Forward, _) => {
                match self.sg(self.dst, &st, true) {
                    SgResult::Allow { .. } => {}
                    SgResult::Deny => return drop(Stage::SgIngress, Leg::Forward),
                    SgResult::Unknown => return RefOutcome::Unknown { stage: Stage::SgIngress },
                }
                if st.egress_by_reference_only && st.crossed_appliance {
                    return drop(Stage::SgEgress, Leg::Forward);
                }
                self.reply(st)
            }
            (Leg::Return, Some((n, ip, port))) => {
                // The NAT restores the original destination.
                st.pkt.dst = ip;
                if st.pkt.protocol.kind() == super::sets::L4Kind::Ports {
                    st.pkt.b = port;
                }
                st.nat = None;
                let Object::NatGateway(g) = self.obj(n) else { return RefOutcome::Unsupported("nat".into()) };
                let Some(q) = g.subnet.res() else { return RefOutcome::Unknown { stage: Stage::Nat } };
                self.at_subnet(st, q)
            }
            (Leg::Return, None) => {
                for a in &st.appliances_fwd {
                    if !st.appliances_ret.contains(a) {
                        return drop(Stage::ReturnPath, Leg::Return);
                    }
                }
                for a in &st.appliances_ret {
                    if !st.appliances_fwd.contains(a) {
                        return drop(Stage::ReturnPath, Leg::Return);
                    }
                }
                RefOutcome::Pass
            }
        }
    }

    /// Turns the delivered request into its reply (§14) and walks it back from the
    /// destination (or from the internet).
    fn reply(&self, mut st: State) -> RefOutcome {
        let p = st.pkt;
        let mut r = p.reverse();
        if p.protocol.kind() == super::sets::L4Kind::Icmp {
            let Ok(request) = u8::try_from(p.a.min(255)) else { return RefOutcome::Pass };
            match super::flow::icmp_reply_type(p.protocol, request) {
                Some(t) => {
                    r.a = t.into();
                    r.b = 0;
                }
                None => return RefOutcome::Pass,
            }
        }
        st.pkt = r;
        st.leg = Leg::Return;
        st.crossed_appliance = false;
        st.crossed_pcx = false;
        st.steps = 0;
        if self.dst.kind == PlaceKind::Internet {
            // The reply comes in through the IGW the request left by, to the owner.
            return self.local(st, None);
        }
        let Some(s) = self.dst.subnet else { return RefOutcome::Unknown { stage: Stage::Route } };
        self.at_subnet(st, s)
    }

    fn igw(&self, st: State, g: ResId, gw_vpc: Option<ResId>) -> RefOutcome {
        if gw_vpc != st.vpc || gw_vpc.is_none() {
            return drop(Stage::Igw, st.leg);
        }
        if is_private_v4(st.pkt.dst) {
            return drop(Stage::Igw, st.leg);
        }
        let _ = g;
        if st.pkt.src.is_ipv4() {
            let public = match (st.leg, st.nat) {
                (Leg::Forward, Some((n, _, _))) => match self.obj(n) {
                    Object::NatGateway(x) => match x.public {
                        Val::Known(true) => Tri::Yes,
                        Val::Known(false) => Tri::No,
                        _ => Tri::Unknown(String::new()),
                    },
                    _ => Tri::Unknown(String::new()),
                },
                (Leg::Forward, None) if st.crossed_appliance => return RefOutcome::Unknown { stage: Stage::Igw },
                (Leg::Forward, None) => self.src.public_ip.clone(),
                (Leg::Return, _) => self.dst.public_ip.clone(),
            };
            match public {
                Tri::Yes => {}
                Tri::No => return drop(Stage::Igw, st.leg),
                Tri::Unknown(_) => return RefOutcome::Unknown { stage: Stage::Igw },
            }
        }
        match st.leg {
            Leg::Forward if self.dst.kind == PlaceKind::Internet => {
                let mut st = st;
                st.vpc = gw_vpc;
                self.reply(st)
            }
            Leg::Return if self.src.kind == PlaceKind::Internet => {
                for a in &st.appliances_fwd {
                    if !st.appliances_ret.contains(a) {
                        return drop(Stage::ReturnPath, Leg::Return);
                    }
                }
                for a in &st.appliances_ret {
                    if !st.appliances_fwd.contains(a) {
                        return drop(Stage::ReturnPath, Leg::Return);
                    }
                }
                RefOutcome::Pass
            }
            _ => drop(Stage::Igw, st.leg),
        }
    }

    fn nat(&self, mut st: State, n: ResId, from: ResId) -> RefOutcome {
        if st.leg == Leg::Return {
            return drop(Stage::Nat, Leg::Return);
        }
        let Object::NatGateway(g) = self.obj(n) else { return RefOutcome::Unsupported("nat".into()) };
        let Some(q) = g.subnet.res() else { return RefOutcome::Unknown { stage: Stage::Nat } };
        if self.subnet_vpc(q) != st.vpc {
            return drop(Stage::Nat, Leg::Forward);
        }
        if st.crossed_pcx {
            return drop(Stage::Nat, Leg::Forward);
        }
        let p = st.pkt.protocol;
        if !(p == Protocol::TCP || p == Protocol::UDP || p == Protocol::ICMP) || st.pkt.dst.is_ipv6() {
            return drop(Stage::Nat, Leg::Forward);
        }
        if from != q {
            match self.nacl(q, &st.pkt, false) {
                Some(true) => {}
                Some(false) => return drop(Stage::NaclIngress, Leg::Forward),
                None => return RefOutcome::Unknown { stage: Stage::NaclIngress },
            }
        }
        let Some(nat_addr) = self
            .ev
            .places_of(n)
            .ok()
            .and_then(|p| p.into_iter().next())
            .and_then(|p| p.addrs.v4.first().map(|a| IpAddr::V4(a.into())))
        else {
            return RefOutcome::Unknown { stage: Stage::Nat };
        };
        st.nat = Some((n, st.pkt.src, st.pkt.a));
        st.pkt.src = nat_addr;
        if p.kind() == super::sets::L4Kind::Ports {
            st.pkt.a = self.nat_port;
        }
        self.at_subnet(st, q)
    }

    fn pcx(&self, mut st: State, p: ResId) -> RefOutcome {
        let Object::Peering(pc) = self.obj(p) else { return RefOutcome::Unsupported("pcx".into()) };
        let peer = if pc.requester.res() == st.vpc {
            pc.accepter.res()
        } else if pc.accepter.res() == st.vpc {
            pc.requester.res()
        } else {
            return drop(Stage::Peering, st.leg);
        };
        let Some(peer) = peer else { return RefOutcome::Unknown { stage: Stage::Peering } };
        match pc.accepted {
            Val::Known(true) => {}
            Val::Known(false) => return drop(Stage::Peering, st.leg),
            _ => return RefOutcome::Unknown { stage: Stage::Peering },
        }
        let own = st.vpc.map(|v| self.vpc_nets(v)).unwrap_or_default();
        let theirs = self.vpc_nets(peer);
        if own.iter().any(|a| theirs.iter().any(|b| a.contains(&b.network()) || b.contains(&a.network()))) {
            return drop(Stage::Peering, st.leg);
        }
        if !own.iter().any(|n| n.contains(&st.pkt.src)) || !theirs.iter().any(|n| n.contains(&st.pkt.dst)) {
            return drop(Stage::Peering, st.leg);
        }
        st.crossed_pcx = true;
        st.vpc = Some(peer);
        self.local(st, None)
    }

    fn appliance(&self, mut st: State, w: ResId, from: ResId) -> RefOutcome {
        let Some(place) = self.ev.places_of(w).ok().and_then(|p| p.into_iter().next()) else {
            return RefOutcome::Unsupported("appliance".into());
        };
        let Some(s) = place.subnet else { return RefOutcome::Unknown { stage: Stage::Appliance } };
        if place.vpc != st.vpc {
            return drop(Stage::Appliance, st.leg);
        }
        if from != s {
            match self.nacl(s, &st.pkt, false) {
                Some(true) => {}
                Some(false) => return drop(Stage::NaclIngress, st.leg),
                None => return RefOutcome::Unknown { stage: Stage::NaclIngress },
            }
        }
        let seen = st.appliances_fwd.contains(&w);
        let check_sg = st.leg == Leg::Forward || !seen;
        if check_sg {
            match self.sg(&place, &st, true) {
                SgResult::Allow { .. } => {}
                SgResult::Deny => return drop(Stage::SgIngress, st.leg),
                SgResult::Unknown => return RefOutcome::Unknown { stage: Stage::SgIngress },
            }
        }
        match place.source_dest_check {
            Val::Known(false) => {}
            Val::Known(true) => return drop(Stage::Appliance, st.leg),
            _ => return RefOutcome::Unknown { stage: Stage::Appliance },
        }
        st.crossed_appliance = true;
        match st.leg {
            Leg::Forward => st.appliances_fwd.push(w),
            Leg::Return => st.appliances_ret.push(w),
        }
        if check_sg {
            match self.sg(&place, &st, false) {
                SgResult::Allow { .. } => {}
                SgResult::Deny => return drop(Stage::SgEgress, st.leg),
                SgResult::Unknown => return RefOutcome::Unknown { stage: Stage::SgEgress },
            }
        }
        self.at_subnet(st, s)
    }

    /// The NACL of subnet `s`, outbound or inbound: `Some(allow)`, `None` when unknown.
    fn nacl(&self, s: ResId, p: &Packet, egress: bool) -> Option<bool> {
        let Object::Subnet(sub) = self.obj(s) else { return None };
        let acl = sub.nacl.res()?;
        let Object::NetworkAcl(a) = self.obj(acl) else { return None };
        let rules = if egress { &a.egress } else { &a.ingress };
        let Val::Known(rules) = rules else { return None };
        let mut sorted: Vec<&NaclRule> = rules.iter().collect();
        if sorted.iter().any(|r| r.number.known().is_none()) {
            return None;
        }
        sorted.sort_by_key(|r| r.number.known().copied().unwrap_or(0));
        for r in sorted {
            let Val::Known(cidr) = r.cidr else { return None };
            let peer = if egress { p.dst } else { p.src };
            if !cidr.contains(&peer) {
                continue;
            }
            let Val::Known(proto) = &r.protocol else { return None };
            let Ok(proto) = proto.parse::<RuleProtocol>() else { return None };
            let hit = match proto {
                RuleProtocol::All => true,
                RuleProtocol::Only(q) if q != p.protocol => false,
                RuleProtocol::Only(q) if q == Protocol::TCP || q == Protocol::UDP => {
                    let (Val::Known(from), Val::Known(to)) = (&r.from_port, &r.to_port) else { return None };
                    i64::from(p.b) >= *from && i64::from(p.b) <= *to
                }
                RuleProtocol::Only(q) if q == Protocol::ICMP || q == Protocol::ICMPV6 => {
                    let ok = |v: &Val<i64>, x: u16| match v {
                        Val::Known(-1) | Val::Absent => Some(true),
                        Val::Known(t) => Some(*t == i64::from(x)),
                        Val::Unknown => None,
                    };
                    ok(&r.icmp_type, p.a)? && ok(&r.icmp_code, p.b)?
                }
                RuleProtocol::Only(_) => true,
            };
            if hit {
                return r.allow.known().copied();
            }
        }
        Some(false)
    }

    /// The security groups of `place`: inbound (`ingress`) or outbound.
    fn sg(&self, place: &Place, st: &State, ingress: bool) -> SgResult {
        let groups = match &place.sgs {
            SgList::NotApplicable => return SgResult::Allow { by_reference_only: false },
            SgList::Unknown(_) => return SgResult::Unknown,
            SgList::Groups(g) => g.clone(),
        };
        let p = &st.pkt;
        let mut by_cidr = false;
        let mut by_ref = false;
        for key in &groups {
            let GroupKey::Res(g) = key else { return SgResult::Unknown };
            let Object::SecurityGroup(group) = self.obj(*g) else { return SgResult::Unknown };
            let rules = if ingress { &group.ingress } else { &group.egress };
            let Val::Known(rules) = rules else { return SgResult::Unknown };
            for r in rules {
                match self.sg_rule(*g, r, p, st, ingress) {
                    Some(Hit::Cidr) => by_cidr = true,
                    Some(Hit::Reference) => by_ref = true,
                    Some(Hit::No) => {}
                    None => return SgResult::Unknown,
                }
            }
        }
        if by_cidr || by_ref { SgResult::Allow { by_reference_only: !by_cidr } } else { SgResult::Deny }
    }

    fn sg_rule(&self, group: ResId, r: &SgRule, p: &Packet, st: &State, ingress: bool) -> Option<Hit> {
        let proto = r.protocol.known()?.parse::<RuleProtocol>().ok()?;
        let l4 = match proto {
            RuleProtocol::All => true,
            RuleProtocol::Only(q) if q != p.protocol => false,
            RuleProtocol::Only(q) if q == Protocol::TCP || q == Protocol::UDP => {
                let (from, to) = (*r.from_port.known()?, *r.to_port.known()?);
                from < 0 || (i64::from(p.b) >= from && i64::from(p.b) <= to)
            }
            RuleProtocol::Only(q) if q == Protocol::ICMP || q == Protocol::ICMPV6 => {
                let (t, c) = (*r.from_port.known()?, *r.to_port.known()?);
                (t == -1 || t == i64::from(p.a)) && (c == -1 || c == i64::from(p.b))
            }
            RuleProtocol::Only(_) => true,
        };
        if !l4 {
            return Some(Hit::No);
        }
        let other = if ingress { p.src } else { p.dst };
        match &r.peer {
            SgPeer::Cidr(Val::Known(n)) => Some(if n.contains(&other) { Hit::Cidr } else { Hit::No }),
            SgPeer::Cidr(_) => None,
            SgPeer::SelfGroup | SgPeer::Group(_) => {
                let wanted = match &r.peer {
                    SgPeer::Group(Link::To(g, _)) => *g,
                    SgPeer::SelfGroup => group,
                    SgPeer::Group(Link::Missing(_)) => return Some(Hit::No),
                    _ => return None,
                };
                // The other ENI: the source (ingress) or destination (egress) of the flow.
                let (other_place, direct) = if ingress {
                    (self.src, st.nat.is_none() && !st.crossed_appliance && st.leg == Leg::Forward)
                } else {
                    (self.dst, true)
                };
                if !direct || other_place.is_external() || !other_place.addrs.contains(other) {
                    return Some(Hit::No);
                }
                match &other_place.sgs {
                    SgList::Groups(gs) if gs.contains(&GroupKey::Res(wanted)) => Some(Hit::Reference),
                    SgList::Groups(_) | SgList::NotApplicable => Some(Hit::No),
                    SgList::Unknown(_) => None,
                }
            }
            SgPeer::PrefixList(_) => None,
        }
    }
}

enum Hit {
    Cidr,
    Reference,
    No,
}

enum SgResult {
    Allow { by_reference_only: bool },
    Deny,
    Unknown,
}
