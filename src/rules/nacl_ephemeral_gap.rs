//! `nacl-ephemeral-gap`: a network ACL drops the replies of an intended flow because the reply's
//! destination ports — the initiator's ephemeral range (docs/semantics.md §3.4–3.5), or a NAT gateway's
//! 1024–65535 on the NAT's subnet — are not admitted. NACLs are stateless: "responses to allowed
//! inbound traffic are subject to the rules for outbound traffic". An error when every reply is
//! dropped, a warning when only part of the range is (connections then fail intermittently).
//! A private Linux subnet that admits 32768–60999 from its NAT is right, and stays clean.

use std::collections::{BTreeMap, BTreeSet};

use super::paths::{self, Scope, finding_trace};
use super::{Context, Draft, Rule};
use crate::finding::Severity;
use crate::model::ResId;

declare_rule! {
    pub struct NaclEphemeralGap {
        id: "nacl-ephemeral-gap",
        category: Reachability,
        default_severity: Error,
        summary: "a network ACL drops the replies of an intended flow (ephemeral ports not admitted)",
    }
}

impl Rule for NaclEphemeralGap {
    fn is_path_rule(&self) -> bool {
        true
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        // A failure with the finding of another already out (same ACL, ports and chooser) adds
        // its flow and ends to it: `affected` lists every flow.
        let mut seen: BTreeMap<(ResId, String, String), usize> = BTreeMap::new();
        for e in &ctx.paths().failures {
            if !paths::is_reply_acl_drop(e) || paths::claimed_by(ctx, e).is_some() || e.intent.scope == Scope::Routing {
                continue;
            }
            let t = paths::touched(net, e);
            let Some(acl) = t.dropped_in else { continue };
            if let Scope::ReplyAcl(owner) = e.intent.scope
                && owner != acl
            {
                continue;
            }
            let failing = paths::ranges_text(&e.trace.failing_ports);
            let chooser = e.trace.failing_ports_chosen_by.clone().unwrap_or_else(|| e.intent.src.name.clone());
            let (broken, affects) = paths::broken(e);
            let at = seen.entry((acl, failing.clone(), chooser.clone())).or_insert(out.len());
            if let Some(d) = out.get_mut(*at) {
                d.flows.push(broken);
                d.affects.extend(affects);
                continue;
            }
            let client = &e.trace.client_ports;
            let nat_chosen = chooser != e.intent.src.name;
            let range = if nat_chosen {
                "1024-65535 (the NAT gateway's ports)".to_string()
            } else {
                format!("{}-{} ({})", client.from, client.to, client.why)
            };
            let all = failing.is_empty()
                || if nat_chosen {
                    covers_range(&e.trace.failing_ports, 1024, 65535)
                } else {
                    covers_range(&e.trace.failing_ports, client.from, client.to)
                };
            let mut resources = vec![acl];
            resources.extend(e.intent.holder);
            resources.extend(t.ends.iter().copied());
            let mut seen_r = BTreeSet::new();
            resources.retain(|r| seen_r.insert(*r));
            let flow = paths::flow_text(&e.intent.flow);
            let icmp = e.intent.flow.ports.is_none();
            let message = if icmp {
                format!(
                    "{} drops the replies of {} → {} ({flow}): network ACLs are stateless and no rule admits the echo replies (icmp type 0) the other way",
                    net.name(acl),
                    e.intent.src.name,
                    e.intent.dst.name,
                )
            } else {
                format!(
                    "{} drops the replies of {} → {} ({flow}): replies go to ports {range} chosen by {chooser}, and {}",
                    net.name(acl),
                    e.intent.src.name,
                    e.intent.dst.name,
                    if all {
                        "none of them is admitted".to_string()
                    } else {
                        format!("ports {failing} are not admitted")
                    },
                )
            };
            out.push(Draft {
                message,
                resources,
                key: vec![failing.clone(), chooser.clone()],
                trace: Some(finding_trace(net, &e.trace)),
                help: if icmp {
                    format!("admit icmp type 0 (echo reply) in {} in the reply's direction", net.name(acl))
                } else {
                    format!(
                        "NACLs are stateless: admit the reply ports {range} in {} in the reply's direction (before any deny that would match first)",
                        net.name(acl)
                    )
                },
                case_severity: Some(if all { Severity::Error } else { Severity::Warning }),
                flows: vec![broken],
                affects,
                ..Draft::default()
            });
        }
    }
}

/// True when the failing ranges cover all of `from..=to`.
fn covers_range(ranges: &[crate::eval::trace::PortRange], from: u16, to: u16) -> bool {
    let mut next = u32::from(from);
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| r.from);
    for r in sorted {
        if u32::from(r.from) > next {
            return false;
        }
        next = next.max(u32::from(r.to) + 1);
    }
    next > u32::from(to)
}
