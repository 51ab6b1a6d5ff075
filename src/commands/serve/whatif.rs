//! What-if edits of `tfvpc serve`: add, change or remove a security group rule, a network ACL
//! rule or a route. Each edit is applied to a copy of the ingested [`Document`] — the attribute
//! values that ingest kept — the way the user's configuration would change: an entry of the
//! parent's inline blocks when the parent uses inline rules, else a separate rule resource (the
//! type the parent's other rules use, or AWS's current one). The network is then lowered again
//! and the whole lint runs, so every rule sees the edit. Nothing is written anywhere; the HCL to
//! paste is text in the answer.
//!
//! A new rule that names another resource (its parent, a route's target, a rule's peer group)
//! links to it by id, as a literal id in a plan does: a resource whose id is unknown until apply
//! gets a stand-in id (`tfvpc-whatif-…`) in the copy, which the linker resolves like any other.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::addr::ResourceAddr;
use crate::ingest::{Action, Attrs, DocKind, Document, RawResource};
use crate::model::{Network, Object};

/// The version of the `/api/edits` and `/api/rules` contract (docs/serve.md).
pub(super) const VERSION: u32 = 1;

/// The most edits one request may carry.
pub(super) const MAX_EDITS: usize = 200;

/// `POST /api/edits`: the whole list of edits, applied in order to the input as read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EditsRequest {
    /// Must be [`VERSION`].
    pub version: u32,
    /// The edits; empty resets.
    pub edits: Vec<Edit>,
}

/// What an edit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Op {
    Add,
    Change,
    Remove,
}

/// The kind of rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Kind {
    SgRule,
    NaclRule,
    Route,
}

/// A rule that exists: a separate rule resource (`address`), or an inline block of its parent
/// (`address` the parent, `block` and `index` the entry).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleRef {
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
}

/// One edit. `add` names `kind` and `parent`; `change` and `remove` name the `rule`; `add` and
/// `change` give the rule's fields (a change replaces the whole rule).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Edit {
    pub op: Option<Op>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleRef>,
    /// `ingress` or `egress` (rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `all` (or a protocol number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i64>,
    /// The rule's CIDR (a security group rule may name `peer_group` instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// A security group rule's peer group (an address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_group: Option<String>,
    /// A network ACL rule's number (1–32766).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_number: Option<i64>,
    /// A network ACL rule's `allow` or `deny`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// A route's destination CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// A route's target: an address (gateway, NAT gateway, peering connection, transit gateway,
    /// endpoint, network interface) or `local`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// An applied edit, as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Applied {
    /// The edit as sent.
    pub edit: Edit,
    /// One line: what changed.
    pub summary: String,
    /// The HCL to write, in the configuration's own style.
    pub hcl: String,
    /// The rule the edit made or changed (for a later change or remove).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub made: Option<RuleRef>,
}

/// The parents of separate rule resources (rule address → parent address), from the lowered
/// network and the edits so far; and how each parent keeps its rules.
#[derive(Debug, Clone, Default)]
pub(super) struct Layout {
    parents: BTreeMap<String, String>,
    /// Parents that use inline blocks (by the configuration, or by their known values).
    inline: BTreeMap<String, bool>,
}

impl Layout {
    /// Reads the layout of the network as lowered from the input.
    pub(super) fn of(net: &Network) -> Layout {
        let mut layout = Layout::default();
        for (id, r) in net.present() {
            let name = net.name(id).to_string();
            let parent = match &r.obj {
                Object::SgRule(s) => s.group.res(),
                Object::NaclRule(n) => n.acl.res(),
                Object::Route(t) => t.table.res(),
                Object::SecurityGroup(g) => {
                    layout.inline.insert(name, g.inline_rules);
                    continue;
                }
                Object::NetworkAcl(a) => {
                    layout.inline.insert(name, a.inline_rules);
                    continue;
                }
                Object::RouteTable(t) => {
                    layout.inline.insert(name, t.inline_routes);
                    continue;
                }
                _ => None,
            };
            if let Some(p) = parent {
                layout.parents.insert(name, net.name(p).to_string());
            }
        }
        layout
    }
}

/// Where each resource of a document is.
fn index_of(doc: &Document) -> BTreeMap<String, usize> {
    doc.resources.iter().enumerate().map(|(i, r)| (r.addr.to_string(), i)).collect()
}

fn kind_of(rtype: &str) -> Option<Kind> {
    match rtype {
        "aws_security_group" | "aws_default_security_group" => Some(Kind::SgRule),
        "aws_network_acl" | "aws_default_network_acl" => Some(Kind::NaclRule),
        "aws_route_table" | "aws_default_route_table" => Some(Kind::Route),
        _ => None,
    }
}

fn separate_kind(rtype: &str) -> Option<Kind> {
    match rtype {
        "aws_security_group_rule" | "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            Some(Kind::SgRule)
        }
        "aws_network_acl_rule" => Some(Kind::NaclRule),
        "aws_route" => Some(Kind::Route),
        _ => None,
    }
}

fn inline_blocks(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::SgRule | Kind::NaclRule => &["ingress", "egress"],
        Kind::Route => &["route"],
    }
}

/// The edit state: the document so far and the layout.
pub(super) struct Editor {
    pub doc: Document,
    layout: Layout,
    index: BTreeMap<String, usize>,
}

impl Editor {
    /// Edits start from `doc` (a copy of the input as read).
    pub(super) fn new(doc: Document, layout: &Layout) -> Editor {
        let index = index_of(&doc);
        Editor { doc, layout: layout.clone(), index }
    }

