//! Linking: which resource does an attribute point at?
//!
//! In a create plan almost every id is unknown, so links come from the configuration's
//! `references` (docs/semantics.md §11), resolved by their real shapes:
//!
//! | reference | resolves to | provenance |
//! |---|---|---|
//! | known id in `after` | the resource with that id | `id` |
//! | `x[0]`, `x["a"]` | that instance | `reference` |
//! | `x`, `x[*].id` on a list attribute | every instance | `reference` |
//! | `x` + `count.index` / `each.key` / `each.value` | the instance with the same key | `inferred` |
//! | `x` with a single instance | that instance | `reference` |
//! | `x.vpc_id` (another attribute) | what that attribute of `x` links to | as found there |
//! | `aws_vpc.v.default_route_table_id` | the VPC's main table (implicit or adopted) | `reference` |
//! | `var.n` in a module | the caller's expression, in the caller's instance | as found there |
//! | `module.m.out` | the output's expression inside each instance of `m` | as found there |
//! | `data.t.n` | the data source | `data` |
//! | `local.n` | nothing (locals are not in the plan): the caller falls back to structure | — |
//!
//! A reference never resolves to a guess: several candidates for a single-valued attribute make
//! the link `Unknown`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::attrs::View;
use super::network::{Link, Links, Provenance, ResId};
use super::{InstanceKey, Mode, ModuleStep, Val};
use crate::addr::split_steps;
use crate::ingest::{ConfigModule, ConfigResource};

/// Everything the linker looks things up in. Built by `lower` before any object is typed.
pub(crate) struct Index<'d> {
    /// Resource names (addresses, or implicit names).
    pub names: Vec<String>,
    /// Resource types (implicit resources carry the type of what they are).
    pub types: Vec<String>,
    /// Data source?
    pub is_data: Vec<bool>,
    /// Module instance path of each resource.
    pub modules: Vec<Vec<ModuleStep>>,
    /// Instance key of each resource.
    pub keys: Vec<Option<InstanceKey>>,
    /// The attribute side used (after, or before for forgotten resources); None for implicit.
    pub views: Vec<Option<View<'d>>>,
    /// The configuration block of each resource.
    pub configs: Vec<Option<&'d ConfigResource>>,
    /// Known AWS ids (and ARNs) of resources present after apply.
    pub by_id: HashMap<String, ResId>,
    /// Ids of resources this plan destroys.
    pub deleted_ids: HashMap<String, ResId>,
    /// `(module instance path, local name)` → instances present after apply (and data sources).
    pub by_local: HashMap<(String, String), Vec<ResId>>,
    /// Deleted instances, same key.
    pub deleted_by_local: HashMap<(String, String), Vec<ResId>>,
    /// `(parent module instance path, call name)` → instance keys of that module call.
    pub module_keys: HashMap<(String, String), BTreeSet<Option<InstanceKey>>>,
    /// Configuration modules by config path (`""` root, `module.a.module.b`).
    pub config_modules: HashMap<String, &'d ConfigModule>,
    /// Root variable values.
    pub variables: &'d BTreeMap<String, Value>,
    /// Implicit children: `(parent, what)` → implicit resource (`main_route_table`,
    /// `default_network_acl`, `default_security_group`, `default_tgw_route_table`).
    pub implicit: HashMap<(ResId, &'static str), ResId>,
    /// The implicit endpoints of each Network Firewall, one per subnet mapping.
    pub firewall_endpoints: HashMap<ResId, Vec<ResId>>,
    /// `(type, name)` of resources referred to by name (subnet groups, launch templates).
    pub by_typed_name: HashMap<(String, String), ResId>,
}

/// Which attributes of a type are the resource itself (not a link to something else).
fn is_identity_attr(rtype: &str, attr: &str) -> bool {
    matches!(
        attr,
        "id" | "arn"
            | "name"
            | "arn_suffix"
            | "self_link"
            | "unique_id"
            | "allocation_id"
            | "public_ip"
            | "private_ip"
            | "dns_name"
            | "zone_id"
            | "function_name"
            | "invoke_arn"
            | "qualified_arn"
            | "identifier"
            | "endpoint"
            | "address"
            | "cidr_block"
            | "ipv6_cidr_block"
    ) || (rtype == "aws_instance" && attr == "primary_network_interface_id")
        // A gateway endpoint's prefix list stands for the endpoint (its service).
        || (rtype == "aws_vpc_endpoint" && attr == "prefix_list_id")
        || (rtype.starts_with("aws_db_subnet_group") && attr == "name")
        // A firewall's status holds its endpoints: it stands for the firewall (docs/semantics.md §1.9).
        || (rtype == "aws_networkfirewall_firewall" && attr == "firewall_status")
}

/// Attributes of a parent that are an implicit child.
fn implicit_child(rtype: &str, attr: &str) -> Option<&'static str> {
    match (rtype, attr) {
        ("aws_vpc" | "aws_default_vpc", "default_route_table_id" | "main_route_table_id") => Some("main_route_table"),
        ("aws_vpc" | "aws_default_vpc", "default_network_acl_id") => Some("default_network_acl"),
        ("aws_vpc" | "aws_default_vpc", "default_security_group_id") => Some("default_security_group"),
        ("aws_ec2_transit_gateway", "association_default_route_table_id" | "propagation_default_route_table_id") => {
            Some("default_route_table")
        }
        _ => None,
    }
}

