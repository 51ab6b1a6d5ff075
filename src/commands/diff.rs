//! `tfvpc diff`: what a change opens and closes. One plan is compared with its own prior state
//! (`Side::Before` against `Side::After`); two inputs (plans, states or folders) are compared
//! as their networks after apply, the second's `moved` instances naming the first's resources.
//! The differences (`crate::diff`) get their rules and severities (`diff::policy`), are located
//! in the after side's `.tf` sources, and are reported in the chosen format. Exit 1 when a
//! difference is at or above `--fail-on`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{settings_for, write_err, write_out};
use crate::cli::{self, DiffFormat, FailOn};
use crate::config::Settings;
use crate::diff::policy::{self, Judged};
use crate::diff::{self as differ, Sides};
use crate::finding::{self, Severity};
use crate::model::lower::{Side, lower};
use crate::report::diff::DiffReport;
use crate::report::{self, InputReport, LintReport};
use crate::{EXIT_CLEAN, EXIT_FINDINGS, Error, Io, Result};
use crate::{eval, ingest, locate, model, source, suppress};

/// The sources folder of an input (its folder, or the folder itself in HCL mode) and how it
/// is shown.
pub(crate) fn source_dir_of(arg: &str, explicit: Option<&Path>) -> (Option<PathBuf>, String) {
    let input_path = (arg != "-").then(|| Path::new(arg));
    match (explicit, input_path) {
        (Some(dir), _) => (Some(dir.to_path_buf()), dir.display().to_string()),
        (None, Some(path)) if path.is_dir() => (Some(path.to_path_buf()), path.display().to_string()),
        (None, Some(path)) => {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let shown = dir.display().to_string();
            (Some(if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir }), shown)
        }
        (None, None) => (None, String::new()),
    }
}

/// The differences between two networks, judged by the policy of `settings`.
pub(crate) fn judge_sides(
    sides: &Sides<'_>,
    settings: &Settings,
    suppressions: &suppress::Suppressions<'_>,
    input: &str,
) -> Judged {
    let (before, after) = rayon::join(
        || eval::Evaluator::new(sides.before, settings.eval()),
        || eval::Evaluator::new(sides.after, settings.eval()),
    );
    let differences = differ::diff(sides, &before, &after);
    policy::judge(differences, settings, suppressions, input)
}

