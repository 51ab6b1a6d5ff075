//! `unreachable-path`: an intent — a flow the configuration says should work — fails for a
//! reason no specific rule claims: a NACL deny before the allow, a custom NACL with no rules, a
//! transit gateway association without the route, an attachment without a subnet in the
//! source's AZ, an internet-facing instance without a public IP, a target group whose targets do
//! not admit their load balancer, a failed `expect`… The primary resource is the one to change;
//! the finding carries the trace (docs/semantics.md §0).

use std::collections::{BTreeMap, BTreeSet};

use super::paths::{self, Evaluated, Source, finding_trace};
use super::{Context, Draft, Rule};
use crate::eval::Stage;
use crate::model::ResId;

declare_rule! {
    pub struct UnreachablePath {
        id: "unreachable-path",
        category: Reachability,
        default_severity: Error,
        summary: "a flow the configuration asks for fails, for a reason no more specific rule reports",
    }
}

impl Rule for UnreachablePath {
    fn is_path_rule(&self) -> bool {
        true
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        if ctx.show_indeterminate {
            indeterminate(ctx, out);
        }
        let net = ctx.net;
        // A failure whose finding is already out (same resource, stage and intent) adds its
        // flow and ends to that finding: `affected` lists every flow.
        let mut seen: BTreeMap<(ResId, Stage, String), usize> = BTreeMap::new();
        for e in &ctx.paths().failures {
            let expected = matches!(e.intent.source, Source::Expect { .. });
            let explained_elsewhere =
                paths::is_missing_return(net, e) || paths::is_reply_acl_drop(e) || paths::claimed_by(ctx, e).is_some();
            if !expected && (!paths::in_scope(e) || explained_elsewhere) {
                continue;
            }
            let Some(stage) = e.trace.dropped_at else { continue };
            let primary = primary(ctx, e, stage);
            let Some(primary) = primary else { continue };
            let (flow, affects) = paths::broken(e);
            if !expected {
                let at = seen.entry((primary, stage, e.intent.label.clone())).or_insert(out.len());
                if let Some(d) = out.get_mut(*at) {
                    d.flows.push(flow);
                    d.affects.extend(affects);
                    continue;
                }
            }
            let t = paths::touched(net, e);
            let mut resources = vec![primary];
            resources.extend(e.intent.holder);
            resources.extend(t.ends.iter().copied());
            resources.extend(t.path.iter().copied());
            let mut s = BTreeSet::new();
            resources.retain(|r| s.insert(*r));
            let why = e.trace.reason.clone().unwrap_or_else(|| format!("dropped at {stage}"));
            let because = match &e.intent.source {
                Source::Expect { name, .. } => format!("expect \"{name}\" fails"),
                _ => format!("although {}", e.intent.label),
            };
            let leg = match e.trace.dropped_leg {
                Some(crate::eval::Leg::Return) => " on the reply",
                _ => "",
            };
            let decider = e.trace.dropped_in.clone().unwrap_or_else(|| net.name(primary).to_string());
            out.push(Draft {
                message: format!(
                    "{} cannot reach {} ({}) {because}: dropped at {stage}{leg} by {decider}: {why}",
                    e.intent.src.name,
                    e.intent.dst.name,
                    paths::flow_text(&e.intent.flow),
                ),
                resources,
                key: vec![stage.as_str().to_string(), e.intent.src.name.clone(), e.intent.dst.name.clone()],
                trace: Some(finding_trace(net, &e.trace)),
                help: help_for(stage),
                flows: vec![flow],
                affects,
                ..Draft::default()
            });
        }
    }
}