/// How a type's link to its canonical target is found (an accepter's id is its peering's id).
fn canonical_follow(rtype: &str) -> Option<&'static str> {
    match rtype {
        "aws_vpc_peering_connection_accepter" => Some("vpc_peering_connection_id"),
        // Its id is the attachment's: it stands for the attachment when that is in the plan.
        "aws_ec2_transit_gateway_vpc_attachment_accepter" => Some("transit_gateway_attachment_id"),
        "aws_internet_gateway_attachment" => Some("internet_gateway_id"),
        "aws_vpn_gateway_attachment" => Some("vpn_gateway_id"),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    CountIndex,
    EachKey,
    EachValue,
}

#[derive(Debug, Clone)]
enum Ref {
    Resource {
        mode: Mode,
        rtype: String,
        name: String,
        key: Option<InstanceKey>,
        attr: Option<String>,
        index: Option<i64>,
    },
    Module {
        name: String,
        key: Option<InstanceKey>,
        output: Option<String>,
        index: Option<InstanceKey>,
        /// The steps after the output (`default_security_group_id` in
        /// `module.vpc.vpc.default_security_group_id`).
        rest: Vec<(String, Option<InstanceKey>)>,
    },
    Var(String),
    Local(String),
    Align(Align),
    Ignore,
}

fn parse_ref(text: &str) -> Ref {
    let Ok(steps) = split_steps(text) else {
        return Ref::Ignore;
    };
    let name_at = |i: usize| steps.get(i).map(|s| s.0);
    let int_key = |k: &Option<InstanceKey>| match k {
        Some(InstanceKey::Int(i)) => Some(*i),
        _ => None,
    };
    match name_at(0) {
        Some("count") => Ref::Align(Align::CountIndex),
        Some("each") if name_at(1) == Some("key") => Ref::Align(Align::EachKey),
        Some("each") => Ref::Align(Align::EachValue),
        Some("var") => name_at(1).map_or(Ref::Ignore, |n| Ref::Var(n.to_string())),
        Some("local") => name_at(1).map_or(Ref::Ignore, |n| Ref::Local(n.to_string())),
        Some("module") => match steps.get(1) {
            Some((name, key)) => Ref::Module {
                name: (*name).to_string(),
                key: key.clone(),
                output: steps.get(2).map(|s| s.0.to_string()),
                index: steps.get(2).and_then(|s| s.1.clone()),
                rest: steps.iter().skip(3).map(|s| (s.0.to_string(), s.1.clone())).collect(),
            },
            None => Ref::Ignore,
        },
        Some("data") => match (steps.get(1), steps.get(2)) {
            (Some((t, None)), Some((n, key))) => Ref::Resource {
                mode: Mode::Data,
                rtype: (*t).to_string(),
                name: (*n).to_string(),
                key: key.clone(),
                attr: steps.get(3).map(|s| s.0.to_string()),
                index: steps.get(3).and_then(|s| int_key(&s.1)),
            },
            _ => Ref::Ignore,
        },
        Some("path" | "terraform" | "self") | None => Ref::Ignore,
        Some(t) if t.contains('_') => match steps.get(1) {
            Some((n, key)) => Ref::Resource {
                mode: Mode::Managed,
                rtype: t.to_string(),
                name: (*n).to_string(),
                key: key.clone(),
                attr: steps.get(2).map(|s| s.0.to_string()),
                index: steps.get(2).and_then(|s| int_key(&s.1)),
            },
            None => Ref::Ignore,
        },
        Some(_) => Ref::Ignore,
    }
}

/// The references and constants of an expression; nested block lists are merged.
fn collect_expr<'v>(expr: &'v Value, refs: &mut Vec<&'v str>, constants: &mut Vec<&'v Value>) {
    match expr {
        Value::Object(o) if o.contains_key("references") || o.contains_key("constant_value") => {
            if let Some(Value::Array(rs)) = o.get("references") {
                refs.extend(rs.iter().filter_map(Value::as_str));
            }
            if let Some(c) = o.get("constant_value") {
                constants.push(c);
            }
        }
        Value::Object(o) => o.values().for_each(|v| collect_expr(v, refs, constants)),
        Value::Array(a) => a.iter().for_each(|v| collect_expr(v, refs, constants)),
        _ => {}
    }
}

/// What a set of references resolved to.
#[derive(Debug, Default, Clone)]
struct Outcome {
    targets: Vec<(ResId, Provenance)>,
    constants: Vec<String>,
    /// Why something could not be followed (`local.x`, an output through a local…).
    opaque: Option<String>,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        for t in other.targets {
            if !self.targets.iter().any(|(r, _)| *r == t.0) {
                self.targets.push(t);
            }
        }
        self.constants.extend(other.constants);
        if self.opaque.is_none() {
            self.opaque = other.opaque;
        }
    }
}

/// Where an expression is evaluated: a module instance and the instance key that `count.index`
/// and `each.*` refer to.
#[derive(Clone)]
struct Scope<'s> {
    module: &'s [ModuleStep],
    key: Option<&'s InstanceKey>,
    /// The `for_each` expression of the resource or module call (for `each.value`).
    for_each: Option<&'s Value>,
}

fn config_path(module: &[ModuleStep]) -> String {
    module.iter().map(|s| format!("module.{}", s.name)).collect::<Vec<_>>().join(".")
}

const MAX_DEPTH: u8 = 24;

/// A resource named by references: mode, type, name, key, attribute, index after the attribute.
type ResGroup = (Mode, String, String, Option<InstanceKey>, Option<String>, Option<i64>);
/// A module output named by references: call name, key, output, index after the output, the
/// steps after the output.
type ModGroup = (String, Option<InstanceKey>, Option<String>, Option<InstanceKey>, Vec<(String, Option<InstanceKey>)>);

