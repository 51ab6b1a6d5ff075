//! The plan JSON of an estate, in the exact shape `terraform show -json` (format 1.2,
//! Terraform 1.11.4, hashicorp/aws 5.100.0) writes for a create plan of the HCL in `hcl.rs`.
//!
//! What Terraform and the provider decide about a resource's shape — which attributes `after`
//! lists (defaults, nulls, empty blocks), which are unknown until apply, which are sensitive — is
//! recorded from a real plan of that HCL (`templates.json`, made by `record.rs`), one template per
//! resource block. This file only enumerates the instances the estate has and fills in the values
//! that differ between them (names, tags, CIDRs, zones, policies), computed the way the HCL
//! computes them. The `configuration` section depends on the HCL alone and is copied as recorded.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::estate::{AZS, DEFAULT_TAGS, Estate, LOG_STREAMS, PARAMETERS, Service, Vpc};
use super::json::{push_str, push_value, reformat};

/// A fixed timestamp, so the same parameters always give the same bytes.
pub(crate) const TIMESTAMP: &str = "2026-01-01T00:00:00Z";

/// Shapes recorded from a real plan of the generated HCL.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Templates {
    /// `terraform_version` of the recorded plan.
    pub terraform_version: String,
    /// `planned_values.outputs`.
    pub planned_outputs: Box<RawValue>,
    /// The `configuration` section, as Terraform wrote it (key order kept).
    pub configuration: Box<RawValue>,
    /// One template per resource block, by block address with module calls but no keys
    /// (`module.vpc.aws_subnet.public`).
    pub resources: BTreeMap<String, Template>,
    /// `relevant_attributes` entries.
    pub relevant_attributes: Relevant,
}

/// The shape of every instance of one resource block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Template {
    /// Resource type.
    #[serde(rename = "type")]
    pub rtype: String,
    /// Resource name.
    pub name: String,
    /// `provider_name`.
    pub provider_name: String,
    /// `schema_version` (in `planned_values`).
    pub schema_version: u64,
    /// `change.after` of one instance (values that vary are replaced per instance).
    pub after: Value,
    /// `change.after_unknown`.
    pub after_unknown: Value,
    /// `change.after_sensitive` (also `planned_values` `sensitive_values`).
    pub after_sensitive: Value,
}

/// `relevant_attributes`: entries of the root module, and entries repeated for every instance of
/// a module call (addresses relative to the instance).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Relevant {
    /// Entries written once.
    pub root: Vec<Value>,
    /// Entries per module call name, written for each instance with its address prefixed.
    pub per_instance: BTreeMap<String, Vec<Value>>,
}

/// The recorded templates shipped with the generator.
pub(crate) fn templates() -> Result<Templates, String> {
    serde_json::from_str(include_str!("templates.json")).map_err(|e| format!("templates.json: {e}"))
}

/// A `count` index or `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Int(usize),
    Str(String),
}

impl Key {
    fn cmp_terraform(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a.cmp(b),
            (Key::Str(a), Key::Str(b)) => a.cmp(b),
            (Key::Int(_), Key::Str(_)) => Ordering::Less,
            (Key::Str(_), Key::Int(_)) => Ordering::Greater,
        }
    }

    fn push_index(&self, out: &mut String) {
        match self {
            Key::Int(i) => out.push_str(&i.to_string()),
            Key::Str(s) => push_str(out, s),
        }
    }
}

fn push_address_key(out: &mut String, key: &Key) {
    match key {
        Key::Int(i) => {
            out.push('[');
            out.push_str(&i.to_string());
            out.push(']');
        }
        Key::Str(s) => {
            out.push_str("[\"");
            out.push_str(&s.replace('\\', "\\\\").replace('"', "\\\""));
            out.push_str("\"]");
        }
    }
}

