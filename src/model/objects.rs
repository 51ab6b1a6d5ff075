//! Typed objects of each resource family. Links are [`Link`]s to other resources of the arena;
//! values are [`Val`]s. Derived facts (which route table a subnet uses, which NACL) are filled in
//! by `lower` after every link is resolved.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::Val;
use super::network::{Link, Links, ResId};
use crate::catalog::{Role, types_of};

/// A CIDR block of a VPC and the resource that adds it (the VPC or an association).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcCidr<N> {
    /// The block.
    pub cidr: Val<N>,
    /// The resource that adds it.
    pub source: ResId,
    /// Allocated from an IPAM pool (often the owner's own BYOIP range).
    pub from_ipam: bool,
}

/// `aws_vpc`, `aws_default_vpc`, `data.aws_vpc`.
#[derive(Debug, Clone, Default)]
pub struct Vpc {
    /// IPv4 blocks: primary first, then associations.
    pub cidrs_v4: Vec<VpcCidr<Ipv4Net>>,
    /// IPv6 blocks.
    pub cidrs_v6: Vec<VpcCidr<Ipv6Net>>,
    /// The account's default VPC.
    pub is_default: bool,
    /// Its main route table (implicit, adopted by `aws_default_route_table`, or replaced by
    /// `aws_main_route_table_association`).
    pub main_route_table: Option<ResId>,
    /// Its default network ACL (implicit or adopted).
    pub default_nacl: Option<ResId>,
    /// Its default security group (implicit or adopted).
    pub default_sg: Option<ResId>,
    /// True when what AWS put in it is known (Terraform creates it here); false for VPCs that
    /// already exist (data sources), whose main table and default NACL may hold anything.
    pub defaults_known: bool,
}

/// `aws_vpc_ipv4_cidr_block_association`, `aws_vpc_ipv6_cidr_block_association`.
#[derive(Debug, Clone, Default)]
pub struct CidrAssociation {
    /// The VPC.
    pub vpc: Link,
    /// IPv4 block.
    pub cidr_v4: Val<Ipv4Net>,
    /// IPv6 block.
    pub cidr_v6: Val<Ipv6Net>,
    /// Allocated from an IPAM pool.
    pub from_ipam: bool,
}

/// `aws_subnet`, `aws_default_subnet`, `data.aws_subnet`.
#[derive(Debug, Clone, Default)]
pub struct Subnet {
    /// The VPC.
    pub vpc: Link,
    /// IPv4 block.
    pub cidr_v4: Val<Ipv4Net>,
    /// IPv6 block.
    pub cidr_v6: Val<Ipv6Net>,
    /// Availability zone name.
    pub az: Val<String>,
    /// Availability zone id.
    pub az_id: Val<String>,
    /// Instances launched here get a public IPv4 unless they say otherwise.
    pub map_public_ip: Val<bool>,
    /// An account default subnet.
    pub is_default: bool,
    /// The route table the subnet uses (explicit association, else the VPC's main table).
    pub route_table: Link,
    /// The explicit association, if any.
    pub route_table_association: Option<ResId>,
    /// The network ACL the subnet uses (explicit, else the VPC's default).
    pub nacl: Link,
}

/// `data.aws_subnets` / `data.aws_subnet_ids`: a list of subnet ids.
#[derive(Debug, Clone, Default)]
pub struct SubnetList {
    /// The subnets.
    pub subnets: Links,
}

/// What a route table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableKind {
    /// `aws_route_table`.
    #[default]
    Custom,
    /// `aws_default_route_table`: the main table, adopted (routes replaced by the configuration).
    AdoptedMain,
    /// A VPC's main table that Terraform does not manage.
    ImplicitMain,
    /// `data.aws_route_table`.
    Existing,
}

