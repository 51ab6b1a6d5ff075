//! `duplicate-default-adoption`: two `aws_default_*` resources adopt the same AWS default — the
//! account's default VPC in one region (two `aws_default_vpc`), or a VPC's main route table,
//! default network ACL or default security group. The provider manages what it adopts as a
//! whole (docs/semantics.md §1.1, §2.2, §3.2): two owners overwrite each other on every apply, and the
//! rules or routes in force are whichever applied last.

use std::collections::BTreeMap;

use super::{Context, Draft, Rule};
use crate::model::{Object, ResId};

declare_rule! {
    pub struct DuplicateDefaultAdoption {
        id: "duplicate-default-adoption",
        category: Configuration,
        default_severity: Warning,
        summary: "two aws_default_* resources adopt the same default VPC, route table, network ACL or security group",
    }
}

impl Rule for DuplicateDefaultAdoption {
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Draft>) {
        let net = ctx.net;
        // The default VPC of a region: by known id, else by region.
        let mut default_vpcs: BTreeMap<String, Vec<ResId>> = BTreeMap::new();
        // Implicit objects adopted more than once.
        let mut adopted: BTreeMap<ResId, Vec<ResId>> = BTreeMap::new();
        for (id, r) in net.present() {
            if !super::facts::managed(net, id) {
                continue;
            }
            match (&r.obj, r.rtype.as_str()) {
                (Object::Vpc(_), "aws_default_vpc") => {
                    let key = match (r.id.known(), &r.region) {
                        (Some(vpc_id), _) => format!("id {vpc_id}"),
                        (None, Some(region)) => format!("region {region}"),
                        (None, None) => continue,
                    };
                    default_vpcs.entry(key).or_default().push(id);
                }
                (Object::RouteTable(t), _) => {
                    if let Some(a) = t.adopts {
                        adopted.entry(a).or_default().push(id);
                    }
                }
                (Object::NetworkAcl(a), _) => {
                    if let Some(x) = a.adopts {
                        adopted.entry(x).or_default().push(id);
                    }
                }
                (Object::SecurityGroup(g), _) => {
                    if let Some(x) = g.adopts {
                        adopted.entry(x).or_default().push(id);
                    }
                }
                _ => {}
            }
        }
        for (key, mut owners) in default_vpcs {
            if owners.len() < 2 {
                continue;
            }
            owners.sort_by(|a, b| super::natural_cmp(net.name(*a), net.name(*b)));
            let later = owners[owners.len() - 1];
            let others: Vec<&str> = owners[..owners.len() - 1].iter().map(|o| net.name(*o)).collect();
            out.push(Draft {
                message: format!(
                    "{} adopts the same default VPC ({key}) as {}: both manage it and overwrite each other's settings",
                    net.name(later),
                    others.join(", ")
                ),
                resources: owners.iter().rev().copied().collect(),
                help: "manage the default VPC once (in one module) and pass its id to the others, or read it with data \"aws_vpc\" { default = true }".into(),
                ..Draft::default()
            });
        }
        for (implicit, mut owners) in adopted {
            if owners.len() < 2 {
                continue;
            }
            owners.sort_by(|a, b| super::natural_cmp(net.name(*a), net.name(*b)));
            let later = owners[owners.len() - 1];
            let others: Vec<&str> = owners[..owners.len() - 1].iter().map(|o| net.name(*o)).collect();
            let mut resources: Vec<ResId> = owners.iter().rev().copied().collect();
            resources.push(implicit);
            out.push(Draft {
                message: format!(
                    "{} and {} both adopt {}: each apply replaces the other's routes or rules",
                    net.name(later),
                    others.join(", "),
                    net.name(implicit)
                ),
                resources,
                help: "keep a single aws_default_* resource per default object".into(),
                ..Draft::default()
            });
        }
    }
}
