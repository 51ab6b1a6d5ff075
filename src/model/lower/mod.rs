//! Lowering: a parsed [`Document`] becomes a [`Network`].
//!
//! 1. **Collect** (here) the instances that exist on the chosen side of the plan (after apply,
//!    or before it) and remember the ones the plan destroys.
//! 2. **Index** (`index.rs`): register them, plus what AWS creates implicitly (each VPC's main
//!    route table, default network ACL and default security group; a transit gateway's default
//!    route table; a Network Firewall's endpoint per subnet mapping), and index ids, addresses
//!    and module instances.
//! 3. **Type** every resource by its catalog family, resolving its links (`refs`): one file per
//!    family (`vpc.rs`, `subnet.rs`, `route_table.rs`, `gateway.rs`, `peering.rs`, `tgw.rs`,
//!    `endpoint.rs`, `prefix_list.rs`, `security_group.rs`, `nacl.rs`, `workload.rs`,
//!    `load_balancer.rs`, `vpn.rs`), each with its typing and its fold.
//! 4. **Fold** separate resources into what they modify (routes into tables, rules into groups
//!    and ACLs, associations into endpoints…), apply the adoption semantics of `aws_default_*`
//!    (`defaults.rs`; docs/semantics.md §1.1, §2.2, §3.2), and derive which route table and network ACL
//!    each subnet uses. The passes run in a fixed order (`Fold::run`): later ones read what
//!    earlier ones folded.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::attrs::View;
use super::network::{Link, LinkRecord, Links, Network, Origin, Provenance, ResId, Resource};
use super::objects::*;
use super::refs::Linker;
use super::{Mode, Val};
use crate::catalog::{self, Family};
use crate::ingest::{Action, ConfigModule, ConfigResource, Document, RawResource};

mod defaults;
mod endpoint;
mod gateway;
mod index;
mod load_balancer;
mod nacl;
mod peering;
mod prefix_list;
mod route_table;
mod security_group;
mod subnet;
mod tgw;
mod vpc;
mod vpn;
mod workload;

use defaults::implicit_object;
use index::{Builder, constant_or_var, index_config, region_of};
use route_table::PendingRoute;
use vpc::VpcFallback;

/// Which network to build from a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The network as it will be after apply (what tfvpc lints).
    After,
    /// The network before the change (`prior_state` / `change.before`); None for states.
    Before,
}

/// One instance chosen for the side being built.
struct Entry<'d> {
    raw: &'d RawResource,
    origin: Origin,
    view: Option<View<'d>>,
    family: Family,
    /// The attributes ingest kept for it (`catalog::kept_attrs`): generic reads (`arn`,
    /// `region`, …) ask only for these.
    kept: &'static [&'static str],
}

/// Builds the network of one side of a document.
pub fn lower(input: &str, doc: &Document, side: Side) -> Network {
    lower_with(input, doc, side, true).0
}

/// The network of one side, for deciding whether the sources beside a plan are needed: separate
/// routes and rules whose parent is unknown are not spread over every table or group they may
/// belong to (at 200 VPCs that is millions of copies, lowered only to be thrown away once the
/// sources decide the parents). The flag says whether the network is exactly [`lower`]'s (no
/// such route or rule).
pub(crate) fn lower_probe(input: &str, doc: &Document, side: Side) -> (Network, bool) {
    lower_with(input, doc, side, false)
}

