//! Debug helper: `cargo run -q --example trace -- PLAN FROM TO PROTO [PORT|TYPE CODE]`
//! (`JSON=1` for JSON).
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: trace PLAN FROM TO PROTO [PORT | TYPE CODE]");
        return;
    }
    let (input, doc) = match tfvpc::ingest::load(&args[0], &mut std::io::stdin()) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
    let Ok(settings) = tfvpc::config::resolve(None, &[]) else { return };
    let flow = match args[3].as_str() {
        "tcp" => tfvpc::eval::Flow::tcp(args.get(4).and_then(|p| p.parse().ok()).unwrap_or(443)),
        "udp" => tfvpc::eval::Flow::udp(args.get(4).and_then(|p| p.parse().ok()).unwrap_or(53)),
        "icmp" => tfvpc::eval::Flow::icmp(
            args.get(4).and_then(|p| p.parse().ok()).unwrap_or(8),
            args.get(5).and_then(|p| p.parse().ok()).unwrap_or(0),
        ),
        _ => tfvpc::eval::Flow::all(),
    };
    let options = tfvpc::eval::TraceOptions { gb_per_month: Some(100.0), family: None };
    match tfvpc::eval::trace(&net, settings.eval(), &args[1], &args[2], &flow, &options) {
        Ok(report) if std::env::var("JSON").is_ok() => print!("{}", report.to_json()),
        Ok(report) => print!("{}", tfvpc::report::trace::render_human(&report, false)),
        Err(e) => eprintln!("{:?}: {:?}", e.which, e.error),
    }
}