/// Resolves links against an [`Index`].
pub(crate) struct Linker<'a, 'd> {
    ix: &'a Index<'d>,
    follow_memo: RefCell<HashMap<(ResId, String), Outcome>>,
}

impl<'a, 'd> Linker<'a, 'd> {
    pub(crate) fn new(ix: &'a Index<'d>) -> Self {
        Linker { ix, follow_memo: RefCell::new(HashMap::new()) }
    }

    /// The index.
    pub(crate) fn index(&self) -> &'a Index<'d> {
        self.ix
    }

    /// The module calls an attribute's expression names (`module.vpc` in
    /// `module.vpc.private_route_table_ids[0]`), with the instance key when one is given.
    pub(crate) fn module_calls(&self, res: ResId, path: &str) -> Vec<(String, Option<InstanceKey>)> {
        let Some(expr) = self.expr(res, path) else { return Vec::new() };
        let mut refs = Vec::new();
        let mut constants = Vec::new();
        collect_expr(expr, &mut refs, &mut constants);
        let mut out: Vec<(String, Option<InstanceKey>)> = Vec::new();
        for r in refs {
            if let Ref::Module { name, key, .. } = parse_ref(r)
                && !out.iter().any(|(n, k)| *n == name && (k.is_none() || *k == key))
            {
                out.retain(|(n, _)| !(*n == name && key.is_none()));
                out.push((name, key));
            }
        }
        out
    }

