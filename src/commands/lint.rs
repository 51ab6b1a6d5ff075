//! `tfvpc lint`: every input through ingest, model, eval and the rules (the network after the
//! change and, for plans, before it, to mark what the change introduces), suppressions,
//! locating in the sources, baselines, then one report in the chosen format.

use std::path::Path;

use super::{settings_for, write_err, write_out};
use crate::cli::{self, ColorChoice, FailOn, LintFormat};
use crate::config::{Config, Settings};
use crate::finding::{self, Severity};
use crate::model::Network;
use crate::model::lower::{Side, lower};
use crate::report::{self, InputReport, LintReport};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Error, Io, Result, render_error};
use crate::{baseline, eval, group, ingest, locate, model, picture, rules, source, suppress};

/// Runs `tfvpc lint`.
pub(crate) fn lint(args: &cli::LintArgs, io: &mut Io<'_>) -> Result<u8> {
    let explicit = super::explicit_config(args.config.as_deref())?;
    if let Some(dir) = &args.source_dir
        && !dir.is_dir()
    {
        return Err(Error::usage(
            format!("--source-dir {}: not a folder", dir.display()),
            "give the folder of the Terraform configuration that produced the plan (where `terraform plan` ran)",
        ));
    }
    // Read the baseline first: a bad one stops the run before any work.
    let baseline = match &args.baseline {
        Some(path) => Some(baseline::Baseline::load(path)?),
        None => None,
    };
    let mut report = LintReport::default();
    let mut used_sites = std::collections::HashSet::new();
    let mut nets = Vec::new();
    // Inputs are independent: several are linted in parallel (each also uses the pool inside),
    // and reported in the order given. Standard input (`-`) needs `io`, so a run that reads it
    // goes one input at a time.
    let results: Vec<Result<Linted>> = if args.inputs.len() > 1 && !args.inputs.iter().any(|a| a == "-") {
        use rayon::prelude::*;
        args.inputs.par_iter().map(|arg| lint_one(arg, explicit.as_ref(), args, &mut std::io::empty())).collect()
    } else {
        args.inputs.iter().map(|arg| lint_one(arg, explicit.as_ref(), args, io.stdin)).collect()
    };
    for (arg, result) in args.inputs.iter().zip(results) {
        match result {
            Ok(one) => nets.push(add(&mut report, &mut used_sites, one, args.diff)),
            Err(e) => {
                write_err(io, &render_error(&e));
                report.errors.push((arg.clone(), e.to_string()));
            }
        }
    }
    merge_suppression_findings(&mut report.findings, &used_sites);
    rules::sort(&mut report.findings);
    let all = report.findings.clone();
    if let (Some(b), Some(path)) = (&baseline, &args.baseline) {
        report.baseline = Some(b.apply(&mut report.findings, &all, &path.display().to_string()));
    }
    if let Some(path) = &args.write_baseline {
        let written = baseline::Baseline::of(&all);
        written.write(path)?;
        report.baseline_written = Some((path.display().to_string(), written.findings.len()));
        // Every current finding is now accepted: nothing is left to report.
        report.findings.clear();
    }
    if args.new_only {
        let before = report.findings.len();
        report.findings.retain(|f| f.introduced != Some(false));
        report.hidden_present = before - report.findings.len();
    }
    let options = report::Options {
        color: match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                args.output.is_none() && io.stdout_is_terminal && std::env::var_os("NO_COLOR").is_none()
            }
        },
        verbose: args.verbose,
        sarif_category: args.sarif_category.clone(),
        new_only: args.new_only,
    };
    let text = match args.format {
        LintFormat::Json => report::json::render(&report),
        LintFormat::Human => report::human::render(&report, &options),
        LintFormat::Sarif => report::sarif::render(&report, &options),
        LintFormat::Github => report::github::render(&report),
        LintFormat::Markdown => report::markdown::render(&report),
        LintFormat::Gitlab => report::gitlab::render(&report),
        LintFormat::Html => {
            let pictures: Vec<String> = nets.iter().map(|net| picture_of(net, &report)).collect();
            report::html::render(&report, &pictures)
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text.as_bytes()).map_err(Error::Write)?;
            write_err(io, &report::human::short_summary(&report, &path.display().to_string()));
        }
        None => write_out(io, &text)?,
    }
    if !report.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t && !f.indeterminate));
    Ok(if failing { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// The picture of one input's network with the badges of its findings.
fn picture_of(net: &model::Network, report: &LintReport) -> String {
    let pic = picture::build(net, &picture::Options::default());
    let findings: Vec<(usize, &finding::Finding)> =
        report.findings.iter().enumerate().filter(|(_, f)| f.input == net.input).collect();
    picture::svg::render_with(&pic, &picture::badges(&pic, &findings))
}

/// Adds one input's lint to the report; returns its network.
fn add(
    report: &mut LintReport,
    used_sites: &mut std::collections::HashSet<(String, usize, usize)>,
    mut one: Linted,
    diff: bool,
) -> model::Network {
    report.inputs.push(one.input);
    report.findings.append(&mut one.findings);
    report.files.append(&mut one.files);
    report.repo_root = report.repo_root.take().or(one.repo_root);
    report.suppressed += one.suppressed;
    used_sites.extend(one.used_sites);
    if diff {
        report.differences.get_or_insert_with(Vec::new).append(&mut one.differences);
    }
    one.net
}

/// The report of one input alone, as `lint --format json` of that input makes it (for `tfvpc
/// serve`), and its network.
pub(crate) fn report_of_one(one: Linted) -> (LintReport, model::Network) {
    let mut report = LintReport::default();
    let mut used_sites = std::collections::HashSet::new();
    let net = add(&mut report, &mut used_sites, one, false);
    merge_suppression_findings(&mut report.findings, &used_sites);
    rules::sort(&mut report.findings);
    (report, net)
}

/// Several inputs may share a configuration file and sources: a suppression is unused only when
/// no input used it, and a finding about one suppression is reported once.
fn merge_suppression_findings(
    findings: &mut Vec<finding::Finding>,
    used_sites: &std::collections::HashSet<(String, usize, usize)>,
) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| {
        if !rules::SUPPRESSION_RULES.contains(&f.rule) {
            return true;
        }
        let Some(site) = f.location.as_ref().map(suppress::site) else { return true };
        if f.rule == rules::RuleId::UnusedSuppression.as_str() && used_sites.contains(&site) {
            return false;
        }
        seen.insert((f.rule, site))
    });
}

