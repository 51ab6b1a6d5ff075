//! The parse floor of docs/performance.md: read a file and parse it into a `serde_json::Value`,
//! nothing else (time it and its peak memory with `/usr/bin/time -v`, beside `tfvpc lint`).
//!
//! ```text
//! cargo run --release --example parse_floor -- PLAN.json
//! ```
fn main() {
    let mut code = 0;
    for arg in std::env::args().skip(1) {
        let parsed = std::fs::read_to_string(&arg)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string()));
        match parsed {
            Ok(value) => println!("{arg}: {} top-level keys", value.as_object().map_or(0, serde_json::Map::len)),
            Err(e) => {
                eprintln!("{arg}: {e}");
                code = 2;
            }
        }
    }
    std::process::exit(code);
}
