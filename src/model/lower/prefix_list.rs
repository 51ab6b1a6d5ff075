//! Prefix lists: managed prefix lists (with their separate entries, folded into the list) and
//! AWS-managed ones read through `data.aws_prefix_list`.

use super::{Fold, Lowerer, parse_net};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::PrefixList`.
    pub(super) fn lower_prefix_list(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_ec2_managed_prefix_list", _) => {
                let key = if data { "entries" } else { "entry" };
                let entries =
                    v.blocks(key).map(|blocks| blocks.iter().map(|b| b.str("cidr").and_then(parse_net)).collect());
                Object::PrefixList(PrefixList { entries })
            }
            ("aws_prefix_list", true) => Object::PrefixList(PrefixList {
                entries: v.str_list("cidr_blocks").map(|l| l.into_iter().map(|c| c.and_then(parse_net)).collect()),
            }),
            ("aws_ec2_managed_prefix_list_entry", false) => Object::PrefixListEntry(PrefixListEntry {
                list: self.one(res, "prefix_list_id", types_of(Role::PrefixList)),
                cidr: v.str("cidr").and_then(parse_net),
            }),
            _ => Object::Other,
        }
    }
}

impl Fold<'_, '_> {
    /// `aws_ec2_managed_prefix_list_entry` adds its CIDR to its list.
    pub(super) fn prefix_list_entries(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::PrefixListEntry(_))) {
            let Object::PrefixListEntry(e) = &self.net.res(id).obj else {
                continue;
            };
            let (list, cidr) = (e.list.clone(), e.cidr.clone());
            let Some(list) = self.present_target(&list) else {
                continue;
            };
            if let Object::PrefixList(p) = &mut self.net.resources[list.index()].obj
                && let Val::Known(entries) = &mut p.entries
            {
                entries.push(cidr);
            }
        }
    }
}
