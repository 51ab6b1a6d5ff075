//! All-pairs reachability on the 1,200-subnet estate of docs/performance.md: every subnet to
//! every other subnet, to the internet and from it, all protocols and ports (`PacketSet::all()`),
//! both legs of every flow, on the rayon pool.
//!
//! `cargo bench --bench reachability` measures compiling the evaluator, the target
//! (`all_pairs_1200_subnets`: `Evaluator::new` and `Evaluator::all_pairs`, 1,441,200 results),
//! and `Evaluator::reach` pair by pair: one subnet against all the others, and all pairs among
//! the subnets of 10 VPCs (120 subnets). `reach` over all 1,200 subnets pair by pair runs only
//! with `TFVPC_BENCH_ALL_PAIRS=1` (minutes per iteration, and criterion needs ten).
#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly")]
#![expect(missing_docs, reason = "criterion_group! generates an undocumented function")]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use tfvpc::eval::sets::PacketSet;
use tfvpc::eval::{Evaluator, Place, Verdict};
use tfvpc::ingest::parse_input;
use tfvpc::model::lower::{Side, lower};

/// Verdict counts: reachable, unreachable, indeterminate.
type Counts = [usize; 3];

fn count(counts: &mut Counts, verdict: Verdict) {
    match verdict {
        Verdict::Reachable => counts[0] += 1,
        Verdict::Unreachable => counts[1] += 1,
        _ => counts[2] += 1,
    }
}

/// Every ordered pair of distinct subnets of `places`, plus each subnet to and from the internet,
/// with `reach` pair by pair.
fn all_pairs(ev: &Evaluator<'_>, places: &[Place], internet: &Place, all: &PacketSet) -> Counts {
    places
        .par_iter()
        .enumerate()
        .map(|(i, src)| {
            let mut n = [0; 3];
            for (j, dst) in places.iter().enumerate() {
                if i != j {
                    count(&mut n, ev.reach(src, dst, all).verdict());
                }
            }
            count(&mut n, ev.reach(src, internet, all).verdict());
            count(&mut n, ev.reach(internet, src, all).verdict());
            n
        })
        .reduce(|| [0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]])
}

fn reachability(c: &mut Criterion) {
    let input = common::plan_input(common::LARGE);
    let doc = parse_input(&input).unwrap();
    let net = lower(&input.name, &doc, Side::After);
    let settings = tfvpc::config::resolve(None, &tfvpc::rules::defaults()).unwrap();
    let ev = Evaluator::new(&net, settings.eval());
    let places: Vec<Place> = ev.subnet_ids().map(|s| ev.subnet_place(s, None)).collect();
    assert_eq!(places.len(), 1200);
    let internet = ev.internet_place(None);
    let all = PacketSet::all();

    let mut group = c.benchmark_group("reachability_1200_subnets");
    group.sample_size(10).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(10));
    group.bench_function("evaluator_new", |b| b.iter(|| Evaluator::new(black_box(&net), settings.eval())));

    // One source: 1,199 subnets, and the internet both ways.
    group.throughput(Throughput::Elements(places.len() as u64 + 1));
    group.bench_function("one_subnet_to_all", |b| {
        b.iter(|| {
            let src = &places[0];
            let mut n = [0; 3];
            for dst in &places[1..] {
                count(&mut n, ev.reach(src, dst, &all).verdict());
            }
            count(&mut n, ev.reach(src, &internet, &all).verdict());
            count(&mut n, ev.reach(&internet, src, &all).verdict());
            n
        })
    });

    // The target: every pair of the 1,200 subnets and the internet, batched.
    let pairs = places.len() * (places.len() + 1);
    group.throughput(Throughput::Elements(pairs as u64));
    group.bench_function("all_pairs_1200_subnets", |b| {
        b.iter(|| {
            let ev = Evaluator::new(black_box(&net), settings.eval());
            let all_pairs = ev.all_pairs();
            let n = all_pairs.counts();
            assert_eq!(n.reachable + n.unreachable + n.indeterminate, pairs);
            n
        })
    });

    // The subnets of the first 10 VPCs (12 each, in address order: one VPC after the other).
    let ten_vpcs = &places[..120];
    let pairs = ten_vpcs.len() * (ten_vpcs.len() + 1);
    group.throughput(Throughput::Elements(pairs as u64));
    group.bench_function("reach_loop_120_subnets", |b| {
        b.iter(|| {
            let n = all_pairs(&ev, ten_vpcs, &internet, &all);
            assert_eq!(n.iter().sum::<usize>(), pairs);
            n
        })
    });

    if std::env::var_os("TFVPC_BENCH_ALL_PAIRS").is_some() {
        let pairs = places.len() * (places.len() + 1);
        group.throughput(Throughput::Elements(pairs as u64));
        group.bench_function("reach_loop_1200_subnets", |b| {
            b.iter(|| {
                let n = all_pairs(&ev, &places, &internet, &all);
                assert_eq!(n.iter().sum::<usize>(), pairs);
                n
            })
        });
    }
    group.finish();
}

criterion_group!(benches, reachability);
criterion_main!(benches);
