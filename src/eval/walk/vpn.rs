//! Site-to-site VPN: a virtual private gateway, the edge to on-premises (declared CIDRs; BGP
//! routes are unknown), and flows initiated on-premises.

use super::text::{dst_text, src_text};
use super::{Branch, Crossing, Exit, Walker};
use crate::eval::place::PlaceKind;
use crate::eval::reach::{Decision, Leg, Stage};
use crate::eval::route::{restrict_dst, restrict_src};
use crate::eval::sets::{IpSet, PacketSet};
use crate::eval::sg::Ident;
use crate::eval::tgw::AttKind;
use crate::model::{Object, ResId, Val};

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn vgw_out(&mut self, b: Branch, v: ResId) {
        let ev = self.namer();
        let name = ev.net.name(v);
        if self.gateway_vpc(v) != b.at_vpc {
            let set = b.set.clone();
            if self.gateway_vpc(v).is_none() {
                self.undetermined(&b, &set, Stage::Vpn, Some(name), || {
                    format!("the VPC {name} is attached to is not known")
                });
            } else {
                self.drop(&b, &set, Stage::Vpn, Some(name), || format!("{name} is not attached to this VPC"));
            }
            return;
        }
        let conns = self.ev.vpn_by_vgw.get(&v).cloned().unwrap_or_default();
        if conns.is_empty() {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Vpn, Some(name), || {
                format!("no VPN connection of {name} is in the input")
            });
            return;
        }
        self.vpn_edge(b, conns, Exit::Vgw(v));
    }

    /// The edge to on-premises: declared CIDRs are reachable; anything else is dropped by a
    /// static VPN and undetermined behind BGP.
    pub(super) fn vpn_edge(&mut self, mut b: Branch, conns: Vec<ResId>, exit: Exit) {
        let ev = self.namer();
        let edge = match exit {
            Exit::Vgw(v) => v,
            Exit::TgwVpn { conn, .. } => conn,
            _ => return,
        };
        let edge_name = ev.net.name(edge);
        let mut declared = IpSet::empty();
        let mut bgp = false;
        for c in &conns {
            if let Object::VpnConnection(vc) = &self.ev.net.res(*c).obj {
                bgp |= vc.static_routes_only != Val::Known(true);
                for cidr in &vc.remote_cidrs {
                    match cidr {
                        Val::Known(n) => declared = declared.union(&IpSet::from_net(*n)),
                        _ => bgp = true,
                    }
                }
            }
        }
        let inside = restrict_dst(&b.set, &declared);
        let outside = b.set.difference(&inside);
        if !outside.is_empty() {
            let text = dst_text(ev.on(b.leg), &outside.dst_addrs());
            if bgp {
                self.undetermined(&b, &outside, Stage::Vpn, Some(edge_name), || {
                    format!("{text} is outside every on-premises CIDR the configuration declares; BGP may announce it")
                });
            } else {
                self.drop(&b, &outside, Stage::Vpn, Some(edge_name), || {
                    format!("no VPN route covers {text} (static routing)")
                });
            }
        }
        b.set = inside;
        if b.set.is_empty() {
            return;
        }
        let crossing_ok = match b.leg {
            Leg::Forward => self.dst.kind == PlaceKind::OnPremises,
            Leg::Return => self.src.kind == PlaceKind::OnPremises,
        };
        if !crossing_ok {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Vpn, Some(edge_name), || {
                "the path continues beyond the VPN, outside the input".into()
            });
            return;
        }
        self.hop(
            &mut b,
            Stage::Vpn,
            edge_name,
            Decision::Forward,
            || "leaves to on-premises over the VPN".into(),
            &[edge],
        );
        match b.leg {
            Leg::Forward => {
                let dst = self.dst.name.clone();
                self.hop(&mut b, Stage::Deliver, &dst, Decision::Deliver, || format!("reaches {dst}"), &[]);
                self.start_return(b, Some(exit));
            }
            Leg::Return => self.finish_return(b),
        }
    }

    /// A flow initiated on-premises: it enters through a VPN gateway of the destination's VPC
    /// or a transit gateway VPN attachment whose declared CIDRs cover the source.
    pub(super) fn inbound_from_on_premises(&mut self, mut b: Branch) {
        let ev = self.namer();
        let dst = self.dst;
        let Some(vpc) = dst.vpc else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Vpn, None, || format!("the VPC of {} is not known", dst.name));
            return;
        };
        b.crossings.push(Crossing::Vpn);
        b.ident = Ident::None;
        let mut bgp_seen = false;
        let vgws = self.ev.vpc(vpc).map(|v| v.vgws.clone()).unwrap_or_default();
        for v in vgws {
            for c in self.ev.vpn_by_vgw.get(&v).cloned().unwrap_or_default() {
                let (covered, bgp) = self.conn_covers(c, &b.set);
                bgp_seen |= bgp;
                if covered.is_empty() {
                    continue;
                }
                let mut cb = b.with(covered.clone());
                b.set = b.set.difference(&covered);
                cb.at_vpc = Some(vpc);
                self.hop(
                    &mut cb,
                    Stage::Vpn,
                    ev.net.name(v),
                    Decision::Forward,
                    || format!("enters {} through {} over {}", ev.net.name(vpc), ev.net.name(v), ev.net.name(c)),
                    &[c, v],
                );
                self.ingress_via_gateway(cb, v);
            }
        }
        let tgw_conns: Vec<(ResId, Option<ResId>)> = self
            .ev
            .tgw
            .atts
            .iter()
            .filter(|(_, a)| matches!(a.kind, AttKind::Vpn))
            .map(|(id, a)| (*id, a.tgw))
            .collect();
        let mut tgw_conns = tgw_conns;
        tgw_conns.sort();
        for (c, t) in tgw_conns {
            let Some(t) = t else { continue };
            let (covered, bgp) = self.conn_covers(c, &b.set);
            bgp_seen |= bgp;
            if covered.is_empty() {
                continue;
            }
            let mut cb = b.with(covered.clone());
            b.set = b.set.difference(&covered);
            self.hop(
                &mut cb,
                Stage::Vpn,
                ev.net.name(c),
                Decision::Forward,
                || format!("enters {} over {}", ev.net.name(t), ev.net.name(c)),
                &[c, t],
            );
            self.tgw_route(cb, t, c);
        }
        if !b.set.is_empty() {
            let set = b.set.clone();
            let text = src_text(ev.on(b.leg), &set.src_addrs());
            if bgp_seen {
                self.undetermined(&b, &set, Stage::Vpn, None, || {
                    format!("{text} is not a declared on-premises CIDR; a BGP VPN may announce it")
                });
            } else {
                self.drop(&b, &set, Stage::Vpn, None, || format!("no VPN connection declares {text}"));
            }
        }
    }

    pub(super) fn conn_covers(&self, c: ResId, set: &PacketSet) -> (PacketSet, bool) {
        let Object::VpnConnection(vc) = &self.ev.net.res(c).obj else { return (PacketSet::empty(), false) };
        let bgp = vc.static_routes_only != Val::Known(true);
        let declared = vc
            .remote_cidrs
            .iter()
            .filter_map(|c| c.known())
            .fold(IpSet::empty(), |acc, n| acc.union(&IpSet::from_net(*n)));
        (restrict_src(set, &declared), bgp)
    }
}