fn lower_with(input: &str, doc: &Document, side: Side, fan_out: bool) -> (Network, bool) {
    let entries = collect(doc, side);
    let mut not_modelled: BTreeMap<String, usize> = BTreeMap::new();
    let mut builder = Builder::default();

    // Config lookup: (config module path, local name) → resource block.
    let mut config_modules: HashMap<String, &ConfigModule> = HashMap::new();
    let mut config_res: HashMap<(String, String), &ConfigResource> = HashMap::new();
    let mut providers_region: HashMap<String, String> = HashMap::new();
    if let Some(config) = &doc.config {
        index_config("", &config.root, &mut config_modules, &mut config_res);
        for (key, exprs) in &config.providers {
            if let Some(region) = constant_or_var(exprs.get("region"), doc) {
                providers_region.insert(key.clone(), region);
            }
        }
    }

    for e in &entries {
        if e.family == Family::Other && e.origin != Origin::Deleted {
            *not_modelled.entry(e.raw.addr.rtype().to_string()).or_default() += 1;
        }
        let config = config_res.get(&(e.raw.addr.config_module_path(), e.raw.addr.local_name())).copied();
        let region = region_of(e, config, &providers_region);
        builder.register(e, config, region);
    }

    let empty_vars = BTreeMap::new();
    let ix = builder.index(&config_modules, if side == Side::After { &doc.variables } else { &empty_vars });
    let linker = Linker::new(&ix);
    let mut lw = Lowerer {
        linker: &linker,
        vpcs: VpcFallback::new(&ix),
        links: Vec::new(),
        pending_routes: Vec::new(),
        pending_sg_rules: Vec::new(),
        pending_nacl_rules: Vec::new(),
        has_config: doc.config.is_some(),
    };
    let mut objects: Vec<Object> = Vec::with_capacity(builder.resources.len());
    for i in 0..builder.resources.len() {
        let res = ResId(i as u32);
        let obj = lw.lower_one(res, &builder.resources[i]);
        objects.push(obj);
    }
    let Lowerer { links, pending_routes, pending_sg_rules, pending_nacl_rules, .. } = lw;
    drop(linker);
    let Builder { mut resources, views, implicit, .. } = builder;
    for (r, obj) in resources.iter_mut().zip(objects) {
        r.obj = obj;
    }
    let mut net = Network {
        input: input.to_string(),
        kind: doc.kind,
        resources,
        links,
        warnings: Vec::new(),
        not_modelled,
        other_providers: doc.other_providers.clone(),
        by_name: HashMap::new(),
    };
    for (i, r) in net.resources.iter().enumerate() {
        net.by_name.insert(r.name.clone(), ResId(i as u32));
    }
    let mut fold = Fold { net: &mut net, views: &views, implicit: &implicit, fan_out, skipped: false };
    fold.run(pending_routes, pending_sg_rules, pending_nacl_rules);
    let exact = !fold.skipped;
    if side == Side::After {
        if doc.errored == Some(true) {
            net.warnings.push(
                "the plan is marked `errored`: planning failed part way, so the network may be incomplete".into(),
            );
        }
        if doc.complete == Some(false) {
            net.warnings.push("the plan is not complete (`complete: false`, deferred changes): some resources will only be planned on a later run".into());
        }
    }
    (net, exact)
}

/// The family of a resource the model takes, with the attributes ingest kept for it; None for
/// what the model ignores.
fn family_of(raw: &RawResource) -> Option<(Family, &'static [&'static str])> {
    let rtype = raw.addr.rtype();
    match raw.addr.mode() {
        Mode::Managed => match catalog::managed(rtype) {
            Some(t) => Some((t.family, t.attrs)),
            None => {
                let hinted = catalog::NOT_MODELLED_NETWORK.contains(&rtype)
                    || raw.after.as_ref().or(raw.before.as_ref()).is_some_and(crate::ingest::Attrs::hints_network);
                hinted.then(|| (Family::Other, catalog::kept_attrs(Mode::Managed, rtype)))
            }
        },
        Mode::Data => catalog::data(rtype).map(|t| (t.family, t.attrs)),
    }
}

fn view<'d>(raw: &'d RawResource, a: &'d Option<crate::ingest::Attrs>) -> Option<View<'d>> {
    a.as_ref().map(|a| View::of_resource(a, raw.addr.mode(), raw.addr.rtype()))
}

