//! The hop-by-hop state machine over packet *sets* (docs/semantics.md §0), forward leg then return leg.
//!
//! A [`Branch`] carries the packets still in flight, in the header space they have at that point
//! (after any NAT), with what the path so far implies: NAT translations to undo on the way back
//! (§5), boundaries security-group references do not survive (middleboxes, other Regions, transit
//! gateways without referencing support, §2.4), appliances the reply must pass again (§1.3), and
//! how the request left the network (internet gateway, endpoint, VPN) so the reply can come in
//! the same way. Every stage splits the set: the part it drops or cannot decide becomes a
//! [`Leaf`] (mapped back to the request's packets), the rest goes on. Route lookups split by
//! destination; when AWS may pick among several attachment subnets every choice is followed and
//! all must pass.
//!
//! Order (§0): source SG egress → source NACL egress (when leaving the subnet) → route table →
//! target (local, IGW, NAT, peering, transit gateway, endpoint, appliance, VPN) → destination NACL
//! ingress → destination SG ingress; then the reply: SG skipped (stateful), NACL egress, the
//! destination subnet's route back, gateways in reverse (NAT restores the address, IGW 1:1 NAT,
//! an egress-only gateway only passes replies), source NACL ingress.
//!
//! Files by what a hop does: this one holds the walk's state ([`Branch`], [`Walker`]), the run
//! loop, stops and leaves; `filters` (SG, NACL), `routing` (leaving a subnet, route table, local
//! delivery), `delivery` (entering, arriving, delivering, the return leg), `nat`, `internet`
//! (IGW, EIGW), `peering`, `transit` (TGW), `vpn`, `appliances` (appliances, GWLB and gateway
//! endpoints), `memo` (sub-walks shared by open walks) and `text` (hop messages).

mod appliances;
mod delivery;
mod filters;
mod internet;
mod memo;
mod nat;
mod peering;
mod routing;
mod text;
mod transit;
mod vpn;

use std::sync::Arc;

use super::Evaluator;
use super::flow::icmp_to_requests;
use super::place::{Place, PlaceKind};
use super::reach::{Decision, Hop, HopNode, Leaf, Leg, Outcome, Stage};
use super::route::restrict_dst;
use super::sets::{Family, IpSet, L4Kind, PacketSet, PortSet, ProtoSet};
use super::sg::{Ident, RefValidity, SgDirection};
use crate::model::{ResId, Val};

use self::nat::Frame;

pub(crate) use self::memo::{Memo, MemoEntry};

/// Hops a branch may take before the walk calls it a routing loop.
const MAX_DEPTH: u32 = 48;

/// The packets of `set` of one address family.
fn family_part(set: &PacketSet, family: Family) -> PacketSet {
    restrict_dst(
        set,
        &match family {
            Family::V4 => IpSet::any_v4(),
            Family::V6 => IpSet::any_v6(),
        },
    )
}

/// The packets of `set` of the given protocols.
fn protocols_part(set: &PacketSet, protocols: &ProtoSet) -> PacketSet {
    set.intersect(&PacketSet::from_match(&super::sets::PacketMatch {
        protocols: protocols.clone(),
        ..super::sets::PacketMatch::all()
    }))
}

/// A boundary on the path that matters to security-group references or gateways.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Crossing {
    Pcx { res: ResId, cross_region: Val<bool> },
    Tgw { res: ResId, sg_ref: Val<bool> },
    Appliance(ResId),
    Igw,
    Vpn,
}

/// How a request left the network to an external destination.
#[derive(Debug, Clone, Copy)]
enum Exit {
    Igw(ResId),
    Eigw(ResId),
    GatewayEndpoint(ResId),
    Vgw(ResId),
    TgwVpn { tgw: ResId, conn: ResId },
}

/// Why a packet arrives in a subnet.
#[derive(Debug, Clone, Copy)]
enum Arrival {
    /// Addressed to the flow's end (forward: the destination; return: the source, or the NAT
    /// gateway whose translation the reply undoes).
    Owner,
    /// Routed to a NAT gateway.
    Nat(ResId),
    /// Routed to an appliance ENI.
    Appliance(ResId),
    /// Routed to a Gateway Load Balancer endpoint.
    Gwlb(ResId),
    /// Entering a transit gateway through an attachment.
    Tgw { tgw: ResId, att: ResId },
}

