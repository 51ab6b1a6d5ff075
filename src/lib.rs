//! tfvpc: catch broken AWS VPC networking in Terraform before `terraform apply`.
//!
//! The pipeline flows one way (see `docs/architecture.md`):
//! ingest (plan/state JSON) → model (typed resources, Known/Unknown/Absent values, links) →
//! graph (petgraph) → eval (packet verdicts) → rules (findings, in parallel) → report.

pub mod addr;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod error;
pub mod eval;
pub mod finding;
pub mod graph;
pub mod ingest;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub(crate) mod suggest;
pub mod suppress;

use std::io::{Read, Write};
use std::path::Path;

pub use error::{Error, Result};

use cli::{Cli, ColorChoice, Command, FailOn, GraphFormat, LintFormat};
use config::{Config, Settings};
use finding::Severity;
use model::lower::{Side, lower};
use report::{InputReport, LintReport};

/// Exit status: no finding at or above `--fail-on`.
pub const EXIT_CLEAN: u8 = 0;
/// Exit status: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: tfvpc could not do its job.
pub const EXIT_ERROR: u8 = 2;

/// The process's streams, injectable for in-process end-to-end tests.
pub struct Io<'a> {
    /// Standard input (for `-`).
    pub stdin: &'a mut dyn Read,
    /// Standard output: the report.
    pub stdout: &'a mut dyn Write,
    /// Standard error: diagnostics about tfvpc itself and progress.
    pub stderr: &'a mut dyn Write,
    /// Whether standard output is a terminal (for `--color auto`).
    pub stdout_is_terminal: bool,
}

/// Runs a parsed command line. Returns the exit status; tool errors that stop the whole run are
/// `Err` (exit 2), errors of single inputs are reported and make the status 2.
pub fn run(cli: Cli, io: &mut Io<'_>) -> Result<u8> {
    match cli.command {
        Command::Lint(args) => lint(&args, io),
        Command::Graph(args) => graph(&args, io),
        Command::Trace(args) => trace(&args, io),
        Command::Rules => {
            let mut out = String::new();
            let infos = rules::infos();
            let width = infos.iter().map(|i| i.name.len()).max().unwrap_or(0);
            for i in infos {
                out.push_str(&format!("{:width$}  {:13} {:8} {}\n", i.name, i.category, i.default_severity, i.summary));
            }
            write_out(io, &out)?;
            Ok(EXIT_CLEAN)
        }
        Command::Completions(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(args.shell, &mut cmd, "tfvpc", &mut buf);
            write_out(io, &String::from_utf8_lossy(&buf))?;
            Ok(EXIT_CLEAN)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut buf).map_err(Error::Write)?;
            write_out(io, &String::from_utf8_lossy(&buf))?;
            Ok(EXIT_CLEAN)
        }
        Command::Explain(args) => {
            let infos = rules::infos();
            match infos.iter().find(|i| i.name == args.rule) {
                Some(i) => {
                    write_out(io, i.doc)?;
                    Ok(EXIT_CLEAN)
                }
                None => {
                    let names: Vec<&str> = infos.iter().map(|i| i.name).collect();
                    Err(Error::usage(
                        format!("no rule named `{}`", args.rule),
                        format!("the rules are: {}", names.join(", ")),
                    ))
                }
            }
        }
    }
}

/// Writes to stdout; a closed pipe (`tfvpc lint … | head`) is not an error.
fn write_out(io: &mut Io<'_>, text: &str) -> Result<()> {
    match io.stdout.write_all(text.as_bytes()).and_then(|()| io.stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Write(e)),
    }
}

fn write_err(io: &mut Io<'_>, text: &str) {
    // Nothing sensible remains to be done if standard error is gone.
    let _ = io.stderr.write_all(text.as_bytes());
}

/// Renders a tool error as a miette report (no colour: standard error may be a log).
pub fn render_error(err: &Error) -> String {
    let mut out = String::new();
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor()).with_width(100);
    if handler.render_report(&mut out, err).is_err() {
        out = format!("error: {err}\n");
    }
    out
}

/// The configuration for one input: explicit `--config`, or discovered from its folder.
fn settings_for(explicit: Option<&Config>, input_dir: Option<&Path>) -> Result<Settings> {
    let names = rules::names();
    let discovered;
    let config = match explicit {
        Some(c) => Some(c),
        None => {
            let dir = input_dir.filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            discovered = Config::discover(dir, &names)?.map(|(_, c)| c);
            discovered.as_ref()
        }
    };
    config::resolve(config, &rules::defaults())
}

