//! Times ingest and lowering of plan files against `serde_json::Value` parsing:
//! `cargo run --release --example ingest_timing -- FILE...` (ingest first, so that it does not
//! run on a heap the much larger `Value` has just been freed to).
use std::time::Instant;

fn main() {
    for arg in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&arg).unwrap_or_default();
        let input = tfvpc::ingest::Input { name: arg.clone(), path: None, text };
        let t = Instant::now();
        let doc = match tfvpc::ingest::parse_input(&input) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{arg}: {e}");
                continue;
            }
        };
        let t_ingest = t.elapsed();
        let t = Instant::now();
        let net = tfvpc::model::lower::lower(&arg, &doc, tfvpc::model::lower::Side::After);
        let t_lower = t.elapsed();
        let (resources, modelled) = (doc.resources.len(), net.resources.len());
        drop((doc, net));
        let t = Instant::now();
        let value: serde_json::Value = serde_json::from_str(&input.text).unwrap_or_default();
        let t_value = t.elapsed();
        drop(value);
        println!(
            "{arg}: {:.1} MB: serde_json::Value {t_value:.1?}; ingest {t_ingest:.1?} ({resources} resources kept), \
             lower {t_lower:.1?} ({modelled} in the model), together {:.1?}",
            input.text.len() as f64 / 1e6,
            t_ingest + t_lower
        );
    }
}
