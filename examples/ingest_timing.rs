//! Times ingest and lowering of plan files: `cargo run --release --example ingest_timing -- FILE...`.
fn main() {
    for arg in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&arg).unwrap_or_default();
        let input = tfvpc::ingest::Input { name: arg.clone(), path: None, text };
        let t = std::time::Instant::now();
        let v: serde_json::Value = serde_json::from_str(&input.text).unwrap_or_default();
        let t_value = t.elapsed();
        drop(v);
        let t = std::time::Instant::now();
        let doc = match tfvpc::ingest::parse_input(&input) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{arg}: {e}");
                continue;
            }
        };
        let t_ingest = t.elapsed();
        let t = std::time::Instant::now();
        let net = tfvpc::model::lower::lower(&arg, &doc, tfvpc::model::lower::Side::After);
        let t_lower = t.elapsed();
        println!(
            "{arg}: {:.1} MB, {} resources: serde_json::Value {:?}, ingest {:?}, lower {:?} ({} model resources)",
            input.text.len() as f64 / 1e6,
            doc.resources.len(),
            t_value,
            t_ingest,
            t_lower,
            net.resources.len()
        );
    }
}