/// One resource instance of the plan.
struct Instance<'e> {
    /// Module call name and instance key, for resources in `module.<call>["<key>"]`.
    module: Option<(&'static str, &'e str)>,
    /// `type.name` of the block.
    block: &'static str,
    key: Option<Key>,
    /// `after` attributes that differ from the template.
    set: Vec<(&'static str, Value)>,
}

impl Instance<'_> {
    fn template_key(&self) -> String {
        match self.module {
            Some((call, _)) => format!("module.{call}.{}", self.block),
            None => self.block.to_string(),
        }
    }

    fn module_address(&self) -> Option<String> {
        self.module.map(|(call, key)| {
            let mut s = format!("module.{call}");
            push_address_key(&mut s, &Key::Str(key.to_string()));
            s
        })
    }

    fn address(&self) -> String {
        let mut s = match self.module_address() {
            Some(m) => m + ".",
            None => String::new(),
        };
        s.push_str(self.block);
        if let Some(k) = &self.key {
            push_address_key(&mut s, k);
        }
        s
    }

    /// Terraform's order of `resource_changes`: module path (keys compared as strings), then
    /// type, name and instance key (numbers numerically).
    fn cmp_terraform(&self, other: &Self) -> Ordering {
        let split = |b: &'static str| b.split_once('.').unwrap_or((b, ""));
        self.module.cmp(&other.module).then_with(|| split(self.block).cmp(&split(other.block))).then_with(|| {
            match (&self.key, &other.key) {
                (Some(a), Some(b)) => a.cmp_terraform(b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            }
        })
    }
}

fn string_map(map: &BTreeMap<String, String>) -> Value {
    Value::Object(map.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect::<Map<_, _>>())
}

/// `tags` and the `tags_all` the provider computes with its `default_tags`.
fn tagged(tags: &BTreeMap<String, String>) -> Vec<(&'static str, Value)> {
    let mut all: BTreeMap<String, String> = DEFAULT_TAGS.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
    all.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    vec![("tags", string_map(tags)), ("tags_all", string_map(&all))]
}

/// `merge(tags, { Name = name })`.
fn named(tags: &BTreeMap<String, String>, name: &str) -> BTreeMap<String, String> {
    let mut t = tags.clone();
    t.insert("Name".into(), name.into());
    t
}

fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

/// Every instance of the plan, in no particular order.
fn instances(e: &Estate) -> Vec<Instance<'_>> {
    let mut out = Vec::new();
    let root = |block, key, set| Instance { module: None, block, key, set };
    out.push(root("aws_ec2_transit_gateway.hub", None, tagged(&named(&e.tags, "hub"))));
    for p in e.peerings.values() {
        let key = || Some(Key::Str(p.name.clone()));
        out.push(root("aws_vpc_peering_connection.this", key(), tagged(&named(&e.tags, &p.name))));
        let cidr = |name: &str| e.vpcs.get(name).map_or(Value::Null, |v| s(v.cidr()));
        out.push(root("aws_route.peering_requester", key(), vec![("destination_cidr_block", cidr(&p.accepter))]));
        out.push(root("aws_route.peering_accepter", key(), vec![("destination_cidr_block", cidr(&p.requester))]));
    }
    out.push(root("aws_s3_bucket.logs", None, tagged(&e.tags)));
    for vpc in e.vpcs.values() {
        vpc_instances(e, vpc, &mut out);
    }
    for service in e.services.values() {
        service_instances(e, service, &mut out);
    }
    out
}

