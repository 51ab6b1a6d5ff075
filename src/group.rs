//! Grouping: one defect, one finding. The stage after `locate`. The rules report one finding
//! per rule × primary resource × key (one per flow a missing route breaks, one per subnet a
//! NACL serves, one per target an SG does not admit, one per module instance of a module's
//! block); here the findings of one rule that point at the same thing to change — the same
//! source location (the attribute or block of the route table, NACL, SG or route), or, when the
//! sources do not have it, the same block address with every instance key left out — become one
//! finding that lists what it breaks in [`Affected`] (flows, subnets, instances, module
//! instances, and the merged findings themselves with their version 1 fingerprints).
//!
//! A `missing-return-route` finding and an `unreachable-path` finding at the same place are one
//! defect seen from both directions (the table that lacks the route drops requests one way and
//! replies the other): the merged finding keeps `unreachable-path`, whose message is true of
//! both (the flows fail), and lists the `missing-return-route` finding among its members.
//!
//! Suppressions and `introduced` were decided before, finding by finding (`rules::run`,
//! `commands::lint`): a suppressed module instance's finding is not here, so the grouped
//! finding stands for the rest; a grouped finding is introduced when any of its members is.
//! Findings about the user's own files (a suppression comment, an `ignore` or `expect` block)
//! stay as they are.

use std::collections::{BTreeSet, HashMap};

use crate::addr::ResourceAddr;
use crate::finding::{Affected, Finding, LocationKind, Member, group_fingerprint};
use crate::rules::RuleId;

/// Where a finding points, for grouping: a source position, or the block address (instance keys
/// left out) with the attribute and, for an attribute that picks a nested block, the key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Place {
    Source(String, usize, usize),
    Block(String, Option<&'static str>, Vec<String>),
    /// Left alone (findings about the user's files).
    Alone(usize),
}

