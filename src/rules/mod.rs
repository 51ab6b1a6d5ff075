//! The rules and their choke point. A rule is one file here that starts with its
//! `declare_rule!` (id, category, default severity, summary: see `registry.rs`), one line in the
//! `register_rules!` list below, one doc `rules/<rule-name>.md` and one fixture folder
//! `testdata/rules/<rule-name>/`; meta-tests (`tests/rule_fixtures.rs`) keep them in step.
//!
//! A rule is a pure function of the shared context (model, evaluator, settings) that pushes
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

#[macro_use]
mod registry;

pub(crate) mod facts;
pub(crate) mod paths;

pub use registry::{Category, RuleInfo, UnknownRule, defaults, index_markdown, infos, names};

// One line per rule: `src/rules/<module>.rs` and the type its `declare_rule!` declares. Sorted:
// this is the order rules run in and claim path failures in.
register_rules! {
    blackhole_route::BlackholeRoute,
    cross_az_nat::CrossAzNat,
    duplicate_default_adoption::DuplicateDefaultAdoption,
    duplicate_route::DuplicateRoute,
    expect_matches_nothing::ExpectMatchesNothing,
    inline_and_separate_rules::InlineAndSeparateRules,
    internet_exposure_added::InternetExposureAdded,
    internet_ingress_without_public_ip::InternetIngressWithoutPublicIp,
    invalid_private_ip::InvalidPrivateIp,
    missing_return_route::MissingReturnRoute,
    nacl_ephemeral_gap::NaclEphemeralGap,
    nat_gateway_in_gateway_id::NatGatewayInGatewayId,
    nat_without_igw_route::NatWithoutIgwRoute,
    overlapping_peering_cidr::OverlappingPeeringCidr,
    peering_without_routes::PeeringWithoutRoutes,
    public_ip_without_igw::PublicIpWithoutIgw,
    public_subnet_without_igw::PublicSubnetWithoutIgw,
    public_vpc_cidr::PublicVpcCidr,
    reachability_changed::ReachabilityChanged,
    route_target_in_other_vpc::RouteTargetInOtherVpc,
    s3_via_nat::S3ViaNat,
    sg_no_egress::SgNoEgress,
    subnet_cidr_outside_vpc::SubnetCidrOutsideVpc,
    subnet_cidr_overlap::SubnetCidrOverlap,
    subnet_cidr_size::SubnetCidrSize,
    suppression_without_reason::SuppressionWithoutReason,
    transitive_peering::TransitivePeering,
    unexpected_path::UnexpectedPath,
    unreachable_path::UnreachablePath,
    unused_suppression::UnusedSuppression,
}

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
    /// For path findings: the flows the draft is about (`src → dst (tcp 443)`), for
    /// `affected.flows`.
    pub flows: Vec<String>,
    /// Subnets and workloads the draft's flows break besides its resources (the ends' subnets),
    /// for `affected.subnets` and `affected.instances`.
    pub affects: Vec<ResId>,
    /// Attributes of other resources whose values make the finding (resource, attribute as
    /// [`Draft::attribute`], key as [`Draft::key`]): the route's `nat_gateway_id` of a
    /// `cross-az-nat`. They let a finding in a module point at the caller's argument that
    /// decides them (`crate::caller`).
    pub decided_by: Vec<(ResId, &'static str, Vec<String>)>,
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
    pub(crate) claims: std::sync::OnceLock<Vec<(RuleId, Draft)>>,
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

    /// `--show-indeterminate`: how many of the flows the path rules check stayed undecided until
    /// apply, and the most frequent causes (the trace's reason), so that an estate whose flows
    /// all wait on unknown values is never silent. None when every flow was decided.
    pub fn undecided_summary(&self) -> Option<String> {
        let und = &self.paths().undetermined;
        if und.is_empty() {
            return None;
        }
        let mut causes: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for e in und {
            *causes.entry(e.trace.reason.as_deref().unwrap_or("no reason recorded")).or_default() += 1;
        }
        let mut top: Vec<(&str, usize)> = causes.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let n = top.len();
        let listed: Vec<String> =
            top.iter().take(3).map(|(why, k)| format!("{why} ({k} flow{})", if *k == 1 { "" } else { "s" })).collect();
        let more = if n > 3 { format!("; {} other causes", n - 3) } else { String::new() };
        Some(format!(
            "{} flow{} stayed undecided until apply; top causes: {}{more}",
            und.len(),
            if und.len() == 1 { "" } else { "s" },
            listed.join("; ")
        ))
    }

    /// Intents and their fate (computed on first use).
    pub fn paths(&self) -> &paths::PathAnalysis {
        self.paths.get_or_init(|| paths::analyse(self, self.eval))
    }

    /// Drafts of the rules that run before the path rules.
    pub fn claims(&self) -> &[(RuleId, Draft)] {
        self.claims.get().map_or(&[], Vec::as_slice)
    }
}

