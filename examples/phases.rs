//! Times the phases of a lint run on one plan (a profiling aid; not a benchmark).
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: phases PLAN.json");
        return;
    };
    let t = Instant::now();
    let Ok((input, doc)) = tfvpc::ingest::load(&path, &mut std::io::empty()) else {
        eprintln!("cannot read {path}");
        return;
    };
    eprintln!("ingest      {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
    eprintln!("model       {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let Ok(settings) = tfvpc::config::resolve(None, &tfvpc::rules::defaults()) else { return };
    let t = Instant::now();
    let ev = tfvpc::eval::Evaluator::new(&net, settings.eval());
    eprintln!("evaluator   {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let ctx = tfvpc::rules::Context::new(&net, &settings, &ev);
    let t = Instant::now();
    let paths = ctx.paths();
    eprintln!(
        "paths       {:>8.1} ms ({} intents, {} failures)",
        t.elapsed().as_secs_f64() * 1e3,
        paths.evaluated,
        paths.failures.len()
    );
    let t = Instant::now();
    let checked = tfvpc::rules::run(&ctx, &tfvpc::suppress::Suppressions::none());
    eprintln!("rules       {:>8.1} ms ({} findings)", t.elapsed().as_secs_f64() * 1e3, checked.findings.len());
}