/// The identity of a group: input, rule, whether a note about unknowns, and the place.
type Identity = (String, &'static str, bool, Place);

/// Merges the findings of one defect (same input, rule and place) into one, in the order of
/// their first finding; `findings` is sorted (`rules::sort`) and located.
pub(crate) fn group(findings: Vec<Finding>) -> Vec<Finding> {
    let mut groups: Vec<(Identity, Vec<Finding>)> = Vec::new();
    let mut index: HashMap<Identity, usize> = HashMap::new();
    for (n, f) in findings.into_iter().enumerate() {
        let id = (f.input.clone(), f.rule, f.indeterminate, place(&f, n));
        match index.get(&id) {
            Some(&i) => groups[i].1.push(f),
            None => {
                index.insert(id.clone(), groups.len());
                groups.push((id, vec![f]));
            }
        }
    }
    // A missing return route and an unreachable path at the same place: one defect.
    let unreachable = RuleId::UnreachablePath.as_str();
    let missing = RuleId::MissingReturnRoute.as_str();
    let mut merged_into: HashMap<usize, usize> = HashMap::new();
    for (i, ((input, rule, ind, place), _)) in groups.iter().enumerate() {
        if *rule == missing
            && let Some(&j) = index.get(&(input.clone(), unreachable, *ind, place.clone()))
        {
            merged_into.insert(i, j);
        }
    }
    let mut slots: Vec<Option<Vec<Finding>>> = groups.into_iter().map(|(_, members)| Some(members)).collect();
    for (from, to) in &merged_into {
        if let Some(moved) = slots[*from].take()
            && let Some(target) = slots[*to].as_mut()
        {
            target.extend(moved);
        }
    }
    slots.into_iter().flatten().map(merge).collect()
}

fn place(f: &Finding, n: usize) -> Place {
    match &f.location {
        Some(l) if matches!(l.kind, LocationKind::Comment | LocationKind::Config) => Place::Alone(n),
        _ if f.resources.is_empty() => Place::Alone(n),
        Some(l) if matches!(l.kind, LocationKind::Attribute | LocationKind::Block | LocationKind::ModuleCall) => {
            Place::Source(l.file.clone(), l.line, l.column)
        }
        _ => Place::Block(block_of(&f.resources[0]), f.attribute, selector(f)),
    }
}

/// The key values that pick a nested block (when the finding points at an attribute), with
/// instance keys left out.
fn selector(f: &Finding) -> Vec<String> {
    if f.attribute.is_some() { f.key.iter().map(|k| without_instance_keys(k)).collect() } else { Vec::new() }
}

/// The block an address belongs to, every instance key left out (`module.vpc.aws_subnet.private`).
pub(crate) fn block_of(address: &str) -> String {
    match ResourceAddr::parse(address) {
        Ok(a) => {
            let module = a.config_module_path();
            if module.is_empty() { a.local_name() } else { format!("{module}.{}", a.local_name()) }
        }
        Err(_) => without_instance_keys(address),
    }
}

/// The module instance an address sits in (`module.vpc["a"]`), `None` at the root.
fn module_instance(address: &str) -> Option<String> {
    ResourceAddr::parse(address).ok().map(|a| a.module_instance_path()).filter(|m| !m.is_empty())
}

/// Text with every `[…]` left out.
fn without_instance_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// One finding of a group's members (sorted; the first of the group's rule represents it).
fn merge(mut members: Vec<Finding>) -> Finding {
    let rule = members.first().map(|f| f.rule).unwrap_or_default();
    let at = members.iter().position(|f| f.rule == rule && !f.affected.flows.is_empty()).unwrap_or(0);
    let mut out = members.swap_remove(at);
    members.insert(0, out.clone());
    // Keep the report order among the others.
    members[1..].sort_by(|a, b| {
        let address = |f: &Finding| f.resources.first().cloned().unwrap_or_default();
        crate::rules::natural_cmp(&address(a), &address(b))
            .then_with(|| a.rule.cmp(b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
    let union = |pick: fn(&Affected) -> &Vec<String>| -> Vec<String> {
        members.iter().flat_map(|m| pick(&m.affected).iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect()
    };
    let modules: BTreeSet<String> =
        members.iter().filter_map(|m| m.resources.first()).filter_map(|a| module_instance(a)).collect();
    out.affected = Affected {
        count: members.len(),
        flows: union(|a| &a.flows),
        subnets: union(|a| &a.subnets),
        instances: union(|a| &a.instances),
        module_instances: modules.into_iter().collect(),
        members: members
            .iter()
            .map(|m| Member {
                rule: m.rule,
                address: m.resources.first().cloned(),
                fingerprint: m.fingerprint.clone(),
                introduced: m.introduced,
                message: m.message.clone(),
            })
            .collect(),
    };
    out.decided_by =
        members.iter().flat_map(|m| m.decided_by.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    out.severity = members.iter().map(|m| m.severity).max().unwrap_or(out.severity);
    out.introduced = if members.iter().any(|m| m.introduced == Some(true)) {
        Some(true)
    } else if members.iter().all(|m| m.introduced == Some(false)) {
        Some(false)
    } else {
        None
    };
    let alone = matches!(out.location.as_ref().map(|l| l.kind), Some(LocationKind::Comment | LocationKind::Config))
        || out.resources.is_empty();
    if !alone {
        // The smallest block among the members' (several `module` blocks may call the module
        // whose line this is): independent of which instance comes first.
        let block = members
            .iter()
            .filter(|m| m.rule == out.rule)
            .filter_map(|m| m.resources.first())
            .map(|a| block_of(a))
            .min()
            .unwrap_or_else(|| block_of(&out.resources[0]));
        out.fingerprint = group_fingerprint(out.rule, &block, out.attribute, &selector(&out));
    }
    out
}

/// Two grouped findings of one input with the same fingerprint get an ordinal in report order,
/// so fingerprints stay unique (as `rules::run` does for the members).
pub(crate) fn disambiguate(findings: &mut [Finding]) {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for f in findings.iter_mut() {
        let n = seen.entry((f.input.clone(), f.fingerprint.clone())).or_default();
        *n += 1;
        if *n > 1 {
            f.fingerprint =
                crate::finding::fingerprint(f.rule, std::slice::from_ref(&f.fingerprint), &[format!("#{n}")]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Severity};

    fn member(address: &str, introduced: Option<bool>, severity: Severity) -> Finding {
        Finding {
            rule: RuleId::CrossAzNat.as_str(),
            severity,
            message: format!("{address} sends 0.0.0.0/0 through a NAT in another AZ"),
            resources: vec![address.to_string()],
            input: "plan.json".into(),
            location: Some(Location {
                file: "modules/vpc/main.tf".into(),
                line: 30,
                column: 1,
                end_line: 30,
                end_column: 30,
                kind: LocationKind::Block,
                uri: None,
            }),
            help: String::new(),
            attribute: None,
            key: Vec::new(),
            fingerprint: crate::finding::fingerprint(RuleId::CrossAzNat.as_str(), &[address.to_string()], &[]),
            introduced,
            related: Vec::new(),
            trace: None,
            indeterminate: false,
            affected: Affected { count: 1, ..Affected::default() },
            decided_by: Vec::new(),
        }
    }

    #[test]
    fn a_group_is_introduced_when_any_member_is() {
        let a = r#"module.vpc["a"].aws_subnet.private[1]"#;
        let b = r#"module.vpc["b"].aws_subnet.private[1]"#;
        let grouped = group(vec![member(a, Some(false), Severity::Warning), member(b, Some(true), Severity::Warning)]);
        assert_eq!(grouped.len(), 1);
        assert_eq!(grouped[0].introduced, Some(true));
        assert_eq!(grouped[0].affected.count, 2);
        assert_eq!(grouped[0].affected.members[1].introduced, Some(true));
        let old = group(vec![member(a, Some(false), Severity::Warning), member(b, Some(false), Severity::Error)]);
        assert_eq!(old[0].introduced, Some(false));
        assert_eq!(old[0].severity, Severity::Error, "the most severe member's severity");
        let state = group(vec![member(a, None, Severity::Warning), member(b, None, Severity::Warning)]);
        assert_eq!(state[0].introduced, None);
        // The grouped fingerprint is the block's, whatever the instances.
        assert_eq!(grouped[0].fingerprint, group(vec![member(b, None, Severity::Note)])[0].fingerprint);
    }

    #[test]
    fn blocks_leave_out_every_instance_key() {
        assert_eq!(block_of(r#"module.vpc["a"].aws_subnet.private[1]"#), "module.vpc.aws_subnet.private");
        assert_eq!(block_of("aws_instance.app[2]"), "aws_instance.app");
        assert_eq!(
            module_instance(r#"module.vpc["a"].module.x[0].aws_subnet.p"#).as_deref(),
            Some(r#"module.vpc["a"].module.x[0]"#)
        );
        assert_eq!(module_instance("aws_subnet.p"), None);
        assert_eq!(
            without_instance_keys(r#"aws_instance.app[0] (aws_subnet.a["x"])"#),
            "aws_instance.app (aws_subnet.a)"
        );
    }
}
