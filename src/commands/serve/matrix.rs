//! The reachability matrix of `tfvpc serve`: for one protocol and port, can each group of
//! workloads reach each other group (and the internet, both ways), security groups applied?
//!
//! Workloads are grouped by their subnets and their security groups: two instances in one subnet
//! with the same groups meet the same route tables, network ACLs and security group rules, so one
//! of them (the first by address) stands for all. Each cell is the trace of that representative
//! pair (`Evaluator::trace`, the same as `tfvpc trace` and `/api/trace`), and says what it
//! assumes: which workloads it stands for, the client ports picked, values unknown until apply.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::eval::{self, Evaluator, Flow, TraceOptions};
use crate::model::{Link, Network, Object};

/// The version of the `/api/matrix` contract (docs/serve.md).
pub(super) const VERSION: u32 = 1;

/// The most groups a matrix has (rows and columns, the internet aside): more asks for a VPC.
pub(super) const MAX_GROUPS: usize = 40;

/// One row and column: workloads that share subnets and security groups.
struct Group {
    subnets: Vec<String>,
    groups: Vec<String>,
    members: Vec<String>,
}

/// The matrix of `net` for `flow`, optionally only the workloads of one VPC.
pub(super) fn matrix(net: &Network, ev: &Evaluator<'_>, flow: &Flow, flow_text: &str, vpc: Option<&str>) -> Value {
    let names = |links: &[Link]| -> Vec<String> {
        // A link the linker could not resolve keeps its own place: unresolved workloads are not
        // lumped together as if they shared subnets and groups.
        let mut v: Vec<String> = links
            .iter()
            .map(|l| match l.res() {
                Some(id) => net.name(id).to_string(),
                None => "(unknown until apply)".to_string(),
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let vpc_of_subnet = |subnet: crate::model::ResId| match &net.res(subnet).obj {
        Object::Subnet(s) => s.vpc.res().map(|v| net.name(v).to_string()),
        _ => None,
    };
    let mut by_key: BTreeMap<(Vec<String>, Vec<String>), Vec<String>> = BTreeMap::new();
    for (id, r) in net.present() {
        let Object::Workload(w) = &r.obj else { continue };
        let Some(subnets) = w.subnets.known() else { continue };
        if subnets.is_empty() {
            continue;
        }
        if let Some(v) = vpc
            && !subnets.iter().filter_map(Link::res).any(|s| vpc_of_subnet(s).as_deref() == Some(v))
        {
            continue;
        }
        let groups =
            w.security_groups.known().map(|g| names(g)).unwrap_or_else(|| vec!["(unknown until apply)".into()]);
        let mut subnet_names = names(subnets);
        if subnet_names.iter().any(|n| n.starts_with('(')) {
            // Its subnet is one of several until apply: it stands only for itself.
            subnet_names = vec![format!("(the subnet of {} is unknown until apply)", net.name(id))];
        }
        by_key.entry((subnet_names, groups)).or_default().push(net.name(id).to_string());
    }
    let mut groups: Vec<Group> = by_key
        .into_iter()
        .map(|((subnets, groups), mut members)| {
            members.sort();
            Group { subnets, groups, members }
        })
        .collect();
    groups.sort_by(|a, b| a.subnets.cmp(&b.subnets).then(a.members.cmp(&b.members)));
    let vpcs: Vec<&str> =
        net.present().filter(|(_, r)| matches!(r.obj, Object::Vpc(_))).map(|(id, _)| net.name(id)).collect();
    if groups.len() > MAX_GROUPS {
        return json!({
            "version": VERSION, "flow": flow_text, "vpc": vpc, "too_many": groups.len(), "max_groups": MAX_GROUPS,
            "vpcs": vpcs, "rows": [], "cells": [],
        });
    }
    let options = TraceOptions { gb_per_month: None, family: None };
    let ends: Vec<(String, String, usize)> = groups
        .iter()
        .map(|g| (g.members[0].clone(), g.members.get(1).unwrap_or(&g.members[0]).clone(), g.members.len()))
        .chain(std::iter::once(("internet".to_string(), "internet".to_string(), 0)))
        .collect();
    let mut cells = Vec::new();
    for (i, from) in ends.iter().enumerate() {
        let mut row = Vec::new();
        for (j, to) in ends.iter().enumerate() {
            let internet = i == ends.len() - 1 && j == ends.len() - 1;
            // A group to itself: its second member, when it has one.
            let (src, dst) = if i == j { (&from.0, &from.1) } else { (&from.0, &to.0) };
            if internet || (i == j && from.2 < 2) {
                row.push(Value::Null);
                continue;
            }
            row.push(cell(ev, src, dst, flow, &options, from.2, to.2));
        }
        cells.push(row);
    }
    let rows: Vec<Value> = groups
        .iter()
        .map(|g| {
            json!({
                "label": label(g),
                "subnets": g.subnets,
                "security_groups": g.groups,
                "members": g.members,
                "representative": g.members[0],
            })
        })
        .chain(std::iter::once(json!({"label": "internet", "subnets": [], "security_groups": [], "members": [], "representative": "internet"})))
        .collect();
    json!({"version": VERSION, "flow": flow_text, "vpc": vpc, "vpcs": vpcs, "rows": rows, "cells": cells})
}

fn label(g: &Group) -> String {
    let short = |a: &str| a.rsplit_once('.').map_or(a.to_string(), |(_, n)| n.to_string());
    let subnets: Vec<String> =
        g.subnets.iter().map(|s| if s.starts_with('(') { "subnet unknown".to_string() } else { short(s) }).collect();
    let groups: Vec<String> = g.groups.iter().map(|s| short(s)).collect();
    let groups = if groups.is_empty() { "no SG".to_string() } else { groups.join("+") };
    match g.members.as_slice() {
        [one] => format!("{} · {} · {groups}", short(one), subnets.join("+")),
        many => format!("{} · {groups} (×{})", subnets.join("+"), many.len()),
    }
}

fn cell(
    ev: &Evaluator<'_>,
    src: &str,
    dst: &str,
    flow: &Flow,
    options: &TraceOptions,
    n_from: usize,
    n_to: usize,
) -> Value {
    let x = match ev.resolve(src, None) {
        Ok(x) => x,
        Err(e) => return json!({"verdict": "error", "reason": e.message, "from": src, "to": dst}),
    };
    let y = match ev.resolve(dst, x.places.first()) {
        Ok(y) => y,
        Err(e) => return json!({"verdict": "error", "reason": e.message, "from": src, "to": dst}),
    };
    let report = ev.trace(&x, &y, flow, options);
    let d = &report.decisive;
    let mut assumes: Vec<String> = Vec::new();
    for (who, n) in [(src, n_from), (dst, n_to)] {
        if n > 1 {
            assumes.push(format!("{who} stands for {n} workloads with the same subnets and security groups"));
        }
    }
    assumes.extend(d.notes.iter().cloned());
    let verdict: eval::Verdict = d.verdict;
    json!({
        "verdict": verdict,
        "from": src,
        "to": dst,
        "stage": d.dropped_at.or(d.undetermined_at),
        "at": d.dropped_in,
        "reason": d.reason,
        "assumes": assumes,
    })
}
