//! Times the HCL front end (parse, evaluate, produce the document: `tfvpc::ingest::load_any` on a
//! directory) N times and prints each run, the minimum and the median (a profiling aid; the
//! benchmark is `cargo bench --bench hcl`):
//! `cargo run --release --example hcl_timing -- DIR [N]`. With `HCL_DUMP=FILE` it also writes
//! the document and the notes of the last run (`{:#?}`), to compare two builds.
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: hcl_timing DIR [N]");
        return;
    };
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let opts = tfvpc::ingest::HclOptions::default();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..n.max(1) {
        let t = Instant::now();
        let (doc, notes) = match tfvpc::ingest::load_any(&dir, &mut std::io::empty(), &opts) {
            Ok((_, doc, notes)) => (doc, notes),
            Err(e) => {
                eprintln!("{dir}: {e:?}");
                return;
            }
        };
        let elapsed = t.elapsed().as_secs_f64() * 1e3;
        eprintln!("{dir}: {elapsed:.1} ms ({} resources)", doc.resources.len());
        times.push(elapsed);
        drop(last.replace((doc, notes)));
    }
    if let (Some(file), Some(last)) = (std::env::var_os("HCL_DUMP"), last)
        && let Err(e) = std::fs::write(&file, format!("{last:#?}\n"))
    {
        eprintln!("{}: {e}", file.to_string_lossy());
    }
    times.sort_by(f64::total_cmp);
    eprintln!("min {:.1} ms, median {:.1} ms", times[0], times[times.len() / 2]);
}
