//! `inline-and-separate-rules`: a route table, security group or network ACL that the
//! configuration gives both inline blocks (`route`, `ingress`/`egress`) and separate resources
//! (`aws_route`, `aws_security_group_rule`, `aws_vpc_security_group_*_rule`,
//! `aws_network_acl_rule`). The AWS provider documents that the two must not be mixed: each apply
//! removes what the other added, and the network flips between two states (docs/semantics.md §1.8, §2.3, §3.2).

use super::{Context, Draft, Rule};
use crate::model::{Network, Object, ResId};

declare_rule! {
    pub struct InlineAndSeparateRules {
        id: "inline-and-separate-rules",
        category: Configuration,
        default_severity: Warning,
        summary: "inline routes or rules mixed with separate route or rule resources on one resource",
    }
}

impl Rule for InlineAndSeparateRules {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        for (id, r) in net.present() {
            // Inline directions: (ingress, egress); a route table has one.
            let (inline, what, separate_kind) = match &r.obj {
                Object::RouteTable(t) => ((t.inline_routes, t.inline_routes), "inline `route` blocks", "aws_route"),
                Object::SecurityGroup(g) => {
                    (g.inline_directions, "inline `ingress`/`egress` blocks", "security group rule")
                }
                Object::NetworkAcl(a) => {
                    (a.inline_directions, "inline `ingress`/`egress` blocks", "aws_network_acl_rule")
                }
                _ => continue,
            };
            if !inline.0 && !inline.1 {
                continue;
            }
            // Only separate rules of a direction written inline conflict: a direction left out of
            // the configuration is computed, and Terraform leaves its rules alone.
            let separate: Vec<ResId> = separate_of(net, id)
                .into_iter()
                .filter(|s| match &net.res(*s).obj {
                    Object::SgRule(x) => {
                        if x.egress {
                            inline.1
                        } else {
                            inline.0
                        }
                    }
                    Object::NaclRule(x) => {
                        if x.egress {
                            inline.1
                        } else {
                            inline.0
                        }
                    }
                    _ => true,
                })
                .collect();
            if separate.is_empty() {
                continue;
            }
            let names: Vec<&str> = separate.iter().take(3).map(|s| net.name(*s)).collect();
            let more = if separate.len() > 3 { format!(" and {} more", separate.len() - 3) } else { String::new() };
            let mut resources = vec![id];
            resources.extend(separate.iter().copied());
            out.push(Draft {
                message: format!(
                    "{} has {what} and is also changed by {separate_kind} resources ({}{more}): each apply removes what the other added",
                    net.name(id),
                    names.join(", ")
                ),
                resources,
                help: "use one style per resource: either only inline blocks, or no inline blocks and only separate resources".into(),
                ..Draft::default()
            });
        }
    }
}

/// Separate route/rule resources that target a table, group or ACL.
fn separate_of(net: &Network, id: ResId) -> Vec<ResId> {
    net.present()
        .filter(|(_, r)| match &r.obj {
            Object::Route(x) => x.table.res() == Some(id),
            Object::SgRule(x) => x.group.res() == Some(id),
            Object::NaclRule(x) => x.acl.res() == Some(id),
            _ => false,
        })
        .map(|(s, _)| s)
        .collect()
}
