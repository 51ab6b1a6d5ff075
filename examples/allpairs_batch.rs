//! Times `Evaluator::all_pairs` on a plan and checks a sample of pairs against `reach`:
//! `cargo run --release --example allpairs_batch -- PLAN [SAMPLES]`.
use std::time::Instant;

use tfvpc::eval::sets::PacketSet;
use tfvpc::eval::{End, Evaluator};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(plan) = args.first() else {
        eprintln!("usage: allpairs_batch PLAN [SAMPLES]");
        return;
    };
    let samples: usize = args.get(1).and_then(|l| l.parse().ok()).unwrap_or(0);
    let Ok((input, doc)) = tfvpc::ingest::load(plan, &mut std::io::stdin()) else { return };
    let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
    let Ok(settings) = tfvpc::config::resolve(None, &[]) else { return };
    let t0 = Instant::now();
    let ev = Evaluator::new(&net, settings.eval());
    let t1 = Instant::now();
    // REPEAT=N runs it N times (0: compile only, for instruction-count baselines).
    let repeat: usize = std::env::var("REPEAT").ok().and_then(|r| r.parse().ok()).unwrap_or(1);
    if repeat == 0 {
        return;
    }
    let mut ap = ev.all_pairs();
    for _ in 1..repeat {
        ap = ev.all_pairs();
    }
    let t2 = Instant::now();
    let c = ap.counts();
    println!(
        "{} subnets: compile {:?}, all_pairs {:?}: {:?}, {:?}",
        ap.subnets().len(),
        t1 - t0,
        t2 - t1,
        c,
        ap.stats()
    );
    let n = ap.subnets().len();
    let all = PacketSet::all();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bad = 0;
    for _ in 0..samples {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let s = (x % (n as u64 + 1)) as usize;
        let d = ((x >> 32) % (n as u64 + 1)) as usize;
        if s == d {
            continue;
        }
        let end = |i: usize| if i == n { End::Internet } else { End::Subnet(i) };
        let place = |i: usize| if i == n { ap.internet() } else { &ap.subnets()[i] };
        let Some(o) = ap.outcome(end(s), end(d)) else { continue };
        let r = ev.reach(place(s), place(d), &all);
        if o.verdict != r.verdict() || o.passed != r.passed || o.failed != r.failed || o.undetermined != r.undetermined
        {
            bad += 1;
            println!("MISMATCH {} -> {}: {:?} vs {:?}", place(s).name, place(d).name, o.verdict, r.verdict());
        }
    }
    if samples > 0 {
        println!("{samples} samples, {bad} mismatches");
    }
}
