//! The subcommands: each reads its inputs through the library's stages and writes its report
//! to the injected streams. `lib.rs::run` dispatches here.

pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod graph;
pub(crate) mod lint;
pub(crate) mod serve;
pub(crate) mod shell;
pub(crate) mod trace;

use std::path::Path;

use crate::config::{self, Config, Settings};
use crate::{Error, Io, Result, rules};

/// Writes to stdout; a closed pipe (`tfvpc lint … | head`) is not an error.
pub(crate) fn write_out(io: &mut Io<'_>, text: &str) -> Result<()> {
    match io.stdout.write_all(text.as_bytes()).and_then(|()| io.stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Write(e)),
    }
}

/// Writes to stderr.
pub(crate) fn write_err(io: &mut Io<'_>, text: &str) {
    // Nothing sensible remains to be done if standard error is gone.
    let _ = io.stderr.write_all(text.as_bytes());
}

/// The configuration for one input: explicit `--config`, or discovered from its folder.
pub(crate) fn settings_for(explicit: Option<&Config>, input_dir: Option<&Path>) -> Result<Settings> {
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

/// The configuration file named by `--config`, if any.
pub(crate) fn explicit_config(path: Option<&Path>) -> Result<Option<Config>> {
    path.map(|p| Config::load(p, &crate::rules::names())).transpose()
}

/// HCL mode's options from `--var`/`--var-file` (in command-line order) and the environment
/// (`TF_VAR_*`, `TF_WORKSPACE`, `AWS_REGION`/`AWS_DEFAULT_REGION`).
pub(crate) fn hcl_options(args: &crate::cli::VarArgs) -> crate::ingest::HclOptions {
    use crate::ingest::VarArg;
    let mut vars: Vec<(usize, VarArg)> = args
        .vars
        .iter()
        .map(|o| (o.seq, VarArg::Assign(o.value.0.clone(), o.value.1.clone())))
        .chain(args.var_files.iter().map(|o| (o.seq, VarArg::File(o.value.clone()))))
        .collect();
    vars.sort_by_key(|(seq, _)| *seq);
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("TF_VAR_") || k == "TF_WORKSPACE" || k == "AWS_REGION" || k == "AWS_DEFAULT_REGION"
        })
        .collect();
    env.sort();
    crate::ingest::HclOptions { vars: vars.into_iter().map(|(_, v)| v).collect(), env, ..Default::default() }
}

/// The after-apply network of an input. A plan that leaves links unresolved is read again with
/// its sources (`source_dir`: `--source-dir`, else the plan's folder), when that folder holds
/// the root module: evaluated with the plan's own variables, they say which instance an unknown
/// id refers to through locals, module outputs, merged nested blocks or computed indexes
/// (docs/hcl-mode.md, "A plan and its sources"). A plan whose links all resolve costs no
/// evaluation. Returns the network and the warnings of reading the sources.
pub(crate) fn lower_after(
    name: &str,
    doc: &mut crate::ingest::Document,
    source_dir: Option<&Path>,
    opts: &crate::ingest::HclOptions,
) -> (crate::model::Network, Vec<String>) {
    use crate::model::lower::{Side, lower, lower_probe};
    let dir = source_dir.filter(|d| crate::ingest::has_config(d));
    if doc.kind != crate::ingest::DocKind::Plan || dir.is_none() {
        return (lower(name, doc, Side::After), Vec::new());
    }
    // Whether the sources are needed is decided on a network whose unlinked routes and rules are
    // not spread over their candidates (exactly `lower`'s when there are none).
    let (net, exact) = lower_probe(name, doc, Side::After);
    let full = |net: crate::model::Network, doc: &crate::ingest::Document| {
        if exact { net } else { lower(name, doc, Side::After) }
    };
    let Some(dir) = dir.filter(|_| net.summary().links_unknown > 0) else { return (full(net, doc), Vec::new()) };
    // Only the blocks with an unresolved link are evaluated (with what they refer to).
    let only = net
        .links
        .iter()
        .filter(|l| l.link.is_unknown())
        .map(|l| {
            let a = &net.res(l.from).addr;
            (a.config_module_path(), a.without_key().local_name())
        })
        .collect();
    let opts = crate::ingest::HclOptions { only_blocks: Some(only), ..opts.clone() };
    let attached = crate::ingest::attach_sources(doc, dir, &opts);
    if attached.resources == 0 {
        return (full(net, doc), attached.warnings);
    }
    (lower(name, doc, Side::After), attached.warnings)
}
