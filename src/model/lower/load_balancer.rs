//! Load balancers and their parts: application, network and gateway load balancers, classic
//! ELBs, listeners and listener rules (which target groups they forward to), target groups and
//! their attachments, and the target groups that register a workload's ENIs.

use std::net::IpAddr;

use super::Lowerer;
use crate::catalog::{Role, types_of};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{Link, Links, ResId, Resource};
use crate::model::objects::*;

impl<'d> Lowerer<'_, '_, 'd> {
    /// Types a resource of `Family::LoadBalancerPart`.
    pub(super) fn lower_load_balancer_part(&mut self, res: ResId, r: &Resource, v: View<'d>, data: bool) -> Object {
        match (r.rtype.as_str(), data) {
            ("aws_lb_listener" | "aws_alb_listener", false) => {
                let lb = self.one(res, "load_balancer_arn", types_of(Role::LoadBalancer));
                let tgs = self.action_target_groups(res, v, "default_action");
                Object::Listener(Listener {
                    lb,
                    port: v.int("port"),
                    protocol: v.string("protocol"),
                    target_groups: tgs,
                })
            }
            ("aws_lb_listener_rule", false) => {
                let listener = self.one(res, "listener_arn", types_of(Role::Listener));
                let tgs = self.action_target_groups(res, v, "action");
                Object::ListenerRule(ListenerRule { listener, target_groups: tgs })
            }
            ("aws_lb_target_group" | "aws_alb_target_group", false) => {
                let hc = v.blocks("health_check").into_known().unwrap_or_default();
                let hc_port = hc.first().map_or(Val::Known("traffic-port".to_string()), |b| {
                    b.string("port").or_default_known("traffic-port".into())
                });
                Object::TargetGroup(TargetGroup {
                    port: v.int("port"),
                    protocol: v.string("protocol"),
                    target_type: v.string("target_type").or_default_known("instance".into()),
                    vpc: self.one(res, "vpc_id", types_of(Role::Vpc)),
                    health_check_port: hc_port,
                    preserve_client_ip: v.str("preserve_client_ip").map(|s| s == "true"),
                })
            }
            ("aws_lb_target_group_attachment" | "aws_alb_target_group_attachment", false) => {
                let target_id = v.string("target_id");
                let is_ip = target_id.known().is_some_and(|t| t.parse::<IpAddr>().is_ok());
                Object::TargetAttachment(TargetAttachment {
                    target_group: self.one(res, "target_group_arn", types_of(Role::TargetGroup)),
                    target: if is_ip { Link::Absent } else { self.one(res, "target_id", types_of(Role::LbTarget)) },
                    target_id,
                    port: v.int("port"),
                })
            }
            ("aws_autoscaling_attachment", false) => Object::TargetAttachment(TargetAttachment {
                target_group: self.one(res, "lb_target_group_arn", types_of(Role::TargetGroup)),
                target: self.by_name(res, "autoscaling_group_name", "aws_autoscaling_group"),
                target_id: v.string("autoscaling_group_name"),
                port: Val::Absent,
            }),
            _ => Object::Other,
        }
    }

    /// `aws_lb`, `aws_alb`.
    pub(super) fn load_balancer(&mut self, res: ResId, v: View<'d>) -> Object {
        let lb_type = match v.str("load_balancer_type") {
            Val::Known("network") => LbType::Network,
            Val::Known("gateway") => LbType::Gateway,
            _ => LbType::Application,
        };
        let mut subnets = self.many(res, "subnets", types_of(Role::Subnet));
        if matches!(subnets, Val::Absent | Val::Known(_)) && subnets.known().is_none_or(Vec::is_empty) {
            let mapped = self.many(res, "subnet_mapping.subnet_id", types_of(Role::Subnet));
            if !mapped.is_absent() {
                subnets = mapped;
            }
        }
        // `internal` is computed: unknown in a create plan when not set (internet-facing).
        // A Gateway Load Balancer is never internet-facing.
        let internal = if lb_type == LbType::Gateway {
            Val::Known(true)
        } else {
            self.unset_if_unconfigured(res, "internal", v.bool("internal")).or_default_known(false)
        };
        Object::Workload(Workload {
            kind: WorkloadKind::LoadBalancer(lb_type),
            subnets,
            security_groups: self
                .many(res, "security_groups", types_of(Role::SecurityGroup))
                .or_default_known(Vec::new()),
            public_ip: internal.clone().map(|i| !i),
            internal,
            client_ports: Some((1024, 65535)),
            in_vpc: true,
            ..Workload::default()
        })
    }

