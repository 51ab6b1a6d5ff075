//! Transit gateways: the gateway (with its default route table, an implicit object), VPC and
//! peering attachments (and their accepters), route tables, routes, associations and
//! propagations. One fold: a VPC attachment accepter's default flags are its attachment's; the
//! evaluator reads the attachments and tables as they are.

use super::{Fold, Lowerer, parse_net};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of the transit gateway families (`TransitGateway`, `TransitGatewayAttachment`, `TransitGatewayRouteTable`).
    pub(super) fn lower_tgw(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_ec2_transit_gateway", _) => {
                let enabled = |k: &str| match self.unset_if_unconfigured(res, k, v.str(k)) {
                    Val::Known(s) => Val::Known(s == "enable"),
                    Val::Absent if !data => Val::Known(k != "security_group_referencing_support"),
                    Val::Absent | Val::Unknown => Val::Unknown,
                };
                let default_table = self.linker.index().implicit.get(&(res, "default_route_table")).copied();
                Object::TransitGateway(TransitGateway {
                    default_association: enabled("default_route_table_association"),
                    default_propagation: enabled("default_route_table_propagation"),
                    sg_referencing: enabled("security_group_referencing_support"),
                    default_table,
                })
            }
            ("aws_ec2_transit_gateway_vpc_attachment", false) => {
                let tgw = self.one(res, "transit_gateway_id", types_of(Role::TransitGateway));
                let vpc = self.one(res, "vpc_id", types_of(Role::Vpc));
                let subnets = self.many(res, "subnet_ids", types_of(Role::Subnet));
                Object::TgwAttachment(TgwAttachment {
                    tgw,
                    kind: AttachmentKind::Vpc {
                        vpc,
                        subnets,
                        appliance_mode: v.str("appliance_mode_support").map(|s| s == "enable").or_default_known(false),
                        sg_referencing: self
                            .unset_if_unconfigured(
                                res,
                                "security_group_referencing_support",
                                v.str("security_group_referencing_support"),
                            )
                            .map(|s| s == "enable")
                            .or_default_known(false),
                    },
                    // Optional with a default of true, computed in create plans when unset.
                    default_association: self
                        .unset_if_unconfigured(
                            res,
                            "transit_gateway_default_route_table_association",
                            v.bool("transit_gateway_default_route_table_association"),
                        )
                        .or_default_known(true),
                    default_propagation: self
                        .unset_if_unconfigured(
                            res,
                            "transit_gateway_default_route_table_propagation",
                            v.bool("transit_gateway_default_route_table_propagation"),
                        )
                        .or_default_known(true),
                })
            }
            ("aws_ec2_transit_gateway_vpc_attachment_accepter", false) => {
                let attachment = self.one(res, "transit_gateway_attachment_id", types_of(Role::TgwAttachment));
                let flag = |lw: &mut Self, k: &str| lw.unset_if_unconfigured(res, k, v.bool(k)).or_default_known(true);
                let default_association = flag(self, "transit_gateway_default_route_table_association");
                let default_propagation = flag(self, "transit_gateway_default_route_table_propagation");
                let in_plan = attachment
                    .res()
                    .filter(|a| self.linker.index().types[a.index()] == "aws_ec2_transit_gateway_vpc_attachment");
                let kind = match in_plan {
                    Some(_) => AttachmentKind::VpcAccepter { attachment },
                    // A RAM-shared transit gateway: the attachment is another account's; the
                    // accepter is the attachment on this side, and its flags decide (the
                    // requester cannot set them).
                    None => AttachmentKind::Vpc {
                        vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
                        subnets: self.many(res, "subnet_ids", types_of(Role::Subnet)),
                        appliance_mode: v.str("appliance_mode_support").map(|s| s == "enable").or_default_known(false),
                        sg_referencing: Val::Unknown,
                    },
                };
                Object::TgwAttachment(TgwAttachment {
                    tgw: self.one(res, "transit_gateway_id", types_of(Role::TransitGateway)),
                    kind,
                    default_association,
                    default_propagation,
                })
            }
            ("aws_ec2_transit_gateway_peering_attachment", false) => Object::TgwAttachment(TgwAttachment {
                tgw: self.one(res, "transit_gateway_id", types_of(Role::TransitGateway)),
                kind: AttachmentKind::Peering {
                    peer: self.one(res, "peer_transit_gateway_id", types_of(Role::TransitGateway)),
                    peer_region: v.string("peer_region"),
                },
                default_association: Val::Known(false),
                default_propagation: Val::Known(false),
            }),
            ("aws_ec2_transit_gateway_peering_attachment_accepter", false) => Object::TgwAttachment(TgwAttachment {
                tgw: self.one(res, "transit_gateway_id", types_of(Role::TransitGateway)),
                kind: AttachmentKind::PeeringAccepter {
                    attachment: self.one(res, "transit_gateway_attachment_id", types_of(Role::TgwAttachment)),
                },
                default_association: Val::Known(false),
                default_propagation: Val::Known(false),
            }),
            ("aws_ec2_transit_gateway_route_table", false) => Object::TgwRouteTable(TgwRouteTable {
                tgw: self.one(res, "transit_gateway_id", types_of(Role::TransitGateway)),
            }),
            ("aws_ec2_transit_gateway_route", false) => Object::TgwRoute(TgwRoute {
                table: self.one(res, "transit_gateway_route_table_id", types_of(Role::TgwRouteTable)),
                dest: v.str("destination_cidr_block").and_then(parse_net),
                attachment: self.one(res, "transit_gateway_attachment_id", types_of(Role::TgwAttachment)),
                blackhole: v.bool("blackhole").or_default_known(false),
            }),
            ("aws_ec2_transit_gateway_route_table_association", false) => Object::TgwAssociation(TgwTableLink {
                table: self.one(res, "transit_gateway_route_table_id", types_of(Role::TgwRouteTable)),
                attachment: self.one(res, "transit_gateway_attachment_id", types_of(Role::TgwAttachment)),
            }),
            ("aws_ec2_transit_gateway_route_table_propagation", false) => Object::TgwPropagation(TgwTableLink {
                table: self.one(res, "transit_gateway_route_table_id", types_of(Role::TgwRouteTable)),
                attachment: self.one(res, "transit_gateway_attachment_id", types_of(Role::TgwAttachment)),
            }),
            _ => Object::Other,
        }
    }
}

impl Fold<'_, '_> {
    /// A transit gateway VPC attachment accepter's default association and propagation flags
    /// are the attachment's (for a RAM-shared transit gateway the accepter's decide;
    /// docs/semantics.md §6).
    pub(super) fn tgw_vpc_accepters(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::TgwAttachment(_))) {
            let Object::TgwAttachment(a) = &self.net.res(id).obj else { continue };
            let AttachmentKind::VpcAccepter { attachment } = &a.kind else { continue };
            let (att, assoc, prop) = (attachment.clone(), a.default_association.clone(), a.default_propagation.clone());
            let Some(att) = self.present_target(&att) else { continue };
            if let Object::TgwAttachment(t) = &mut self.net.resources[att.index()].obj {
                t.default_association = assoc;
                t.default_propagation = prop;
            }
        }
    }
}
