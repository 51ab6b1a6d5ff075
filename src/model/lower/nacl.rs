//! Network ACLs and their rules: inline blocks and `aws_network_acl_rule` (a custom ACL with no
//! rules denies everything, docs/semantics.md §3.2), `aws_network_acl_association`, and which ACL each
//! subnet uses (explicit, else its VPC's default ACL).

use std::collections::HashMap;

use ipnet::IpNet;

use super::{Fold, Lowerer, PendingRule, parse_net};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{Link, Origin, Provenance, ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::NetworkAcl` or `Family::NetworkAclRule`.
    pub(super) fn lower_nacl(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_network_acl" | "aws_default_network_acl", false) => self.network_acl(res, r),
            ("aws_network_acl_rule", false) => {
                let acl = self.one(res, "network_acl_id", types_of(Role::NetworkAcl));
                let egress = v.bool("egress") == Val::Known(true);
                let rule = NaclRule {
                    source: res,
                    number: v.int("rule_number"),
                    allow: v.str("rule_action").map(|a| a == "allow"),
                    protocol: v.string("protocol"),
                    from_port: v.int("from_port"),
                    to_port: v.int("to_port"),
                    icmp_type: v.int("icmp_type"),
                    icmp_code: v.int("icmp_code"),
                    cidr: nacl_cidr(v),
                };
                let (calls, may_be) = self.unlinked_scope(res, &acl, "network_acl_id", types_of(Role::NetworkAcl));
                self.pending_nacl_rules.push(PendingRule {
                    origin: res,
                    parent: acl.clone(),
                    egress,
                    rules: vec![rule],
                    calls,
                    may_be,
                });
                Object::NaclRule(NaclRuleResource { acl, egress })
            }
            ("aws_network_acl_association", false) => Object::NaclAssociation(NaclAssociation {
                acl: self.one(res, "network_acl_id", types_of(Role::NetworkAcl)),
                subnet: self.one(res, "subnet_id", types_of(Role::Subnet)),
            }),
            _ => Object::Other,
        }
    }

    pub(super) fn network_acl(&mut self, res: ResId, r: &Resource) -> Object {
        let v = self.view(res);
        let vpc = self.vpc_link(res, r, None);
        let kind = if r.rtype == "aws_default_network_acl" { AclKind::AdoptedDefault } else { AclKind::Custom };
        let adopts = if kind == AclKind::AdoptedDefault {
            self.one(res, "default_network_acl_id", types_of(Role::NetworkAcl)).res()
        } else {
            None
        };
        let ingress = self.nacl_direction(res, v, "ingress");
        let egress = self.nacl_direction(res, v, "egress");
        let subnets = self.many(res, "subnet_ids", types_of(Role::Subnet));
        let inline_directions =
            (self.linker.configured(res, "ingress") == Some(true), self.linker.configured(res, "egress") == Some(true));
        let inline_rules = inline_directions.0 || inline_directions.1;
        Object::NetworkAcl(NetworkAcl {
            vpc,
            kind,
            ingress,
            egress,
            subnets,
            adopts,
            adopted_by: None,
            inline_rules,
            inline_directions,
            maybe_rules: Vec::new(),
        })
    }

    fn nacl_direction(&mut self, res: ResId, v: View<'d>, dir: &str) -> Val<Vec<NaclRule>> {
        match v.blocks(dir) {
            Val::Known(blocks) => Val::Known(
                blocks
                    .iter()
                    .map(|b| NaclRule {
                        source: res,
                        number: b.int("rule_no"),
                        allow: b.str("action").map(|a| a == "allow"),
                        protocol: b.string("protocol"),
                        from_port: b.int("from_port"),
                        to_port: b.int("to_port"),
                        icmp_type: b.int("icmp_type"),
                        icmp_code: b.int("icmp_code"),
                        cidr: nacl_cidr(*b),
                    })
                    .collect(),
            ),
            Val::Absent => Val::Known(Vec::new()),
            Val::Unknown => {
                if self.linker.configured(res, dir) == Some(true) || !self.has_config {
                    Val::Unknown
                } else {
                    // A custom NACL with no inline rules: only `aws_network_acl_rule`s apply;
                    // none means deny all (docs/semantics.md §3.2).
                    Val::Known(Vec::new())
                }
            }
        }
    }
}

fn nacl_cidr(v: View<'_>) -> Val<IpNet> {
    match v.str("cidr_block") {
        Val::Absent => v.str("ipv6_cidr_block").and_then(parse_net),
        c => c.and_then(parse_net),
    }
}

impl Fold<'_, '_> {
    pub(super) fn nacl_rules(&mut self, pending: Vec<PendingRule<NaclRule>>) {
        let mut acl_pool: Option<Vec<ResId>> = None;
        for p in pending {
            if p.rules.first().is_some_and(|r| !self.net.res(r.source).present()) {
                // The rule is being destroyed: drop the copy a no-op ACL's state may carry.
                if let Some(acl) = p.parent.res()
                    && let Object::NetworkAcl(a) = &mut self.net.resources[acl.index()].obj
                {
                    let list = if p.egress { &mut a.egress } else { &mut a.ingress };
                    if let Val::Known(rules) = list {
                        for dead in &p.rules {
                            rules.retain(|r| !(r.source == acl && r.number == dead.number));
                        }
                    }
                }
                continue;
            }
            let Some(acl) = p.parent.res() else {
                if p.parent.is_unknown() && !self.fan_out {
                    self.skipped = true;
                } else if let Link::Unknown(why) = &p.parent {
                    let why = format!("{} may belong to this network ACL ({why})", self.net.name(p.origin));
                    let is_acl = |o: &Object| matches!(o, Object::NetworkAcl(_));
                    let pool = acl_pool.get_or_insert_with(|| self.pool(is_acl));
                    let shared: Vec<std::sync::Arc<(bool, NaclRule, String)>> =
                        p.rules.iter().map(|r| std::sync::Arc::new((p.egress, r.clone(), why.clone()))).collect();
                    for a in self.candidates(p.origin, &p.calls, p.may_be.as_deref(), pool, is_acl) {
                        if let Object::NetworkAcl(acl) = &mut self.net.resources[a.index()].obj {
                            acl.maybe_rules.extend(shared.iter().cloned());
                        }
                    }
                }
                continue;
            };
            if let Object::NetworkAcl(a) = &mut self.net.resources[acl.index()].obj {
                let list = if p.egress { &mut a.egress } else { &mut a.ingress };
                if let Val::Known(rules) = list {
                    for rule in p.rules {
                        rules.retain(|r| !(r.source == acl && r.number == rule.number));
                        rules.push(rule);
                    }
                }
            }
        }
    }

    pub(super) fn subnet_acls(&mut self) {
        let mut explicit: HashMap<ResId, Vec<ResId>> = HashMap::new();
        let mut unknown_vpcs: Vec<Option<ResId>> = Vec::new();
        for id in self.ids_where(|r| matches!(r.obj, Object::NetworkAcl(_) | Object::NaclAssociation(_))) {
            match &self.net.res(id).obj {
                Object::NetworkAcl(a) => match &a.subnets {
                    Val::Known(list) => {
                        for l in list {
                            match l {
                                Link::To(s, _) => explicit.entry(*s).or_default().push(id),
                                Link::Unknown(_) => unknown_vpcs.push(a.vpc.res()),
                                _ => {}
                            }
                        }
                    }
                    Val::Unknown => unknown_vpcs.push(a.vpc.res()),
                    Val::Absent => {}
                },
                Object::NaclAssociation(a) => match (&a.subnet, a.acl.res()) {
                    (Link::To(s, _), Some(acl)) => explicit.entry(*s).or_default().push(acl),
                    (Link::Unknown(_), acl) => unknown_vpcs
                        .push(acl.and_then(|acl| self.net.res(acl).obj.network_acl().and_then(|a| a.vpc.res()))),
                    (Link::To(..), None) => {}
                    _ => {}
                },
                _ => {}
            }
        }
        for s in self.ids_where(|r| matches!(r.obj, Object::Subnet(_))) {
            let Object::Subnet(sub) = &self.net.res(s).obj else {
                continue;
            };
            let vpc = sub.vpc.res();
            let data = self.net.res(s).origin == Origin::Data;
            let mut acls = explicit.get(&s).cloned().unwrap_or_default();
            acls.sort();
            acls.dedup();
            let link = match acls.as_slice() {
                [acl] => Link::To(*acl, Provenance::Reference),
                [] if data => Link::Unknown("an existing subnet: its network ACL is not in the input".into()),
                [] if unknown_vpcs.iter().any(|v| v.is_none() || *v == vpc) => {
                    Link::Unknown("an ACL whose subnets are unknown may take this subnet".into())
                }
                [] => match vpc.and_then(|v| self.net.res(v).obj.vpc().and_then(|v| v.default_nacl)) {
                    Some(d) => Link::To(d, Provenance::Inferred),
                    None => Link::Unknown("the subnet's VPC is not known".into()),
                },
                many => {
                    let names: Vec<String> = many.iter().map(|a| self.net.name(*a).to_string()).collect();
                    Link::Unknown(format!("claimed by several network ACLs: {}", names.join(", ")))
                }
            };
            if let Object::Subnet(sub) = &mut self.net.resources[s.index()].obj {
                sub.nacl = link;
            }
        }
    }
}
