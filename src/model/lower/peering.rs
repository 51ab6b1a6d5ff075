//! VPC peering connections and their accepters (an accepter in another configuration or account
//! decides whether the connection becomes active).

use super::{Fold, Lowerer};
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::PeeringConnection`.
    pub(super) fn lower_peering(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_vpc_peering_connection", _) => {
                let accepted = if v.bool("auto_accept") == Val::Known(true)
                    || v.str("accept_status") == Val::Known("active")
                    // The data source's `status`.
                    || (data && v.str("status") == Val::Known("active"))
                {
                    Val::Known(true)
                } else {
                    Val::Unknown
                };
                Object::Peering(Peering {
                    requester: self.one(res, "vpc_id", types_of(Role::Vpc)),
                    accepter: self.one(res, "peer_vpc_id", types_of(Role::Vpc)),
                    peer_region: v.string("peer_region"),
                    accepted,
                })
            }
            ("aws_vpc_peering_connection_accepter", false) => Object::PeeringAccepter(PeeringAccepter {
                peering: self.one(res, "vpc_peering_connection_id", types_of(Role::Peering)),
                accept: v.bool("auto_accept"),
            }),
            _ => Object::Other,
        }
    }
}

impl Fold<'_, '_> {
    /// An accepter accepts the connection it names (when the connection is not active already).
    pub(super) fn peering_accepters(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::PeeringAccepter(_))) {
            let Object::PeeringAccepter(a) = &self.net.res(id).obj else {
                continue;
            };
            let (pcx, accept) = (a.peering.clone(), a.accept.clone());
            let Some(pcx) = self.present_target(&pcx) else {
                continue;
            };
            if let Object::Peering(p) = &mut self.net.resources[pcx.index()].obj
                && p.accepted != Val::Known(true)
            {
                p.accepted = accept.or_default_known(false);
            }
        }
    }
}