    /// Applies one edit, or says why it cannot be.
    pub(super) fn apply(&mut self, edit: &Edit) -> Result<Applied, String> {
        match edit.op {
            Some(Op::Add) => {
                let parent = edit.parent.as_deref().ok_or("an add names its `parent` (a group, ACL or route table)")?;
                let (pi, kind) = self.parent(parent)?;
                if edit.kind.is_some_and(|k| k != kind) {
                    return Err(format!("{parent} holds {} rules, not {:?}", kind_name(kind), edit.kind));
                }
                let fields = Fields::check(kind, edit, self)?;
                let made = self.add(pi, kind, &fields)?;
                Ok(Applied {
                    edit: edit.clone(),
                    summary: format!("add to {parent}: {}", fields.text()),
                    hcl: self.hcl(pi, &made, &fields),
                    made: Some(made),
                })
            }
            Some(op @ (Op::Change | Op::Remove)) => {
                let rule = edit.rule.as_ref().ok_or("a change or remove names the `rule` (address, block, index)")?;
                let (pi, kind, old) = self.find(rule)?;
                let parent = self.doc.resources[pi].addr.to_string();
                let old_text = describe(kind, &old);
                let removed_hcl = self.removal_hcl(rule, &parent, kind, &old);
                if op == Op::Remove {
                    self.remove(rule)?;
                    return Ok(Applied {
                        edit: edit.clone(),
                        summary: format!("remove from {parent}: {old_text}"),
                        hcl: removed_hcl,
                        made: None,
                    });
                }
                let fields = Fields::check(kind, edit, self)?;
                let made = self.replace(rule, pi, kind, &fields)?;
                Ok(Applied {
                    edit: edit.clone(),
                    summary: format!("change in {parent}: {old_text} → {}", fields.text()),
                    hcl: format!("{removed_hcl}\n{}", self.hcl(pi, &made, &fields)),
                    made: Some(made),
                })
            }
            None => Err("an edit needs `op`: add, change or remove".into()),
        }
    }

    /// A group, ACL or route table that the document holds (after the change).
    fn parent(&self, address: &str) -> Result<(usize, Kind), String> {
        let Some(&i) = self.index.get(address) else {
            if address.contains(':') {
                return Err(format!(
                    "{address} is created by AWS with its VPC: adopt it with an aws_default_* resource to change its rules"
                ));
            }
            return Err(format!("{address}: no such resource in this input"));
        };
        let r = &self.doc.resources[i];
        let kind = kind_of(r.addr.rtype()).ok_or_else(|| {
            format!(
                "{address} is a {}: rules are edited on a security group, a network ACL or a route table",
                r.addr.rtype()
            )
        })?;
        if r.after.is_none() {
            return Err(format!("{address} is destroyed by this plan"));
        }
        Ok((i, kind))
    }

    /// The rule a reference names: its parent's index, its kind and its raw fields.
    fn find(&self, rule: &RuleRef) -> Result<(usize, Kind, Map<String, Value>), String> {
        match (&rule.block, rule.index) {
            (Some(block), Some(index)) => {
                let (pi, kind) = self.parent(&rule.address)?;
                let entry = self.doc.resources[pi]
                    .after
                    .as_ref()
                    .and_then(|a| a.values.get(block.as_str()))
                    .and_then(Value::as_array)
                    .and_then(|l| l.get(index))
                    .and_then(Value::as_object)
                    .ok_or_else(|| format!("{} has no {block} block number {index}", rule.address))?;
                let mut fields = entry.clone();
                if kind != Kind::Route {
                    fields.insert("egress".into(), Value::Bool(block == "egress"));
                }
                Ok((pi, kind, fields))
            }
            (None, None) => {
                let &ri = self.index.get(&rule.address).ok_or_else(|| format!("{}: no such resource", rule.address))?;
                let r = &self.doc.resources[ri];
                let kind =
                    separate_kind(r.addr.rtype()).ok_or_else(|| format!("{} is not a rule or route", rule.address))?;
                let parent = self.layout.parents.get(&rule.address).ok_or_else(|| {
                    format!(
                        "{}: its group, ACL or table is unknown until apply, so it cannot be edited here",
                        rule.address
                    )
                })?;
                let (pi, _) = self.parent(parent)?;
                let mut fields = r.after.as_ref().map(|a| a.values.clone()).unwrap_or_default();
                if r.addr.rtype() == "aws_vpc_security_group_egress_rule" {
                    fields.insert("egress".into(), Value::Bool(true));
                }
                if r.addr.rtype() == "aws_security_group_rule" {
                    let egress = fields.get("type").and_then(Value::as_str) == Some("egress");
                    fields.insert("egress".into(), Value::Bool(egress));
                }
                Ok((pi, kind, fields))
            }
            _ => Err("a rule is an `address`, or an `address` with `block` and `index`".into()),
        }
    }

    fn remove(&mut self, rule: &RuleRef) -> Result<(), String> {
        match (&rule.block, rule.index) {
            (Some(block), Some(index)) => {
                let (pi, _) = self.parent(&rule.address)?;
                let attrs = self.doc.resources[pi].after.as_mut().ok_or("destroyed")?;
                if let Some(Value::Array(list)) = attrs.values.get_mut(block.as_str())
                    && index < list.len()
                {
                    list.remove(index);
                }
                // The markers and the sources' targets (`Attrs::targets`) follow the blocks.
                for marks in [&mut attrs.unknown, &mut attrs.sensitive, &mut attrs.targets] {
                    if let Some(Value::Array(list)) = marks.get_mut(block.as_str())
                        && index < list.len()
                    {
                        list.remove(index);
                    }
                }
                Ok(())
            }
            _ => {
                let &ri = self.index.get(&rule.address).ok_or("no such resource")?;
                // Gone after the change, as a resource removed from the configuration.
                self.doc.resources[ri].after = None;
                self.doc.resources[ri].action = Action::Delete;
                Ok(())
            }
        }
    }

