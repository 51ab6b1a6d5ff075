//! Pointing at the caller: the stage after grouping. A finding at an attribute of a module's
//! code whose module instances differ from the module's other instances only by an input the
//! caller passes — one instance's CIDR, one instance's NAT flag — is a defect of that argument,
//! not of the module: the finding points at the argument in the caller's `module` block
//! (location kind `module_argument`), and its help names the instances' values and the module
//! line that uses the input.
//!
//! An input decides a finding when the attribute's expression reads it (`var.single_nat`), every
//! instance the finding names gets it from its caller's `module` block, and either the
//! attribute is that input and nothing else (`cidr_block = var.cidr`: the caller decides its
//! whole value), or the instances the finding names and the module's other instances (of every
//! call with the same source folder) take it with values known on both sides and none in
//! common. When two inputs do, or a value is unknown, the finding stays at the module's code.
//! The fingerprint does not change: baselines and ignores are about the block, not the line.
//!
//! The values come from the document: what HCL evaluation found each instance's caller passing
//! ([`Document::module_inputs`]), else the configuration (a constant argument, an argument that
//! is the caller's own variable, the variable's default when the call does not set it).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use crate::addr::{ModuleStep, ResourceAddr};
use crate::finding::{Finding, LocationKind};
use crate::ingest::{ConfigModule, Document};
use crate::source::Sources;

/// Module inputs by module instance address, then variable (as [`Document::module_inputs`]).
pub(crate) type Inputs = BTreeMap<String, BTreeMap<String, Json>>;

/// How deep a chain of `var.x` arguments through callers is followed.
const MAX_DEPTH: usize = 16;

/// One module instance: its address and configuration path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Instance {
    address: String,
    config: String,
    steps: Vec<ModuleStep>,
}

impl Instance {
    fn of(steps: &[ModuleStep]) -> Instance {
        let config = steps.iter().map(|s| format!("module.{}", s.name)).collect::<Vec<_>>().join(".");
        Instance { address: crate::addr::module_steps_text(steps), config, steps: steps.to_vec() }
    }
}

/// What a finding would need to be decided: the module inputs (configuration module path,
/// variable) the attribute reads whose values the document does not give for every instance.
/// Empty when every candidate is decided already (or there is none).
pub(crate) fn wanted(
    findings: &[Finding],
    sources: &Sources,
    doc: &Document,
    inputs: &Inputs,
) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let all = instances(doc, inputs);
    for f in findings {
        let Some(c) = candidate(f, sources, &all) else { continue };
        for var in &c.vars {
            for i in c.affected.iter().chain(&c.others) {
                if value(doc, inputs, &i.steps, var, 0).is_none() {
                    out.insert((i.config.clone(), var.clone()));
                }
            }
        }
    }
    out
}