/// Where a route sends matching packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    /// The VPC's local route.
    Local,
    /// `gateway_id`: an internet gateway or a virtual private gateway.
    Gateway,
    /// `nat_gateway_id`.
    NatGateway,
    /// `egress_only_gateway_id`.
    EgressOnly,
    /// `network_interface_id`.
    NetworkInterface,
    /// `instance_id`.
    Instance,
    /// `transit_gateway_id`.
    TransitGateway,
    /// `vpc_peering_connection_id`.
    Peering,
    /// `vpc_endpoint_id` (a Gateway Load Balancer endpoint).
    VpcEndpoint,
    /// `local_gateway_id` (Outposts): not modelled.
    LocalGateway,
    /// `carrier_gateway_id` (Wavelength): not modelled.
    CarrierGateway,
    /// `core_network_arn` (Cloud WAN): not modelled.
    CoreNetwork,
    /// A route whose target could not be read.
    Unknown,
}

impl TargetKind {
    /// Maps a route target attribute name.
    pub fn from_attr(attr: &str) -> TargetKind {
        match attr {
            "gateway_id" => TargetKind::Gateway,
            "nat_gateway_id" => TargetKind::NatGateway,
            "egress_only_gateway_id" => TargetKind::EgressOnly,
            "network_interface_id" => TargetKind::NetworkInterface,
            "instance_id" => TargetKind::Instance,
            "transit_gateway_id" => TargetKind::TransitGateway,
            "vpc_peering_connection_id" => TargetKind::Peering,
            "vpc_endpoint_id" => TargetKind::VpcEndpoint,
            "local_gateway_id" => TargetKind::LocalGateway,
            "carrier_gateway_id" => TargetKind::CarrierGateway,
            "core_network_arn" => TargetKind::CoreNetwork,
            _ => TargetKind::Unknown,
        }
    }

    /// Resource types a target attribute may point at (from the catalog's roles); empty, which
    /// the linker reads as any type, for targets tfvpc does not model.
    pub fn target_types(self) -> &'static [&'static str] {
        let role = match self {
            TargetKind::Gateway => Role::RouteGateway,
            TargetKind::NatGateway => Role::NatGateway,
            TargetKind::EgressOnly => Role::EgressOnlyGateway,
            TargetKind::NetworkInterface => Role::Eni,
            TargetKind::Instance => Role::Instance,
            TargetKind::TransitGateway => Role::TransitGateway,
            TargetKind::Peering => Role::Peering,
            TargetKind::VpcEndpoint => Role::Endpoint,
            _ => return &[],
        };
        types_of(role)
    }
}

/// A route's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// IPv4 CIDR.
    V4(Val<Ipv4Net>),
    /// IPv6 CIDR.
    V6(Val<Ipv6Net>),
    /// A managed prefix list.
    PrefixList(Link),
    /// Not readable.
    Unknown,
}

/// One route of a route table.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The resource that defines it: an `aws_route`, or the table for inline routes.
    pub source: ResId,
    /// Position among the table's inline routes (for messages), None for `aws_route`.
    pub inline_index: Option<usize>,
    /// Destination.
    pub dest: Destination,
    /// Target kind.
    pub target_kind: TargetKind,
    /// Target.
    pub target: Link,
    /// AWS reported the route's state as `blackhole` (states and no-op plans).
    pub state_blackhole: bool,
    /// The literal target id, when known (for messages about missing targets).
    pub target_id: Option<String>,
    /// The target is a NAT gateway named in `gateway_id` (AWS stores a NAT route; the provider
    /// shows a permanent diff): `target_kind` is `NatGateway`.
    pub nat_in_gateway_id: bool,
}

/// `aws_route_table`, `aws_default_route_table`, implicit main tables.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    /// The VPC.
    pub vpc: Link,
    /// Kind.
    pub kind: TableKind,
    /// Static routes (without the local route, which the evaluator adds from the VPC's CIDRs).
    /// Unknown when they cannot be read (an existing table, a dynamic block over unknowns).
    pub routes: Val<Vec<Route>>,
    /// VGWs propagating into this table (`propagating_vgws` and
    /// `aws_vpn_gateway_route_propagation`).
    pub propagating_vgws: Vec<Link>,
    /// Gateways (IGW/VGW) edge-associated with this table.
    pub edge_gateways: Vec<Link>,
    /// `aws_main_route_table_association` makes this the VPC's main table.
    pub main_association: Option<ResId>,
    /// For an adopting `aws_default_route_table`, the implicit table it adopts.
    pub adopts: Option<ResId>,
    /// For an implicit table, the resource that adopted it.
    pub adopted_by: Option<ResId>,
    /// The configuration writes the routes inline (`route` blocks): they are the whole set.
    pub inline_routes: bool,
    /// Routes of separate `aws_route` resources that may belong to this table: their
    /// `route_table_id` could not be linked (set through a local) and this table is one of the
    /// candidates. Each with why. They may or may not be here: never a fact either way.
    pub maybe_routes: Vec<std::sync::Arc<(Route, String)>>,
}