    fn replace(&mut self, rule: &RuleRef, pi: usize, kind: Kind, fields: &Fields) -> Result<RuleRef, String> {
        match (&rule.block, rule.index) {
            (Some(block), Some(index)) => {
                let block_now = fields.block(kind);
                if block_now == block {
                    let entry = fields.inline_entry(kind);
                    let attrs = self.doc.resources[pi].after.as_mut().ok_or("destroyed")?;
                    if let Some(Value::Array(list)) = attrs.values.get_mut(block.as_str())
                        && let Some(slot) = list.get_mut(index)
                    {
                        *slot = Value::Object(entry);
                        if let Some(Value::Array(marks)) = attrs.unknown.get_mut(block.as_str())
                            && let Some(m) = marks.get_mut(index)
                        {
                            *m = Value::Object(Map::new());
                        }
                        // The edited block's values are the user's: no target from the sources.
                        if let Some(Value::Array(targets)) = attrs.targets.get_mut(block.as_str())
                            && let Some(t) = targets.get_mut(index)
                        {
                            *t = Value::Null;
                        }
                        return Ok(rule.clone());
                    }
                    return Err(format!("{} has no {block} block number {index}", rule.address));
                }
                // The direction changed: the rule moves to the other list.
                self.remove(rule)?;
                self.add(pi, kind, fields)
            }
            _ => {
                self.remove(rule)?;
                self.add(pi, kind, fields)
            }
        }
    }

    /// Whether the parent keeps its rules inline.
    fn uses_inline(&self, pi: usize, kind: Kind) -> bool {
        let address = self.doc.resources[pi].addr.to_string();
        if self.layout.parents.values().any(|p| *p == address) {
            return false;
        }
        if let Some(&inline) = self.layout.inline.get(&address)
            && inline
        {
            return true;
        }
        // Without a configuration (a state), known, non-empty blocks say inline.
        let values = self.doc.resources[pi].after.as_ref().map(|a| &a.values);
        self.doc.config.is_none()
            && inline_blocks(kind)
                .iter()
                .any(|b| values.and_then(|v| v.get(*b)).and_then(Value::as_array).is_some_and(|l| !l.is_empty()))
    }

    /// The separate rule type the parent's other rules use, else AWS's current one.
    fn separate_type(&self, pi: usize, kind: Kind, egress: bool) -> String {
        let address = self.doc.resources[pi].addr.to_string();
        let used: Vec<&str> = self
            .layout
            .parents
            .iter()
            .filter(|(_, p)| **p == address)
            .filter_map(|(r, _)| self.index.get(r).map(|&i| self.doc.resources[i].addr.rtype()))
            .collect();
        match kind {
            Kind::SgRule if used.contains(&"aws_security_group_rule") => "aws_security_group_rule".into(),
            Kind::SgRule if egress => "aws_vpc_security_group_egress_rule".into(),
            Kind::SgRule => "aws_vpc_security_group_ingress_rule".into(),
            Kind::NaclRule => "aws_network_acl_rule".into(),
            Kind::Route => "aws_route".into(),
        }
    }

    fn add(&mut self, pi: usize, kind: Kind, fields: &Fields) -> Result<RuleRef, String> {
        let parent = self.doc.resources[pi].addr.clone();
        if self.uses_inline(pi, kind) {
            let block = fields.block(kind);
            let entry = fields.inline_entry(kind);
            let attrs = self.doc.resources[pi].after.as_mut().ok_or("destroyed")?;
            // A list unknown until apply that the configuration does not set is empty.
            let list = attrs.values.entry(block).or_insert_with(|| Value::Array(Vec::new()));
            if !list.is_array() {
                *list = Value::Array(Vec::new());
            }
            let Value::Array(list) = list else { return Err("not a list".into()) };
            list.push(Value::Object(entry));
            let index = list.len() - 1;
            if let Value::Object(marks) = &mut attrs.unknown {
                match marks.get_mut(block) {
                    Some(Value::Array(m)) => {
                        m.resize(index, Value::Object(Map::new()));
                        m.push(Value::Object(Map::new()));
                    }
                    Some(_) => {
                        marks.remove(block);
                    }
                    None => {}
                }
            }
            return Ok(RuleRef { address: parent.to_string(), block: Some(block.to_string()), index: Some(index) });
        }
        let rtype = self.separate_type(pi, kind, fields.egress);
        let parent_id = self.id_of(pi);
        let mut values = fields.separate_values(kind, &rtype);
        let parent_attr = match kind {
            Kind::SgRule => "security_group_id",
            Kind::NaclRule => "network_acl_id",
            Kind::Route => "route_table_id",
        };
        values.insert(parent_attr.into(), Value::String(parent_id));
        let base = format!("{}_{}", parent.name(), fields.name_hint(kind));
        let mut name = base.clone();
        let mut n = 1;
        while self.index.contains_key(
            &ResourceAddr::new(parent.module().to_vec(), crate::addr::Mode::Managed, &rtype, &name, None).to_string(),
        ) {
            n += 1;
            name = format!("{base}_{n}");
        }
        let addr = ResourceAddr::new(parent.module().to_vec(), crate::addr::Mode::Managed, &rtype, &name, None);
        let action = match self.doc.kind {
            DocKind::Plan | DocKind::Configuration => Action::Create,
            DocKind::ShowState | DocKind::RawState => Action::Existing,
        };
        let provider = self.doc.resources[pi].provider.clone();
        let address = addr.to_string();
        self.doc.resources.push(RawResource {
            addr,
            provider,
            action,
            after: Some(Attrs {
                values,
                unknown: Value::Object(Map::new()),
                sensitive: Value::Object(Map::new()),
                targets: Value::Null,
            }),
            before: None,
        });
        self.index.insert(address.clone(), self.doc.resources.len() - 1);
        self.layout.parents.insert(address.clone(), parent.to_string());
        Ok(RuleRef { address, block: None, index: None })
    }