    /// The configuration expression of an attribute path (`vpc_config.subnet_ids`).
    pub(crate) fn expr(&self, res: ResId, path: &str) -> Option<&'d Value> {
        let config = self.ix.configs[res.index()]?;
        let mut parts = path.split('.');
        let first = parts.next()?;
        #[cfg(test)]
        self.note_config_read(res, first);
        let mut cur = config.expressions.get(first)?;
        for p in parts {
            cur = match cur {
                Value::Array(a) if a.len() == 1 => a[0].as_object()?.get(p)?,
                // Several blocks, or an attribute-style block with one merged list: the whole
                // attribute's expression stands for each of them.
                Value::Array(_) => return Some(cur),
                Value::Object(o) if o.contains_key("references") => return Some(cur),
                Value::Object(o) => o.get(p)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Test builds: records a read of a configuration expression (ingest filters expressions
    /// with the same catalog list as values).
    #[cfg(test)]
    fn note_config_read(&self, res: ResId, attr: &str) {
        let mode = if self.ix.is_data[res.index()] { Mode::Data } else { Mode::Managed };
        super::attrs::reads::record(mode, &self.ix.types[res.index()], attr);
    }

    /// True when the configuration sets the attribute at all.
    pub(crate) fn configured(&self, res: ResId, attr: &str) -> Option<bool> {
        let config = self.ix.configs[res.index()]?;
        #[cfg(test)]
        self.note_config_read(res, attr);
        Some(config.expressions.get(attr).is_some_and(|e| !self.is_null_variable(res, e)))
    }

    /// An expression that is only `var.x` where `x` is null: a module input the caller does not
    /// pass and whose default is null (`internal = var.internal` in terraform-aws-modules/alb),
    /// or a root variable whose value is null. Setting an argument to null leaves it unset.
    fn is_null_variable(&self, res: ResId, expr: &Value) -> bool {
        let Value::Object(o) = expr else { return false };
        if o.contains_key("constant_value") {
            return false;
        }
        let Some(Value::Array(refs)) = o.get("references") else { return false };
        let [Value::String(r)] = refs.as_slice() else { return false };
        let Some(name) = r.strip_prefix("var.") else { return false };
        if name.contains(['.', '[']) {
            return false;
        }
        let module = &self.ix.modules[res.index()];
        let Some((last, parent)) = module.split_last() else {
            return matches!(self.ix.variables.get(name), Some(Value::Null));
        };
        let call = self.ix.config_modules.get(&config_path(parent)).and_then(|m| m.module_calls.get(&last.name));
        let Some(call) = call else { return false };
        if call.expressions.contains_key(name) {
            return false;
        }
        self.ix.config_modules.get(&config_path(module)).is_some_and(|m| !m.variable_defaults.contains_key(name))
    }

    fn scope_of(&self, res: ResId) -> Scope<'a> {
        Scope {
            module: &self.ix.modules[res.index()],
            key: self.ix.keys[res.index()].as_ref(),
            for_each: self.ix.configs[res.index()].and_then(|c| c.for_each.as_ref()),
        }
    }

    fn type_ok(&self, res: ResId, types: &[&str]) -> bool {
        types.is_empty() || types.contains(&self.ix.types[res.index()].as_str())
    }

    /// Resolves a single-valued link.
    pub(crate) fn link(&self, res: ResId, value: Val<&str>, expr: Option<&Value>, types: &[&str]) -> Link {
        match value {
            Val::Known(id) => self.by_id(res, id, expr, types),
            Val::Unknown => {
                let out = self.outcome(res, expr);
                self.pick_one(out, types)
            }
            Val::Absent => Link::Absent,
        }
    }

    fn by_id(&self, res: ResId, id: &str, expr: Option<&Value>, types: &[&str]) -> Link {
        if let Some(&t) = self.ix.by_id.get(id) {
            return self.canonical(t, Provenance::Id, types);
        }
        if let Some(&t) = self.ix.deleted_ids.get(id) {
            return Link::Missing(t);
        }
        // The id is known but not of anything in the input; the configuration may still name a
        // resource whose id is unknown (rare), else it is external.
        if expr.is_some() {
            let out = self.outcome(res, expr);
            let picked = self.pick_one(out, types);
            if let Link::To(..) = picked {
                return picked;
            }
        }
        Link::External(Some(id.to_string()))
    }

    /// Accepters and attachments stand for what they accept or attach.
    fn canonical(&self, t: ResId, how: Provenance, types: &[&str]) -> Link {
        let rtype = self.ix.types[t.index()].as_str();
        if let Some(attr) = canonical_follow(rtype) {
            // A VPC attachment accepter plays an attachment only when its attachment is elsewhere.
            let wants_self = types.contains(&rtype) && rtype != "aws_ec2_transit_gateway_vpc_attachment_accepter";
            if !wants_self {
                let out = self.follow(t, attr, 0);
                if let [(target, _)] = out.targets.as_slice() {
                    return Link::To(*target, how);
                }
            }
        }
        let how = if self.ix.is_data[t.index()] && how != Provenance::Id { Provenance::Data } else { how };
        Link::To(t, how)
    }

    fn pick_one(&self, out: Outcome, types: &[&str]) -> Link {
        let mut cands: Vec<(ResId, Provenance)> = Vec::new();
        for (t, how) in out.targets {
            if let Link::To(c, how) = self.canonical(t, how, types)
                && self.type_ok(c, types)
                && !cands.iter().any(|(x, _)| *x == c)
            {
                cands.push((c, how));
            }
        }
        match cands.as_slice() {
            [(t, how)] => Link::To(*t, *how),
            [] => {
                if let Some(c) = out.constants.first() {
                    if let Some(&t) = self.ix.by_id.get(c.as_str()) {
                        return self.canonical(t, Provenance::Id, types);
                    }
                    if let Some(&t) = self.ix.deleted_ids.get(c.as_str()) {
                        return Link::Missing(t);
                    }
                    return Link::External(Some(c.clone()));
                }
                Link::Unknown(out.opaque.unwrap_or_else(|| "unknown until apply".to_string()))
            }
            many => {
                let names: Vec<&str> = many.iter().take(4).map(|(t, _)| self.ix.names[t.index()].as_str()).collect();
                Link::Unknown(format!(
                    "could be any of {}: a literal index or key (or a variable whose value the plan records) would pick one, as would the .tf sources beside the plan (--source-dir)",
                    names.join(", ")
                ))
            }
        }
    }

    /// The link an absolute reference names (`module.vpc["a"].aws_nat_gateway.this[1].id`, an
    /// [`Attrs::targets`](crate::ingest::Attrs::targets) entry): resolved in that module
    /// instance as a plan reference is. None when it names nothing of one of `types`.
    pub(crate) fn link_target(&self, target: &str, types: &[&str]) -> Option<Link> {
        let (module, local) = absolute_parts(target)?;
        let scope = Scope { module: &module, key: None, for_each: None };
        match self.pick_one(self.resolve_refs(&scope, &[local], 0), types) {
            link @ Link::To(..) => Some(link),
            _ => None,
        }
    }

    /// When the link of an attribute is ambiguous (several possible targets and nothing opaque,
    /// e.g. `module.vpc[each.value.peer].public_route_table_id`), the targets it may be.
    pub(crate) fn ambiguous_targets(&self, res: ResId, path: &str, types: &[&str]) -> Option<Vec<ResId>> {
        let out = self.outcome(res, self.expr(res, path));
        if out.opaque.is_some() || !out.constants.is_empty() {
            return None;
        }
        let mut cands: Vec<ResId> = Vec::new();
        for (t, how) in out.targets {
            if let Link::To(c, _) = self.canonical(t, how, types)
                && self.type_ok(c, types)
                && !cands.contains(&c)
            {
                cands.push(c);
            }
        }
        (cands.len() > 1).then_some(cands)
    }

    /// Resolves a list-valued link (`subnet_ids`, `security_group_ids`).
    pub(crate) fn links(&self, res: ResId, values: Val<Vec<Val<&str>>>, expr: Option<&Value>, types: &[&str]) -> Links {
        match values {
            Val::Absent => Val::Absent,
            Val::Unknown => {
                let out = self.outcome(res, expr);
                let opaque = out.opaque.clone();
                let targets = self.all_of(out, types);
                if targets.is_empty() && opaque.is_some() {
                    return Val::Unknown;
                }
                if targets.is_empty() {
                    return Val::Unknown;
                }
                if opaque.is_some() {
                    // Part of the list comes through something we cannot follow.
                    let mut v: Vec<Link> = targets.into_iter().map(|(t, h)| Link::To(t, h)).collect();
                    v.push(Link::Unknown(opaque.unwrap_or_default()));
                    return Val::Known(v);
                }
                Val::Known(targets.into_iter().map(|(t, h)| Link::To(t, h)).collect())
            }
            Val::Known(items) => {
                let unknown_count = items.iter().filter(|v| v.is_unknown()).count();
                let mut out: Vec<Link> = Vec::new();
                for item in &items {
                    if let Val::Known(id) = item {
                        out.push(self.by_id(res, id, None, types));
                    }
                }
                if unknown_count > 0 {
                    let outcome = self.outcome(res, expr);
                    let targets: Vec<(ResId, Provenance)> = self
                        .all_of(outcome, types)
                        .into_iter()
                        .filter(|(t, _)| !out.iter().any(|l| l.res() == Some(*t)))
                        .collect();
                    if targets.len() == unknown_count {
                        out.extend(targets.into_iter().map(|(t, h)| Link::To(t, h)));
                    } else {
                        out.extend((0..unknown_count).map(|_| Link::Unknown("unknown until apply".into())));
                    }
                }
                Val::Known(out)
            }
        }
    }

    fn all_of(&self, out: Outcome, types: &[&str]) -> Vec<(ResId, Provenance)> {
        let mut v: Vec<(ResId, Provenance)> = Vec::new();
        for (t, how) in out.targets {
            if let Link::To(c, how) = self.canonical(t, how, types)
                && self.type_ok(c, types)
                && !v.iter().any(|(x, _)| *x == c)
            {
                v.push((c, how));
            }
        }
        for c in out.constants {
            if let Some(&t) = self.ix.by_id.get(c.as_str())
                && !v.iter().any(|(x, _)| *x == t)
            {
                v.push((t, Provenance::Id));
            }
        }
        v
    }

    fn outcome(&self, res: ResId, expr: Option<&Value>) -> Outcome {
        let Some(expr) = expr else {
            return Outcome::default();
        };
        let scope = self.scope_of(res);
        self.resolve_expr(&scope, expr, 0)
    }

    fn resolve_expr(&self, scope: &Scope<'_>, expr: &Value, depth: u8) -> Outcome {
        let mut refs = Vec::new();
        let mut constants = Vec::new();
        collect_expr(expr, &mut refs, &mut constants);
        let mut out = self.resolve_refs(scope, &refs, depth);
        for c in constants {
            push_constants(c, &mut out.constants);
        }
        out
    }

    fn resolve_refs(&self, scope: &Scope<'_>, refs: &[&str], depth: u8) -> Outcome {
        let mut out = Outcome::default();
        if depth > MAX_DEPTH {
            out.opaque = Some("references nest too deeply".into());
            return out;
        }
        // Group the reference forms (`x[0].id`, `x[0]`, `x`) by what they name.
        let mut aligns: Vec<Align> = Vec::new();
        let mut resources: Vec<ResGroup> = Vec::new();
        let mut modules: Vec<ModGroup> = Vec::new();
        let mut vars: Vec<String> = Vec::new();
        for r in refs {
            match parse_ref(r) {
                Ref::Align(a) => aligns.push(a),
                Ref::Resource { mode, rtype, name, key, attr, index } => {
                    match resources.iter_mut().find(|g| g.0 == mode && g.1 == rtype && g.2 == name) {
                        Some(g) => {
                            if g.3.is_none() {
                                g.3 = key;
                            }
                            if g.4.is_none() {
                                g.4 = attr;
                            }
                            if g.5.is_none() {
                                g.5 = index;
                            }
                        }
                        None => resources.push((mode, rtype, name, key, attr, index)),
                    }
                }
                Ref::Module { name, key, output, index, rest } => match modules.iter_mut().find(|g| g.0 == name) {
                    Some(g) => {
                        if g.1.is_none() {
                            g.1 = key;
                        }
                        if g.2.is_none() {
                            g.2 = output;
                        }
                        if g.3.is_none() {
                            g.3 = index;
                        }
                        if g.4.len() < rest.len() {
                            g.4 = rest;
                        }
                    }
                    None => modules.push((name, key, output, index, rest)),
                },
                Ref::Var(v) => {
                    if !vars.contains(&v) {
                        vars.push(v);
                    }
                }
                Ref::Local(l) => {
                    if out.opaque.is_none() {
                        out.opaque = Some(format!(
                            "set through local.{l}, which the plan does not record: the configuration's .tf sources beside the plan, or a direct reference, would resolve it"
                        ));
                    }
                }
                Ref::Ignore => {}
            }
        }
        let aligned = !aligns.is_empty();
        // `each.value` over a resource or module collection: the collection is in `for_each`.
        if aligns.contains(&Align::EachValue)
            && resources.is_empty()
            && modules.is_empty()
            && let Some(fe) = scope.for_each
        {
            let mut fe_refs = Vec::new();
            let mut fe_consts = Vec::new();
            collect_expr(fe, &mut fe_refs, &mut fe_consts);
            for r in fe_refs {
                if let Ref::Resource { mode, rtype, name, .. } = parse_ref(r)
                    && !resources.iter().any(|g| g.0 == mode && g.1 == rtype && g.2 == name)
                {
                    resources.push((mode, rtype, name, None, None, None));
                }
            }
        }
        let inst_path = crate::addr::module_steps_text(scope.module);
        for (mode, rtype, name, key, attr, index) in resources {
            let local = match mode {
                Mode::Managed => format!("{rtype}.{name}"),
                Mode::Data => format!("data.{rtype}.{name}"),
            };
            let lookup = (inst_path.clone(), local);
            let instances = self.ix.by_local.get(&lookup).map(Vec::as_slice).unwrap_or(&[]);
            let deleted = self.ix.deleted_by_local.get(&lookup).map(Vec::as_slice).unwrap_or(&[]);
            let mut chosen: Vec<(ResId, Provenance)> = Vec::new();
            let key = key.or_else(|| index.map(InstanceKey::Int).filter(|_| attr.is_some() && instances.len() > 1));
            // `aws_subnet.pub[var.az].id`: Terraform records `aws_subnet.pub` and `var.az`; the
            // plan gives the variable's value, which names one instance.
            let key = key.or_else(|| {
                (instances.len() > 1 && !aligned)
                    .then(|| {
                        self.var_index(
                            scope,
                            &vars,
                            |k| instances.iter().any(|t| self.ix.keys[t.index()].as_ref() == Some(k)),
                            depth,
                        )
                    })
                    .flatten()
            });
            if let Some(k) = &key {
                if let Some(&t) = instances.iter().find(|t| self.ix.keys[t.index()].as_ref() == Some(k)) {
                    chosen.push((t, Provenance::Reference));
                } else if let Some(&t) = deleted.iter().find(|t| self.ix.keys[t.index()].as_ref() == Some(k)) {
                    chosen.push((t, Provenance::Reference));
                }
            } else if aligned && out.opaque.is_some() && instances.len() > 1 {
                // `x[local.map[each.key]]`: Terraform records `x`, the local and `each.key`, not
                // how they combine; the instance is not the one with our own key but whatever
                // the local maps it to. Left to the sources (the local's reason is said).
                continue;
            } else if aligned && let Some(own) = scope.key {
                if instances.len() == 1 {
                    // A target with one instance is that instance, whatever the index says.
                    chosen.push((instances[0], Provenance::Reference));
                } else if let Some(&t) = instances.iter().find(|t| self.ix.keys[t.index()].as_ref() == Some(own)) {
                    chosen.push((t, Provenance::Inferred));
                } else {
                    // Mis-aligned keys: every instance is possible.
                    chosen.extend(instances.iter().map(|t| (*t, Provenance::Reference)));
                }
            } else {
                chosen.extend(instances.iter().map(|t| (*t, Provenance::Reference)));
            }
            if chosen.is_empty() && instances.is_empty() && deleted.is_empty() {
                continue;
            }
            match attr.as_deref() {
                Some(a) if !chosen.is_empty() && !is_identity_attr(&rtype, a) => {
                    for (t, _) in chosen {
                        if let Some(child) = implicit_child(&rtype, a) {
                            if let Some(&c) = self.ix.implicit.get(&(t, child)) {
                                out.merge(Outcome { targets: vec![(c, Provenance::Reference)], ..Outcome::default() });
                            }
                        } else {
                            out.merge(self.follow(t, a, depth + 1));
                        }
                    }
                }
                _ => {
                    for (t, how) in chosen {
                        let how = if self.ix.is_data[t.index()] { Provenance::Data } else { how };
                        out.merge(Outcome { targets: vec![(t, how)], ..Outcome::default() });
                    }
                }
            }
        }
        for (name, key, output, index, rest) in modules {
            let Some(output) = output else { continue };
            let keys = self.ix.module_keys.get(&(inst_path.clone(), name.clone()));
            let Some(keys) = keys else { continue };
            let selected: Vec<Option<InstanceKey>> = if key.is_some() {
                keys.iter().filter(|k| **k == key).cloned().collect()
            } else if aligned
                && let Some(own) = scope.key
                && keys.contains(&Some(own.clone()))
            {
                vec![Some(own.clone())]
            } else {
                keys.iter().cloned().collect()
            };
            let child_config = if config_path(scope.module).is_empty() {
                format!("module.{name}")
            } else {
                format!("{}.module.{name}", config_path(scope.module))
            };
            let Some(child) = self.ix.config_modules.get(&child_config) else {
                continue;
            };
            let Some(expr) = child.outputs.get(&output) else {
                continue;
            };
            for k in selected {
                let mut module = scope.module.to_vec();
                module.push(ModuleStep { name: name.clone(), key: k });
                let inner = Scope { module: &module, key: None, for_each: None };
                // An output that is a whole resource (`value = aws_vpc.this`): the steps after it
                // are that resource's (`module.vpc.vpc.default_security_group_id` is
                // `aws_vpc.this.default_security_group_id` inside the module).
                let inst_path = crate::addr::module_steps_text(&module);
                let has_key = |local: &str, key: &InstanceKey| {
                    self.ix
                        .by_local
                        .get(&(inst_path.clone(), local.to_string()))
                        .is_some_and(|v| v.iter().any(|t| self.ix.keys[t.index()].as_ref() == Some(key)))
                };
                if let Some(text) = whole_resource_traversal(expr, index.as_ref(), &rest, has_key)
                    && (index.is_some() || !rest.is_empty())
                {
                    out.merge(self.resolve_refs(&inner, &[text.as_str()], depth + 1));
                    continue;
                }
                let mut o = self.resolve_expr(&inner, expr, depth + 1);
                if let Some(why) = &o.opaque
                    && why.starts_with("set through local.")
                {
                    o.opaque = Some(format!("module.{name}.{output} is {why}"));
                }
                if let Some(i) = &index {
                    o = pick_index(self.ix, o, i, Provenance::Reference);
                } else if aligned && let Some(own) = scope.key {
                    // `module.m.list[count.index]`: the element with our own index or key.
                    o = pick_index(self.ix, o, own, Provenance::Inferred);
                } else if o.targets.len() > 1
                    && let Some(i) = self.var_index(scope, &vars, |_| true, depth)
                {
                    // `module.m.subnets[var.az]`: the element the variable's value names.
                    let picked = pick_index(self.ix, o.clone(), &i, Provenance::Reference);
                    if picked.targets.len() == 1 {
                        o = picked;
                    }
                }
                out.merge(o);
            }
        }
        for v in vars {
            out.merge(self.resolve_var(scope, &v, depth + 1));
        }
        out
    }

    /// The instance key one of `vars` gives (its value is a string or an integer the plan
    /// records) and that `fits` accepts; None when none or several do.
    fn var_index(
        &self,
        scope: &Scope<'_>,
        vars: &[String],
        fits: impl Fn(&InstanceKey) -> bool,
        depth: u8,
    ) -> Option<InstanceKey> {
        let mut found: Option<InstanceKey> = None;
        for v in vars {
            if let Some(k) = self.var_scalar(scope, v, depth)
                && fits(&k)
            {
                if found.as_ref().is_some_and(|f| *f != k) {
                    return None;
                }
                found = Some(k);
            }
        }
        found
    }

    /// The value of `var.name` in a scope when it is one string or integer: the plan's root
    /// `variables`, else the module call's constant or a variable of the caller, else the
    /// variable's default.
    fn var_scalar(&self, scope: &Scope<'_>, name: &str, depth: u8) -> Option<InstanceKey> {
        if depth > MAX_DEPTH {
            return None;
        }
        let scalar = |v: &Value| match v {
            Value::String(s) => Some(InstanceKey::Str(s.clone())),
            Value::Number(n) => n.as_i64().map(InstanceKey::Int),
            _ => None,
        };
        let Some((last, parent)) = scope.module.split_last() else {
            if let Some(v) = self.ix.variables.get(name) {
                return scalar(v);
            }
            let root = self.ix.config_modules.get("")?;
            return root.variable_defaults.get(name).and_then(scalar);
        };
        let call = self.ix.config_modules.get(&config_path(parent)).and_then(|m| m.module_calls.get(&last.name))?;
        let Some(expr) = call.expressions.get(name) else {
            return call.module.variable_defaults.get(name).and_then(scalar);
        };
        let Value::Object(o) = expr else { return None };
        if let Some(c) = o.get("constant_value") {
            return scalar(c);
        }
        let Some(Value::Array(refs)) = o.get("references") else { return None };
        let [Value::String(r)] = refs.as_slice() else { return None };
        let inner = r.strip_prefix("var.").filter(|n| !n.contains(['.', '[']))?;
        let caller = Scope { module: parent, key: last.key.as_ref(), for_each: call.for_each.as_ref() };
        self.var_scalar(&caller, inner, depth + 1)
    }

    fn resolve_var(&self, scope: &Scope<'_>, name: &str, depth: u8) -> Outcome {
        let mut out = Outcome::default();
        let Some((last, parent)) = scope.module.split_last() else {
            if let Some(v) = self.ix.variables.get(name) {
                push_constants(v, &mut out.constants);
            } else if let Some(root) = self.ix.config_modules.get("")
                && let Some(v) = root.variable_defaults.get(name)
            {
                push_constants(v, &mut out.constants);
            }
            return out;
        };
        let parent_config = config_path(parent);
        let call = self.ix.config_modules.get(&parent_config).and_then(|m| m.module_calls.get(&last.name));
        let Some(call) = call else { return out };
        match call.expressions.get(name) {
            Some(expr) => {
                let caller = Scope { module: parent, key: last.key.as_ref(), for_each: call.for_each.as_ref() };
                self.resolve_expr(&caller, expr, depth)
            }
            None => {
                if let Some(v) = call.module.variable_defaults.get(name) {
                    push_constants(v, &mut out.constants);
                }
                out
            }
        }
    }

    /// What attribute `attr` of resource `t` links to (for `x.vpc_id`-style references).
    fn follow(&self, t: ResId, attr: &str, depth: u8) -> Outcome {
        let memo_key = (t, attr.to_string());
        if let Some(o) = self.follow_memo.borrow().get(&memo_key) {
            return o.clone();
        }
        // Guard against cycles: mark in progress with an opaque outcome.
        self.follow_memo
            .borrow_mut()
            .insert(memo_key.clone(), Outcome { opaque: Some("circular reference".into()), ..Outcome::default() });
        let mut out = Outcome::default();
        if depth <= MAX_DEPTH {
            let view = self.ix.views[t.index()];
            let value = view.map_or(Val::Unknown, |v| v.str(attr));
            match value {
                Val::Known(id) => {
                    if let Some(&r) = self.ix.by_id.get(id) {
                        out.targets.push((r, Provenance::Id));
                    } else if let Some(&r) = self.ix.deleted_ids.get(id) {
                        out.targets.push((r, Provenance::Reference));
                    } else {
                        out.constants.push(id.to_string());
                    }
                }
                Val::Unknown => {
                    if let Some(expr) = self.expr(t, attr) {
                        let scope = self.scope_of(t);
                        out = self.resolve_expr(&scope, expr, depth + 1);
                    } else if self.ix.configs[t.index()].is_none() {
                        out.opaque = Some(format!("{} of {} is unknown", attr, self.ix.names[t.index()]));
                    }
                }
                Val::Absent => {}
            }
        }
        self.follow_memo.borrow_mut().insert(memo_key, out.clone());
        out
    }
}

/// An absolute reference split into its module instance path and the reference inside it.
fn absolute_parts(target: &str) -> Option<(Vec<ModuleStep>, &str)> {
    let mut module = Vec::new();
    let mut rest = target;
    while let Some(after) = rest.strip_prefix("module.") {
        let steps = split_steps(after).ok()?;
        let (name, key) = steps.first()?.clone();
        // The text of this step: its name, then `[...]` when it has a key.
        let len = name.len() + if key.is_some() { key_text_len(&after[name.len()..])? } else { 0 };
        module.push(ModuleStep { name: name.to_string(), key });
        rest = after.get(len..)?.strip_prefix('.')?;
    }
    Some((module, rest))
}

/// The length of the `[0]` / `["k\"ey"]` at the start of `text`.
fn key_text_len(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    if b.get(1) != Some(&b'"') {
        return text.find(']').map(|i| i + 1);
    }
    let mut i = 2;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return (b.get(i + 1) == Some(&b']')).then_some(i + 2),
            _ => i += 1,
        }
    }
    None
}

