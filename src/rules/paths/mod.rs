//! Intents and their fate: the shared work of the path rules (`missing-return-route`,
//! `nacl-ephemeral-gap`, `unreachable-path`, `unexpected-path`).
//!
//! An *intent* is a flow the configuration says should work (issue 4, "Intents"):
//!
//! * a security group rule that admits another group, or a CIDR covering subnets of this network:
//!   those sources reach the group's ENIs on those ports (an internet source — `0.0.0.0/0`,
//!   `::/0`, or a public range such as an office /24 that holds no subnet of the network — counts
//!   only for internet-facing ENIs: a public IP, or an internet-facing load balancer; `::/0` only
//!   for those with an IPv6 address). Sources that never
//!   open connections of their own (databases, endpoints, NAT gateways) or only to their targets
//!   (load balancers: the listener intents) are left out;
//! * a load balancer listener: clients reach it; the load balancer reaches every target on the
//!   target port and the health-check port;
//! * a route to a peering connection, transit gateway or VPN gateway: the subnets using the table
//!   reach that CIDR, and back (routing only: filters are the other intents' business);
//! * a NACL rule admitting a service port: those connections are meant to work, so their replies
//!   must pass the same NACL the other way;
//! * the user's `expect` blocks (`.tfvpc.hcl`).
//!
//! Every intent is evaluated once with the shared [`Evaluator`]; the path rules sort the failures
//! by where they die. Port ranges wider than [`MAX_RANGE`] (`0-65535` "anything") state no
//! particular service and make no intent; broad CIDR sources count as one intent that fails only
//! when it fails from every covered subnet (a deliberate deny of some sources is not a defect).
//!
//! `intents.rs` reads the intents from the network, `analysis.rs` decides them, `precedence.rs`
//! says which rule reports a failure, `text.rs` words it.

mod analysis;
mod intents;
mod precedence;
mod text;

pub(crate) use intents::{Intent, Scope, Source};
pub(crate) use precedence::FailureView;
pub(crate) use precedence::{
    claimed_by, in_scope, is_missing_return, is_reply_acl_drop, table_lacking_return, touched,
};
pub(crate) use text::{finding_trace, flow_text, ranges_text};

use super::Context;
use crate::eval::trace::PairTrace;
use crate::eval::{Evaluator, Place};
use crate::model::ResId;

/// An evaluated intent.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The intent.
    pub intent: Intent,
    /// The trace of its flow.
    pub trace: PairTrace,
}

/// The fate of every intent of a network.
#[derive(Debug, Clone, Default)]
pub struct PathAnalysis {
    /// Intents whose flow fails (for every address of every member of their group).
    pub failures: Vec<Evaluated>,
    /// Intents whose fate depends on values unknown until apply.
    pub undetermined: Vec<Evaluated>,
    /// `expect { reachable = false }` blocks whose flow passes.
    pub unexpected: Vec<Evaluated>,
    /// Intents evaluated.
    pub evaluated: usize,
    /// Distinct intent classes (source, destination and flow that evaluate alike): each is
    /// decided once.
    pub classes: usize,
    /// Intents traced for the report (failures, forbidden paths that exist, and the
    /// undetermined ones when they are shown).
    pub traced: usize,
    /// Intents whose flow fails only where no path rule would report it for them (a route's
    /// intent dropped by a NACL on the way out): decided, not traced.
    pub unreported: usize,
}

/// Builds intents and evaluates them.
pub(crate) fn analyse(ctx: &Context<'_>, ev: &Evaluator<'_>) -> PathAnalysis {
    let intents = intents::build(ctx, ev);
    analysis::decide(ev, intents, ctx.show_indeterminate)
}

/// The security groups of a place, when they are resources of the input.
pub(crate) fn groups_of(place: &Place) -> Vec<ResId> {
    match &place.sgs {
        crate::eval::sg::SgList::Groups(keys) => keys
            .iter()
            .filter_map(|k| match k {
                crate::eval::sg::GroupKey::Res(r) => Some(*r),
                crate::eval::sg::GroupKey::External(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a failure breaks, for a draft's `flows` and `affects`: the flow (`src → dst (tcp 443)`)
/// and its ends with their subnets.
pub(crate) fn broken(e: &Evaluated) -> (String, Vec<ResId>) {
    let flow = format!("{} → {} ({})", e.intent.src.name, e.intent.dst.name, flow_text(&e.intent.flow));
    let ends =
        [e.intent.src.res, e.intent.src.subnet, e.intent.dst.res, e.intent.dst.subnet].into_iter().flatten().collect();
    (flow, ends)
}
