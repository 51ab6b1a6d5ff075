//! The hop-by-hop state machine over packet *sets* (SEMANTICS §0), forward leg then return leg.
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

use std::sync::{Arc, Mutex, OnceLock};

use super::Evaluator;
use super::flow::{icmp_to_replies, icmp_to_requests};
use super::nacl::Direction;
use super::place::{Place, PlaceKind, Tri};
use super::reach::{Decision, Hop, HopNode, Leaf, Leg, Outcome, Stage};
use super::route::{Target, restrict_dst, restrict_src};
use super::sets::{
    Address, BoxRef, Family, IpSet, L4Kind, PacketBox, PacketSet, PortSet, ProtoSet, Protocol, V4Box, V6Box,
};
use super::sg::{GroupKey, GroupView, Ident, RefValidity, SgDirection, SgList};
use super::tgw::{Assoc, AttKind, TgwTarget};
use crate::model::{Link, Object, ResId, Val};

/// Hops a branch may take before the walk calls it a routing loop.
const MAX_DEPTH: u32 = 48;

/// A NAT translation on the path.
#[derive(Debug, Clone)]
struct Frame {
    nat: ResId,
    subnet: ResId,
    /// The forward packets entering the NAT (header space before it).
    base: PacketSet,
    /// The forward packets leaving it (header space after it).
    post: PacketSet,
    orig_src: IpSet,
    orig_ports: PortSet,
    ident: Ident,
    ident_at: usize,
}

impl Frame {
    /// The packets entering the NAT whose translations include some of `after`: a NAT may give
    /// any request any of its ports, so one failing translated packet fails every request to
    /// the same destination, protocol and port.
    fn unmap(&self, after: &PacketSet) -> PacketSet {
        project(after, true).intersect(&self.base)
    }
}

/// Every box of `set` with its source addresses (and, for TCP/UDP, source ports) made full.
fn project(set: &PacketSet, ports_too: bool) -> PacketSet {
    map_boxes(
        set,
        |b| {
            let ports = ports_too && L4Kind::of_set(&b.protocols) == Some(L4Kind::Ports);
            PacketBox {
                src: super::sets::IntervalSet::full(),
                a: if ports { PortSet::full() } else { b.a.clone() },
                ..b.clone()
            }
        },
        |b| {
            let ports = ports_too && L4Kind::of_set(&b.protocols) == Some(L4Kind::Ports);
            PacketBox {
                src: super::sets::IntervalSet::full(),
                a: if ports { PortSet::full() } else { b.a.clone() },
                ..b.clone()
            }
        },
    )
}

fn map_boxes(
    set: &PacketSet,
    f4: impl Fn(&PacketBox<u32>) -> PacketBox<u32>,
    f6: impl Fn(&PacketBox<u128>) -> PacketBox<u128>,
) -> PacketSet {
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    for b in set.boxes() {
        match b {
            BoxRef::V4(b) => v4.push(f4(b)),
            BoxRef::V6(b) => v6.push(f6(b)),
        }
    }
    let mut out = PacketSet::from_boxes(v4);
    if !v6.is_empty() {
        out = out.union(&PacketSet::from_boxes(v6));
    }
    out
}

/// Replaces the source addresses with `addrs` (family by family) and, for TCP/UDP, the source
/// ports with `ports`.
fn translate_src(set: &PacketSet, addrs: &IpSet, ports: &PortSet) -> PacketSet {
    fn one<A: Address>(b: &PacketBox<A>, addrs: &IpSet, ports: &PortSet) -> PacketBox<A> {
        let is_ports = L4Kind::of_set(&b.protocols) == Some(L4Kind::Ports);
        PacketBox { src: A::part(addrs).clone(), a: if is_ports { ports.clone() } else { b.a.clone() }, ..b.clone() }
    }
    map_boxes(set, |b| one(b, addrs, ports), |b| one(b, addrs, ports))
}

/// Replaces the destination addresses and, for TCP/UDP, the destination ports.
fn translate_dst(set: &PacketSet, addrs: &IpSet, ports: &PortSet) -> PacketSet {
    fn one<A: Address>(b: &PacketBox<A>, addrs: &IpSet, ports: &PortSet) -> PacketBox<A> {
        let is_ports = L4Kind::of_set(&b.protocols) == Some(L4Kind::Ports);
        PacketBox { dst: A::part(addrs).clone(), b: if is_ports { ports.clone() } else { b.b.clone() }, ..b.clone() }
    }
    map_boxes(set, |b| one(b, addrs, ports), |b| one(b, addrs, ports))
}

