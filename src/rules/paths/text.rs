//! Text of the path findings: flows (`tcp 443`), port ranges, and a path trace as a finding's
//! hops and cost lines.

use crate::eval::Flow;
use crate::eval::sets::{Protocol, RuleProtocol};
use crate::eval::trace::PairTrace;
use crate::model::{Network, ResId};

/// `tcp 443`, `udp 53`, `icmp echo`.
pub(crate) fn flow_text(flow: &Flow) -> String {
    match (&flow.protocol, &flow.ports) {
        (RuleProtocol::Only(p), Some(ports)) => format!("{p} {ports}"),
        (RuleProtocol::Only(p), None) if *p == Protocol::ICMP && flow.icmp_type == Some(8) => "icmp echo".to_string(),
        (RuleProtocol::Only(p), None) => format!("{p} (all ports)"),
        (RuleProtocol::All, _) => "all traffic".to_string(),
    }
}

/// A path trace as a finding's trace: hops (forward, then return) and cost lines.
pub(crate) fn finding_trace(net: &Network, trace: &PairTrace) -> crate::finding::Trace<ResId> {
    let mut hops = Vec::new();
    let stop = trace.dropped_at;
    for (leg, list) in [("", &trace.forward), ("reply: ", &trace.return_hops)] {
        for h in list.iter() {
            let denied = matches!(h.decision, crate::eval::reach::Decision::Deny);
            hops.push(crate::finding::Hop {
                resource: resource_named(net, &h.resource),
                message: if resource_named(net, &h.resource).is_some() {
                    format!("{leg}{}: {}", h.stage.as_str(), h.reason)
                } else {
                    format!("{leg}{} {}: {}", h.stage.as_str(), h.resource, h.reason)
                },
                passes: Some(!denied),
                ..crate::finding::Hop::default()
            });
        }
    }
    if let (Some(last), Some(_)) = (hops.last_mut(), stop) {
        last.passes = Some(false);
    }
    let cost = trace
        .cost
        .iter()
        .map(|c| serde_json::to_value(c).ok().map_or_else(String::new, |v| cost_text(&v)))
        .filter(|s| !s.is_empty())
        .collect();
    crate::finding::Trace { hops, cost }
}

fn cost_text(v: &serde_json::Value) -> String {
    let item = v.get("item").and_then(|x| x.as_str()).unwrap_or("");
    let res = v.get("resource").and_then(|x| x.as_str()).unwrap_or("");
    match (
        v.get("usd_per_gb").and_then(serde_json::Value::as_f64),
        v.get("usd_per_hour").and_then(serde_json::Value::as_f64),
    ) {
        (Some(gb), _) => format!("{item} ({res}): {}/GB", crate::rules::facts::usd(gb)),
        (None, Some(h)) => format!("{item} ({res}): {}/hour", crate::rules::facts::usd(h)),
        _ => String::new(),
    }
}

/// The resource a trace names by its display text (`aws_lb.web (aws_subnet.a)` → `aws_lb.web`).
pub(crate) fn resource_named(net: &Network, text: &str) -> Option<ResId> {
    net.find(text).or_else(|| net.find(text.split(' ').next().unwrap_or(text)))
}

/// `32768-60999` or `1024-32767, 61000-65535`.
pub(crate) fn ranges_text(ranges: &[crate::eval::trace::PortRange]) -> String {
    ranges
        .iter()
        .map(|r| if r.from == r.to { r.from.to_string() } else { format!("{}-{}", r.from, r.to) })
        .collect::<Vec<_>>()
        .join(", ")
}