/// The resource to change for a failure at `stage`.
/// Notes about intents whose fate depends on values unknown until apply.
fn indeterminate(ctx: &Context<'_>, out: &mut Vec<Draft>) {
    let net = ctx.net;
    let mut seen = BTreeSet::new();
    for e in &ctx.paths().undetermined {
        let stage = e.trace.undetermined_at.unwrap_or(Stage::Route);
        let Some(primary) = e.intent.holder.or(e.intent.dst.res).or(e.intent.src.res) else { continue };
        if !seen.insert((primary, e.intent.src.name.clone(), e.intent.dst.name.clone())) {
            continue;
        }
        let (flow, affects) = paths::broken(e);
        let mut resources = vec![primary];
        resources.extend(e.intent.src.res);
        resources.extend(e.intent.dst.res);
        let mut s = BTreeSet::new();
        resources.retain(|r| s.insert(*r));
        let reason = e.trace.reason.clone().unwrap_or_default();
        // docs/semantics.md §1.9: the network carries the flow through the firewall; its policy
        // (not evaluated) decides it.
        let firewall = reason.starts_with("AWS Network Firewall ");
        let (unknown, help) = if firewall {
            (
                "is decided by a firewall policy tfvpc does not evaluate",
                "nothing to fix in the network: the path through the firewall works both ways; whether the firewall's rule groups pass this flow is not evaluated",
            )
        } else {
            (
                "is not known until apply",
                "nothing to fix: tfvpc does not guess; run again on a plan where the value is known (after a first apply), or describe the value in the configuration",
            )
        };
        out.push(Draft {
            message: format!(
                "whether {} reaches {} ({}) — {} — {unknown}: undetermined at {stage}: {reason}",
                e.intent.src.name,
                e.intent.dst.name,
                paths::flow_text(&e.intent.flow),
                e.intent.label,
            ),
            resources,
            key: vec!["indeterminate".into(), e.intent.src.name.clone(), e.intent.dst.name.clone()],
            trace: Some(finding_trace(net, &e.trace)),
            help: help.into(),
            indeterminate: true,
            flows: vec![flow],
            affects,
            ..Draft::default()
        });
    }
}

fn primary(ctx: &Context<'_>, e: &Evaluated, stage: Stage) -> Option<ResId> {
    let t = paths::touched(ctx.net, e);
    match stage {
        Stage::SgIngress => single(&paths::groups_of(&e.intent.dst)).or(e.intent.dst.res).or(t.dropped_in),
        Stage::SgEgress => single(&paths::groups_of(&e.intent.src)).or(e.intent.src.res).or(t.dropped_in),
        Stage::Igw => t
            .dropped_in
            .filter(|d| Some(*d) == e.intent.src.res || Some(*d) == e.intent.dst.res)
            .or(if e.intent.src.is_internet() { e.intent.dst.res } else { e.intent.src.res }),
        _ => t.dropped_in.or(e.intent.dst.res).or(e.intent.src.res),
    }
}

fn single(v: &[ResId]) -> Option<ResId> {
    match v {
        [one] => Some(*one),
        _ => None,
    }
}

fn help_for(stage: Stage) -> String {
    match stage {
        Stage::NaclEgress | Stage::NaclIngress => {
            "network ACL rules are evaluated in rule-number order and the first match wins: add an allow for this flow before any deny that matches it (a custom ACL with no rules denies everything)".into()
        }
        Stage::SgIngress => "admit the source (its security group, or its subnet's CIDR) on this port in the destination's security group".into(),
        Stage::SgEgress => "allow this port to the destination in the source's security group egress rules".into(),
        Stage::Route => "add a route for the destination to the source subnet's route table".into(),
        Stage::Tgw => "associate the attachment with a transit gateway route table that holds a route (static or propagated) to the destination, and give the attachment a subnet in every AZ that sends traffic".into(),
        Stage::Igw => "give the resource a public IP (or Elastic IP) and a route to the internet gateway, or reach it through a load balancer".into(),
        Stage::Appliance => "turn off source/destination check on the appliance, and reference CIDRs, not security groups, across it".into(),
        Stage::ReturnPath => "make the reply's route from the destination subnet lead back the way the request came".into(),
        _ => "follow the trace to the hop that drops the flow and change that resource".into(),
    }
}