/// Part of the destination-side check of an egress rule that only references admit.
#[derive(Debug, Clone)]
struct EgressRef {
    set: PacketSet,
    at: usize,
    group: String,
}

#[derive(Debug, Clone)]
struct Branch {
    set: PacketSet,
    leg: Leg,
    frames: Vec<Frame>,
    hop: Option<u32>,
    crossings: Vec<Crossing>,
    ident: Ident,
    ident_at: usize,
    egress_refs: Vec<EgressRef>,
    fwd_appliances: Vec<ResId>,
    ret_appliances: Vec<ResId>,
    at_subnet: Option<ResId>,
    at_vpc: Option<ResId>,
    az: Option<Arc<str>>,
    depth: u32,
    /// The route tables (and transit gateway ingress attachments) that routed this branch, with
    /// the leg and the destinations they routed: meeting one again on the same leg for the same
    /// destinations is a routing loop.
    routed: Vec<(ResId, Leg, IpSet)>,
}

impl Branch {
    /// This branch's state with other packets (`self.set` is not copied).
    fn with(&self, set: PacketSet) -> Branch {
        Branch {
            set,
            leg: self.leg,
            frames: self.frames.clone(),
            hop: self.hop,
            crossings: self.crossings.clone(),
            ident: self.ident.clone(),
            ident_at: self.ident_at,
            egress_refs: self.egress_refs.clone(),
            fwd_appliances: self.fwd_appliances.clone(),
            ret_appliances: self.ret_appliances.clone(),
            at_subnet: self.at_subnet,
            at_vpc: self.at_vpc,
            az: self.az.clone(),
            depth: self.depth,
            routed: self.routed.clone(),
        }
    }
}

/// Who the packets of a branch are addressed to.
enum Owner<'p> {
    Place(&'p Place),
    Nat(ResId),
}

/// Which end of a walk is *open*: every subnet at once, for the all-pairs batch
/// (`allpairs/`). An open walk covers one leg and stops where the packets would be handed to
/// the open end (a [`Stop`]); what happens there depends on which subnet the packet is for, and
/// the batch decides it per pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Open {
    /// An ordinary walk between two places, both legs.
    Closed,
    /// The forward leg from `src` to every subnet (`dst` is a stand-in whose addresses are
    /// every subnet's).
    Dst,
    /// The return leg from `dst` back to every subnet (`src` is the stand-in); leaves hold the
    /// replies themselves (reply space), not the requests they belong to.
    Src,
}

/// Where an open walk handed packets to its open end, or gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopKind {
    /// `local` delivery to the owner (its checks, NACL ingress, arrival come next).
    Local,
    /// Leaving `at_subnet`, the packets are addressed inside it (delivered without NACL or
    /// route table if the owner is that subnet, else dropped).
    SameSubnet,
    /// Something the batch does not follow (appliances, GWLB endpoints): the pairs concerned
    /// are evaluated one by one.
    Unsupported,
}

/// A part of an open walk that reached its open end.
#[derive(Debug, Clone)]
pub(crate) struct Stop {
    pub kind: StopKind,
    /// The branch's VPC and subnet at that point.
    pub at_vpc: Option<ResId>,
    pub at_subnet: Option<ResId>,
    /// No NAT translation, appliance or deferred security-group reference on the branch: what
    /// follows depends on the packets and the two places only.
    pub canonical: bool,
    /// The packets, in the branch's header space (no translation when `canonical`).
    pub set: PacketSet,
}

/// One walk: from `src` to `dst`, for `request`.
pub(crate) struct Walker<'e, 'n> {
    ev: &'e Evaluator<'n>,
    src: &'e Place,
    dst: &'e Place,
    request: PacketSet,
    tracing: bool,
    open: Open,
    memo: Option<&'e Memo>,
    /// Computing a memo entry (no nested memoisation).
    in_memo: bool,
    pub hops: Vec<HopNode>,
    pub leaves: Vec<Leaf>,
    pub stops: Vec<Stop>,
    /// Memoised sub-walks this walk took (their leaves and stops are not in `leaves`/`stops`).
    pub shared: Vec<Arc<MemoEntry>>,
}

