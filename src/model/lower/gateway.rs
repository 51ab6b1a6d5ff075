//! Gateways and addresses: internet gateways (and their attachments, as well as VPN gateway
//! attachments), egress-only internet gateways, NAT gateways, Elastic IPs and their
//! associations (which give a workload a public IP).

use super::{Fold, Lowerer};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{Link, ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of the gateway families (`InternetGateway`, `EgressOnlyInternetGateway`, `NatGateway`, `Eip`).
    pub(super) fn lower_gateway(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_internet_gateway", _) => {
                let vpc = if data {
                    let attachments = v.blocks("attachments").into_known().unwrap_or_default();
                    let val = attachments.first().map_or(Val::Absent, |a| a.str("vpc_id"));
                    let link = self.linker.link(res, val, None, types_of(Role::Vpc));
                    self.record(res, "attachments.vpc_id", &link);
                    link
                } else {
                    self.one(res, "vpc_id", types_of(Role::Vpc))
                };
                Object::InternetGateway(Gateway { vpc })
            }
            ("aws_egress_only_internet_gateway", false) => {
                Object::EgressOnlyGateway(Gateway { vpc: self.one(res, "vpc_id", types_of(Role::Vpc)) })
            }
            ("aws_internet_gateway_attachment", false) => Object::GatewayAttachment(GatewayAttachment {
                gateway: self.one(res, "internet_gateway_id", types_of(Role::InternetGateway)),
                vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
            }),
            ("aws_nat_gateway", _) => Object::NatGateway(NatGateway {
                subnet: self.one(res, "subnet_id", types_of(Role::Subnet)),
                public: match v.str("connectivity_type") {
                    Val::Known("private") => Val::Known(false),
                    Val::Known(_) | Val::Absent => Val::Known(true),
                    Val::Unknown => Val::Unknown,
                },
                eip: self.one(res, "allocation_id", types_of(Role::Eip)),
                private_ip: v.str("private_ip").and_then(|s| s.parse().ok()),
            }),
            ("aws_eip", false) => Object::Eip(Eip {
                instance: self.one(res, "instance", types_of(Role::Instance)),
                eni: self.one(res, "network_interface", types_of(Role::Eni)),
            }),
            ("aws_eip_association", false) => Object::EipAssociation(EipAssociation {
                eip: self.one(res, "allocation_id", types_of(Role::Eip)),
                instance: self.one(res, "instance_id", types_of(Role::Instance)),
                eni: self.one(res, "network_interface_id", types_of(Role::Eni)),
            }),
            _ => Object::Other,
        }
    }
}

impl Fold<'_, '_> {
    /// An internet or VPN gateway attachment gives its gateway the VPC it does not name itself.
    pub(super) fn gateway_attachments(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::GatewayAttachment(_))) {
            let Object::GatewayAttachment(a) = &self.net.res(id).obj else {
                continue;
            };
            let (gw, vpc) = (a.gateway.clone(), a.vpc.clone());
            let Some(gw) = self.present_target(&gw) else {
                continue;
            };
            match &mut self.net.resources[gw.index()].obj {
                Object::InternetGateway(g) if g.vpc == Link::Absent || g.vpc.is_unknown() => g.vpc = vpc,
                Object::VpnGateway(g) if g.vpc == Link::Absent || g.vpc.is_unknown() => g.vpc = vpc,
                _ => {}
            }
        }
    }

    /// An Elastic IP (or its association) gives the instance or ENI it names a public IP.
    pub(super) fn eips(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::Eip(_) | Object::EipAssociation(_))) {
            let (instance, eni, is_eip) = match &self.net.res(id).obj {
                Object::Eip(e) => (e.instance.clone(), e.eni.clone(), true),
                Object::EipAssociation(a) => (a.instance.clone(), a.eni.clone(), a.eip != Link::Absent),
                _ => continue,
            };
            if !is_eip {
                continue;
            }
            for target in [instance, eni] {
                if let Some(t) = self.present_target(&target)
                    && let Object::Workload(w) = &mut self.net.resources[t.index()].obj
                {
                    w.public_ip = Val::Known(true);
                    w.eips.push(id);
                }
            }
        }
    }
}