/// What linting one input produced.
pub(crate) struct Linted {
    input: InputReport,
    findings: Vec<finding::Finding>,
    /// Source texts by displayed path, for snippets.
    files: std::collections::BTreeMap<String, std::sync::Arc<str>>,
    /// The repository root locations are relative to.
    repo_root: Option<std::path::PathBuf>,
    /// How many findings suppressions left out.
    suppressed: usize,
    /// The suppressions that covered a finding, by [`suppress::site`].
    used_sites: Vec<(String, usize, usize)>,
    /// The network after the change (the HTML report draws it).
    pub(crate) net: model::Network,
    /// `--diff`: what the plan opens and closes (their findings are in `findings`).
    differences: Vec<crate::diff::policy::Reported>,
}

/// What the rules found on one side of a document.
struct SideChecked {
    /// The rules' findings.
    checked: rules::Checked,
    /// The network of that side.
    net: model::Network,
    /// After the change only: the `expect` blocks that match nothing ([`rules::audit_expects`]).
    expects: rules::Checked,
    /// After the change, with `--show-indeterminate`: the undecided flows and their top causes.
    undecided: Option<String>,
}

/// Runs the rules over one side of a document (and, after the change, checks that every
/// `expect` block names something; `repo_root` makes the configuration file's `uri`).
fn check(
    name: &str,
    net: Network,
    side: Side,
    settings: &Settings,
    suppressions: &suppress::Suppressions<'_>,
    show_indeterminate: bool,
    repo_root: Option<&Path>,
) -> SideChecked {
    let (checked, expects, undecided) = {
        let ev = eval::Evaluator::new(&net, settings.eval());
        let ctx = rules::Context::new(&net, settings, &ev).with_indeterminate(show_indeterminate);
        let checked = rules::run(&ctx, suppressions);
        let expects = match side {
            Side::After => rules::audit_expects(&ctx, suppressions, name, repo_root),
            Side::Before => rules::Checked::default(),
        };
        let undecided = (show_indeterminate && side == Side::After).then(|| ctx.undecided_summary()).flatten();
        (checked, expects, undecided)
    };
    SideChecked { checked, net, expects, undecided }
}

fn lint_one(
    arg: &str,
    explicit: Option<&Config>,
    args: &cli::LintArgs,
    stdin: &mut dyn std::io::Read,
) -> Result<Linted> {
    let prepared = prepare(arg, explicit, args, stdin)?;
    Ok(check_prepared(&prepared, &prepared.doc, args.show_indeterminate))
}

