//! Deciding the intents: each distinct (source, destination, flow) once with the fast untraced
//! [`Evaluator::reach`], a trace only for what the report needs, and the groups — broad sources
//! (a CIDR covering several subnets, a summary route) fail only when every member fails.

use std::collections::{BTreeMap, BTreeSet};

use super::intents::{Intent, Source};
use super::text::flow_text;
use super::{Evaluated, PathAnalysis};
use crate::eval::{Evaluator, TraceOptions, Verdict};

/// What the fast pass decided about one intent.
enum Fate {
    /// Its flow passes: its group is fine (the group's id).
    Passes(u32),
    /// Its flow fails, but only where no path rule would report it for this intent (a route's
    /// intent dropped by a NACL on the way out): not traced, and its group still fails.
    Unreported,
    /// Its fate is unknown until apply and not shown: its group does not fail (the group's id).
    Undetermined(u32),
    /// Traced for the report.
    Traced(Box<Evaluated>),
}

/// Decides every intent (each distinct flow once, untraced), traces what the report needs, and
/// sorts the intents by the fate of their group.
pub(super) fn decide(ev: &Evaluator<'_>, intents: Vec<Intent>, show_undetermined: bool) -> PathAnalysis {
    let count = intents.len();
    let options = TraceOptions::default();
    // Places with the same subnet, groups, addresses and client ports behave the same: decide
    // each distinct (source, destination, flow) once with the fast untraced pass, and trace only
    // what the report needs (with the intent's own names): failures, forbidden paths that
    // exist, and the undetermined ones when they are shown.
    use rayon::prelude::*;
    let keys: Vec<String> = intents.par_iter().map(intent_key).collect();
    let mut first_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        first_of.entry(k.as_str()).or_insert(i);
    }
    let unique: Vec<usize> = first_of.values().copied().collect();
    // With each verdict, where its packets are dropped (stage as reported, leg): every drop, so
    // that a failure is left untraced only when none of its drops could be reported.
    type Drops = Vec<(crate::eval::Stage, crate::eval::Leg)>;
    let verdicts: BTreeMap<&str, (Option<Verdict>, Drops)> = unique
        .par_iter()
        .map(|&i| {
            let intent = &intents[i];
            let packets = ev.flow_packets(&intent.src, &intent.dst, &intent.flow, intent.family);
            // No packet at all: the trace says why (an end without an address of the family).
            if packets.is_empty() {
                return (keys[i].as_str(), (None, Vec::new()));
            }
            let reach = ev.reach(&intent.src, &intent.dst, &packets);
            let verdict = reach.verdict();
            let mut drops: Drops = Vec::new();
            if verdict == Verdict::Unreachable {
                for l in reach.leaves.iter().filter(|l| l.outcome == crate::eval::reach::Outcome::Dropped) {
                    let d = (crate::eval::trace::drop_stage(l), l.leg);
                    if !drops.contains(&d) {
                        drops.push(d);
                    }
                }
            }
            (keys[i].as_str(), (Some(verdict), drops))
        })
        .collect();
    let fates: Vec<Fate> = intents
        .into_par_iter()
        .enumerate()
        .map(|(i, intent)| {
            let expect_false = matches!(intent.source, Source::Expect { reachable: false, .. });
            let (verdict, drops) = match verdicts.get(keys[i].as_str()) {
                Some((v, d)) => (*v, d.as_slice()),
                None => (None, &[][..]),
            };
            match verdict {
                Some(Verdict::Reachable) if !expect_false => return Fate::Passes(intent.group),
                Some(Verdict::Indeterminate) if !expect_false && !show_undetermined => {
                    return Fate::Undetermined(intent.group);
                }
                Some(Verdict::Unreachable)
                    if !matches!(intent.source, Source::Expect { .. })
                        && !drops.is_empty()
                        && !drops
                            .iter()
                            .any(|(stage, leg)| super::precedence::may_be_reported(intent.scope, *stage, *leg)) =>
                {
                    return Fate::Unreported;
                }
                _ => {}
            }
            let trace = ev.trace_pair(&intent.src, &intent.dst, &intent.flow, intent.family, &options);
            Fate::Traced(Box::new(Evaluated { intent, trace }))
        })
        .collect();
    // Groups with a member that passes are fine as a whole; a group with a member whose fate is
    // unknown until apply does not fail.
    let mut passing: BTreeSet<u32> = BTreeSet::new();
    let mut undetermined: BTreeSet<u32> = BTreeSet::new();
    let mut groups: BTreeMap<u32, Vec<Evaluated>> = BTreeMap::new();
    let mut unreported = 0;
    for fate in fates {
        match fate {
            Fate::Passes(g) => {
                passing.insert(g);
            }
            Fate::Unreported => unreported += 1,
            Fate::Undetermined(g) => {
                undetermined.insert(g);
            }
            Fate::Traced(e) => groups.entry(e.intent.group).or_default().push(*e),
        }
    }
    let traced = groups.values().map(Vec::len).sum();
    let mut out =
        PathAnalysis { evaluated: count, classes: unique.len(), traced, unreported, ..PathAnalysis::default() };
    for (group, members) in groups {
        if let Some(Source::Expect { reachable: false, .. }) = members.first().map(|m| m.intent.source.clone()) {
            if let Some(m) = members.into_iter().find(|m| m.trace.verdict == Verdict::Reachable) {
                out.unexpected.push(m);
            }
            continue;
        }
        if passing.contains(&group) {
            continue;
        }
        // A group fails only when each member fails.
        if !undetermined.contains(&group) && members.iter().all(|m| m.trace.verdict == Verdict::Unreachable) {
            out.failures.extend(members);
        } else if members.iter().any(|m| m.trace.verdict == Verdict::Indeterminate)
            && !members.iter().any(|m| m.trace.verdict == Verdict::Reachable)
        {
            out.undetermined.extend(members.into_iter().filter(|m| m.trace.verdict == Verdict::Indeterminate));
        }
    }
    out
}

/// What decides an intent's verdict, as text: equal keys evaluate alike.
fn intent_key(i: &Intent) -> String {
    format!("{}>{}>{}>{:?}", i.src.behaviour_key(), i.dst.behaviour_key(), flow_text(&i.flow), i.family)
}
