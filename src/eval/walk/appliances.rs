//! Middleboxes on the path (§1.3): appliance ENIs a route points at, Gateway Load Balancer
//! endpoints and AWS Network Firewall endpoints (§1.9; all pass the packets again on the way
//! back), and gateway endpoints to S3 and DynamoDB (§1.5, §8).

use super::{Arrival, Branch, Crossing, Exit, Open, StopKind, Walker, protocols_part};
use crate::eval::place::{Place, PlaceKind};
use crate::eval::reach::{Decision, Leg, Stage};
use crate::eval::route::restrict_src;
use crate::eval::sets::{PacketSet, PortSet, Protocol};
use crate::eval::sg::SgDirection;
use crate::model::{Link, Object, ResId, Val};

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn appliance_place(&self, w: ResId) -> Option<Place> {
        self.ev.places_of(w).ok().and_then(|p| p.into_iter().next())
    }

    pub(super) fn appliance_in(&mut self, b: Branch, w: ResId) {
        if self.open != Open::Closed {
            let set = b.set.clone();
            self.stop(&b, set, StopKind::Unsupported);
            return;
        }
        let ev = self.namer();
        let name = ev.net.name(w);
        let Some(place) = self.appliance_place(w) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Appliance, Some(name), || {
                format!("{name} is not an ENI tfvpc can place")
            });
            return;
        };
        let Some(s) = place.subnet else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Appliance, Some(name), || format!("the subnet of {name} is not known"));
            return;
        };
        if place.vpc != b.at_vpc {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Appliance, Some(name), || format!("{name} is not in the route table's VPC"));
            return;
        }
        self.enter(b, s, Arrival::Appliance(w), false);
    }

    pub(super) fn appliance_at(&mut self, b: Branch, w: ResId) {
        let ev = self.namer();
        let name = ev.net.name(w);
        let Some(place) = self.appliance_place(w) else { return };
        let Some(s) = place.subnet else { return };
        let seen = b.fwd_appliances.contains(&w);
        let mut b = if b.leg == Leg::Forward || !seen {
            match self.sg(b, &place, SgDirection::Ingress) {
                Some(b) => b,
                None => return,
            }
        } else {
            b
        };
        match &place.source_dest_check {
            Val::Known(false) => {}
            Val::Known(true) => {
                let set = b.set.clone();
                self.drop(&b, &set, Stage::Appliance, Some(name), || {
                    format!("{name} has source/destination checking on, so it drops traffic not addressed to it (ENI_SOURCE_DEST_CHECK_RESTRICTION)")
                });
                return;
            }
            _ => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Appliance, Some(name), || {
                    format!("whether {name} checks source/destination is unknown")
                });
                return;
            }
        }
        b.crossings.push(Crossing::Appliance(w));
        match b.leg {
            Leg::Forward => b.fwd_appliances.push(w),
            Leg::Return => b.ret_appliances.push(w),
        }
        self.hop(
            &mut b,
            Stage::Appliance,
            name,
            Decision::Forward,
            || format!("{name} forwards it (source/destination check off)"),
            &[w],
        );
        let mut b = if b.leg == Leg::Forward || !seen {
            // The appliance sends the packet on: its outbound rules apply.
            let saved = b.ident.clone();
            match self.sg(b, &place, SgDirection::Egress) {
                Some(mut b) => {
                    b.ident = saved;
                    b
                }
                None => return,
            }
        } else {
            b
        };
        b.at_subnet = Some(s);
        self.leave(b, s);
    }

    pub(super) fn gwlb_in(&mut self, b: Branch, e: ResId) {
        if self.open != Open::Closed {
            let set = b.set.clone();
            self.stop(&b, set, StopKind::Unsupported);
            return;
        }
        let ev = self.namer();
        let name = ev.net.name(e);
        let subnet = match &self.ev.net.res(e).obj {
            Object::Endpoint(ep) => match &ep.subnets {
                Val::Known(list) => list.first().and_then(Link::res),
                _ => None,
            },
            _ => None,
        };
        let Some(s) = subnet else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Endpoint, Some(name), || format!("the subnet of {name} is not known"));
            return;
        };
        self.enter(b, s, Arrival::Gwlb(e), false);
    }

    pub(super) fn gwlb_at(&mut self, mut b: Branch, e: ResId) {
        let ev = self.namer();
        let name = ev.net.name(e);
        let Some(s) = b.at_subnet else { return };
        b.crossings.push(Crossing::Appliance(e));
        match b.leg {
            Leg::Forward => b.fwd_appliances.push(e),
            Leg::Return => b.ret_appliances.push(e),
        }
        match self.firewall_of(e) {
            // docs/semantics.md §1.9: the firewall forwards per its subnet's route table; whether
            // its policy passes the flow is decided when the walk would deliver it (`pass`).
            Some(fw) => {
                let fw_name = ev.net.name(fw);
                let subnet = ev.net.name(s);
                self.hop(&mut b, Stage::Endpoint, name, Decision::Forward, || {
                    format!("endpoint of AWS Network Firewall {fw_name}: it inspects the packets and sends them on per {subnet}'s route table (its policy is not evaluated)")
                }, &[e, fw]);
            }
            None => self.hop(&mut b, Stage::Endpoint, name, Decision::Forward, || {
                "Gateway Load Balancer endpoint: the appliances behind it are not modelled and are assumed to return the flow".into()
            }, &[e]),
        }
        self.leave(b, s);
    }

    /// The AWS Network Firewall endpoint `e` belongs to, if it is one.
    pub(super) fn firewall_of(&self, e: ResId) -> Option<ResId> {
        match &self.ev.net.res(e).obj {
            Object::Endpoint(ep) => ep.firewall,
            _ => None,
        }
    }
}

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn gateway_endpoint(&mut self, mut b: Branch, e: ResId) {
        let ev = self.namer();
        let name = ev.net.name(e);
        if b.leg == Leg::Return {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Endpoint, Some(name), || "the reply is routed into a gateway endpoint".into());
            return;
        }
        // TCP and ICMP echo only (VPCE_GATEWAY_PROTOCOL_RESTRICTION).
        let tcp = protocols_part(&b.set, &Protocol::TCP.set());
        let echo = b.set.intersect(&PacketSet::from_match(&crate::eval::sets::PacketMatch {
            protocols: Protocol::ICMP.set(),
            a: PortSet::single(8),
            ..crate::eval::sets::PacketMatch::all()
        }));
        let other = b.set.difference(&tcp).difference(&echo);
        if !other.is_empty() {
            self.drop(&b, &other, Stage::Endpoint, Some(name), || {
                "gateway endpoints carry only TCP and ICMP echo (VPCE_GATEWAY_PROTOCOL_RESTRICTION)".into()
            });
            b.set = b.set.difference(&other);
        }
        let vpc_cidr = b.at_vpc.and_then(|v| self.ev.vpc(v)).map(|v| v.cidr.clone()).unwrap_or_default();
        let foreign = b.set.difference(&restrict_src(&b.set, &vpc_cidr));
        if !foreign.is_empty() {
            self.drop(&b, &foreign, Stage::Endpoint, Some(name), || {
                "the source is outside the endpoint's VPC: gateway endpoints do not serve peered, transit or on-premises traffic (VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION)".into()
            });
            b.set = b.set.difference(&foreign);
        }
        if b.set.is_empty() {
            return;
        }
        if !matches!(self.dst.kind, PlaceKind::Service(_)) {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Endpoint, Some(name), || "the destination is not the endpoint's service".into());
            return;
        }
        self.hop(
            &mut b,
            Stage::Endpoint,
            name,
            Decision::Forward,
            || "the gateway endpoint route carries it to the service (free)".into(),
            &[e],
        );
        let dst = self.dst.name.clone();
        self.hop(&mut b, Stage::Deliver, &dst, Decision::Deliver, || format!("reaches {dst}"), &[]);
        self.start_return(b, Some(Exit::GatewayEndpoint(e)));
    }
}
