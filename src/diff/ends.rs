//! The ends a diff compares reachability between, on one side of the change: every workload
//! place (an instance, interface, load balancer node, Lambda ENI, database… in one subnet, with
//! its security groups), every subnet that holds none (a hypothetical ENI there, without a
//! security group), the internet, on-premises (when either side has a VPN) and the AWS services
//! either side names in a VPC endpoint — the forms `tfvpc trace` takes (docs/diff.md).
//!
//! An end is known by its resource address and subnet address, renamed through the plan's
//! `moved` instances on the side before the change, so that a moved resource is the same end on
//! both sides.

use std::collections::BTreeMap;

use crate::eval::{Evaluator, Place, PlaceKind};
use crate::model::{Network, Object, Val};

/// What an end is, for the policy (internet exposure of load balancers is expected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum EndKind {
    /// A load balancer node (application, network, gateway or classic).
    LoadBalancer,
    /// Any other ENI-bearing resource.
    Workload,
    /// A subnet without workloads: a hypothetical ENI without a security group.
    Subnet,
    /// The internet.
    Internet,
    /// On-premises, behind a VPN.
    OnPremises,
    /// An AWS service, by name.
    Service,
}

impl EndKind {
    /// True for the ends outside every VPC.
    pub(crate) fn is_external(self) -> bool {
        matches!(self, EndKind::Internet | EndKind::OnPremises | EndKind::Service)
    }
}

/// The identity of an end across both sides: its resource (or `internet`, `on-premises`, a
/// service name) and, for a resource in several subnets, the subnet.
pub(crate) type EndKey = (String, Option<String>);

/// One end on one side.
#[derive(Debug, Clone)]
pub(crate) struct End {
    /// What it is.
    pub(crate) kind: EndKind,
    /// The place the evaluator walks from or to.
    pub(crate) place: Place,
}

/// The ends of one side, by key. `rename` maps addresses of this side to the addresses after
/// the change (moved resources); `external` lists the external ends to form (from both sides).
pub(crate) fn ends(
    ev: &Evaluator<'_>,
    rename: &BTreeMap<String, String>,
    external: &[(EndKind, String)],
) -> BTreeMap<EndKey, End> {
    let net = ev.network();
    let renamed = |name: &str| rename.get(name).cloned().unwrap_or_else(|| name.to_string());
    let mut out: BTreeMap<EndKey, End> = BTreeMap::new();
    let mut occupied = std::collections::BTreeSet::new();
    for (id, r) in net.present() {
        let Object::Workload(w) = &r.obj else { continue };
        if !w.in_vpc {
            continue;
        }
        let Ok(places) = ev.places_of(id) else { continue };
        let several = places.len() > 1;
        for place in places {
            let kind = match place.kind {
                PlaceKind::ApplicationLoadBalancer
                | PlaceKind::NetworkLoadBalancer
                | PlaceKind::GatewayLoadBalancer
                | PlaceKind::ClassicLoadBalancer => EndKind::LoadBalancer,
                _ => EndKind::Workload,
            };
            if let Some(s) = place.subnet {
                occupied.insert(s);
            }
            let subnet = several.then(|| place.subnet.map(|s| renamed(net.name(s)))).flatten();
            out.insert((renamed(&r.name), subnet), End { kind, place });
        }
    }
    for id in ev.subnet_ids() {
        if occupied.contains(&id) || !net.res(id).present() {
            continue;
        }
        let place = ev.subnet_place(id, None);
        out.insert((renamed(net.name(id)), None), End { kind: EndKind::Subnet, place });
    }
    for (kind, name) in external {
        let place = match kind {
            EndKind::Internet => ev.internet_place(None),
            EndKind::OnPremises => ev.on_premises_place(None),
            _ => ev.service_place(name),
        };
        out.insert((name.clone(), None), End { kind: *kind, place });
    }
    out
}

/// The external ends a network calls for: the internet always, on-premises when it has a VPN,
/// and the services of its VPC endpoints.
pub(crate) fn external_ends(net: &Network) -> Vec<(EndKind, String)> {
    let mut out = vec![(EndKind::Internet, "internet".to_string())];
    let mut services = std::collections::BTreeSet::new();
    let mut vpn = false;
    for (_, r) in net.present() {
        match &r.obj {
            Object::Endpoint(e) => {
                if let Val::Known(s) = &e.service {
                    services.insert(s.clone());
                }
            }
            _ if r.family == crate::catalog::Family::Vpn => vpn = true,
            _ => {}
        }
    }
    if vpn {
        out.push((EndKind::OnPremises, "on-premises".to_string()));
    }
    out.extend(services.into_iter().map(|s| (EndKind::Service, s)));
    out
}