    /// The resource's id; one made up for this copy when it is unknown until apply.
    fn id_of(&mut self, i: usize) -> String {
        let r = &mut self.doc.resources[i];
        let Some(after) = r.after.as_mut() else { return String::new() };
        if let Some(id) = after.values.get("id").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            return id.to_string();
        }
        let id = format!("tfvpc-whatif-{}", r.addr.as_str().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
        after.values.insert("id".into(), Value::String(id.clone()));
        if let Value::Object(marks) = &mut after.unknown {
            marks.remove("id");
        }
        id
    }

    /// The id of a resource named by a rule (a route's target, a peer group), from the
    /// document's managed resources or data sources.
    fn id_of_address(&mut self, address: &str) -> Result<String, String> {
        if let Some(&i) = self.index.get(address) {
            if self.doc.resources[i].after.is_none() {
                return Err(format!("{address} is destroyed by this plan"));
            }
            return Ok(self.id_of(i));
        }
        let data = self.doc.data_after.iter().find(|r| r.addr.as_str() == address);
        match data.and_then(|r| r.after.as_ref()).and_then(|a| a.values.get("id")).and_then(Value::as_str) {
            Some(id) => Ok(id.to_string()),
            None => Err(format!("{address}: no such resource in this input (or its id is unknown)")),
        }
    }

    /// The HCL of a new or changed rule, in the parent's style.
    fn hcl(&self, pi: usize, made: &RuleRef, fields: &Fields) -> String {
        let parent = &self.doc.resources[pi].addr;
        let module = module_note(parent);
        let reference = local_ref(parent);
        match &made.block {
            Some(block) => {
                format!(
                    "# in resource \"{}\" \"{}\"{module}:\n  {block} {{\n{}  }}\n",
                    parent.rtype(),
                    parent.name(),
                    fields.hcl_body(self.kind_at(pi), None, "    ", None)
                )
            }
            None => {
                let Some(&ri) = self.index.get(&made.address) else { return String::new() };
                let r = &self.doc.resources[ri].addr;
                let parent_attr = match self.kind_at(pi) {
                    Kind::SgRule => "security_group_id",
                    Kind::NaclRule => "network_acl_id",
                    Kind::Route => "route_table_id",
                };
                format!(
                    "resource \"{}\" \"{}\" {{{module}\n{}}}\n",
                    r.rtype(),
                    r.name(),
                    fields.hcl_body(
                        self.kind_at(pi),
                        Some(r.rtype()),
                        "  ",
                        Some((parent_attr.to_string(), format!("{reference}.id")))
                    )
                )
            }
        }
    }

    fn kind_at(&self, pi: usize) -> Kind {
        kind_of(self.doc.resources[pi].addr.rtype()).unwrap_or(Kind::Route)
    }

    fn removal_hcl(&self, rule: &RuleRef, parent: &str, kind: Kind, old: &Map<String, Value>) -> String {
        match (&rule.block, rule.index) {
            (Some(block), Some(_)) => {
                format!("# in {parent}: delete the {block} block {{ {} }}\n", describe(kind, old))
            }
            _ => {
                let addr = self.index.get(&rule.address).map(|&i| &self.doc.resources[i].addr);
                match addr {
                    Some(a) => format!("# delete resource \"{}\" \"{}\"{}\n", a.rtype(), a.name(), module_note(a)),
                    None => format!("# delete {}\n", rule.address),
                }
            }
        }
    }

    /// The rules a group, ACL or table holds now: inline blocks, then separate resources.
    pub(super) fn rules_of(&self, address: &str, net: &Network) -> Result<Value, String> {
        let (pi, kind) = self.parent(address)?;
        let named = resolved_names(net, address);
        let describe = |kind: Kind, fields: &Map<String, Value>, key: (&str, Option<usize>)| {
            let mut fields = fields.clone();
            if let Some(names) = named.get(&(key.0.to_string(), key.1)) {
                fields.insert("resolved".into(), json!(names));
            }
            (describe(kind, &fields), form_fields(kind, &fields))
        };
        let mut rules = Vec::new();
        if let Some(values) = self.doc.resources[pi].after.as_ref().map(|a| &a.values) {
            for block in inline_blocks(kind) {
                for (index, entry) in values.get(*block).and_then(Value::as_array).into_iter().flatten().enumerate() {
                    let Some(entry) = entry.as_object() else { continue };
                    let mut fields = entry.clone();
                    if kind != Kind::Route {
                        fields.insert("egress".into(), Value::Bool(*block == "egress"));
                    }
                    let key = if kind == Kind::Route { Some(index) } else { None };
                    let (text, form) = describe(kind, &fields, (address, key));
                    let rule =
                        RuleRef { address: address.to_string(), block: Some((*block).to_string()), index: Some(index) };
                    rules.push(json!({"rule": rule, "text": text, "fields": form}));
                }
            }
        }
        for (child, _) in self.layout.parents.iter().filter(|(_, p)| *p == address) {
            let rule = RuleRef { address: child.clone(), block: None, index: None };
            let Ok((_, _, fields)) = self.find(&rule) else { continue };
            if self.index.get(child).is_some_and(|&i| self.doc.resources[i].after.is_none()) {
                continue;
            }
            let (text, form) = describe(kind, &fields, (child, None));
            rules.push(json!({"rule": rule, "text": text, "fields": form}));
        }
        if kind == Kind::NaclRule {
            // In the order AWS evaluates them: ingress then egress, by rule number.
            rules.sort_by_key(|r| {
                (r["fields"]["direction"] == "egress", r["fields"]["rule_number"].as_i64().unwrap_or(i64::MAX))
            });
        }
        let style = if self.uses_inline(pi, kind) { "inline" } else { "separate" };
        Ok(json!({"version": VERSION, "of": address, "kind": kind, "style": style, "rules": rules}))
    }
}

