//! The filters: security groups (stateful, evaluated at the ENI, with references checked against
//! the crossings on the path, §2) and network ACLs (stateless, at the subnet boundary, §3).

use super::text::set_text;
use super::{Branch, EgressRef, Walker};
use crate::eval::nacl::Direction;
use crate::eval::place::{Place, PlaceKind};
use crate::eval::reach::{Decision, Stage};
use crate::eval::sg::{GroupKey, GroupView, RefValidity, SgDirection, SgList};
use crate::model::{Link, ResId};

impl<'e, 'n> Walker<'e, 'n> {
    /// Security group check at `place` in one direction; returns the admitted part.
    pub(super) fn sg(&mut self, mut b: Branch, place: &Place, dir: SgDirection) -> Option<Branch> {
        let ev = self.namer();
        let stage = match dir {
            SgDirection::Egress => Stage::SgEgress,
            SgDirection::Ingress => Stage::SgIngress,
        };
        let keys = match &place.sgs {
            SgList::NotApplicable => {
                let why = match place.kind {
                    PlaceKind::Subnet => "a subnet as endpoint: a hypothetical ENI without security groups",
                    PlaceKind::NatGateway => "NAT gateways have no security groups",
                    _ => "no security group applies",
                };
                self.hop(&mut b, stage, &place.name, Decision::Skip, || why.to_string(), &[]);
                return Some(b);
            }
            SgList::Unknown(why) => {
                let set = b.set.clone();
                let why = why.clone();
                self.undetermined(&b, &set, stage, Some(&place.name), || format!("{}: {why}", place.name));
                return None;
            }
            SgList::Groups(keys) => keys.clone(),
        };
        let views: Vec<GroupView<'_>> = keys
            .iter()
            .map(|k| match k {
                GroupKey::Res(g) => match self.ev.group(*g) {
                    Some(group) => GroupView::Known(k.clone(), group),
                    None => GroupView::Opaque(format!("{} is not a security group tfvpc can read", ev.net.name(*g))),
                },
                GroupKey::External(id) => GroupView::Opaque(format!("security group {id} is outside the input")),
            })
            .collect();
        let group_names: Vec<String> = keys
            .iter()
            .map(|k| match k {
                GroupKey::Res(g) => ev.net.name(*g).to_string(),
                GroupKey::External(id) => id.clone(),
            })
            .collect();
        let first = group_names.first().cloned().unwrap_or_else(|| place.name.clone());
        let (other, refs) = match dir {
            SgDirection::Ingress => {
                (b.ident.clone(), self.ref_validity(&b.crossings[b.ident_at.min(b.crossings.len())..]))
            }
            SgDirection::Egress => (Self::ident_of(self.dst), RefValidity::Valid),
        };
        let out = crate::eval::sg::evaluate(&views, dir, &b.set, &other, &refs);
        if keys.is_empty() {
            let set = b.set.clone();
            self.drop(&b, &set, stage, Some(&place.name), || {
                format!("{} has no security group rules (SG_HAS_NO_RULES)", place.name)
            });
            return None;
        }
        if !out.denied.is_empty() {
            let mut why =
                format!("no rule of {} admits {}", group_names.join(", "), set_text(ev.on(b.leg), &out.denied));
            let empty = views.iter().all(|v| match v {
                GroupView::Known(_, g) => g.rules(dir).is_empty(),
                GroupView::Opaque(_) => false,
            });
            if empty {
                let word = if dir == SgDirection::Ingress { "inbound" } else { "outbound" };
                why.push_str(&format!(" (it has no {word} rule at all)"));
            }
            for n in &out.notes {
                why.push_str(&format!("; {n}"));
            }
            let denied = out.denied.clone();
            self.drop(&b, &denied, stage, Some(&first), || why);
        }
        for (why, part) in &out.undetermined {
            let why = why.clone();
            self.undetermined(&b, part, stage, Some(&first), || why);
        }
        let allowed = out.allowed_set();
        if allowed.is_empty() {
            return None;
        }
        let mut texts: Vec<String> = Vec::new();
        let mut decider = first.clone();
        for (k, text, _) in &out.allowed {
            let g = match k {
                GroupKey::Res(g) => ev.net.name(*g).to_string(),
                GroupKey::External(id) => id.clone(),
            };
            if texts.is_empty() {
                decider = g.clone();
            }
            let t = if keys.len() > 1 { format!("{g} {text}") } else { text.clone() };
            if !texts.contains(&t) {
                texts.push(t);
            }
        }
        b.set = allowed;
        if dir == SgDirection::Egress && !out.by_reference.is_empty() {
            b.egress_refs.push(EgressRef {
                set: out.by_reference.clone(),
                at: b.crossings.len(),
                group: decider.clone(),
            });
        }
        self.hop(&mut b, stage, &decider, Decision::Allow, || texts.join("; "), &[]);
        Some(b)
    }

    /// NACL check of `subnet` in one direction; returns the admitted part.
    pub(super) fn nacl(&mut self, mut b: Branch, subnet: ResId, dir: Direction) -> Option<Branch> {
        let ev = self.namer();
        let stage = match dir {
            Direction::Egress => Stage::NaclEgress,
            Direction::Ingress => Stage::NaclIngress,
        };
        let Some(info) = self.ev.subnet(subnet) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, stage, Some(ev.net.name(subnet)), || "the subnet is not modelled".into());
            return None;
        };
        let acl_res = match &info.acl {
            Link::To(a, _) => *a,
            Link::Unknown(why) => {
                let (set, why) = (b.set.clone(), why.clone());
                self.undetermined(&b, &set, stage, Some(ev.net.name(subnet)), || {
                    format!("the network ACL of {} is not known: {why}", ev.net.name(subnet))
                });
                return None;
            }
            _ => {
                let set = b.set.clone();
                self.undetermined(&b, &set, stage, Some(ev.net.name(subnet)), || {
                    format!("the network ACL of {} is not known", ev.net.name(subnet))
                });
                return None;
            }
        };
        let acl_name = ev.net.name(acl_res);
        let Some(acl) = self.ev.acl(acl_res) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, stage, Some(acl_name), || format!("{acl_name} cannot be read"));
            return None;
        };
        let rules = acl.rules(dir);
        if let crate::eval::nacl::AclRules::Unknown(why) = rules {
            let (set, why) = (b.set.clone(), why.clone());
            self.undetermined(&b, &set, stage, Some(acl_name), || why);
            return None;
        }
        let out = rules.apply(&b.set);
        for (rule, part) in &out.denied {
            let why = match rule.and_then(|i| rules.entry(i)) {
                Some(e) => format!("{} matches {}", e.text, set_text(ev.on(b.leg), part)),
                None => format!("rule * deny: no rule admits {}", set_text(ev.on(b.leg), part)),
            };
            self.drop(&b, part, stage, Some(acl_name), || why);
        }
        for (rule, part) in &out.undetermined {
            let text = rules.entry(*rule).map_or_else(String::new, |e| e.text.clone());
            self.undetermined(&b, part, stage, Some(acl_name), || {
                format!("{text} has values unknown until apply and may decide {}", set_text(ev.on(b.leg), part))
            });
        }
        let allowed = out.allowed_set();
        if allowed.is_empty() {
            return None;
        }
        let mut texts: Vec<String> = Vec::new();
        for (i, _) in &out.allowed {
            if let Some(e) = rules.entry(*i)
                && !texts.contains(&e.text)
            {
                texts.push(e.text.clone());
            }
        }
        b.set = allowed;
        self.hop(&mut b, stage, acl_name, Decision::Allow, || texts.join("; "), &[]);
        Some(b)
    }
}
