//! Precedence: one defect, one finding. A failure that a more specific rule already explains is
//! left to it ([`claimed_by`]; each rule says what it claims in its own file, `Rule::claims`);
//! of the rest, which path rule reports it (a reply without a route back across a peering
//! connection or transit gateway, a reply dropped by a NACL, anything else) and on what.

use super::Evaluated;
use super::intents::Scope;
use super::text::resource_named;
use ipnet::IpNet;

use crate::eval::sets::IpSet;
use crate::eval::{Leg, PlaceKind, Stage};
use crate::model::{Network, Object, ResId};
use crate::rules::{Context, Draft, RuleId};

/// Stages where routing decides.
pub(crate) fn is_routing_stage(stage: Stage) -> bool {
    matches!(
        stage,
        Stage::Route | Stage::Tgw | Stage::Vpn | Stage::ReturnPath | Stage::Peering | Stage::Igw | Stage::Nat
    )
}

/// The resources a failure touches: its two ends, their subnets, the path, the deciding one.
pub(crate) struct Touched {
    pub ends: Vec<ResId>,
    pub path: Vec<ResId>,
    pub dropped_in: Option<ResId>,
}

pub(crate) fn touched(net: &Network, e: &Evaluated) -> Touched {
    let ends =
        [e.intent.src.res, e.intent.dst.res, e.intent.src.subnet, e.intent.dst.subnet].into_iter().flatten().collect();
    let path = e.trace.path.iter().filter_map(|p| resource_named(net, p)).collect();
    let dropped_in = e.trace.dropped_in.as_deref().and_then(|t| resource_named(net, t));
    Touched { ends, path, dropped_in }
}

/// A path failure as the rules that may claim it see it: where it stopped and what it touched.
pub struct FailureView {
    /// The stage that dropped the flow.
    pub stage: Stage,
    touched: Touched,
    /// Whether one end of the flow is the internet.
    internet: bool,
    /// The flow's source, when it is a resource of the input.
    source: Option<ResId>,
    /// The VPCs of the flow's two ends (when known).
    vpcs: [Option<ResId>; 2],
    /// The addresses routing looked up where the flow died: the destination's on the forward
    /// leg, the source's on the return leg (the reply is addressed to it).
    routed: IpSet,
    /// Whether the flow died at a route whose target does not exist or is not where the route
    /// says (a blackhole).
    blackhole: bool,
}

impl FailureView {
    fn new(net: &Network, e: &Evaluated, stage: Stage) -> Self {
        let internet = e.intent.src.kind == PlaceKind::Internet || e.intent.dst.kind == PlaceKind::Internet;
        let routed = if e.trace.dropped_leg == Some(Leg::Return) { &e.intent.src.addrs } else { &e.intent.dst.addrs };
        let blackhole = e.trace.reason.as_deref().is_some_and(|r| r.contains(crate::eval::BLACKHOLE));
        FailureView {
            stage,
            touched: touched(net, e),
            internet,
            source: e.intent.src.res,
            vpcs: [e.intent.src.vpc, e.intent.dst.vpc],
            routed: routed.clone(),
            blackhole,
        }
    }

    /// Whether routing dropped the flow (a VPC table, the reply's route, a gateway, a transit
    /// gateway table), as opposed to a filter (security group, network ACL).
    pub fn at_routing(&self) -> bool {
        is_routing_stage(self.stage) && !self.stage.is_nacl()
    }

    /// Whether the flow died at a blackhole: a route whose target will not exist, or a gateway
    /// or peering connection that does not serve the route's VPC.
    pub fn at_blackhole(&self) -> bool {
        self.blackhole
    }

    /// Whether routing looked up an address inside the destination the draft is keyed by
    /// (its first key, a CIDR) where the flow died: a route for that destination can explain
    /// the drop, a route for another cannot. A draft without a CIDR key explains any.
    pub fn routes_into_key(&self, draft: &Draft) -> bool {
        draft
            .key
            .first()
            .and_then(|k| k.parse::<IpNet>().ok())
            .is_none_or(|dest| self.routed.intersects(&IpSet::from_net(dest)))
    }

    /// Whether the flow joins two different VPCs that the draft names (its ends lie in both).
    pub fn joins_named_vpcs(&self, draft: &Draft) -> bool {
        match self.vpcs {
            [Some(a), Some(b)] => a != b && draft.resources.contains(&a) && draft.resources.contains(&b),
            _ => false,
        }
    }

    /// Whether the draft's primary resource (a NAT gateway, a peering connection) is on the
    /// flow's path or decided it: the flow went through what the defect is about.
    pub fn passes_primary(&self, draft: &Draft) -> bool {
        draft.resources.first().is_some_and(|p| self.touched.path.contains(p) || self.touched.dropped_in == Some(*p))
    }

    /// Whether the draft's primary resource (what its defect is about: the subnet that will not
    /// be created, the instance whose address is invalid) is one of the failure's ends, or the
    /// subnet of either. The other resources a draft names (the subnet it overlaps, the VPC)
    /// are context: a flow from or to them is not explained by the defect (issue 12, item 3).
    pub fn primary_is_an_end(&self, draft: &Draft) -> bool {
        draft.resources.first().is_some_and(|r| self.touched.ends.contains(r))
    }

