//! The Terraform configuration of an estate: fixed modules (`hcl/modules/…`, `hcl/providers.tf`)
//! and a root `main.tf` whose `locals` list the VPCs, services and peerings of the estate.

use std::fmt::Write as _;

use std::collections::{BTreeMap, BTreeSet};

use super::estate::{Estate, Vpc};

/// Files that never change with the parameters, by path relative to the output folder.
pub(crate) const FIXED_FILES: &[(&str, &str)] = &[
    ("providers.tf", include_str!("hcl/providers.tf")),
    ("modules/vpc/variables.tf", include_str!("hcl/modules/vpc/variables.tf")),
    ("modules/vpc/main.tf", include_str!("hcl/modules/vpc/main.tf")),
    ("modules/vpc/security.tf", include_str!("hcl/modules/vpc/security.tf")),
    ("modules/vpc/flow_logs.tf", include_str!("hcl/modules/vpc/flow_logs.tf")),
    ("modules/vpc/outputs.tf", include_str!("hcl/modules/vpc/outputs.tf")),
    ("modules/service/variables.tf", include_str!("hcl/modules/service/variables.tf")),
    ("modules/service/main.tf", include_str!("hcl/modules/service/main.tf")),
];

/// What `--rich` adds: files no synthetic plan covers (the plans come from real Terraform, see
/// `examples/tfvpc-gen/real.sh`).
pub(crate) const RICH_FILES: &[(&str, &str)] = &[
    ("rich.tf", include_str!("hcl/rich/root.tf")),
    ("modules/vpc/rich.tf", include_str!("hcl/rich/modules/vpc/rich.tf")),
    ("modules/vpc/endpoints/main.tf", include_str!("hcl/rich/modules/vpc/endpoints/main.tf")),
];

/// The transit gateway route table a VPC is associated with in a rich estate: every tenth VPC is
/// a shared one (the first is the egress VPC), `prod` VPCs go to `prod`, the rest to `nonprod`.
pub(crate) fn tgw_route_table(vpc: &Vpc) -> &'static str {
    if vpc.octet.is_multiple_of(10) {
        "shared"
    } else if vpc.name.contains("-prod") {
        "prod"
    } else {
        "nonprod"
    }
}

/// The extra peerings of a rich estate: every VPC with the next one and with the fifth next
/// (in CIDR order), skipping pairs the estate already peers. Each VPC has about four more.
pub(crate) fn mesh(estate: &Estate) -> Vec<(String, String)> {
    let mut order: Vec<&Vpc> = estate.vpcs.values().collect();
    order.sort_by_key(|v| v.octet);
    let n = order.len();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for p in estate.peerings.values() {
        seen.insert((p.requester.clone(), p.accepter.clone()));
        seen.insert((p.accepter.clone(), p.requester.clone()));
    }
    let mut out = Vec::new();
    for (i, a) in order.iter().enumerate() {
        for step in [1, 5] {
            if n <= step || (step == 5 && n < 12) {
                continue;
            }
            let b = order[(i + step) % n];
            if seen.contains(&(a.name.clone(), b.name.clone())) {
                continue;
            }
            seen.insert((a.name.clone(), b.name.clone()));
            seen.insert((b.name.clone(), a.name.clone()));
            out.push((a.name.clone(), b.name.clone()));
        }
    }
    out
}

/// The configuration of a rich estate: every file of [`files`] plus [`RICH_FILES`], with the
/// hub's default route tables disabled (the rich part associates the attachments itself) and
/// `main.tf` listing the extra locals.
pub(crate) fn files_rich(estate: &Estate) -> Vec<(String, String)> {
    let mut out = files(estate);
    for (rel, content) in &mut out {
        if rel == "main.tf" {
            *content = content.replacen(
                "  amazon_side_asn = 64512\n",
                "  amazon_side_asn = 64512\n\n  default_route_table_association = \"disable\"\n  default_route_table_propagation = \"disable\"\n",
                1,
            );
            content.push_str(&rich_locals(estate));
        }
    }
    out.extend(RICH_FILES.iter().map(|(p, c)| ((*p).to_string(), (*c).to_string())));
    out
}