fn lint(args: &cli::LintArgs, io: &mut Io<'_>) -> Result<u8> {
    let explicit = match &args.config {
        Some(path) => Some(Config::load(path, &rules::names())?),
        None => None,
    };
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
    for arg in &args.inputs {
        match lint_one(arg, explicit.as_ref(), args, io) {
            Ok(mut one) => {
                report.inputs.push(one.input);
                report.findings.append(&mut one.findings);
                report.files.append(&mut one.files);
                report.repo_root = report.repo_root.take().or(one.repo_root);
                report.suppressed += one.suppressed;
                used_sites.extend(one.used_sites);
            }
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
        if f.rule == "unused-suppression" && used_sites.contains(&site) {
            return false;
        }
        seen.insert((f.rule, site))
    });
}

/// What linting one input produced.
struct Linted {
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
}

/// Runs the rules over one side of a document.
fn check(
    name: &str,
    doc: &ingest::Document,
    side: Side,
    settings: &Settings,
    suppressions: &suppress::Suppressions<'_>,
    show_indeterminate: bool,
) -> (rules::Checked, model::Network) {
    let net = lower(name, doc, side);
    let graph = graph::NetGraph::build(&net);
    let checked = {
        let ev = eval::Evaluator::new(&net, settings.eval());
        let ctx = rules::Context::new(&net, &graph, settings, &ev).with_indeterminate(show_indeterminate);
        rules::run(&ctx, suppressions)
    };
    (checked, net)
}

fn lint_one(arg: &str, explicit: Option<&Config>, args: &cli::LintArgs, io: &mut Io<'_>) -> Result<Linted> {
    // Sources: --source-dir, else the input's folder; standard input has none without the flag.
    // They are read before the rules run (inline suppressions live in them), on a second thread
    // while the input is parsed: neither needs the other.
    let input_path = (arg != "-").then(|| Path::new(arg));
    let (source_dir, shown) = match (&args.source_dir, input_path) {
        (Some(dir), _) => (Some(dir.clone()), dir.display().to_string()),
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
        let loaded = ingest::load(arg, io.stdin);
        // A panic in the source reader is a bug; without sources, findings point at the input.
        (loaded, sources.join().unwrap_or_default())
    });
    let (input, doc) = loaded?;
    let settings = settings_for(explicit, input.dir())?;
    let sources = sources.filter(|s| !s.is_empty());
    let suppressions = suppress::Suppressions::new(&settings, sources.as_ref(), repo_root.as_deref());
    let (after, net) = check(&input.name, &doc, Side::After, &settings, &suppressions, args.show_indeterminate);
    let mut findings = after.findings.clone();
    let mut warnings = net.warnings.clone();
    // What this change introduces: a finding is new when no finding of the network before the
    // change has its fingerprint. States have no before.
    if doc.kind == ingest::DocKind::Plan {
        let (before, _) = check(&input.name, &doc, Side::Before, &settings, &suppressions, args.show_indeterminate);
        let present: std::collections::HashSet<&str> =
            before.findings.iter().chain(&before.suppressed).map(|f| f.fingerprint.as_str()).collect();
        for f in &mut findings {
            f.introduced = Some(!present.contains(f.fingerprint.as_str()));
        }
    }
    let audit = rules::audit(&suppressions, &after, &settings, &input.name);
    findings.extend(audit.findings);
    let used_sites = suppressions
        .all()
        .iter()
        .zip(&after.used)
        .filter(|(_, used)| **used)
        .map(|(s, _)| suppress::site(&s.location))
        .collect();
    if let Some(s) = &sources {
        warnings.extend(s.warnings.iter().cloned());
    }
    if input.path.is_none() && !findings.is_empty() {
        warnings.push(
            "standard input has no folder: findings point at the input, not at .tf lines (give --source-dir)".into(),
        );
    }
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
    rules::locate(&mut findings, sources.as_ref(), &fallback);
    let mut files: std::collections::BTreeMap<String, std::sync::Arc<str>> =
        sources.iter().flat_map(|s| s.files()).map(|f| (f.display.clone(), f.text.clone())).collect();
    if let (Some(path), Some(text)) = (settings.config_path(), settings.config_text()) {
        files.insert(suppress::shown_path(path), text.into());
    }
    let summary = net.summary();
    Ok(Linted {
        input: InputReport { input: input.name, kind: doc.kind.as_str(), summary, warnings },
        findings,
        files,
        repo_root,
        suppressed: after.suppressed.len() + audit.suppressed.len(),
        used_sites,
    })
}