/// `aws_route`: folded into its table; kept for addresses.
#[derive(Debug, Clone, Default)]
pub struct RouteResource {
    /// The table.
    pub table: Link,
}

/// `aws_route_table_association`.
#[derive(Debug, Clone, Default)]
pub struct RouteTableAssociation {
    /// Subnet (subnet association).
    pub subnet: Link,
    /// Gateway (edge association).
    pub gateway: Link,
    /// Table.
    pub table: Link,
}

/// `aws_main_route_table_association`.
#[derive(Debug, Clone, Default)]
pub struct MainRouteTableAssociation {
    /// VPC.
    pub vpc: Link,
    /// The table that becomes main.
    pub table: Link,
}

/// `aws_internet_gateway` (+ `aws_internet_gateway_attachment`), `aws_egress_only_internet_gateway`.
#[derive(Debug, Clone, Default)]
pub struct Gateway {
    /// The VPC it is attached to.
    pub vpc: Link,
}

/// `aws_internet_gateway_attachment`, `aws_vpn_gateway_attachment`.
#[derive(Debug, Clone, Default)]
pub struct GatewayAttachment {
    /// The gateway.
    pub gateway: Link,
    /// The VPC.
    pub vpc: Link,
}

/// `aws_nat_gateway`.
#[derive(Debug, Clone, Default)]
pub struct NatGateway {
    /// Its subnet (hence AZ).
    pub subnet: Link,
    /// Public (`connectivity_type = "public"`, the default) or private.
    pub public: Val<bool>,
    /// The EIP allocation.
    pub eip: Link,
    /// Private IP.
    pub private_ip: Val<IpAddr>,
}

/// `aws_eip`.
#[derive(Debug, Clone, Default)]
pub struct Eip {
    /// Instance it is associated with.
    pub instance: Link,
    /// ENI it is associated with.
    pub eni: Link,
}

/// `aws_eip_association`.
#[derive(Debug, Clone, Default)]
pub struct EipAssociation {
    /// The EIP.
    pub eip: Link,
    /// Instance.
    pub instance: Link,
    /// ENI.
    pub eni: Link,
}

/// `aws_vpc_peering_connection` (+ accepter).
#[derive(Debug, Clone, Default)]
pub struct Peering {
    /// Requester VPC.
    pub requester: Link,
    /// Accepter VPC.
    pub accepter: Link,
    /// Peer region when cross-region.
    pub peer_region: Val<String>,
    /// Accepted (auto_accept or an accepter resource).
    pub accepted: Val<bool>,
}

/// `aws_vpc_peering_connection_accepter`.
#[derive(Debug, Clone, Default)]
pub struct PeeringAccepter {
    /// The peering connection.
    pub peering: Link,
    /// `auto_accept`.
    pub accept: Val<bool>,
}

/// `aws_ec2_transit_gateway`.
#[derive(Debug, Clone, Default)]
pub struct TransitGateway {
    /// `default_route_table_association = "enable"`.
    pub default_association: Val<bool>,
    /// `default_route_table_propagation = "enable"`.
    pub default_propagation: Val<bool>,
    /// Security group referencing support.
    pub sg_referencing: Val<bool>,
    /// The implicit default route table.
    pub default_table: Option<ResId>,
}

