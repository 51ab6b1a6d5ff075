//! `Evaluator::all_pairs` against `Evaluator::reach` on every pair of every plan of the
//! repository (`testdata/**/plan.json`, `state.json`) and of `../shared/corpus/plans` when it
//! is there: the verdict and the passed, failed and undetermined sets must be identical.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::path::{Path, PathBuf};

use tfvpc::eval::sets::PacketSet;
use tfvpc::eval::{End, Evaluator, Place};

fn plans(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            plans(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// The mismatches of one plan (none when it is not a plan tfvpc reads).
fn check(plan: &Path) -> (usize, Vec<String>) {
    let arg = plan.to_string_lossy().into_owned();
    let Ok((input, doc)) = tfvpc::ingest::load(&arg, &mut std::io::empty()) else { return (0, Vec::new()) };
    let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
    let settings = tfvpc::config::resolve(None, &[]).unwrap();
    let ev = Evaluator::new(&net, settings.eval());
    let ap = ev.all_pairs();
    let all = PacketSet::all();
    let place = |e: End| -> &Place {
        match e {
            End::Subnet(i) => &ap.subnets()[i],
            End::Internet => ap.internet(),
        }
    };
    let mut bad = Vec::new();
    let mut pairs = 0;
    for (from, to) in ap.pairs() {
        pairs += 1;
        let (x, y) = (place(from), place(to));
        let r = ev.reach(x, y, &all);
        let o = ap.outcome(from, to).unwrap();
        if o.verdict != r.verdict() || o.passed != r.passed || o.failed != r.failed || o.undetermined != r.undetermined
        {
            bad.push(format!(
                "{}: {} -> {}: {:?} vs reach {:?}",
                plan.display(),
                x.name,
                y.name,
                o.verdict,
                r.verdict()
            ));
        }
    }
    (pairs, bad)
}

#[test]
fn all_pairs_agrees_with_reach_on_every_plan() {
    let mut files = Vec::new();
    plans(&common::root().join("testdata"), &mut files);
    if let Some(corpus) = common::corpus_dir() {
        plans(&corpus, &mut files);
    }
    let mut pairs = 0;
    let mut bad = Vec::new();
    let mut with_subnets = 0;
    for f in &files {
        let (n, b) = check(f);
        pairs += n;
        with_subnets += usize::from(n > 2);
        bad.extend(b);
    }
    assert!(with_subnets >= 40, "only {with_subnets} plans with subnets");
    assert!(bad.is_empty(), "{} of {pairs} pairs disagree:\n{}", bad.len(), bad.join("\n"));
}
