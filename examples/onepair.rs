//! Times `reach` for one pair, many times: `onepair PLAN FROM TO N`.
use std::time::Instant;

use tfvpc::eval::Evaluator;
use tfvpc::eval::sets::PacketSet;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 4 {
        return;
    }
    let Ok((input, doc)) = tfvpc::ingest::load(&a[0], &mut std::io::stdin()) else { return };
    let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
    let Ok(settings) = tfvpc::config::resolve(None, &[]) else { return };
    let ev = Evaluator::new(&net, settings.eval());
    let (Ok(x), Ok(y)) = (ev.resolve(&a[1], None), ev.resolve(&a[2], None)) else { return };
    let n: u32 = a[3].parse().unwrap_or(1000);
    let all = PacketSet::all();
    let t = Instant::now();
    let mut v = None;
    for _ in 0..n {
        v = Some(ev.reach(&x.places[0], &y.places[0], &all).verdict());
    }
    println!("{:?} {:?} per pair", v, t.elapsed() / n);
}