impl<'e, 'n> Walker<'e, 'n> {
    pub(crate) fn new(
        ev: &'e Evaluator<'n>,
        src: &'e Place,
        dst: &'e Place,
        request: PacketSet,
        tracing: bool,
    ) -> Self {
        Self {
            ev,
            src,
            dst,
            request,
            tracing,
            open: Open::Closed,
            memo: None,
            in_memo: false,
            hops: Vec::new(),
            leaves: Vec::new(),
            stops: Vec::new(),
            shared: Vec::new(),
        }
    }

    /// An open walk (see [`Open`]): `Dst` walks `request` forward from `src`; `Src` walks the
    /// replies to `request` back from `dst`. Untraced.
    pub(crate) fn open(
        ev: &'e Evaluator<'n>,
        src: &'e Place,
        dst: &'e Place,
        request: PacketSet,
        open: Open,
        memo: Option<&'e Memo>,
    ) -> Self {
        Self { open, memo, ..Self::new(ev, src, dst, request, false) }
    }

    /// True when `b` has reached the open end's side: the forward leg of a `Dst` walk, the
    /// return leg (to the source, not a NAT gateway) of a `Src` walk.
    fn at_open_end(&self, b: &Branch) -> bool {
        match self.open {
            Open::Closed => false,
            Open::Dst => b.leg == Leg::Forward,
            Open::Src => b.leg == Leg::Return && b.frames.is_empty(),
        }
    }

    fn stop(&mut self, b: &Branch, set: PacketSet, kind: StopKind) {
        if set.is_empty() {
            return;
        }
        let canonical = b.frames.is_empty()
            && b.fwd_appliances.is_empty()
            && b.ret_appliances.is_empty()
            && b.egress_refs.is_empty();
        // Behind a NAT translation, the request's packets (their destinations are the same).
        let set = if b.frames.is_empty() { set } else { self.to_original(b, &set).0 };
        self.stops.push(Stop { kind, at_vpc: b.at_vpc, at_subnet: b.at_subnet, canonical, set });
    }

    /// The return leg of a `Src` walk: the replies to every packet of the request delivered
    /// to `dst` (a subnet), as `start_return` would walk them after a plain delivery.
    pub(crate) fn run_return(&mut self) {
        let dst = self.dst;
        let Some(subnet) = dst.subnet else { return };
        let info = self.ev.subnet(subnet);
        let b = Branch {
            set: self.request.clone(),
            leg: Leg::Forward,
            frames: Vec::new(),
            hop: None,
            crossings: Vec::new(),
            ident: Ident::None,
            ident_at: 0,
            egress_refs: Vec::new(),
            fwd_appliances: Vec::new(),
            ret_appliances: Vec::new(),
            at_subnet: Some(subnet),
            at_vpc: info.and_then(|i| i.vpc),
            az: info.and_then(|i| i.az.clone()),
            depth: 0,
            routed: Vec::new(),
        };
        if b.set.is_empty() {
            return;
        }
        self.start_return(b, None);
    }

    // ---- bookkeeping ------------------------------------------------------------------------

    fn hop(
        &mut self,
        b: &mut Branch,
        stage: Stage,
        resource: &str,
        decision: Decision,
        reason: impl FnOnce() -> String,
        via: &[ResId],
    ) {
        if !self.tracing {
            return;
        }
        let hop = Hop { stage, resource: resource.to_string(), decision, reason: reason() };
        let hidden = stage == Stage::Deliver && decision == Decision::Forward;
        self.hops.push(HopNode { hop, leg: b.leg, parent: b.hop, via: via.to_vec(), hidden });
        b.hop = Some((self.hops.len() - 1) as u32);
    }

