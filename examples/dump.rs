//! Debug helper: prints the model of an input.
fn main() {
    for arg in std::env::args().skip(1) {
        let (input, doc) = match tfvpc::ingest::load(&arg, &mut std::io::stdin()) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("{arg}: {e}");
                continue;
            }
        };
        let net = tfvpc::model::lower::lower(&input.name, &doc, tfvpc::model::lower::Side::After);
        println!("== {arg}\n{:?}", net.summary());
        if std::env::var("FULL").is_ok() {
            for r in &net.resources {
                println!("{} {:?} {:?}", r.name, r.origin, r.obj);
            }
            for l in &net.links {
                println!("  {} .{} -> {:?}", net.name(l.from), l.attr, l.link);
            }
        }
        for w in &net.warnings {
            println!("warning: {w}");
        }
    }
}
