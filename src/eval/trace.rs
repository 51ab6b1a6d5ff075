//! `tfvpc trace`: one flow between two endpoints, per instance and AZ, with a verdict, the hops
//! of both legs, the failing source ports and the bill (issue 3 items 6-7).
//!
//! The JSON shape (stable; later versions add fields, never remove or rename them):
//!
//! ```text
//! { "from", "to", "flow": {protocol, ports, icmp_type, icmp_code, family},
//!   "verdict": "reachable" | "unreachable" | "indeterminate",
//!   "source", "destination",                       // the deciding instance pair
//!   "dropped_at": stage | null, "dropped_leg": "forward" | "return" | null,
//!   "dropped_in": address | null, "undetermined_at": stage | null, "reason": text | null,
//!   "path": [address…], "forward": [hop…], "return": [hop…],   // hop = {stage, resource, decision, reason}
//!   "failing_ports": [{"from", "to"}…], "failing_ports_chosen_by": address | null,
//!   "client_ports": {from, to, why},
//!   "cost": [{item, resource, usd_per_gb, usd_per_hour, note, usd_per_month?}…],
//!   "bill": {price_region, price_date, usd_per_gb, fixed_usd_per_hour, gb_per_month, usd_per_month, notes},
//!   "notes": [text…],
//!   "traces": [ {source, destination, verdict, dropped_at, …, cost, bill, notes}… ] }  // every pair
//! ```
//!
//! `dropped_at` is one of `sg-egress`, `nacl-egress`, `route`, `igw`, `nat`, `peering`, `tgw`,
//! `eigw`, `endpoint`, `appliance`, `vpn`, `nacl-ingress`, `sg-ingress`, `return-path`: a reply
//! with no usable way back (no route, a blackhole, an asymmetric NAT, IGW or appliance path) is
//! `return-path`, while a NACL that drops a reply keeps its NACL stage. `failing_ports` are source
//! ports chosen by whoever opened the failing segment: the client, or the NAT gateway that
//! re-originated it (its 1024-65535).
//!
//! Renderers live in `report::trace` (the human form: one line per hop, allow in green, deny in
//! red when colour is on, the return leg, the verdict, then the bill).

use serde::Serialize;

use super::EvalSettings;
use super::Evaluator;
use super::cost::{Bill, CostLine};
use super::flow::{ClientPorts, Flow};
use super::place::Place;
use super::reach::{Hop, Leaf, Leg, Outcome, Reach, Stage, Verdict};
use super::resolve::{Endpoint, ResolveError};
use super::sets::{Family, IpSet, L4Kind, PacketSet, PortSet, RuleProtocol};
use super::walk::Walker;
use crate::model::Network;

/// The version of `tfvpc trace --format json` (docs/output-formats.md): bumped on any change
/// that is not a pure addition.
pub(crate) const TRACE_JSON_VERSION: u32 = 1;

/// Options of a trace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceOptions {
    /// GB per month sent from X to Y, to turn per-GB lines into a monthly figure.
    pub gb_per_month: Option<f64>,
    /// Force an address family (else IPv6 only when an endpoint is an IPv6 address or the
    /// protocol is ICMPv6).
    pub family: Option<Family>,
}

/// A source-port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PortRange {
    /// First port.
    pub from: u16,
    /// Last port.
    pub to: u16,
}

/// The flow, as the report states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowOut {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `all` or a number.
    pub protocol: String,
    /// Destination ports (`443`, `1024-65535`), when the protocol has ports.
    pub ports: Option<String>,
    /// ICMP type.
    pub icmp_type: Option<u8>,
    /// ICMP code.
    pub icmp_code: Option<u8>,
    /// `ipv4` or `ipv6`.
    pub family: String,
}

/// The trace of one place pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairTrace {
    /// The source place.
    pub source: String,
    /// The destination place.
    pub destination: String,
    /// Verdict.
    pub verdict: Verdict,
    /// Where the flow dies (unreachable only).
    pub dropped_at: Option<Stage>,
    /// On which leg.
    pub dropped_leg: Option<Leg>,
    /// The deciding resource.
    pub dropped_in: Option<String>,
    /// Where the verdict became indeterminate.
    pub undetermined_at: Option<Stage>,
    /// Why (unreachable or indeterminate).
    pub reason: Option<String>,
    /// Addresses traversed on the forward leg.
    pub path: Vec<String>,
    /// Forward hops.
    pub forward: Vec<Hop>,
    /// Return hops.
    #[serde(rename = "return")]
    pub return_hops: Vec<Hop>,
    /// Source ports that fail.
    pub failing_ports: Vec<PortRange>,
    /// Who chose the failing source ports: the source, or a NAT gateway that re-originated the
    /// flow.
    pub failing_ports_chosen_by: Option<String>,
    /// The source ports the initiator may pick.
    pub client_ports: ClientPorts,
    /// Cost lines.
    pub cost: Vec<CostLine>,
    /// The bill's totals.
    pub bill: Bill,
    /// Assumptions and caveats.
    pub notes: Vec<String>,
}