/// A rule's code (its id, category, severity and doc are its [`declare_rule!`]).
pub trait Rule: Sync {
    /// Checks the network.
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>);
    /// Path rules run after the others and leave to them what they claim.
    fn is_path_rule(&self) -> bool {
        false
    }
    /// Whether one of this rule's drafts already explains a path failure (one defect, one
    /// finding): the path rules then leave the failure to it. Asked draft by draft, in
    /// registry order; the first draft that claims the failure wins (`paths::claimed_by`).
    fn claims(&self, _failure: &paths::FailureView, _draft: &Draft) -> bool {
        false
    }
}

/// Rules about tfvpc's own suppressions rather than the network: [`audit`] reports them after
/// every other rule has run, and a suppression of one of them is never reported as unused.
pub const SUPPRESSION_RULES: &[&str] = &[RuleId::SuppressionWithoutReason.as_str(), RuleId::UnusedSuppression.as_str()];

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
    let enabled: Vec<(RuleId, Severity)> =
        RuleId::ALL.iter().filter_map(|&id| ctx.settings.severity(id.as_str()).map(|sev| (id, sev))).collect();
    let check = |(id, severity): &(RuleId, Severity)| {
        let mut drafts = Vec::new();
        id.rule().check(ctx, &mut drafts);
        drafts.into_iter().map(|d| (*id, *severity, d)).collect::<Vec<_>>()
    };
    // The shared path analysis (the longest step) runs while the structural rules do.
    let any_path_rule = enabled.iter().any(|(id, _)| id.rule().is_path_rule());
    let (first, _): (Vec<(RuleId, Severity, Draft)>, _) = rayon::join(
        || enabled.par_iter().filter(|(id, _)| !id.rule().is_path_rule()).flat_map_iter(check).collect(),
        || any_path_rule.then(|| ctx.paths()),
    );
    let _ = ctx.claims.set(first.iter().map(|(id, _, d)| (*id, d.clone())).collect());
    let second: Vec<(RuleId, Severity, Draft)> =
        enabled.par_iter().filter(|(id, _)| id.rule().is_path_rule()).flat_map_iter(check).collect();
    let mut findings: Vec<Finding> =
        first.into_iter().chain(second).map(|(id, severity, d)| stamp(ctx, id, severity, d)).collect();
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

/// What [`audit`] reports about one suppression, or [`audit_expects`] about one `expect` block,
/// before it is stamped.
struct AuditDraft {
    rule: RuleId,
    message: String,
    /// The block the comment sits on (inline), or none (an `ignore` or `expect` block).
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
    stamp_audit(drafts, suppressions, settings, input)
}

/// Reports the `expect` blocks whose `from` or `to` matches nothing in the network after the
/// change (`expect-matches-nothing`): they produce no flow, so the path rules would pass them
/// without a word. Like [`audit`]'s, these findings are about the user's configuration file:
/// they carry the block's location and `introduced: null`, and suppressions apply to them.
/// `repo_root` makes the file's `uri`.
pub fn audit_expects(
    ctx: &Context<'_>,
    suppressions: &Suppressions<'_>,
    input: &str,
    repo_root: Option<&std::path::Path>,
) -> Checked {
    let drafts = expect_matches_nothing::drafts(ctx, repo_root);
    stamp_audit(drafts, suppressions, ctx.settings, input)
}

