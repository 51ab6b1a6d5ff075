//! Registration and indexing: every chosen instance becomes a `Resource` (with its region), AWS's
//! implicit objects are registered beside their parents (`<parent>:<what>`), and the linker's
//! `Index` is built: ids and ARNs, addresses and module instances, names of what is referred to
//! by name (subnet groups, launch templates).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::Entry;
use crate::catalog::Family;
use crate::ingest::{ConfigModule, ConfigResource, Document};
use crate::model::Val;
use crate::model::attrs::View;
use crate::model::network::{Origin, ResId, Resource};
use crate::model::objects::Object;
use crate::model::refs::Index;

pub(super) fn index_config<'d>(
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

pub(super) fn constant_or_var(expr: Option<&Value>, doc: &Document) -> Option<String> {
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

pub(super) fn region_of(
    e: &Entry<'_>,
    config: Option<&ConfigResource>,
    providers: &HashMap<String, String>,
) -> Option<String> {
    let kept = |attr: &str| e.kept.contains(&attr);
    if let Some(v) = e.view {
        if kept("region")
            && let Val::Known(r) = v.str("region")
        {
            return Some(r.to_string());
        }
        if kept("arn")
            && let Val::Known(arn) = v.str("arn")
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
        && kept("availability_zone")
        && let Val::Known(az) = v.str("availability_zone")
        && az.len() > 1
        && az.ends_with(|c: char| c.is_ascii_lowercase())
    {
        return Some(az[..az.len() - 1].to_string());
    }
    None
}

#[derive(Default)]
pub(super) struct Builder<'d> {
    pub(super) resources: Vec<Resource>,
    pub(super) views: Vec<Option<View<'d>>>,
    pub(super) configs: Vec<Option<&'d ConfigResource>>,
    pub(super) implicit: HashMap<(ResId, &'static str), ResId>,
    /// The implicit endpoints of each Network Firewall, one per subnet mapping in the plan's
    /// order (docs/semantics.md §1.9).
    pub(super) firewall_endpoints: HashMap<ResId, Vec<ResId>>,
    /// The attributes ingest kept for each resource (none for implicit ones).
    kept: Vec<&'static [&'static str]>,
}

impl<'d> Builder<'d> {
    /// Registers one chosen instance, and what AWS creates with it: each VPC's main route table,
    /// default network ACL and default security group; a transit gateway's default route table;
    /// a Network Firewall's endpoint per subnet mapping.
    pub(super) fn register(&mut self, e: &Entry<'d>, config: Option<&'d ConfigResource>, region: Option<String>) {
        let id = match e.view {
            // A type the catalog does not list keeps only its network hint attributes.
            Some(_) if !e.kept.contains(&"id") => Val::Absent,
            Some(v) => v.string("id"),
            None => Val::Unknown,
        };
        let before_id = e.raw.before.as_ref().and_then(|b| View::of(b).str("id").into_known()).map(str::to_string);
        let res = self.push(Resource {
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
        self.views.push(e.view);
        self.configs.push(config);
        self.kept.push(e.kept);
        // Implicit children of VPCs and transit gateways.
        if e.origin != Origin::Deleted {
            match (e.raw.addr.rtype(), e.family) {
                (_, Family::Vpc) if e.raw.addr.rtype() != "aws_region" => {
                    for (what, rtype, family) in [
                        ("main_route_table", "aws_route_table", Family::RouteTable),
                        ("default_network_acl", "aws_network_acl", Family::NetworkAcl),
                        ("default_security_group", "aws_security_group", Family::SecurityGroup),
                    ] {
                        self.implicit_child(res, what, rtype, family);
                    }
                }
                ("aws_ec2_transit_gateway", _) => {
                    self.implicit_child(
                        res,
                        "default_route_table",
                        "aws_ec2_transit_gateway_route_table",
                        Family::TransitGatewayRouteTable,
                    );
                }
                // One endpoint per subnet mapping (named by its subnet once links are resolved:
                // `Fold::firewall_endpoints`).
                ("aws_networkfirewall_firewall", _) if e.origin != Origin::Data => {
                    if let Some(Val::Known(mappings)) = e.view.map(|v| v.blocks("subnet_mapping")) {
                        let endpoints = (0..mappings.len())
                            .map(|i| {
                                self.implicit_resource(
                                    res,
                                    format!("endpoint[{i}]"),
                                    "aws_vpc_endpoint",
                                    Family::VpcEndpoint,
                                )
                            })
                            .collect();
                        self.firewall_endpoints.insert(res, endpoints);
                    }
                }
                _ => {}
            }
        }
    }

    pub(super) fn push(&mut self, r: Resource) -> ResId {
        self.resources.push(r);
        ResId((self.resources.len() - 1) as u32)
    }

    pub(super) fn implicit_child(&mut self, parent: ResId, what: &'static str, rtype: &str, family: Family) {
        let id = self.implicit_resource(parent, what.to_string(), rtype, family);
        self.implicit.insert((parent, what), id);
    }

    /// An implicit object `<parent>:<what>` beside `parent`.
    fn implicit_resource(&mut self, parent: ResId, what: String, rtype: &str, family: Family) -> ResId {
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
        self.kept.push(&[]);
        id
    }

    pub(super) fn index(
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
            firewall_endpoints: self.firewall_endpoints.clone(),
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
            // Ids and ARNs, where the type keeps them.
            let id_keys = ["id", "arn"].map(|k| self.kept[i].contains(&k).then_some(k));
            if r.origin == Origin::Deleted {
                ix.deleted_by_local.entry(local).or_default().push(id);
                for key in id_keys.into_iter().flatten() {
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
            let mut ids: Vec<&str> = id_keys.into_iter().flatten().filter_map(|k| view.str(k).into_known()).collect();
            match r.rtype.as_str() {
                "aws_instance" => ids.extend(view.str("primary_network_interface_id").into_known()),
                "aws_nat_gateway" => ids.extend(view.str("network_interface_id").into_known()),
                "aws_eip" => ids.extend(view.str("allocation_id").into_known()),
                "aws_vpn_connection" => ids.extend(view.str("transit_gateway_attachment_id").into_known()),
                _ => {}
            }
            // Placements (subnet groups, launch templates) are referred to by name; a DMS
            // replication subnet group's name is its `replication_subnet_group_id`.
            if r.family == Family::Placement {
                let name_attr = match r.rtype.as_str() {
                    "aws_dms_replication_subnet_group" => "replication_subnet_group_id",
                    _ => "name",
                };
                if let Val::Known(name) = view.str(name_attr) {
                    ix.by_typed_name.insert((r.rtype.clone(), name.to_string()), id);
                }
            }
            for v in ids {
                // An accepter shares its peering connection's id: the connection wins.
                if r.rtype == "aws_vpc_peering_connection_accepter" && ix.by_id.contains_key(v) {
                    continue;
                }
                ix.by_id.insert(v.to_string(), id);
            }
            // A firewall's endpoint ids (states, no-op plans): each sync state names its subnet.
            if let Some(endpoints) = self.firewall_endpoints.get(&id) {
                for (i, state) in firewall_sync_states(view) {
                    if let (Some(ep), Some(endpoint_id)) = (i.and_then(|i| endpoints.get(i)), state.endpoint_id) {
                        ix.by_id.entry(endpoint_id.to_string()).or_insert(*ep);
                    }
                }
            }
            // Ids of implicit children.
            for (attr, what) in [
                ("default_route_table_id", "main_route_table"),
                ("main_route_table_id", "main_route_table"),
                ("default_network_acl_id", "default_network_acl"),
                ("default_security_group_id", "default_security_group"),
                ("association_default_route_table_id", "default_route_table"),
            ] {
                if let Some(child) = self.implicit.get(&(id, what))
                    && let Val::Known(v) = view.str(attr)
                {
                    ix.by_id.entry(v.to_string()).or_insert(*child);
                }
            }
        }
        ix
    }
}

/// What one `firewall_status[0].sync_states` entry of a Network Firewall says.
pub(super) struct SyncState<'d> {
    pub(super) az: Option<&'d str>,
    pub(super) endpoint_id: Option<&'d str>,
}

/// The sync states of a firewall, each with the index of the subnet mapping whose subnet it
/// names (`attachment[0].subnet_id`; with one mapping and one state, that mapping). States
/// whose subnet matches no mapping get `None`.
pub(super) fn firewall_sync_states<'d>(view: View<'d>) -> Vec<(Option<usize>, SyncState<'d>)> {
    let mappings: Vec<Val<&'d str>> = match view.blocks("subnet_mapping") {
        Val::Known(m) => m.iter().map(|b| b.str("subnet_id")).collect(),
        _ => return Vec::new(),
    };
    let Val::Known(status) = view.blocks("firewall_status") else { return Vec::new() };
    let Some(Val::Known(states)) = status.first().map(|s| s.blocks("sync_states")) else { return Vec::new() };
    let single = mappings.len() == 1 && states.len() == 1;
    states
        .iter()
        .map(|s| {
            let attachment = match s.blocks("attachment") {
                Val::Known(a) => a.first().copied(),
                _ => None,
            };
            let subnet = attachment.and_then(|a| a.str("subnet_id").into_known());
            let index = match subnet {
                Some(sub) => mappings.iter().position(|m| *m == Val::Known(sub)),
                None => None,
            }
            .or((single && (subnet.is_none() || !matches!(mappings[0], Val::Known(_)))).then_some(0));
            let state = SyncState {
                az: s.str("availability_zone").into_known(),
                endpoint_id: attachment.and_then(|a| a.str("endpoint_id").into_known()),
            };
            (index, state)
        })
        .collect()
}
