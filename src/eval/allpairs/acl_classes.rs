//! NACL classes: the inbound rules of a subnet by content, and which rule parts cover the other
//! end's addresses whole, so pairs under the same rules and parts share one evaluation.

use std::hash::Hash;

use super::intern::{Af, LocalIds};
use crate::eval::Evaluator;
use crate::eval::nacl::{AclRules, Direction};
use crate::eval::place::Place;
use crate::eval::sets::{Address, PacketBox, PacketSet, V4Box, V6Box};
use crate::model::{Link, ResId};

/// One NACL rule's certain and possible matches, per family.
pub(super) type RuleParts = [(Vec<V4Box>, Vec<V6Box>); 2];

/// The rule parts (rule, certain or possible, protocol × ports id) that cover an address range.
pub(super) type AclClass = Vec<(u32, u8, u32)>;

/// What decides the packets entering a subnet: its inbound NACL rules, by content, or nothing
/// known (everything undetermined).
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) enum AclKey {
    Undetermined,
    Rules(Vec<(Option<bool>, RuleParts)>),
}

impl Evaluator<'_> {
    /// The inbound NACL of `subnet`, by content: what `Walker::nacl` would apply.
    pub(super) fn acl_key(&self, subnet: Option<ResId>) -> AclKey {
        let Some(info) = subnet.and_then(|s| self.subnet(s)) else { return AclKey::Undetermined };
        let Link::To(acl, _) = &info.acl else { return AclKey::Undetermined };
        let Some(acl) = self.acl(*acl) else { return AclKey::Undetermined };
        match acl.rules(Direction::Ingress) {
            AclRules::Unknown(_) => AclKey::Undetermined,
            AclRules::Known(entries) => AclKey::Rules(
                entries
                    .iter()
                    .map(|e| {
                        let parts = |s: &PacketSet| (s.v4_boxes().to_vec(), s.v6_boxes().to_vec());
                        (e.allow, [parts(&e.matches), parts(&e.maybe)])
                    })
                    .collect(),
            ),
        }
    }
}

/// The class of the packets from `other` under inbound rules `key`: which rule parts cover its
/// addresses whole (`None` when one covers them in part, or looks at the destination).
pub(super) fn acl_class(key: &AclKey, other: &Place, afs: &mut LocalIds<Af>) -> Option<AclClass> {
    fn part<A: Address>(
        boxes: &[PacketBox<A>],
        other: &Place,
        rule: u32,
        which: u8,
        out: &mut Vec<(u32, u8, u32)>,
        afs: &mut LocalIds<Af>,
    ) -> bool {
        let mine = A::part(&other.addrs);
        for b in boxes {
            if !b.dst.is_full() {
                return false;
            }
            if mine.is_empty() || !mine.intersects(&b.src) {
                continue;
            }
            if !mine.is_subset(&b.src) {
                return false;
            }
            out.push((rule, which, afs.id(Af::of(b))));
        }
        true
    }
    let AclKey::Rules(rules) = key else { return Some(Vec::new()) };
    let mut out = Vec::new();
    for (i, (_, parts)) in rules.iter().enumerate() {
        for (which, (v4, v6)) in parts.iter().enumerate() {
            let ok = part(v4, other, i as u32, which as u8, &mut out, afs)
                && part(v6, other, i as u32, which as u8, &mut out, afs);
            if !ok {
                return None;
            }
        }
    }
    Some(out)
}