/// What one input's lint reads from disk (the input, its sources, its configuration file),
/// read once: [`check_prepared`] runs the rest in memory, also on an edited document
/// (`tfvpc serve`'s what-if).
pub(crate) struct Prepared {
    pub(crate) input: ingest::Input,
    pub(crate) doc: ingest::Document,
    hcl_notes: Vec<String>,
    /// Warnings of reading the sources beside a plan ([`super::lower_after`]).
    source_notes: Vec<String>,
    /// The network of `doc` after the change, lowered by `prepare`, until the first check.
    after_net: std::sync::Mutex<Option<model::Network>>,
    pub(crate) settings: Settings,
    sources: Option<source::Sources>,
    repo_root: Option<std::path::PathBuf>,
    shown: String,
    explicit_source_dir: bool,
    /// `--diff`: append what the plan opens and closes.
    diff: bool,
    /// The fingerprints of the findings before the change (plans), once computed.
    before: std::sync::OnceLock<std::collections::HashSet<String>>,
    /// The folder of the sources, and how HCL mode reads it (for a plan's module inputs).
    source_dir: Option<std::path::PathBuf>,
    hcl: ingest::HclOptions,
    /// Module inputs a plan does not record, evaluated from its sources once when a finding
    /// needs them (`crate::caller`).
    plan_inputs: std::sync::OnceLock<crate::caller::Inputs>,
}

/// Reads one input, its sources and its settings.
pub(crate) fn prepare(
    arg: &str,
    explicit: Option<&Config>,
    args: &cli::LintArgs,
    stdin: &mut dyn std::io::Read,
) -> Result<Prepared> {
    // Sources: --source-dir, else the input's folder; standard input has none without the flag.
    // They are read before the rules run (inline suppressions live in them), on a second thread
    // while the input is parsed: neither needs the other.
    let input_path = (arg != "-").then(|| Path::new(arg));
    let (source_dir, shown) = match (&args.source_dir, input_path) {
        (Some(dir), _) => (Some(dir.clone()), dir.display().to_string()),
        // HCL mode: the folder is the sources.
        (None, Some(path)) if path.is_dir() => (Some(path.to_path_buf()), path.display().to_string()),
        (None, Some(path)) => {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let shown = dir.display().to_string();
            (Some(if dir.as_os_str().is_empty() { std::path::PathBuf::from(".") } else { dir }), shown)
        }
        (None, None) => (None, String::new()),
    };
    let repo_root = match &args.repo_root {
        Some(root) => root.canonicalize().ok(),
        None => source_dir
            .as_deref()
            .and_then(source::find_repo_root)
            .or_else(|| std::env::current_dir().ok().and_then(|d| source::find_repo_root(&d))),
    };
    let (loaded, sources) = std::thread::scope(|scope| {
        let sources =
            scope.spawn(|| source_dir.as_deref().map(|dir| source::Sources::load(dir, &shown, repo_root.as_deref())));
        let loaded = ingest::load_any(arg, stdin, &super::hcl_options(&args.var_args));
        // A panic in the source reader is a bug; without sources, findings point at the input.
        (loaded, sources.join().unwrap_or_default())
    });
    let (input, mut doc, hcl_notes) = loaded?;
    let settings = settings_for(explicit, input.dir())?;
    let sources = sources.filter(|s| !s.is_empty());
    // A plan whose links stay unresolved reads its sources (docs/hcl-mode.md): the document
    // gets their targets here, once; the network lowered for it is kept for the first check.
    let (after_net, source_notes) =
        super::lower_after(&input.name, &mut doc, source_dir.as_deref(), &super::hcl_options(&args.var_args));
    Ok(Prepared {
        input,
        doc,
        hcl_notes,
        source_notes,
        after_net: std::sync::Mutex::new(Some(after_net)),
        settings,
        sources,
        repo_root,
        shown,
        explicit_source_dir: args.source_dir.is_some(),
        diff: args.diff,
        before: std::sync::OnceLock::new(),
        source_dir: source_dir.filter(|d| ingest::has_config(d)),
        hcl: super::hcl_options(&args.var_args),
        plan_inputs: std::sync::OnceLock::new(),
    })
}