    /// `aws_elb`.
    pub(super) fn classic_load_balancer(&mut self, res: ResId, v: View<'d>) -> Object {
        // `internal` is computed: unknown in a create plan when not set (internet-facing).
        let internal = self.unset_if_unconfigured(res, "internal", v.bool("internal")).or_default_known(false);
        Object::Workload(Workload {
            kind: WorkloadKind::ClassicLoadBalancer,
            subnets: self.many(res, "subnets", types_of(Role::Subnet)),
            security_groups: self.many(res, "security_groups", types_of(Role::SecurityGroup)),
            public_ip: internal.clone().map(|i| !i),
            internal,
            client_ports: Some((1024, 65535)),
            in_vpc: true,
            ..Workload::default()
        })
    }

    /// The target groups that register a workload's ENIs: an ECS service's `load_balancer`
    /// blocks (with `container_port`), an autoscaling group's `target_group_arns`.
    pub(super) fn registered_target_groups(&mut self, res: ResId, rtype: &str, v: View<'d>) -> Vec<(Link, Val<i64>)> {
        match rtype {
            "aws_ecs_service" => {
                let blocks = v.blocks("load_balancer").into_known().unwrap_or_default();
                let mut out = Vec::new();
                for b in blocks {
                    if b.str("target_group_arn").is_absent() {
                        continue; // a classic ELB (`elb_name`)
                    }
                    let link = self.nested(
                        res,
                        "load_balancer",
                        b,
                        "target_group_arn",
                        types_of(Role::TargetGroup),
                        "load_balancer",
                    );
                    out.push((link, b.int("container_port")));
                }
                out
            }
            "aws_autoscaling_group" => {
                let links = self.nested_many(
                    res,
                    "target_group_arns",
                    v,
                    "target_group_arns",
                    types_of(Role::TargetGroup),
                    "target_group_arns",
                );
                match links {
                    Val::Known(l) => l.into_iter().map(|t| (t, Val::Absent)).collect(),
                    Val::Unknown => vec![(Link::Unknown("target groups unknown until apply".into()), Val::Absent)],
                    Val::Absent => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn action_target_groups(&mut self, res: ResId, v: View<'d>, block: &str) -> Links {
        let mut out: Vec<Link> = Vec::new();
        let mut unknown = false;
        match v.blocks(block) {
            Val::Known(actions) => {
                for a in actions {
                    if a.str("type").known().is_some_and(|t| *t != "forward") {
                        continue;
                    }
                    match a.str("target_group_arn") {
                        Val::Absent => {}
                        _ => out.push(self.nested(
                            res,
                            block,
                            a,
                            "target_group_arn",
                            types_of(Role::TargetGroup),
                            &format!("{block}.target_group_arn"),
                        )),
                    }
                    if let Val::Known(fwd) = a.blocks("forward") {
                        for f in fwd {
                            if let Val::Known(tgs) = f.blocks("target_group") {
                                for t in tgs {
                                    out.push(self.nested_as(
                                        res,
                                        block,
                                        t,
                                        "arn",
                                        "forward",
                                        types_of(Role::TargetGroup),
                                        &format!("{block}.forward.target_group.arn"),
                                    ));
                                }
                            }
                        }
                    }
                }
            }
            Val::Unknown => unknown = true,
            Val::Absent => {}
        }
        if unknown { Val::Unknown } else { Val::Known(out) }
    }
}