/// `tfvpc trace`: exit 0 reachable, 1 unreachable, 0 indeterminate (1 with
/// `--fail-on-indeterminate`), 2 for a bad X or Y (with close matches) or an unreadable input.
fn trace(args: &cli::TraceArgs, io: &mut Io<'_>) -> Result<u8> {
    let flow = trace_flow(args)?;
    let explicit = match &args.config {
        Some(path) => Some(Config::load(path, &rules::names())?),
        None => None,
    };
    let (input, doc) = ingest::load(&args.input, io.stdin)?;
    let settings = settings_for(explicit.as_ref(), input.dir())?;
    let net = lower(&input.name, &doc, Side::After);
    let options = eval::TraceOptions { gb_per_month: args.gb_per_month, family: None };
    let report = eval::trace(&net, settings.eval(), &args.from, &args.to, &flow, &options).map_err(Error::from)?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io.stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let text = match args.format {
        cli::TraceFormat::Json => report.to_json(),
        cli::TraceFormat::Human => report::trace::render_human(&report, color),
    };
    write_out(io, &text)?;
    Ok(match report.verdict() {
        eval::Verdict::Reachable => EXIT_CLEAN,
        eval::Verdict::Unreachable => EXIT_FINDINGS,
        eval::Verdict::Indeterminate if args.fail_on_indeterminate => EXIT_FINDINGS,
        eval::Verdict::Indeterminate => {
            if args.format == cli::TraceFormat::Human {
                write_err(io, "note: the verdict is indeterminate (exit 0); pass --fail-on-indeterminate to fail\n");
            }
            EXIT_CLEAN
        }
    })
}

/// The flow of `tfvpc trace` from its flags.
fn trace_flow(args: &cli::TraceArgs) -> Result<eval::Flow> {
    use eval::sets::{PortSet, Protocol, RuleProtocol};
    let protocol: RuleProtocol = args.protocol.parse().map_err(|_| {
        Error::usage(
            format!("--protocol {}: not a protocol", args.protocol),
            "use tcp, udp, icmp, icmpv6, all (or -1), or a protocol number 0-255",
        )
    })?;
    let ports = match &args.port {
        None => None,
        Some(text) => {
            let parse = |s: &str| s.trim().parse::<u16>().ok();
            let range = match text.split_once('-') {
                Some((a, b)) => parse(a).zip(parse(b)).filter(|(a, b)| a <= b),
                None => parse(text).map(|p| (p, p)),
            };
            let Some((from, to)) = range else {
                return Err(Error::usage(
                    format!("--port {text}: not a port or range"),
                    "use a port (443) or a range (8080-8090)",
                ));
            };
            Some(PortSet::range(from, to))
        }
    };
    let kind = match protocol {
        RuleProtocol::All => None,
        RuleProtocol::Only(p) => Some(p),
    };
    match kind {
        Some(p) if p == Protocol::TCP || p == Protocol::UDP => {
            if ports.is_none() {
                return Err(Error::usage(
                    format!("--protocol {p} needs --port"),
                    "give the destination port: --port 443",
                ));
            }
            if args.icmp_type.is_some() || args.icmp_code.is_some() {
                return Err(Error::usage(
                    "--icmp-type and --icmp-code apply to icmp and icmpv6 only",
                    "drop them, or use --protocol icmp",
                ));
            }
            Ok(eval::Flow { protocol, ports, icmp_type: None, icmp_code: None })
        }
        Some(p) if p == Protocol::ICMP || p == Protocol::ICMPV6 => {
            if ports.is_some() {
                return Err(Error::usage("--port does not apply to ICMP", "use --icmp-type and --icmp-code"));
            }
            let echo = if p == Protocol::ICMP { 8 } else { 128 };
            Ok(eval::Flow {
                protocol,
                ports: None,
                icmp_type: Some(args.icmp_type.unwrap_or(echo)),
                icmp_code: Some(args.icmp_code.unwrap_or(0)),
            })
        }
        _ => {
            if ports.is_some() || args.icmp_type.is_some() || args.icmp_code.is_some() {
                return Err(Error::usage(
                    format!("--protocol {} has no ports or ICMP types", args.protocol),
                    "drop --port/--icmp-type/--icmp-code, or pick tcp, udp or icmp",
                ));
            }
            Ok(eval::Flow { protocol, ports: None, icmp_type: None, icmp_code: None })
        }
    }
}

fn graph(args: &cli::GraphArgs, io: &mut Io<'_>) -> Result<u8> {
    let (input, doc) = ingest::load(&args.input, io.stdin)?;
    let net = lower(&input.name, &doc, Side::After);
    let g = graph::NetGraph::build(&net);
    let text = match args.format {
        GraphFormat::Dot => g.to_dot(&net),
        GraphFormat::Mermaid => g.to_mermaid(&net),
        GraphFormat::Json => {
            let mut s = serde_json::to_string_pretty(&g.to_json(&net)).map_err(|e| Error::Write(e.into()))?;
            s.push('\n');
            s
        }
    };
    write_out(io, &text)?;
    Ok(EXIT_CLEAN)
}