/// Lints `doc` (the prepared document, or an edit of it) with the prepared sources and settings.
pub(crate) fn check_prepared(p: &Prepared, doc: &ingest::Document, show_indeterminate: bool) -> Linted {
    let Prepared { input, settings, sources, repo_root, shown, .. } = p;
    let hcl_notes = p.hcl_notes.clone();
    let source_notes = p.source_notes.clone();
    let sources = sources.as_ref();
    let suppressions = suppress::Suppressions::new(settings, sources, repo_root.as_deref());
    // The prepared document's network, lowered by `prepare`, is used once; an edit is lowered.
    let kept = if std::ptr::eq(doc, &p.doc) { p.after_net.lock().ok().and_then(|mut n| n.take()) } else { None };
    let after_net = kept.unwrap_or_else(|| lower(&input.name, doc, Side::After));
    let SideChecked { checked: mut after, net, expects, undecided } =
        check(&input.name, after_net, Side::After, settings, &suppressions, show_indeterminate, repo_root.as_deref());
    let mut findings = after.findings.clone();
    let mut warnings = net.warnings.clone();
    warnings.extend(hcl_notes);
    warnings.extend(source_notes);
    warnings.extend(undecided);
    let mut judged = None;
    // What this change introduces: a finding is new when no finding of the network before the
    // change has its fingerprint. States have no before.
    // Edits change only the network after the change: the one before is the prepared
    // document's, checked once.
    if doc.kind == ingest::DocKind::Plan {
        let present = p.before.get_or_init(|| {
            let before_net = lower(&input.name, &p.doc, Side::Before);
            let before =
                check(&input.name, before_net, Side::Before, settings, &suppressions, show_indeterminate, None).checked;
            before.findings.iter().chain(&before.suppressed).map(|f| f.fingerprint.clone()).collect()
        });
        if p.diff {
            let before_net = lower(&input.name, &p.doc, Side::Before);
            let sides = crate::diff::Sides {
                before: &before_net,
                after: &net,
                rename: std::collections::BTreeMap::new(),
                changed: crate::diff::changed_in_plan(doc),
            };
            let one = super::diff::judge_sides(&sides, settings, &suppressions, &input.name);
            for (used, by_diff) in after.used.iter_mut().zip(&one.used) {
                *used |= *by_diff;
            }
            judged = Some(one);
        }
        for f in &mut findings {
            f.introduced = Some(!present.contains(f.fingerprint.as_str()));
        }
    }
    // An `ignore` block that covers an `expect-matches-nothing` finding is used.
    for (used, by_expect) in after.used.iter_mut().zip(&expects.used) {
        *used |= *by_expect;
    }
    let audit = rules::audit(&suppressions, &after, settings, &input.name);
    findings.extend(audit.findings);
    findings.extend(expects.findings);
    let used_sites = suppressions
        .all()
        .iter()
        .zip(&after.used)
        .filter(|(_, used)| **used)
        .map(|(s, _)| suppress::site(&s.location))
        .collect();
    if let Some(s) = sources {
        warnings.extend(s.warnings.iter().cloned());
    }
    let mut suppressed_differences = 0;
    let summary = net.summary();
    if summary.vpcs == 0 && summary.subnets == 0 {
        warnings.push(report::NOTHING_MODELLED.to_string());
    }
    let foreign_sources = sources.and_then(|s| sources_without_resources(s, &net, shown, p.explicit_source_dir));
    let said_why = foreign_sources.is_some();
    warnings.extend(foreign_sources);
    let fallback = finding::Location {
        file: input.name.clone(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        kind: finding::LocationKind::Input,
        uri: input.path.as_deref().zip(repo_root.as_deref()).and_then(|(p, root)| source::uri_of(p, root)),
    };
    rules::sort(&mut findings);
    locate::locate(&mut findings, sources, &fallback);
    let mut findings = group::group(findings);
    group::disambiguate(&mut findings);
    if let Some(s) = sources {
        findings = point_at_callers(p, doc, s, findings);
    }
    // Differences are reported one by one, after the grouped findings of the rules.
    let mut differences = Vec::new();
    if let Some(mut judged) = judged {
        super::diff::locate_reported(&mut judged, sources, input, repo_root.as_deref());
        findings.extend(judged.reported.iter().map(|r| r.finding.clone()));
        suppressed_differences = judged.suppressed;
        differences = judged.reported;
    }
    if let Some(w) = fallback_warning(&findings, input.path.is_none(), sources.is_some(), shown)
        && !said_why
    {
        warnings.push(w);
    }
    let mut files: std::collections::BTreeMap<String, std::sync::Arc<str>> =
        sources.iter().flat_map(|s| s.files()).map(|f| (f.display.clone(), f.text.clone())).collect();
    if let (Some(path), Some(text)) = (settings.config_path(), settings.config_text()) {
        files.insert(suppress::shown_path(path), text.into());
    }
    Linted {
        input: InputReport { input: input.name.clone(), kind: doc.kind.as_str(), summary, warnings },
        findings,
        files,
        repo_root: repo_root.clone(),
        suppressed: after.suppressed.len() + audit.suppressed.len() + expects.suppressed.len() + suppressed_differences,
        used_sites,
        net,
        differences,
    }
}

/// Points findings whose module instances differ only by an input the caller passes at that
/// argument (`crate::caller`). A plan does not record module inputs: when a finding needs
/// some, the sources are evaluated for them, once per input.
fn point_at_callers(
    p: &Prepared,
    doc: &ingest::Document,
    sources: &source::Sources,
    findings: Vec<finding::Finding>,
) -> Vec<finding::Finding> {
    let wanted = crate::caller::wanted(&findings, sources, doc, &doc.module_inputs);
    let evaluated = match (&p.source_dir, doc.kind) {
        (Some(dir), ingest::DocKind::Plan) if !wanted.is_empty() => {
            Some(p.plan_inputs.get_or_init(|| ingest::module_inputs(doc, dir, &p.hcl, wanted)))
        }
        _ => None,
    };
    match evaluated {
        Some(inputs) if !inputs.is_empty() => {
            let mut all = doc.module_inputs.clone();
            for (instance, values) in inputs {
                all.entry(instance.clone()).or_default().extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            crate::caller::point_at_callers(findings, sources, doc, &all)
        }
        _ => crate::caller::point_at_callers(findings, sources, doc, &doc.module_inputs),
    }
}

/// Why findings point at the input's first line, said once per input: standard input has no
/// folder, the input's folder (or `--source-dir`) holds no `.tf` file, or the sources hold none
/// of the blocks these findings are about. `None` when every finding was located.
fn fallback_warning(findings: &[finding::Finding], stdin: bool, has_sources: bool, shown: &str) -> Option<String> {
    let fell_back =
        findings.iter().filter(|f| f.location.as_ref().is_some_and(|l| l.kind == finding::LocationKind::Input)).count();
    if fell_back == 0 {
        return None;
    }
    let folder = if shown.is_empty() { "." } else { shown };
    Some(match (stdin, has_sources) {
        (true, false) => {
            "standard input has no folder: findings point at the input, not at .tf lines (give --source-dir)".into()
        }
        (false, false) => format!(
            "no .tf sources in {folder}: findings point at the input, not at .tf lines \
             (give --source-dir, the folder where `terraform plan` ran)"
        ),
        (_, true) => format!(
            "{} not found in the .tf sources of {folder}: {} at the input, not at .tf lines",
            report::plural(fell_back, "finding's resource", "findings' resources"),
            if fell_back == 1 { "it points" } else { "they point" }
        ),
    })
}

/// The warning for sources that do not hold this input's resources. The criterion: of the
/// root module's resources present after the change (data sources aside), fewer than half have
/// their block in the `.tf` files; when the root module has none (everything is in modules),
/// none of the modules' resources has. Root-module blocks are always in the sources `terraform
/// plan` ran on, so a plan beside its own sources never warns, whatever its modules (a registry
/// module not downloaded); a folder of another root warns even when a few names coincide.
/// `None` when the network has no such resource, or when the sources hold enough of them.
fn sources_without_resources(
    sources: &source::Sources,
    net: &model::Network,
    shown: &str,
    explicit: bool,
) -> Option<String> {
    let managed: Vec<&str> = net.present().map(|(_, r)| r.name.as_str()).filter(|a| !is_data_address(a)).collect();
    let root: Vec<&str> = managed.iter().copied().filter(|a| !a.starts_with("module.")).collect();
    let found = |a: &str| sources.locate(a, None, &[]).is_some();
    let foreign = if root.is_empty() {
        !managed.is_empty() && !managed.iter().any(|a| found(a))
    } else {
        2 * root.iter().filter(|a| found(a)).count() < root.len()
    };
    if !foreign {
        return None;
    }
    let folder = if shown.is_empty() { "." } else { shown };
    let flag = if explicit { "--source-dir " } else { "" };
    Some(format!(
        "{flag}{folder} holds none or few of this input's resources: findings point at the input, or at \
         blocks of the same name in other code (give the folder where `terraform plan` ran)"
    ))
}

/// Whether an address is a data source's (`data.x.y`, `module.m.data.x.y`).
fn is_data_address(address: &str) -> bool {
    address.starts_with("data.") || address.contains(".data.")
}