fn rich_locals(estate: &Estate) -> String {
    let mut out = String::from("\nlocals {\n  rich_vpcs = {\n");
    let rows: Vec<(String, String)> = estate
        .vpcs
        .values()
        .map(|v| {
            (quoted(&v.name), format!("{{ tgw_rt = {}, nat_count = {} }}", quoted(tgw_route_table(v)), v.nat_count()))
        })
        .collect();
    aligned(&mut out, "    ", &rows);
    out.push_str("  }\n\n  mesh = {\n");
    let rows: Vec<(String, String)> = mesh(estate)
        .iter()
        .map(|(a, b)| {
            (quoted(&format!("mesh-{a}--{b}")), format!("{{ requester = {}, accepter = {} }}", quoted(a), quoted(b)))
        })
        .collect();
    aligned(&mut out, "    ", &rows);
    out.push_str("  }\n\n");
    let egress = estate.vpcs.values().min_by_key(|v| v.octet).map(|v| v.name.clone()).unwrap_or_default();
    let _ = writeln!(out, "  egress_vpc = {}", quoted(&egress));
    out.push_str("}\n");
    out
}

/// A small `terraform.tfstate` for a rich estate: the hub, the central log bucket and the first
/// VPC with its internet gateway and web security group already exist (real ids), so the plan
/// has updates and no-ops beside the creates, and a prior state.
pub(crate) fn rich_state(estate: &Estate) -> String {
    let Some(first) = estate.vpcs.values().min_by_key(|v| v.octet) else { return String::new() };
    let js = |m: &BTreeMap<String, String>| serde_json::to_string(m).unwrap_or_default();
    let module = format!("module.vpc[{}]", serde_json::to_string(&first.name).unwrap_or_default());
    let module_json = serde_json::to_string(&module).unwrap_or_default();
    let web_name = serde_json::to_string(&format!("{}-web", first.name)).unwrap_or_default();
    let cidr = first.cidr();
    let provider = r#""provider[\"registry.terraform.io/hashicorp/aws\"]""#;
    let named_tags = with_name(&estate.vpc_tags(first), &first.name);
    let web_tags = with_name(&estate.vpc_tags(first), &format!("{}-web", first.name));
    format!(
        r#"{{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 3,
  "lineage": "7d0c3e0a-4b8e-4f0e-9d61-2a1f7c5b9e01",
  "outputs": {{}},
  "resources": [
    {{"mode": "managed", "type": "aws_ec2_transit_gateway", "name": "hub", "provider": {provider}, "instances": [{{"schema_version": 0, "attributes": {{
      "id": "tgw-0a1b2c3d4e5f60001", "arn": "arn:aws:ec2:us-east-1:123456789012:transit-gateway/tgw-0a1b2c3d4e5f60001",
      "amazon_side_asn": 64512, "auto_accept_shared_attachments": "disable", "default_route_table_association": "enable",
      "default_route_table_propagation": "enable", "description": "estate hub", "dns_support": "enable", "multicast_support": "disable",
      "owner_id": "123456789012", "association_default_route_table_id": "tgw-rtb-0a1b2c3d4e5f60001",
      "propagation_default_route_table_id": "tgw-rtb-0a1b2c3d4e5f60001", "security_group_referencing_support": "disable",
      "transit_gateway_cidr_blocks": [], "vpn_ecmp_support": "enable",
      "tags": {hub_tags}, "tags_all": {hub_tags_all}, "timeouts": null}}, "sensitive_attributes": []}}]}},
    {{"mode": "managed", "type": "aws_s3_bucket", "name": "logs", "provider": {provider}, "instances": [{{"schema_version": 0, "attributes": {{
      "id": "estate-central-logs", "bucket": "estate-central-logs", "arn": "arn:aws:s3:::estate-central-logs", "force_destroy": false,
      "object_lock_enabled": false, "region": "us-east-1", "tags": {root_tags}, "tags_all": {root_tags_all}, "timeouts": null}}, "sensitive_attributes": []}}]}},
    {{"module": {module_json}, "mode": "managed", "type": "aws_vpc", "name": "this", "provider": {provider}, "instances": [{{"schema_version": 1, "attributes": {{
      "id": "vpc-0a1b2c3d4e5f60001", "arn": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0a1b2c3d4e5f60001", "cidr_block": "{cidr}",
      "assign_generated_ipv6_cidr_block": false, "default_network_acl_id": "acl-0a1b2c3d4e5f60001",
      "default_route_table_id": "rtb-0a1b2c3d4e5f60001", "default_security_group_id": "sg-0a1b2c3d4e5f60001",
      "dhcp_options_id": "dopt-0a1b2c3d4e5f60001", "enable_dns_hostnames": true, "enable_dns_support": true,
      "enable_network_address_usage_metrics": false, "instance_tenancy": "default", "ipv6_association_id": "", "ipv6_cidr_block": "",
      "ipv6_cidr_block_network_border_group": "", "ipv6_ipam_pool_id": "", "ipv6_netmask_length": 0,
      "main_route_table_id": "rtb-0a1b2c3d4e5f60001", "owner_id": "123456789012", "tags": {named_tags}, "tags_all": {named}}},
      "sensitive_attributes": []}}]}},
    {{"module": {module_json}, "mode": "managed", "type": "aws_internet_gateway", "name": "this", "provider": {provider}, "instances": [{{"schema_version": 0, "attributes": {{
      "id": "igw-0a1b2c3d4e5f60001", "arn": "arn:aws:ec2:us-east-1:123456789012:internet-gateway/igw-0a1b2c3d4e5f60001",
      "owner_id": "123456789012", "vpc_id": "vpc-0a1b2c3d4e5f60001", "tags": {named_tags}, "tags_all": {named}, "timeouts": null}},
      "sensitive_attributes": [], "dependencies": ["{module_esc}.aws_vpc.this"]}}]}},
    {{"module": {module_json}, "mode": "managed", "type": "aws_security_group", "name": "web", "provider": {provider}, "instances": [{{"schema_version": 1, "attributes": {{
      "id": "sg-0a1b2c3d4e5f60002", "arn": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f60002",
      "name": {web_name}, "name_prefix": "", "description": "Public web tier", "owner_id": "123456789012", "revoke_rules_on_delete": false,
      "vpc_id": "vpc-0a1b2c3d4e5f60001",
      "ingress": [
        {{"cidr_blocks": ["0.0.0.0/0"], "description": "HTTPS", "from_port": 443, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": false, "to_port": 443}},
        {{"cidr_blocks": ["0.0.0.0/0"], "description": "SSH (to be removed)", "from_port": 22, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": false, "to_port": 22}}
      ],
      "egress": [
        {{"cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 0, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "-1", "security_groups": [], "self": false, "to_port": 0}}
      ],
      "tags": {web_tags}, "tags_all": {web}, "timeouts": null}},
      "sensitive_attributes": [], "dependencies": ["{module_esc}.aws_vpc.this"]}}]}}
  ],
  "check_results": null
}}
"#,
        hub_tags = js(&with_name(&estate.tags, "hub")),
        hub_tags_all = js(&with_defaults(&with_name(&estate.tags, "hub"))),
        root_tags = js(&estate.tags),
        root_tags_all = js(&with_defaults(&estate.tags)),
        named = js(&with_defaults(&named_tags)),
        named_tags = js(&named_tags),
        web = js(&with_defaults(&web_tags)),
        web_tags = js(&web_tags),
        module_esc = module.replace('"', "\\\""),
    )
}

fn with_name(tags: &BTreeMap<String, String>, name: &str) -> BTreeMap<String, String> {
    let mut t = tags.clone();
    t.insert("Name".into(), name.to_string());
    t
}

fn with_defaults(tags: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut t = tags.clone();
    for (k, v) in super::estate::DEFAULT_TAGS {
        t.insert(k.to_string(), v.to_string());
    }
    t
}

/// Every file of the configuration: `(relative path, content)`.
pub(crate) fn files(estate: &Estate) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        FIXED_FILES.iter().map(|(p, c)| ((*p).to_string(), (*c).to_string())).collect();
    out.push(("main.tf".to_string(), main_tf(estate)));
    out
}

/// An HCL string literal (the names used here never need more than quote escaping).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `key = value` lines with the `=` aligned, as `terraform fmt` writes them.
fn aligned(out: &mut String, indent: &str, rows: &[(String, String)]) {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in rows {
        let _ = writeln!(out, "{indent}{k:width$} = {v}");
    }
}

/// The root module: the estate's inventory in `locals`, the transit gateway, the module calls,
/// the peerings and their routes.
pub(crate) fn main_tf(estate: &Estate) -> String {
    let mut out = String::new();
    out.push_str("# Generated by tfvpc-gen");
    let p = &estate.params;
    let _ = writeln!(
        out,
        " --vpcs {} --subnets-per-vpc {} --services-per-vpc {} --seed {}",
        p.vpcs, p.subnets_per_vpc, p.services_per_vpc, p.seed
    );
    out.push_str("locals {\n  vpcs = {\n");
    let rows: Vec<(String, String)> = estate
        .vpcs
        .values()
        .map(|v| {
            (
                quoted(&v.name),
                format!(
                    "{{ cidr = {}, public_subnets = {}, private_subnets = {}, single_nat = {}, team = {} }}",
                    quoted(&v.cidr()),
                    v.public_subnets,
                    v.private_subnets,
                    v.single_nat,
                    quoted(&v.team)
                ),
            )
        })
        .collect();
    aligned(&mut out, "    ", &rows);
    out.push_str("  }\n\n  services = {\n");
    let rows: Vec<(String, String)> = estate
        .services
        .values()
        .map(|s| {
            (
                quoted(&s.name),
                format!(
                    "{{ vpc = {}, instances = {}, instance_type = {} }}",
                    quoted(&s.vpc),
                    s.instances,
                    quoted(&s.instance_type)
                ),
            )
        })
        .collect();
    aligned(&mut out, "    ", &rows);
    out.push_str("  }\n\n  peerings = {\n");
    let rows: Vec<(String, String)> = estate
        .peerings
        .values()
        .map(|p| {
            (quoted(&p.name), format!("{{ requester = {}, accepter = {} }}", quoted(&p.requester), quoted(&p.accepter)))
        })
        .collect();
    aligned(&mut out, "    ", &rows);
    out.push_str("  }\n\n");
    let tags: Vec<String> = estate.tags.iter().map(|(k, v)| format!("{k} = {}", quoted(v))).collect();
    let _ = writeln!(out, "  tags = {{ {} }}", tags.join(", "));
    out.push_str("}\n");
    out.push_str(ROOT_RESOURCES);
    out
}

const ROOT_RESOURCES: &str = r#"
resource "aws_ec2_transit_gateway" "hub" {
  description     = "estate hub"
  amazon_side_asn = 64512
  tags            = merge(local.tags, { Name = "hub" })
}

module "vpc" {
  source   = "./modules/vpc"
  for_each = local.vpcs

  name                 = each.key
  cidr                 = each.value.cidr
  public_subnet_count  = each.value.public_subnets
  private_subnet_count = each.value.private_subnets
  single_nat           = each.value.single_nat
  transit_gateway_id   = aws_ec2_transit_gateway.hub.id
  tags                 = merge(local.tags, { Team = each.value.team })
}

module "service" {
  source   = "./modules/service"
  for_each = local.services

  name               = each.key
  subnet_ids         = module.vpc[each.value.vpc].private_subnet_ids
  security_group_ids = [module.vpc[each.value.vpc].app_security_group_id]
  instance_count     = each.value.instances
  instance_type      = each.value.instance_type
  tags               = merge(local.tags, { Team = local.vpcs[each.value.vpc].team, Service = each.key })
}

resource "aws_vpc_peering_connection" "this" {
  for_each    = local.peerings
  vpc_id      = module.vpc[each.value.requester].vpc_id
  peer_vpc_id = module.vpc[each.value.accepter].vpc_id
  auto_accept = true
  tags        = merge(local.tags, { Name = each.key })
}

resource "aws_route" "peering_requester" {
  for_each                  = local.peerings
  route_table_id            = module.vpc[each.value.requester].public_route_table_id
  destination_cidr_block    = local.vpcs[each.value.accepter].cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.this[each.key].id
}

resource "aws_route" "peering_accepter" {
  for_each                  = local.peerings
  route_table_id            = module.vpc[each.value.accepter].public_route_table_id
  destination_cidr_block    = local.vpcs[each.value.requester].cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.this[each.key].id
}

resource "aws_s3_bucket" "logs" {
  bucket = "estate-central-logs"
  tags   = local.tags
}

output "vpc_ids" {
  value = { for name, vpc in module.vpc : name => vpc.vpc_id }
}
"#;
