//! Subnets: `aws_subnet`, `aws_default_subnet`, `data.aws_subnet`, and the subnet lists of
//! `data.aws_subnets` / `data.aws_subnet_ids`. Which route table and network ACL a subnet uses is
//! derived by the route table and NACL folds (`route_table.rs`, `nacl.rs`).

use super::{Lowerer, parse_v4, parse_v6};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::Subnet`.
    pub(super) fn lower_subnet(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_subnet" | "aws_default_subnet", _) => {
                let cidr_v4 = v.str("cidr_block").and_then(parse_v4);
                let vpc = self.vpc_link(res, r, cidr_v4.known().copied());
                let default_map = r.rtype == "aws_default_subnet";
                Object::Subnet(Subnet {
                    vpc,
                    cidr_v4,
                    cidr_v6: v.str("ipv6_cidr_block").and_then(parse_v6),
                    az: v.string("availability_zone"),
                    az_id: v.string("availability_zone_id"),
                    map_public_ip: if data {
                        v.bool("map_public_ip_on_launch")
                    } else {
                        v.bool("map_public_ip_on_launch").or_default_known(default_map)
                    },
                    // Only the data source says whether an existing subnet is its zone's default.
                    is_default: r.rtype == "aws_default_subnet"
                        || (data && v.bool("default_for_az") == Val::Known(true)),
                    ..Subnet::default()
                })
            }
            ("aws_subnets" | "aws_subnet_ids", true) => {
                Object::SubnetList(SubnetList { subnets: self.many(res, "ids", types_of(Role::Subnet)) })
            }
            _ => Object::Other,
        }
    }
}