/// The report of `tfvpc trace`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceReport {
    /// X as given.
    pub from: String,
    /// Y as given.
    pub to: String,
    /// The flow.
    pub flow: FlowOut,
    /// The deciding pair (first unreachable, else first indeterminate, else first).
    #[serde(flatten)]
    pub decisive: PairTrace,
    /// Every pair, in order.
    pub traces: Vec<PairTrace>,
}

impl TraceReport {
    /// The overall verdict: reachable only if every pair is.
    #[must_use]
    pub fn verdict(&self) -> Verdict {
        self.decisive.verdict
    }

    /// JSON, pretty-printed, ending with a newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        /// The report with its contract version first.
        #[derive(Serialize)]
        struct Versioned<'a> {
            version: u32,
            #[serde(flatten)]
            report: &'a TraceReport,
        }
        let versioned = Versioned { version: TRACE_JSON_VERSION, report: self };
        let mut s = serde_json::to_string_pretty(&versioned).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}

/// Which end of a trace an endpoint names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceEnd {
    /// The source.
    From,
    /// The destination.
    To,
}

/// Why a trace could not run (an end that does not resolve).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    /// The end that does not resolve.
    pub which: TraceEnd,
    /// The resolution error.
    pub error: ResolveError,
}

/// Resolves `from` and `to` in `net` and traces `flow` between them.
pub fn trace(
    net: &Network,
    settings: EvalSettings,
    from: &str,
    to: &str,
    flow: &Flow,
    options: &TraceOptions,
) -> Result<TraceReport, TraceError> {
    let ev = Evaluator::new(net, settings);
    let x = ev.resolve(from, None).map_err(|error| TraceError { which: TraceEnd::From, error })?;
    let y = ev.resolve(to, x.places.first()).map_err(|error| TraceError { which: TraceEnd::To, error })?;
    Ok(ev.trace(&x, &y, flow, options))
}

impl<'n> Evaluator<'n> {
    /// Evaluates `set` (restricted to packets from `src`'s to `dst`'s addresses), both legs,
    /// without hop texts: the fast form for rules and benchmarks.
    #[must_use]
    pub fn reach(&self, src: &Place, dst: &Place, set: &PacketSet) -> Reach {
        self.run(src, dst, set, false)
    }

    /// [`Evaluator::reach`] with the hops of every branch recorded.
    #[must_use]
    pub fn reach_traced(&self, src: &Place, dst: &Place, set: &PacketSet) -> Reach {
        self.run(src, dst, set, true)
    }

    fn run(&self, src: &Place, dst: &Place, set: &PacketSet, tracing: bool) -> Reach {
        let request = super::route::restrict_dst(&super::route::restrict_src(set, &src.addrs), &dst.addrs);
        let mut walker = Walker::new(self, src, dst, request.clone(), tracing);
        walker.run();
        Reach::new(request, std::mem::take(&mut walker.leaves), std::mem::take(&mut walker.hops))
    }

    /// The packets of `flow` from `src` to `dst` in one family, with `src`'s client ports.
    #[must_use]
    pub fn flow_packets(&self, src: &Place, dst: &Place, flow: &Flow, family: Family) -> PacketSet {
        let only = match family {
            Family::V4 => IpSet::any_v4(),
            Family::V6 => IpSet::any_v6(),
        };
        flow.packets(&src.addrs.intersect(&only), &dst.addrs.intersect(&only), &src.client.set())
    }