fn family_part(set: &PacketSet, family: Family) -> PacketSet {
    restrict_dst(
        set,
        &match family {
            Family::V4 => IpSet::any_v4(),
            Family::V6 => IpSet::any_v6(),
        },
    )
}

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
        }
    }
}

/// Who the packets of a branch are addressed to.
enum Owner<'p> {
    Place(&'p Place),
    Nat(ResId),
}

/// Which end of a walk is *open*: every subnet at once, for the all-pairs batch
/// (`allpairs.rs`). An open walk covers one leg and stops where the packets would be handed to
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

/// What a transit gateway egress sub-walk of an open walk depends on besides its packets'
/// source addresses: the walk's kind, the branch's state, the places' public IPs, and the
/// packets with their source addresses made full.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct MemoKey {
    open: u8,
    leg: Leg,
    attachment: ResId,
    az: Option<Arc<str>>,
    depth: u32,
    crossings: Vec<Crossing>,
    public_ips: [Tri; 2],
    v4: Vec<V4Box>,
    v6: Vec<V6Box>,
}

/// The result of one memoised sub-walk, for packets from any source: its leaves (outcome and
/// packets) and stops, every set with the source addresses of the abstract packets.
#[derive(Debug)]
pub(crate) struct MemoEntry {
    pub leaves: Vec<(Outcome, PacketSet)>,
    pub stops: Vec<Stop>,
    /// What the all-pairs batch derives from it, once.
    pub prepared: OnceLock<super::allpairs::Prepared>,
}

/// Sub-walks shared by the open walks of one all-pairs batch, across threads.
///
/// An open walk from `s` enters a transit gateway attachment with packets `s × D × P` (`D`
/// destinations, `P` protocols and ports); what happens from there on is the same for any
/// source with the same branch state, so it is walked once for `any × D × P` and each walk
/// keeps a reference. The walk is pointwise (a packet's fate never depends on the others), so
/// the entry restricted to `s`'s addresses is exactly what `s`'s own sub-walk would give.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    map: Mutex<super::allpairs::FxMap<MemoKey, Arc<MemoEntry>>>,
}

impl Memo {
    fn get(&self, key: &MemoKey) -> Option<Arc<MemoEntry>> {
        match self.map.lock() {
            Ok(m) => m.get(key).cloned(),
            Err(poisoned) => poisoned.into_inner().get(key).cloned(),
        }
    }

