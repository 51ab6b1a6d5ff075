//! `tfvpc serve`'s packet answer on the 1,200-subnet estate of docs/performance.md (a private
//! subnet to the internet, and to a subnet of another VPC): resolving
//! "from" and "to" and tracing both legs with the hop texts, the bill and the JSON the page
//! gets. `with_compiled_evaluator` is what the server does (the evaluator is compiled once per
//! network version, docs/simulator.md#speed); `compiling_evaluator` is `tfvpc trace`'s path,
//! which compiles it for each packet.
#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly")]
#![expect(missing_docs, reason = "criterion_group! generates an undocumented function")]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tfvpc::eval::{Evaluator, Flow, TraceOptions};
use tfvpc::ingest::parse_input;
use tfvpc::model::lower::{Side, lower};

fn packet(c: &mut Criterion) {
    let input = common::plan_input(common::LARGE);
    let doc = parse_input(&input).unwrap();
    let net = lower(&input.name, &doc, Side::After);
    let settings = tfvpc::config::resolve(None, &tfvpc::rules::defaults()).unwrap();
    // Subnets: the generated instances' subnets are unknown until apply (indeterminate at once).
    let subnets: Vec<String> =
        net.present().map(|(id, _)| net.name(id).to_string()).filter(|n| n.contains("aws_subnet.private[")).collect();
    let (from, to) = (subnets[0].clone(), subnets[subnets.len() / 2].clone());
    let flow = Flow::tcp(443);
    let options = TraceOptions { gb_per_month: Some(100.0), family: None };
    let answer = |ev: &Evaluator<'_>, to: &str| {
        let x = ev.resolve(&from, None).unwrap();
        let y = ev.resolve(to, x.places.first()).unwrap();
        ev.trace(&x, &y, &flow, &options).to_json()
    };
    let mut group = c.benchmark_group("serve_packet_1200_subnets");
    group.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    let ev = Evaluator::new(&net, settings.eval());
    for dest in ["internet", to.as_str()] {
        let name = if dest == "internet" { "to_internet" } else { "to_subnet" };
        group.bench_function(format!("with_compiled_evaluator/{name}"), |b| b.iter(|| answer(black_box(&ev), dest)));
    }
    group.bench_function("compiling_evaluator/to_internet", |b| {
        b.iter(|| answer(&Evaluator::new(black_box(&net), settings.eval()), "internet"))
    });
    group.finish();
}

criterion_group!(benches, packet);
criterion_main!(benches);