/// What a transit gateway attachment connects.
#[derive(Debug, Clone, Default)]
pub enum AttachmentKind {
    /// A VPC.
    Vpc {
        /// The VPC.
        vpc: Link,
        /// One subnet per AZ.
        subnets: Links,
        /// Appliance mode.
        appliance_mode: Val<bool>,
        /// SG referencing.
        sg_referencing: Val<bool>,
    },
    /// Another transit gateway.
    Peering {
        /// The peer TGW.
        peer: Link,
        /// The peer region.
        peer_region: Val<String>,
    },
    /// Accepts a peering attachment.
    PeeringAccepter {
        /// The peering attachment.
        attachment: Link,
    },
    /// Accepts a VPC attachment of this plan (`aws_ec2_transit_gateway_vpc_attachment_accepter`):
    /// not an attachment of its own; its default association and propagation flags are the
    /// attachment's (folded). An accepter whose attachment is not in the plan is a `Vpc`.
    VpcAccepter {
        /// The VPC attachment.
        attachment: Link,
    },
    /// Not readable.
    #[default]
    Unknown,
}

/// Transit gateway attachments.
#[derive(Debug, Clone, Default)]
pub struct TgwAttachment {
    /// The TGW.
    pub tgw: Link,
    /// What it connects.
    pub kind: AttachmentKind,
    /// Associate with the TGW default table.
    pub default_association: Val<bool>,
    /// Propagate to the TGW default table.
    pub default_propagation: Val<bool>,
}

/// `aws_ec2_transit_gateway_route_table` (or a TGW's implicit default table).
#[derive(Debug, Clone, Default)]
pub struct TgwRouteTable {
    /// The TGW.
    pub tgw: Link,
}

/// `aws_ec2_transit_gateway_route`.
#[derive(Debug, Clone, Default)]
pub struct TgwRoute {
    /// Table.
    pub table: Link,
    /// Destination.
    pub dest: Val<IpNet>,
    /// Attachment (absent for blackhole routes).
    pub attachment: Link,
    /// Explicit blackhole.
    pub blackhole: Val<bool>,
}

/// `aws_ec2_transit_gateway_route_table_association` / `_propagation`.
#[derive(Debug, Clone, Default)]
pub struct TgwTableLink {
    /// Table.
    pub table: Link,
    /// Attachment.
    pub attachment: Link,
}

/// Endpoint type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    /// S3/DynamoDB gateway endpoint (route-table based).
    Gateway,
    /// PrivateLink interface endpoint (ENIs with SGs).
    Interface,
    /// Gateway Load Balancer endpoint (a route target).
    GatewayLoadBalancer,
}

/// `aws_vpc_endpoint` (+ its association resources, folded in).
#[derive(Debug, Clone, Default)]
pub struct Endpoint {
    /// VPC.
    pub vpc: Link,
    /// `service_name`.
    pub service: Val<String>,
    /// Type.
    pub kind: Val<EndpointKind>,
    /// Route tables (gateway endpoints).
    pub route_tables: Links,
    /// Subnets (interface and GWLB endpoints).
    pub subnets: Links,
    /// Security groups (interface endpoints).
    pub security_groups: Links,
    /// Private DNS.
    pub private_dns: Val<bool>,
    /// The AWS Network Firewall this endpoint belongs to (an implicit endpoint of one of its
    /// subnet mappings, docs/semantics.md §1.9): a Gateway Load Balancer endpoint to routing.
    pub firewall: Option<ResId>,
}

/// `aws_networkfirewall_firewall` (docs/semantics.md §1.9): its endpoints, one per subnet
/// mapping, are implicit `aws_vpc_endpoint` objects (`<firewall>:endpoint[<subnet>]`); its
/// policy is read, not evaluated.
#[derive(Debug, Clone, Default)]
pub struct Firewall {
    /// `vpc_id`.
    pub vpc: Link,
    /// `firewall_policy_arn`.
    pub policy: Link,
    /// One per subnet mapping, in the plan's order; empty when the mappings are unknown until
    /// apply (a `dynamic` block over unknown values).
    pub mappings: Vec<FirewallMapping>,
}