    /// Traces `flow` between every place pair of two endpoints.
    #[must_use]
    pub fn trace(&self, from: &Endpoint, to: &Endpoint, flow: &Flow, options: &TraceOptions) -> TraceReport {
        let family = options.family.unwrap_or_else(|| {
            let v6_given = [from, to].iter().any(|e| e.text.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_ipv6()));
            if flow.is_v6_only() || v6_given { Family::V6 } else { Family::V4 }
        });
        let mut traces = Vec::new();
        for x in &from.places {
            for y in &to.places {
                traces.push(self.trace_pair(x, y, flow, family, options));
            }
        }
        let decisive = traces
            .iter()
            .find(|t| t.verdict == Verdict::Unreachable)
            .or_else(|| traces.iter().find(|t| t.verdict == Verdict::Indeterminate))
            .or_else(|| traces.first())
            .cloned()
            .unwrap_or_else(|| self.empty_pair(from, to));
        let mut decisive = decisive;
        if (from.alternatives || to.alternatives) && traces.len() > 1 {
            // One of the places will exist: reachable if all are, unreachable if none is.
            let all_unreachable = traces.iter().all(|t| t.verdict == Verdict::Unreachable);
            let all_reachable = traces.iter().all(|t| t.verdict == Verdict::Reachable);
            if !all_unreachable && !all_reachable && decisive.verdict == Verdict::Unreachable {
                let which = if to.alternatives { &to.text } else { &from.text };
                let stage = decisive.dropped_at;
                let why = decisive.reason.clone().unwrap_or_default();
                decisive.verdict = Verdict::Indeterminate;
                decisive.undetermined_at = stage;
                decisive.reason = Some(format!(
                    "depends on the subnet AWS places {which} in (unknown until apply): from {} to {}: {why}",
                    decisive.source, decisive.destination
                ));
                decisive.dropped_at = None;
                decisive.dropped_leg = None;
                decisive.dropped_in = None;
                decisive.failing_ports = Vec::new();
                decisive.failing_ports_chosen_by = None;
            }
        }
        TraceReport { from: from.text.clone(), to: to.text.clone(), flow: flow_out(flow, family), decisive, traces }
    }

    fn empty_pair(&self, from: &Endpoint, to: &Endpoint) -> PairTrace {
        PairTrace {
            source: from.text.clone(),
            destination: to.text.clone(),
            verdict: Verdict::Indeterminate,
            dropped_at: None,
            dropped_leg: None,
            dropped_in: None,
            undetermined_at: None,
            reason: Some("nothing to trace".into()),
            path: Vec::new(),
            forward: Vec::new(),
            return_hops: Vec::new(),
            failing_ports: Vec::new(),
            failing_ports_chosen_by: None,
            client_ports: ClientPorts::new((0, 0), ""),
            cost: Vec::new(),
            bill: self.bill(&self.internet_place(None), &self.internet_place(None), &[], None),
            notes: Vec::new(),
        }
    }

    /// Traces `flow` from one place to another.
    #[must_use]
    pub fn trace_pair(
        &self,
        src: &Place,
        dst: &Place,
        flow: &Flow,
        family: Family,
        options: &TraceOptions,
    ) -> PairTrace {
        let request = self.flow_packets(src, dst, flow, family);
        let reach = self.reach_traced(src, dst, &request);
        let mut notes = Vec::new();
        let has_ports = flow.protocol.to_set().intersects(L4Kind::Ports.protocol_set());
        if has_ports {
            notes.push(format!(
                "{} picks source ports {}-{} ({})",
                src.name, src.client.from, src.client.to, src.client.why
            ));
        }
        for p in [src, dst] {
            if let Some(n) = &p.addrs_note {
                notes.push(format!("{}: {n}", p.name));
            }
        }
        let verdict = reach.verdict();
        let mut out = PairTrace {
            source: src.name.clone(),
            destination: dst.name.clone(),
            verdict,
            dropped_at: None,
            dropped_leg: None,
            dropped_in: None,
            undetermined_at: None,
            reason: None,
            path: Vec::new(),
            forward: Vec::new(),
            return_hops: Vec::new(),
            failing_ports: Vec::new(),
            failing_ports_chosen_by: None,
            client_ports: src.client.clone(),
            cost: Vec::new(),
            bill: self.bill(src, dst, &[], options.gb_per_month),
            notes,
        };
        if reach.request.is_empty() {
            out.undetermined_at = Some(Stage::Route);
            let family_name = if family == Family::V6 { "IPv6" } else { "IPv4" };
            out.reason =
                Some([src, dst].iter().find(|p| p.addrs.intersect(&family_only(family)).is_empty()).map_or_else(
                    || "no packet to trace".to_string(),
                    |p| {
                        format!(
                            "{} has no known {family_name} address{}",
                            p.name,
                            p.addrs_note.as_ref().map_or(String::new(), |n| format!(" ({n})"))
                        )
                    },
                ));
            return out;
        }
        let primary = pick_leaf(&reach, verdict);
        if let Some(leaf) = primary {
            match verdict {
                Verdict::Unreachable => {
                    out.dropped_at = Some(drop_stage(leaf));
                    out.dropped_leg = Some(leaf.leg);
                    out.dropped_in = leaf.resource.clone();
                    out.reason = Some(leaf.reason.clone());
                    out.failing_ports = failing_ports(&reach, leaf);
                    if !out.failing_ports.is_empty() {
                        out.failing_ports_chosen_by = Some(leaf.initiator.clone());
                    }
                }
                Verdict::Indeterminate => {
                    out.undetermined_at =
                        Some(if leaf.outcome == Outcome::Dropped { drop_stage(leaf) } else { leaf.stage });
                    out.reason = Some(if leaf.outcome == Outcome::Dropped {
                        let failing = reach.failing_addresses();
                        format!(
                            "depends on addresses unknown until apply: fails for {} ({}), passes for the others",
                            self.pairs_text(&failing),
                            leaf.reason
                        )
                    } else {
                        leaf.reason.clone()
                    });
                }
                Verdict::Reachable => {}
            }
            for (leg, hop) in reach.hops_of(leaf) {
                match leg {
                    Leg::Forward => out.forward.push(hop),
                    Leg::Return => out.return_hops.push(hop),
                }
            }
            let path = reach.path_of(leaf);
            out.path = path.iter().map(|r| self.net.name(*r).to_string()).collect();
            out.bill = self.bill(src, dst, &path, options.gb_per_month);
            out.cost = out.bill.lines.clone();
        }
        out
    }

    fn pairs_text(&self, pairs: &PacketSet) -> String {
        let src = pairs.src_addrs();
        let dst = pairs.dst_addrs();
        let show = |s: &IpSet| {
            let c = s.to_cidrs();
            let shown: Vec<String> = c.iter().take(3).map(ToString::to_string).collect();
            if c.len() > 3 { format!("{}, …", shown.join(", ")) } else { shown.join(", ") }
        };
        format!("{} -> {}", show(&src), show(&dst))
    }
}

