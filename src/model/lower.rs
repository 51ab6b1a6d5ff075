//! Lowering: a parsed [`Document`] becomes a [`Network`].
//!
//! 1. Collect the instances that exist on the chosen side of the plan (after apply, or before
//!    it) and remember the ones the plan destroys.
//! 2. Register them, plus what AWS creates implicitly (each VPC's main route table, default
//!    network ACL and default security group; a transit gateway's default route table), and index
//!    ids, addresses and module instances.
//! 3. Type every resource, resolving its links (`refs`).
//! 4. Fold separate resources into what they modify (routes into tables, rules into groups and
//!    ACLs, associations into endpoints…), apply the adoption semantics of `aws_default_*`
//!    (SEMANTICS §1.1, §2.2, §3.2), and derive which route table and network ACL each subnet uses.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde_json::Value;

use super::attrs::View;
use super::network::{Link, LinkRecord, Links, Network, Origin, Provenance, ResId, Resource};
use super::objects::*;
use super::refs::{Index, Linker};
use super::{Mode, Val};
use crate::catalog::{self, Family, TypeInfo};
use crate::ingest::{Action, ConfigModule, ConfigResource, Document, RawResource};

/// Which network to build from a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The network as it will be after apply (what tfvpc lints).
    After,
    /// The network before the change (`prior_state` / `change.before`); None for states.
    Before,
}

const VPC: &[&str] = &["aws_vpc", "aws_default_vpc"];
const SUBNET: &[&str] = &["aws_subnet", "aws_default_subnet"];
const RT: &[&str] = &["aws_route_table", "aws_default_route_table"];
const SG: &[&str] = &["aws_security_group", "aws_default_security_group"];
const NACL: &[&str] = &["aws_network_acl", "aws_default_network_acl"];
const IGW: &[&str] = &["aws_internet_gateway"];
const VGW: &[&str] = &["aws_vpn_gateway"];
const GATEWAYS: &[&str] = &["aws_internet_gateway", "aws_vpn_gateway"];
const ENI: &[&str] = &["aws_network_interface", "aws_instance"];
const INSTANCE: &[&str] = &["aws_instance"];
const PL: &[&str] = &["aws_ec2_managed_prefix_list", "aws_prefix_list", "aws_vpc_endpoint"];
const TGW: &[&str] = &["aws_ec2_transit_gateway"];
const TGW_ATT: &[&str] = &[
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ec2_transit_gateway_peering_attachment_accepter",
    "aws_vpn_connection",
];
const TGW_RT: &[&str] = &["aws_ec2_transit_gateway_route_table"];
const EIP: &[&str] = &["aws_eip"];
const PCX: &[&str] = &["aws_vpc_peering_connection"];
const ENDPOINT: &[&str] = &["aws_vpc_endpoint"];
const LB: &[&str] = &["aws_lb", "aws_alb", "aws_elb"];
const TG: &[&str] = &["aws_lb_target_group", "aws_alb_target_group"];
const LISTENER: &[&str] = &["aws_lb_listener", "aws_alb_listener"];
const CGW: &[&str] = &["aws_customer_gateway"];
const VPN: &[&str] = &["aws_vpn_connection"];
const TARGETS: &[&str] = &["aws_instance", "aws_network_interface", "aws_lambda_function", "aws_lb", "aws_alb"];
const LAUNCH: &[&str] = &["aws_launch_template", "aws_launch_configuration"];

/// One instance chosen for the side being built.
struct Entry<'d> {
    raw: &'d RawResource,
    origin: Origin,
    view: Option<View<'d>>,
    family: Family,
}

/// Builds the network of one side of a document.
pub fn lower(input: &str, doc: &Document, side: Side) -> Network {
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
        let id = e.view.map_or(Val::Unknown, |v| v.string("id"));
        let before_id = e.raw.before.as_ref().and_then(|b| View::of(b).str("id").into_known()).map(str::to_string);
        let res = builder.push(Resource {
            addr: e.raw.addr.clone(),
            name: e.raw.addr.as_str().to_string(),
            rtype: e.raw.addr.rtype().to_string(),
            family: e.family,
            origin: e.origin,
            id,
            before_id,
            region,
            obj: Object::Other,
        });
        builder.views.push(e.view);
        builder.configs.push(config);
        // Implicit children of VPCs and transit gateways.
        if e.origin != Origin::Deleted {
            match (e.raw.addr.rtype(), e.family) {
                (_, Family::Vpc) if e.raw.addr.rtype() != "aws_region" => {
                    for (what, rtype, family) in [
                        ("main_route_table", "aws_route_table", Family::RouteTable),
                        ("default_network_acl", "aws_network_acl", Family::NetworkAcl),
                        ("default_security_group", "aws_security_group", Family::SecurityGroup),
                    ] {
                        builder.implicit_child(res, what, rtype, family);
                    }
                }
                ("aws_ec2_transit_gateway", _) => {
                    builder.implicit_child(
                        res,
                        "default_route_table",
                        "aws_ec2_transit_gateway_route_table",
                        Family::TransitGatewayRouteTable,
                    );
                }
                _ => {}
            }
        }
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
    let mut fold = Fold { net: &mut net, views: &views, implicit: &implicit };
    fold.run(pending_routes, pending_sg_rules, pending_nacl_rules);
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
    net
}

fn index_config<'d>(
    path: &str,
    module: &'d ConfigModule,
    modules: &mut HashMap<String, &'d ConfigModule>,
    resources: &mut HashMap<(String, String), &'d ConfigResource>,
) {
    modules.insert(path.to_string(), module);
    for r in &module.resources {
        resources.insert((path.to_string(), r.address.clone()), r);
    }
    for (name, call) in &module.module_calls {
        let child = if path.is_empty() { format!("module.{name}") } else { format!("{path}.module.{name}") };
        index_config(&child, &call.module, modules, resources);
    }
}

fn constant_or_var(expr: Option<&Value>, doc: &Document) -> Option<String> {
    let expr = expr?;
    if let Some(Value::String(s)) = expr.get("constant_value") {
        return Some(s.clone());
    }
    let refs = expr.get("references")?.as_array()?;
    let first = refs.first()?.as_str()?;
    let var = first.strip_prefix("var.")?;
    match doc.variables.get(var) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => doc.config.as_ref()?.root.variable_defaults.get(var)?.as_str().map(str::to_string),
    }
}

fn region_of(e: &Entry<'_>, config: Option<&ConfigResource>, providers: &HashMap<String, String>) -> Option<String> {
    if let Some(v) = e.view {
        if let Val::Known(r) = v.str("region") {
            return Some(r.to_string());
        }
        if let Val::Known(arn) = v.str("arn")
            && let Some(region) = arn.split(':').nth(3)
            && !region.is_empty()
        {
            return Some(region.to_string());
        }
    }
    if let Some(c) = config
        && let Some(r) = providers.get(&c.provider_key)
    {
        return Some(r.clone());
    }
    if let Some(v) = e.view
        && let Val::Known(az) = v.str("availability_zone")
        && az.len() > 1
        && az.ends_with(|c: char| c.is_ascii_lowercase())
    {
        return Some(az[..az.len() - 1].to_string());
    }
    None
}

fn family_of(raw: &RawResource) -> Option<Family> {
    let rtype = raw.addr.rtype();
    match raw.addr.mode() {
        Mode::Managed => match catalog::managed(rtype) {
            Some(t) => Some(t.family),
            None => {
                let hinted = catalog::NOT_MODELLED_NETWORK.contains(&rtype)
                    || raw.after.as_ref().or(raw.before.as_ref()).is_some_and(crate::ingest::Attrs::hints_network);
                hinted.then_some(Family::Other)
            }
        },
        Mode::Data => catalog::data(rtype).map(|t| t.family),
    }
}

fn view(a: &Option<crate::ingest::Attrs>) -> Option<View<'_>> {
    a.as_ref().map(View::of)
}

fn collect(doc: &Document, side: Side) -> Vec<Entry<'_>> {
    let mut out: Vec<Entry<'_>> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for raw in &doc.resources {
        let Some(family) = family_of(raw) else {
            continue;
        };
        let data = raw.addr.mode() == Mode::Data;
        let (origin, v) = match side {
            Side::After => match raw.action {
                _ if data => (Origin::Data, view(&raw.after).or_else(|| view(&raw.before))),
                Action::Delete => (Origin::Deleted, view(&raw.before)),
                Action::Forget => (Origin::Managed(Action::Forget), view(&raw.before)),
                a => (Origin::Managed(a), view(&raw.after)),
            },
            Side::Before => match raw.action {
                _ if data => continue,
                Action::Create => continue,
                Action::Existing => (Origin::Managed(Action::Existing), view(&raw.after)),
                _ => (Origin::Managed(Action::NoOp), view(&raw.before)),
            },
        };
        if seen.insert(raw.addr.as_str()) {
            out.push(Entry { raw, origin, view: v, family });
        }
    }
    let data = match side {
        Side::After => &doc.data_after,
        Side::Before => &doc.data_before,
    };
    for raw in data {
        let Some(family) = family_of(raw) else {
            continue;
        };
        if seen.insert(raw.addr.as_str()) {
            out.push(Entry { raw, origin: Origin::Data, view: view(&raw.after), family });
        }
    }
    out.sort_by(|a, b| a.raw.addr.cmp(&b.raw.addr));
    out
}

#[derive(Default)]
struct Builder<'d> {
    resources: Vec<Resource>,
    views: Vec<Option<View<'d>>>,
    configs: Vec<Option<&'d ConfigResource>>,
    implicit: HashMap<(ResId, &'static str), ResId>,
}