/// Points the findings whose module instances differ only by an input the caller passes at
/// that argument (module docs). `inputs` are the document's, with any evaluated since. Two
/// findings of one rule that now point at the same argument are one defect, merged.
pub(crate) fn point_at_callers(
    findings: Vec<Finding>,
    sources: &Sources,
    doc: &Document,
    inputs: &Inputs,
) -> Vec<Finding> {
    let mut findings = findings;
    let all = instances(doc, inputs);
    'findings: for f in findings.iter_mut() {
        let Some(c) = candidate(f, sources, &all) else { continue };
        let deciding: Vec<&String> = c.vars.iter().filter(|v| decides(&c, v, sources, doc, inputs)).collect();
        if deciding.len() > 1 {
            let names: Vec<String> = deciding.iter().map(|v| format!("`{v}`")).collect();
            let why = format!(
                "What makes this finding reads the module inputs {}, and only the module instances named here get the values they have: one of them, in the caller's `module` block, is the cause.",
                names.join(", ")
            );
            f.help = if f.help.is_empty() { why } else { format!("{why}\n{}", f.help) };
        }
        let [var] = deciding.as_slice() else { continue };
        let mut arguments: Vec<(crate::finding::Location, String)> = Vec::new();
        let mut passes: Vec<String> = Vec::new();
        for i in &c.affected {
            // `decides` saw every affected instance's argument.
            let Some((location, text)) = sources.module_argument(&i.config, var) else { continue 'findings };
            if !arguments.iter().any(|(l, _)| *l == location) {
                arguments.push((location, text.trim().to_string()));
            }
            passes.push(match value(doc, inputs, &i.steps, var, 0) {
                Some(v) => format!("{} gets {}", i.address, shown(&v)),
                None => format!("{} gets {}", i.address, text.trim()),
            });
        }
        let others: Vec<String> = c
            .others
            .iter()
            .filter_map(|i| value(doc, inputs, &i.steps, var, 0).map(|v| format!("{} ({})", i.address, shown(&v))))
            .collect();
        let read_at: Vec<&str> = c
            .uses
            .iter()
            .filter(|(_, vars)| vars.contains(var))
            .map(|(at, _)| at.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut why = if c.direct.as_deref() == Some(var.as_str()) {
            format!(
                "The module sets `{}` from its input `{var}` ({}), and the caller's `module` block decides it: {}.",
                f.attribute.unwrap_or("this"),
                read_at.join(", "),
                passes.join("; ")
            )
        } else {
            format!(
                "What makes this finding reads the module input `{var}` ({}), and only the module instances named here get the value that causes it: {}; not affected: {}.",
                read_at.join(", "),
                passes.join("; "),
                others.join("; ")
            )
        };
        if arguments.len() > 1 {
            let more: Vec<String> =
                arguments[1..].iter().map(|(l, t)| format!("{}:{} ({var} = {t})", l.file, l.line)).collect();
            why.push_str(&format!(" Also set at {}.", more.join(", ")));
        }
        why.push_str(
            " Change that argument in the caller, or the module's code if every instance should behave alike.",
        );
        f.help = if f.help.is_empty() { why } else { format!("{why}\n{}", f.help) };
        f.location = Some(arguments.swap_remove(0).0);
    }
    merge_at_arguments(findings)
}

/// Findings of one rule that point at the same module argument (two blocks of the module that
/// one input decides): one finding, the first, listing what both break.
fn merge_at_arguments(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut index: BTreeMap<(String, &'static str, bool, crate::finding::Location), usize> = BTreeMap::new();
    for f in findings {
        let key = match &f.location {
            Some(l) if l.kind == LocationKind::ModuleArgument => (f.input.clone(), f.rule, f.indeterminate, l.clone()),
            _ => {
                out.push(f);
                continue;
            }
        };
        let Some(&i) = index.get(&key) else {
            index.insert(key, out.len());
            out.push(f);
            continue;
        };
        let into = &mut out[i];
        let union = |a: &mut Vec<String>, b: Vec<String>| {
            let all: BTreeSet<String> = a.drain(..).chain(b).collect();
            *a = all.into_iter().collect();
        };
        into.affected.count += f.affected.count;
        union(&mut into.affected.flows, f.affected.flows);
        union(&mut into.affected.subnets, f.affected.subnets);
        union(&mut into.affected.instances, f.affected.instances);
        union(&mut into.affected.module_instances, f.affected.module_instances);
        into.affected.members.extend(f.affected.members);
        into.severity = into.severity.max(f.severity);
        into.introduced = match (into.introduced, f.introduced) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        };
        for d in f.decided_by {
            if !into.decided_by.contains(&d) {
                into.decided_by.push(d);
            }
        }
    }
    out
}

/// A finding that may be pointed at its caller: the inputs its attribute reads and its module
/// instances, the affected ones and the others of the same module folder.
struct Candidate {
    vars: Vec<String>,
    /// The input the attribute is, exactly (`var.cidr`).
    direct: Option<String>,
    /// Where the module reads them: `file:line (attribute)` and the variables read there.
    uses: Vec<(String, Vec<String>)>,
    affected: Vec<Instance>,
    others: Vec<Instance>,
}

fn candidate(f: &Finding, sources: &Sources, all: &BTreeMap<String, Instance>) -> Option<Candidate> {
    let kind = f.location.as_ref()?.kind;
    if !matches!(kind, LocationKind::Attribute | LocationKind::Block) {
        return None;
    }
    let primary = f.resources.first()?;
    // The expressions that make the finding: its attribute's, and those it names as deciding.
    let mut expressions: Vec<&str> = Vec::new();
    let mut uses: Vec<(String, Vec<String>)> = Vec::new();
    let mut vars: BTreeSet<String> = BTreeSet::new();
    let mut read = |address: &str, attribute: &'static str, key: &[String]| {
        if let Some(e) = sources.attribute_expression(address, attribute, key) {
            expressions.push(e);
            let module = ResourceAddr::parse(address.split_once(':').map_or(address, |(p, _)| p))
                .map(|a| a.config_module_path())
                .unwrap_or_default();
            let mut here = BTreeSet::new();
            reads(sources, &module, e, &mut here, &mut BTreeSet::new(), 0);
            if let Some(l) = sources.locate(address, Some(attribute), key) {
                uses.push((format!("{}:{} ({attribute})", l.file, l.line), here.iter().cloned().collect()));
            }
            vars.extend(here);
        }
    };
    if kind == LocationKind::Attribute
        && let Some(attribute) = f.attribute
    {
        read(primary, attribute, &f.key);
    }
    for d in &f.decided_by {
        read(&d.address, d.attribute, &d.key);
    }
    let vars: Vec<String> = vars.into_iter().collect();
    if vars.is_empty() {
        return None;
    }
    let directs: BTreeSet<Option<String>> = expressions.iter().map(|e| direct_var(e)).collect();
    let direct = match directs.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(one)] => Some(one.clone()),
        _ => None,
    };
    let mut addresses: Vec<&str> = f.affected.members.iter().filter_map(|m| m.address.as_deref()).collect();
    if addresses.is_empty() {
        addresses.push(primary);
    }
    let mut affected = BTreeSet::new();
    for a in addresses {
        let addr = ResourceAddr::parse(a.split_once(':').map_or(a, |(p, _)| p)).ok()?;
        if addr.module().is_empty() {
            return None;
        }
        affected.insert(Instance::of(addr.module()));
    }
    let first = affected.first()?;
    let folder = sources.module_folder(&first.config)?;
    if affected.iter().any(|i| sources.module_folder(&i.config) != Some(folder)) {
        return None;
    }
    let others = all
        .values()
        .filter(|i| !affected.contains(*i) && sources.module_folder(&i.config) == Some(folder))
        .cloned()
        .collect();
    Some(Candidate { direct, vars, uses, affected: affected.into_iter().collect(), others })
}

