//! The rule registry. A rule is one file here, one doc `rules/<rule-name>.md` and one fixture
//! folder `testdata/rules/<rule-name>/`; meta-tests keep the three in step.
//!
//! A rule is a pure function of the shared context (model, graph, settings) that pushes
//! [`Draft`]s. It never picks its severity and never formats output: [`run`] is the single choke
//! point that drops disabled rules, stamps the configured severity and the fingerprint, sorts
//! findings and applies suppressions (the shape of oxc's `LintContext` and ruff's checker);
//! [`audit`] then reports suppressions that covered nothing or give no reason (ruff's
//! `unused-noqa` is the model: rules of the registry, produced after every other rule).
//! Locating the findings in the `.tf` sources is the next stage (`crate::locate`).

use rayon::prelude::*;

use crate::config::Settings;
use crate::finding::{Finding, Hop, Related, Severity, Trace, fingerprint};
use crate::model::{Network, ResId};
use crate::suppress::Suppressions;

mod blackhole_route;
mod cross_az_nat;
mod duplicate_default_adoption;
mod duplicate_route;
pub mod facts;
mod inline_and_separate_rules;
mod invalid_private_ip;
mod missing_return_route;
mod nacl_ephemeral_gap;
mod nat_without_igw_route;
mod overlapping_peering_cidr;
pub mod paths;
mod peering_without_routes;
mod public_ip_without_igw;
mod public_subnet_without_igw;
mod public_vpc_cidr;
mod route_target_in_other_vpc;
mod s3_via_nat;
mod sg_no_egress;
mod subnet_cidr_outside_vpc;
mod subnet_cidr_overlap;
mod subnet_cidr_size;
mod suppression_without_reason;
mod transitive_peering;
mod unexpected_path;
mod unreachable_path;
mod unused_suppression;

/// What a rule reports before the choke point stamps it. Build it with the fields you need and
/// `..Default::default()`:
///
/// ```
/// # use tfvpc::rules::Draft;
/// let draft = Draft {
///     message: "subnet cidr 10.0.10.128/25 overlaps 10.0.10.0/24".into(),
///     attribute: Some("cidr_block"),
///     key: vec!["10.0.10.128/25".into()],
///     ..Default::default()
/// };
/// # let _ = draft;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    /// Lower-case message with concrete values, no trailing period.
    pub message: String,
    /// Resources involved, primary first.
    pub resources: Vec<ResId>,
    /// How to fix it.
    pub help: String,
    /// The attribute of the primary resource to point at (`cidr_block`, `nat_gateway_id`); a
    /// nested block by its name (`route`), or an attribute inside one (`route.nat_gateway_id`).
    /// `None` points at the resource block.
    pub attribute: Option<&'static str>,
    /// The values that tell this finding apart from others of the same rule on the same primary
    /// resource (a CIDR, a destination, a port range), stable across runs: part of the
    /// fingerprint, and used to pick the right one of several nested blocks (`route`). Leave
    /// empty when rule and resources identify the finding.
    pub key: Vec<String>,
    /// For path findings: the hops (by resource) and cost lines.
    pub trace: Option<Trace<ResId>>,
    /// The documented default severity of this case when it differs from the rule's (e.g.
    /// `overlapping-peering-cidr` is an error for peering but a warning for a transit gateway).
    /// A severity set in the configuration still wins.
    pub case_severity: Option<Severity>,
    /// An informational note about a flow whose fate is unknown until apply (always a note,
    /// never failing the run).
    pub indeterminate: bool,
}

/// Everything a rule may read.
pub struct Context<'a> {
    /// The network after apply.
    pub net: &'a Network,
    /// Resolved settings.
    pub settings: &'a Settings,
    /// The packet evaluator over the network.
    pub eval: &'a crate::eval::Evaluator<'a>,
    /// What the other rules found, for the path rules (one defect, one finding).
    pub(crate) claims: std::sync::OnceLock<Vec<(&'static str, Draft)>>,
    /// Intents and their fate, computed once for every path rule.
    pub(crate) paths: std::sync::OnceLock<paths::PathAnalysis>,
    /// Report flows whose fate is unknown until apply as informational notes.
    pub show_indeterminate: bool,
}

impl<'a> Context<'a> {
    /// A context over a network.
    pub fn new(net: &'a Network, settings: &'a Settings, eval: &'a crate::eval::Evaluator<'a>) -> Self {
        Context {
            net,
            settings,
            eval,
            claims: std::sync::OnceLock::new(),
            paths: std::sync::OnceLock::new(),
            show_indeterminate: false,
        }
    }

    /// Also report flows whose fate is unknown until apply, as notes.
    #[must_use]
    pub fn with_indeterminate(mut self, show: bool) -> Self {
        self.show_indeterminate = show;
        self
    }

    /// Intents and their fate (computed on first use).
    pub fn paths(&self) -> &paths::PathAnalysis {
        self.paths.get_or_init(|| paths::analyse(self, self.eval))
    }