fn family_only(family: Family) -> IpSet {
    match family {
        Family::V4 => IpSet::any_v4(),
        Family::V6 => IpSet::any_v6(),
    }
}

/// The stage a drop is reported at: replies that have no usable route are `return-path`; NACL
/// drops keep their stage.
pub(crate) fn drop_stage(leaf: &Leaf) -> Stage {
    match leaf.leg {
        Leg::Return if !leaf.stage.is_nacl() => Stage::ReturnPath,
        _ => leaf.stage,
    }
}

fn leaf_order(reach: &Reach, l: &Leaf) -> (u8, usize) {
    (if l.leg == Leg::Forward { 0 } else { 1 }, reach.hops_of(l).len())
}

fn pick_leaf(reach: &Reach, verdict: Verdict) -> Option<&Leaf> {
    let of = |o: Outcome| {
        reach
            .leaves
            .iter()
            .filter(move |l| l.outcome == o && !l.packets.is_empty())
            .min_by_key(|l| leaf_order(reach, l))
    };
    match verdict {
        Verdict::Reachable => of(Outcome::Passed),
        Verdict::Unreachable => of(Outcome::Dropped),
        Verdict::Indeterminate => {
            if reach.failed.is_empty() {
                of(Outcome::Undetermined)
            } else {
                of(Outcome::Dropped).or_else(|| of(Outcome::Undetermined))
            }
        }
    }
}

/// Source ports that fail, in the segment of the deciding leaf (the client's own ports, or the
/// NAT gateway's after translation).
fn failing_ports(reach: &Reach, primary: &Leaf) -> Vec<PortRange> {
    let ports = reach
        .leaves
        .iter()
        .filter(|l| l.outcome == Outcome::Dropped && l.initiator == primary.initiator)
        .fold(PortSet::empty(), |acc, l| acc.union(&l.ports));
    ports.ranges().map(|(from, to)| PortRange { from, to }).collect()
}

fn flow_out(flow: &Flow, family: Family) -> FlowOut {
    let (protocol, kind) = match flow.protocol {
        RuleProtocol::All => ("all".to_string(), None),
        RuleProtocol::Only(p) => (p.to_string(), Some(p.kind())),
    };
    FlowOut {
        protocol,
        ports: match kind {
            Some(L4Kind::Ports) => Some(flow.ports.as_ref().map_or_else(|| "0-65535".to_string(), PortSet::to_string)),
            _ => None,
        },
        icmp_type: flow.icmp_type,
        icmp_code: flow.icmp_code,
        family: if family == Family::V6 { "ipv6".into() } else { "ipv4".into() },
    }
}
