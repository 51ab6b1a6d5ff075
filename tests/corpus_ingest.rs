//! Every real plan in ../shared/corpus/plans loads (skipped when the corpus is absent).

use std::path::PathBuf;

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/plans");
    let mut files: Vec<_> = std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).collect();
    files.sort();
    Some(files)
}

#[test]
fn every_corpus_file_loads_or_is_rejected_with_advice() {
    let Some(files) = corpus() else {
        eprintln!("corpus absent: skipped");
        return;
    };
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let res = tfvpc::ingest::load(f.to_str().unwrap(), &mut std::io::empty());
        if name.contains("NOT-show-json") {
            let err = res.unwrap_err();
            assert!(err.to_string().contains("event stream"), "{name}: {err}");
        } else {
            let (_, doc) = res.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            eprintln!(
                "{name}: {:?} {} resources, {} data",
                doc.kind,
                doc.resources.len(),
                doc.data_after.len() + doc.data_before.len()
            );
        }
    }
}