    /// The request packets (and the segment's forward packets) behind `part` of branch `b`.
    fn to_original(&self, b: &Branch, part: &PacketSet) -> (PacketSet, PacketSet) {
        let depth = b.frames.len();
        let base = if depth == 0 { &self.request } else { &b.frames[depth - 1].post };
        let local = match b.leg {
            Leg::Forward => part.clone(),
            Leg::Return if part.protocols().intersects(L4Kind::Icmp.protocol_set()) => {
                icmp_to_requests(part).reverse().intersect(base)
            }
            Leg::Return => part.reverse().intersect(base),
        };
        let mut orig = local.clone();
        for f in b.frames.iter().rev() {
            orig = f.unmap(&orig);
        }
        (orig, local)
    }

    fn leaf(
        &mut self,
        b: &Branch,
        part: &PacketSet,
        outcome: Outcome,
        stage: Stage,
        resource: Option<&str>,
        reason: String,
    ) {
        let ev = self.namer();
        if part.is_empty() {
            return;
        }
        if outcome == Outcome::Passed && !self.tracing {
            // Passed packets are what no other leaf claims (`Reach::new`): nothing to map back.
            self.leaves.push(Leaf {
                outcome,
                stage,
                leg: b.leg,
                resource: None,
                reason,
                packets: PacketSet::empty(),
                ports: PortSet::empty(),
                initiator: String::new(),
                hop: None,
            });
            return;
        }
        let (packets, local) = if self.open == Open::Src && b.leg == Leg::Return {
            (part.clone(), part.clone())
        } else {
            self.to_original(b, part)
        };
        let initiator = b.frames.last().map_or_else(|| self.src.name.clone(), |f| ev.net.name(f.nat).to_string());
        let mut hop = b.hop;
        if self.tracing && outcome != Outcome::Passed {
            let decision = if outcome == Outcome::Dropped { Decision::Deny } else { Decision::Undetermined };
            // The packet reached the gateway or appliance that dropped it: it is on the path.
            let on_path = matches!(
                stage,
                Stage::Igw
                    | Stage::Nat
                    | Stage::Peering
                    | Stage::Tgw
                    | Stage::Eigw
                    | Stage::Endpoint
                    | Stage::Appliance
                    | Stage::Vpn
            );
            let via = match resource.and_then(|r| self.ev.net.find(r)) {
                Some(r) if on_path && b.leg == Leg::Forward => vec![r],
                _ => Vec::new(),
            };
            let node = HopNode {
                hop: Hop { stage, resource: resource.unwrap_or("").to_string(), decision, reason: reason.clone() },
                leg: b.leg,
                parent: b.hop,
                via,
                hidden: false,
            };
            self.hops.push(node);
            hop = Some((self.hops.len() - 1) as u32);
        }
        self.leaves.push(Leaf {
            outcome,
            stage,
            leg: b.leg,
            resource: resource.map(str::to_string),
            reason,
            packets,
            ports: local.src_ports(),
            initiator,
            hop,
        });
    }

    fn drop(
        &mut self,
        b: &Branch,
        part: &PacketSet,
        stage: Stage,
        resource: Option<&str>,
        reason: impl FnOnce() -> String,
    ) {
        if !part.is_empty() {
            let reason = if self.tracing { reason() } else { String::new() };
            self.leaf(b, part, Outcome::Dropped, stage, resource, reason);
        }
    }

    fn undetermined(
        &mut self,
        b: &Branch,
        part: &PacketSet,
        stage: Stage,
        resource: Option<&str>,
        reason: impl FnOnce() -> String,
    ) {
        if !part.is_empty() {
            let reason = if self.tracing { reason() } else { String::new() };
            self.leaf(b, part, Outcome::Undetermined, stage, resource, reason);
        }
    }

    /// The packets of `b` complete the flow: passed, unless an AWS Network Firewall is on the
    /// path, whose policy decides them (docs/semantics.md §1.9: not evaluated, so undetermined
    /// at the firewall; drops before or after it were decided on the way).
    fn pass(&mut self, b: &Branch) {
        let set = b.set.clone();
        let firewall = b.fwd_appliances.iter().chain(&b.ret_appliances).find_map(|&a| self.firewall_of(a));
        if let Some(fw) = firewall {
            let ev = self.namer();
            let name = ev.net.name(fw);
            self.undetermined(b, &set, Stage::Endpoint, Some(name), || {
                format!("AWS Network Firewall {name}: its policy is not evaluated (rules decide)")
            });
            return;
        }
        self.leaf(b, &set, Outcome::Passed, Stage::Deliver, None, String::new());
    }
}

