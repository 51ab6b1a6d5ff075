//! The rule registry. A rule is one file here, one doc `rules/<rule-name>.md` and one fixture
//! folder `testdata/rules/<rule-name>/`; meta-tests keep the three in step.
//!
//! A rule is a pure function of the shared context (model, graph, settings) that pushes
//! [`Draft`]s. It never picks its severity and never formats output: [`run`] is the single choke
//! point that drops disabled rules, stamps the configured severity, and sorts findings (the
//! shape of oxc's `LintContext` and ruff's checker).

use rayon::prelude::*;

use crate::config::Settings;
use crate::finding::{Finding, Severity};
use crate::graph::NetGraph;
use crate::model::{Network, ResId};

mod subnet_cidr_outside_vpc;
mod subnet_cidr_overlap;
mod subnet_cidr_size;

/// What a rule reports before the choke point stamps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Lower-case message with concrete values, no trailing period.
    pub message: String,
    /// Resources involved, primary first.
    pub resources: Vec<ResId>,
    /// How to fix it.
    pub help: String,
}

/// Everything a rule may read.
pub struct Context<'a> {
    /// The network after apply.
    pub net: &'a Network,
    /// Its graph.
    pub graph: &'a NetGraph,
    /// Resolved settings.
    pub settings: &'a Settings,
}

/// A rule.
pub trait Rule: Sync {
    /// The rule's public id (the stem of its doc and fixture folder).
    fn name(&self) -> &'static str;
    /// Checks the network.
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>);
}

/// Metadata of a rule, read from the front matter of `rules/<name>.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Public id.
    pub name: &'static str,
    /// Category (`addressing`, `routing`, `reachability`, `cost`, `availability`, `security`).
    pub category: &'static str,
    /// Default severity.
    pub default_severity: Severity,
    /// One-line summary.
    pub summary: &'static str,
    /// The whole markdown doc (front matter stripped).
    pub doc: &'static str,
}

macro_rules! registry {
    ($(($module:ident, $ty:ident, $name:literal)),* $(,)?) => {
        static RULES: &[&dyn Rule] = &[$(&$module::$ty),*];
        static DOCS: &[(&str, &str)] = &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $name, ".md")))),*];
    };
}

registry! {
    (subnet_cidr_outside_vpc, SubnetCidrOutsideVpc, "subnet-cidr-outside-vpc"),
    (subnet_cidr_overlap, SubnetCidrOverlap, "subnet-cidr-overlap"),
    (subnet_cidr_size, SubnetCidrSize, "subnet-cidr-size"),
}

/// Every registered rule.
pub fn all() -> &'static [&'static dyn Rule] {
    RULES
}

/// Splits a doc into its front matter fields and body.
fn parse_doc(text: &'static str) -> Option<(Vec<(&'static str, &'static str)>, &'static str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    let fields = rest[..end]
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
        .collect();
    Some((fields, rest[end + 5..].trim_start()))
}

/// Metadata of every rule, in name order. A doc with broken front matter yields a rule with
/// severity `error` and an empty summary; the meta-tests catch that before it ships.
pub fn infos() -> Vec<RuleInfo> {
    let mut out: Vec<RuleInfo> = DOCS
        .iter()
        .map(|(name, text)| {
            let (fields, body) = parse_doc(text).unwrap_or_default();
            let field = |k: &str| fields.iter().find(|(f, _)| *f == k).map_or("", |(_, v)| *v);
            RuleInfo {
                name,
                category: field("category"),
                default_severity: Severity::parse(field("severity")).unwrap_or(Severity::Error),
                summary: field("summary"),
                doc: body,
            }
        })
        .collect();
    out.sort_by_key(|i| i.name);
    out
}

/// `(name, default severity)` of every rule, for [`crate::config::resolve`].
pub fn defaults() -> Vec<(&'static str, Severity)> {
    infos().into_iter().map(|i| (i.name, i.default_severity)).collect()
}

/// Names of every rule (for configuration validation).
pub fn names() -> Vec<&'static str> {
    infos().into_iter().map(|i| i.name).collect()
}

/// Runs every enabled rule in parallel and returns sorted, stamped findings.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = RULES
        .par_iter()
        .filter_map(|rule| ctx.settings.severity(rule.name()).map(|sev| (rule, sev)))
        .flat_map_iter(|(rule, severity)| {
            let mut drafts = Vec::new();
            rule.check(ctx, &mut drafts);
            drafts.into_iter().map(move |d| stamp(ctx, rule.name(), severity, d))
        })
        .collect();
    sort(&mut findings);
    findings
}

fn stamp(ctx: &Context<'_>, rule: &'static str, severity: Severity, d: Draft) -> Finding {
    Finding {
        rule,
        severity,
        message: d.message,
        resources: d.resources.iter().map(|r| ctx.net.name(*r).to_string()).collect(),
        input: ctx.net.input.clone(),
        location: None,
        help: d.help,
    }
}

/// The one order findings are reported in: input, primary resource (natural address order),
/// rule, message.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| f.resources.first().cloned().unwrap_or_default();
        a.input
            .cmp(&b.input)
            .then_with(|| natural_cmp(&key(a), &key(b)))
            .then_with(|| a.rule.cmp(b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Compares addresses with numbers in numeric order (`x[2]` before `x[10]`).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut ai, mut bi) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (ai.peek().copied(), bi.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let mut na = String::new();
                while let Some(c) = ai.peek().copied().filter(char::is_ascii_digit) {
                    na.push(c);
                    ai.next();
                }
                let mut nb = String::new();
                while let Some(c) = bi.peek().copied().filter(char::is_ascii_digit) {
                    nb.push(c);
                    bi.next();
                }
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(&nb));
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                ai.next();
                bi.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_sorts_indexes_numerically() {
        let mut v = vec!["a[10]", "a[2]", "a[1]", "b"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a[1]", "a[2]", "a[10]", "b"]);
    }

    #[test]
    fn every_rule_has_a_parsable_doc() {
        for info in infos() {
            assert!(!info.summary.is_empty(), "{}: summary", info.name);
            assert!(!info.category.is_empty(), "{}: category", info.name);
        }
        let names: Vec<&str> = RULES.iter().map(|r| r.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, self::names(), "registry and docs name the same rules");
    }
}
