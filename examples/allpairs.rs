//! Times all-pairs reachability: every subnet to every subnet and to the internet, all
//! protocols and ports, both legs. `cargo run --release --example allpairs -- PLAN [LIMIT]`.
use std::time::Instant;

use rayon::prelude::*;
use tfvpc::eval::sets::PacketSet;
use tfvpc::eval::{Evaluator, Verdict};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(plan) = args.first() else {
        eprintln!("usage: allpairs PLAN [LIMIT]");
        return;
    };
    let limit: usize = args.get(1).and_then(|l| l.parse().ok()).unwrap_or(usize::MAX);
    let t0 = Instant::now();
    let Ok((input, doc)) = tfvpc::ingest::load(plan, &mut std::io::stdin()) else { return };
    let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
    let Ok(settings) = tfvpc::config::resolve(None, &[]) else { return };
    let t1 = Instant::now();
    let ev = Evaluator::new(&net, settings.eval());
    let t2 = Instant::now();
    let subnets: Vec<_> = ev.subnet_ids().take(limit).map(|s| ev.subnet_place(s, None)).collect();
    let internet = ev.internet_place(None);
    let all = PacketSet::all();
    let counts = subnets
        .par_iter()
        .map(|src| {
            let mut c = [0usize; 3];
            for dst in subnets.iter().chain(std::iter::once(&internet)) {
                if std::ptr::eq(src, dst) {
                    continue;
                }
                let r = ev.reach(src, dst, &all);
                let i = match r.verdict() {
                    Verdict::Reachable => 0,
                    Verdict::Unreachable => 1,
                    Verdict::Indeterminate => 2,
                };
                c[i] += 1;
            }
            c
        })
        .reduce(|| [0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
    let t3 = Instant::now();
    println!(
        "{} subnets: load+lower {:?}, compile {:?}, all pairs {:?} ({} pairs: {} reachable, {} unreachable, {} indeterminate)",
        subnets.len(),
        t1 - t0,
        t2 - t1,
        t3 - t2,
        counts.iter().sum::<usize>(),
        counts[0],
        counts[1],
        counts[2]
    );
}