/// Stamps the findings of [`audit`] and [`audit_expects`] (severity, fingerprint; disabled rules
/// dropped), sorts them and sets aside those a suppression covers.
fn stamp_audit(drafts: Vec<AuditDraft>, suppressions: &Suppressions<'_>, settings: &Settings, input: &str) -> Checked {
    let findings: Vec<Finding> = drafts
        .into_iter()
        .filter_map(|d| {
            let rule = d.rule.as_str();
            let severity = settings.severity(rule)?;
            let resources: Vec<String> = d.address.into_iter().collect();
            Some(Finding {
                rule,
                severity,
                fingerprint: fingerprint(rule, &resources, &d.key),
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
                affected: crate::finding::Affected { count: 1, ..Default::default() },
                decided_by: Vec::new(),
            })
        })
        .collect();
    let mut findings = findings;
    sort(&mut findings);
    disambiguate(&mut findings);
    suppress(findings, suppressions)
}

/// A finding about something other than one network, by address: a difference between the
/// two sides of a change (`crate::diff::policy`). Stamped like the rules' drafts.
#[derive(Debug, Clone)]
pub struct AddressedDraft {
    /// The rule.
    pub rule: RuleId,
    /// Lower-case message with concrete values, no trailing period.
    pub message: String,
    /// Resources involved, primary first (addresses).
    pub resources: Vec<String>,
    /// How to fix it.
    pub help: String,
    /// The values that tell it apart from others of the rule on the same primary resource.
    pub key: Vec<String>,
    /// The documented default severity of this case when it differs from the rule's; a
    /// severity set in the configuration still wins.
    pub case_severity: Option<Severity>,
    /// The flows it is about, for `affected.flows`.
    pub flows: Vec<String>,
}

/// Stamps an [`AddressedDraft`] (severity, fingerprint) for `input`; `None` when its rule is
/// disabled. Suppressions are the caller's to apply (`Suppressions::covering`).
pub fn stamp_addressed(d: AddressedDraft, settings: &Settings, input: &str) -> Option<Finding> {
    let rule = d.rule.as_str();
    let configured = settings.severity(rule)?;
    let severity = match d.case_severity {
        Some(case) if !settings.severity_is_explicit(rule) => case,
        _ => configured,
    };
    let mut flows = d.flows;
    flows.sort();
    flows.dedup();
    Some(Finding {
        rule,
        severity,
        fingerprint: fingerprint(rule, &d.resources, &d.key),
        related: d.resources.iter().skip(1).map(|a| Related { address: a.clone(), location: None }).collect(),
        message: d.message,
        resources: d.resources,
        input: input.to_string(),
        location: None,
        help: d.help,
        attribute: None,
        key: d.key,
        introduced: Some(true),
        trace: None,
        indeterminate: false,
        affected: crate::finding::Affected { count: 1, flows, ..Default::default() },
        decided_by: Vec::new(),
    })
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

fn stamp(ctx: &Context<'_>, id: RuleId, configured: Severity, d: Draft) -> Finding {
    let rule = id.as_str();
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
        affected: affected(ctx.net, &d.resources, &d.affects, d.flows),
        decided_by: d
            .decided_by
            .into_iter()
            .map(|(r, attribute, key)| crate::finding::Decider { address: name(r), attribute, key })
            .collect(),
    }
}

/// What one draft breaks: its flows, and the subnets and workloads among its resources and the
/// resources its flows break (the grouping stage, `crate::group`, adds the rest).
fn affected(net: &Network, resources: &[ResId], affects: &[ResId], mut flows: Vec<String>) -> crate::finding::Affected {
    let mut subnets = std::collections::BTreeSet::new();
    let mut instances = std::collections::BTreeSet::new();
    for &r in resources.iter().chain(affects) {
        match net.res(r).obj {
            crate::model::Object::Subnet(_) => subnets.insert(net.name(r).to_string()),
            crate::model::Object::Workload(_) => instances.insert(net.name(r).to_string()),
            _ => false,
        };
    }
    flows.sort();
    flows.dedup();
    crate::finding::Affected {
        count: 1,
        flows,
        subnets: subnets.into_iter().collect(),
        instances: instances.into_iter().collect(),
        ..Default::default()
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
    fn ids_are_unique_sorted_and_round_trip() {
        let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "the registry lists each rule once, sorted by id");
        for id in RuleId::ALL {
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(*id));
            let d = id.declaration();
            assert!(!d.summary.is_empty(), "{id}: summary");
            // The doc is the rule's: titled with its id, without front matter restating it.
            assert!(d.doc.starts_with(&format!("# {id}\n")), "rules/{id}.md starts with `# {id}`");
        }
        assert!("no-such-rule".parse::<RuleId>().is_err());
    }
}