/// One subnet mapping of a firewall and the endpoint AWS creates for it.
#[derive(Debug, Clone)]
pub struct FirewallMapping {
    /// The implicit endpoint.
    pub endpoint: ResId,
    /// `subnet_mapping.subnet_id`.
    pub subnet: Link,
    /// `firewall_status[0].sync_states[*].attachment[0].endpoint_id` of this subnet (states,
    /// no-op plans).
    pub endpoint_id: Option<String>,
    /// The sync state's `availability_zone`.
    pub az: Option<String>,
}

/// `aws_vpc_endpoint_*_association`.
#[derive(Debug, Clone, Default)]
pub struct EndpointAssociation {
    /// The endpoint.
    pub endpoint: Link,
    /// The route table, subnet or security group.
    pub other: Link,
}

/// `aws_ec2_managed_prefix_list`, `data.aws_prefix_list`.
#[derive(Debug, Clone, Default)]
pub struct PrefixList {
    /// Entries.
    pub entries: Val<Vec<Val<IpNet>>>,
}

/// `aws_ec2_managed_prefix_list_entry`.
#[derive(Debug, Clone, Default)]
pub struct PrefixListEntry {
    /// The list.
    pub list: Link,
    /// The CIDR.
    pub cidr: Val<IpNet>,
}

/// What a security group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupKind {
    /// `aws_security_group`.
    #[default]
    Custom,
    /// `aws_default_security_group` (rules replaced by the configuration).
    AdoptedDefault,
    /// A VPC's default group, not managed here (self ingress, all egress).
    ImplicitDefault,
    /// A data source: rules not known.
    Existing,
}

/// Who a security group rule admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SgPeer {
    /// A CIDR block (IPv4 or IPv6).
    Cidr(Val<IpNet>),
    /// Another security group.
    Group(Link),
    /// The group itself.
    SelfGroup,
    /// A prefix list.
    PrefixList(Link),
}

/// One security group rule (one peer each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgRule {
    /// The resource that defines it (the group for inline rules).
    pub source: ResId,
    /// Protocol as written (`tcp`, `-1`, `6`, `icmp`).
    pub protocol: Val<String>,
    /// From port (ICMP type).
    pub from_port: Val<i64>,
    /// To port (ICMP code).
    pub to_port: Val<i64>,
    /// Peer.
    pub peer: SgPeer,
}

/// `aws_security_group`, `aws_default_security_group`, implicit default groups.
#[derive(Debug, Clone, Default)]
pub struct SecurityGroup {
    /// VPC.
    pub vpc: Link,
    /// Kind.
    pub kind: GroupKind,
    /// Ingress rules (unknown when they cannot be read).
    pub ingress: Val<Vec<SgRule>>,
    /// Egress rules.
    pub egress: Val<Vec<SgRule>>,
    /// For an adopting `aws_default_security_group`, the implicit group it adopts.
    pub adopts: Option<ResId>,
    /// For an implicit group, who adopted it.
    pub adopted_by: Option<ResId>,
    /// The configuration writes rules inline (`ingress`/`egress` blocks).
    pub inline_rules: bool,
    /// Which directions the configuration writes inline: (ingress, egress). A direction left out
    /// is computed, so separate rules of that direction do not conflict with the inline ones.
    pub inline_directions: (bool, bool),
    /// Separate rules that may belong to this group (their group could not be linked): egress?,
    /// the rule, why.
    pub maybe_rules: Vec<std::sync::Arc<(bool, SgRule, String)>>,
}

/// Separate SG rule resources (folded into their group).
#[derive(Debug, Clone, Default)]
pub struct SgRuleResource {
    /// The group.
    pub group: Link,
    /// Egress (else ingress).
    pub egress: bool,
}

/// One network ACL entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaclRule {
    /// The resource that defines it.
    pub source: ResId,
    /// Rule number.
    pub number: Val<i64>,
    /// Allow (else deny).
    pub allow: Val<bool>,
    /// Protocol as written.
    pub protocol: Val<String>,
    /// From port.
    pub from_port: Val<i64>,
    /// To port.
    pub to_port: Val<i64>,
    /// ICMP type (-1 all).
    pub icmp_type: Val<i64>,
    /// ICMP code (-1 all).
    pub icmp_code: Val<i64>,
    /// CIDR (IPv4 or IPv6).
    pub cidr: Val<IpNet>,
}