    /// Whether the draft names the flow's source itself (not its subnet, not the destination).
    pub fn names_the_source(&self, draft: &Draft) -> bool {
        self.source.is_some_and(|s| draft.resources.contains(&s))
    }

    /// Whether one end of the failed flow is the internet.
    pub fn reaches_the_internet(&self) -> bool {
        self.internet
    }

    /// Whether the draft names one of the failure's ends: its source or destination, or the
    /// subnet of either.
    pub fn names_an_end(&self, draft: &Draft) -> bool {
        draft.resources.iter().any(|r| self.touched.ends.contains(r))
    }

    /// Whether the draft names a resource on the failure's path.
    pub fn names_the_path(&self, draft: &Draft) -> bool {
        draft.resources.iter().any(|r| self.touched.path.contains(r))
    }

    /// Whether the draft names the resource that dropped the flow.
    pub fn names_the_decider(&self, draft: &Draft) -> bool {
        self.touched.dropped_in.is_some_and(|x| draft.resources.contains(&x))
    }
}

/// The specific rule that already reports this failure, if any (issue 4's order of precedence:
/// the structural rules, `blackhole-route`, `nat-without-igw-route`, `public-ip-without-igw`,
/// `sg-no-egress`, `transitive-peering` come before the path rules). Each rule says what it
/// claims beside its check (`Rule::claims`), by cause: only failures its defect explains, never
/// a whole stage or every flow that touches a resource it names (issue 12, item 3). The drafts
/// of the rules that ran before the path rules are asked in registry order: the first draft
/// that claims the failure wins.
pub(crate) fn claimed_by(ctx: &Context<'_>, e: &Evaluated) -> Option<RuleId> {
    let stage = e.trace.dropped_at?;
    let failure = FailureView::new(ctx.net, e, stage);
    ctx.claims().iter().find(|(id, d)| id.rule().claims(&failure, d)).map(|(id, _)| *id)
}

/// True for failures of the reply that no route carries back across a peering connection or a
/// transit gateway (`missing-return-route`'s domain): the reply dies for want of a route — in a
/// VPC table, a transit gateway table, or at a gateway its default route sent it to — not for an
/// attachment's missing AZ (an `unreachable-path`).
pub(crate) fn is_missing_return(net: &Network, e: &Evaluated) -> bool {
    let t = touched(net, e);
    e.trace.dropped_at == Some(Stage::ReturnPath)
        && e.intent.src.kind != PlaceKind::OnPremises
        && !t.dropped_in.is_some_and(|d| matches!(net.res(d).obj, Object::TgwAttachment(_)))
        && t.path.iter().any(|r| {
            matches!(
                net.res(*r).obj,
                Object::Peering(_) | Object::TransitGateway(_) | Object::TgwAttachment(_) | Object::TgwRouteTable(_)
            )
        })
}

/// The route table that lacks the reply's route: a transit gateway table that decided, else the
/// first VPC route table the reply consulted.
pub(crate) fn table_lacking_return(net: &Network, e: &Evaluated) -> Option<ResId> {
    let t = touched(net, e);
    if let Some(d) = t.dropped_in
        && matches!(net.res(d).obj, Object::TgwRouteTable(_) | Object::RouteTable(_))
    {
        return Some(d);
    }
    e.trace
        .return_hops
        .iter()
        .filter(|h| h.stage == Stage::Route)
        .filter_map(|h| resource_named(net, &h.resource))
        .find(|r| matches!(net.res(*r).obj, Object::RouteTable(_)))
        .or(t.dropped_in)
}

/// True for replies dropped by a network ACL (`nacl-ephemeral-gap`'s domain).
pub(crate) fn is_reply_acl_drop(e: &Evaluated) -> bool {
    e.trace.dropped_leg == Some(crate::eval::Leg::Return) && e.trace.dropped_at.is_some_and(Stage::is_nacl)
}

/// Whether an intent speaks for a failure at this stage.
pub(crate) fn in_scope(e: &Evaluated) -> bool {
    e.trace.dropped_at.is_some_and(|stage| scope_covers(e.intent.scope, stage))
}

/// Whether an intent of this scope speaks for a failure at `stage` (as reported: a reply
/// without a usable route is `return-path`).
fn scope_covers(scope: Scope, stage: Stage) -> bool {
    match scope {
        Scope::Full => true,
        Scope::Routing | Scope::RoutingAndReplies => is_routing_stage(stage) && !stage.is_nacl(),
        Scope::ReplyAcl(_) => false,
    }
}

/// Whether any path rule may report a failure of an intent of this scope dropped at `stage` on
/// `leg`: `unreachable-path` and `missing-return-route` take failures [`in_scope`],
/// `nacl-ephemeral-gap` the replies dropped by a NACL of intents not only about routing.
/// `expect` failures are always reported (not asked here). The analysis traces only failures
/// for which this holds (`analysis::decide`): the others would be traced for nothing.
pub(crate) fn may_be_reported(scope: Scope, stage: Stage, leg: crate::eval::Leg) -> bool {
    scope_covers(scope, stage) || (leg == crate::eval::Leg::Return && stage.is_nacl() && scope != Scope::Routing)
}
