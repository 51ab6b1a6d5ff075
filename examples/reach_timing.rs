//! Times all-pairs reachability on a plan: `cargo run --release --example reach_timing -- PLAN [LIMIT]`.
use std::time::Instant;

use rayon::prelude::*;
use tfvpc::eval::Evaluator;
use tfvpc::eval::sets::PacketSet;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_default();
    let limit: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(usize::MAX);
    let (input, doc) = match tfvpc::ingest::load(&path, &mut std::io::empty()) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{path}: {e}");
            return;
        }
    };
    let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
    let Ok(settings) = tfvpc::config::resolve(None, &tfvpc::rules::defaults()) else { return };
    let t = Instant::now();
    let ev = Evaluator::new(&net, settings.eval());
    println!("Evaluator::new {:.1?}", t.elapsed());
    let places: Vec<_> = ev.subnet_ids().take(limit).map(|s| ev.subnet_place(s, None)).collect();
    let internet = ev.internet_place(None);
    let all = PacketSet::all();
    let t = Instant::now();
    let verdicts: Vec<[usize; 3]> = places
        .par_iter()
        .map(|src| {
            let mut n = [0usize; 3];
            let mut count = |r: tfvpc::eval::Reach| match r.verdict() {
                tfvpc::eval::Verdict::Reachable => n[0] += 1,
                tfvpc::eval::Verdict::Unreachable => n[1] += 1,
                _ => n[2] += 1,
            };
            for dst in &places {
                if !std::ptr::eq(src, dst) {
                    count(ev.reach(src, dst, &all));
                }
            }
            count(ev.reach(src, &internet, &all));
            count(ev.reach(&internet, src, &all));
            n
        })
        .collect();
    let total = verdicts.iter().fold([0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
    println!(
        "{} subnets: {} pairs in {:.1?} (reachable {}, unreachable {}, indeterminate {})",
        places.len(),
        total.iter().sum::<usize>(),
        t.elapsed(),
        total[0],
        total[1],
        total[2]
    );
}
