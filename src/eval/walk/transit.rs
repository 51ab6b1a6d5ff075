//! Transit gateways (§7, §3.3): entering through an attachment, the attachment's associated route
//! table, and egress through an attachment subnet of the AZ (memoised for open walks).

use std::sync::{Arc, OnceLock};

use super::memo::MemoEntry;
use super::text::dst_text;
use super::{Arrival, Branch, Crossing, Exit, MAX_DEPTH, Open, Walker};
use crate::eval::reach::{Decision, Outcome, Stage};
use crate::eval::sets::PacketSet;
use crate::eval::tgw::{Assoc, AttKind, TgwTarget};
use crate::model::{ResId, Val};

impl<'e, 'n> Walker<'e, 'n> {
    pub(super) fn tgw_sg_referencing(&self, tgw: ResId, att: ResId) -> Val<bool> {
        let t = self.ev.tgw.tgws.get(&tgw).map_or(Val::Unknown, |t| t.sg_referencing.clone());
        let a = match self.ev.tgw.atts.get(&att).map(|a| &a.kind) {
            Some(AttKind::Vpc { sg_referencing, .. }) => sg_referencing.clone(),
            _ => Val::Known(false),
        };
        match (t, a) {
            (Val::Known(false), _) | (_, Val::Known(false)) => Val::Known(false),
            (Val::Known(true), Val::Known(true)) => Val::Known(true),
            // The attachment's setting defaults to enabled when the TGW's is.
            (Val::Known(true), Val::Absent) => Val::Known(true),
            _ => Val::Unknown,
        }
    }

