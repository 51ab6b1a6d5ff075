//! VPC peering connections (§6): the connection must join this VPC and be accepted, the CIDRs
//! must not overlap, only traffic between the two VPCs' own addresses crosses (not transitive, no
//! edge-to-edge), and whether it crosses Regions (security group references do not) is recorded;
//! then local delivery in the peer VPC.

use super::text::{addrs_text, dst_text, src_text};
use super::{Branch, Crossing, Walker};
use crate::eval::reach::{Decision, Stage};
use crate::eval::route::{restrict_dst, restrict_src};
use crate::model::{Object, ResId, Val};

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn pcx(&mut self, mut b: Branch, p: ResId) {
        let ev = self.namer();
        let name = ev.net.name(p);
        let Object::Peering(pc) = &self.ev.net.res(p).obj else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Peering, Some(name), || format!("{name} is not modelled"));
            return;
        };
        let cur = b.at_vpc;
        let (own, other) = if pc.requester.res() == cur && cur.is_some() {
            (pc.requester.clone(), pc.accepter.clone())
        } else if pc.accepter.res() == cur && cur.is_some() {
            (pc.accepter.clone(), pc.requester.clone())
        } else if pc.requester.res().is_none() || pc.accepter.res().is_none() {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Peering, Some(name), || {
                format!("a VPC of {name} is outside the input or unknown")
            });
            return;
        } else {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Peering, Some(name), || {
                format!("{name} does not connect this VPC: the route {}", crate::eval::BLACKHOLE)
            });
            return;
        };
        let _ = own;
        let Some(peer) = other.res() else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Peering, Some(name), || {
                format!("the peer VPC of {name} is outside the input")
            });
            return;
        };
        match &pc.accepted {
            Val::Known(true) => {}
            Val::Known(false) => {
                let set = b.set.clone();
                self.drop(&b, &set, Stage::Peering, Some(name), || format!("{name} is not accepted"));
                return;
            }
            _ => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Peering, Some(name), || {
                    format!("whether {name} is accepted is unknown")
                });
                return;
            }
        }
        let (Some(own_info), Some(peer_info)) = (cur.and_then(|v| self.ev.vpc(v)), self.ev.vpc(peer)) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Peering, Some(name), || "a peered VPC is not modelled".into());
            return;
        };
        if own_info.cidr.intersects(&peer_info.cidr) {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Peering, Some(name), || {
                format!(
                    "the CIDRs of {} and {} overlap ({}): AWS refuses this peering connection (DISCONNECTED_VPCS)",
                    ev.net.name(cur.unwrap_or(peer)),
                    ev.net.name(peer),
                    addrs_text(ev, &own_info.cidr.intersect(&peer_info.cidr))
                )
            });
            return;
        }
        let foreign_src = b.set.difference(&restrict_src(&b.set, &own_info.cidr));
        if !foreign_src.is_empty() {
            self.drop(&b, &foreign_src, Stage::Peering, Some(name), || {
                format!(
                    "the source {} is not in {}: peering does not carry transit or edge-to-edge traffic",
                    src_text(ev.on(b.leg), &foreign_src.src_addrs()),
                    ev.net.name(cur.unwrap_or(peer))
                )
            });
            b.set = b.set.difference(&foreign_src);
        }
        let outside = b.set.difference(&restrict_dst(&b.set, &peer_info.cidr));
        if !outside.is_empty() {
            if peer_info.v4_unknown || peer_info.v6_unknown {
                self.undetermined(&b, &outside, Stage::Peering, Some(name), || {
                    format!("a CIDR of {} is unknown until apply", ev.net.name(peer))
                });
            } else {
                self.drop(&b, &outside, Stage::Peering, Some(name), || {
                    format!(
                        "{} is not inside {} ({}): peering is not transitive (PCX_REQUIRES_ADDRESS_IN_VPC_CIDR)",
                        dst_text(ev.on(b.leg), &outside.dst_addrs()),
                        ev.net.name(peer),
                        addrs_text(ev, &peer_info.cidr)
                    )
                });
            }
            b.set = b.set.difference(&outside);
        }
        if b.set.is_empty() {
            return;
        }
        let cross_region = match (&own_info.region, &peer_info.region, &pc.peer_region) {
            (Some(a), Some(c), _) => Val::Known(a != c),
            (Some(a), None, Val::Known(c)) => Val::Known(a != c),
            _ => Val::Unknown,
        };
        b.crossings.push(Crossing::Pcx { res: p, cross_region });
        b.at_vpc = Some(peer);
        b.at_subnet = None;
        self.hop(
            &mut b,
            Stage::Peering,
            name,
            Decision::Forward,
            || format!("crosses into {}", ev.net.name(peer)),
            &[p],
        );
        self.local(b);
    }
}
