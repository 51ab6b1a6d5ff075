//! The policy over differences (issue 16 item 3): each difference gets a rule id, so that
//! `ignore` blocks and `tfvpc:ignore` comments apply, and a severity, so that the run fails on
//! what matters.
//!
//! * `internet-exposure-added` (error): newly reachable from the internet, to anything that is
//!   not a load balancer or declared public (a `public "<address>" {}` block, or an `expect` block
//!   with `from = "internet"` and `reachable = true` covering the destination); a warning when
//!   it only *may* open (values unknown until apply).
//! * `reachability-changed` (note): every other difference; an error for the kinds of change
//!   `diff { fail_on = [...] }` lists.
//! * A closed path that an `expect` block wants reachable is `unreachable-path`'s: it is not
//!   reported twice.

use super::{Change, Difference};
use crate::config::{Endpoint, Settings};
use crate::finding::{Finding, Severity};
use crate::rules::{AddressedDraft, RuleId, stamp_addressed};
use crate::suppress::Suppressions;

/// A difference with the finding that reports it.
#[derive(Debug, Clone)]
pub struct Reported {
    /// The difference.
    pub difference: Difference,
    /// Its finding: rule, severity, fingerprint, and (after `locate`) the `.tf` location.
    pub finding: Finding,
}

/// What the policy made of the differences of one input.
#[derive(Debug, Clone, Default)]
pub struct Judged {
    /// The differences to report, with their findings, in the differences' order.
    pub reported: Vec<Reported>,
    /// How many a suppression covered.
    pub suppressed: usize,
    /// For each of [`Suppressions::all`]: whether it covered a difference.
    pub used: Vec<bool>,
}

/// True when the settings declare `address` reachable from the internet on purpose.
fn declared_public(settings: &Settings, address: &str) -> bool {
    settings.diff().public.iter().any(|p| p.matches(address))
        || settings.expects().iter().any(|e| {
            e.reachable && e.from == Endpoint::Internet && matches!(&e.to, Endpoint::Address(p) if p.matches(address))
        })
}

/// True when an `expect` block wants this flow reachable: its closing is `unreachable-path`'s.
fn expected_reachable(settings: &Settings, d: &Difference) -> bool {
    let matches = |e: &Endpoint, address: &str| match e {
        Endpoint::Internet => address == "internet",
        Endpoint::Address(p) => p.matches(address),
    };
    settings.expects().iter().any(|e| e.reachable && matches(&e.from, &d.from) && matches(&e.to, &d.to))
}

/// The rule, message, help and severity of one difference; `None` when another rule reports it.
fn draft(settings: &Settings, d: &Difference) -> Option<AddressedDraft> {
    if d.change == Change::Closed && expected_reachable(settings, d) {
        return None;
    }
    let exposure = d.from_internet()
        && matches!(d.change, Change::Opened | Change::MayOpen)
        && !d.to_load_balancer()
        && !declared_public(settings, &d.to);
    let services = d.services.text();
    let by = if d.causes.is_empty() { String::new() } else { format!(" by {}", d.causes.join(", ")) };
    let flow = format!("{} → {} ({services})", d.from, d.to);
    let (rule, case_severity, message, help) = if exposure {
        let (sev, verb) = match d.change {
            Change::MayOpen => (Severity::Warning, "may become reachable (values unknown until apply)"),
            _ => (Severity::Error, "becomes reachable"),
        };
        (
            RuleId::InternetExposureAdded,
            Some(sev),
            format!("{} {verb} from the internet on {services}{by}", d.to),
            "narrow the rule that admits the internet (a CIDR of known clients, a port), put a load balancer in \
             front, or declare the resource public (a `public \"<address>\" {}` block in .tfvpc.hcl)"
                .to_string(),
        )
    } else {
        let fails = settings.diff().fail_on.iter().any(|c| c == d.change.as_str());
        let text = match d.change {
            Change::Opened => format!("{} can now reach {} on {services}{by}", d.from, d.to),
            Change::Closed => format!("{} can no longer reach {} on {services}{by}", d.from, d.to),
            Change::MayOpen => {
                format!("{} may reach {} on {services} (values unknown until apply){by}", d.from, d.to)
            }
            Change::MayClose => {
                format!("{} may no longer reach {} on {services} (values unknown until apply){by}", d.from, d.to)
            }
            Change::Rerouted => format!(
                "{} → {} on {services} now goes through {} instead of {}{}{by}",
                d.from,
                d.to,
                path_text(&d.path_after),
                path_text(&d.path_before),
                cost_text(d.usd_per_gb_before, d.usd_per_gb_after),
            ),
        };
        (
            RuleId::ReachabilityChanged,
            fails.then_some(Severity::Error),
            text,
            "review that the change means this; accept it with an `ignore` block or a `tfvpc:ignore` comment"
                .to_string(),
        )
    };
    // The primary resource is the first cause (where the annotation goes), else the destination.
    let mut resources: Vec<String> = d.causes.clone();
    for end in d.at.iter().chain([&d.to, &d.from]) {
        if !resources.contains(end) && !matches!(end.as_str(), "internet" | "on-premises") && end.contains('.') {
            resources.push(end.clone());
        }
    }
    if resources.is_empty() {
        resources.push(d.to.clone());
    }
    Some(AddressedDraft {
        rule,
        message,
        resources,
        help,
        key: vec![d.change.as_str().to_string(), d.from.clone(), d.to.clone(), services],
        case_severity,
        flows: vec![flow],
    })
}

/// `aws_nat_gateway.a → aws_internet_gateway.main`, `no gateway`.
pub fn path_text(path: &[String]) -> String {
    if path.is_empty() { "no gateway".to_string() } else { path.join(" → ") }
}

/// `, $0.045/GB → $0.055/GB (+$0.01/GB)` when the per-GB bill changes.
pub fn cost_text(before: Option<f64>, after: Option<f64>) -> String {
    match (before, after) {
        (Some(b), Some(a)) if (a - b).abs() > 1e-9 => {
            let delta = a - b;
            let sign = if delta > 0.0 { "+" } else { "-" };
            format!(" (${b}/GB → ${a}/GB, {sign}${:.4}/GB)", delta.abs())
        }
        _ => String::new(),
    }
}

/// Gives each difference its rule and severity, and sets aside those a suppression covers.
pub fn judge(
    differences: Vec<Difference>,
    settings: &Settings,
    suppressions: &Suppressions<'_>,
    input: &str,
) -> Judged {
    let mut out = Judged { used: vec![false; suppressions.all().len()], ..Judged::default() };
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for d in differences {
        let Some(draft) = draft(settings, &d) else { continue };
        let Some(mut finding) = stamp_addressed(draft, settings, input) else { continue };
        let n = seen.entry(finding.fingerprint.clone()).or_default();
        *n += 1;
        if *n > 1 {
            finding.key.push(format!("#{n}"));
            finding.fingerprint = crate::finding::fingerprint(finding.rule, &finding.resources, &finding.key);
        }
        let covering = suppressions.covering(finding.rule, finding.resources.first().map(String::as_str));
        if covering.is_empty() {
            out.reported.push(Reported { difference: d, finding });
        } else {
            for i in covering {
                out.used[i] = true;
            }
            out.suppressed += 1;
        }
    }
    out
}