/// What a network ACL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AclKind {
    /// `aws_network_acl` (denies everything until rules are added).
    #[default]
    Custom,
    /// `aws_default_network_acl` (rules replaced by the configuration).
    AdoptedDefault,
    /// A VPC's default NACL not managed here (allow all).
    ImplicitDefault,
}

/// `aws_network_acl`, `aws_default_network_acl`, implicit default NACLs.
#[derive(Debug, Clone, Default)]
pub struct NetworkAcl {
    /// VPC.
    pub vpc: Link,
    /// Kind.
    pub kind: AclKind,
    /// Inbound rules.
    pub ingress: Val<Vec<NaclRule>>,
    /// Outbound rules.
    pub egress: Val<Vec<NaclRule>>,
    /// Subnets named inline (`subnet_ids`).
    pub subnets: Links,
    /// For an adopting default NACL, the implicit one.
    pub adopts: Option<ResId>,
    /// For an implicit NACL, who adopted it.
    pub adopted_by: Option<ResId>,
    /// The configuration writes rules inline.
    pub inline_rules: bool,
    /// Which directions the configuration writes inline: (ingress, egress).
    pub inline_directions: (bool, bool),
    /// Separate rules that may belong to this ACL (their ACL could not be linked): egress?, the
    /// rule, why.
    pub maybe_rules: Vec<std::sync::Arc<(bool, NaclRule, String)>>,
}

/// `aws_network_acl_rule`.
#[derive(Debug, Clone, Default)]
pub struct NaclRuleResource {
    /// The NACL.
    pub acl: Link,
    /// Egress.
    pub egress: bool,
}

/// `aws_network_acl_association`.
#[derive(Debug, Clone, Default)]
pub struct NaclAssociation {
    /// NACL.
    pub acl: Link,
    /// Subnet.
    pub subnet: Link,
}

/// Kind of workload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum WorkloadKind {
    /// `aws_instance`.
    #[default]
    Instance,
    /// `aws_network_interface`.
    NetworkInterface,
    /// `aws_lb`/`aws_alb` of a type.
    LoadBalancer(LbType),
    /// `aws_elb`.
    ClassicLoadBalancer,
    /// `aws_lambda_function` with `vpc_config`.
    Lambda,
    /// `aws_db_instance`, `aws_rds_cluster`.
    Database,
    /// Anything else that puts ENIs with SGs into subnets.
    Generic,
}

/// Load balancer type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbType {
    /// ALB.
    Application,
    /// NLB.
    Network,
    /// GWLB.
    Gateway,
}

/// Anything with ENIs in subnets: instances, ENIs, load balancers, Lambda, databases, EKS…
#[derive(Debug, Clone, Default)]
pub struct Workload {
    /// Kind.
    pub kind: WorkloadKind,
    /// Subnets it places ENIs in (one for an instance).
    pub subnets: Links,
    /// Security groups on its ENIs.
    pub security_groups: Links,
    /// Gets a public IPv4 (`associate_public_ip_address`, the subnet's default, an EIP,
    /// internet-facing LB). `Absent` means "follow the subnet's `map_public_ip_on_launch`".
    pub public_ip: Val<bool>,
    /// EIPs associated with it.
    pub eips: Vec<ResId>,
    /// Known private IPs.
    pub private_ips: Val<Vec<IpAddr>>,
    /// Source/destination check (false on NAT instances and appliances).
    pub source_dest_check: Val<bool>,
    /// Load balancers: internal (else internet-facing).
    pub internal: Val<bool>,
    /// Database-style: `publicly_accessible`.
    pub publicly_accessible: Val<bool>,
    /// The ephemeral source port range it uses as a client, when the type fixes it.
    pub client_ports: Option<(u16, u16)>,
    /// Service port (databases, caches).
    pub port: Val<i64>,
    /// The instance an ENI is attached to.
    pub attached_to: Link,
    /// Whether this workload sits in a VPC at all (a Lambda without `vpc_config` does not).
    pub in_vpc: bool,
    /// Target groups that register it (an ECS service's `load_balancer` blocks with their
    /// `container_port`, an autoscaling group's `target_group_arns`): the group and the port
    /// when it overrides the group's.
    pub target_groups: Vec<(Link, Val<i64>)>,
}

