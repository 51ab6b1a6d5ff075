//! Arriving: entering a subnet (NACL ingress), what the arrival is for (the flow's end, a NAT,
//! an appliance, a GWLB endpoint, a transit gateway attachment), delivery to the destination
//! (SG ingress), and the return leg: replies started, sent back the way the request left, and
//! finished at the source.

use super::{Arrival, Branch, Crossing, Exit, Owner, Walker};
use crate::eval::flow::icmp_to_replies;
use crate::eval::nacl::Direction;
use crate::eval::place::{Place, PlaceKind, Tri};
use crate::eval::reach::{Decision, Leg, Stage};
use crate::eval::sets::{L4Kind, PacketSet};
use crate::eval::sg::{RefValidity, SgDirection, SgList};
use crate::model::{Object, ResId};

impl<'e, 'n> Walker<'e, 'n> {
    /// The packets enter `subnet` (NACL ingress unless they are already inside it).
    pub(super) fn enter(&mut self, mut b: Branch, subnet: ResId, arrival: Arrival, force_nacl: bool) {
        if b.at_subnet != Some(subnet) || force_nacl {
            let Some(nb) = self.nacl(b, subnet, Direction::Ingress) else { return };
            b = nb;
        }
        if let Some(info) = self.ev.subnet(subnet) {
            b.at_vpc = info.vpc;
        }
        b.at_subnet = Some(subnet);
        if let Some(last) = b.hop.and_then(|h| self.hops.get_mut(h as usize))
            && !last.via.contains(&subnet)
        {
            last.via.push(subnet);
        }
        self.arrive(b, arrival);
    }

    pub(super) fn arrive(&mut self, b: Branch, arrival: Arrival) {
        let ev = self.namer();
        match arrival {
            Arrival::Owner => match self.owner(&b) {
                Owner::Place(p) => match b.leg {
                    Leg::Forward => self.deliver(b, p),
                    Leg::Return => self.finish_return(b),
                },
                Owner::Nat(n) => self.nat_return(b, n),
            },
            Arrival::Nat(n) => self.nat_translate(b, n),
            Arrival::Appliance(w) => self.appliance_at(b, w),
            Arrival::Gwlb(e) => self.gwlb_at(b, e),
            Arrival::Tgw { tgw, att } => {
                let mut b = b;
                let sg_ref = self.tgw_sg_referencing(tgw, att);
                b.crossings.push(Crossing::Tgw { res: tgw, sg_ref });
                self.hop(
                    &mut b,
                    Stage::Tgw,
                    ev.net.name(tgw),
                    Decision::Forward,
                    || format!("enters {} through {}", ev.net.name(tgw), ev.net.name(att)),
                    &[att, tgw],
                );
                self.tgw_route(b, tgw, att);
            }
        }
    }

    /// Arrival at the destination ENI: SG ingress, deferred egress-reference checks, then the
    /// reply.
    pub(super) fn deliver(&mut self, b: Branch, p: &Place) {
        let Some(mut b) = self.sg(b, p, SgDirection::Ingress) else { return };
        let refs = std::mem::take(&mut b.egress_refs);
        for r in refs {
            let part = b.set.intersect(&r.set);
            if part.is_empty() {
                continue;
            }
            let start = r.at.min(b.crossings.len());
            match self.ref_validity(&b.crossings[start..]) {
                RefValidity::Valid => {}
                RefValidity::Invalid(why) => {
                    self.drop(&b, &part, Stage::SgEgress, Some(&r.group), || {
                        format!("the outbound rule of {} that admits it references a security group: {why}", r.group)
                    });
                    b.set = b.set.difference(&part);
                }
                RefValidity::Unknown(why) => {
                    self.undetermined(&b, &part, Stage::SgEgress, Some(&r.group), || why);
                    b.set = b.set.difference(&part);
                }
            }
        }
        if b.set.is_empty() {
            return;
        }
        self.hop(&mut b, Stage::Deliver, &p.name, Decision::Deliver, || format!("delivered to {}", p.name), &[]);
        self.start_return(b, None);
    }

    /// Turns the delivered requests into replies and walks them back.
    pub(super) fn start_return(&mut self, b: Branch, exit: Option<Exit>) {
        let icmp = b.set.protocols().intersects(L4Kind::Icmp.protocol_set());
        let replies = if icmp { icmp_to_replies(&b.set.reverse()) } else { b.set.reverse() };
        let no_reply = if icmp { crate::eval::flow::icmp_without_reply(&b.set) } else { PacketSet::empty() };
        if !no_reply.is_empty() {
            // ICMP messages that elicit no reply (errors, replies) only need the forward leg.
            let nb = b.with(no_reply);
            self.pass(&nb);
        }
        if replies.is_empty() {
            return;
        }
        let mut r = b.with(replies);
        r.leg = Leg::Return;
        r.crossings.clear();
        r.depth = 0;
        match exit {
            None => {
                let p = self.dst;
                let Some(subnet) = p.subnet else { return };
                r.at_subnet = Some(subnet);
                let why = match p.sgs {
                    SgList::NotApplicable => "no security group",
                    _ => "security groups are stateful: replies are not checked",
                };
                self.hop(&mut r, Stage::SgEgress, &p.name, Decision::Skip, || why.to_string(), &[]);
                if self.src.kind == PlaceKind::NetworkLoadBalancer && self.src.preserves_client_ip == Tri::Yes {
                    // Replies to preserved client addresses go back through the load balancer.
                    let Some(rb) = self.nacl(r, subnet, Direction::Egress) else { return };
                    let Some(lb_subnet) = self.src.subnet else { return };
                    let mut rb = rb;
                    self.hop(
                        &mut rb,
                        Stage::Route,
                        &self.src.name,
                        Decision::Forward,
                        || "replies to preserved client addresses return through the load balancer".into(),
                        &[],
                    );
                    self.enter(rb, lb_subnet, Arrival::Owner, false);
                    return;
                }
                self.leave(r, subnet);
            }
            Some(exit) => self.return_from_exit(r, exit),
        }
    }

