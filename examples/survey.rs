//! Debug helper: traces every workload and subnet to the internet and back, and subnet pairs,
//! for each input; prints verdict counts and the commonest reasons.
use std::collections::BTreeMap;

use tfvpc::eval::{Evaluator, Flow, TraceOptions, Verdict};

fn main() {
    for plan in std::env::args().skip(1) {
        let Ok((input, doc)) = tfvpc::ingest::load(&plan, &mut std::io::stdin()) else {
            println!("== {plan}: unreadable");
            continue;
        };
        let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
        let Ok(settings) = tfvpc::config::resolve(None, &[]) else { return };
        let ev = Evaluator::new(&net, settings.eval());
        let mut ends: Vec<String> = net
            .present()
            .filter(|(id, r)| matches!(r.obj, tfvpc::model::Object::Workload(_)) && ev.places_of(*id).is_ok())
            .map(|(_, r)| r.name.clone())
            .collect();
        ends.extend(ev.subnet_ids().take(12).map(|s| net.name(s).to_string()));
        ends.truncate(30);
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let flow = Flow::tcp(443);
        let mut pairs: Vec<(String, String)> = Vec::new();
        for x in &ends {
            pairs.push((x.clone(), "internet".into()));
            pairs.push(("internet".into(), x.clone()));
            for y in ends.iter().take(10) {
                if x != y {
                    pairs.push((x.clone(), y.clone()));
                }
            }
        }
        for (x, y) in pairs {
            match tfvpc::eval::trace(&net, settings.eval(), &x, &y, &flow, &TraceOptions::default()) {
                Ok(r) => {
                    *counts.entry(format!("{:?}", r.verdict())).or_default() += 1;
                    if r.verdict() != Verdict::Reachable {
                        let stage = r.decisive.dropped_at.or(r.decisive.undetermined_at).map_or("-", |s| s.as_str());
                        let why: String = r.decisive.reason.clone().unwrap_or_default().chars().take(110).collect();
                        *reasons.entry(format!("{:?} {stage}: {why}", r.verdict())).or_default() += 1;
                    }
                }
                Err(e) => {
                    *counts
                        .entry(format!("error {}", e.error.message.chars().take(60).collect::<String>()))
                        .or_default() += 1
                }
            }
        }
        println!("== {plan}: {counts:?}");
        let mut v: Vec<_> = reasons.into_iter().collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        for (k, n) in v.iter().take(6) {
            println!("  {n:4} {k}");
        }
    }
}
