//! The internet (§4): internet gateways (a public address needed, 1:1 NAT), egress-only
//! internet gateways (IPv6, replies only inbound), and flows initiated from the internet.

use super::text::dst_text;
use super::{Branch, Crossing, Exit, Walker, family_part};
use crate::eval::place::{PlaceKind, Tri};
use crate::eval::reach::{Decision, Leg, Stage};
use crate::eval::route::restrict_dst;
use crate::eval::sets::{Family, IpSet};
use crate::eval::sg::Ident;
use crate::model::{Link, Object, ResId};

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn public_check(&mut self, b: &mut Branch, g: ResId, stage: Stage) -> bool {
        let ev = self.namer();
        let name = ev.net.name(g);
        let v4 = family_part(&b.set, Family::V4);
        if v4.is_empty() {
            return true;
        }
        // Who the packet's source address belongs to.
        let (who, public) = match b.leg {
            Leg::Forward => match b.frames.last() {
                Some(f) => {
                    let nat = self.appliance_place(f.nat);
                    (ev.net.name(f.nat).to_string(), nat.map_or(Tri::Unknown("unknown NAT".into()), |p| p.public_ip))
                }
                None => {
                    // A Gateway Load Balancer endpoint never translates (the appliances behind
                    // it return the packet as it was: GENEVE encapsulation, §1.3); an instance or
                    // interface appliance may be a NAT instance.
                    let net = self.ev.net;
                    if let Some(Crossing::Appliance(a)) = b.crossings.iter().rev().find(
                        |c| matches!(c, Crossing::Appliance(a) if !matches!(net.res(*a).obj, Object::Endpoint(_))),
                    ) {
                        let a = *a;
                        self.undetermined(b, &v4, stage, Some(name), || {
                            format!(
                                "whether {} translates source addresses (a NAT instance) is not in the plan",
                                ev.net.name(a)
                            )
                        });
                        b.set = b.set.difference(&v4);
                        return !b.set.is_empty();
                    }
                    (self.src.name.clone(), self.src.public_ip.clone())
                }
            },
            Leg::Return => (self.dst.name.clone(), self.dst.public_ip.clone()),
        };
        match public {
            Tri::Yes => true,
            Tri::No => {
                self.drop(b, &v4, stage, Some(name), || {
                    format!("{who} has no public IPv4 address or Elastic IP, so {name} drops it (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)")
                });
                b.set = b.set.difference(&v4);
                !b.set.is_empty()
            }
            Tri::Unknown(why) => {
                self.undetermined(b, &v4, stage, Some(name), || {
                    format!("whether {who} has a public IPv4 address is unknown: {why}")
                });
                b.set = b.set.difference(&v4);
                !b.set.is_empty()
            }
        }
    }

    pub(super) fn igw_out(&mut self, mut b: Branch, g: ResId) {
        let ev = self.namer();
        let name = ev.net.name(g);
        let gw_vpc = self.gateway_vpc(g);
        if gw_vpc.is_none() || gw_vpc != b.at_vpc {
            let set = b.set.clone();
            if gw_vpc.is_none()
                && !matches!(&self.ev.net.res(g).obj, Object::InternetGateway(x) if x.vpc == Link::Absent)
            {
                self.undetermined(&b, &set, Stage::Igw, Some(name), || {
                    format!("the VPC {name} is attached to is not known")
                });
            } else {
                self.drop(&b, &set, Stage::Igw, Some(name), || {
                    format!("{name} is not attached to this VPC: the route {}", crate::eval::BLACKHOLE)
                });
            }
            return;
        }
        let private = restrict_dst(&b.set, &crate::eval::addr::private_v4());
        if !private.is_empty() {
            self.drop(&b, &private, Stage::Igw, Some(name), || {
                format!(
                    "{name} drops packets to private addresses {} (IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS)",
                    dst_text(ev.on(b.leg), &private.dst_addrs())
                )
            });
            b.set = b.set.difference(&private);
        }
        if b.set.is_empty() || !self.public_check(&mut b, g, Stage::Igw) {
            return;
        }
        if b.leg == Leg::Forward && !self.nat64_left(&mut b, Stage::Igw, name) {
            return;
        }
        match b.leg {
            Leg::Forward => match &self.dst.kind {
                PlaceKind::Internet | PlaceKind::Service(_) => {
                    self.hop(
                        &mut b,
                        Stage::Igw,
                        name,
                        Decision::Translate,
                        || "leaves through the internet gateway (1:1 NAT to the public address)".into(),
                        &[g],
                    );
                    let dst = self.dst.name.clone();
                    self.hop(&mut b, Stage::Deliver, &dst, Decision::Deliver, || format!("reaches {dst}"), &[]);
                    self.start_return(b, Some(Exit::Igw(g)));
                }
                _ => {
                    let set = b.set.clone();
                    let dst = self.dst.name.clone();
                    self.drop(&b, &set, Stage::Igw, Some(name), || {
                        format!("{dst} is not on the internet; the packet is lost there")
                    });
                }
            },
            Leg::Return => {
                if self.src.kind == PlaceKind::Internet {
                    self.hop(
                        &mut b,
                        Stage::Igw,
                        name,
                        Decision::Translate,
                        || "the reply leaves through the internet gateway (1:1 NAT to the public address)".into(),
                        &[g],
                    );
                    self.finish_return(b);
                } else {
                    let set = b.set.clone();
                    let src = self.src.name.clone();
                    self.drop(&b, &set, Stage::Igw, Some(name), || {
                        format!("the reply to {src} is routed to the internet gateway")
                    });
                }
            }
        }
    }

    /// Packets to NAT64's well-known prefix `64:ff9b::/96` that reach an internet gateway
    /// untranslated: only a NAT gateway translates them (a route for 64:ff9b::/96 to it); the
    /// internet does not route the prefix, but this is not modelled as a certain drop. They are
    /// undetermined with that reason; true when other packets remain.
    fn nat64_left(&mut self, b: &mut Branch, stage: Stage, name: &str) -> bool {
        let nat64: IpSet = "64:ff9b::/96".parse::<ipnet::IpNet>().map(IpSet::from_net).unwrap_or_default();
        let untranslated = restrict_dst(&b.set, &nat64);
        if untranslated.is_empty() {
            return true;
        }
        let ev = self.namer();
        let leg = b.leg;
        self.undetermined(b, &untranslated, stage, Some(name), || {
            format!(
                "{} is in NAT64's prefix 64:ff9b::/96, which only a NAT gateway translates (a route for 64:ff9b::/96 to a NAT gateway); {name} would send it untranslated",
                dst_text(ev.on(leg), &untranslated.dst_addrs())
            )
        });
        b.set = b.set.difference(&untranslated);
        !b.set.is_empty()
    }

    pub(super) fn eigw_out(&mut self, mut b: Branch, g: ResId) {
        let ev = self.namer();
        let name = ev.net.name(g);
        let v4 = family_part(&b.set, Family::V4);
        if !v4.is_empty() {
            self.drop(&b, &v4, Stage::Eigw, Some(name), || "an egress-only internet gateway carries IPv6 only".into());
            b.set = b.set.difference(&v4);
            if b.set.is_empty() {
                return;
            }
        }
        if self.gateway_vpc(g) != b.at_vpc {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Eigw, Some(name), || format!("{name} is not attached to this VPC"));
            return;
        }
        if b.leg == Leg::Forward && !self.nat64_left(&mut b, Stage::Eigw, name) {
            return;
        }
        match b.leg {
            Leg::Forward if self.dst.is_internet() => {
                self.hop(
                    &mut b,
                    Stage::Eigw,
                    name,
                    Decision::Forward,
                    || "leaves through the egress-only internet gateway".into(),
                    &[g],
                );
                self.start_return(b, Some(Exit::Eigw(g)));
            }
            Leg::Return if self.src.is_internet() => {
                self.hop(
                    &mut b,
                    Stage::Eigw,
                    name,
                    Decision::Forward,
                    || "the reply leaves through the egress-only internet gateway".into(),
                    &[g],
                );
                self.finish_return(b);
            }
            _ => {
                let set = b.set.clone();
                self.drop(&b, &set, Stage::Eigw, Some(name), || "the destination is not on the internet".into());
            }
        }
    }

    /// A flow initiated from the internet (§4): the destination needs a public address and its
    /// VPC an internet gateway; an egress-only gateway admits nothing inbound.
    pub(super) fn inbound_from_internet(&mut self, mut b: Branch) {
        let ev = self.namer();
        let dst = self.dst;
        if !dst.kind.in_subnet() {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Igw, None, || {
                format!("a flow from the internet to {} is not modelled", dst.name)
            });
            return;
        }
        let Some(vpc) = dst.vpc else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Igw, Some(&dst.name), || "the destination's VPC is not known".into());
            return;
        };
        let info = self.ev.vpc(vpc);
        let Some(&g) = info.and_then(|i| i.igws.first()) else {
            let set = b.set.clone();
            let has_eigw = info.is_some_and(|i| !i.eigws.is_empty());
            let v6 = family_part(&set, Family::V6);
            let rest = if has_eigw {
                self.drop(&b, &v6, Stage::Eigw, Some(ev.net.name(vpc)), || {
                    "an egress-only internet gateway admits no connection from the internet".into()
                });
                set.difference(&v6)
            } else {
                set
            };
            self.drop(&b, &rest, Stage::Igw, Some(ev.net.name(vpc)), || {
                format!("{} has no internet gateway", ev.net.name(vpc))
            });
            return;
        };
        let name = ev.net.name(g);
        let v4 = family_part(&b.set, Family::V4);
        if !v4.is_empty() {
            match &dst.public_ip {
                Tri::Yes => {}
                Tri::No => {
                    self.drop(&b, &v4, Stage::Igw, Some(name), || {
                        format!("{} has no public IPv4 address, so nothing on the internet can address it (IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS)", dst.name)
                    });
                    b.set = b.set.difference(&v4);
                }
                Tri::Unknown(why) => {
                    let why = why.clone();
                    self.undetermined(&b, &v4, Stage::Igw, Some(name), || {
                        format!("whether {} has a public IPv4 address is unknown: {why}", dst.name)
                    });
                    b.set = b.set.difference(&v4);
                }
            }
        }
        if b.set.is_empty() {
            return;
        }
        b.at_vpc = Some(vpc);
        b.crossings.push(Crossing::Igw);
        b.ident = Ident::None;
        self.hop(
            &mut b,
            Stage::Igw,
            name,
            Decision::Translate,
            || format!("enters through {name} (1:1 NAT to {}'s private address)", dst.name),
            &[g],
        );
        self.ingress_via_gateway(b, g);
    }
}
