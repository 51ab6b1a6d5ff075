//! No output depends on the order a hash map iterates in: the evaluator's results (all pairs,
//! `reach`, traces) and whole lint reports of testdata plans are the same under FxHash and under
//! SipHash with random keys (a map iterated into output would differ between the two).

use std::fmt::Write as _;

use clap::Parser as _;

use super::with_alternate_hasher;
use crate::eval::sets::PacketSet;
use crate::eval::{EvalSettings, Evaluator, Flow, TraceOptions};
use crate::model::lower::{Side, lower};

const PLANS: &[&str] = &[
    "testdata/eval/tgw/plan.json",
    "testdata/eval/peering/plan.json",
    "testdata/eval/vpn/plan.json",
    "testdata/eval/appliance/plan.json",
    "testdata/eval/nat-nacl-ports/plan.json",
    "testdata/eval/sg-refs/plan.json",
    "testdata/plans/families-peering-tgw/plan.json",
];

/// Everything the evaluator says about `plan`, as text.
fn evaluation(plan: &str) -> String {
    let (input, doc) = crate::ingest::load(plan, &mut std::io::empty()).unwrap();
    let net = lower(&input.name, &doc, Side::After);
    let settings = EvalSettings::default();
    let ev = Evaluator::new(&net, settings.clone());
    let mut out = String::new();
    let ap = ev.all_pairs();
    writeln!(out, "{:?} {:?}", ap.stats(), ap.counts()).unwrap();
    for (from, to) in ap.pairs() {
        writeln!(out, "{from:?} -> {to:?}: {:?}", ap.outcome(from, to)).unwrap();
    }
    let mut places: Vec<_> = ap.subnets().to_vec();
    places.push(ap.internet().clone());
    let all = PacketSet::all();
    for x in &places {
        for y in &places {
            writeln!(out, "{} -> {}: {:?}", x.name, y.name, ev.reach(x, y, &all)).unwrap();
        }
    }
    let names: Vec<String> = ev.subnet_ids().map(|s| net.name(s).to_string()).chain(["internet".to_string()]).collect();
    for flow in [Flow::tcp(443), Flow::icmp(8, 0)] {
        for x in &names {
            for y in &names {
                let report = crate::eval::trace(&net, settings.clone(), x, y, &flow, &TraceOptions::default()).unwrap();
                writeln!(out, "{}", serde_json::to_string(&report).unwrap()).unwrap();
            }
        }
    }
    out
}

/// `tfvpc lint --format json --show-indeterminate plan`, in-process.
fn lint(plan: &str) -> String {
    let cli = crate::cli::Cli::try_parse_from(["tfvpc", "lint", "--format", "json", "--show-indeterminate", plan]);
    let cli = cli.unwrap();
    let (mut stdin, mut stdout, mut stderr) = (std::io::empty(), Vec::new(), Vec::new());
    let mut io = crate::Io { stdin: &mut stdin, stdout: &mut stdout, stderr: &mut stderr, stdout_is_terminal: false };
    let code = crate::run(cli, &mut io).unwrap();
    format!("{code}\n{}", String::from_utf8_lossy(&stdout))
}

#[test]
fn no_output_depends_on_hash_map_order() {
    for plan in PLANS {
        let (evaluated, linted) = (evaluation(plan), lint(plan));
        assert!(linted.contains("\"findings\""), "{plan}: {linted}");
        let (evaluated_again, linted_again) = with_alternate_hasher(|| (evaluation(plan), lint(plan)));
        assert!(evaluated == evaluated_again, "{plan}: the evaluation differs under another hasher");
        assert_eq!(linted, linted_again, "{plan}: the lint report differs under another hasher");
    }
}

/// The check above means something: the two hashers iterate the same map in different orders.
#[test]
fn the_alternate_hasher_changes_iteration_order() {
    let order = || {
        let map: super::FxMap<u32, ()> = (0..64).map(|i| (i * 7919, ())).collect();
        map.keys().copied().collect::<Vec<u32>>()
    };
    let fx = order();
    assert!((0..4).any(|_| with_alternate_hasher(order) != fx));
}