/// `aws_lb_listener`.
#[derive(Debug, Clone, Default)]
pub struct Listener {
    /// Load balancer.
    pub lb: Link,
    /// Port.
    pub port: Val<i64>,
    /// Protocol.
    pub protocol: Val<String>,
    /// Target groups it forwards to.
    pub target_groups: Links,
}

/// `aws_lb_listener_rule`.
#[derive(Debug, Clone, Default)]
pub struct ListenerRule {
    /// Listener.
    pub listener: Link,
    /// Target groups it forwards to.
    pub target_groups: Links,
}

/// `aws_lb_target_group`.
#[derive(Debug, Clone, Default)]
pub struct TargetGroup {
    /// Port.
    pub port: Val<i64>,
    /// Protocol.
    pub protocol: Val<String>,
    /// `instance`, `ip`, `lambda`, `alb`.
    pub target_type: Val<String>,
    /// VPC.
    pub vpc: Link,
    /// Health check port (`traffic-port` = the target port).
    pub health_check_port: Val<String>,
    /// NLB client IP preservation.
    pub preserve_client_ip: Val<bool>,
}

/// `aws_lb_target_group_attachment`.
#[derive(Debug, Clone, Default)]
pub struct TargetAttachment {
    /// Target group.
    pub target_group: Link,
    /// Target (instance, ENI, Lambda) when linked.
    pub target: Link,
    /// Target id as written (an IP for `ip` targets).
    pub target_id: Val<String>,
    /// Port override.
    pub port: Val<i64>,
}

/// Subnet groups and launch templates: data that workloads point at.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// Subnets.
    pub subnets: Links,
    /// Security groups (launch templates).
    pub security_groups: Links,
    /// Public IP (launch templates).
    pub public_ip: Val<bool>,
    /// Name (subnet groups are referenced by name).
    pub name: Val<String>,
}

/// `aws_vpn_gateway`.
#[derive(Debug, Clone, Default)]
pub struct VpnGateway {
    /// VPC.
    pub vpc: Link,
}

/// `aws_vpn_gateway_route_propagation`.
#[derive(Debug, Clone, Default)]
pub struct VgwPropagation {
    /// VGW.
    pub vgw: Link,
    /// Route table.
    pub table: Link,
}

/// `aws_customer_gateway`.
#[derive(Debug, Clone, Default)]
pub struct CustomerGateway {
    /// Public IP.
    pub ip: Val<String>,
}

/// `aws_vpn_connection`.
#[derive(Debug, Clone, Default)]
pub struct VpnConnection {
    /// VGW side.
    pub vgw: Link,
    /// TGW side.
    pub tgw: Link,
    /// Customer gateway.
    pub customer_gateway: Link,
    /// Static routes only (else BGP).
    pub static_routes_only: Val<bool>,
    /// On-premises CIDRs: `aws_vpn_connection_route`s and `remote_ipv4_network_cidr`.
    pub remote_cidrs: Vec<Val<IpNet>>,
}

/// `aws_vpn_connection_route`.
#[derive(Debug, Clone, Default)]
pub struct VpnRoute {
    /// Connection.
    pub connection: Link,
    /// CIDR.
    pub cidr: Val<IpNet>,
}