    pub(super) fn return_from_exit(&mut self, mut r: Branch, exit: Exit) {
        let ev = self.namer();
        r.at_subnet = None;
        match exit {
            Exit::Igw(g) => {
                r.at_vpc = self.gateway_vpc(g);
                self.hop(
                    &mut r,
                    Stage::Igw,
                    ev.net.name(g),
                    Decision::Translate,
                    || "the reply enters through the internet gateway (1:1 NAT back to the private address)".into(),
                    &[],
                );
                self.ingress_via_gateway(r, g);
            }
            Exit::Eigw(g) => {
                r.at_vpc = self.gateway_vpc(g);
                self.hop(
                    &mut r,
                    Stage::Eigw,
                    ev.net.name(g),
                    Decision::Forward,
                    || "the egress-only gateway admits replies to outbound connections".into(),
                    &[],
                );
                self.local(r);
            }
            Exit::GatewayEndpoint(e) => {
                r.at_vpc = match &self.ev.net.res(e).obj {
                    Object::Endpoint(ep) => ep.vpc.res(),
                    _ => None,
                };
                self.hop(
                    &mut r,
                    Stage::Endpoint,
                    ev.net.name(e),
                    Decision::Forward,
                    || "the service replies through the gateway endpoint".into(),
                    &[],
                );
                self.local(r);
            }
            Exit::Vgw(v) => {
                r.at_vpc = self.gateway_vpc(v);
                self.hop(
                    &mut r,
                    Stage::Vpn,
                    ev.net.name(v),
                    Decision::Forward,
                    || "the reply enters through the VPN gateway".into(),
                    &[],
                );
                self.ingress_via_gateway(r, v);
            }
            Exit::TgwVpn { tgw, conn } => {
                self.hop(
                    &mut r,
                    Stage::Vpn,
                    ev.net.name(conn),
                    Decision::Forward,
                    || format!("the reply enters {} through {}", ev.net.name(tgw), ev.net.name(conn)),
                    &[],
                );
                self.tgw_route(r, tgw, conn);
            }
        }
    }

    pub(super) fn gateway_vpc(&self, g: ResId) -> Option<ResId> {
        match &self.ev.net.res(g).obj {
            Object::InternetGateway(x) | Object::EgressOnlyGateway(x) => x.vpc.res(),
            Object::VpnGateway(x) => x.vpc.res(),
            _ => None,
        }
    }

    /// Traffic entering a VPC from an IGW or VGW: the gateway's edge route table if it has one
    /// (§1.7), else the local route.
    pub(super) fn ingress_via_gateway(&mut self, b: Branch, g: ResId) {
        match self.ev.edge_tables.get(&g) {
            Some(&t) => self.route_table(b, t),
            None => self.local(b),
        }
    }

    /// The reply is back at the flow's source.
    pub(super) fn finish_return(&mut self, mut b: Branch) {
        let ev = self.namer();
        for a in b.fwd_appliances.clone() {
            if !b.ret_appliances.contains(&a) {
                let set = b.set.clone();
                self.drop(&b, &set, Stage::ReturnPath, Some(ev.net.name(a)), || {
                    format!("asymmetric path: the request went through {}, the reply does not (middlebox traffic must return the same way)", ev.net.name(a))
                });
                return;
            }
        }
        for a in b.ret_appliances.clone() {
            if !b.fwd_appliances.contains(&a) {
                let set = b.set.clone();
                self.drop(&b, &set, Stage::ReturnPath, Some(ev.net.name(a)), || {
                    format!("asymmetric path: the reply goes through {}, which never saw the request", ev.net.name(a))
                });
                return;
            }
        }
        let src = self.src;
        if src.kind.in_subnet() {
            let why = match src.sgs {
                SgList::NotApplicable => "no security group",
                _ => "security groups are stateful: the reply is admitted",
            };
            self.hop(&mut b, Stage::SgIngress, &src.name, Decision::Skip, || why.to_string(), &[]);
        }
        self.hop(
            &mut b,
            Stage::Deliver,
            &src.name,
            Decision::Deliver,
            || format!("the reply reaches {}", src.name),
            &[],
        );
        self.pass(&b);
    }
}