    /// Stores `entry` unless another thread stored one first; returns the stored one.
    fn put(&self, key: MemoKey, entry: MemoEntry) -> Arc<MemoEntry> {
        let mut map = match self.map.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(key).or_insert_with(|| Arc::new(entry)).clone()
    }
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
    pub fn new(ev: &'e Evaluator<'n>, src: &'e Place, dst: &'e Place, request: PacketSet, tracing: bool) -> Self {
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
    pub fn open(
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

    /// The memo key of a transit gateway egress sub-walk, when it may be shared: an open walk,
    /// a plain branch (no translation, appliance or deferred reference), and packets whose
    /// source addresses are all of the walk's own end's.
    fn memo_key(&self, b: &Branch, attachment: ResId) -> Option<MemoKey> {
        self.memo?;
        if self.in_memo
            || self.open == Open::Closed
            || !b.frames.is_empty()
            || !b.egress_refs.is_empty()
            || !b.fwd_appliances.is_empty()
            || !b.ret_appliances.is_empty()
        {
            return None;
        }
        let own = match self.open {
            Open::Src => &self.dst.addrs,
            _ => &self.src.addrs,
        };
        fn widen<A: Address>(boxes: &[PacketBox<A>], own: &IpSet) -> Option<Vec<PacketBox<A>>> {
            let own = A::part(own);
            boxes
                .iter()
                .map(|b| (b.src == *own).then(|| PacketBox { src: super::sets::IntervalSet::full(), ..b.clone() }))
                .collect()
        }
        Some(MemoKey {
            open: self.open as u8,
            leg: b.leg,
            attachment,
            az: b.az.clone(),
            depth: b.depth,
            crossings: b.crossings.clone(),
            public_ips: [self.src.public_ip.clone(), self.dst.public_ip.clone()],
            v4: widen(b.set.v4_boxes(), own)?,
            v6: widen(b.set.v6_boxes(), own)?,
        })
    }

    /// The return leg of a `Src` walk: the replies to every packet of the request delivered
    /// to `dst` (a subnet), as `start_return` would walk them after a plain delivery.
    pub fn run_return(&mut self) {
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
            Leg::Return if part.protocols().intersects(&L4Kind::Icmp.protocols()) => {
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

    fn pass(&mut self, b: &Branch) {
        let set = b.set.clone();
        self.leaf(b, &set, Outcome::Passed, Stage::Deliver, None, String::new());
    }
}

/// What messages need to name things: the network, the flow's two ends, and the leg (which
/// end a packet's source is).
#[derive(Clone, Copy)]
struct Namer<'e, 'n> {
    ev: &'e Evaluator<'n>,
    net: &'n crate::model::Network,
    src: &'e Place,
    dst: &'e Place,
    leg: Leg,
}

impl Namer<'_, '_> {
    fn on(self, leg: Leg) -> Self {
        Self { leg, ..self }
    }
}

/// Describes addresses: one end of the flow (the one on `dst_side` first), a NAT gateway, a
/// service, `the internet`, or CIDRs (at most three).
fn side_text(ev: Namer<'_, '_>, set: &IpSet, dst_side: Option<bool>) -> String {
    if let Some(s) = ev.ev.services.describe(set) {
        return s;
    }
    let order = match (ev.leg, dst_side) {
        (Leg::Forward, Some(true)) | (Leg::Return, Some(false)) => [ev.dst, ev.src],
        _ => [ev.src, ev.dst],
    };
    let nonempty = !set.is_empty();
    for p in order {
        if nonempty && set.is_subset(&p.addrs) {
            let cidrs = set.to_cidrs();
            if set == &p.addrs || cidrs.len() > 2 {
                return p.name.clone();
            }
            let shown: Vec<String> = cidrs.iter().map(ToString::to_string).collect();
            return format!("{} ({})", shown.join(", "), p.name);
        }
    }
    for (nat, addrs) in &ev.ev.nat_addrs {
        if nonempty && set.is_subset(addrs) {
            return format!("{}'s address", ev.net.name(*nat));
        }
    }
    if nonempty && set.is_subset(&ev.ev.internet) && set.v4.range_count() > 8 {
        return "the internet".into();
    }
    let cidrs = set.to_cidrs();
    let shown: Vec<String> = cidrs.iter().take(3).map(ToString::to_string).collect();
    if cidrs.len() > 3 { format!("{}, … ({} blocks)", shown.join(", "), cidrs.len()) } else { shown.join(", ") }
}

fn addrs_text(ev: Namer<'_, '_>, set: &IpSet) -> String {
    side_text(ev, set, None)
}

fn src_text(ev: Namer<'_, '_>, set: &IpSet) -> String {
    side_text(ev, set, Some(false))
}

fn dst_text(ev: Namer<'_, '_>, set: &IpSet) -> String {
    side_text(ev, set, Some(true))
}

/// A short description of a packet set for messages.
fn set_text(ev: Namer<'_, '_>, set: &PacketSet) -> String {
    let mut parts = Vec::new();
    for (i, b) in set.boxes().enumerate() {
        if i == 2 {
            parts.push("…".to_string());
            break;
        }
        let (protocols, src, dst, a, bb) = match b {
            BoxRef::V4(b) => (
                b.protocols.clone(),
                u32::into_ip_set(b.src.clone()),
                u32::into_ip_set(b.dst.clone()),
                b.a.clone(),
                b.b.clone(),
            ),
            BoxRef::V6(b) => (
                b.protocols.clone(),
                u128::into_ip_set(b.src.clone()),
                u128::into_ip_set(b.dst.clone()),
                b.a.clone(),
                b.b.clone(),
            ),
        };
        let mut text =
            format!("{} {} -> {}", super::sets::display_protocols(&protocols), src_text(ev, &src), dst_text(ev, &dst));
        match L4Kind::of_set(&protocols) {
            Some(L4Kind::Ports) => {
                if !bb.is_full() {
                    text.push_str(&format!(" port {bb}"));
                }
                if !a.is_full() {
                    text.push_str(&format!(" from source ports {a}"));
                }
            }
            Some(L4Kind::Icmp) => {
                let t = a.intersect(&PortSet::range(0, 255));
                let c = bb.intersect(&PortSet::range(0, 255));
                if !a.is_full() && t.range_count() > 0 && t != PortSet::range(0, 255) {
                    text.push_str(&format!(" type {t}"));
                }
                if !bb.is_full() && c != PortSet::range(0, 255) {
                    text.push_str(&format!(" code {c}"));
                }
            }
            _ => {}
        }
        parts.push(text);
    }
    parts.join("; ")
}

impl<'e, 'n> Walker<'e, 'n> {
    fn namer(&self) -> Namer<'e, 'n> {
        Namer { ev: self.ev, net: self.ev.net, src: self.src, dst: self.dst, leg: Leg::Forward }
    }

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
        match &place.sgs {
            _ if place.is_external() => Ident::None,
            SgList::Groups(g) => Ident::Groups { groups: g.clone(), addrs: place.addrs.clone() },
            SgList::NotApplicable => Ident::Groups { groups: Vec::new(), addrs: place.addrs.clone() },
            SgList::Unknown(why) => Ident::Unknown { why: why.clone(), addrs: place.addrs.clone() },
        }
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
    pub fn run(&mut self) {
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
                    self.undetermined(&b, &set, Stage::SgEgress, Some(&src.name), || {
                        format!("the subnet of {} is not known until apply", src.name)
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

    /// Security group check at `place` in one direction; returns the admitted part.
    fn sg(&mut self, mut b: Branch, place: &Place, dir: SgDirection) -> Option<Branch> {
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
        let out = super::sg::evaluate(&views, dir, &b.set, &other, &refs);
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
    fn nacl(&mut self, mut b: Branch, subnet: ResId, dir: Direction) -> Option<Branch> {
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
        if let super::nacl::AclRules::Unknown(why) = rules {
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

    /// The packets leave (or stay in) `subnet`: same-subnet delivery skips NACLs and routing;
    /// the rest passes the subnet's NACL egress and its route table.
    fn leave(&mut self, mut b: Branch, subnet: ResId) {
        let ev = self.namer();
        let Some(info) = self.ev.subnet(subnet) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Route, Some(ev.net.name(subnet)), || {
                "the subnet is not modelled".into()
            });
            return;
        };
        b.at_subnet = Some(subnet);
        b.at_vpc = info.vpc;
        b.az = info.az.clone();
        let same = restrict_dst(&b.set, &info.cidr);
        if !same.is_empty() && self.at_open_end(&b) {
            self.stop(&b, same.clone(), StopKind::SameSubnet);
            b.set = b.set.difference(&same);
            if b.set.is_empty() {
                return;
            }
        } else if !same.is_empty() {
            let mut sb = b.with(same.clone());
            match self.owner_subnet(&b) {
                Some(s) if s == subnet => {
                    self.hop(
                        &mut sb,
                        Stage::Route,
                        ev.net.name(subnet),
                        Decision::Forward,
                        || "same subnet: delivered without a route table or network ACL".into(),
                        &[],
                    );
                    self.arrive(sb, Arrival::Owner);
                }
                _ => {
                    self.drop(&sb, &same, Stage::Route, Some(ev.net.name(subnet)), || {
                        format!("the destination is inside {}, where the flow's end is not", ev.net.name(subnet))
                    });
                }
            }
            b.set = b.set.difference(&same);
            if b.set.is_empty() {
                return;
            }
        }
        let Some(b) = self.nacl(b, subnet, Direction::Egress) else { return };
        match info.table.clone() {
            Link::To(t, _) => self.route_table(b, t),
            Link::Unknown(why) => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Route, Some(ev.net.name(subnet)), || {
                    format!("the route table of {} is not known: {why}", ev.net.name(subnet))
                });
            }
            _ => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Route, Some(ev.net.name(subnet)), || {
                    format!("the route table of {} is not known", ev.net.name(subnet))
                });
            }
        }
    }

    fn owner_subnet(&self, b: &Branch) -> Option<ResId> {
        match self.owner(b) {
            Owner::Place(p) => p.subnet.filter(|_| p.kind.in_subnet()),
            Owner::Nat(n) => match &self.ev.net.res(n).obj {
                Object::NatGateway(g) => g.subnet.res(),
                _ => None,
            },
        }
    }

    fn route_table(&mut self, mut b: Branch, table_res: ResId) {
        let ev = self.namer();
        b.depth += 1;
        let table_name = ev.net.name(table_res);
        if b.depth > MAX_DEPTH {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Route, Some(table_name), || "the path loops".into());
            return;
        }
        let Some(table) = self.ev.table(table_res) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Route, Some(table_name), || format!("{table_name} cannot be read"));
            return;
        };
        let lookup = table.lookup(&b.set, &self.ev.services, &self.ev.known_cidrs, self.open == Open::Closed);
        for (why, part) in &lookup.undetermined {
            let why = why.clone();
            self.undetermined(&b, part, Stage::Route, Some(table_name), || why);
        }
        if !lookup.none.is_empty() {
            let none = lookup.none.clone();
            let ignored: Vec<String> = table.ignored.iter().map(|(t, w)| format!("{t} is ignored: {w}")).collect();
            self.drop(&b, &none, Stage::Route, Some(table_name), || {
                let mut why = format!(
                    "no route in {table_name} matches {} (NO_ROUTE_TO_DESTINATION)",
                    dst_text(ev.on(b.leg), &none.dst_addrs())
                );
                for i in ignored {
                    why.push_str(&format!("; {i}"));
                }
                why
            });
        }
        for (i, part) in lookup.hits {
            let Some(entry) = table.entries.get(i) else { continue };
            let mut sb = b.with(part);
            let text = entry.text.clone();
            match &entry.target {
                Target::Blackhole(why) => {
                    let why = why.clone();
                    let set = sb.set.clone();
                    self.drop(&sb, &set, Stage::Route, Some(table_name), || {
                        format!("route {text} is a blackhole: {why} (BAD_STATE_ROUTE)")
                    });
                }
                Target::Undetermined(why) => {
                    let why = why.clone();
                    let set = sb.set.clone();
                    self.undetermined(&sb, &set, Stage::Route, Some(table_name), || format!("route {text}: {why}"));
                }
                target => {
                    let target = target.clone();
                    self.hop(
                        &mut sb,
                        Stage::Route,
                        table_name,
                        Decision::Forward,
                        || format!("route {text}"),
                        &[table_res],
                    );
                    self.dispatch(sb, target);
                }
            }
        }
    }

    fn dispatch(&mut self, b: Branch, target: Target) {
        match target {
            Target::Local => self.local(b),
            Target::Igw(g) => self.igw_out(b, g),
            Target::Eigw(g) => self.eigw_out(b, g),
            Target::Nat(n) => self.nat_in(b, n),
            Target::Eni(w) => self.appliance_in(b, w),
            Target::Tgw(t) => self.tgw_in(b, t),
            Target::Pcx(p) => self.pcx(b, p),
            Target::Vgw(v) => self.vgw_out(b, v),
            Target::GwlbEndpoint(e) => self.gwlb_in(b, e),
            Target::GatewayEndpoint(e) => self.gateway_endpoint(b, e),
            Target::Blackhole(_) | Target::Undetermined(_) => {}
        }
    }

    /// Local delivery inside the current VPC, to whoever the packets are addressed to.
    fn local(&mut self, b: Branch) {
        if self.at_open_end(&b) {
            let set = b.set.clone();
            self.stop(&b, set, StopKind::Local);
            return;
        }
        let ev = self.namer();
        let vpc = b.at_vpc;
        let vpc_name = vpc.map_or("the VPC", |v| ev.net.name(v));
        match self.owner(&b) {
            Owner::Place(p) if p.kind.in_subnet() => {
                let Some(s) = p.subnet else {
                    let set = b.set.clone();
                    self.undetermined(&b, &set, Stage::Route, Some(&p.name), || {
                        format!("the subnet of {} is not known until apply", p.name)
                    });
                    return;
                };
                if p.vpc != vpc {
                    let set = b.set.clone();
                    let other = p.vpc.map_or("another VPC", |v| ev.net.name(v));
                    self.drop(&b, &set, Stage::Route, Some(vpc_name), || {
                        format!(
                            "the local route of {vpc_name} covers {}, but {} is in {other} (overlapping CIDRs)",
                            dst_text(ev.on(b.leg), &set.dst_addrs()),
                            p.name
                        )
                    });
                    return;
                }
                self.enter(b, s, Arrival::Owner, false);
            }
            Owner::Place(p) => {
                let set = b.set.clone();
                self.drop(&b, &set, Stage::Route, Some(vpc_name), || {
                    format!("{} lies inside {vpc_name}'s CIDR; the local route keeps it there", p.name)
                });
            }
            Owner::Nat(n) => {
                let Some(s) = self.nat_subnet(n) else {
                    let set = b.set.clone();
                    self.undetermined(&b, &set, Stage::Nat, Some(ev.net.name(n)), || {
                        "the NAT gateway's subnet is not known".into()
                    });
                    return;
                };
                if self.ev.subnet(s).and_then(|i| i.vpc) != vpc {
                    let set = b.set.clone();
                    self.drop(&b, &set, Stage::Route, Some(vpc_name), || {
                        format!("{} is not in {vpc_name}", ev.net.name(n))
                    });
                    return;
                }
                self.enter(b, s, Arrival::Owner, false);
            }
        }
    }

    fn nat_subnet(&self, n: ResId) -> Option<ResId> {
        match &self.ev.net.res(n).obj {
            Object::NatGateway(g) => g.subnet.res(),
            _ => None,
        }
    }

    /// The packets enter `subnet` (NACL ingress unless they are already inside it).
    fn enter(&mut self, mut b: Branch, subnet: ResId, arrival: Arrival, force_nacl: bool) {
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

    fn arrive(&mut self, b: Branch, arrival: Arrival) {
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
    fn deliver(&mut self, b: Branch, p: &Place) {
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
    fn start_return(&mut self, b: Branch, exit: Option<Exit>) {
        let icmp = b.set.protocols().intersects(&L4Kind::Icmp.protocols());
        let replies = if icmp { icmp_to_replies(&b.set.reverse()) } else { b.set.reverse() };
        let no_reply = if icmp { super::flow::icmp_without_reply(&b.set) } else { PacketSet::empty() };
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

    fn return_from_exit(&mut self, mut r: Branch, exit: Exit) {
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

    fn gateway_vpc(&self, g: ResId) -> Option<ResId> {
        match &self.ev.net.res(g).obj {
            Object::InternetGateway(x) | Object::EgressOnlyGateway(x) => x.vpc.res(),
            Object::VpnGateway(x) => x.vpc.res(),
            _ => None,
        }
    }

    /// Traffic entering a VPC from an IGW or VGW: the gateway's edge route table if it has one
    /// (§1.7), else the local route.
    fn ingress_via_gateway(&mut self, b: Branch, g: ResId) {
        match self.ev.edge_tables.get(&g) {
            Some(&t) => self.route_table(b, t),
            None => self.local(b),
        }
    }

    /// The reply is back at the flow's source.
    fn finish_return(&mut self, mut b: Branch) {
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

    // ---- NAT gateway (§5) -------------------------------------------------------------------

    fn nat_in(&mut self, b: Branch, n: ResId) {
        let ev = self.namer();
        let name = ev.net.name(n);
        if b.leg == Leg::Return {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Nat, Some(name), || {
                format!("the reply is routed to {name}, which would translate its source: asymmetric path")
            });
            return;
        }
        let Some(q) = self.nat_subnet(n) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Nat, Some(name), || "the NAT gateway's subnet is not known".into());
            return;
        };
        if self.ev.subnet(q).and_then(|s| s.vpc) != b.at_vpc {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Nat, Some(name), || format!("{name} is not in the route table's VPC"));
            return;
        }
        if let Some(c) = b.crossings.iter().find(|c| matches!(c, Crossing::Pcx { .. } | Crossing::Vpn)) {
            let via = match c {
                Crossing::Pcx { res, .. } => ev.net.name(*res).to_string(),
                _ => "a VPN".to_string(),
            };
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Nat, Some(name), || {
                format!("traffic arriving over {via} cannot use a NAT gateway (NGW_REQUIRES_SOURCE_IN_VPC)")
            });
            return;
        }
        let mut b = b;
        let supported = ProtoSet::from_ranges([(1, 1), (6, 6), (17, 17)]);
        let other = b.set.difference(&protocols_part(&b.set, &supported));
        if !other.is_empty() {
            self.drop(&b, &other, Stage::Nat, Some(name), || "NAT gateways translate TCP, UDP and ICMP only".into());
            b.set = b.set.difference(&other);
        }
        let v6 = family_part(&b.set, Family::V6);
        if !v6.is_empty() {
            let nat64: IpSet = "64:ff9b::/96".parse::<ipnet::IpNet>().map(IpSet::from_net).unwrap_or_default();
            let translated = restrict_dst(&v6, &nat64);
            self.undetermined(&b, &translated, Stage::Nat, Some(name), || {
                "NAT64 through a NAT gateway is not modelled".into()
            });
            let rest = v6.difference(&translated);
            self.drop(&b, &rest, Stage::Nat, Some(name), || {
                "NAT gateways translate IPv4 only (NAT64 needs 64:ff9b::/96)".into()
            });
            b.set = b.set.difference(&v6);
        }
        if b.set.is_empty() {
            return;
        }
        self.enter(b, q, Arrival::Nat(n), false);
    }

    fn nat_translate(&mut self, mut b: Branch, n: ResId) {
        let ev = self.namer();
        let name = ev.net.name(n);
        let Ok(places) = self.ev.places_of(n) else { return };
        let Some(nat) = places.into_iter().next() else { return };
        let Some(q) = nat.subnet else { return };
        let ports = nat.client.set();
        let post = translate_src(&b.set, &nat.addrs, &ports);
        let frame = Frame {
            nat: n,
            subnet: q,
            base: b.set.clone(),
            post: post.clone(),
            orig_src: b.set.src_addrs(),
            orig_ports: b.set.src_ports(),
            ident: b.ident.clone(),
            ident_at: b.ident_at,
        };
        b.frames.push(frame);
        b.set = post;
        b.ident = Ident::None;
        b.ident_at = b.crossings.len();
        let public = matches!(nat.public_ip, Tri::Yes);
        let (kind, addr) = if public {
            ("public", "private address (its Elastic IP outside)")
        } else {
            ("private", "private address")
        };
        let (from, to) = (nat.client.from, nat.client.to);
        self.hop(
            &mut b,
            Stage::Nat,
            name,
            Decision::Translate,
            || {
                format!(
                    "{kind} NAT gateway: the source becomes its {addr}, source ports {from}-{to} (the NAT picks any)"
                )
            },
            &[n],
        );
        self.leave(b, q);
    }

    fn nat_return(&mut self, mut b: Branch, n: ResId) {
        let ev = self.namer();
        let Some(frame) = b.frames.pop() else { return };
        let name = ev.net.name(n);
        let replies = icmp_to_replies(&frame.base.reverse());
        let restored = translate_dst(&b.set, &frame.orig_src, &frame.orig_ports).intersect(&replies);
        b.set = restored;
        b.ident = frame.ident.clone();
        b.ident_at = frame.ident_at;
        self.hop(
            &mut b,
            Stage::Nat,
            name,
            Decision::Translate,
            || "restores the original destination address and port".into(),
            &[],
        );
        if b.set.is_empty() {
            return;
        }
        self.leave(b, frame.subnet);
    }

    // ---- appliances and GWLB endpoints (§1.3) -----------------------------------------------

    fn appliance_place(&self, w: ResId) -> Option<Place> {
        self.ev.places_of(w).ok().and_then(|p| p.into_iter().next())
    }

    fn appliance_in(&mut self, b: Branch, w: ResId) {
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

    fn appliance_at(&mut self, b: Branch, w: ResId) {
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

    fn gwlb_in(&mut self, b: Branch, e: ResId) {
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

    fn gwlb_at(&mut self, mut b: Branch, e: ResId) {
        let ev = self.namer();
        let name = ev.net.name(e);
        let Some(s) = b.at_subnet else { return };
        b.crossings.push(Crossing::Appliance(e));
        match b.leg {
            Leg::Forward => b.fwd_appliances.push(e),
            Leg::Return => b.ret_appliances.push(e),
        }
        self.hop(&mut b, Stage::Endpoint, name, Decision::Forward, || {
            "Gateway Load Balancer endpoint: the appliances behind it are not modelled and are assumed to return the flow".into()
        }, &[e]);
        self.leave(b, s);
    }

    // ---- internet gateways (§4) -------------------------------------------------------------

    fn public_check(&mut self, b: &mut Branch, g: ResId, stage: Stage) -> bool {
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
                    if let Some(Crossing::Appliance(a)) =
                        b.crossings.iter().rev().find(|c| matches!(c, Crossing::Appliance(_)))
                    {
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

    fn igw_out(&mut self, mut b: Branch, g: ResId) {
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
                    format!("{name} is not attached to this VPC: the route is a blackhole")
                });
            }
            return;
        }
        let private = restrict_dst(&b.set, &super::addr::private_v4());
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

    fn eigw_out(&mut self, mut b: Branch, g: ResId) {
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
    fn inbound_from_internet(&mut self, mut b: Branch) {
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

    // ---- peering (§6) -----------------------------------------------------------------------

    fn pcx(&mut self, mut b: Branch, p: ResId) {
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
                format!("{name} does not connect this VPC: the route is a blackhole")
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

    // ---- transit gateway (§7, §3.3) ---------------------------------------------------------

    fn tgw_sg_referencing(&self, tgw: ResId, att: ResId) -> Val<bool> {
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

    fn tgw_in(&mut self, b: Branch, t: ResId) {
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

    fn tgw_route(&mut self, mut b: Branch, tgw: ResId, ingress: ResId) {
        let ev = self.namer();
        b.depth += 1;
        let ingress_name = ev.net.name(ingress);
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
                    self.drop(&sb, &set, Stage::Tgw, Some(table_name), || format!("route {text} drops it: {why}"));
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

    fn tgw_egress(&mut self, b: Branch, e: ResId) {
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

    fn tgw_egress_walk(&mut self, b: Branch, e: ResId) {
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

    fn leave_from_tgw(&mut self, b: Branch, subnet: ResId, az: Option<Arc<str>>) {
        let mut b = b;
        // `leave` applies the subnet's own NACL outbound and route table, exactly the TGW
        // subnet's outbound evaluation for TGW → instance traffic; same-subnet delivery skips it.
        b.az = az;
        self.leave(b, subnet);
    }

    // ---- VPN (issue 3) ----------------------------------------------------------------------

    fn vgw_out(&mut self, b: Branch, v: ResId) {
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
    fn vpn_edge(&mut self, mut b: Branch, conns: Vec<ResId>, exit: Exit) {
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
    fn inbound_from_on_premises(&mut self, mut b: Branch) {
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

    fn conn_covers(&self, c: ResId, set: &PacketSet) -> (PacketSet, bool) {
        let Object::VpnConnection(vc) = &self.ev.net.res(c).obj else { return (PacketSet::empty(), false) };
        let bgp = vc.static_routes_only != Val::Known(true);
        let declared = vc
            .remote_cidrs
            .iter()
            .filter_map(|c| c.known())
            .fold(IpSet::empty(), |acc, n| acc.union(&IpSet::from_net(*n)));
        (restrict_src(set, &declared), bgp)
    }

    // ---- gateway endpoints (§1.5, §8) -------------------------------------------------------

    fn gateway_endpoint(&mut self, mut b: Branch, e: ResId) {
        let ev = self.namer();
        let name = ev.net.name(e);
        if b.leg == Leg::Return {
            let set = b.set.clone();
            self.drop(&b, &set, Stage::Endpoint, Some(name), || "the reply is routed into a gateway endpoint".into());
            return;
        }
        // TCP and ICMP echo only (VPCE_GATEWAY_PROTOCOL_RESTRICTION).
        let tcp = protocols_part(&b.set, &Protocol::TCP.set());
        let echo = b.set.intersect(&PacketSet::from_match(&super::sets::PacketMatch {
            protocols: Protocol::ICMP.set(),
            a: PortSet::single(8),
            ..super::sets::PacketMatch::all()
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