impl<'d> Builder<'d> {
    fn push(&mut self, r: Resource) -> ResId {
        self.resources.push(r);
        ResId((self.resources.len() - 1) as u32)
    }

    fn implicit_child(&mut self, parent: ResId, what: &'static str, rtype: &str, family: Family) {
        let p = &self.resources[parent.index()];
        let r = Resource {
            addr: p.addr.clone(),
            name: format!("{}:{what}", p.name),
            rtype: rtype.to_string(),
            family,
            origin: Origin::Implicit,
            id: Val::Unknown,
            before_id: None,
            region: p.region.clone(),
            obj: Object::Other,
        };
        let id = self.push(r);
        self.views.push(None);
        self.configs.push(None);
        self.implicit.insert((parent, what), id);
    }

    fn index(
        &self,
        config_modules: &HashMap<String, &'d ConfigModule>,
        variables: &'d BTreeMap<String, Value>,
    ) -> Index<'d> {
        let n = self.resources.len();
        let mut ix = Index {
            names: Vec::with_capacity(n),
            types: Vec::with_capacity(n),
            is_data: Vec::with_capacity(n),
            modules: Vec::with_capacity(n),
            keys: Vec::with_capacity(n),
            views: self.views.clone(),
            configs: self.configs.clone(),
            by_id: HashMap::new(),
            deleted_ids: HashMap::new(),
            by_local: HashMap::new(),
            deleted_by_local: HashMap::new(),
            module_keys: HashMap::new(),
            config_modules: config_modules.clone(),
            variables,
            implicit: self.implicit.clone(),
            by_typed_name: HashMap::new(),
        };
        for (i, r) in self.resources.iter().enumerate() {
            let id = ResId(i as u32);
            ix.names.push(r.name.clone());
            ix.types.push(r.rtype.clone());
            ix.is_data.push(r.origin == Origin::Data);
            ix.modules.push(r.addr.module().to_vec());
            ix.keys.push(if r.origin == Origin::Implicit { None } else { r.addr.key().cloned() });
            if r.origin == Origin::Implicit {
                continue;
            }
            // Module instances.
            let steps = r.addr.module();
            for depth in 0..steps.len() {
                let parent = crate::addr::module_steps_text(&steps[..depth]);
                ix.module_keys.entry((parent, steps[depth].name.clone())).or_default().insert(steps[depth].key.clone());
            }
            let local = (r.addr.module_instance_path(), r.addr.local_name());
            let view = self.views[i];
            if r.origin == Origin::Deleted {
                ix.deleted_by_local.entry(local).or_default().push(id);
                for key in ["id", "arn"] {
                    if let Some(v) = view.and_then(|v| v.str(key).into_known()) {
                        ix.deleted_ids.entry(v.to_string()).or_insert(id);
                    }
                }
                continue;
            }
            ix.by_local.entry(local).or_default().push(id);
            // A replaced resource's old id does not exist after apply (the new one gets a new id):
            // a literal reference to it is a reference to something destroyed.
            if let Some(old) = &r.before_id
                && view.and_then(|v| v.str("id").into_known()) != Some(old.as_str())
            {
                ix.deleted_ids.entry(old.clone()).or_insert(id);
            }
            let Some(view) = view else { continue };
            let mut ids: Vec<&str> = ["id", "arn"].iter().filter_map(|k| view.str(k).into_known()).collect();
            match r.rtype.as_str() {
                "aws_instance" | "aws_nat_gateway" => {
                    ids.extend(view.str("primary_network_interface_id").into_known());
                    ids.extend(view.str("network_interface_id").into_known());
                }
                "aws_eip" => ids.extend(view.str("allocation_id").into_known()),
                "aws_vpn_connection" => ids.extend(view.str("transit_gateway_attachment_id").into_known()),
                "aws_db_subnet_group"
                | "aws_elasticache_subnet_group"
                | "aws_redshift_subnet_group"
                | "aws_docdb_subnet_group"
                | "aws_neptune_subnet_group"
                | "aws_memorydb_subnet_group"
                | "aws_launch_template"
                | "aws_launch_configuration" => {
                    if let Val::Known(name) = view.str("name") {
                        ix.by_typed_name.insert((r.rtype.clone(), name.to_string()), id);
                    }
                }
                "aws_dms_replication_subnet_group" => {
                    if let Val::Known(name) = view.str("replication_subnet_group_id") {
                        ix.by_typed_name.insert((r.rtype.clone(), name.to_string()), id);
                    }
                }
                _ => {}
            }
            for v in ids {
                // An accepter shares its peering connection's id: the connection wins.
                if r.rtype == "aws_vpc_peering_connection_accepter" && ix.by_id.contains_key(v) {
                    continue;
                }
                ix.by_id.insert(v.to_string(), id);
            }
            // Ids of implicit children.
            for (attr, what) in [
                ("default_route_table_id", "main_route_table"),
                ("main_route_table_id", "main_route_table"),
                ("default_network_acl_id", "default_network_acl"),
                ("default_security_group_id", "default_security_group"),
                ("association_default_route_table_id", "default_route_table"),
            ] {
                if let (Val::Known(v), Some(child)) = (view.str(attr), self.implicit.get(&(id, what))) {
                    ix.by_id.entry(v.to_string()).or_insert(*child);
                }
            }
        }
        ix
    }
}

/// A route from an `aws_route`, waiting to be folded into its table.
/// A module call named by a reference: call name, instance key when given.
type ModuleCall = (String, Option<super::InstanceKey>);

struct PendingRoute {
    table: Link,
    route: Route,
    /// Where to look when the link is unknown: the module calls its `route_table_id` names, and
    /// the tables it may be when the reference is ambiguous.
    calls: Vec<ModuleCall>,
    may_be: Option<Vec<ResId>>,
}

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

/// The VPCs a `vpc_id` set through a local can fall back to (SEMANTICS §11), indexed once:
/// scanning every resource for every subnet made lowering quadratic.
struct VpcFallback<'a> {
    /// Present managed VPCs by module instance.
    by_module: HashMap<&'a [super::ModuleStep], Vec<ResId>>,
    /// Every present managed VPC with its primary IPv4 CIDR, when known.
    cidrs: Vec<(ResId, Option<Ipv4Net>)>,
}

