//! Facts about the network that several rules need: which table a subnet uses, its routes, what
//! a route's target really is, which AZ a resource is in, who has a public IP. Every function
//! answers `None` when the answer depends on something unknown, so rules stay silent there.

use ipnet::IpNet;

use crate::model::{
    Destination, Link, Network, Object, Origin, ResId, Route, RouteTable, Subnet, TargetKind, Val, Workload,
    WorkloadKind,
};

/// What a route's target is, once resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The VPC's local route.
    Local,
    /// An internet gateway of the input.
    Igw(ResId),
    /// A literal `igw-…` id outside the input.
    ExternalIgw,
    /// A virtual private gateway.
    Vgw(ResId),
    /// A NAT gateway.
    Nat(ResId),
    /// An egress-only internet gateway.
    EgressOnly(ResId),
    /// An instance or ENI (NAT instance, appliance).
    Eni(ResId),
    /// A transit gateway.
    Tgw(ResId),
    /// A peering connection.
    Peering(ResId),
    /// A VPC endpoint (GWLB).
    Endpoint(ResId),
    /// Resolved to a resource this plan destroys.
    Missing(ResId),
    /// Outside the input (a literal id of another stack).
    External,
    /// Not decidable.
    Unknown,
}

/// Resolves a route's target.
pub(crate) fn target(net: &Network, route: &Route) -> Target {
    if route.target_kind == TargetKind::Local {
        return Target::Local;
    }
    match &route.target {
        Link::To(t, _) => {
            let r = net.res(*t);
            match (&r.obj, route.target_kind) {
                (Object::InternetGateway(_), _) => Target::Igw(*t),
                (Object::VpnGateway(_), _) => Target::Vgw(*t),
                (Object::NatGateway(_), _) => Target::Nat(*t),
                (Object::EgressOnlyGateway(_), _) => Target::EgressOnly(*t),
                (Object::Workload(_), _) => Target::Eni(*t),
                (Object::TransitGateway(_), _) => Target::Tgw(*t),
                (Object::Peering(_), _) => Target::Peering(*t),
                (Object::Endpoint(_), _) => Target::Endpoint(*t),
                _ => Target::Unknown,
            }
        }
        Link::Missing(t) => Target::Missing(*t),
        Link::External(Some(id)) if id.starts_with("igw-") => Target::ExternalIgw,
        Link::External(_) => Target::External,
        Link::Unknown(_) | Link::Absent => Target::Unknown,
    }
}

/// The route table a subnet uses, when known and present.
pub(crate) fn table_of<'n>(net: &'n Network, subnet: &Subnet) -> Option<(ResId, &'n RouteTable)> {
    let t = subnet.route_table.res()?;
    let r = net.res(t);
    if !r.present() {
        return None;
    }
    Some((t, r.obj.route_table()?))
}

/// The routes of a table, when known.
pub(crate) fn routes(table: &RouteTable) -> Option<&[Route]> {
    table.routes.known().map(Vec::as_slice)
}

/// The route that carries IPv4 traffic to the internet: the longest-prefix match for a public
/// address such as 8.8.8.8 among routes with known destinations, considering only routes that
/// cover all of `0.0.0.0/0`'s public space — in practice the `0.0.0.0/0` route.
/// `Some(None)` when there is none; `None` when a route with an unknown destination (or an
/// unreadable table) might be it.
///
/// A route that may belong to the table (its table could not be linked) and could be the
/// default route also makes the answer `None`, unless the table has a known default route.
pub(crate) fn default_route_v4(table: &RouteTable) -> Option<Option<&Route>> {
    let routes = routes(table)?;
    let mut found = None;
    for r in routes {
        match &r.dest {
            Destination::V4(Val::Known(n)) if n.prefix_len() == 0 => found = Some(r),
            Destination::V4(Val::Unknown) | Destination::Unknown => return None,
            _ => {}
        }
    }
    let maybe_default = table.maybe_routes.iter().map(|m| &m.0).any(|r| {
        matches!(&r.dest, Destination::V4(Val::Known(n)) if n.prefix_len() == 0)
            || matches!(&r.dest, Destination::V4(Val::Unknown) | Destination::Unknown)
    });
    if found.is_none() && maybe_default {
        return None;
    }
    Some(found)
}