/// The typed object of a resource.
#[derive(Debug, Clone, Default)]
pub enum Object {
    /// VPC.
    Vpc(Vpc),
    /// VPC CIDR association.
    CidrAssociation(CidrAssociation),
    /// Subnet.
    Subnet(Subnet),
    /// Subnet id list (data).
    SubnetList(SubnetList),
    /// Route table.
    RouteTable(RouteTable),
    /// `aws_route`.
    Route(RouteResource),
    /// Route table association.
    RouteTableAssociation(RouteTableAssociation),
    /// Main route table association.
    MainRouteTableAssociation(MainRouteTableAssociation),
    /// Internet gateway.
    InternetGateway(Gateway),
    /// Egress-only internet gateway.
    EgressOnlyGateway(Gateway),
    /// IGW or VGW attachment.
    GatewayAttachment(GatewayAttachment),
    /// NAT gateway.
    NatGateway(NatGateway),
    /// EIP.
    Eip(Eip),
    /// EIP association.
    EipAssociation(EipAssociation),
    /// Peering connection.
    Peering(Peering),
    /// Peering accepter.
    PeeringAccepter(PeeringAccepter),
    /// Transit gateway.
    TransitGateway(TransitGateway),
    /// TGW attachment.
    TgwAttachment(TgwAttachment),
    /// TGW route table.
    TgwRouteTable(TgwRouteTable),
    /// TGW route.
    TgwRoute(TgwRoute),
    /// TGW association.
    TgwAssociation(TgwTableLink),
    /// TGW propagation.
    TgwPropagation(TgwTableLink),
    /// VPC endpoint.
    Endpoint(Endpoint),
    /// AWS Network Firewall.
    Firewall(Firewall),
    /// Endpoint association.
    EndpointAssociation(EndpointAssociation),
    /// Prefix list.
    PrefixList(PrefixList),
    /// Prefix list entry.
    PrefixListEntry(PrefixListEntry),
    /// Security group.
    SecurityGroup(SecurityGroup),
    /// SG rule resource.
    SgRule(SgRuleResource),
    /// Network ACL.
    NetworkAcl(NetworkAcl),
    /// NACL rule resource.
    NaclRule(NaclRuleResource),
    /// NACL association.
    NaclAssociation(NaclAssociation),
    /// ENI SG attachment (folded into the ENI).
    EniSgAttachment(EndpointAssociation),
    /// Workload.
    Workload(Workload),
    /// Listener.
    Listener(Listener),
    /// Listener rule.
    ListenerRule(ListenerRule),
    /// Target group.
    TargetGroup(TargetGroup),
    /// Target group attachment.
    TargetAttachment(TargetAttachment),
    /// Subnet group / launch template.
    Placement(Placement),
    /// VPN gateway.
    VpnGateway(VpnGateway),
    /// VGW route propagation.
    VgwPropagation(VgwPropagation),
    /// Customer gateway.
    CustomerGateway(CustomerGateway),
    /// VPN connection.
    VpnConnection(VpnConnection),
    /// VPN connection route.
    VpnRoute(VpnRoute),
    /// Present but not modelled, or a data source of no use.
    #[default]
    Other,
}

impl Object {
    /// True for workloads that sit in a VPC.
    pub fn is_workload_in_vpc(&self) -> bool {
        matches!(self, Object::Workload(w) if w.in_vpc)
    }
}

macro_rules! accessors {
    ($($fn:ident: $variant:ident => $ty:ty),* $(,)?) => {
        impl Object {
            $(
                #[doc = concat!("The object as a `", stringify!($ty), "`.")]
                pub fn $fn(&self) -> Option<&$ty> {
                    match self {
                        Object::$variant(x) => Some(x),
                        _ => None,
                    }
                }
            )*
        }
    };
}

accessors! {
    vpc: Vpc => Vpc,
    subnet: Subnet => Subnet,
    route_table: RouteTable => RouteTable,
    nat_gateway: NatGateway => NatGateway,
    peering: Peering => Peering,
    transit_gateway: TransitGateway => TransitGateway,
    tgw_attachment: TgwAttachment => TgwAttachment,
    tgw_route: TgwRoute => TgwRoute,
    endpoint: Endpoint => Endpoint,
    prefix_list: PrefixList => PrefixList,
    security_group: SecurityGroup => SecurityGroup,
    network_acl: NetworkAcl => NetworkAcl,
    workload: Workload => Workload,
    listener: Listener => Listener,
    target_group: TargetGroup => TargetGroup,
    target_attachment: TargetAttachment => TargetAttachment,
    vpn_connection: VpnConnection => VpnConnection,
}