impl<'e, 'n> Walker<'e, 'n> {
    fn owner(&self, b: &Branch) -> Owner<'e> {
        match b.leg {
            Leg::Forward => Owner::Place(self.dst),
            Leg::Return => match b.frames.last() {
                Some(f) => Owner::Nat(f.nat),
                None => Owner::Place(self.src),
            },
        }
    }

    fn ident_of(place: &Place) -> Ident {
        Ident::of(place)
    }

    fn ref_validity(&self, crossings: &[Crossing]) -> RefValidity {
        let ev = self.namer();
        for c in crossings {
            match c {
                Crossing::Appliance(r) => {
                    return RefValidity::Invalid(format!(
                        "security group references are not preserved through {} (SG_REFERENCES_NOT_PRESERVED)",
                        ev.net.name(*r)
                    ));
                }
                Crossing::Pcx { res, cross_region } => match cross_region {
                    Val::Known(true) => {
                        return RefValidity::Invalid(format!(
                            "{} crosses Regions: security group references do not match",
                            ev.net.name(*res)
                        ));
                    }
                    Val::Known(false) => {}
                    _ => {
                        return RefValidity::Unknown(format!(
                            "whether {} crosses Regions is unknown",
                            ev.net.name(*res)
                        ));
                    }
                },
                Crossing::Tgw { res, sg_ref } => match sg_ref {
                    Val::Known(true) => {}
                    Val::Known(false) => {
                        return RefValidity::Invalid(format!(
                            "{} has security group referencing support off (SG_REFERENCING_SUPPORT)",
                            ev.net.name(*res)
                        ));
                    }
                    _ => {
                        return RefValidity::Unknown(format!(
                            "whether {} supports security group referencing is unknown",
                            ev.net.name(*res)
                        ));
                    }
                },
                Crossing::Igw | Crossing::Vpn => {
                    return RefValidity::Invalid("the packet comes from outside the VPCs".into());
                }
            }
        }
        RefValidity::Valid
    }

    // ---- the walk ---------------------------------------------------------------------------

    /// Runs the walk over the whole request.
    pub(crate) fn run(&mut self) {
        let ev = self.namer();
        let src = self.src;
        let mut b = Branch {
            set: self.request.clone(),
            leg: Leg::Forward,
            frames: Vec::new(),
            hop: None,
            crossings: Vec::new(),
            ident: Self::ident_of(src),
            ident_at: 0,
            egress_refs: Vec::new(),
            fwd_appliances: Vec::new(),
            ret_appliances: Vec::new(),
            at_subnet: None,
            at_vpc: src.vpc,
            az: None,
            depth: 0,
            routed: Vec::new(),
        };
        if b.set.is_empty() {
            return;
        }
        match &src.kind {
            PlaceKind::Internet => self.inbound_from_internet(b),
            PlaceKind::OnPremises => self.inbound_from_on_premises(b),
            PlaceKind::Service(s) => {
                let s = s.clone();
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Route, None, || format!("{s} does not open connections into a VPC"));
            }
            _ => {
                let Some(subnet) = src.subnet else {
                    let set = b.set.clone();
                    let beyond = src.res.is_none() && src.kind == PlaceKind::Subnet;
                    let vpc = src.vpc.map_or("a VPC", |v| ev.net.name(v));
                    self.undetermined(&b, &set, Stage::SgEgress, Some(&src.name), || {
                        if beyond {
                            format!(
                                "beyond the input: {} is in {vpc}, but no subnet of the input holds it (its subnet, route table, NACL and security groups are in another configuration; trace a plan that has them)",
                                src.address
                            )
                        } else {
                            format!("the subnet of {} is not known until apply", src.name)
                        }
                    });
                    return;
                };
                self.hop(
                    &mut b,
                    Stage::Deliver,
                    &src.name,
                    Decision::Forward,
                    || format!("starts at {} in {}", src.name, ev.net.name(subnet)),
                    &[subnet],
                );
                let Some(b) = self.sg(b, src, SgDirection::Egress) else { return };
                self.leave(b, subnet);
            }
        }
    }
}
