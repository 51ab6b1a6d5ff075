//! Results of evaluating a packet set: which packets pass both legs, which are dropped (where,
//! on which leg, by what, why) and which depend on values unknown until apply; and the verdict
//! of a flow (docs/semantics.md §0 and issue 3):
//!
//! * a flow is **reachable** only if both legs pass for every source port the initiator may pick
//!   (and every port a NAT gateway may pick for it);
//! * where an address is a choice (an IP unknown until apply, a subnet's hypothetical ENI, "the
//!   internet"), the flow is reachable when it passes for every possible address, unreachable when
//!   it passes for none, and indeterminate otherwise; anything that depends on an unknown value is
//!   indeterminate, never guessed.

use serde::Serialize;

use super::Place;
use super::sets::{BoxRef, PacketBox, PacketSet, PortSet, ProtoSet};

/// A stage of the pipeline. The JSON names are the `dropped_at` vocabulary of issue 3, plus
/// `deliver` for arrival hops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Source security group, outbound.
    SgEgress,
    /// Source subnet NACL, outbound.
    NaclEgress,
    /// Route table lookup.
    Route,
    /// Internet gateway.
    Igw,
    /// NAT gateway.
    Nat,
    /// VPC peering connection.
    Peering,
    /// Transit gateway.
    Tgw,
    /// Egress-only internet gateway.
    Eigw,
    /// VPC endpoint.
    Endpoint,
    /// An instance or ENI forwarding traffic.
    Appliance,
    /// VPN gateway or connection.
    Vpn,
    /// Destination subnet NACL, inbound.
    NaclIngress,
    /// Destination security group, inbound.
    SgIngress,
    /// The reply has no usable route back.
    ReturnPath,
    /// Arrival (not a drop stage).
    Deliver,
}

impl Stage {
    /// The JSON name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::SgEgress => "sg-egress",
            Stage::NaclEgress => "nacl-egress",
            Stage::Route => "route",
            Stage::Igw => "igw",
            Stage::Nat => "nat",
            Stage::Peering => "peering",
            Stage::Tgw => "tgw",
            Stage::Eigw => "eigw",
            Stage::Endpoint => "endpoint",
            Stage::Appliance => "appliance",
            Stage::Vpn => "vpn",
            Stage::NaclIngress => "nacl-ingress",
            Stage::SgIngress => "sg-ingress",
            Stage::ReturnPath => "return-path",
            Stage::Deliver => "deliver",
        }
    }

    /// True for the NACL stages (a reply dropped by a NACL keeps the NACL stage).
    #[must_use]
    pub fn is_nacl(self) -> bool {
        matches!(self, Stage::NaclEgress | Stage::NaclIngress)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Leg {
    /// The request, from X to Y.
    Forward,
    /// The reply, from Y back to X.
    Return,
}

/// What a hop did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// A filter admitted the packets.
    Allow,
    /// A filter or gateway dropped them.
    Deny,
    /// Sent on (route, gateway).
    Forward,
    /// Addresses or ports rewritten (NAT, IGW).
    Translate,
    /// Arrived.
    Deliver,
    /// Not evaluated here (stateful security groups on replies, no security group).
    Skip,
    /// Depends on values unknown until apply.
    Undetermined,
}

/// One hop of a trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// The stage.
    pub stage: Stage,
    /// The deciding resource's address.
    pub resource: String,
    /// What it did.
    pub decision: Decision,
    /// Why, naming the rule or route.
    pub reason: String,
}

/// A hop in the walk's arena: hops form a tree (branches share their prefix).
#[derive(Debug, Clone)]
pub(crate) struct HopNode {
    pub hop: Hop,
    pub leg: Leg,
    pub parent: Option<u32>,
    /// Resources traversed at this hop (for `path` and the bill).
    pub via: Vec<crate::model::ResId>,
    /// Only carries `via` (not shown as a hop).
    pub hidden: bool,
}

/// How a part of the packet set ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Both legs passed.
    Passed,
    /// Dropped.
    Dropped,
    /// Depends on values unknown until apply.
    Undetermined,
}

/// One end of the walk: a part of the request and what happened to it.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Outcome.
    pub outcome: Outcome,
    /// Where it ended (`Deliver` for passed parts).
    pub stage: Stage,
    /// On which leg.
    pub leg: Leg,
    /// The deciding resource.
    pub resource: Option<String>,
    /// Why.
    pub reason: String,
    /// The packets of the request concerned.
    pub packets: PacketSet,
    /// The source ports (TCP/UDP) concerned, as chosen by `initiator` in the segment where it
    /// happened (the client's, or a NAT gateway's after translation).
    pub ports: PortSet,
    /// Who chose `ports`.
    pub initiator: String,
    pub(crate) hop: Option<u32>,
}

/// What happened to a set of packets from one place to another.
#[derive(Debug, Clone)]
pub struct Reach {
    /// The packets asked about.
    pub request: PacketSet,
    /// Packets that pass both legs.
    pub passed: PacketSet,
    /// Packets dropped on some branch.
    pub failed: PacketSet,
    /// Packets not dropped whose fate depends on unknown values.
    pub undetermined: PacketSet,
    /// Every end of the walk.
    pub leaves: Vec<Leaf>,
    pub(crate) hops: Vec<HopNode>,
}

/// The verdict of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Both legs pass for every source port and every possible address.
    Reachable,
    /// Fails for every possible address.
    Unreachable,
    /// Depends on values unknown until apply.
    Indeterminate,
}

