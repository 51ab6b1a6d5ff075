//! `missing-return-route`: a flow an intent asks for, admitted by security groups and network
//! ACLs, reaches its destination over a peering connection or a transit gateway, but the reply
//! finds no route back: the destination subnet's table (or the TGW table associated with the
//! peer's attachment) has no working route to the source. "The owner of each VPC … must …
//! add a route" (docs/semantics.md §6, §7). Replies that come back over another path are clean;
//! on-premises return routes are out of scope.

use std::collections::{BTreeMap, BTreeSet};

use super::paths::{self, finding_trace};
use super::{Context, Draft, Rule};
use crate::model::ResId;

declare_rule! {
    pub struct MissingReturnRoute {
        id: "missing-return-route",
        category: Reachability,
        default_severity: Error,
        summary: "a flow crosses a peering connection or transit gateway but its replies have no route back",
    }
}

impl Rule for MissingReturnRoute {
    fn is_path_rule(&self) -> bool {
        true
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        // One finding per table that lacks the route, naming every source it cannot answer.
        let mut by_table: BTreeMap<ResId, Vec<&paths::Evaluated>> = BTreeMap::new();
        for e in &ctx.paths().failures {
            if !paths::is_missing_return(net, e) || !paths::in_scope(e) || paths::claimed_by(ctx, e).is_some() {
                continue;
            }
            if let Some(table) = paths::table_lacking_return(net, e) {
                by_table.entry(table).or_default().push(e);
            }
        }
        for (table, failures) in by_table {
            let mut cidrs: Vec<String> = Vec::new();
            let mut resources = vec![table];
            let (mut flows, mut affects) = (Vec::new(), Vec::new());
            for e in &failures {
                let (flow, ends) = paths::broken(e);
                flows.push(flow);
                affects.extend(ends);
                let cidr = e
                    .intent
                    .src
                    .subnet
                    .and_then(|s| net.res(s).obj.subnet())
                    .and_then(|s| s.cidr_v4.known().copied())
                    .map_or_else(|| e.intent.src.name.clone(), |c| c.to_string());
                if !cidrs.contains(&cidr) {
                    cidrs.push(cidr);
                }
                let t = paths::touched(net, e);
                resources.extend(e.intent.holder);
                resources.extend(t.path.iter().copied().filter(|r| *r != table));
                resources.extend(t.ends.iter().copied());
            }
            dedup(&mut resources);
            let e = failures[0];
            let listed = cidrs.join(", ");
            out.push(Draft {
                message: format!(
                    "{} has no route back to {listed}: {} reaches {} ({}; {}) but the replies are dropped{}",
                    net.name(table),
                    e.intent.src.name,
                    e.intent.dst.name,
                    paths::flow_text(&e.intent.flow),
                    e.intent.label,
                    e.trace.reason.as_ref().map_or(String::new(), |r| format!(": {r}"))
                ),
                resources,
                key: cidrs.clone(),
                trace: Some(finding_trace(net, &e.trace)),
                help: format!(
                    "add a route for {listed} to {} pointing back over the same peering connection or transit gateway",
                    net.name(table)
                ),
                flows,
                affects,
                ..Draft::default()
            });
        }
    }
}

fn dedup(v: &mut Vec<ResId>) {
    let mut seen = BTreeSet::new();
    v.retain(|r| seen.insert(*r));
}