/// Locates the differences' findings in the sources (the input's first line without them).
pub(crate) fn locate_reported(
    judged: &mut Judged,
    sources: Option<&source::Sources>,
    input: &ingest::Input,
    repo_root: Option<&Path>,
) {
    let fallback = finding::Location {
        file: input.name.clone(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        kind: finding::LocationKind::Input,
        uri: input.path.as_deref().zip(repo_root).and_then(|(p, root)| source::uri_of(p, root)),
    };
    let mut findings: Vec<finding::Finding> = judged.reported.iter().map(|r| r.finding.clone()).collect();
    locate::locate(&mut findings, sources, &fallback);
    for f in &mut findings {
        // A deleted cause has no block left: point at the first related resource that has one
        // (the table that lost the route, the destination).
        if f.location.as_ref().is_some_and(|l| l.kind == finding::LocationKind::Input)
            && let Some(l) =
                f.related.iter().filter_map(|r| r.location.as_ref()).find(|l| l.kind != finding::LocationKind::Input)
        {
            f.location = Some(l.clone());
        }
    }
    for (r, f) in judged.reported.iter_mut().zip(findings) {
        r.finding = f;
    }
}

/// One side of a diff of two inputs: read, and lowered with the sources beside it.
struct LoadedSide {
    input: ingest::Input,
    doc: ingest::Document,
    load_warnings: Vec<String>,
    net: crate::model::Network,
    notes: Vec<String>,
}

fn load_side(
    arg: &str,
    source_dir: Option<&Path>,
    stdin: &mut dyn std::io::Read,
    options: &ingest::HclOptions,
) -> Result<LoadedSide> {
    let (input, mut doc, load_warnings) = ingest::load_any(arg, stdin, options)?;
    let (net, notes) = super::lower_after(&input.name, &mut doc, source_dir, options);
    Ok(LoadedSide { input, doc, load_warnings, net, notes })
}

/// Runs `tfvpc diff`.
pub(crate) fn diff(args: &cli::DiffArgs, io: &mut Io<'_>) -> Result<u8> {
    let explicit = super::explicit_config(args.config.as_deref())?;
    if args.after.as_deref() == Some("-") && args.before == "-" {
        return Err(Error::usage(
            "both sides of the diff read standard input",
            "give at most one input as `-`: tfvpc diff before.json after.json",
        ));
    }
    let after_arg = args.after.as_deref().unwrap_or(&args.before);
    let (source_dir, shown) = source_dir_of(after_arg, args.source_dir.as_deref());
    let repo_root = match &args.repo_root {
        Some(root) => root.canonicalize().ok(),
        None => source_dir
            .as_deref()
            .and_then(source::find_repo_root)
            .or_else(|| std::env::current_dir().ok().and_then(|d| source::find_repo_root(&d))),
    };
    let options = super::hcl_options(&args.var_args);
    let sources = source_dir
        .as_deref()
        .map(|dir| source::Sources::load(dir, &shown, repo_root.as_deref()))
        .filter(|s| !s.is_empty());
    let (before_net, after_net, rename, changed, before_name, input, mut warnings) = match &args.after {
        None => {
            let (input, mut doc, mut warnings) = ingest::load_any(after_arg, io.stdin, &options)?;
            if doc.kind != ingest::DocKind::Plan {
                return Err(Error::usage(
                    format!("{}: a {} has one side only", input.name, doc.kind.as_str()),
                    "give a plan (`terraform show -json tfplan`) to compare with its prior state, or two inputs: \
                     tfvpc diff before.json after.json",
                ));
            }
            let before = lower(&input.name, &doc, Side::Before);
            // The network after the change as lint sees it: with the sources beside the plan
            // when the plan alone leaves links unresolved.
            let (after, notes) = super::lower_after(&input.name, &mut doc, source_dir.as_deref(), &options);
            warnings.extend(notes);
            let changed = differ::changed_in_plan(&doc);
            let name = input.name.clone();
            (before, after, BTreeMap::new(), changed, name, input, warnings)
        }
        Some(after) => {
            // Each side with the sources beside it (the base branch's and the PR's folders),
            // read and lowered side by side unless one of them is standard input.
            let (before_dir, _) = source_dir_of(&args.before, None);
            let before_side =
                |stdin: &mut dyn std::io::Read| load_side(&args.before, before_dir.as_deref(), stdin, &options);
            let after_side = |stdin: &mut dyn std::io::Read| load_side(after, source_dir.as_deref(), stdin, &options);
            let (b, a) = if args.before == "-" || after == "-" {
                let b = before_side(&mut *io.stdin);
                (b, after_side(&mut *io.stdin))
            } else {
                rayon::join(|| before_side(&mut std::io::empty()), || after_side(&mut std::io::empty()))
            };
            let (b, a) = (b?, a?);
            let mut warnings = a.load_warnings;
            warnings.extend(b.load_warnings);
            warnings.extend(b.notes);
            warnings.extend(a.notes);
            let rename: BTreeMap<String, String> =
                a.doc.moved.iter().map(|(new, old)| (old.clone(), new.clone())).collect();
            let changed = differ::changed_between(&b.doc, &a.doc, &rename);
            (b.net, a.net, rename, changed, b.input.name, a.input, warnings)
        }
    };
    let settings = settings_for(explicit.as_ref(), input.dir())?;
    let suppressions = suppress::Suppressions::new(&settings, sources.as_ref(), repo_root.as_deref());
    warnings.extend(after_net.warnings.iter().cloned());
    let sides = Sides { before: &before_net, after: &after_net, rename, changed };
    let mut judged = judge_sides(&sides, &settings, &suppressions, &input.name);
    locate_reported(&mut judged, sources.as_ref(), &input, repo_root.as_deref());
    let report = DiffReport {
        before: before_name,
        after: input.name.clone(),
        suppressed: judged.suppressed,
        reported: judged.reported,
        warnings,
    };
    let text = match args.format {
        DiffFormat::Human => report::diff::human(&report),
        DiffFormat::Json => report::diff::json(&report),
        DiffFormat::Markdown => report::diff::markdown(&report),
        DiffFormat::Sarif | DiffFormat::Github => {
            let lint = as_lint_report(&report, &input, &after_net, sources.as_ref(), repo_root);
            match args.format {
                DiffFormat::Sarif => report::sarif::render(
                    &lint,
                    &report::Options {
                        color: false,
                        verbose: false,
                        sarif_category: args.sarif_category.clone(),
                        new_only: false,
                    },
                ),
                _ => report::github::render(&lint),
            }
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text.as_bytes()).map_err(Error::Write)?;
            write_err(io, &format!("{}; report written to {}\n", report::diff::summary_line(&report), path.display()));
        }
        None => write_out(io, &text)?,
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| report.reported.iter().any(|r| r.finding.severity >= t));
    Ok(if failing { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// The differences' findings as a lint report, for the SARIF and GitHub renderers.
fn as_lint_report(
    report: &DiffReport,
    input: &ingest::Input,
    net: &model::Network,
    sources: Option<&source::Sources>,
    repo_root: Option<PathBuf>,
) -> LintReport {
    LintReport {
        inputs: vec![InputReport {
            input: input.name.clone(),
            kind: net.kind.as_str(),
            summary: net.summary(),
            warnings: report.warnings.clone(),
        }],
        findings: report.reported.iter().map(|r| r.finding.clone()).collect(),
        files: sources.iter().flat_map(|s| s.files()).map(|f| (f.display.clone(), f.text.clone())).collect(),
        repo_root,
        suppressed: report.suppressed,
        ..LintReport::default()
    }
}