/// Step 1: the instances of the chosen side, in address order (the plan's destroyed ones too).
fn collect(doc: &Document, side: Side) -> Vec<Entry<'_>> {
    let mut out: Vec<Entry<'_>> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for raw in &doc.resources {
        let Some((family, kept)) = family_of(raw) else {
            continue;
        };
        let data = raw.addr.mode() == Mode::Data;
        let (origin, v) = match side {
            Side::After => match raw.action {
                _ if data => (Origin::Data, view(raw, &raw.after).or_else(|| view(raw, &raw.before))),
                Action::Delete => (Origin::Deleted, view(raw, &raw.before)),
                Action::Forget => (Origin::Managed(Action::Forget), view(raw, &raw.before)),
                a => (Origin::Managed(a), view(raw, &raw.after)),
            },
            Side::Before => match raw.action {
                _ if data => continue,
                Action::Create => continue,
                Action::Existing => (Origin::Managed(Action::Existing), view(raw, &raw.after)),
                _ => (Origin::Managed(Action::NoOp), view(raw, &raw.before)),
            },
        };
        if seen.insert(raw.addr.as_str()) {
            out.push(Entry { raw, origin, view: v, family, kept });
        }
    }
    let data = match side {
        Side::After => &doc.data_after,
        Side::Before => &doc.data_before,
    };
    for raw in data {
        let Some((family, kept)) = family_of(raw) else {
            continue;
        };
        if seen.insert(raw.addr.as_str()) {
            out.push(Entry { raw, origin: Origin::Data, view: view(raw, &raw.after), family, kept });
        }
    }
    out.sort_by(|a, b| a.raw.addr.cmp(&b.raw.addr));
    out
}

/// A module call named by a reference: call name, instance key when given.
type ModuleCall = (String, Option<super::InstanceKey>);

/// Rules from separate rule resources, waiting to be folded.
struct PendingRule<R> {
    /// The rule resource.
    origin: ResId,
    parent: Link,
    egress: bool,
    rules: Vec<R>,
    /// Where to look when the link is unknown: the module calls the parent attribute names,
    /// and the parents it may be when the reference is ambiguous.
    calls: Vec<ModuleCall>,
    may_be: Option<Vec<ResId>>,
}

/// Step 3, typing: the linker, and what typing leaves for the folds (separate routes and
/// rules waiting for their parent).
struct Lowerer<'l, 'a, 'd> {
    linker: &'l Linker<'a, 'd>,
    vpcs: VpcFallback<'a>,
    links: Vec<LinkRecord>,
    pending_routes: Vec<PendingRoute>,
    pending_sg_rules: Vec<PendingRule<SgRule>>,
    pending_nacl_rules: Vec<PendingRule<NaclRule>>,
    has_config: bool,
}

fn parse_v4(s: &str) -> Option<Ipv4Net> {
    s.trim().parse::<Ipv4Net>().ok()
}

fn parse_v6(s: &str) -> Option<Ipv6Net> {
    s.trim().parse::<Ipv6Net>().ok()
}

fn parse_net(s: &str) -> Option<IpNet> {
    s.trim().parse::<IpNet>().ok()
}