    pub(super) fn tgw_in(&mut self, b: Branch, t: ResId) {
        let ev = self.namer();
        let name = ev.net.name(t);
        let vpc = b.at_vpc;
        let atts: &[ResId] = vpc.and_then(|v| self.ev.tgw.vpc_atts.get(&(t, v))).map_or(&[], Vec::as_slice);
        let Some(&att) = atts.first() else {
            let set = b.set.clone();
            // An attachment whose VPC or TGW is unknown until apply may be this VPC's.
            let uncertain = self
                .ev
                .tgw
                .uncertain_vpc_atts
                .iter()
                .find(|(tt, vv, _)| tt.is_none_or(|tt| tt == t) && vv.is_none_or(|vv| Some(vv) == vpc));
            if let Some(&(_, _, maybe)) = uncertain {
                self.undetermined(&b, &set, Stage::Tgw, Some(ev.net.name(maybe)), || {
                    format!(
                        "{} may attach {} to {name}: its VPC or transit gateway is not known until apply",
                        ev.net.name(maybe),
                        vpc.map_or("this VPC", |v| ev.net.name(v))
                    )
                });
                return;
            }
            self.drop(&b, &set, Stage::Tgw, Some(name), || {
                format!("{} has no attachment to {name}", vpc.map_or("this VPC", |v| ev.net.name(v)))
            });
            return;
        };
        let Some(AttKind::Vpc { subnets, .. }) = self.ev.tgw.atts.get(&att).map(|a| a.kind.clone()) else { return };
        let Some(subnets) = subnets else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Tgw, Some(ev.net.name(att)), || {
                "the attachment's subnets are not known until apply".into()
            });
            return;
        };
        let Some(az) = b.az.clone() else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Tgw, Some(ev.net.name(att)), || {
                "the source's Availability Zone is not known".into()
            });
            return;
        };
        let candidates: Vec<ResId> = subnets.iter().copied().filter(|s| self.ev.subnet_az(*s) == Some(&*az)).collect();
        let Some(&a_sub) = candidates.first() else {
            let unknown = subnets.iter().any(|s| self.ev.subnet_az(*s).is_none());
            let set = b.set.clone();
            if unknown {
                self.undetermined(&b, &set, Stage::Tgw, Some(ev.net.name(att)), || {
                    "an attachment subnet's Availability Zone is unknown".into()
                });
            } else {
                self.drop(&b, &set, Stage::Tgw, Some(ev.net.name(att)), || {
                    format!(
                        "{} has no subnet in {az}, so traffic from {az} cannot reach {name} (TGW_ROUTE_AZ_RESTRICTION)",
                        ev.net.name(att)
                    )
                });
            }
            return;
        };
        // Instance → TGW: the attachment subnet's NACL is evaluated inbound, even when the
        // instance shares that subnet (§3.3).
        self.enter(b, a_sub, Arrival::Tgw { tgw: t, att }, true);
    }

    pub(super) fn tgw_route(&mut self, mut b: Branch, tgw: ResId, ingress: ResId) {
        let ev = self.namer();
        b.depth += 1;
        let ingress_name = ev.net.name(ingress);
        if self.closes_loop(&mut b, ingress, Stage::Tgw, ingress_name) {
            return;
        }
        if b.depth > MAX_DEPTH {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Tgw, Some(ingress_name), || "the path loops".into());
            return;
        }
        let table = match self.ev.tgw.atts.get(&ingress).map(|a| a.assoc.clone()) {
            Some(Assoc::Table(t)) => t,
            Some(Assoc::None(why)) => {
                let set = b.set.clone();
                self.drop(&b, &set, Stage::Tgw, Some(ingress_name), || format!("{ingress_name} is associated with no route table: {why} (TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION)"));
                return;
            }
            Some(Assoc::Unknown(why)) => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Tgw, Some(ingress_name), || why);
                return;
            }
            None => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Tgw, Some(ingress_name), || {
                    format!("{ingress_name} is not a transit gateway attachment tfvpc models")
                });
                return;
            }
        };
        let table_name = ev.net.name(table);
        let Some(tt) = self.ev.tgw.tables.get(&table) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Tgw, Some(table_name), || format!("{table_name} is not modelled"));
            return;
        };
        let lookup = tt.lookup(&b.set, &self.ev.known_cidrs, self.open == Open::Closed);
        for (why, part) in &lookup.undetermined {
            let why = why.clone();
            self.undetermined(&b, part, Stage::Tgw, Some(table_name), || why);
        }
        if !lookup.none.is_empty() {
            let none = lookup.none.clone();
            self.drop(&b, &none, Stage::Tgw, Some(table_name), || {
                format!(
                    "no route in {table_name} (associated with {ingress_name}) matches {} (TGW_RTB_CANNOT_ROUTE)",
                    dst_text(ev.on(b.leg), &none.dst_addrs())
                )
            });
        }
        let _ = tgw;
        for (i, part) in lookup.hits {
            let Some(entry) = tt.entries.get(i) else { continue };
            let mut sb = b.with(part);
            let text = entry.text.clone();
            match &entry.target {
                TgwTarget::Blackhole(why) => {
                    let why = why.clone();
                    let set = sb.set.clone();
                    self.drop(&sb, &set, Stage::Tgw, Some(table_name), || {
                        format!("route {text} {}: {why}", crate::eval::BLACKHOLE)
                    });
                }
                TgwTarget::Undetermined(why) => {
                    let why = why.clone();
                    let set = sb.set.clone();
                    self.undetermined(&sb, &set, Stage::Tgw, Some(table_name), || format!("route {text}: {why}"));
                }
                TgwTarget::Attachment(e) => {
                    let e = *e;
                    self.hop(&mut sb, Stage::Tgw, table_name, Decision::Forward, || format!("route {text}"), &[table]);
                    self.tgw_egress(sb, e);
                }
            }
        }
    }

    pub(super) fn tgw_egress(&mut self, b: Branch, e: ResId) {
        let (Some(memo), Some(key)) = (self.memo, self.memo_key(&b, e)) else {
            self.tgw_egress_walk(b, e);
            return;
        };
        if let Some(entry) = memo.get(&key) {
            self.shared.push(entry);
            return;
        }
        // Walk the abstract packets (any source) once; keep the result apart.
        let mut ab = b;
        ab.set = PacketSet::from_disjoint_boxes(key.v4.iter().cloned())
            .union(&PacketSet::from_disjoint_boxes(key.v6.iter().cloned()));
        let (leaves, stops) = (self.leaves.len(), self.stops.len());
        self.in_memo = true;
        self.tgw_egress_walk(ab, e);
        self.in_memo = false;
        let leaves = self
            .leaves
            .split_off(leaves)
            .into_iter()
            .filter(|l| l.outcome != Outcome::Passed)
            .map(|l| (l.outcome, l.packets))
            .collect();
        let stops = self.stops.split_off(stops);
        let entry = memo.put(key, MemoEntry { leaves, stops, prepared: OnceLock::new() });
        self.shared.push(entry);
    }

    pub(super) fn tgw_egress_walk(&mut self, b: Branch, e: ResId) {
        let ev = self.namer();
        let name = ev.net.name(e);
        let Some(att) = self.ev.tgw.atts.get(&e).cloned() else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Tgw, Some(name), || format!("{name} is not modelled"));
            return;
        };
        match att.kind {
            AttKind::Vpc { vpc: Some(w), subnets: Some(subnets), .. } => {
                let same_az: Vec<ResId> = match &b.az {
                    Some(az) => subnets.iter().copied().filter(|s| self.ev.subnet_az(*s) == Some(&*az)).collect(),
                    None => Vec::new(),
                };
                let candidates = if same_az.is_empty() { subnets.clone() } else { same_az };
                if candidates.is_empty() {
                    let set = b.set.clone();
                    self.drop(&b, &set, Stage::Tgw, Some(name), || format!("{name} has no subnet"));
                    return;
                }
                for c in candidates {
                    let mut cb = b.clone();
                    cb.at_vpc = Some(w);
                    cb.at_subnet = Some(c);
                    self.hop(
                        &mut cb,
                        Stage::Tgw,
                        name,
                        Decision::Forward,
                        || format!("leaves the transit gateway into {} through {}", ev.net.name(w), ev.net.name(c)),
                        &[e, c],
                    );
                    // TGW → instance: the attachment subnet's route table, then (unless the
                    // destination shares that subnet) its NACL outbound and the destination's
                    // inbound (§3.3).
                    let keep_az = cb.az.clone();
                    self.leave_from_tgw(cb, c, keep_az);
                }
            }
            AttKind::Vpc { .. } => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Tgw, Some(name), || {
                    format!("the VPC or subnets of {name} are not known until apply")
                });
            }
            AttKind::Peering { peer_att: Some(pa), peer_tgw: Some(pt) } => {
                let mut b = b;
                let sg_ref = Val::Known(false);
                b.crossings.push(Crossing::Tgw { res: pt, sg_ref });
                self.hop(
                    &mut b,
                    Stage::Tgw,
                    name,
                    Decision::Forward,
                    || format!("crosses the peering to {}", ev.net.name(pt)),
                    &[e, pt],
                );
                self.tgw_route(b, pt, pa);
            }
            AttKind::Peering { .. } => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Tgw, Some(name), || {
                    format!("the other side of {name} is not in the input")
                });
            }
            AttKind::Vpn => {
                let tgw = att.tgw;
                match tgw {
                    Some(t) => self.vpn_edge(b, vec![e], Exit::TgwVpn { tgw: t, conn: e }),
                    None => {
                        let set = b.set.clone();
                        self.undetermined(&b, &set, Stage::Vpn, Some(name), || {
                            "the VPN connection's transit gateway is not known".into()
                        });
                    }
                }
            }
        }
    }

    pub(super) fn leave_from_tgw(&mut self, b: Branch, subnet: ResId, az: Option<Arc<str>>) {
        let mut b = b;
        // `leave` applies the subnet's own NACL outbound and route table, exactly the TGW
        // subnet's outbound evaluation for TGW → instance traffic; same-subnet delivery skips it.
        b.az = az;
        self.leave(b, subnet);
    }
}