/// Whether input `var` decides the finding (module docs).
fn decides(c: &Candidate, var: &str, sources: &Sources, doc: &Document, inputs: &Inputs) -> bool {
    if c.affected.iter().any(|i| sources.module_argument(&i.config, var).is_none()) {
        return false;
    }
    if c.direct.as_deref() == Some(var) {
        return true;
    }
    if c.others.is_empty() {
        return false;
    }
    let values = |set: &[Instance]| -> Option<BTreeSet<String>> {
        set.iter().map(|i| value(doc, inputs, &i.steps, var, 0).map(|v| v.to_string())).collect()
    };
    match (values(&c.affected), values(&c.others)) {
        (Some(a), Some(o)) => a.is_disjoint(&o),
        _ => false,
    }
}

/// Every module instance of the document: those resources sit in, and those evaluation gave
/// inputs for. Keyed by address.
fn instances(doc: &Document, inputs: &Inputs) -> BTreeMap<String, Instance> {
    let mut out = BTreeMap::new();
    for r in &doc.resources {
        let steps = r.addr.module();
        // Every level: a nested module's caller is itself an instance.
        for n in 1..=steps.len() {
            let i = Instance::of(&steps[..n]);
            if !out.contains_key(&i.address) {
                out.insert(i.address.clone(), i);
            }
        }
    }
    for address in inputs.keys() {
        if !out.contains_key(address)
            && let Ok(addr) = ResourceAddr::parse(&format!("{address}.terraform_data.x"))
        {
            out.insert(address.clone(), Instance::of(addr.module()));
        }
    }
    out
}