impl<'l, 'a, 'd> Lowerer<'l, 'a, 'd> {
    fn view(&self, res: ResId) -> View<'d> {
        self.linker.index().views[res.index()].unwrap_or_else(|| View::empty())
    }

    fn record(&mut self, from: ResId, attr: &str, link: &Link) {
        if *link != Link::Absent {
            self.links.push(LinkRecord { from, attr: attr.to_string(), link: link.clone() });
        }
    }

    fn record_all(&mut self, from: ResId, attr: &str, links: &Links) {
        match links {
            Val::Known(v) => {
                for l in v {
                    self.record(from, attr, l);
                }
            }
            Val::Unknown => self.record(from, attr, &Link::Unknown(format!("{attr} unknown until apply"))),
            Val::Absent => {}
        }
    }

    /// Computed attributes the configuration does not set are unknown in a create plan but
    /// mean "not set" for linking (an EIP not associated by its own arguments, a route table
    /// without `propagating_vgws`).
    fn unset_if_unconfigured<T>(&self, res: ResId, path: &str, v: Val<T>) -> Val<T> {
        let top = path.split('.').next().unwrap_or(path);
        match v {
            Val::Unknown if self.linker.configured(res, top) == Some(false) => Val::Absent,
            other => other,
        }
    }

    /// Where a separate route or rule may belong when its parent `link` is unknown: the module
    /// calls the attribute names, and the parents an ambiguous reference may be.
    fn unlinked_scope(
        &self,
        res: ResId,
        link: &Link,
        attr: &str,
        types: &[&str],
    ) -> (Vec<ModuleCall>, Option<Vec<ResId>>) {
        if !matches!(link, Link::Unknown(_)) {
            return (Vec::new(), None);
        }
        (self.linker.module_calls(res, attr), self.linker.ambiguous_targets(res, attr, types))
    }

    /// A single-valued link of a top-level attribute (`vpc_id` falls back to structure).
    fn one(&mut self, res: ResId, attr: &str, types: &[&str]) -> Link {
        let v = self.view(res);
        let value = self.unset_if_unconfigured(res, attr, v.str(attr));
        let mut link = match self.by_target(value.clone(), v.target(attr), types) {
            Some(link) => link,
            None => self.linker.link(res, value, self.linker.expr(res, attr), types),
        };
        if attr == "vpc_id"
            && let Link::Unknown(why) = &link
        {
            let r = &self.linker.index().names[res.index()];
            let _ = r;
            if let Some(t) = self.infer_vpc_for(res, None) {
                link = Link::To(t, Provenance::Inferred);
            } else {
                link = Link::Unknown(why.clone());
            }
        }
        self.record(res, attr, &link);
        link
    }

    /// A list-valued link of a path (`subnet_ids`, `vpc_config.subnet_ids`).
    fn many(&mut self, res: ResId, path: &str, types: &[&str]) -> Links {
        let v = self.view(res);
        let values = self.unset_if_unconfigured(res, path, v.path_strings(path));
        let links = match self.by_targets(res, &values, v.path_targets(path), types) {
            Some(links) => links,
            None => self.linker.links(res, values, self.linker.expr(res, path), types),
        };
        self.record_all(res, path, &links);
        links
    }

    /// An unknown single-valued link whose target the input records ([`View::target`]): the
    /// instance it names. None when the value is not unknown or the target names nothing.
    fn by_target(&self, value: Val<&str>, target: Option<&str>, types: &[&str]) -> Option<Link> {
        match (value, target) {
            (Val::Unknown, Some(t)) => self.linker.link_target(t, types),
            _ => None,
        }
    }

    /// An unknown list link (or one with unknown elements) whose every element's target the
    /// input records: the instances they name, known elements by id. None unless every
    /// unknown element resolves.
    fn by_targets(
        &self,
        res: ResId,
        values: &Val<Vec<Val<&str>>>,
        targets: Option<Vec<&str>>,
        types: &[&str],
    ) -> Option<Links> {
        let targets = targets?;
        let resolve = |t: &str| self.linker.link_target(t, types);
        match values {
            Val::Unknown => targets.iter().map(|t| resolve(t)).collect::<Option<Vec<Link>>>().map(Val::Known),
            Val::Known(items) if items.iter().any(Val::is_unknown) && items.len() == targets.len() => items
                .iter()
                .zip(&targets)
                .map(|(item, t)| match item {
                    Val::Known(id) => Some(self.linker.link(res, Val::Known(id), None, types)),
                    _ => resolve(t),
                })
                .collect::<Option<Vec<Link>>>()
                .map(Val::Known),
            _ => None,
        }
    }

    /// A link inside a nested block (an inline route's target); the expression is the block
    /// attribute's (merged) one.
    fn nested(&mut self, res: ResId, block: &str, b: View<'_>, attr: &str, types: &[&str], label: &str) -> Link {
        self.nested_as(res, block, b, attr, attr, types, label)
    }

    /// [`Self::nested`] where the value is attribute `attr` of block view `b` and the
    /// configuration expression that of `expr_attr` in `block` (a `forward.target_group.arn` of
    /// a listener's `default_action`, whose expression is the whole `forward` block's).
    #[expect(clippy::too_many_arguments, reason = "the two names of one nested link, each needed")]
    fn nested_as(
        &mut self,
        res: ResId,
        block: &str,
        b: View<'_>,
        attr: &str,
        expr_attr: &str,
        types: &[&str],
        label: &str,
    ) -> Link {
        let value = b.str(attr);
        let link = match self.by_target(value.clone(), b.target(attr), types) {
            Some(link) => link,
            None => {
                let expr =
                    self.linker.expr(res, &format!("{block}.{expr_attr}")).or_else(|| self.linker.expr(res, block));
                self.linker.link(res, value, expr, types)
            }
        };
        self.record(res, label, &link);
        link
    }

    fn nested_many(&mut self, res: ResId, block: &str, b: View<'_>, attr: &str, types: &[&str], label: &str) -> Links {
        let values = b.str_list(attr);
        let links = match self.by_targets(res, &values, b.path_targets(attr), types) {
            Some(links) => links,
            None => {
                let expr = self.linker.expr(res, &format!("{block}.{attr}")).or_else(|| self.linker.expr(res, block));
                self.linker.links(res, values, expr, types)
            }
        };
        self.record_all(res, label, &links);
        links
    }

    /// Types one resource: implicit objects here, every other resource by its catalog family.
    fn lower_one(&mut self, res: ResId, r: &Resource) -> Object {
        if r.origin == Origin::Implicit {
            return implicit_object(r);
        }
        let v = self.view(res);
        let data = r.origin == Origin::Data;
        match r.family {
            Family::Vpc | Family::VpcCidr => self.lower_vpc(res, r, v, data),
            Family::Subnet => self.lower_subnet(res, r, v, data),
            Family::RouteTable | Family::Route | Family::RouteTableAssociation => {
                self.lower_route_table(res, r, v, data)
            }
            Family::InternetGateway | Family::EgressOnlyInternetGateway | Family::NatGateway | Family::Eip => {
                self.lower_gateway(res, r, v, data)
            }
            Family::PeeringConnection => self.lower_peering(res, r, v, data),
            Family::TransitGateway | Family::TransitGatewayAttachment | Family::TransitGatewayRouteTable => {
                self.lower_tgw(res, r, v, data)
            }
            Family::VpcEndpoint => self.lower_endpoint(res, r, v, data),
            Family::PrefixList => self.lower_prefix_list(res, r, v, data),
            Family::SecurityGroup | Family::SecurityGroupRule => self.lower_security_group(res, r, v, data),
            Family::NetworkAcl | Family::NetworkAclRule => self.lower_nacl(res, r, v, data),
            Family::LoadBalancerPart => self.lower_load_balancer_part(res, r, v, data),
            Family::Vpn => self.lower_vpn(res, r, v, data),
            Family::NetworkInterface | Family::Workload | Family::Placement | Family::Other => {
                self.lower_workload(res, r, v, data)
            }
        }
    }

    fn by_name(&mut self, res: ResId, attr: &str, group_type: &str) -> Link {
        let v = self.view(res);
        let link = match v.str(attr) {
            Val::Known(name) => {
                match self.linker.index().by_typed_name.get(&(group_type.to_string(), name.to_string())) {
                    Some(&t) => Link::To(t, Provenance::Id),
                    None => self
                        .linker
                        .link(res, Val::Unknown, self.linker.expr(res, attr), &[group_type])
                        .res()
                        .map_or_else(|| Link::External(Some(name.to_string())), |t| Link::To(t, Provenance::Reference)),
                }
            }
            other => self.linker.link(res, other, self.linker.expr(res, attr), &[group_type]),
        };
        self.record(res, attr, &link);
        link
    }
}