/// When an output's expression is one whole resource (`aws_vpc.this`, `aws_subnet.pub`, with
/// no attribute), the reference inside the module that `module.m.out[index].rest…` stands for.
fn whole_resource_traversal(
    expr: &Value,
    index: Option<&InstanceKey>,
    rest: &[(String, Option<InstanceKey>)],
    has_key: impl Fn(&str, &InstanceKey) -> bool,
) -> Option<String> {
    let Value::Object(o) = expr else { return None };
    if o.contains_key("constant_value") {
        return None;
    }
    let Some(Value::Array(refs)) = o.get("references") else { return None };
    let mut base: Option<(String, Option<InstanceKey>)> = None;
    for r in refs {
        let text = r.as_str()?;
        let Ref::Resource { mode, rtype, name, key, attr: None, .. } = parse_ref(text) else { return None };
        let local = match mode {
            Mode::Managed => format!("{rtype}.{name}"),
            Mode::Data => format!("data.{rtype}.{name}"),
        };
        match &mut base {
            None => base = Some((local, key)),
            Some((b, k)) if *b == local => {
                if k.is_none() {
                    *k = key;
                }
            }
            Some(_) => return None,
        }
    }
    let (local, own_key) = base?;
    let mut text = local.clone();
    let mut rest = rest;
    match (own_key, index) {
        (Some(k), None) => text.push_str(&k.to_string()),
        (None, Some(i)) => text.push_str(&i.to_string()),
        (None, None) => {
            // `module.m.subnets.public.id` over a `for_each` resource: `public` is a key.
            if let Some(((step, None), more)) = rest.split_first() {
                let key = InstanceKey::Str(step.clone());
                if has_key(&local, &key) {
                    text.push_str(&key.to_string());
                    rest = more;
                }
            }
        }
        // `module.m.out[i]` over one instance: an index into that object, not followed.
        (Some(_), Some(_)) => return None,
    }
    for (step, key) in rest.iter().take(1) {
        text.push('.');
        text.push_str(step);
        if let Some(k) = key {
            text.push_str(&k.to_string());
        }
    }
    Some(text)
}

