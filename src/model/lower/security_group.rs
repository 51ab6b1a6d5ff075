//! Security groups and their rules: inline `ingress`/`egress` blocks, `aws_security_group_rule`
//! and `aws_vpc_security_group_{ingress,egress}_rule`. A group without inline rules has exactly
//! its separate rules (Terraform revokes AWS's default egress rule, docs/semantics.md §2.3); a no-op
//! plan's group already lists what separate rules created, so each rule counts once.

use super::{Fold, Lowerer, PendingRule, parse_net};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{Link, ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::SecurityGroup` or `Family::SecurityGroupRule`.
    pub(super) fn lower_security_group(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_security_group" | "aws_default_security_group", _) => self.security_group(res, r, data),
            ("aws_security_groups", true) => Object::Other,
            ("aws_security_group_rule", false) => {
                let group = self.one(res, "security_group_id", types_of(Role::SecurityGroup));
                let egress = v.str("type") == Val::Known("egress");
                let rules = self.sg_rules_of_block(res, v, None, "");
                let (calls, may_be) =
                    self.unlinked_scope(res, &group, "security_group_id", types_of(Role::SecurityGroup));
                self.pending_sg_rules.push(PendingRule {
                    origin: res,
                    parent: group.clone(),
                    egress,
                    rules,
                    calls,
                    may_be,
                });
                Object::SgRule(SgRuleResource { group, egress })
            }
            ("aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule", false) => {
                let group = self.one(res, "security_group_id", types_of(Role::SecurityGroup));
                let egress = r.rtype.ends_with("egress_rule");
                let peer = if let Val::Known(_) | Val::Unknown = v.str("cidr_ipv4") {
                    SgPeer::Cidr(v.str("cidr_ipv4").and_then(parse_net))
                } else if !v.str("cidr_ipv6").is_absent() {
                    SgPeer::Cidr(v.str("cidr_ipv6").and_then(parse_net))
                } else if !v.str("prefix_list_id").is_absent() {
                    SgPeer::PrefixList(self.one(res, "prefix_list_id", types_of(Role::PrefixList)))
                } else if !v.str("referenced_security_group_id").is_absent() {
                    let link = self.one(res, "referenced_security_group_id", types_of(Role::SecurityGroup));
                    // A rule that references its own group is `self`.
                    if link.res().is_some() && link.res() == group.res() {
                        SgPeer::SelfGroup
                    } else {
                        SgPeer::Group(link)
                    }
                } else {
                    SgPeer::Cidr(Val::Unknown)
                };
                let protocol = v.string("ip_protocol");
                let all = matches!(protocol.known().map(String::as_str), Some("-1" | "all"));
                let rule = SgRule {
                    source: res,
                    protocol,
                    from_port: if all { Val::Known(-1) } else { v.int("from_port") },
                    to_port: if all { Val::Known(-1) } else { v.int("to_port") },
                    peer,
                };
                let (calls, may_be) =
                    self.unlinked_scope(res, &group, "security_group_id", types_of(Role::SecurityGroup));
                self.pending_sg_rules.push(PendingRule {
                    origin: res,
                    parent: group.clone(),
                    egress,
                    rules: vec![rule],
                    calls,
                    may_be,
                });
                Object::SgRule(SgRuleResource { group, egress })
            }
            _ => Object::Other,
        }
    }

    pub(super) fn security_group(&mut self, res: ResId, r: &Resource, data: bool) -> Object {
        let v = self.view(res);
        if data {
            return Object::SecurityGroup(SecurityGroup {
                vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
                kind: GroupKind::Existing,
                ingress: Val::Unknown,
                egress: Val::Unknown,
                ..SecurityGroup::default()
            });
        }
        let vpc = self.vpc_link(res, r, None);
        let kind = if r.rtype == "aws_default_security_group" { GroupKind::AdoptedDefault } else { GroupKind::Custom };
        let adopts = match (&kind, &vpc) {
            (GroupKind::AdoptedDefault, Link::To(v, _)) => {
                self.linker.index().implicit.get(&(*v, "default_security_group")).copied()
            }
            _ => None,
        };
        let ingress = self.sg_direction(res, v, "ingress");
        let egress = self.sg_direction(res, v, "egress");
        let inline_directions =
            (self.linker.configured(res, "ingress") == Some(true), self.linker.configured(res, "egress") == Some(true));
        let inline_rules = inline_directions.0 || inline_directions.1;
        Object::SecurityGroup(SecurityGroup {
            vpc,
            kind,
            ingress,
            egress,
            adopts,
            adopted_by: None,
            inline_rules,
            inline_directions,
            maybe_rules: Vec::new(),
        })
    }

    fn sg_direction(&mut self, res: ResId, v: View<'d>, dir: &str) -> Val<Vec<SgRule>> {
        match v.blocks(dir) {
            Val::Known(blocks) => {
                let mut rules = Vec::new();
                for (i, b) in blocks.iter().enumerate() {
                    rules.extend(self.sg_rules_of_block(res, *b, Some(dir), &format!("{dir}[{i}].")));
                }
                Val::Known(rules)
            }
            Val::Absent => Val::Known(Vec::new()),
            Val::Unknown => {
                if self.linker.configured(res, dir) == Some(true) {
                    Val::Unknown
                } else {
                    // Terraform removes AWS's default egress rule: only separate rules apply.
                    Val::Known(Vec::new())
                }
            }
        }
    }

    /// Rules of one inline block, or of an `aws_security_group_rule` (`block` = None).
    fn sg_rules_of_block(&mut self, res: ResId, b: View<'d>, block: Option<&str>, label: &str) -> Vec<SgRule> {
        let base = |peer: SgPeer| SgRule {
            source: res,
            protocol: b.string("protocol"),
            from_port: b.int("from_port"),
            to_port: b.int("to_port"),
            peer,
        };
        let mut rules = Vec::new();
        for key in ["cidr_blocks", "ipv6_cidr_blocks"] {
            match b.str_list(key) {
                Val::Known(list) => rules.extend(list.into_iter().map(|c| base(SgPeer::Cidr(c.and_then(parse_net))))),
                Val::Unknown => rules.push(base(SgPeer::Cidr(Val::Unknown))),
                Val::Absent => {}
            }
        }
        let pls = match block {
            Some(bl) => self.nested_many(
                res,
                bl,
                b,
                "prefix_list_ids",
                types_of(Role::PrefixList),
                &format!("{label}prefix_list_ids"),
            ),
            None => self.many(res, "prefix_list_ids", types_of(Role::PrefixList)),
        };
        if let Val::Known(pls) = pls {
            rules.extend(pls.into_iter().map(|l| base(SgPeer::PrefixList(l))));
        }
        let groups = match block {
            Some(bl) => self.nested_many(
                res,
                bl,
                b,
                "security_groups",
                types_of(Role::SecurityGroup),
                &format!("{label}security_groups"),
            ),
            None => match self.one(res, "source_security_group_id", types_of(Role::SecurityGroup)) {
                Link::Absent => Val::Absent,
                l => Val::Known(vec![l]),
            },
        };
        match groups {
            Val::Known(groups) => rules.extend(groups.into_iter().map(|l| base(SgPeer::Group(l)))),
            Val::Unknown => {
                rules.push(base(SgPeer::Group(Link::Unknown("security groups unknown until apply".into()))))
            }
            Val::Absent => {}
        }
        if b.bool("self") == Val::Known(true) {
            rules.push(base(SgPeer::SelfGroup));
        }
        rules
    }
}

impl Fold<'_, '_> {
    pub(super) fn sg_rules(&mut self, pending: Vec<PendingRule<SgRule>>) {
        let present: Vec<PendingRule<SgRule>> =
            pending.into_iter().filter(|p| p.rules.first().is_none_or(|r| self.net.res(r.source).present())).collect();
        let is_group = |o: &Object| matches!(o, Object::SecurityGroup(_));
        let pool = if present.iter().any(|p| p.parent.is_unknown()) { self.pool(is_group) } else { Vec::new() };
        for p in present {
            let Some(group) = p.parent.res() else {
                if p.parent.is_unknown() && !self.fan_out {
                    self.skipped = true;
                } else if let Link::Unknown(why) = &p.parent {
                    let why = format!("{} may belong to this group ({why})", self.net.name(p.origin));
                    // One copy of each rule, shared by every group it may belong to.
                    let shared: Vec<std::sync::Arc<(bool, SgRule, String)>> =
                        p.rules.iter().map(|r| std::sync::Arc::new((p.egress, r.clone(), why.clone()))).collect();
                    for g in self.candidates(p.origin, &p.calls, p.may_be.as_deref(), &pool, is_group) {
                        if let Object::SecurityGroup(sg) = &mut self.net.resources[g.index()].obj {
                            sg.maybe_rules.extend(shared.iter().cloned());
                        }
                    }
                }
                continue;
            };
            let group_self = group;
            if let Object::SecurityGroup(g) = &mut self.net.resources[group.index()].obj {
                let dedupe = !g.inline_rules;
                let list = if p.egress { &mut g.egress } else { &mut g.ingress };
                if let Val::Known(rules) = list {
                    for mut rule in p.rules {
                        if let SgPeer::Group(l) = &rule.peer
                            && l.res() == Some(group_self)
                        {
                            rule.peer = SgPeer::SelfGroup;
                        }
                        let key = sg_rule_key(&rule);
                        // A no-op plan's group already lists what separate rules created.
                        if dedupe {
                            rules.retain(|r| !(r.source == group_self && sg_rule_key(r) == key));
                        }
                        rules.push(rule);
                    }
                }
            }
        }
    }
}

fn sg_rule_key(r: &SgRule) -> String {
    format!("{:?}|{:?}|{:?}|{:?}", r.protocol, r.from_port, r.to_port, r.peer)
}