/// Step 4: folds separate resources into what they modify and derives associations. Each
/// family file adds its passes to this `impl`; `run` orders them.
struct Fold<'n, 'd> {
    net: &'n mut Network,
    views: &'n [Option<View<'d>>],
    implicit: &'n HashMap<(ResId, &'static str), ResId>,
    /// Spread separate routes and rules whose parent is unknown over their candidates
    /// ([`lower_probe`] does not).
    fan_out: bool,
    /// A route or rule was not spread (`fan_out` off).
    skipped: bool,
}

impl Fold<'_, '_> {
    fn ids_where(&self, pred: impl Fn(&Resource) -> bool) -> Vec<ResId> {
        self.net
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.present() && pred(r))
            .map(|(i, _)| ResId(i as u32))
            .collect()
    }

    fn run(
        &mut self,
        routes: Vec<PendingRoute>,
        sg_rules: Vec<PendingRule<SgRule>>,
        nacl_rules: Vec<PendingRule<NaclRule>>,
    ) {
        // The VPCs' associated blocks first: the implicit default NACL and group get IPv6 rules
        // when the VPC has an IPv6 block, associated or not.
        self.vpc_cidrs();
        self.implicit_defaults();
        self.adoption();
        self.routes(routes);
        self.sg_rules(sg_rules);
        self.nacl_rules(nacl_rules);
        self.gateway_attachments();
        self.peering_accepters();
        self.tgw_vpc_accepters();
        self.vgw_propagations();
        self.vpn_routes();
        self.prefix_list_entries();
        self.endpoint_associations();
        self.firewall_endpoints();
        self.edge_associations();
        self.main_associations();
        // ENI security group attachments and EIPs before placements: a launch template's public
        // IP setting does not override an EIP.
        self.eni_sg_attachments();
        self.eips();
        self.placements();
        self.subnet_tables();
        self.subnet_acls();
        self.regions();
    }

    fn present_target(&self, link: &Link) -> Option<ResId> {
        link.res().filter(|r| self.net.res(*r).present())
    }

    /// Where a separate route or rule whose parent could not be linked may belong: the parents
    /// an ambiguous reference may be, else the present objects of the parent's kind inside the
    /// module calls its parent attribute names, else (a local) those of its own module instance,
    /// else every present object of that kind (never a guess: each candidate only *may* hold it).
    ///
    /// `all` is every present object of the kind (made once per pass: [`Fold::pool`]).
    fn candidates(
        &self,
        origin: ResId,
        calls: &[ModuleCall],
        may_be: Option<&[ResId]>,
        all: &[ResId],
        kind: impl Fn(&Object) -> bool,
    ) -> Vec<ResId> {
        if let Some(list) = may_be {
            let known: Vec<ResId> =
                list.iter().copied().filter(|&c| self.net.res(c).present() && kind(&self.net.res(c).obj)).collect();
            if !known.is_empty() {
                return known;
            }
        }
        let own = self.net.res(origin).addr.module();
        // Inside `own` (the module instance itself or below it).
        let within = |c: ResId| self.net.res(c).addr.module().starts_with(own);
        let inside_calls = |c: ResId| {
            let theirs = self.net.res(c).addr.module();
            within(c)
                && theirs.get(own.len()).is_some_and(|step| {
                    calls.iter().any(|(name, key)| step.name == *name && (key.is_none() || step.key == *key))
                })
        };
        let inside: Vec<ResId> = all.iter().copied().filter(|&c| !calls.is_empty() && inside_calls(c)).collect();
        if !inside.is_empty() {
            return inside;
        }
        // A local of a module (`security_group_id = local.this_sg_id` in
        // terraform-aws-modules/security-group) names what that module instance holds, when it
        // holds anything of the kind; else it comes in through a variable, from anywhere.
        if calls.is_empty() && !own.is_empty() {
            let local: Vec<ResId> = all.iter().copied().filter(|&c| within(c)).collect();
            if !local.is_empty() {
                return local;
            }
        }
        all.to_vec()
    }

    /// Every present object of a kind, for [`Fold::candidates`].
    fn pool(&self, kind: impl Fn(&Object) -> bool) -> Vec<ResId> {
        self.net.present().filter(|(_, r)| kind(&r.obj)).map(|(id, _)| id).collect()
    }
}

#[cfg(test)]
mod tests;