    /// Drafts of the rules that run before the path rules.
    pub fn claims(&self) -> &[(&'static str, Draft)] {
        self.claims.get().map_or(&[], Vec::as_slice)
    }
}

/// A rule.
pub trait Rule: Sync {
    /// The rule's public id (the stem of its doc and fixture folder).
    fn name(&self) -> &'static str;
    /// Checks the network.
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>);
    /// Path rules run after the others and leave to them what they claim.
    fn is_path_rule(&self) -> bool {
        false
    }
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
    (blackhole_route, BlackholeRoute, "blackhole-route"),
    (cross_az_nat, CrossAzNat, "cross-az-nat"),
    (duplicate_default_adoption, DuplicateDefaultAdoption, "duplicate-default-adoption"),
    (duplicate_route, DuplicateRoute, "duplicate-route"),
    (inline_and_separate_rules, InlineAndSeparateRules, "inline-and-separate-rules"),
    (invalid_private_ip, InvalidPrivateIp, "invalid-private-ip"),
    (missing_return_route, MissingReturnRoute, "missing-return-route"),
    (nacl_ephemeral_gap, NaclEphemeralGap, "nacl-ephemeral-gap"),
    (nat_without_igw_route, NatWithoutIgwRoute, "nat-without-igw-route"),
    (overlapping_peering_cidr, OverlappingPeeringCidr, "overlapping-peering-cidr"),
    (peering_without_routes, PeeringWithoutRoutes, "peering-without-routes"),
    (public_ip_without_igw, PublicIpWithoutIgw, "public-ip-without-igw"),
    (public_subnet_without_igw, PublicSubnetWithoutIgw, "public-subnet-without-igw"),
    (public_vpc_cidr, PublicVpcCidr, "public-vpc-cidr"),
    (route_target_in_other_vpc, RouteTargetInOtherVpc, "route-target-in-other-vpc"),
    (s3_via_nat, S3ViaNat, "s3-via-nat"),
    (sg_no_egress, SgNoEgress, "sg-no-egress"),
    (subnet_cidr_outside_vpc, SubnetCidrOutsideVpc, "subnet-cidr-outside-vpc"),
    (subnet_cidr_overlap, SubnetCidrOverlap, "subnet-cidr-overlap"),
    (subnet_cidr_size, SubnetCidrSize, "subnet-cidr-size"),
    (suppression_without_reason, SuppressionWithoutReason, "suppression-without-reason"),
    (transitive_peering, TransitivePeering, "transitive-peering"),
    (unexpected_path, UnexpectedPath, "unexpected-path"),
    (unreachable_path, UnreachablePath, "unreachable-path"),
    (unused_suppression, UnusedSuppression, "unused-suppression"),
}

/// Rules about tfvpc's own suppressions rather than the network: [`audit`] reports them after
/// every other rule has run, and a suppression of one of them is never reported as unused.
pub const SUPPRESSION_RULES: &[&str] = &["suppression-without-reason", "unused-suppression"];

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

