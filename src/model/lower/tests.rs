//! Lowering reads only what ingest keeps: every attribute a resource's view or configuration is
//! asked for, over every plan under `testdata/`, must be one `catalog.rs` keeps for that type
//! (a dropped attribute is always `Absent`, so reading it is a silent bug).

use std::path::{Path, PathBuf};

use super::{Side, lower};
use crate::addr::Mode;
use crate::catalog;
use crate::model::attrs::reads;

fn plans(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            plans(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") || p.file_name().is_some_and(|n| n == "terraform.tfstate")
        {
            out.push(p);
        }
    }
}

#[test]
fn lowering_reads_only_attributes_the_catalog_keeps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut files = Vec::new();
    plans(&root, &mut files);
    let mut lowered = 0;
    let mut dropped: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for file in &files {
        let arg = file.to_string_lossy().into_owned();
        let Ok((input, doc)) = crate::ingest::load(&arg, &mut std::io::empty()) else { continue };
        reads::start();
        for side in [Side::After, Side::Before] {
            lower(&input.name, &doc, side);
        }
        lowered += 1;
        for (mode, rtype, attr) in reads::finish() {
            if !catalog::kept_attrs(mode, &rtype).contains(&attr.as_str()) {
                let prefix = if mode == Mode::Data { "data." } else { "" };
                dropped.entry(format!("{prefix}{rtype}.{attr}")).or_insert_with(|| arg.clone());
            }
        }
    }
    assert!(lowered > 100, "only {lowered} plans lowered");
    let report: Vec<String> = dropped.iter().map(|(read, file)| format!("{read} (first in {file})")).collect();
    assert!(report.is_empty(), "lowering reads attributes the catalog drops:\n{}", report.join("\n"));
}

/// The probe lowering (`lower_probe`, which decides whether a plan's sources are needed) is
/// exactly `lower`'s network when it says so, and says so exactly when no separate route or rule
/// has an unknown parent: over every plan under `testdata/`, both cases occur, and an exact probe
/// gives the same resources, objects and links as `lower`.
#[test]
fn the_probe_is_exact_when_it_says_so() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut files = Vec::new();
    plans(&root, &mut files);
    let (mut exact, mut inexact) = (0, 0);
    for file in &files {
        let arg = file.to_string_lossy().into_owned();
        let Ok((input, doc)) = crate::ingest::load(&arg, &mut std::io::empty()) else { continue };
        let full = lower(&input.name, &doc, Side::After);
        let (probe, is_exact) = super::lower_probe(&input.name, &doc, Side::After);
        assert_eq!(probe.summary().links_unknown, full.summary().links_unknown, "{arg}");
        let text = |n: &crate::model::Network| {
            format!("{:?}", n.resources.iter().map(|r| (&r.name, &r.obj)).collect::<Vec<_>>())
        };
        if is_exact {
            exact += 1;
            assert_eq!(text(&probe), text(&full), "{arg}: an exact probe differs from the full lowering");
        } else {
            inexact += 1;
            assert!(full.summary().links_unknown > 0, "{arg}: only an unknown parent makes the probe inexact");
            assert_ne!(text(&probe), text(&full), "{arg}");
        }
    }
    assert!(exact > 100 && inexact > 0, "{exact} exact, {inexact} inexact");
}