/// What the linker made of the rules' references, which the plan may not know until apply: a
/// route's target and a separate rule's peer groups, by (rule resource, inline route index).
fn resolved_names(net: &Network, parent: &str) -> BTreeMap<(String, Option<usize>), Vec<String>> {
    use crate::model::{Link, SgPeer, Val};
    let mut out: BTreeMap<(String, Option<usize>), Vec<String>> = BTreeMap::new();
    let Some(id) = net.find(parent) else { return out };
    let name = |l: &Link| match l {
        Link::To(t, _) => Some(net.name(*t).to_string()),
        _ => None,
    };
    match &net.res(id).obj {
        Object::RouteTable(t) => {
            if let Val::Known(routes) = &t.routes {
                for r in routes {
                    if let Some(n) = name(&r.target) {
                        out.entry((net.name(r.source).to_string(), r.inline_index)).or_default().push(n);
                    }
                }
            }
        }
        Object::SecurityGroup(g) => {
            for list in [&g.ingress, &g.egress] {
                if let Val::Known(rules) = list {
                    for r in rules.iter().filter(|r| r.source != id) {
                        let peer = match &r.peer {
                            SgPeer::Group(l) => name(l),
                            SgPeer::SelfGroup => Some("self".into()),
                            _ => None,
                        };
                        if let Some(p) = peer {
                            out.entry((net.name(r.source).to_string(), None)).or_default().push(p);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    out
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::SgRule => "security group",
        Kind::NaclRule => "network ACL",
        Kind::Route => "route",
    }
}

fn module_note(addr: &ResourceAddr) -> String {
    if addr.module().is_empty() {
        String::new()
    } else {
        let path: Vec<String> = addr.module().iter().map(|s| format!("module.{}", s.name)).collect();
        format!(" # in {}", path.join("."))
    }
}

/// The address as the module's own code writes it (no module prefix).
fn local_ref(addr: &ResourceAddr) -> String {
    ResourceAddr::new(Vec::new(), addr.mode(), addr.rtype(), addr.name(), addr.key().cloned()).to_string()
}

/// The fields of a new rule, checked.
struct Fields {
    egress: bool,
    protocol: String,
    from_port: i64,
    to_port: i64,
    cidr: Option<ipnet::IpNet>,
    peer_group: Option<(String, String)>,
    rule_number: i64,
    allow: bool,
    /// A route's target: attribute, address (or `local`), id.
    target: Option<(&'static str, String, String)>,
}

impl Fields {
    fn check(kind: Kind, e: &Edit, editor: &mut Editor) -> Result<Fields, String> {
        let mut f = Fields {
            egress: false,
            protocol: String::new(),
            from_port: 0,
            to_port: 0,
            cidr: None,
            peer_group: None,
            rule_number: 0,
            allow: true,
            target: None,
        };
        if kind == Kind::Route {
            let dest = e.destination.as_deref().ok_or("a route needs a `destination` CIDR")?;
            f.cidr = Some(dest.trim().parse().map_err(|_| format!("destination {dest:?} is not a CIDR"))?);
            let target = e.target.as_deref().map(str::trim).ok_or("a route needs a `target`")?;
            f.target = Some(if target == "local" {
                ("gateway_id", "local".into(), "local".into())
            } else {
                let rtype = ResourceAddr::parse(target).map_err(|e| e.to_string())?.rtype().to_string();
                let attr = match rtype.as_str() {
                    "aws_internet_gateway" | "aws_vpn_gateway" => "gateway_id",
                    "aws_nat_gateway" => "nat_gateway_id",
                    "aws_egress_only_internet_gateway" => "egress_only_gateway_id",
                    "aws_ec2_transit_gateway" => "transit_gateway_id",
                    "aws_vpc_peering_connection" | "aws_vpc_peering_connection_accepter" => "vpc_peering_connection_id",
                    "aws_vpc_endpoint" => "vpc_endpoint_id",
                    "aws_network_interface" => "network_interface_id",
                    other => return Err(format!("a route cannot target a {other}")),
                };
                (attr, target.to_string(), editor.id_of_address(target)?)
            });
            return Ok(f);
        }
        f.egress = match e.direction.as_deref() {
            Some("ingress") => false,
            Some("egress") => true,
            other => return Err(format!("direction {other:?}: ingress or egress")),
        };
        let protocol = e.protocol.as_deref().unwrap_or("").trim().to_ascii_lowercase();
        f.protocol = match protocol.as_str() {
            "tcp" | "6" => "tcp".into(),
            "udp" | "17" => "udp".into(),
            "icmp" | "1" => "icmp".into(),
            "icmpv6" | "58" => "icmpv6".into(),
            "all" | "-1" => "-1".into(),
            p if p.parse::<u8>().is_ok() => p.into(),
            p => return Err(format!("protocol {p:?}: tcp, udp, icmp, icmpv6, all or a number")),
        };
        let ports = matches!(f.protocol.as_str(), "tcp" | "udp");
        if ports {
            let from = e.from_port.ok_or("tcp and udp rules need `from_port`")?;
            let to = e.to_port.unwrap_or(from);
            if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
                return Err(format!("ports {from}-{to}: 0 to 65535, from ≤ to"));
            }
            (f.from_port, f.to_port) = (from, to);
        } else if matches!(f.protocol.as_str(), "icmp" | "icmpv6") {
            // ICMP rules carry type and code in the port fields; -1 is any.
            (f.from_port, f.to_port) = (e.from_port.unwrap_or(-1), e.to_port.unwrap_or(-1));
        }
        match (e.cidr.as_deref().map(str::trim).filter(|c| !c.is_empty()), e.peer_group.as_deref()) {
            (Some(c), None) => f.cidr = Some(c.parse().map_err(|_| format!("cidr {c:?} is not a CIDR"))?),
            (None, Some(g)) if kind == Kind::SgRule => {
                let id = editor.id_of_address(g)?;
                f.peer_group = Some((g.to_string(), id));
            }
            (None, Some(_)) => return Err("a network ACL rule takes a `cidr`, not a group".into()),
            (Some(_), Some(_)) => return Err("give `cidr` or `peer_group`, not both".into()),
            (None, None) => return Err("a rule needs a `cidr` (or, for a security group, a `peer_group`)".into()),
        }
        if kind == Kind::NaclRule {
            f.rule_number = e.rule_number.ok_or("a network ACL rule needs `rule_number`")?;
            if !(1..=32766).contains(&f.rule_number) {
                return Err(format!("rule_number {}: 1 to 32766", f.rule_number));
            }
            f.allow = match e.action.as_deref() {
                Some("allow") => true,
                Some("deny") => false,
                other => return Err(format!("action {other:?}: allow or deny")),
            };
        }
        Ok(f)
    }

    fn v6(&self) -> bool {
        matches!(self.cidr, Some(ipnet::IpNet::V6(_)))
    }

    fn block(&self, kind: Kind) -> &'static str {
        match (kind, self.egress) {
            (Kind::Route, _) => "route",
            (_, true) => "egress",
            (_, false) => "ingress",
        }
    }

    fn ports_text(&self) -> String {
        match self.protocol.as_str() {
            "-1" => "all traffic".into(),
            "tcp" | "udp" if self.from_port == self.to_port => format!("{} {}", self.protocol, self.from_port),
            "tcp" | "udp" => format!("{} {}-{}", self.protocol, self.from_port, self.to_port),
            p => p.to_string(),
        }
    }

    fn peer_text(&self) -> String {
        match (&self.cidr, &self.peer_group) {
            (_, Some((g, _))) => g.clone(),
            (Some(c), None) => c.to_string(),
            (None, None) => "?".into(),
        }
    }

    fn text(&self) -> String {
        match &self.target {
            Some((_, t, _)) => format!("route {} → {t}", self.peer_text()),
            None if self.rule_number > 0 => format!(
                "{} rule {} {} {} {} {}",
                if self.egress { "egress" } else { "ingress" },
                self.rule_number,
                if self.allow { "allow" } else { "deny" },
                self.ports_text(),
                if self.egress { "to" } else { "from" },
                self.peer_text()
            ),
            None => format!(
                "{} {} {} {}",
                if self.egress { "egress" } else { "ingress" },
                self.ports_text(),
                if self.egress { "to" } else { "from" },
                self.peer_text()
            ),
        }
    }

    fn name_hint(&self, kind: Kind) -> String {
        let raw = match kind {
            Kind::Route => format!("to_{}", self.peer_text()),
            _ => format!("{}_{}", self.block(kind), self.ports_text()),
        };
        let mut s: String =
            raw.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        while s.contains("__") {
            s = s.replace("__", "_");
        }
        s.trim_matches('_').to_string()
    }

    /// An inline block's entry, as the plan lists it.
    fn inline_entry(&self, kind: Kind) -> Map<String, Value> {
        let mut m = Map::new();
        match kind {
            Kind::Route => {
                let key = if self.v6() { "ipv6_cidr_block" } else { "cidr_block" };
                m.insert(key.into(), json!(self.peer_text()));
                if let Some((attr, _, id)) = &self.target {
                    m.insert((*attr).into(), json!(id));
                }
            }
            Kind::SgRule => {
                m.insert("protocol".into(), json!(self.protocol));
                m.insert("from_port".into(), json!(self.from_port));
                m.insert("to_port".into(), json!(self.to_port));
                match (&self.cidr, &self.peer_group) {
                    (_, Some((_, id))) => {
                        m.insert("security_groups".into(), json!([id]));
                    }
                    (Some(c), None) => {
                        let key = if self.v6() { "ipv6_cidr_blocks" } else { "cidr_blocks" };
                        m.insert(key.into(), json!([c.to_string()]));
                    }
                    (None, None) => {}
                }
            }
            Kind::NaclRule => {
                m.insert("rule_no".into(), json!(self.rule_number));
                m.insert("action".into(), json!(if self.allow { "allow" } else { "deny" }));
                m.insert("protocol".into(), json!(self.protocol));
                m.insert("from_port".into(), json!(self.from_port.max(0)));
                m.insert("to_port".into(), json!(self.to_port.max(0)));
                let key = if self.v6() { "ipv6_cidr_block" } else { "cidr_block" };
                m.insert(key.into(), json!(self.peer_text()));
                if matches!(self.protocol.as_str(), "icmp" | "icmpv6") {
                    m.insert("icmp_type".into(), json!(self.from_port));
                    m.insert("icmp_code".into(), json!(self.to_port));
                }
            }
        }
        m
    }

    /// A separate resource's values (its parent's id is added by the caller).
    fn separate_values(&self, kind: Kind, rtype: &str) -> Map<String, Value> {
        let mut m = Map::new();
        match (kind, rtype) {
            (Kind::Route, _) => {
                let key = if self.v6() { "destination_ipv6_cidr_block" } else { "destination_cidr_block" };
                m.insert(key.into(), json!(self.peer_text()));
                if let Some((attr, _, id)) = &self.target {
                    m.insert((*attr).into(), json!(id));
                }
            }
            (Kind::SgRule, "aws_security_group_rule") => {
                m = self.inline_entry(Kind::SgRule);
                m.insert("type".into(), json!(if self.egress { "egress" } else { "ingress" }));
                if let Some(Value::Array(ids)) = m.remove("security_groups") {
                    m.insert("source_security_group_id".into(), ids.into_iter().next().unwrap_or(Value::Null));
                }
            }
            (Kind::SgRule, _) => {
                m.insert("ip_protocol".into(), json!(self.protocol));
                if self.protocol != "-1" {
                    m.insert("from_port".into(), json!(self.from_port));
                    m.insert("to_port".into(), json!(self.to_port));
                }
                match (&self.cidr, &self.peer_group) {
                    (_, Some((_, id))) => {
                        m.insert("referenced_security_group_id".into(), json!(id));
                    }
                    (Some(c), None) => {
                        m.insert(if self.v6() { "cidr_ipv6" } else { "cidr_ipv4" }.into(), json!(c.to_string()));
                    }
                    (None, None) => {}
                }
            }
            (Kind::NaclRule, _) => {
                m.insert("rule_number".into(), json!(self.rule_number));
                m.insert("egress".into(), json!(self.egress));
                m.insert("rule_action".into(), json!(if self.allow { "allow" } else { "deny" }));
                m.insert("protocol".into(), json!(self.protocol));
                m.insert("from_port".into(), json!(self.from_port.max(0)));
                m.insert("to_port".into(), json!(self.to_port.max(0)));
                m.insert(if self.v6() { "ipv6_cidr_block" } else { "cidr_block" }.into(), json!(self.peer_text()));
                if matches!(self.protocol.as_str(), "icmp" | "icmpv6") {
                    m.insert("icmp_type".into(), json!(self.from_port));
                    m.insert("icmp_code".into(), json!(self.to_port));
                }
            }
        }
        m
    }

    /// The HCL attributes of the rule (`rtype` None: an inline block).
    fn hcl_body(&self, kind: Kind, rtype: Option<&str>, indent: &str, first: Option<(String, String)>) -> String {
        let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut lines: Vec<(String, String)> = first.into_iter().collect();
        let peer_ref = |g: &str| format!("{}.id", ResourceAddr::parse(g).map_or(g.to_string(), |a| local_ref(&a)));
        match (kind, rtype) {
            (Kind::Route, None) => {
                lines.push((if self.v6() { "ipv6_cidr_block" } else { "cidr_block" }.into(), q(&self.peer_text())));
                if let Some((attr, t, _)) = &self.target {
                    lines.push(((*attr).into(), if t == "local" { q("local") } else { peer_ref(t) }));
                }
            }
            (Kind::Route, Some(_)) => {
                let key = if self.v6() { "destination_ipv6_cidr_block" } else { "destination_cidr_block" };
                lines.push((key.into(), q(&self.peer_text())));
                if let Some((attr, t, _)) = &self.target {
                    lines.push(((*attr).into(), if t == "local" { q("local") } else { peer_ref(t) }));
                }
            }
            (Kind::SgRule, None | Some("aws_security_group_rule")) => {
                if rtype.is_some() {
                    lines.push(("type".into(), q(if self.egress { "egress" } else { "ingress" })));
                }
                lines.push(("protocol".into(), q(&self.protocol)));
                lines.push(("from_port".into(), self.from_port.to_string()));
                lines.push(("to_port".into(), self.to_port.to_string()));
                match (&self.cidr, &self.peer_group) {
                    (_, Some((g, _))) if rtype.is_some() => {
                        lines.push(("source_security_group_id".into(), peer_ref(g)))
                    }
                    (_, Some((g, _))) => lines.push(("security_groups".into(), format!("[{}]", peer_ref(g)))),
                    (Some(c), None) => lines.push((
                        if self.v6() { "ipv6_cidr_blocks" } else { "cidr_blocks" }.into(),
                        format!("[{}]", q(&c.to_string())),
                    )),
                    (None, None) => {}
                }
            }
            (Kind::SgRule, Some(_)) => {
                lines.push(("ip_protocol".into(), q(&self.protocol)));
                if self.protocol != "-1" {
                    lines.push(("from_port".into(), self.from_port.to_string()));
                    lines.push(("to_port".into(), self.to_port.to_string()));
                }
                match (&self.cidr, &self.peer_group) {
                    (_, Some((g, _))) => lines.push(("referenced_security_group_id".into(), peer_ref(g))),
                    (Some(c), None) => {
                        lines.push((if self.v6() { "cidr_ipv6" } else { "cidr_ipv4" }.into(), q(&c.to_string())))
                    }
                    (None, None) => {}
                }
            }
            (Kind::NaclRule, None) => {
                lines.push(("rule_no".into(), self.rule_number.to_string()));
                lines.push(("action".into(), q(if self.allow { "allow" } else { "deny" })));
                lines.push(("protocol".into(), q(&self.protocol)));
                lines.push(("from_port".into(), self.from_port.max(0).to_string()));
                lines.push(("to_port".into(), self.to_port.max(0).to_string()));
                lines.push((if self.v6() { "ipv6_cidr_block" } else { "cidr_block" }.into(), q(&self.peer_text())));
            }
            (Kind::NaclRule, Some(_)) => {
                lines.push(("rule_number".into(), self.rule_number.to_string()));
                lines.push(("egress".into(), self.egress.to_string()));
                lines.push(("rule_action".into(), q(if self.allow { "allow" } else { "deny" })));
                lines.push(("protocol".into(), q(&self.protocol)));
                lines.push(("from_port".into(), self.from_port.max(0).to_string()));
                lines.push(("to_port".into(), self.to_port.max(0).to_string()));
                lines.push((if self.v6() { "ipv6_cidr_block" } else { "cidr_block" }.into(), q(&self.peer_text())));
            }
        }
        let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        lines.iter().map(|(k, v)| format!("{indent}{k:width$} = {v}\n")).collect()
    }
}

/// A rule's raw fields in words (`ingress tcp 5432 from 10.0.1.0/24`, `rule 90 deny …`,
/// `route 0.0.0.0/0 → nat-…`).
fn describe(kind: Kind, f: &Map<String, Value>) -> String {
    let s = |k: &str| f.get(k).and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_string);
    let n = |k: &str| f.get(k).and_then(Value::as_i64);
    let list = |k: &str| -> Vec<String> {
        f.get(k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
    };
    let resolved = list("resolved");
    let egress = f.get("egress").and_then(Value::as_bool).unwrap_or(false);
    let dir = if egress { "egress" } else { "ingress" };
    let toward = if egress { "to" } else { "from" };
    let protocol = s("protocol").or_else(|| s("ip_protocol")).unwrap_or_else(|| "?".into());
    let ports = match (protocol.as_str(), n("from_port"), n("to_port")) {
        ("-1" | "all", _, _) => "all traffic".to_string(),
        (p, Some(a), Some(b)) if a == b => format!("{p} {a}"),
        (p, Some(a), Some(b)) => format!("{p} {a}-{b}"),
        (p, _, _) => p.to_string(),
    };
    match kind {
        Kind::Route => {
            let dest = s("cidr_block")
                .or_else(|| s("destination_cidr_block"))
                .or_else(|| s("ipv6_cidr_block"))
                .or_else(|| s("destination_ipv6_cidr_block"))
                .or_else(|| s("destination_prefix_list_id"))
                .unwrap_or_else(|| "(unknown until apply)".into());
            let target = crate::catalog::route_targets()
                .iter()
                .find_map(|a| s(a).map(|v| format!("{a} {v}")))
                .or_else(|| resolved.first().cloned())
                .unwrap_or_else(|| "(target unknown until apply)".into());
            let target = match resolved.first() {
                Some(r) if !target.contains(r.as_str()) && !target.ends_with(" local") => format!("{r} ({target})"),
                _ => target,
            };
            format!("route {dest} → {target}")
        }
        Kind::NaclRule => {
            let number = n("rule_no").or_else(|| n("rule_number")).map_or("?".into(), |x| x.to_string());
            let action = s("action").or_else(|| s("rule_action")).unwrap_or_else(|| "?".into());
            let cidr =
                s("cidr_block").or_else(|| s("ipv6_cidr_block")).unwrap_or_else(|| "(unknown until apply)".into());
            format!("{dir} rule {number} {action} {ports} {toward} {cidr}")
        }
        Kind::SgRule => {
            let mut peers = list("cidr_blocks");
            peers.extend(list("ipv6_cidr_blocks"));
            peers.extend(list("security_groups"));
            peers.extend(list("prefix_list_ids"));
            for k in
                ["cidr_ipv4", "cidr_ipv6", "referenced_security_group_id", "source_security_group_id", "prefix_list_id"]
            {
                peers.extend(s(k));
            }
            if f.get("self").and_then(Value::as_bool) == Some(true) {
                peers.push("self".into());
            }
            if peers.is_empty() {
                peers.extend(resolved.iter().cloned());
            }
            let peers = if peers.is_empty() { "(unknown until apply)".to_string() } else { peers.join(", ") };
            format!("{dir} {ports} {toward} {peers}")
        }
    }
}

/// The fields of an existing rule in the form a `change` edit takes (what the page pre-fills).
fn form_fields(kind: Kind, f: &Map<String, Value>) -> Value {
    let s = |k: &str| f.get(k).and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_string);
    let first = |k: &str| {
        f.get(k).and_then(Value::as_array).and_then(|l| l.first()).and_then(Value::as_str).map(str::to_string)
    };
    let egress = f.get("egress").and_then(Value::as_bool).unwrap_or(false);
    let protocol = s("protocol").or_else(|| s("ip_protocol")).map(|p| if p == "-1" { "all".to_string() } else { p });
    match kind {
        Kind::Route => json!({
            "kind": kind,
            "target": first("resolved"),
            "destination": s("cidr_block").or_else(|| s("destination_cidr_block")).or_else(|| s("ipv6_cidr_block")).or_else(|| s("destination_ipv6_cidr_block")),
        }),
        Kind::NaclRule => json!({
            "kind": kind,
            "direction": if egress { "egress" } else { "ingress" },
            "rule_number": f.get("rule_no").or_else(|| f.get("rule_number")),
            "action": s("action").or_else(|| s("rule_action")),
            "protocol": protocol,
            "from_port": f.get("from_port"),
            "to_port": f.get("to_port"),
            "cidr": s("cidr_block").or_else(|| s("ipv6_cidr_block")),
        }),
        Kind::SgRule => json!({
            "kind": kind,
            "direction": if egress { "egress" } else { "ingress" },
            "protocol": protocol,
            "from_port": f.get("from_port"),
            "to_port": f.get("to_port"),
            "peer_group": first("resolved").filter(|g| g != "self"),
            "cidr": first("cidr_blocks").or_else(|| first("ipv6_cidr_blocks")).or_else(|| s("cidr_ipv4")).or_else(|| s("cidr_ipv6")).or_else(|| s("cidr_blocks")),
        }),
    }
}