/// The value module instance `steps` gets for input `var`: evaluated, else its call's constant
/// argument, else the caller's variable it is, else the variable's default when the call does
/// not set it. `None` when not known.
fn value(doc: &Document, inputs: &Inputs, steps: &[ModuleStep], var: &str, depth: usize) -> Option<Json> {
    if depth > MAX_DEPTH {
        return None;
    }
    let Some((last, parent)) = steps.split_last() else {
        let root = &doc.config.as_ref()?.root;
        return doc.variables.get(var).or_else(|| root.variable_defaults.get(var)).cloned();
    };
    if let Some(v) = inputs.get(&crate::addr::module_steps_text(steps)).and_then(|m| m.get(var)) {
        return Some(v.clone());
    }
    let mut module: &ConfigModule = &doc.config.as_ref()?.root;
    for step in parent {
        module = &module.module_calls.get(&step.name)?.module;
    }
    let call = module.module_calls.get(&last.name)?;
    let Some(expression) = call.expressions.get(var) else {
        // Terraform's configuration leaves out a null default; a variable without one must be set.
        return Some(call.module.variable_defaults.get(var).cloned().unwrap_or(Json::Null));
    };
    if let Some(c) = expression.get("constant_value") {
        return Some(c.clone());
    }
    let refs = expression.get("references")?.as_array()?;
    let [Json::String(r)] = refs.as_slice() else { return None };
    let inner = r.strip_prefix("var.").filter(|n| !n.contains(['.', '[']))?;
    value(doc, inputs, parent, inner, depth + 1)
}

/// The variables an expression of configuration module `module` reads: `var.NAME`, and those
/// its `local.NAME` values read, in turn.
fn reads(
    sources: &Sources,
    module: &str,
    expression: &str,
    out: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
    depth: usize,
) {
    out.extend(refs(expression, "var."));
    if depth >= MAX_DEPTH {
        return;
    }
    for local in refs(expression, "local.") {
        if seen.insert(local.clone())
            && let Some(e) = sources.local_expression(module, &local)
        {
            reads(sources, module, e, out, seen, depth + 1);
        }
    }
}

/// The variables an expression names (`var.NAME`), sorted, each once.
#[cfg(test)]
fn var_refs(expression: &str) -> Vec<String> {
    refs(expression, "var.")
}

/// The names an expression reads after `prefix` (`var.`, `local.`), sorted, each once.
fn refs(expression: &str, prefix: &str) -> Vec<String> {
    let bytes = expression.as_bytes();
    let mut out = BTreeSet::new();
    let mut from = 0;
    while let Some(at) = expression[from..].find(prefix).map(|i| from + i) {
        from = at + prefix.len();
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-') {
            continue;
        }
        let name: String =
            expression[from..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out.into_iter().collect()
}

/// The variable an expression is, and nothing else: `var.cidr`, or `"${var.cidr}"` (JSON syntax
/// or a template of one interpolation).
fn direct_var(expression: &str) -> Option<String> {
    let e = expression.trim();
    let e = e.strip_prefix("\"${").and_then(|x| x.strip_suffix("}\"")).map_or(e, str::trim);
    let name = e.strip_prefix("var.")?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .then(|| name.to_string())
}

/// A value as the help shows it: compact JSON, long ones cut.
fn shown(v: &Json) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 { format!("{}…", text.chars().take(57).collect::<String>()) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_variables_an_expression_names() {
        assert_eq!(var_refs("values(aws_nat_gateway.this)[var.single_nat ? 0 : count.index].id"), ["single_nat"]);
        assert_eq!(var_refs("\"${var.name}-${var.env}\""), ["env", "name"]);
        assert_eq!(var_refs("local.var.x + my_var.y + var.a_b"), ["a_b"]);
        assert!(var_refs("aws_vpc.this.id").is_empty());
        assert_eq!(direct_var(" var.cidr "), Some("cidr".into()));
        assert_eq!(direct_var("\"${var.cidr}\""), Some("cidr".into()));
        assert_eq!(direct_var("var.cidr[0]"), None);
        assert_eq!(direct_var("cidrsubnet(var.cidr, 8, 1)"), None);
    }
}