/// The availability zone of a subnet (name, else id), when known.
pub(crate) fn subnet_az(subnet: &Subnet) -> Option<&str> {
    subnet.az.known().or(subnet.az_id.known()).map(String::as_str)
}

/// The subnet a NAT gateway, instance or ENI sits in (single subnet), when resolved.
pub(crate) fn subnet_of(net: &Network, res: ResId) -> Option<ResId> {
    match &net.res(res).obj {
        Object::NatGateway(n) => n.subnet.res(),
        Object::Workload(w) => match &w.subnets {
            Val::Known(v) if v.len() == 1 => v[0].res(),
            _ => None,
        },
        _ => None,
    }
}

/// The AZ of a NAT gateway, instance or ENI, when known.
pub(crate) fn az_of(net: &Network, res: ResId) -> Option<&str> {
    let s = subnet_of(net, res)?;
    subnet_az(net.res(s).obj.subnet()?)
}

/// The known CIDR blocks of a VPC; None when any block is unknown.
pub(crate) fn vpc_cidrs(net: &Network, vpc: ResId) -> Option<Vec<IpNet>> {
    let v = net.res(vpc).obj.vpc()?;
    let mut out = Vec::new();
    for c in &v.cidrs_v4 {
        match c.cidr {
            Val::Known(n) => out.push(IpNet::V4(n)),
            Val::Unknown => return None,
            Val::Absent => {}
        }
    }
    for c in &v.cidrs_v6 {
        match c.cidr {
            Val::Known(n) => out.push(IpNet::V6(n)),
            Val::Unknown => return None,
            Val::Absent => {}
        }
    }
    Some(out)
}

/// True when two networks share an address.
pub(crate) fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    match (a, b) {
        (IpNet::V4(_), IpNet::V4(_)) | (IpNet::V6(_), IpNet::V6(_)) => {
            a.contains(&b.network()) || b.contains(&a.network())
        }
        _ => false,
    }
}

/// The subnets a workload is in: resolved links only; None when any is unknown.
pub(crate) fn workload_subnets(w: &Workload) -> Option<Vec<ResId>> {
    let Val::Known(links) = &w.subnets else { return None };
    let mut out = Vec::new();
    for l in links {
        match l {
            Link::To(s, _) => out.push(*s),
            Link::External(_) | Link::Absent => {}
            Link::Missing(_) | Link::Unknown(_) => return None,
        }
    }
    Some(out)
}

/// Whether a workload in `subnet` has a public IPv4 address: its own setting, an EIP, else the
/// subnet's `map_public_ip_on_launch` (docs/semantics.md §4). None when unknown.
pub(crate) fn has_public_ip(w: &Workload, subnet: &Subnet) -> Option<bool> {
    match &w.public_ip {
        Val::Known(b) => Some(*b),
        Val::Unknown => None,
        Val::Absent => match w.kind {
            WorkloadKind::Instance => subnet.map_public_ip.known().copied(),
            _ => Some(false),
        },
    }
}

/// True for resources Terraform manages in this input (not data, not implicit, not deleted).
pub(crate) fn managed(net: &Network, id: ResId) -> bool {
    matches!(net.res(id).origin, Origin::Managed(_))
}

/// Formats a destination for messages.
pub(crate) fn dest_text(dest: &Destination) -> String {
    match dest {
        Destination::V4(Val::Known(n)) => n.to_string(),
        Destination::V6(Val::Known(n)) => n.to_string(),
        Destination::PrefixList(_) => "a prefix list".into(),
        _ => "an unknown destination".into(),
    }
}

/// The resource to report a route on: the `aws_route` when it is separate, else the table.
pub(crate) fn route_owner(route: &Route, table: ResId) -> ResId {
    if route.inline_index.is_some() { table } else { route.source }
}

/// USD with up to three decimals, no trailing zeros (`0.045`, `0.02`).
pub(crate) fn usd(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("${s}")
}