impl<'a> VpcFallback<'a> {
    fn new(ix: &'a Index<'_>) -> Self {
        let mut vpcs: Vec<ResId> = ix
            .by_local
            .values()
            .flatten()
            .copied()
            .filter(|t| {
                VPC.contains(&ix.types[t.index()].as_str()) && !ix.is_data[t.index()] && ix.views[t.index()].is_some()
            })
            .collect();
        vpcs.sort();
        vpcs.dedup();
        let mut by_module: HashMap<&'a [super::ModuleStep], Vec<ResId>> = HashMap::new();
        for &t in &vpcs {
            by_module.entry(ix.modules[t.index()].as_slice()).or_default().push(t);
        }
        let cidrs = vpcs
            .iter()
            .map(|&t| (t, ix.views[t.index()].and_then(|v| v.str("cidr_block").into_known()).and_then(parse_v4)))
            .collect();
        VpcFallback { by_module, cidrs }
    }
}

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
        let mut link = self.linker.link(res, value, self.linker.expr(res, attr), types);
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
        let links = self.linker.links(res, values, self.linker.expr(res, path), types);
        self.record_all(res, path, &links);
        links
    }

    /// A link inside a nested block (an inline route's target); the expression is the block
    /// attribute's (merged) one.
    fn nested(&mut self, res: ResId, block: &str, value: Val<&str>, attr: &str, types: &[&str], label: &str) -> Link {
        let expr = self.linker.expr(res, &format!("{block}.{attr}")).or_else(|| self.linker.expr(res, block));
        let link = self.linker.link(res, value, expr, types);
        self.record(res, label, &link);
        link
    }

    fn nested_many(
        &mut self,
        res: ResId,
        block: &str,
        values: Val<Vec<Val<&str>>>,
        attr: &str,
        types: &[&str],
        label: &str,
    ) -> Links {
        let expr = self.linker.expr(res, &format!("{block}.{attr}")).or_else(|| self.linker.expr(res, block));
        let links = self.linker.links(res, values, expr, types);
        self.record_all(res, label, &links);
        links
    }

    /// `vpc_id` with the structural fallback of SEMANTICS §11 for references through locals.
    fn vpc_link(&mut self, res: ResId, _r: &Resource, cidr: Option<Ipv4Net>) -> Link {
        let v = self.view(res);
        let value = self.unset_if_unconfigured(res, "vpc_id", v.str("vpc_id"));
        let link = self.linker.link(res, value, self.linker.expr(res, "vpc_id"), VPC);
        let link = match link {
            Link::Unknown(why) => {
                self.infer_vpc_for(res, cidr).map_or(Link::Unknown(why), |t| Link::To(t, Provenance::Inferred))
            }
            other => other,
        };
        self.record(res, "vpc_id", &link);
        link
    }

    /// The module's only VPC, else the one VPC whose CIDR holds `cidr`.
    fn infer_vpc_for(&self, res: ResId, cidr: Option<Ipv4Net>) -> Option<ResId> {
        let module = self.linker.index().modules[res.index()].as_slice();
        if let Some([only]) = self.vpcs.by_module.get(module).map(Vec::as_slice) {
            return Some(*only);
        }
        let cidr = cidr?;
        let mut holding = self.vpcs.cidrs.iter().filter(|(_, vc)| vc.is_some_and(|vc| vc.contains(&cidr)));
        match (holding.next(), holding.next()) {
            (Some((only, _)), None) => Some(*only),
            _ => None,
        }
    }

    fn lower_one(&mut self, res: ResId, r: &Resource) -> Object {
        if r.origin == Origin::Implicit {
            return implicit_object(r);
        }
        let v = self.view(res);
        let data = r.origin == Origin::Data;
        match (r.rtype.as_str(), data) {
            ("aws_vpc" | "aws_default_vpc", _) => {
                let mut vpc = Vpc {
                    is_default: r.rtype == "aws_default_vpc" || v.bool("default") == Val::Known(true),
                    defaults_known: r.rtype == "aws_vpc" && !data,
                    ..Vpc::default()
                };
                vpc.cidrs_v4.push(VpcCidr {
                    cidr: v.str("cidr_block").and_then(parse_v4),
                    source: res,
                    from_ipam: !v.str("ipv4_ipam_pool_id").is_absent(),
                });
                if let Val::Known(blocks) = v.blocks("cidr_block_associations") {
                    for b in blocks {
                        let c = b.str("cidr_block").and_then(parse_v4);
                        if c != vpc.cidrs_v4[0].cidr {
                            vpc.cidrs_v4.push(VpcCidr { cidr: c, source: res, from_ipam: false });
                        }
                    }
                }
                // `ipv6_cidr_block` is computed: unknown in a create plan even when the VPC gets no
                // IPv6 block. It exists only when asked for (Amazon-provided or from a pool).
                let wants_v6 = v.bool("assign_generated_ipv6_cidr_block") == Val::Known(true)
                    || self.linker.configured(res, "ipv6_cidr_block") == Some(true)
                    || self.linker.configured(res, "ipv6_ipam_pool_id") == Some(true)
                    || self.linker.configured(res, "assign_generated_ipv6_cidr_block").is_none();
                match v.str("ipv6_cidr_block").and_then(parse_v6) {
                    Val::Absent => {}
                    Val::Unknown if !wants_v6 => {}
                    c => vpc.cidrs_v6.push(VpcCidr { cidr: c, source: res, from_ipam: false }),
                }
                Object::Vpc(vpc)
            }
            ("aws_vpc_ipv4_cidr_block_association" | "aws_vpc_ipv6_cidr_block_association", _) => {
                let vpc = self.one(res, "vpc_id", VPC);
                Object::CidrAssociation(CidrAssociation {
                    vpc,
                    cidr_v4: v.str("cidr_block").and_then(parse_v4),
                    cidr_v6: v.str("ipv6_cidr_block").and_then(parse_v6),
                    from_ipam: !v.str("ipv4_ipam_pool_id").is_absent() || !v.str("ipv6_ipam_pool_id").is_absent(),
                })
            }
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
                    is_default: r.rtype == "aws_default_subnet" || v.bool("default_for_az") == Val::Known(true),
                    ..Subnet::default()
                })
            }
            ("aws_subnets" | "aws_subnet_ids", true) => {
                Object::SubnetList(SubnetList { subnets: self.many(res, "ids", SUBNET) })
            }
            ("aws_route_table" | "aws_default_route_table", _) => self.route_table(res, r, data),
            ("aws_route", false) => {
                let table = self.one(res, "route_table_id", RT);
                let route = self.route_from(res, v, None, None);
                let (calls, may_be) = self.unlinked_scope(res, &table, "route_table_id", RT);
                self.pending_routes.push(PendingRoute { table: table.clone(), route, calls, may_be });
                Object::Route(RouteResource { table })
            }
            ("aws_route_table_association", false) => Object::RouteTableAssociation(RouteTableAssociation {
                subnet: self.one(res, "subnet_id", SUBNET),
                gateway: self.one(res, "gateway_id", GATEWAYS),
                table: self.one(res, "route_table_id", RT),
            }),
            ("aws_main_route_table_association", false) => {
                Object::MainRouteTableAssociation(MainRouteTableAssociation {
                    vpc: self.one(res, "vpc_id", VPC),
                    table: self.one(res, "route_table_id", RT),
                })
            }
            ("aws_internet_gateway", _) => {
                let vpc = if data {
                    let attachments = v.blocks("attachments").into_known().unwrap_or_default();
                    let val = attachments.first().map_or(Val::Absent, |a| a.str("vpc_id"));
                    let link = self.linker.link(res, val, None, VPC);
                    self.record(res, "attachments.vpc_id", &link);
                    link
                } else {
                    self.one(res, "vpc_id", VPC)
                };
                Object::InternetGateway(Gateway { vpc })
            }
            ("aws_egress_only_internet_gateway", false) => {
                Object::EgressOnlyGateway(Gateway { vpc: self.one(res, "vpc_id", VPC) })
            }
            ("aws_internet_gateway_attachment", false) => Object::GatewayAttachment(GatewayAttachment {
                gateway: self.one(res, "internet_gateway_id", IGW),
                vpc: self.one(res, "vpc_id", VPC),
            }),
            ("aws_vpn_gateway_attachment", false) => Object::GatewayAttachment(GatewayAttachment {
                gateway: self.one(res, "vpn_gateway_id", VGW),
                vpc: self.one(res, "vpc_id", VPC),
            }),
            ("aws_nat_gateway", _) => Object::NatGateway(NatGateway {
                subnet: self.one(res, "subnet_id", SUBNET),
                public: match v.str("connectivity_type") {
                    Val::Known("private") => Val::Known(false),
                    Val::Known(_) | Val::Absent => Val::Known(true),
                    Val::Unknown => Val::Unknown,
                },
                eip: self.one(res, "allocation_id", EIP),
                private_ip: v.str("private_ip").and_then(|s| s.parse().ok()),
            }),
            ("aws_eip", false) => Object::Eip(Eip {
                instance: self.one(res, "instance", INSTANCE),
                eni: self.one(res, "network_interface", ENI),
            }),
            ("aws_eip_association", false) => Object::EipAssociation(EipAssociation {
                eip: self.one(res, "allocation_id", EIP),
                instance: self.one(res, "instance_id", INSTANCE),
                eni: self.one(res, "network_interface_id", ENI),
            }),
            ("aws_vpc_peering_connection", _) => {
                let accepted = if v.bool("auto_accept") == Val::Known(true)
                    || v.str("accept_status") == Val::Known("active")
                    || v.str("status") == Val::Known("active")
                {
                    Val::Known(true)
                } else {
                    Val::Unknown
                };
                Object::Peering(Peering {
                    requester: self.one(res, "vpc_id", VPC),
                    accepter: self.one(res, "peer_vpc_id", VPC),
                    peer_region: v.string("peer_region"),
                    accepted,
                })
            }
            ("aws_vpc_peering_connection_accepter", false) => Object::PeeringAccepter(PeeringAccepter {
                peering: self.one(res, "vpc_peering_connection_id", PCX),
                accept: v.bool("auto_accept"),
            }),
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
                let tgw = self.one(res, "transit_gateway_id", TGW);
                let vpc = self.one(res, "vpc_id", VPC);
                let subnets = self.many(res, "subnet_ids", SUBNET);
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
            ("aws_ec2_transit_gateway_peering_attachment", false) => Object::TgwAttachment(TgwAttachment {
                tgw: self.one(res, "transit_gateway_id", TGW),
                kind: AttachmentKind::Peering {
                    peer: self.one(res, "peer_transit_gateway_id", TGW),
                    peer_region: v.string("peer_region"),
                },
                default_association: Val::Known(false),
                default_propagation: Val::Known(false),
            }),
            ("aws_ec2_transit_gateway_peering_attachment_accepter", false) => Object::TgwAttachment(TgwAttachment {
                tgw: self.one(res, "transit_gateway_id", TGW),
                kind: AttachmentKind::PeeringAccepter {
                    attachment: self.one(res, "transit_gateway_attachment_id", TGW_ATT),
                },
                default_association: Val::Known(false),
                default_propagation: Val::Known(false),
            }),
            ("aws_ec2_transit_gateway_route_table", false) => {
                Object::TgwRouteTable(TgwRouteTable { tgw: self.one(res, "transit_gateway_id", TGW) })
            }
            ("aws_ec2_transit_gateway_route", false) => Object::TgwRoute(TgwRoute {
                table: self.one(res, "transit_gateway_route_table_id", TGW_RT),
                dest: v.str("destination_cidr_block").and_then(parse_net),
                attachment: self.one(res, "transit_gateway_attachment_id", TGW_ATT),
                blackhole: v.bool("blackhole").or_default_known(false),
            }),
            ("aws_ec2_transit_gateway_route_table_association", false) => Object::TgwAssociation(TgwTableLink {
                table: self.one(res, "transit_gateway_route_table_id", TGW_RT),
                attachment: self.one(res, "transit_gateway_attachment_id", TGW_ATT),
            }),
            ("aws_ec2_transit_gateway_route_table_propagation", false) => Object::TgwPropagation(TgwTableLink {
                table: self.one(res, "transit_gateway_route_table_id", TGW_RT),
                attachment: self.one(res, "transit_gateway_attachment_id", TGW_ATT),
            }),
            ("aws_vpc_endpoint", _) => {
                let kind = match v.str("vpc_endpoint_type") {
                    Val::Known("Interface") => Val::Known(EndpointKind::Interface),
                    Val::Known("GatewayLoadBalancer") => Val::Known(EndpointKind::GatewayLoadBalancer),
                    Val::Known(_) | Val::Absent => Val::Known(EndpointKind::Gateway),
                    Val::Unknown => Val::Unknown,
                };
                Object::Endpoint(Endpoint {
                    vpc: self.one(res, "vpc_id", VPC),
                    service: v.string("service_name"),
                    kind,
                    route_tables: self.many(res, "route_table_ids", RT).or_default_known(Vec::new()),
                    subnets: self.many(res, "subnet_ids", SUBNET).or_default_known(Vec::new()),
                    security_groups: self.many(res, "security_group_ids", SG).or_default_known(Vec::new()),
                    private_dns: v.bool("private_dns_enabled"),
                })
            }
            ("aws_vpc_endpoint_route_table_association", false) => Object::EndpointAssociation(EndpointAssociation {
                endpoint: self.one(res, "vpc_endpoint_id", ENDPOINT),
                other: self.one(res, "route_table_id", RT),
            }),
            ("aws_vpc_endpoint_subnet_association", false) => Object::EndpointAssociation(EndpointAssociation {
                endpoint: self.one(res, "vpc_endpoint_id", ENDPOINT),
                other: self.one(res, "subnet_id", SUBNET),
            }),
            ("aws_vpc_endpoint_security_group_association", false) => {
                Object::EndpointAssociation(EndpointAssociation {
                    endpoint: self.one(res, "vpc_endpoint_id", ENDPOINT),
                    other: self.one(res, "security_group_id", SG),
                })
            }
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
                list: self.one(res, "prefix_list_id", PL),
                cidr: v.str("cidr").and_then(parse_net),
            }),
            ("aws_security_group" | "aws_default_security_group", _) => self.security_group(res, r, data),
            ("aws_security_groups", true) => Object::Other,
            ("aws_security_group_rule", false) => {
                let group = self.one(res, "security_group_id", SG);
                let egress = v.str("type") == Val::Known("egress");
                let rules = self.sg_rules_of_block(res, v, None, "");
                let (calls, may_be) = self.unlinked_scope(res, &group, "security_group_id", SG);
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
                let group = self.one(res, "security_group_id", SG);
                let egress = r.rtype.ends_with("egress_rule");
                let peer = if let Val::Known(_) | Val::Unknown = v.str("cidr_ipv4") {
                    SgPeer::Cidr(v.str("cidr_ipv4").and_then(parse_net))
                } else if !v.str("cidr_ipv6").is_absent() {
                    SgPeer::Cidr(v.str("cidr_ipv6").and_then(parse_net))
                } else if !v.str("prefix_list_id").is_absent() {
                    SgPeer::PrefixList(self.one(res, "prefix_list_id", PL))
                } else if !v.str("referenced_security_group_id").is_absent() {
                    let link = self.one(res, "referenced_security_group_id", SG);
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
                let (calls, may_be) = self.unlinked_scope(res, &group, "security_group_id", SG);
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
            ("aws_network_acl" | "aws_default_network_acl", false) => self.network_acl(res, r),
            ("aws_network_acl_rule", false) => {
                let acl = self.one(res, "network_acl_id", NACL);
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
                let (calls, may_be) = self.unlinked_scope(res, &acl, "network_acl_id", NACL);
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
                acl: self.one(res, "network_acl_id", NACL),
                subnet: self.one(res, "subnet_id", SUBNET),
            }),
            ("aws_network_interface", _) => {
                let subnet = self.one(res, "subnet_id", SUBNET);
                let sgs = self.many(res, "security_groups", SG);
                let attached = match v.blocks("attachment") {
                    Val::Known(b) => b.first().map_or(Link::Absent, |a| {
                        let l = self.linker.link(res, a.str("instance"), None, INSTANCE);
                        self.record(res, "attachment.instance", &l);
                        l
                    }),
                    _ => Link::Absent,
                };
                Object::Workload(Workload {
                    kind: WorkloadKind::NetworkInterface,
                    subnets: Val::Known(vec![subnet]),
                    security_groups: sgs,
                    public_ip: Val::Known(false),
                    private_ips: private_ips(v),
                    source_dest_check: v.bool("source_dest_check").or_default_known(true),
                    attached_to: attached,
                    in_vpc: true,
                    ..Workload::default()
                })
            }
            ("aws_network_interface_sg_attachment", false) => Object::EniSgAttachment(EndpointAssociation {
                endpoint: self.one(res, "network_interface_id", ENI),
                other: self.one(res, "security_group_id", SG),
            }),
            ("aws_network_interface_attachment", false) => Object::EipAssociation(EipAssociation {
                eip: Link::Absent,
                instance: self.one(res, "instance_id", INSTANCE),
                eni: self.one(res, "network_interface_id", &["aws_network_interface"]),
            }),
            ("aws_instance", _) => self.instance(res, v, data),
            ("aws_lb" | "aws_alb", false) => {
                let lb_type = match v.str("load_balancer_type") {
                    Val::Known("network") => LbType::Network,
                    Val::Known("gateway") => LbType::Gateway,
                    _ => LbType::Application,
                };
                let mut subnets = self.many(res, "subnets", SUBNET);
                if matches!(subnets, Val::Absent | Val::Known(_)) && subnets.known().is_none_or(Vec::is_empty) {
                    let mapped = self.many(res, "subnet_mapping.subnet_id", SUBNET);
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
                    security_groups: self.many(res, "security_groups", SG).or_default_known(Vec::new()),
                    public_ip: internal.clone().map(|i| !i),
                    internal,
                    client_ports: Some((1024, 65535)),
                    in_vpc: true,
                    ..Workload::default()
                })
            }
            ("aws_elb", false) => {
                // `internal` is computed: unknown in a create plan when not set (internet-facing).
                let internal = self.unset_if_unconfigured(res, "internal", v.bool("internal")).or_default_known(false);
                Object::Workload(Workload {
                    kind: WorkloadKind::ClassicLoadBalancer,
                    subnets: self.many(res, "subnets", SUBNET),
                    security_groups: self.many(res, "security_groups", SG),
                    public_ip: internal.clone().map(|i| !i),
                    internal,
                    client_ports: Some((1024, 65535)),
                    in_vpc: true,
                    ..Workload::default()
                })
            }
            ("aws_lb_listener" | "aws_alb_listener", false) => {
                let lb = self.one(res, "load_balancer_arn", LB);
                let tgs = self.action_target_groups(res, v, "default_action");
                Object::Listener(Listener {
                    lb,
                    port: v.int("port"),
                    protocol: v.string("protocol"),
                    target_groups: tgs,
                })
            }
            ("aws_lb_listener_rule", false) => {
                let listener = self.one(res, "listener_arn", LISTENER);
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
                    vpc: self.one(res, "vpc_id", VPC),
                    health_check_port: hc_port,
                    preserve_client_ip: v.str("preserve_client_ip").map(|s| s == "true"),
                })
            }
            ("aws_lb_target_group_attachment" | "aws_alb_target_group_attachment", false) => {
                let target_id = v.string("target_id");
                let is_ip = target_id.known().is_some_and(|t| t.parse::<IpAddr>().is_ok());
                Object::TargetAttachment(TargetAttachment {
                    target_group: self.one(res, "target_group_arn", TG),
                    target: if is_ip { Link::Absent } else { self.one(res, "target_id", TARGETS) },
                    target_id,
                    port: v.int("port"),
                })
            }
            ("aws_lambda_function", false) => {
                let subnets = self.many(res, "vpc_config.subnet_ids", SUBNET);
                let in_vpc = !subnets.is_absent() && subnets.known().is_none_or(|s| !s.is_empty());
                Object::Workload(Workload {
                    kind: WorkloadKind::Lambda,
                    subnets,
                    security_groups: self.many(res, "vpc_config.security_group_ids", SG),
                    public_ip: Val::Known(false),
                    client_ports: Some((1024, 65535)),
                    in_vpc,
                    ..Workload::default()
                })
            }
            ("aws_db_instance" | "aws_rds_cluster", false) => {
                let group = self.by_name(res, "db_subnet_group_name", "aws_db_subnet_group");
                Object::Workload(Workload {
                    kind: WorkloadKind::Database,
                    subnets: match group {
                        Link::Absent => Val::Unknown,
                        g => Val::Known(vec![g]),
                    },
                    security_groups: self.many(res, "vpc_security_group_ids", SG),
                    public_ip: v.bool("publicly_accessible").or_default_known(false),
                    publicly_accessible: v.bool("publicly_accessible").or_default_known(false),
                    port: v.int("port"),
                    in_vpc: true,
                    ..Workload::default()
                })
            }
            ("aws_launch_template", false) => {
                let mut sgs = self.many(res, "vpc_security_group_ids", SG);
                let nic_sgs = self.many(res, "network_interfaces.security_groups", SG);
                if let (Val::Known(a), Val::Known(b)) = (&mut sgs, &nic_sgs) {
                    a.extend(b.iter().cloned());
                } else if sgs.is_absent() {
                    sgs = nic_sgs;
                }
                let nics = v.blocks("network_interfaces").into_known().unwrap_or_default();
                let public = nics.first().map_or(Val::Absent, |n| n.bool("associate_public_ip_address"));
                Object::Placement(Placement {
                    subnets: Val::Absent,
                    security_groups: sgs,
                    public_ip: public,
                    name: v.string("name"),
                })
            }
            ("aws_launch_configuration", false) => Object::Placement(Placement {
                subnets: Val::Absent,
                security_groups: self.many(res, "security_groups", SG),
                public_ip: v.bool("associate_public_ip_address"),
                name: v.string("name"),
            }),
            (t, false) if t.ends_with("_subnet_group") => Object::Placement(Placement {
                subnets: self.many(res, "subnet_ids", SUBNET),
                security_groups: Val::Absent,
                public_ip: Val::Absent,
                name: v.string("name"),
            }),
            ("aws_vpn_gateway", false) => Object::VpnGateway(VpnGateway { vpc: self.one(res, "vpc_id", VPC) }),
            ("aws_vpn_gateway_route_propagation", false) => Object::VgwPropagation(VgwPropagation {
                vgw: self.one(res, "vpn_gateway_id", VGW),
                table: self.one(res, "route_table_id", RT),
            }),
            ("aws_customer_gateway", false) => Object::CustomerGateway(CustomerGateway { ip: v.string("ip_address") }),
            ("aws_vpn_connection", false) => {
                let remote = v.str("remote_ipv4_network_cidr").and_then(parse_net);
                let remote_cidrs = match remote {
                    Val::Known(n) if n.prefix_len() > 0 => vec![Val::Known(n)],
                    _ => Vec::new(),
                };
                Object::VpnConnection(VpnConnection {
                    vgw: self.one(res, "vpn_gateway_id", VGW),
                    tgw: self.one(res, "transit_gateway_id", TGW),
                    customer_gateway: self.one(res, "customer_gateway_id", CGW),
                    static_routes_only: v.bool("static_routes_only").or_default_known(false),
                    remote_cidrs,
                })
            }
            ("aws_vpn_connection_route", false) => Object::VpnRoute(VpnRoute {
                connection: self.one(res, "vpn_connection_id", VPN),
                cidr: v.str("destination_cidr_block").and_then(parse_net),
            }),
            ("aws_autoscaling_attachment", false) => Object::TargetAttachment(TargetAttachment {
                target_group: self.one(res, "lb_target_group_arn", TG),
                target: self.by_name(res, "autoscaling_group_name", "aws_autoscaling_group"),
                target_id: v.string("autoscaling_group_name"),
                port: Val::Absent,
            }),
            (t, false) => match catalog::managed(t) {
                Some(TypeInfo { workload: Some(spec), .. }) => {
                    let mut obj = self.generic_workload(res, v, spec);
                    if let Object::Workload(w) = &mut obj {
                        w.target_groups = self.registered_target_groups(res, t, v);
                    }
                    obj
                }
                _ => Object::Other,
            },
            (_, true) => Object::Other,
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

    /// The target groups that register a workload's ENIs: an ECS service's `load_balancer`
    /// blocks (with `container_port`), an autoscaling group's `target_group_arns`.
    fn registered_target_groups(&mut self, res: ResId, rtype: &str, v: View<'d>) -> Vec<(Link, Val<i64>)> {
        match rtype {
            "aws_ecs_service" => {
                let blocks = v.blocks("load_balancer").into_known().unwrap_or_default();
                let mut out = Vec::new();
                for b in blocks {
                    let value = b.str("target_group_arn");
                    if value.is_absent() {
                        continue; // a classic ELB (`elb_name`)
                    }
                    let link = self.nested(res, "load_balancer", value, "target_group_arn", TG, "load_balancer");
                    out.push((link, b.int("container_port")));
                }
                out
            }
            "aws_autoscaling_group" => {
                let values = v.str_list("target_group_arns");
                let links =
                    self.nested_many(res, "target_group_arns", values, "target_group_arns", TG, "target_group_arns");
                match links {
                    Val::Known(l) => l.into_iter().map(|t| (t, Val::Absent)).collect(),
                    Val::Unknown => vec![(Link::Unknown("target groups unknown until apply".into()), Val::Absent)],
                    Val::Absent => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn generic_workload(&mut self, res: ResId, v: View<'d>, spec: &catalog::WorkloadSpec) -> Object {
        let mut subnets: Links = Val::Absent;
        for path in spec.subnets {
            let l = self.many(res, path, SUBNET);
            subnets = merge_links(subnets, l);
        }
        if let Some((attr, group_type)) = spec.subnet_group {
            let g = self.by_name(res, attr, group_type);
            if g != Link::Absent {
                subnets = merge_links(subnets, Val::Known(vec![g]));
            }
        }
        let mut sgs: Links = Val::Absent;
        for path in spec.security_groups {
            let l = self.many(res, path, SG);
            sgs = merge_links(sgs, l);
        }
        if let Some(path) = spec.launch_template {
            let (block, attr) = path.split_once('.').unwrap_or((path, "id"));
            let blocks = v.blocks(block).into_known().unwrap_or_default();
            if let Some(b) = blocks.first() {
                let value = if b.str(attr).is_absent() { b.str("name") } else { b.str(attr) };
                let link = self.nested(res, block, value, attr, LAUNCH, path);
                if link != Link::Absent {
                    sgs = merge_links(sgs, Val::Known(vec![link]));
                }
            }
        }
        if spec.security_groups.is_empty() && spec.launch_template.is_none() {
            // The group is chosen by AWS (EKS node groups without a launch template).
            sgs = Val::Unknown;
        }
        let public_ip = match spec.public_ip {
            Some(path) => v.path_bool(path).or_default_known(false),
            None => Val::Known(false),
        };
        let in_vpc = !subnets.is_absent();
        Object::Workload(Workload {
            kind: WorkloadKind::Generic,
            subnets,
            security_groups: sgs,
            public_ip,
            client_ports: spec.client_ports,
            in_vpc,
            ..Workload::default()
        })
    }

    fn instance(&mut self, res: ResId, v: View<'d>, data: bool) -> Object {
        let mut subnets = match self.one(res, "subnet_id", SUBNET) {
            Link::Absent => Val::Absent,
            l => Val::Known(vec![l]),
        };
        let mut sgs = self.many(res, "vpc_security_group_ids", SG);
        // `network_interface` blocks attach existing ENIs; device 0 decides subnet and groups
        // (folded from the ENI later).
        if let Val::Known(nics) = v.blocks("network_interface") {
            for nic in nics {
                let link = self.nested(
                    res,
                    "network_interface",
                    nic.str("network_interface_id"),
                    "network_interface_id",
                    &["aws_network_interface"],
                    "network_interface.network_interface_id",
                );
                if nic.int("device_index") == Val::Known(0) || nic.int("device_index").is_absent() {
                    subnets = Val::Known(vec![link.clone()]);
                    if sgs.known().is_none_or(Vec::is_empty) {
                        sgs = Val::Known(vec![link]);
                    }
                }
            }
        }
        let public_ip = if data {
            v.str("public_ip").map(|_| true).or_default_known(false)
        } else {
            match v.bool("associate_public_ip_address") {
                Val::Known(b) => Val::Known(b),
                // Unset: AWS follows the subnet's `map_public_ip_on_launch`; the plan shows it as
                // unknown. Only an explicit expression that is itself unknown stays unknown.
                Val::Unknown if self.linker.configured(res, "associate_public_ip_address") != Some(true) => Val::Absent,
                Val::Unknown => Val::Unknown,
                Val::Absent => match v.str("public_ip") {
                    Val::Known(_) => Val::Known(true),
                    _ => Val::Absent,
                },
            }
        };
        let windows = v.bool("get_password_data") == Val::Known(true);
        Object::Workload(Workload {
            kind: WorkloadKind::Instance,
            subnets,
            security_groups: sgs,
            public_ip,
            private_ips: private_ips(v),
            source_dest_check: if data { Val::Unknown } else { v.bool("source_dest_check").or_default_known(true) },
            client_ports: windows.then_some((49152, 65535)),
            in_vpc: true,
            ..Workload::default()
        })
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
                        value => out.push(self.nested(
                            res,
                            block,
                            value,
                            "target_group_arn",
                            TG,
                            &format!("{block}.target_group_arn"),
                        )),
                    }
                    if let Val::Known(fwd) = a.blocks("forward") {
                        for f in fwd {
                            if let Val::Known(tgs) = f.blocks("target_group") {
                                for t in tgs {
                                    out.push(self.nested(
                                        res,
                                        block,
                                        t.str("arn"),
                                        "forward",
                                        TG,
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

    fn route_table(&mut self, res: ResId, r: &Resource, data: bool) -> Object {
        let v = self.view(res);
        let vpc = self.vpc_link(res, r, None);
        let kind = if data {
            TableKind::Existing
        } else if r.rtype == "aws_default_route_table" {
            TableKind::AdoptedMain
        } else {
            TableKind::Custom
        };
        let adopts =
            if kind == TableKind::AdoptedMain { self.one(res, "default_route_table_id", RT).res() } else { None };
        let block = if data { "routes" } else { "route" };
        let routes = match v.blocks(block) {
            Val::Known(blocks) => Val::Known(
                blocks.iter().enumerate().map(|(i, b)| self.route_from(res, *b, Some(block), Some(i))).collect(),
            ),
            Val::Absent => Val::Known(Vec::new()),
            Val::Unknown => {
                // Optional+Computed with nothing configured: the routes are the `aws_route`s
                // (SEMANTICS §1.8); with inline blocks whose set is unknown, they are unknown.
                if self.linker.configured(res, "route") == Some(true) { Val::Unknown } else { Val::Known(Vec::new()) }
            }
        };
        let propagating_vgws = match self.many(res, "propagating_vgws", VGW) {
            Val::Known(v) => v,
            _ => Vec::new(),
        };
        let inline_routes = self.linker.configured(res, "route") == Some(true);
        Object::RouteTable(RouteTable {
            vpc,
            kind,
            routes,
            propagating_vgws,
            adopts,
            inline_routes,
            ..RouteTable::default()
        })
    }

    /// One route from an inline block (`block` = `route`) or an `aws_route` (`block` = None).
    fn route_from(&mut self, res: ResId, b: View<'d>, block: Option<&str>, index: Option<usize>) -> Route {
        let (v4_key, v6_key, pl_key) = match block {
            None => ("destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"),
            Some(_) => ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"),
        };
        let dest = if !b.str(v4_key).is_absent() {
            Destination::V4(b.str(v4_key).and_then(parse_v4))
        } else if !b.str(v6_key).is_absent() {
            Destination::V6(b.str(v6_key).and_then(parse_v6))
        } else if !b.str(pl_key).is_absent() {
            let label = format!("{}{pl_key}", block_label(block, index));
            let link = match block {
                None => self.one(res, pl_key, PL),
                Some(bl) => self.nested(res, bl, b.str(pl_key), pl_key, PL, &label),
            };
            Destination::PrefixList(link)
        } else {
            Destination::Unknown
        };
        // The target is the one target attribute that is set (known or unknown).
        let mut target_kind = TargetKind::Unknown;
        let mut target = Link::Unknown("no target".into());
        let mut target_id = None;
        for attr in catalog::route_targets() {
            let value = match block {
                // `aws_route` computes `network_interface_id` and `instance_id` even when another
                // target is set: only configured (or known) targets count.
                None => self.unset_if_unconfigured(res, attr, b.str(attr)),
                Some(_) => b.str(attr),
            };
            if value.is_absent() {
                continue;
            }
            let kind = TargetKind::from_attr(attr);
            if let Val::Known("local") = value {
                target_kind = TargetKind::Local;
                target = Link::Absent;
                break;
            }
            target_id = value.known().map(|s| (*s).to_string());
            let label = format!("{}{attr}", block_label(block, index));
            target = match block {
                None => self.one(res, attr, kind.target_types()),
                Some(bl) => self.nested(res, bl, value, attr, kind.target_types(), &label),
            };
            target_kind = kind;
            break;
        }
        Route {
            source: res,
            inline_index: index,
            dest,
            target_kind,
            target,
            state_blackhole: b.str("state") == Val::Known("blackhole"),
            target_id,
        }
    }

    fn security_group(&mut self, res: ResId, r: &Resource, data: bool) -> Object {
        let v = self.view(res);
        if data {
            return Object::SecurityGroup(SecurityGroup {
                vpc: self.one(res, "vpc_id", VPC),
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
                b.str_list("prefix_list_ids"),
                "prefix_list_ids",
                PL,
                &format!("{label}prefix_list_ids"),
            ),
            None => self.many(res, "prefix_list_ids", PL),
        };
        if let Val::Known(pls) = pls {
            rules.extend(pls.into_iter().map(|l| base(SgPeer::PrefixList(l))));
        }
        let groups = match block {
            Some(bl) => self.nested_many(
                res,
                bl,
                b.str_list("security_groups"),
                "security_groups",
                SG,
                &format!("{label}security_groups"),
            ),
            None => match self.one(res, "source_security_group_id", SG) {
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

    fn network_acl(&mut self, res: ResId, r: &Resource) -> Object {
        let v = self.view(res);
        let vpc = self.vpc_link(res, r, None);
        let kind = if r.rtype == "aws_default_network_acl" { AclKind::AdoptedDefault } else { AclKind::Custom };
        let adopts =
            if kind == AclKind::AdoptedDefault { self.one(res, "default_network_acl_id", NACL).res() } else { None };
        let ingress = self.nacl_direction(res, v, "ingress");
        let egress = self.nacl_direction(res, v, "egress");
        let subnets = self.many(res, "subnet_ids", SUBNET);
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
                    // none means deny all (SEMANTICS §3.2).
                    Val::Known(Vec::new())
                }
            }
        }
    }
}

fn block_label(block: Option<&str>, index: Option<usize>) -> String {
    match (block, index) {
        (Some(b), Some(i)) => format!("{b}[{i}]."),
        (Some(b), None) => format!("{b}."),
        _ => String::new(),
    }
}

fn nacl_cidr(v: View<'_>) -> Val<IpNet> {
    match v.str("cidr_block") {
        Val::Absent => v.str("ipv6_cidr_block").and_then(parse_net),
        c => c.and_then(parse_net),
    }
}

fn private_ips(v: View<'_>) -> Val<Vec<IpAddr>> {
    let mut out: Vec<IpAddr> = Vec::new();
    let mut unknown = false;
    match v.str("private_ip") {
        Val::Known(ip) => out.extend(ip.parse::<IpAddr>().ok()),
        Val::Unknown => unknown = true,
        Val::Absent => {}
    }
    if let Val::Known(list) = v.str_list("private_ips") {
        for ip in list.into_iter().filter_map(|i| i.into_known()) {
            if let Ok(ip) = ip.parse::<IpAddr>()
                && !out.contains(&ip)
            {
                out.push(ip);
            }
        }
    }
    if out.is_empty() && unknown {
        Val::Unknown
    } else if out.is_empty() {
        Val::Absent
    } else {
        Val::Known(out)
    }
}

fn merge_links(a: Links, b: Links) -> Links {
    match (a, b) {
        (Val::Absent, x) | (x, Val::Absent) => x,
        (Val::Unknown, _) | (_, Val::Unknown) => Val::Unknown,
        (Val::Known(mut x), Val::Known(y)) => {
            x.extend(y);
            Val::Known(x)
        }
    }
}

/// Objects of what AWS creates implicitly.
fn implicit_object(r: &Resource) -> Object {
    let parent_link = Link::Absent;
    match r.rtype.as_str() {
        "aws_route_table" => Object::RouteTable(RouteTable {
            vpc: parent_link,
            kind: TableKind::ImplicitMain,
            routes: Val::Known(Vec::new()),
            ..RouteTable::default()
        }),
        "aws_network_acl" => {
            Object::NetworkAcl(NetworkAcl { vpc: parent_link, kind: AclKind::ImplicitDefault, ..NetworkAcl::default() })
        }
        "aws_security_group" => Object::SecurityGroup(SecurityGroup {
            vpc: parent_link,
            kind: GroupKind::ImplicitDefault,
            ..SecurityGroup::default()
        }),
        "aws_ec2_transit_gateway_route_table" => Object::TgwRouteTable(TgwRouteTable::default()),
        _ => Object::Other,
    }
}

/// Folds separate resources into what they modify and derives associations.
struct Fold<'n, 'd> {
    net: &'n mut Network,
    views: &'n [Option<View<'d>>],
    implicit: &'n HashMap<(ResId, &'static str), ResId>,
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
        self.gateways();
        self.associations();
        self.workloads();
        self.subnet_tables();
        self.subnet_acls();
        self.regions();
    }

    /// A VPC whose region neither its provider nor its ARN tells takes the region its subnets'
    /// availability zones name (when they agree); resources of the VPC without a region take
    /// the VPC's.
    fn regions(&mut self) {
        let mut by_vpc: HashMap<ResId, BTreeSet<String>> = HashMap::new();
        for r in &self.net.resources {
            if let Object::Subnet(s) = &r.obj
                && let (Some(v), Val::Known(az)) = (s.vpc.res(), &s.az)
                && az.len() > 1
                && az.ends_with(|c: char| c.is_ascii_lowercase())
            {
                by_vpc.entry(v).or_default().insert(az[..az.len() - 1].to_string());
            }
        }
        for (vpc, regions) in by_vpc {
            if regions.len() == 1 && self.net.resources[vpc.index()].region.is_none() {
                self.net.resources[vpc.index()].region = regions.into_iter().next();
            }
        }
        let vpc_region = |net: &Network, link: &Link| link.res().and_then(|v| net.res(v).region.clone());
        let fills: Vec<(usize, String)> = self
            .net
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.region.is_none())
            .filter_map(|(i, r)| {
                let vpc = match &r.obj {
                    Object::RouteTable(t) => &t.vpc,
                    Object::Subnet(s) => &s.vpc,
                    Object::SecurityGroup(g) => &g.vpc,
                    Object::NetworkAcl(a) => &a.vpc,
                    Object::Endpoint(e) => &e.vpc,
                    _ => return None,
                };
                vpc_region(self.net, vpc).map(|region| (i, region))
            })
            .collect();
        for (i, region) in fills {
            self.net.resources[i].region = Some(region);
        }
    }

    fn present_target(&self, link: &Link) -> Option<ResId> {
        link.res().filter(|r| self.net.res(*r).present())
    }

    /// Implicit children get their VPC link and AWS's default contents (known only for VPCs
    /// Terraform creates).
    fn implicit_defaults(&mut self) {
        let entries: Vec<((ResId, &'static str), ResId)> = self.implicit.iter().map(|(k, v)| (*k, *v)).collect();
        for ((parent, what), child) in entries {
            let parent_known = matches!(&self.net.res(parent).obj, Object::Vpc(v) if v.defaults_known);
            let ipv6 = matches!(&self.net.res(parent).obj, Object::Vpc(v) if !v.cidrs_v6.is_empty());
            let obj = &mut self.net.resources[child.index()].obj;
            match (what, obj) {
                ("main_route_table", Object::RouteTable(t)) => {
                    t.vpc = Link::To(parent, Provenance::Inferred);
                    if !parent_known {
                        t.routes = Val::Unknown;
                    }
                }
                ("default_network_acl", Object::NetworkAcl(a)) => {
                    a.vpc = Link::To(parent, Provenance::Inferred);
                    if parent_known {
                        // Rules 100 (and 101 for IPv6): allow all, both ways (SEMANTICS §3.2).
                        let mut rules = vec![allow_all_rule(child, 100, "0.0.0.0/0")];
                        if ipv6 {
                            rules.push(allow_all_rule(child, 101, "::/0"));
                        }
                        a.ingress = Val::Known(rules.clone());
                        a.egress = Val::Known(rules);
                    } else {
                        a.ingress = Val::Unknown;
                        a.egress = Val::Unknown;
                    }
                }
                ("default_security_group", Object::SecurityGroup(g)) => {
                    g.vpc = Link::To(parent, Provenance::Inferred);
                    if parent_known {
                        let all = |peer| SgRule {
                            source: child,
                            protocol: Val::Known("-1".into()),
                            from_port: Val::Known(0),
                            to_port: Val::Known(0),
                            peer,
                        };
                        g.ingress = Val::Known(vec![all(SgPeer::SelfGroup)]);
                        let mut egress = vec![all(SgPeer::Cidr(Val::Known(IpNet::V4(Ipv4Net::default()))))];
                        if ipv6 {
                            egress.push(all(SgPeer::Cidr(Val::Known(IpNet::V6(Ipv6Net::default())))));
                        }
                        g.egress = Val::Known(egress);
                    } else {
                        g.ingress = Val::Unknown;
                        g.egress = Val::Unknown;
                    }
                }
                ("default_route_table", Object::TgwRouteTable(t)) => t.tgw = Link::To(parent, Provenance::Inferred),
                _ => {}
            }
        }
        for (i, r) in self.net.resources.iter_mut().enumerate() {
            if let Object::Vpc(v) = &mut r.obj {
                let id = ResId(i as u32);
                v.main_route_table = self.implicit.get(&(id, "main_route_table")).copied();
                v.default_nacl = self.implicit.get(&(id, "default_network_acl")).copied();
                v.default_sg = self.implicit.get(&(id, "default_security_group")).copied();
            }
        }
    }

    fn vpc_cidrs(&mut self) {
        let assocs = self.ids_where(|r| matches!(r.obj, Object::CidrAssociation(_)));
        for a in assocs {
            let Object::CidrAssociation(c) = &self.net.res(a).obj else {
                continue;
            };
            let (vpc, v4, v6, from_ipam) = (c.vpc.clone(), c.cidr_v4.clone(), c.cidr_v6.clone(), c.from_ipam);
            let Some(vpc) = self.present_target(&vpc) else {
                continue;
            };
            if let Object::Vpc(v) = &mut self.net.resources[vpc.index()].obj {
                if !v4.is_absent() {
                    v.cidrs_v4.push(VpcCidr { cidr: v4, source: a, from_ipam });
                }
                if !v6.is_absent() {
                    v.cidrs_v6.push(VpcCidr { cidr: v6, source: a, from_ipam });
                }
            }
        }
    }

    /// `aws_default_route_table`, `aws_default_network_acl` and `aws_default_security_group`
    /// replace what the VPC had with what the configuration says.
    fn adoption(&mut self) {
        for id in self.ids_where(|r| matches!(r.origin, Origin::Managed(_))) {
            let (adopts, vpc) = match &self.net.res(id).obj {
                Object::RouteTable(t) if t.kind == TableKind::AdoptedMain => (t.adopts, t.vpc.clone()),
                Object::NetworkAcl(a) if a.kind == AclKind::AdoptedDefault => (a.adopts, a.vpc.clone()),
                Object::SecurityGroup(g) if g.kind == GroupKind::AdoptedDefault => (g.adopts, g.vpc.clone()),
                _ => continue,
            };
            // The adopted implicit object, found by id link or through the VPC.
            let what = match self.net.res(id).family {
                Family::RouteTable => "main_route_table",
                Family::NetworkAcl => "default_network_acl",
                _ => "default_security_group",
            };
            let implicit = adopts.or_else(|| vpc.res().and_then(|v| self.implicit.get(&(v, what)).copied()));
            let Some(implicit) = implicit else { continue };
            let parent_vpc = match &self.net.res(implicit).obj {
                Object::RouteTable(t) => t.vpc.res(),
                Object::NetworkAcl(a) => a.vpc.res(),
                Object::SecurityGroup(g) => g.vpc.res(),
                _ => None,
            };
            let implicit_name = self.net.resources[implicit.index()].name.clone();
            match &mut self.net.resources[implicit.index()].obj {
                Object::RouteTable(t) => {
                    if t.adopted_by.is_some() {
                        self.net
                            .warnings
                            .push(format!("{implicit_name} is adopted by more than one aws_default_route_table"));
                    }
                    t.adopted_by = Some(id);
                }
                Object::NetworkAcl(a) => a.adopted_by = Some(id),
                Object::SecurityGroup(g) => g.adopted_by = Some(id),
                _ => {}
            }
            match &mut self.net.resources[id.index()].obj {
                Object::RouteTable(t) => {
                    t.adopts = Some(implicit);
                    if t.vpc.res().is_none()
                        && let Some(p) = parent_vpc
                    {
                        t.vpc = Link::To(p, Provenance::Inferred);
                    }
                }
                Object::NetworkAcl(a) => {
                    a.adopts = Some(implicit);
                    if a.vpc.res().is_none()
                        && let Some(p) = parent_vpc
                    {
                        a.vpc = Link::To(p, Provenance::Inferred);
                    }
                }
                Object::SecurityGroup(g) => g.adopts = Some(implicit),
                _ => {}
            }
            if let Some(p) = parent_vpc
                && let Object::Vpc(v) = &mut self.net.resources[p.index()].obj
            {
                match what {
                    "main_route_table" => v.main_route_table = Some(id),
                    "default_network_acl" => v.default_nacl = Some(id),
                    _ => v.default_sg = Some(id),
                }
            }
        }
    }

    fn routes(&mut self, pending: Vec<PendingRoute>) {
        // Destinations of every aws_route per table (present or being deleted), to drop their
        // copies from a table's state routes (SEMANTICS §11: count each once).
        let mut separate: HashMap<ResId, Vec<Destination>> = HashMap::new();
        for id in self.net.ids().collect::<Vec<_>>() {
            if let Object::Route(rr) = &self.net.res(id).obj
                && let Some(t) = rr.table.res()
                && let Some(view) = self.views[id.index()]
            {
                let dest = route_dest_key(view);
                separate.entry(t).or_default().push(dest);
            }
        }
        for (table, dests) in &separate {
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj
                && !t.inline_routes
                && let Val::Known(routes) = &mut t.routes
            {
                routes.retain(|r| r.inline_index.is_none() || !dests.contains(&r.dest));
            }
        }
        for p in pending {
            if !self.net.res(p.route.source).present() {
                continue;
            }
            let Some(table) = p.table.res() else {
                if let Link::Unknown(why) = &p.table {
                    let why = format!("{} may belong to this table ({why})", self.net.name(p.route.source));
                    let mut tables = self.candidates(p.route.source, &p.calls, p.may_be.as_deref(), |o| {
                        matches!(o, Object::RouteTable(_))
                    });
                    // A route can only target its own VPC's gateways (a peering connection: one of
                    // its two VPCs); tables of other VPCs cannot hold it.
                    if let Some(vpcs) = self.route_target_vpcs(&p.route) {
                        let same: Vec<ResId> = tables
                            .iter()
                            .copied()
                            .filter(|&t| {
                                self.net
                                    .res(t)
                                    .obj
                                    .route_table()
                                    .and_then(|rt| rt.vpc.res())
                                    .is_none_or(|v| vpcs.contains(&v))
                            })
                            .collect();
                        if !same.is_empty() {
                            tables = same;
                        }
                    }
                    for t in tables {
                        if let Object::RouteTable(rt) = &mut self.net.resources[t.index()].obj {
                            rt.maybe_routes.push((p.route.clone(), why.clone()));
                        }
                    }
                }
                continue;
            };
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj
                && let Val::Known(routes) = &mut t.routes
            {
                routes.push(p.route);
            }
        }
    }

    /// Where a separate route or rule whose parent could not be linked may belong: the parents
    /// an ambiguous reference may be, else the present objects of the parent's kind inside the
    /// module calls its parent attribute names, else (a local) those of its own module instance,
    /// else every present object of that kind (never a guess: each candidate only *may* hold it).
    fn candidates(
        &self,
        origin: ResId,
        calls: &[ModuleCall],
        may_be: Option<&[ResId]>,
        kind: impl Fn(&Object) -> bool,
    ) -> Vec<ResId> {
        if let Some(list) = may_be {
            let known: Vec<ResId> =
                list.iter().copied().filter(|&c| self.net.res(c).present() && kind(&self.net.res(c).obj)).collect();
            if !known.is_empty() {
                return known;
            }
        }
        let all: Vec<ResId> = self.net.present().filter(|(_, r)| kind(&r.obj)).map(|(id, _)| id).collect();
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
        all
    }

    /// The VPCs a route's target belongs to (a peering connection: both), when known.
    fn route_target_vpcs(&self, route: &Route) -> Option<Vec<ResId>> {
        let target = route.target.res()?;
        let vpcs: Vec<ResId> = match &self.net.res(target).obj {
            Object::Peering(p) => [p.requester.res(), p.accepter.res()].into_iter().flatten().collect(),
            Object::PeeringAccepter(a) => {
                let p = self.net.res(a.peering.res()?).obj.peering()?;
                [p.requester.res(), p.accepter.res()].into_iter().flatten().collect()
            }
            Object::InternetGateway(g) | Object::EgressOnlyGateway(g) => g.vpc.res().into_iter().collect(),
            Object::NatGateway(n) => {
                self.net.res(n.subnet.res()?).obj.subnet().and_then(|s| s.vpc.res()).into_iter().collect()
            }
            Object::Endpoint(e) => e.vpc.res().into_iter().collect(),
            _ => Vec::new(),
        };
        (!vpcs.is_empty()).then_some(vpcs)
    }

    fn sg_rules(&mut self, pending: Vec<PendingRule<SgRule>>) {
        let present: Vec<PendingRule<SgRule>> =
            pending.into_iter().filter(|p| p.rules.first().is_none_or(|r| self.net.res(r.source).present())).collect();
        for p in present {
            let Some(group) = p.parent.res() else {
                if let Link::Unknown(why) = &p.parent {
                    let why = format!("{} may belong to this group ({why})", self.net.name(p.origin));
                    for g in self
                        .candidates(p.origin, &p.calls, p.may_be.as_deref(), |o| matches!(o, Object::SecurityGroup(_)))
                    {
                        if let Object::SecurityGroup(sg) = &mut self.net.resources[g.index()].obj {
                            sg.maybe_rules.extend(p.rules.iter().map(|r| (p.egress, r.clone(), why.clone())));
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

    fn nacl_rules(&mut self, pending: Vec<PendingRule<NaclRule>>) {
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
                if let Link::Unknown(why) = &p.parent {
                    let why = format!("{} may belong to this network ACL ({why})", self.net.name(p.origin));
                    for a in
                        self.candidates(p.origin, &p.calls, p.may_be.as_deref(), |o| matches!(o, Object::NetworkAcl(_)))
                    {
                        if let Object::NetworkAcl(acl) = &mut self.net.resources[a.index()].obj {
                            acl.maybe_rules.extend(p.rules.iter().map(|r| (p.egress, r.clone(), why.clone())));
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

    fn gateways(&mut self) {
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
        for id in self.ids_where(|r| matches!(r.obj, Object::VgwPropagation(_))) {
            let Object::VgwPropagation(p) = &self.net.res(id).obj else {
                continue;
            };
            let (vgw, table) = (p.vgw.clone(), p.table.clone());
            let Some(table) = self.present_target(&table) else {
                continue;
            };
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj {
                t.propagating_vgws.push(vgw);
            }
        }
        for id in self.ids_where(|r| matches!(r.obj, Object::VpnRoute(_))) {
            let Object::VpnRoute(v) = &self.net.res(id).obj else {
                continue;
            };
            let (conn, cidr) = (v.connection.clone(), v.cidr.clone());
            let Some(conn) = self.present_target(&conn) else {
                continue;
            };
            if let Object::VpnConnection(c) = &mut self.net.resources[conn.index()].obj {
                c.remote_cidrs.push(cidr);
            }
        }
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

    fn associations(&mut self) {
        for id in self.ids_where(|r| matches!(r.obj, Object::EndpointAssociation(_))) {
            let Object::EndpointAssociation(a) = &self.net.res(id).obj else {
                continue;
            };
            let (ep, other) = (a.endpoint.clone(), a.other.clone());
            let Some(ep) = self.present_target(&ep) else {
                continue;
            };
            let family = self.net.res(id).rtype.clone();
            if let Object::Endpoint(e) = &mut self.net.resources[ep.index()].obj {
                let list = if family.contains("route_table") {
                    &mut e.route_tables
                } else if family.contains("subnet") {
                    &mut e.subnets
                } else {
                    &mut e.security_groups
                };
                if let Val::Known(v) = list {
                    if !v.contains(&other) {
                        v.push(other);
                    }
                } else if list.is_absent() {
                    *list = Val::Known(vec![other]);
                }
            }
        }
        for id in self.ids_where(|r| matches!(r.obj, Object::RouteTableAssociation(_))) {
            let Object::RouteTableAssociation(a) = &self.net.res(id).obj else {
                continue;
            };
            let (gw, table) = (a.gateway.clone(), a.table.clone());
            if gw == Link::Absent {
                continue;
            }
            let Some(table) = self.present_target(&table) else {
                continue;
            };
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj {
                t.edge_gateways.push(gw);
            }
        }
        for id in self.ids_where(|r| matches!(r.obj, Object::MainRouteTableAssociation(_))) {
            let Object::MainRouteTableAssociation(a) = &self.net.res(id).obj else {
                continue;
            };
            let (vpc, table) = (a.vpc.clone(), a.table.clone());
            let (Some(vpc), Some(table)) = (self.present_target(&vpc), self.present_target(&table)) else {
                continue;
            };
            if let Object::Vpc(v) = &mut self.net.resources[vpc.index()].obj {
                v.main_route_table = Some(table);
            }
            if let Object::RouteTable(t) = &mut self.net.resources[table.index()].obj {
                t.main_association = Some(id);
            }
        }
    }

    fn workloads(&mut self) {
        // ENI security group attachments, EIPs, network interface attachments.
        for id in self.ids_where(|r| matches!(r.obj, Object::EniSgAttachment(_))) {
            let Object::EniSgAttachment(a) = &self.net.res(id).obj else {
                continue;
            };
            let (eni, sg) = (a.endpoint.clone(), a.other.clone());
            let Some(eni) = self.present_target(&eni) else {
                continue;
            };
            if let Object::Workload(w) = &mut self.net.resources[eni.index()].obj
                && let Val::Known(v) = &mut w.security_groups
            {
                v.push(sg);
            }
        }
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
        // Subnet groups and launch templates, and instances built on existing ENIs.
        let workloads = self.ids_where(|r| matches!(r.obj, Object::Workload(_)));
        for id in workloads {
            let Object::Workload(w) = &self.net.res(id).obj else {
                continue;
            };
            let subnets = expand(self.net, &w.subnets, |o| match o {
                Object::Placement(p) => Some(p.subnets.clone()),
                Object::Workload(e) if e.kind == WorkloadKind::NetworkInterface => Some(e.subnets.clone()),
                _ => None,
            });
            let sgs = expand(self.net, &w.security_groups, |o| match o {
                Object::Placement(p) => Some(p.security_groups.clone()),
                Object::Workload(e) if e.kind == WorkloadKind::NetworkInterface => Some(e.security_groups.clone()),
                _ => None,
            });
            let template_public = match &w.security_groups {
                Val::Known(v) => v.iter().filter_map(|l| l.res()).find_map(|t| match &self.net.res(t).obj {
                    Object::Placement(p) if !p.public_ip.is_absent() => Some(p.public_ip.clone()),
                    _ => None,
                }),
                _ => None,
            };
            if let Object::Workload(w) = &mut self.net.resources[id.index()].obj {
                w.subnets = subnets;
                w.security_groups = sgs;
                if let Some(p) = template_public
                    && w.public_ip != Val::Known(true)
                {
                    w.public_ip = p;
                }
            }
        }
    }

    fn subnet_tables(&mut self) {
        let mut explicit: HashMap<ResId, Vec<(ResId, Link)>> = HashMap::new();
        let mut unknown_assoc_vpcs: Vec<Option<ResId>> = Vec::new();
        for id in self.ids_where(|r| matches!(r.obj, Object::RouteTableAssociation(_))) {
            let Object::RouteTableAssociation(a) = &self.net.res(id).obj else {
                continue;
            };
            if a.gateway != Link::Absent {
                continue;
            }
            match &a.subnet {
                Link::To(s, _) => explicit.entry(*s).or_default().push((id, a.table.clone())),
                Link::Unknown(_) => {
                    let vpc = a.table.res().and_then(|t| match &self.net.res(t).obj {
                        Object::RouteTable(t) => t.vpc.res(),
                        _ => None,
                    });
                    unknown_assoc_vpcs.push(vpc);
                }
                _ => {}
            }
        }
        for s in self.ids_where(|r| matches!(r.obj, Object::Subnet(_))) {
            let Object::Subnet(sub) = &self.net.res(s).obj else {
                continue;
            };
            let vpc = sub.vpc.res();
            let data = self.net.res(s).origin == Origin::Data;
            let (table, via) = match explicit.get(&s).map(Vec::as_slice) {
                Some([(assoc, table)]) => (table.clone(), Some(*assoc)),
                Some(many) if many.len() > 1 => {
                    let names: Vec<String> = many.iter().map(|(a, _)| self.net.name(*a).to_string()).collect();
                    (Link::Unknown(format!("associated by several resources: {}", names.join(", "))), None)
                }
                _ if data => (Link::Unknown("an existing subnet: its route table is not in the input".into()), None),
                _ if unknown_assoc_vpcs.iter().any(|v| v.is_none() || *v == vpc) => {
                    (Link::Unknown("an association whose subnet is unknown may target this subnet".into()), None)
                }
                _ => match vpc.and_then(|v| self.net.res(v).obj.vpc().and_then(|v| v.main_route_table)) {
                    Some(main) => (Link::To(main, Provenance::Inferred), None),
                    None => (Link::Unknown("the subnet's VPC is not known".into()), None),
                },
            };
            if let Object::Subnet(sub) = &mut self.net.resources[s.index()].obj {
                sub.route_table = table;
                sub.route_table_association = via;
            }
        }
    }

    fn subnet_acls(&mut self) {
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

fn allow_all_rule(source: ResId, number: i64, cidr: &str) -> NaclRule {
    NaclRule {
        source,
        number: Val::Known(number),
        allow: Val::Known(true),
        protocol: Val::Known("-1".into()),
        from_port: Val::Known(0),
        to_port: Val::Known(0),
        icmp_type: Val::Absent,
        icmp_code: Val::Absent,
        cidr: cidr.parse().map_or(Val::Unknown, Val::Known),
    }
}

fn route_dest_key(v: View<'_>) -> Destination {
    if !v.str("destination_cidr_block").is_absent() {
        Destination::V4(v.str("destination_cidr_block").and_then(parse_v4))
    } else if !v.str("destination_ipv6_cidr_block").is_absent() {
        Destination::V6(v.str("destination_ipv6_cidr_block").and_then(parse_v6))
    } else {
        Destination::Unknown
    }
}

fn sg_rule_key(r: &SgRule) -> String {
    format!("{:?}|{:?}|{:?}|{:?}", r.protocol, r.from_port, r.to_port, r.peer)
}

/// Replaces links to placements (subnet groups, launch templates) and ENIs by what they hold.
fn expand(net: &Network, links: &Links, inner: impl Fn(&Object) -> Option<Links>) -> Links {
    let Val::Known(list) = links else {
        return links.clone();
    };
    let mut out: Vec<Link> = Vec::new();
    for l in list {
        match l.res().and_then(|t| inner(&net.res(t).obj)) {
            Some(Val::Known(v)) => out.extend(v),
            Some(Val::Unknown) => return Val::Unknown,
            Some(Val::Absent) => {}
            None => out.push(l.clone()),
        }
    }
    Val::Known(out)
}