/// The rule index (`docs/rules/README.md`), generated from the docs' front matter.
pub fn index_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from rules/*.md by `UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n\
         Severities are defaults; `.tfvpc.hcl` can change them (`rule \"<name>\" { severity = \"…\" }`).\n\n\
         | rule | category | default severity | what it finds |\n|---|---|---|---|\n",
    );
    for i in infos() {
        out.push_str(&format!(
            "| [`{}`](../../rules/{}.md) | {} | {} | {} |\n",
            i.name, i.name, i.category, i.default_severity, i.summary
        ));
    }
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

/// What the choke point produced for one network.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The findings to report, sorted, with unique fingerprints.
    pub findings: Vec<Finding>,
    /// The findings a suppression covers: reported nowhere, counted in summaries.
    pub suppressed: Vec<Finding>,
    /// For each of [`Suppressions::all`]: whether it covered a finding.
    pub used: Vec<bool>,
}

/// Runs every enabled rule in parallel, stamps and sorts the findings, and sets aside those a
/// suppression covers. The specific rules run first; the path rules then leave to them what
/// they claim (one defect, one finding).
pub fn run(ctx: &Context<'_>, suppressions: &Suppressions<'_>) -> Checked {
    let enabled: Vec<(&&dyn Rule, Severity)> =
        RULES.iter().filter_map(|rule| ctx.settings.severity(rule.name()).map(|sev| (rule, sev))).collect();
    let check = |(rule, severity): &(&&dyn Rule, Severity)| {
        let mut drafts = Vec::new();
        rule.check(ctx, &mut drafts);
        drafts.into_iter().map(|d| (rule.name(), *severity, d)).collect::<Vec<_>>()
    };
    // The shared path analysis (the longest step) runs while the structural rules do.
    let any_path_rule = enabled.iter().any(|(r, _)| r.is_path_rule());
    let (first, _): (Vec<(&'static str, Severity, Draft)>, _) = rayon::join(
        || enabled.par_iter().filter(|(r, _)| !r.is_path_rule()).flat_map_iter(check).collect(),
        || any_path_rule.then(|| ctx.paths()),
    );
    let _ = ctx.claims.set(first.iter().map(|(name, _, d)| (*name, d.clone())).collect());
    let second: Vec<(&'static str, Severity, Draft)> =
        enabled.par_iter().filter(|(r, _)| r.is_path_rule()).flat_map_iter(check).collect();
    let mut findings: Vec<Finding> =
        first.into_iter().chain(second).map(|(name, severity, d)| stamp(ctx, name, severity, d)).collect();
    sort(&mut findings);
    disambiguate(&mut findings);
    suppress(findings, suppressions)
}

/// Splits findings into those to report and those a suppression covers.
fn suppress(findings: Vec<Finding>, suppressions: &Suppressions<'_>) -> Checked {
    let mut out = Checked { used: vec![false; suppressions.all().len()], ..Checked::default() };
    for f in findings {
        let covering = suppressions.covering(f.rule, f.resources.first().map(String::as_str));
        if covering.is_empty() {
            out.findings.push(f);
        } else {
            for i in covering {
                out.used[i] = true;
            }
            out.suppressed.push(f);
        }
    }
    out
}

/// What [`audit`] reports about one suppression, before it is stamped.
struct AuditDraft {
    rule: &'static str,
    message: String,
    /// The block the comment sits on (inline), or none (an `ignore` block).
    address: Option<String>,
    help: String,
    key: Vec<String>,
    location: crate::finding::Location,
}

/// Reports the suppressions of one input that the findings of `checked` (the network after the
/// change) did not use — `unused-suppression`, unless their rule is disabled — and the inline
/// comments without a reason — `suppression-without-reason`. These findings are about the
/// user's files, not the network: they carry their location (the comment or the `ignore`
/// block) and `introduced: null`. Suppressions apply to them too.
pub fn audit(suppressions: &Suppressions<'_>, checked: &Checked, settings: &Settings, input: &str) -> Checked {
    let known = names();
    let mut drafts = Vec::new();
    for (s, used) in suppressions.all().iter().zip(&checked.used) {
        if *used || SUPPRESSION_RULES.contains(&s.rule.as_str()) {
            continue;
        }
        let is_known = known.contains(&s.rule.as_str());
        if is_known && settings.severity(&s.rule).is_none() {
            continue;
        }
        drafts.push(unused_suppression::draft(s, if is_known { None } else { Some(&known) }));
    }
    for comment in suppressions.without_reason() {
        drafts.push(suppression_without_reason::draft(comment));
    }
    let findings: Vec<Finding> = drafts
        .into_iter()
        .filter_map(|d| {
            let severity = settings.severity(d.rule)?;
            let resources: Vec<String> = d.address.into_iter().collect();
            Some(Finding {
                rule: d.rule,
                severity,
                fingerprint: fingerprint(d.rule, &resources, &d.key),
                message: d.message,
                resources,
                input: input.to_string(),
                location: Some(d.location),
                help: d.help,
                attribute: None,
                key: d.key,
                introduced: None,
                related: Vec::new(),
                trace: None,
                indeterminate: false,
            })
        })
        .collect();
    let mut findings = findings;
    sort(&mut findings);
    disambiguate(&mut findings);
    suppress(findings, suppressions)
}

/// Two findings of one input with the same fingerprint (a rule that reports twice on one
/// resource without a key) get an ordinal in sort order, so fingerprints stay unique.
fn disambiguate(findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let n = seen.entry(f.fingerprint.clone()).or_default();
        *n += 1;
        if *n > 1 {
            let mut key = f.key.clone();
            key.push(format!("#{n}"));
            f.fingerprint = fingerprint(f.rule, &f.resources, &key);
        }
    }
}

fn stamp(ctx: &Context<'_>, rule: &'static str, configured: Severity, d: Draft) -> Finding {
    let severity = match d.case_severity {
        _ if d.indeterminate => Severity::Note,
        Some(case) if !ctx.settings.severity_is_explicit(rule) => case,
        _ => configured,
    };
    let name = |r: ResId| ctx.net.name(r).to_string();
    let resources: Vec<String> = d.resources.iter().map(|r| name(*r)).collect();
    let trace = d.trace.map(|t| Trace {
        hops: t
            .hops
            .into_iter()
            .map(|h| Hop {
                resource: h.resource.map(name),
                message: h.message,
                passes: h.passes,
                attribute: h.attribute,
                location: None,
            })
            .collect(),
        cost: t.cost,
    });
    Finding {
        rule,
        severity,
        fingerprint: fingerprint(rule, &resources, &d.key),
        related: resources.iter().skip(1).map(|a| Related { address: a.clone(), location: None }).collect(),
        message: d.message,
        resources,
        input: ctx.net.input.clone(),
        location: None,
        help: d.help,
        attribute: d.attribute,
        key: d.key,
        introduced: None,
        trace,
        indeterminate: d.indeterminate,
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
