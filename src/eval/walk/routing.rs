//! Leaving a subnet and finding the next hop: same-subnet delivery, NACL egress, the route table
//! (longest prefix, §1), the dispatch to a route's target, and local delivery inside a VPC.

use super::text::dst_text;
use super::{Arrival, Branch, MAX_DEPTH, Open, Owner, StopKind, Walker, family_part};
use crate::eval::nacl::Direction;
use crate::eval::place::PlaceKind;
use crate::eval::reach::{Decision, Stage};
use crate::eval::route::{Target, restrict_dst};
use crate::eval::sets::Family;
use crate::model::{Link, Object, ResId};

impl<'e, 'n> Walker<'e, 'n> {
    /// The packets leave (or stay in) `subnet`: same-subnet delivery skips NACLs and routing;
    /// the rest passes the subnet's NACL egress and its route table.
    pub(super) fn leave(&mut self, mut b: Branch, subnet: ResId) {
        let ev = self.namer();
        let Some(info) = self.ev.subnet(subnet) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Route, Some(ev.net.name(subnet)), || {
                "the subnet is not modelled".into()
            });
            return;
        };
        b.at_subnet = Some(subnet);
        b.at_vpc = info.vpc;
        b.az = info.az.clone();
        let same = restrict_dst(&b.set, &info.cidr);
        if !same.is_empty() && self.at_open_end(&b) {
            self.stop(&b, same.clone(), StopKind::SameSubnet);
            b.set = b.set.difference(&same);
            if b.set.is_empty() {
                return;
            }
        } else if !same.is_empty() {
            let mut sb = b.with(same.clone());
            match self.owner_subnet(&b) {
                Some(s) if s == subnet => {
                    self.hop(
                        &mut sb,
                        Stage::Route,
                        ev.net.name(subnet),
                        Decision::Forward,
                        || "same subnet: delivered without a route table or network ACL".into(),
                        &[],
                    );
                    self.arrive(sb, Arrival::Owner);
                }
                _ => {
                    self.drop(&sb, &same, Stage::Route, Some(ev.net.name(subnet)), || {
                        format!("the destination is inside {}, where the flow's end is not", ev.net.name(subnet))
                    });
                }
            }
            b.set = b.set.difference(&same);
            if b.set.is_empty() {
                return;
            }
        }
        let Some(b) = self.nacl(b, subnet, Direction::Egress) else { return };
        match info.table.clone() {
            Link::To(t, _) => self.route_table(b, t),
            Link::Unknown(why) => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Route, Some(ev.net.name(subnet)), || {
                    format!("the route table of {} is not known: {why}", ev.net.name(subnet))
                });
            }
            _ => {
                let set = b.set.clone();
                self.undetermined(&b, &set, Stage::Route, Some(ev.net.name(subnet)), || {
                    format!("the route table of {} is not known", ev.net.name(subnet))
                });
            }
        }
    }

    pub(super) fn owner_subnet(&self, b: &Branch) -> Option<ResId> {
        match self.owner(b) {
            Owner::Place(p) => p.subnet.filter(|_| p.kind.in_subnet()),
            Owner::Nat(n) => match &self.ev.net.res(n).obj {
                Object::NatGateway(g) => g.subnet.res(),
                _ => None,
            },
        }
    }

    /// A routing loop: `at` (a route table, or a transit gateway ingress attachment) already
    /// routed these destinations on this leg, and routing depends only on the destination, so
    /// the packets would circle until their TTL runs out. Dropped at the hop that closes the
    /// loop (Reachability Analyzer: a loop is no path). Else records `at` for the branch.
    pub(super) fn closes_loop(&mut self, b: &mut Branch, at: ResId, stage: Stage, name: &str) -> bool {
        let dst = b.set.dst_addrs();
        if b.routed.iter().any(|(t, leg, seen)| *t == at && *leg == b.leg && dst.is_subset(seen)) {
            let set = b.set.clone();
            let ev = self.namer();
            self.drop(b, &set, stage, Some(name), || {
                format!(
                    "routing loop: {name} already routed packets for {} on this path and sends them the same way again (the packets circle until their TTL runs out)",
                    dst_text(ev.on(b.leg), &dst)
                )
            });
            return true;
        }
        b.routed.push((at, b.leg, dst));
        false
    }

    pub(super) fn route_table(&mut self, mut b: Branch, table_res: ResId) {
        let ev = self.namer();
        b.depth += 1;
        let table_name = ev.net.name(table_res);
        if self.closes_loop(&mut b, table_res, Stage::Route, table_name) {
            return;
        }
        if b.depth > MAX_DEPTH {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Route, Some(table_name), || "the path loops".into());
            return;
        }
        let Some(table) = self.ev.table(table_res) else {
            let set = b.set.clone();
            self.undetermined(&b, &set, Stage::Route, Some(table_name), || format!("{table_name} cannot be read"));
            return;
        };
        let lookup = table.lookup(&b.set, &self.ev.services, &self.ev.known_cidrs, self.open == Open::Closed);
        for (why, part) in &lookup.undetermined {
            let why = why.clone();
            self.undetermined(&b, part, Stage::Route, Some(table_name), || why);
        }
        if !lookup.none.is_empty() {
            let none = lookup.none.clone();
            let ignored: Vec<String> = table.ignored.iter().map(|(t, w)| format!("{t} is ignored: {w}")).collect();
            self.drop(&b, &none, Stage::Route, Some(table_name), || {
                let mut why = format!(
                    "no route in {table_name} matches {} (NO_ROUTE_TO_DESTINATION)",
                    dst_text(ev.on(b.leg), &none.dst_addrs())
                );
                for i in ignored {
                    why.push_str(&format!("; {i}"));
                }
                why
            });
        }
        for (i, part) in lookup.hits {
            let Some(entry) = table.entries.get(i) else { continue };
            let mut sb = b.with(part);
            let text = entry.text.clone();
            match &entry.target {
                Target::Blackhole(why) => {
                    let why = why.clone();
                    let set = sb.set.clone();
                    self.drop(&sb, &set, Stage::Route, Some(table_name), || {
                        format!("route {text} {}: {why} (BAD_STATE_ROUTE)", crate::eval::BLACKHOLE)
                    });
                }
                Target::Undetermined(why) => {
                    let why = why.clone();
                    let set = sb.set.clone();
                    self.undetermined(&sb, &set, Stage::Route, Some(table_name), || format!("route {text}: {why}"));
                }
                target => {
                    let target = target.clone();
                    let assumption = table
                        .v6_assumption
                        .as_ref()
                        .filter(|_| target != Target::Local && !family_part(&sb.set, Family::V6).is_empty())
                        .cloned();
                    self.hop(
                        &mut sb,
                        Stage::Route,
                        table_name,
                        Decision::Forward,
                        || match assumption {
                            Some(a) => format!("route {text} ({a})"),
                            None => format!("route {text}"),
                        },
                        &[table_res],
                    );
                    self.dispatch(sb, target);
                }
            }
        }
    }

    pub(super) fn dispatch(&mut self, b: Branch, target: Target) {
        match target {
            Target::Local => self.local(b),
            Target::Igw(g) => self.igw_out(b, g),
            Target::Eigw(g) => self.eigw_out(b, g),
            Target::Nat(n) => self.nat_in(b, n),
            Target::Eni(w) => self.appliance_in(b, w),
            Target::Tgw(t) => self.tgw_in(b, t),
            Target::Pcx(p) => self.pcx(b, p),
            Target::Vgw(v) => self.vgw_out(b, v),
            Target::GwlbEndpoint(e) => self.gwlb_in(b, e),
            Target::GatewayEndpoint(e) => self.gateway_endpoint(b, e),
            Target::Blackhole(_) | Target::Undetermined(_) => {}
        }
    }

    /// Local delivery inside the current VPC, to whoever the packets are addressed to.
    pub(super) fn local(&mut self, b: Branch) {
        if self.at_open_end(&b) {
            let set = b.set.clone();
            self.stop(&b, set, StopKind::Local);
            return;
        }
        let ev = self.namer();
        let vpc = b.at_vpc;
        let vpc_name = vpc.map_or("the VPC", |v| ev.net.name(v));
        match self.owner(&b) {
            Owner::Place(p) if p.kind.in_subnet() => {
                let Some(s) = p.subnet else {
                    let set = b.set.clone();
                    let beyond = p.res.is_none() && p.kind == PlaceKind::Subnet;
                    self.undetermined(&b, &set, Stage::Route, Some(&p.name), || {
                        if beyond {
                            format!(
                                "beyond the input: {} is in {vpc_name}, but no subnet of the input holds it (its subnet, route table, NACL and security groups are in another configuration; trace a plan that has them)",
                                p.address
                            )
                        } else {
                            format!("the subnet of {} is not known until apply", p.name)
                        }
                    });
                    return;
                };
                if p.vpc != vpc {
                    let set = b.set.clone();
                    let other = p.vpc.map_or("another VPC", |v| ev.net.name(v));
                    self.drop(&b, &set, Stage::Route, Some(vpc_name), || {
                        format!(
                            "the local route of {vpc_name} covers {}, but {} is in {other} (overlapping CIDRs)",
                            dst_text(ev.on(b.leg), &set.dst_addrs()),
                            p.name
                        )
                    });
                    return;
                }
                self.enter(b, s, Arrival::Owner, false);
            }
            Owner::Place(p) => {
                let set = b.set.clone();
                self.drop(&b, &set, Stage::Route, Some(vpc_name), || {
                    format!("{} lies inside {vpc_name}'s CIDR; the local route keeps it there", p.name)
                });
            }
            Owner::Nat(n) => {
                let Some(s) = self.nat_subnet(n) else {
                    let set = b.set.clone();
                    self.undetermined(&b, &set, Stage::Nat, Some(ev.net.name(n)), || {
                        "the NAT gateway's subnet is not known".into()
                    });
                    return;
                };
                if self.ev.subnet(s).and_then(|i| i.vpc) != vpc {
                    let set = b.set.clone();
                    self.drop(&b, &set, Stage::Route, Some(vpc_name), || {
                        format!("{} is not in {vpc_name}", ev.net.name(n))
                    });
                    return;
                }
                self.enter(b, s, Arrival::Owner, false);
            }
        }
    }
}