impl Reach {
    pub(crate) fn new(request: PacketSet, leaves: Vec<Leaf>, hops: Vec<HopNode>) -> Self {
        if leaves.iter().all(|l| l.outcome == Outcome::Passed) {
            let passed = request.clone();
            return Self {
                request,
                passed,
                failed: PacketSet::empty(),
                undetermined: PacketSet::empty(),
                leaves,
                hops,
            };
        }
        let failed = leaves
            .iter()
            .filter(|l| l.outcome == Outcome::Dropped)
            .fold(PacketSet::empty(), |acc, l| acc.union(&l.packets))
            .intersect(&request);
        let undetermined = leaves
            .iter()
            .filter(|l| l.outcome == Outcome::Undetermined)
            .fold(PacketSet::empty(), |acc, l| acc.union(&l.packets))
            .intersect(&request)
            .difference(&failed);
        let passed = request.difference(&failed).difference(&undetermined);
        Self { request, passed, failed, undetermined, leaves, hops }
    }

    /// The verdict: see the module docs.
    #[must_use]
    pub fn verdict(&self) -> Verdict {
        if self.request.is_empty() {
            return Verdict::Indeterminate;
        }
        if self.failed.is_empty() && self.undetermined.is_empty() {
            return Verdict::Reachable;
        }
        let failing_pairs = address_pairs(&self.failed);
        let all_pairs = address_pairs(&self.request);
        if !failing_pairs.is_empty() && all_pairs.is_subset(&failing_pairs) {
            Verdict::Unreachable
        } else {
            Verdict::Indeterminate
        }
    }

    /// Address pairs (source, destination) for which some packet fails, as a set over
    /// addresses only (protocols and ports full).
    #[must_use]
    pub fn failing_addresses(&self) -> PacketSet {
        address_pairs(&self.failed)
    }

    /// The hops from the start of the walk to a leaf, in order, with their legs.
    #[must_use]
    pub fn hops_of(&self, leaf: &Leaf) -> Vec<(Leg, Hop)> {
        let mut out = Vec::new();
        let mut at = leaf.hop;
        while let Some(i) = at {
            let Some(node) = self.hops.get(i as usize) else { break };
            if !node.hidden {
                out.push((node.leg, node.hop.clone()));
            }
            at = node.parent;
        }
        out.reverse();
        out
    }

    /// The resources traversed on the forward leg up to a leaf (consecutive repeats removed).
    /// The same walk for other ends: `from` walked as `ends[0]` to `ends[1]`, `to` the ends it
    /// stands for, whose places have the same [`Place::behaviour_key`]. Their resources and
    /// names take the places of `from`'s in the hops and leaves.
    #[must_use]
    pub(crate) fn for_ends(&self, from: [&Place; 2], to: [&Place; 2]) -> Reach {
        let res = |r: crate::model::ResId| {
            if Some(r) == from[0].res {
                to[0].res.unwrap_or(r)
            } else if Some(r) == from[1].res {
                to[1].res.unwrap_or(r)
            } else {
                r
            }
        };
        let name = |n: &mut String| {
            for (f, t) in from.iter().zip(to) {
                if *n == f.name {
                    t.name.clone_into(n);
                    return;
                }
                if *n == f.address {
                    t.address.clone_into(n);
                    return;
                }
            }
        };
        let mut out = self.clone();
        for node in &mut out.hops {
            for r in &mut node.via {
                *r = res(*r);
            }
            name(&mut node.hop.resource);
        }
        for leaf in &mut out.leaves {
            if let Some(r) = &mut leaf.resource {
                name(r);
            }
            name(&mut leaf.initiator);
        }
        out
    }

    pub(crate) fn path_of(&self, leaf: &Leaf) -> Vec<crate::model::ResId> {
        let mut nodes = Vec::new();
        let mut at = leaf.hop;
        while let Some(i) = at {
            let Some(node) = self.hops.get(i as usize) else { break };
            nodes.push(node);
            at = node.parent;
        }
        nodes.reverse();
        let mut out: Vec<crate::model::ResId> = Vec::new();
        for n in nodes.into_iter().filter(|n| n.leg == Leg::Forward) {
            for r in &n.via {
                if out.last() != Some(r) {
                    out.push(*r);
                }
            }
        }
        out
    }
}

/// The (source, destination) address pairs of a set, with every other dimension full.
#[must_use]
pub(crate) fn address_pairs(set: &PacketSet) -> PacketSet {
    let mut out = PacketSet::empty();
    let mut v4: Vec<PacketBox<u32>> = Vec::new();
    let mut v6: Vec<PacketBox<u128>> = Vec::new();
    for b in set.boxes() {
        match b {
            BoxRef::V4(b) => v4.push(PacketBox {
                protocols: ProtoSet::full(),
                src: b.src.clone(),
                dst: b.dst.clone(),
                a: PortSet::full(),
                b: PortSet::full(),
            }),
            BoxRef::V6(b) => v6.push(PacketBox {
                protocols: ProtoSet::full(),
                src: b.src.clone(),
                dst: b.dst.clone(),
                a: PortSet::full(),
                b: PortSet::full(),
            }),
        }
    }
    if !v4.is_empty() {
        out = out.union(&PacketSet::from_boxes(v4));
    }
    if !v6.is_empty() {
        out = out.union(&PacketSet::from_boxes(v6));
    }
    out
}