fn vpc_instances<'e>(e: &'e Estate, v: &'e Vpc, out: &mut Vec<Instance<'e>>) {
    let module = Some(("vpc", v.name.as_str()));
    let mut push = |block: &'static str, key: Option<usize>, set: Vec<(&'static str, Value)>| {
        out.push(Instance { module, block, key: key.map(Key::Int), set });
    };
    let tags = e.vpc_tags(v);
    let name = &v.name;
    let with = |mut set: Vec<(&'static str, Value)>, more: Vec<(&'static str, Value)>| {
        set.extend(more);
        set
    };
    push("aws_vpc.this", None, with(tagged(&named(&tags, name)), vec![("cidr_block", s(v.cidr()))]));
    push("aws_internet_gateway.this", None, tagged(&named(&tags, name)));
    for (kind, count, first) in [("public", v.public_subnets, 0), ("private", v.private_subnets, 128)] {
        let block = if kind == "public" { "aws_subnet.public" } else { "aws_subnet.private" };
        for i in 0..count {
            let mut t = named(&tags, &format!("{name}-{kind}-{i}"));
            t.insert("Tier".into(), kind.into());
            let set = with(
                tagged(&t),
                vec![("cidr_block", s(v.subnet_cidr(first + i))), ("availability_zone", s(AZS[i % AZS.len()]))],
            );
            push(block, Some(i), set);
        }
        let association =
            if kind == "public" { "aws_route_table_association.public" } else { "aws_route_table_association.private" };
        for i in 0..count {
            push(association, Some(i), Vec::new());
        }
    }
    for i in 0..v.nat_count() {
        push("aws_eip.nat", Some(i), tagged(&named(&tags, &format!("{name}-nat-{i}"))));
        push("aws_nat_gateway.this", Some(i), tagged(&named(&tags, &format!("{name}-nat-{i}"))));
        push("aws_route_table.private", Some(i), tagged(&named(&tags, &format!("{name}-private-{i}"))));
        push("aws_route.private_nat", Some(i), Vec::new());
        push("aws_route.private_tgw", Some(i), Vec::new());
    }
    push("aws_route_table.public", None, tagged(&named(&tags, &format!("{name}-public"))));
    push("aws_vpc_endpoint.s3", None, tagged(&named(&tags, &format!("{name}-s3"))));
    push("aws_ec2_transit_gateway_vpc_attachment.this", None, tagged(&named(&tags, name)));
    push("aws_network_acl.public", None, tagged(&named(&tags, &format!("{name}-public"))));
    push("aws_network_acl.private", None, tagged(&named(&tags, &format!("{name}-private"))));
    for rule in ["private_ingress_internal", "private_ingress_ephemeral", "private_egress_all"] {
        let block = match rule {
            "private_ingress_internal" => "aws_network_acl_rule.private_ingress_internal",
            "private_ingress_ephemeral" => "aws_network_acl_rule.private_ingress_ephemeral",
            _ => "aws_network_acl_rule.private_egress_all",
        };
        push(block, None, Vec::new());
    }
    for (block, suffix) in
        [("aws_security_group.web", "web"), ("aws_security_group.app", "app"), ("aws_security_group.db", "db")]
    {
        let sg_name = format!("{name}-{suffix}");
        push(block, None, with(tagged(&named(&tags, &sg_name)), vec![("name", s(sg_name.clone()))]));
    }
    for block in [
        "aws_vpc_security_group_ingress_rule.app_from_web",
        "aws_vpc_security_group_ingress_rule.app_ssh_internal",
        "aws_vpc_security_group_egress_rule.app_all",
        "aws_vpc_security_group_ingress_rule.db_from_app",
    ] {
        push(block, None, Vec::new());
    }
    push("aws_security_group_rule.db_egress_vpc", None, vec![("cidr_blocks", Value::Array(vec![s(v.cidr())]))]);
    push(
        "aws_cloudwatch_log_group.flow_logs",
        None,
        with(tagged(&tags), vec![("name", s(format!("/vpc/{name}/flow-logs")))]),
    );
    push("aws_iam_role.flow_logs", None, with(tagged(&tags), vec![("name", s(format!("{name}-flow-logs")))]));
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Action":["logs:CreateLogStream","logs:PutLogEvents","logs:DescribeLogGroups","logs:DescribeLogStreams"],"Effect":"Allow","Resource":"arn:aws:logs:us-east-1:*:log-group:/vpc/{name}/*"}}]}}"#
    );
    push("aws_iam_role_policy.flow_logs", None, vec![("policy", s(policy))]);
    push("aws_flow_log.this", None, tagged(&tags));
}

fn service_instances<'e>(e: &'e Estate, svc: &'e Service, out: &mut Vec<Instance<'e>>) {
    let module = Some(("service", svc.name.as_str()));
    let mut push = |block: &'static str, key: Option<Key>, set: Vec<(&'static str, Value)>| {
        out.push(Instance { module, block, key, set });
    };
    let tags = e.service_tags(svc);
    let name = &svc.name;
    let role = format!("{name}-app");
    let with = |mut set: Vec<(&'static str, Value)>, more: Vec<(&'static str, Value)>| {
        set.extend(more);
        set
    };
    push("aws_iam_role.instance", None, with(tagged(&tags), vec![("name", s(role.clone()))]));
    let logs: Vec<String> =
        LOG_STREAMS.iter().map(|l| format!(r#""arn:aws:logs:us-east-1:*:log-group:/app/{name}/{l}:*""#)).collect();
    let policy = format!(
        concat!(
            r#"{{"Version":"2012-10-17","Statement":["#,
            r#"{{"Action":["s3:GetObject","s3:GetObjectVersion","s3:ListBucket"],"Effect":"Allow","Resource":["arn:aws:s3:::{name}-artifacts","arn:aws:s3:::{name}-artifacts/*"],"Sid":"ReadArtifacts"}},"#,
            r#"{{"Action":["logs:CreateLogStream","logs:PutLogEvents","logs:DescribeLogStreams"],"Effect":"Allow","Resource":[{logs}],"Sid":"WriteLogs"}},"#,
            r#"{{"Action":["ssm:GetParameter","ssm:GetParameters","ssm:GetParametersByPath"],"Effect":"Allow","Resource":"arn:aws:ssm:us-east-1:*:parameter/{name}/*","Sid":"ReadParameters"}},"#,
            r#"{{"Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","sqs:SendMessage"],"Effect":"Allow","Resource":"arn:aws:sqs:us-east-1:*:{name}-*","Sid":"Queues"}}]}}"#
        ),
        name = name,
        logs = logs.join(",")
    );
    push("aws_iam_role_policy.instance", None, vec![("policy", s(policy))]);
    push("aws_iam_policy.read_config", None, with(tagged(&tags), vec![("name", s(format!("{name}-read-config")))]));
    push("aws_iam_role_policy_attachment.ssm", None, vec![("role", s(role.clone()))]);
    push("aws_iam_role_policy_attachment.read_config", None, vec![("role", s(role.clone()))]);
    push(
        "aws_iam_instance_profile.instance",
        None,
        with(tagged(&tags), vec![("name", s(role.clone())), ("role", s(role.clone()))]),
    );
    for i in 0..svc.instances {
        let set = with(
            tagged(&named(&tags, &format!("{name}-app-{i}"))),
            vec![("iam_instance_profile", s(role.clone())), ("instance_type", s(svc.instance_type.clone()))],
        );
        push("aws_instance.app", Some(Key::Int(i)), set);
    }
    for stream in LOG_STREAMS {
        let set = with(tagged(&tags), vec![("name", s(format!("/app/{name}/{stream}")))]);
        push("aws_cloudwatch_log_group.app", Some(Key::Str(stream.into())), set);
    }
    push("aws_s3_bucket.artifacts", None, with(tagged(&tags), vec![("bucket", s(format!("{name}-artifacts")))]));
    for block in [
        "aws_s3_bucket_versioning.artifacts",
        "aws_s3_bucket_server_side_encryption_configuration.artifacts",
        "aws_s3_bucket_public_access_block.artifacts",
    ] {
        push(block, None, Vec::new());
    }
    for param in PARAMETERS {
        let set =
            with(tagged(&tags), vec![("name", s(format!("/{name}/{param}"))), ("value", s(format!("{name}-{param}")))]);
        push("aws_ssm_parameter.config", Some(Key::Str(param.into())), set);
    }
    push("aws_sqs_queue.jobs", None, with(tagged(&tags), vec![("name", s(format!("{name}-jobs")))]));
    push("aws_sns_topic.alerts", None, with(tagged(&tags), vec![("name", s(format!("{name}-alerts")))]));
}

/// A rendered instance: the parts both `planned_values` and `resource_changes` need.
struct Rendered<'t> {
    address: String,
    module_address: Option<String>,
    key: Option<Key>,
    template: &'t Template,
    /// `after` / `values`, as JSON text.
    after: String,
    /// `after_sensitive` / `sensitive_values`, as JSON text.
    sensitive: String,
}

fn render<'t>(inst: &Instance<'_>, templates: &'t Templates) -> Result<Rendered<'t>, String> {
    let tkey = inst.template_key();
    let template = templates.resources.get(&tkey).ok_or_else(|| format!("no template for {tkey}"))?;
    let mut after = String::new();
    if inst.set.is_empty() {
        push_value(&mut after, &template.after);
    } else {
        let Value::Object(map) = &template.after else {
            return Err(format!("{tkey}: the template's `after` is not an object"));
        };
        let mut map = map.clone();
        for (k, v) in &inst.set {
            if !map.contains_key(*k) {
                return Err(format!("{tkey}: `{k}` is not in the template's `after`"));
            }
            map.insert((*k).to_string(), v.clone());
        }
        push_value(&mut after, &Value::Object(map));
    }
    let mut sensitive = String::new();
    push_value(&mut sensitive, &template.after_sensitive);
    Ok(Rendered {
        address: inst.address(),
        module_address: inst.module_address(),
        key: inst.key.clone(),
        template,
        after,
        sensitive,
    })
}

fn push_head(out: &mut String, r: &Rendered<'_>, with_module_address: bool) {
    out.push_str("{\"address\":");
    push_str(out, &r.address);
    if with_module_address && let Some(m) = &r.module_address {
        out.push_str(",\"module_address\":");
        push_str(out, m);
    }
    out.push_str(",\"mode\":\"managed\",\"type\":");
    push_str(out, &r.template.rtype);
    out.push_str(",\"name\":");
    push_str(out, &r.template.name);
    if let Some(k) = &r.key {
        out.push_str(",\"index\":");
        k.push_index(out);
    }
    out.push_str(",\"provider_name\":");
    push_str(out, &r.template.provider_name);
}

fn push_planned(out: &mut String, r: &Rendered<'_>) {
    push_head(out, r, false);
    out.push_str(",\"schema_version\":");
    out.push_str(&r.template.schema_version.to_string());
    out.push_str(",\"values\":");
    out.push_str(&r.after);
    out.push_str(",\"sensitive_values\":");
    out.push_str(&r.sensitive);
    out.push('}');
}

fn push_change(out: &mut String, r: &Rendered<'_>) {
    push_head(out, r, true);
    out.push_str(",\"change\":{\"actions\":[\"create\"],\"before\":null,\"after\":");
    out.push_str(&r.after);
    out.push_str(",\"after_unknown\":");
    push_value(out, &r.template.after_unknown);
    out.push_str(",\"before_sensitive\":false,\"after_sensitive\":");
    out.push_str(&r.sensitive);
    out.push_str("}}");
}

fn push_list<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, item);
    }
    out.push(']');
}

/// The plan JSON of an estate (one line and a newline, like `terraform show -json`).
pub(crate) fn plan_json(e: &Estate, templates: &Templates) -> Result<String, String> {
    let mut insts = instances(e);
    insts.sort_by(|a, b| a.cmp_terraform(b));
    let rendered = insts.iter().map(|i| render(i, templates)).collect::<Result<Vec<_>, _>>()?;
    let size: usize = rendered.iter().map(|r| 2 * r.after.len() + 2 * r.sensitive.len() + 1200).sum();
    let mut out = String::with_capacity(size + templates.configuration.get().len() + 4096);

    out.push_str("{\"format_version\":\"1.2\",\"terraform_version\":");
    push_str(&mut out, &templates.terraform_version);

    // planned_values: root resources, then one child module per module instance; each list in
    // the order of its addresses as strings (Terraform sorts them that way here).
    out.push_str(",\"planned_values\":{\"outputs\":");
    out.push_str(&reformat(templates.planned_outputs.get(), false));
    out.push_str(",\"root_module\":{\"resources\":");
    let mut root: Vec<&Rendered<'_>> = rendered.iter().filter(|r| r.module_address.is_none()).collect();
    root.sort_by(|a, b| a.address.cmp(&b.address));
    push_list(&mut out, &root, |out, r| push_planned(out, r));
    let mut modules: BTreeMap<&str, Vec<&Rendered<'_>>> = BTreeMap::new();
    for r in &rendered {
        if let Some(m) = &r.module_address {
            modules.entry(m.as_str()).or_default().push(r);
        }
    }
    if !modules.is_empty() {
        out.push_str(",\"child_modules\":");
        let modules: Vec<_> = modules.into_iter().collect();
        push_list(&mut out, &modules, |out, (address, resources)| {
            let mut resources = resources.clone();
            resources.sort_by(|a, b| a.address.cmp(&b.address));
            out.push_str("{\"resources\":");
            push_list(out, &resources, |out, r| push_planned(out, r));
            out.push_str(",\"address\":");
            push_str(out, address);
            out.push('}');
        });
    }
    out.push_str("}}");

    out.push_str(",\"resource_changes\":");
    push_list(&mut out, &rendered, |out, r| push_change(out, r));

    // The root output `vpc_ids` maps every VPC name to its (unknown) id.
    out.push_str(
        ",\"output_changes\":{\"vpc_ids\":{\"actions\":[\"create\"],\"before\":null,\"after\":{},\"after_unknown\":{",
    );
    for (i, name) in e.vpcs.keys().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(&mut out, name);
        out.push_str(":true");
    }
    out.push_str("},\"before_sensitive\":false,\"after_sensitive\":false}}");

    out.push_str(",\"configuration\":");
    out.push_str(&reformat(templates.configuration.get(), false));

    out.push_str(",\"relevant_attributes\":");
    let mut relevant: Vec<Value> = templates.relevant_attributes.root.clone();
    for (call, entries) in &templates.relevant_attributes.per_instance {
        let keys: Vec<&String> = match call.as_str() {
            "vpc" => e.vpcs.keys().collect(),
            "service" => e.services.keys().collect(),
            other => return Err(format!("relevant_attributes: unknown module call `{other}`")),
        };
        for key in keys {
            let mut prefix = format!("module.{call}");
            push_address_key(&mut prefix, &Key::Str(key.clone()));
            for entry in entries {
                let mut entry = entry.clone();
                if let Some(Value::String(resource)) = entry.get_mut("resource") {
                    *resource = format!("{prefix}.{resource}");
                }
                relevant.push(entry);
            }
        }
    }
    push_list(&mut out, &relevant, |out, v| {
        // Struct order: `resource`, then `attribute`.
        out.push_str("{\"resource\":");
        push_value(out, v.get("resource").unwrap_or(&Value::Null));
        out.push_str(",\"attribute\":");
        push_value(out, v.get("attribute").unwrap_or(&Value::Array(Vec::new())));
        out.push('}');
    });

    out.push_str(",\"timestamp\":");
    push_str(&mut out, TIMESTAMP);
    out.push_str(",\"applyable\":true,\"complete\":true,\"errored\":false}\n");
    Ok(out)
}