fn push_constants(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.is_empty() => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| push_constants(x, out)),
        _ => {}
    }
}

/// `module.m.list[i]` / `module.m.map["k"]`: keep the element when the output is one resource's
/// instances (a `[*].id` list in key order, or a `{for k, x in r : k => x.id}` map by key).
fn pick_index(ix: &Index<'_>, o: Outcome, key: &InstanceKey, how: Provenance) -> Outcome {
    let mut sorted = o.targets.clone();
    sorted.sort_by(|a, b| ix.keys[a.0.index()].cmp(&ix.keys[b.0.index()]));
    let same_resource = sorted.windows(2).all(|w| {
        ix.types[w[0].0.index()] == ix.types[w[1].0.index()]
            && ix.modules[w[0].0.index()] == ix.modules[w[1].0.index()]
            && ix.names[w[0].0.index()].split('[').next() == ix.names[w[1].0.index()].split('[').next()
    });
    if !same_resource || o.opaque.is_some() {
        return match (key, o.constants.len() > 1) {
            (InstanceKey::Int(i), true) => {
                let c = usize::try_from(*i).ok().and_then(|i| o.constants.get(i)).cloned();
                Outcome { targets: Vec::new(), constants: c.into_iter().collect(), opaque: None }
            }
            _ => o,
        };
    }
    let picked = match key {
        InstanceKey::Str(_) => sorted.iter().find(|(t, _)| ix.keys[t.index()].as_ref() == Some(key)).copied(),
        InstanceKey::Int(i) => usize::try_from(*i).ok().and_then(|i| sorted.get(i)).copied(),
    };
    match picked {
        Some((t, _)) => Outcome { targets: vec![(t, how)], constants: Vec::new(), opaque: None },
        None => Outcome {
            targets: Vec::new(),
            constants: Vec::new(),
            opaque: Some(format!("no element {key} in the module output")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_reference_shapes() {
        assert!(matches!(parse_ref("count.index"), Ref::Align(Align::CountIndex)));
        assert!(matches!(parse_ref("each.value.id"), Ref::Align(Align::EachValue)));
        match parse_ref("aws_nat_gateway.this[0].id") {
            Ref::Resource { rtype, name, key, attr, .. } => {
                assert_eq!((rtype.as_str(), name.as_str()), ("aws_nat_gateway", "this"));
                assert_eq!(key, Some(InstanceKey::Int(0)));
                assert_eq!(attr.as_deref(), Some("id"));
            }
            other => panic!("{other:?}"),
        }
        match parse_ref("module.net[\"prod\"].private_subnets[1]") {
            Ref::Module { name, key, output, index, .. } => {
                assert_eq!(name, "net");
                assert_eq!(key, Some(InstanceKey::Str("prod".into())));
                assert_eq!(output.as_deref(), Some("private_subnets"));
                assert_eq!(index, Some(InstanceKey::Int(1)));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse_ref("data.aws_vpc.default.id"), Ref::Resource { mode: Mode::Data, .. }));
        assert!(matches!(parse_ref("local.vpc_id"), Ref::Local(_)));
        assert!(matches!(parse_ref("path.module"), Ref::Ignore));
    }
}
