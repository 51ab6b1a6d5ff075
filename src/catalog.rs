//! What tfvpc knows about each Terraform resource type: its family (for the graph, the summary
//! and the model) and the attributes ingest keeps. Everything not listed is skipped while
//! parsing, which is what makes ingest of a 40 MB plan cheap: only the attributes named here are
//! ever allocated. It also says which roles each type plays as a link target (`Role`): lowering
//! takes the types a link accepts from here (`types_of`), never from a list of its own.

use std::sync::LazyLock;

use crate::addr::Mode;

/// The family a resource type belongs to. Public: it is the `family` of `tfvpc graph --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// `aws_vpc`, `aws_default_vpc`, CIDR block associations.
    Vpc,
    /// `aws_vpc_ipv4_cidr_block_association`, `aws_vpc_ipv6_cidr_block_association`.
    VpcCidr,
    /// `aws_subnet`, `aws_default_subnet`.
    Subnet,
    /// `aws_route_table`, `aws_default_route_table`.
    RouteTable,
    /// `aws_route`.
    Route,
    /// `aws_route_table_association`, `aws_main_route_table_association`.
    RouteTableAssociation,
    /// `aws_internet_gateway` (+ attachment).
    InternetGateway,
    /// `aws_egress_only_internet_gateway`.
    EgressOnlyInternetGateway,
    /// `aws_nat_gateway`.
    NatGateway,
    /// `aws_eip`, `aws_eip_association`.
    Eip,
    /// `aws_vpc_peering_connection` (+ accepter).
    PeeringConnection,
    /// `aws_ec2_transit_gateway`.
    TransitGateway,
    /// Transit gateway VPC and peering attachments.
    TransitGatewayAttachment,
    /// Transit gateway route tables, routes, associations and propagations.
    TransitGatewayRouteTable,
    /// `aws_vpc_endpoint` and its associations; AWS Network Firewall (its endpoints are VPC
    /// endpoints: the firewall, its policy and its rule groups).
    VpcEndpoint,
    /// `aws_ec2_managed_prefix_list` (+ entries).
    PrefixList,
    /// `aws_security_group`, `aws_default_security_group`.
    SecurityGroup,
    /// Separate security group rules.
    SecurityGroupRule,
    /// `aws_network_acl`, `aws_default_network_acl`.
    NetworkAcl,
    /// `aws_network_acl_rule`, `aws_network_acl_association`.
    NetworkAclRule,
    /// `aws_network_interface` (+ SG attachment).
    NetworkInterface,
    /// VPN gateways, customer gateways, VPN connections.
    Vpn,
    /// Load balancer listeners, target groups and attachments.
    LoadBalancerPart,
    /// DB and cache subnet groups, launch templates: data that workloads refer to.
    Placement,
    /// Anything that puts ENIs with security groups into subnets: instances, load balancers,
    /// Lambda functions, databases, EKS, ECS, …
    Workload,
    /// An AWS resource that touches the network but is not modelled yet.
    Other,
}

impl Family {
    /// The snake_case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Vpc => "vpc",
            Family::VpcCidr => "vpc_cidr",
            Family::Subnet => "subnet",
            Family::RouteTable => "route_table",
            Family::Route => "route",
            Family::RouteTableAssociation => "route_table_association",
            Family::InternetGateway => "internet_gateway",
            Family::EgressOnlyInternetGateway => "egress_only_internet_gateway",
            Family::NatGateway => "nat_gateway",
            Family::Eip => "eip",
            Family::PeeringConnection => "peering_connection",
            Family::TransitGateway => "transit_gateway",
            Family::TransitGatewayAttachment => "transit_gateway_attachment",
            Family::TransitGatewayRouteTable => "transit_gateway_route_table",
            Family::VpcEndpoint => "vpc_endpoint",
            Family::PrefixList => "prefix_list",
            Family::SecurityGroup => "security_group",
            Family::SecurityGroupRule => "security_group_rule",
            Family::NetworkAcl => "network_acl",
            Family::NetworkAclRule => "network_acl_rule",
            Family::NetworkInterface => "network_interface",
            Family::Vpn => "vpn",
            Family::LoadBalancerPart => "load_balancer_part",
            Family::Placement => "placement",
            Family::Workload => "workload",
            Family::Other => "other",
        }
    }
}

/// What a resource of a type can stand for when another resource's attribute links to it. A
/// link accepts the types that play its role (`vpc_id`: [`Role::Vpc`], `aws_vpc` and
/// `aws_default_vpc`); [`types_of`] lists them, from the `plays` of each type in [`MANAGED`] and
/// [`DATA`]. A new type that plays a role is linked to by lowering without further edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A VPC (`vpc_id`).
    Vpc,
    /// A subnet (`subnet_id`, `subnet_ids`).
    Subnet,
    /// A route table (`route_table_id`).
    RouteTable,
    /// A security group (`security_group_ids`, a rule's `security_group_id`).
    SecurityGroup,
    /// A network ACL (`network_acl_id`).
    NetworkAcl,
    /// An internet gateway (`internet_gateway_id` of an attachment).
    InternetGateway,
    /// A virtual private gateway (`vpn_gateway_id`, `propagating_vgws`).
    VpnGateway,
    /// A gateway a route table can be associated with (edge association `gateway_id`).
    EdgeGateway,
    /// What a route's `gateway_id` names: an internet or VPN gateway, or its attachment.
    RouteGateway,
    /// A NAT gateway (a route's `nat_gateway_id`).
    NatGateway,
    /// An egress-only internet gateway (a route's `egress_only_gateway_id`).
    EgressOnlyGateway,
    /// A network interface, or an instance standing for its primary one (`network_interface_id`
    /// of a route or an EIP).
    Eni,
    /// An `aws_network_interface` itself (what `network_interface` blocks and attachments attach).
    NetworkInterface,
    /// An EC2 instance (`instance_id`).
    Instance,
    /// A prefix list: managed, AWS-managed, or a gateway endpoint's (`prefix_list_id`).
    PrefixList,
    /// A transit gateway (`transit_gateway_id`).
    TransitGateway,
    /// A transit gateway attachment, a VPN connection's included (`transit_gateway_attachment_id`).
    TgwAttachment,
    /// A transit gateway route table (`transit_gateway_route_table_id`).
    TgwRouteTable,
    /// An Elastic IP (`allocation_id`).
    Eip,
    /// A VPC peering connection (`vpc_peering_connection_id`).
    Peering,
    /// A VPC endpoint (`vpc_endpoint_id`).
    Endpoint,
    /// A load balancer (`load_balancer_arn`).
    LoadBalancer,
    /// A load balancer listener (`listener_arn`).
    Listener,
    /// A target group (`target_group_arn`).
    TargetGroup,
    /// What a target group attachment's `target_id` may name.
    LbTarget,
    /// A customer gateway (`customer_gateway_id`).
    CustomerGateway,
    /// A VPN connection (`vpn_connection_id`).
    VpnConnection,
    /// A launch template or configuration (`launch_template.id`).
    LaunchTemplate,
    /// An AWS Network Firewall (what a route's `vpc_endpoint_id` reads its endpoint from).
    Firewall,
    /// A Network Firewall policy (`firewall_policy_arn`).
    FirewallPolicy,
}

impl Role {
    /// Every role, in declaration order (`role as usize` indexes it).
    const ALL: [Role; 30] = [
        Role::Vpc,
        Role::Subnet,
        Role::RouteTable,
        Role::SecurityGroup,
        Role::NetworkAcl,
        Role::InternetGateway,
        Role::VpnGateway,
        Role::EdgeGateway,
        Role::RouteGateway,
        Role::NatGateway,
        Role::EgressOnlyGateway,
        Role::Eni,
        Role::NetworkInterface,
        Role::Instance,
        Role::PrefixList,
        Role::TransitGateway,
        Role::TgwAttachment,
        Role::TgwRouteTable,
        Role::Eip,
        Role::Peering,
        Role::Endpoint,
        Role::LoadBalancer,
        Role::Listener,
        Role::TargetGroup,
        Role::LbTarget,
        Role::CustomerGateway,
        Role::VpnConnection,
        Role::LaunchTemplate,
        Role::Firewall,
        Role::FirewallPolicy,
    ];
}

/// How a generic workload type places ENIs: attribute paths (dot-separated; nested block lists
/// are flattened) for subnets, security groups and a public IP flag.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WorkloadSpec {
    /// Paths whose values are subnet ids (strings or lists of strings).
    pub subnets: &'static [&'static str],
    /// Paths whose values are security group ids.
    pub security_groups: &'static [&'static str],
    /// A path to a boolean that gives the workload a public IP.
    pub public_ip: Option<&'static str>,
    /// A path to a subnet group name, and the type of the subnet group resource.
    pub subnet_group: Option<(&'static str, &'static str)>,
    /// The path of a launch template reference (`launch_template.id`).
    pub launch_template: Option<&'static str>,
    /// The ephemeral source-port range the workload uses as a client, when not Linux's default.
    pub client_ports: Option<(u16, u16)>,
}

impl WorkloadSpec {
    const fn new(subnets: &'static [&'static str], security_groups: &'static [&'static str]) -> Self {
        WorkloadSpec {
            subnets,
            security_groups,
            public_ip: None,
            subnet_group: None,
            launch_template: None,
            client_ports: None,
        }
    }
    const fn public_ip(mut self, path: &'static str) -> Self {
        self.public_ip = Some(path);
        self
    }
    const fn subnet_group(mut self, path: &'static str, group_type: &'static str) -> Self {
        self.subnet_group = Some((path, group_type));
        self
    }
    const fn launch_template(mut self, path: &'static str) -> Self {
        self.launch_template = Some(path);
        self
    }
    const fn client_ports(mut self, from: u16, to: u16) -> Self {
        self.client_ports = Some((from, to));
        self
    }
}

/// Everything tfvpc knows about one resource type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeInfo {
    /// Terraform type name.
    pub name: &'static str,
    /// Family.
    pub family: Family,
    /// Top-level attributes ingest keeps.
    pub attrs: &'static [&'static str],
    /// The roles a resource of this type plays as a link target (see [`Role`]). Declared once
    /// per type name: on its managed entry, or on its data entry when only data sources have it.
    pub(crate) plays: &'static [Role],
    /// For generic workloads: where their ENIs go.
    pub workload: Option<WorkloadSpec>,
}

const ROUTE_TARGETS: &[&str] = &[
    "gateway_id",
    "nat_gateway_id",
    "egress_only_gateway_id",
    "network_interface_id",
    "instance_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
    "local_gateway_id",
    "carrier_gateway_id",
    "core_network_arn",
];

macro_rules! t {
    ($name:literal, $fam:ident, [$($a:literal),* $(,)?]) => {
        TypeInfo { name: $name, family: Family::$fam, attrs: &["id", $($a),*], plays: &[], workload: None }
    };
    ($name:literal, $fam:ident, [$($a:literal),* $(,)?], plays [$($role:ident),* $(,)?]) => {
        TypeInfo {
            name: $name,
            family: Family::$fam,
            attrs: &["id", $($a),*],
            plays: &[$(Role::$role),*],
            workload: None,
        }
    };
    ($name:literal, $fam:ident, [$($a:literal),* $(,)?], $w:expr) => {
        TypeInfo { name: $name, family: Family::$fam, attrs: &["id", $($a),*], plays: &[], workload: Some($w) }
    };
}

const VPC_ATTRS: &[&str] = &[
    "id",
    "arn",
    "cidr_block",
    "ipv6_cidr_block",
    "assign_generated_ipv6_cidr_block",
    "ipv6_ipam_pool_id",
    "ipv4_ipam_pool_id",
    "ipv4_netmask_length",
    "default_route_table_id",
    "main_route_table_id",
    "default_network_acl_id",
    "default_security_group_id",
    "owner_id",
    "region",
    "cidr_block_associations",
    "tags",
];

/// What `data.aws_vpc` keeps: the resource's attributes and `default` (whether it is the
/// account's default VPC; only the data source has it).
const DATA_VPC_ATTRS: &[&str] = &[
    "id",
    "arn",
    "cidr_block",
    "ipv6_cidr_block",
    "assign_generated_ipv6_cidr_block",
    "ipv6_ipam_pool_id",
    "ipv4_ipam_pool_id",
    "ipv4_netmask_length",
    "default_route_table_id",
    "main_route_table_id",
    "default_network_acl_id",
    "default_security_group_id",
    "owner_id",
    "region",
    "cidr_block_associations",
    "tags",
    "default",
];

/// Managed resource types tfvpc models.
pub(crate) const MANAGED: &[TypeInfo] = &[
    TypeInfo { name: "aws_vpc", family: Family::Vpc, attrs: VPC_ATTRS, plays: &[Role::Vpc], workload: None },
    TypeInfo { name: "aws_default_vpc", family: Family::Vpc, attrs: VPC_ATTRS, plays: &[Role::Vpc], workload: None },
    t!("aws_vpc_ipv4_cidr_block_association", VpcCidr, ["vpc_id", "cidr_block", "ipv4_ipam_pool_id"]),
    t!("aws_vpc_ipv6_cidr_block_association", VpcCidr, ["vpc_id", "ipv6_cidr_block", "ipv6_ipam_pool_id"]),
    t!(
        "aws_subnet",
        Subnet,
        [
            "arn",
            "vpc_id",
            "cidr_block",
            "ipv6_cidr_block",
            "availability_zone",
            "availability_zone_id",
            "map_public_ip_on_launch",
            "assign_ipv6_address_on_creation",
            "ipv6_native",
            "outpost_arn",
            "region",
            "tags"
        ],
        plays[Subnet]
    ),
    t!(
        "aws_default_subnet",
        Subnet,
        [
            "arn",
            "vpc_id",
            "cidr_block",
            "ipv6_cidr_block",
            "availability_zone",
            "availability_zone_id",
            "map_public_ip_on_launch",
            "assign_ipv6_address_on_creation",
            "ipv6_native",
            "region",
            "tags"
        ],
        plays[Subnet]
    ),
    t!("aws_route_table", RouteTable, ["vpc_id", "route", "propagating_vgws", "region", "tags"], plays[RouteTable]),
    t!(
        "aws_default_route_table",
        RouteTable,
        ["vpc_id", "route", "propagating_vgws", "default_route_table_id", "region", "tags"],
        plays[RouteTable]
    ),
    TypeInfo {
        name: "aws_route",
        family: Family::Route,
        attrs: &[
            "id",
            "route_table_id",
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
            "gateway_id",
            "nat_gateway_id",
            "egress_only_gateway_id",
            "network_interface_id",
            "instance_id",
            "transit_gateway_id",
            "vpc_endpoint_id",
            "vpc_peering_connection_id",
            "local_gateway_id",
            "carrier_gateway_id",
            "core_network_arn",
            "state",
            "origin",
        ],
        plays: &[],
        workload: None,
    },
    t!("aws_route_table_association", RouteTableAssociation, ["subnet_id", "gateway_id", "route_table_id"]),
    t!(
        "aws_main_route_table_association",
        RouteTableAssociation,
        ["vpc_id", "route_table_id", "original_route_table_id"]
    ),
    t!("aws_internet_gateway", InternetGateway, ["arn", "vpc_id", "region", "tags"], plays [InternetGateway, EdgeGateway, RouteGateway]),
    t!("aws_internet_gateway_attachment", InternetGateway, ["vpc_id", "internet_gateway_id"], plays[RouteGateway]),
    t!(
        "aws_egress_only_internet_gateway",
        EgressOnlyInternetGateway,
        ["vpc_id", "region", "tags"],
        plays[EgressOnlyGateway]
    ),
    t!(
        "aws_nat_gateway",
        NatGateway,
        [
            "subnet_id",
            "allocation_id",
            "connectivity_type",
            "private_ip",
            "public_ip",
            "secondary_allocation_ids",
            "network_interface_id",
            "region",
            "tags"
        ],
        plays[NatGateway]
    ),
    t!(
        "aws_eip",
        Eip,
        [
            "allocation_id",
            "instance",
            "network_interface",
            "associate_with_private_ip",
            "domain",
            "vpc",
            "public_ip",
            "private_ip",
            "association_id",
            "region"
        ],
        plays[Eip]
    ),
    t!(
        "aws_eip_association",
        Eip,
        ["allocation_id", "public_ip", "instance_id", "network_interface_id", "private_ip_address"]
    ),
    t!(
        "aws_vpc_peering_connection",
        PeeringConnection,
        ["vpc_id", "peer_vpc_id", "peer_owner_id", "peer_region", "auto_accept", "accept_status", "region", "tags"],
        plays[Peering]
    ),
    t!(
        "aws_vpc_peering_connection_accepter",
        PeeringConnection,
        [
            "vpc_peering_connection_id",
            "auto_accept",
            "accept_status",
            "vpc_id",
            "peer_vpc_id",
            "peer_region",
            "peer_owner_id",
            "region"
        ]
    ),
    t!(
        "aws_ec2_transit_gateway",
        TransitGateway,
        [
            "arn",
            "default_route_table_association",
            "default_route_table_propagation",
            "association_default_route_table_id",
            "propagation_default_route_table_id",
            "amazon_side_asn",
            "security_group_referencing_support",
            "region",
            "tags"
        ],
        plays[TransitGateway]
    ),
    t!(
        "aws_ec2_transit_gateway_vpc_attachment",
        TransitGatewayAttachment,
        [
            "transit_gateway_id",
            "vpc_id",
            "subnet_ids",
            "appliance_mode_support",
            "transit_gateway_default_route_table_association",
            "transit_gateway_default_route_table_propagation",
            "security_group_referencing_support",
            "ipv6_support",
            "region"
        ],
        plays[TgwAttachment]
    ),
    t!(
        "aws_ec2_transit_gateway_vpc_attachment_accepter",
        TransitGatewayAttachment,
        [
            "transit_gateway_attachment_id",
            "transit_gateway_id",
            "vpc_id",
            "subnet_ids",
            "appliance_mode_support",
            "transit_gateway_default_route_table_association",
            "transit_gateway_default_route_table_propagation",
            "region"
        ],
        plays[TgwAttachment]
    ),
    t!(
        "aws_ec2_transit_gateway_peering_attachment",
        TransitGatewayAttachment,
        ["transit_gateway_id", "peer_transit_gateway_id", "peer_region", "peer_account_id", "region"],
        plays[TgwAttachment]
    ),
    t!(
        "aws_ec2_transit_gateway_peering_attachment_accepter",
        TransitGatewayAttachment,
        ["transit_gateway_attachment_id", "transit_gateway_id", "peer_transit_gateway_id", "peer_region", "region"],
        plays[TgwAttachment]
    ),
    t!(
        "aws_ec2_transit_gateway_route_table",
        TransitGatewayRouteTable,
        ["transit_gateway_id", "default_association_route_table", "default_propagation_route_table"],
        plays[TgwRouteTable]
    ),
    t!(
        "aws_ec2_transit_gateway_route",
        TransitGatewayRouteTable,
        ["destination_cidr_block", "transit_gateway_attachment_id", "blackhole", "transit_gateway_route_table_id"]
    ),
    t!(
        "aws_ec2_transit_gateway_route_table_association",
        TransitGatewayRouteTable,
        ["transit_gateway_attachment_id", "transit_gateway_route_table_id", "replace_existing_association"]
    ),
    t!(
        "aws_ec2_transit_gateway_route_table_propagation",
        TransitGatewayRouteTable,
        ["transit_gateway_attachment_id", "transit_gateway_route_table_id"]
    ),
    t!(
        "aws_vpc_endpoint",
        VpcEndpoint,
        [
            "vpc_id",
            "service_name",
            "vpc_endpoint_type",
            "route_table_ids",
            "subnet_ids",
            "security_group_ids",
            "private_dns_enabled",
            "prefix_list_id",
            "cidr_blocks",
            "network_interface_ids",
            "subnet_configuration",
            "ip_address_type",
            "region"
        ], plays [Endpoint, PrefixList]),
    t!("aws_vpc_endpoint_route_table_association", VpcEndpoint, ["route_table_id", "vpc_endpoint_id"]),
    // AWS Network Firewall (docs/semantics.md §1.9): one endpoint per subnet mapping, read from
    // `firewall_status`; the policy and its rule groups are read, not evaluated.
    t!(
        "aws_networkfirewall_firewall",
        VpcEndpoint,
        ["arn", "name", "vpc_id", "subnet_mapping", "firewall_status", "firewall_policy_arn", "region"],
        plays[Firewall]
    ),
    t!("aws_networkfirewall_firewall_policy", VpcEndpoint, ["arn", "name", "region"], plays[FirewallPolicy]),
    t!("aws_networkfirewall_rule_group", VpcEndpoint, ["arn", "name", "type", "region"]),
    t!("aws_vpc_endpoint_subnet_association", VpcEndpoint, ["subnet_id", "vpc_endpoint_id"]),
    t!(
        "aws_vpc_endpoint_security_group_association",
        VpcEndpoint,
        ["security_group_id", "vpc_endpoint_id", "replace_default_association"]
    ),
    t!(
        "aws_ec2_managed_prefix_list",
        PrefixList,
        ["name", "address_family", "max_entries", "entry"],
        plays[PrefixList]
    ),
    t!("aws_ec2_managed_prefix_list_entry", PrefixList, ["prefix_list_id", "cidr"]),
    t!(
        "aws_security_group",
        SecurityGroup,
        ["arn", "vpc_id", "name", "ingress", "egress", "tags"],
        plays[SecurityGroup]
    ),
    t!(
        "aws_default_security_group",
        SecurityGroup,
        ["arn", "vpc_id", "name", "ingress", "egress", "tags"],
        plays[SecurityGroup]
    ),
    t!(
        "aws_security_group_rule",
        SecurityGroupRule,
        [
            "type",
            "security_group_id",
            "source_security_group_id",
            "self",
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "prefix_list_ids",
            "from_port",
            "to_port",
            "protocol"
        ]
    ),
    t!(
        "aws_vpc_security_group_ingress_rule",
        SecurityGroupRule,
        [
            "security_group_id",
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_id",
            "referenced_security_group_id",
            "ip_protocol",
            "from_port",
            "to_port"
        ]
    ),
    t!(
        "aws_vpc_security_group_egress_rule",
        SecurityGroupRule,
        [
            "security_group_id",
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_id",
            "referenced_security_group_id",
            "ip_protocol",
            "from_port",
            "to_port"
        ]
    ),
    t!("aws_network_acl", NetworkAcl, ["vpc_id", "subnet_ids", "ingress", "egress", "tags"], plays[NetworkAcl]),
    t!(
        "aws_default_network_acl",
        NetworkAcl,
        ["default_network_acl_id", "vpc_id", "subnet_ids", "ingress", "egress", "tags"],
        plays[NetworkAcl]
    ),
    t!(
        "aws_network_acl_rule",
        NetworkAclRule,
        [
            "network_acl_id",
            "rule_number",
            "egress",
            "protocol",
            "rule_action",
            "cidr_block",
            "ipv6_cidr_block",
            "from_port",
            "to_port",
            "icmp_type",
            "icmp_code"
        ]
    ),
    t!("aws_network_acl_association", NetworkAclRule, ["network_acl_id", "subnet_id"]),
    t!(
        "aws_network_interface",
        NetworkInterface,
        [
            "subnet_id",
            "security_groups",
            "private_ip",
            "private_ips",
            "private_ip_list",
            "ipv6_addresses",
            "source_dest_check",
            "attachment",
            "interface_type"
        ], plays [Eni, NetworkInterface, LbTarget]),
    t!("aws_network_interface_sg_attachment", NetworkInterface, ["security_group_id", "network_interface_id"]),
    t!("aws_network_interface_attachment", NetworkInterface, ["instance_id", "network_interface_id", "device_index"]),
    t!(
        "aws_instance",
        Workload,
        [
            "subnet_id",
            "vpc_security_group_ids",
            "security_groups",
            "associate_public_ip_address",
            "public_ip",
            "private_ip",
            "source_dest_check",
            "network_interface",
            "primary_network_interface_id",
            "availability_zone",
            "ipv6_addresses",
            "ipv6_address_count",
            "secondary_private_ips",
            "ami",
            "instance_type",
            "get_password_data",
            "launch_template",
            "tags"
        ], plays [Eni, Instance, LbTarget]),
    t!(
        "aws_lb",
        Workload,
        [
            "arn",
            "name",
            "load_balancer_type",
            "internal",
            "subnets",
            "subnet_mapping",
            "security_groups",
            "ip_address_type",
            "enable_cross_zone_load_balancing",
            "tags"
        ], plays [LoadBalancer, LbTarget]),
    t!(
        "aws_alb",
        Workload,
        [
            "arn",
            "name",
            "load_balancer_type",
            "internal",
            "subnets",
            "subnet_mapping",
            "security_groups",
            "ip_address_type",
            "tags"
        ], plays [LoadBalancer, LbTarget]),
    t!(
        "aws_lb_listener",
        LoadBalancerPart,
        ["arn", "load_balancer_arn", "port", "protocol", "default_action"],
        plays[Listener]
    ),
    t!(
        "aws_alb_listener",
        LoadBalancerPart,
        ["arn", "load_balancer_arn", "port", "protocol", "default_action"],
        plays[Listener]
    ),
    t!("aws_lb_listener_rule", LoadBalancerPart, ["listener_arn", "action", "priority"]),
    t!(
        "aws_lb_target_group",
        LoadBalancerPart,
        ["arn", "name", "port", "protocol", "target_type", "vpc_id", "health_check", "preserve_client_ip"],
        plays[TargetGroup]
    ),
    t!(
        "aws_alb_target_group",
        LoadBalancerPart,
        ["arn", "name", "port", "protocol", "target_type", "vpc_id", "health_check", "preserve_client_ip"],
        plays[TargetGroup]
    ),
    t!(
        "aws_lb_target_group_attachment",
        LoadBalancerPart,
        ["target_group_arn", "target_id", "port", "availability_zone"]
    ),
    t!(
        "aws_alb_target_group_attachment",
        LoadBalancerPart,
        ["target_group_arn", "target_id", "port", "availability_zone"]
    ),
    t!("aws_autoscaling_attachment", LoadBalancerPart, ["lb_target_group_arn", "autoscaling_group_name", "elb"]),
    t!(
        "aws_elb",
        Workload,
        [
            "name",
            "subnets",
            "security_groups",
            "internal",
            "instances",
            "listener",
            "health_check",
            "availability_zones",
            "source_security_group_id",
            "tags"
        ],
        plays[LoadBalancer]
    ),
    t!("aws_lambda_function", Workload, ["function_name", "vpc_config"], plays[LbTarget]),
    t!(
        "aws_db_instance",
        Workload,
        [
            "identifier",
            "db_subnet_group_name",
            "vpc_security_group_ids",
            "publicly_accessible",
            "port",
            "availability_zone",
            "multi_az",
            "engine",
            "address",
            "replicate_source_db"
        ]
    ),
    t!(
        "aws_rds_cluster",
        Workload,
        [
            "cluster_identifier",
            "db_subnet_group_name",
            "vpc_security_group_ids",
            "port",
            "engine",
            "availability_zones"
        ]
    ),
    t!("aws_db_subnet_group", Placement, ["name", "subnet_ids"]),
    t!("aws_vpn_gateway", Vpn, ["vpc_id", "amazon_side_asn", "availability_zone", "tags"], plays [VpnGateway, EdgeGateway, RouteGateway]),
    t!("aws_vpn_gateway_attachment", Vpn, ["vpc_id", "vpn_gateway_id"], plays[RouteGateway]),
    t!("aws_vpn_gateway_route_propagation", Vpn, ["vpn_gateway_id", "route_table_id"]),
    t!("aws_customer_gateway", Vpn, ["ip_address", "bgp_asn", "type", "tags"], plays[CustomerGateway]),
    t!(
        "aws_vpn_connection",
        Vpn,
        [
            "vpn_gateway_id",
            "transit_gateway_id",
            "customer_gateway_id",
            "static_routes_only",
            "type",
            "transit_gateway_attachment_id",
            "local_ipv4_network_cidr",
            "remote_ipv4_network_cidr",
            "routes"
        ], plays [VpnConnection, TgwAttachment]),
    t!("aws_vpn_connection_route", Vpn, ["vpn_connection_id", "destination_cidr_block"]),
    // Placement data of generic workloads.
    t!(
        "aws_launch_template",
        Placement,
        ["name", "vpc_security_group_ids", "security_group_names", "network_interfaces"],
        plays[LaunchTemplate]
    ),
    t!(
        "aws_launch_configuration",
        Placement,
        ["name", "security_groups", "associate_public_ip_address"],
        plays[LaunchTemplate]
    ),
    t!("aws_elasticache_subnet_group", Placement, ["name", "subnet_ids"]),
    t!("aws_redshift_subnet_group", Placement, ["name", "subnet_ids"]),
    t!("aws_docdb_subnet_group", Placement, ["name", "subnet_ids"]),
    t!("aws_neptune_subnet_group", Placement, ["name", "subnet_ids"]),
    t!("aws_memorydb_subnet_group", Placement, ["name", "subnet_ids"]),
    t!("aws_dms_replication_subnet_group", Placement, ["replication_subnet_group_id", "subnet_ids"]),
    // Generic workloads: ENIs with security groups in subnets.
    t!(
        "aws_eks_cluster",
        Workload,
        ["name", "vpc_config"],
        WorkloadSpec::new(
            &["vpc_config.subnet_ids"],
            &["vpc_config.security_group_ids", "vpc_config.cluster_security_group_id"]
        )
    ),
    t!(
        "aws_eks_node_group",
        Workload,
        ["subnet_ids", "launch_template"],
        WorkloadSpec::new(&["subnet_ids"], &[]).launch_template("launch_template.id")
    ),
    t!("aws_eks_fargate_profile", Workload, ["subnet_ids"], WorkloadSpec::new(&["subnet_ids"], &[])),
    t!(
        "aws_autoscaling_group",
        Workload,
        [
            "vpc_zone_identifier",
            "launch_template",
            "mixed_instances_policy",
            "launch_configuration",
            "target_group_arns"
        ],
        WorkloadSpec::new(&["vpc_zone_identifier"], &[]).launch_template("launch_template.id")
    ),
    t!(
        "aws_ecs_service",
        Workload,
        ["network_configuration", "load_balancer"],
        WorkloadSpec::new(&["network_configuration.subnets"], &["network_configuration.security_groups"])
            .public_ip("network_configuration.assign_public_ip")
            .client_ports(32768, 60999)
    ),
    t!(
        "aws_elasticache_cluster",
        Workload,
        ["subnet_group_name", "security_group_ids", "port"],
        WorkloadSpec::new(&[], &["security_group_ids"])
            .subnet_group("subnet_group_name", "aws_elasticache_subnet_group")
    ),
    t!(
        "aws_elasticache_replication_group",
        Workload,
        ["subnet_group_name", "security_group_ids", "port"],
        WorkloadSpec::new(&[], &["security_group_ids"])
            .subnet_group("subnet_group_name", "aws_elasticache_subnet_group")
    ),
    t!(
        "aws_elasticache_serverless_cache",
        Workload,
        ["subnet_ids", "security_group_ids"],
        WorkloadSpec::new(&["subnet_ids"], &["security_group_ids"])
    ),
    t!(
        "aws_efs_mount_target",
        Workload,
        ["subnet_id", "security_groups", "ip_address"],
        WorkloadSpec::new(&["subnet_id"], &["security_groups"])
    ),
    t!(
        "aws_msk_cluster",
        Workload,
        ["broker_node_group_info"],
        WorkloadSpec::new(&["broker_node_group_info.client_subnets"], &["broker_node_group_info.security_groups"])
    ),
    t!(
        "aws_mq_broker",
        Workload,
        ["subnet_ids", "security_groups", "publicly_accessible"],
        WorkloadSpec::new(&["subnet_ids"], &["security_groups"]).public_ip("publicly_accessible")
    ),
    t!(
        "aws_opensearch_domain",
        Workload,
        ["vpc_options"],
        WorkloadSpec::new(&["vpc_options.subnet_ids"], &["vpc_options.security_group_ids"])
    ),
    t!(
        "aws_elasticsearch_domain",
        Workload,
        ["vpc_options"],
        WorkloadSpec::new(&["vpc_options.subnet_ids"], &["vpc_options.security_group_ids"])
    ),
    t!(
        "aws_redshift_cluster",
        Workload,
        ["cluster_subnet_group_name", "vpc_security_group_ids", "publicly_accessible", "port"],
        WorkloadSpec::new(&[], &["vpc_security_group_ids"])
            .public_ip("publicly_accessible")
            .subnet_group("cluster_subnet_group_name", "aws_redshift_subnet_group")
    ),
    t!(
        "aws_docdb_cluster",
        Workload,
        ["db_subnet_group_name", "vpc_security_group_ids", "port"],
        WorkloadSpec::new(&[], &["vpc_security_group_ids"])
            .subnet_group("db_subnet_group_name", "aws_docdb_subnet_group")
    ),
    t!(
        "aws_neptune_cluster",
        Workload,
        ["neptune_subnet_group_name", "vpc_security_group_ids", "port"],
        WorkloadSpec::new(&[], &["vpc_security_group_ids"])
            .subnet_group("neptune_subnet_group_name", "aws_neptune_subnet_group")
    ),
    t!(
        "aws_memorydb_cluster",
        Workload,
        ["subnet_group_name", "security_group_ids", "port"],
        WorkloadSpec::new(&[], &["security_group_ids"]).subnet_group("subnet_group_name", "aws_memorydb_subnet_group")
    ),
    t!(
        "aws_dms_replication_instance",
        Workload,
        ["replication_subnet_group_id", "vpc_security_group_ids", "publicly_accessible"],
        WorkloadSpec::new(&[], &["vpc_security_group_ids"])
            .public_ip("publicly_accessible")
            .subnet_group("replication_subnet_group_id", "aws_dms_replication_subnet_group")
    ),
    t!(
        "aws_batch_compute_environment",
        Workload,
        ["compute_resources"],
        WorkloadSpec::new(&["compute_resources.subnets"], &["compute_resources.security_group_ids"])
    ),
    t!(
        "aws_sagemaker_notebook_instance",
        Workload,
        ["subnet_id", "security_groups"],
        WorkloadSpec::new(&["subnet_id"], &["security_groups"])
    ),
    t!(
        "aws_fsx_lustre_file_system",
        Workload,
        ["subnet_ids", "security_group_ids"],
        WorkloadSpec::new(&["subnet_ids"], &["security_group_ids"])
    ),
    t!(
        "aws_fsx_windows_file_system",
        Workload,
        ["subnet_ids", "security_group_ids"],
        WorkloadSpec::new(&["subnet_ids"], &["security_group_ids"])
    ),
    t!(
        "aws_fsx_ontap_file_system",
        Workload,
        ["subnet_ids", "security_group_ids"],
        WorkloadSpec::new(&["subnet_ids"], &["security_group_ids"])
    ),
    t!(
        "aws_fsx_openzfs_file_system",
        Workload,
        ["subnet_ids", "security_group_ids"],
        WorkloadSpec::new(&["subnet_ids"], &["security_group_ids"])
    ),
    t!(
        "aws_codebuild_project",
        Workload,
        ["vpc_config"],
        WorkloadSpec::new(&["vpc_config.subnets"], &["vpc_config.security_group_ids"])
    ),
    t!(
        "aws_apprunner_vpc_connector",
        Workload,
        ["subnets", "security_groups"],
        WorkloadSpec::new(&["subnets"], &["security_groups"])
    ),
    t!(
        "aws_mwaa_environment",
        Workload,
        ["network_configuration"],
        WorkloadSpec::new(&["network_configuration.subnet_ids"], &["network_configuration.security_group_ids"])
    ),
    t!(
        "aws_route53_resolver_endpoint",
        Workload,
        ["ip_address", "security_group_ids", "direction"],
        WorkloadSpec::new(&["ip_address.subnet_id"], &["security_group_ids"])
    ),
    t!(
        "aws_directory_service_directory",
        Workload,
        ["vpc_settings", "connect_settings", "security_group_id"],
        WorkloadSpec::new(&["vpc_settings.subnet_ids", "connect_settings.subnet_ids"], &["security_group_id"])
    ),
    t!(
        "aws_emr_cluster",
        Workload,
        ["ec2_attributes"],
        WorkloadSpec::new(
            &["ec2_attributes.subnet_id", "ec2_attributes.subnet_ids"],
            &[
                "ec2_attributes.emr_managed_master_security_group",
                "ec2_attributes.emr_managed_slave_security_group",
                "ec2_attributes.additional_master_security_groups"
            ]
        )
    ),
    t!(
        "aws_transfer_server",
        Workload,
        ["endpoint_details", "endpoint_type"],
        WorkloadSpec::new(&["endpoint_details.subnet_ids"], &["endpoint_details.security_group_ids"])
    ),
    t!("aws_globalaccelerator_endpoint_group", LoadBalancerPart, ["endpoint_configuration"]),
];

/// Data source types whose known values are model data.
pub(crate) const DATA: &[TypeInfo] = &[
    TypeInfo { name: "aws_vpc", family: Family::Vpc, attrs: DATA_VPC_ATTRS, plays: &[], workload: None },
    t!(
        "aws_subnet",
        Subnet,
        [
            "arn",
            "vpc_id",
            "cidr_block",
            "ipv6_cidr_block",
            "availability_zone",
            "availability_zone_id",
            "map_public_ip_on_launch",
            "default_for_az"
        ]
    ),
    t!("aws_subnets", Subnet, ["ids", "filter"]),
    t!("aws_subnet_ids", Subnet, ["ids", "vpc_id"]),
    t!("aws_route_table", RouteTable, ["vpc_id", "routes", "associations", "route_table_id", "subnet_id"]),
    t!("aws_internet_gateway", InternetGateway, ["attachments", "internet_gateway_id"]),
    t!("aws_nat_gateway", NatGateway, ["subnet_id", "vpc_id", "connectivity_type", "public_ip", "private_ip"]),
    t!("aws_security_group", SecurityGroup, ["vpc_id", "name", "arn"]),
    t!("aws_security_groups", SecurityGroup, ["ids", "vpc_ids"]),
    t!(
        "aws_ec2_transit_gateway",
        TransitGateway,
        [
            "arn",
            "default_route_table_association",
            "default_route_table_propagation",
            "association_default_route_table_id",
            "propagation_default_route_table_id"
        ]
    ),
    t!(
        "aws_vpc_peering_connection",
        PeeringConnection,
        ["vpc_id", "peer_vpc_id", "peer_region", "status", "cidr_block", "peer_cidr_block"]
    ),
    t!("aws_prefix_list", PrefixList, ["name", "cidr_blocks", "prefix_list_id"], plays[PrefixList]),
    t!("aws_ec2_managed_prefix_list", PrefixList, ["name", "entries", "address_family"]),
    t!(
        "aws_vpc_endpoint",
        VpcEndpoint,
        ["vpc_id", "service_name", "vpc_endpoint_type", "route_table_ids", "subnet_ids", "prefix_list_id"]
    ),
    t!("aws_availability_zones", Subnet, ["names", "zone_ids"]),
    t!("aws_region", Vpc, ["name", "region", "endpoint"]),
    t!(
        "aws_network_interface",
        NetworkInterface,
        ["subnet_id", "security_groups", "private_ip", "private_ips", "vpc_id"]
    ),
    t!(
        "aws_instance",
        Workload,
        ["subnet_id", "vpc_security_group_ids", "public_ip", "private_ip", "availability_zone"]
    ),
];

/// AWS types that touch the network but that tfvpc does not model yet: reported as
/// "present but not modelled" so a user knows the analysis does not cover them.
pub(crate) const NOT_MODELLED_NETWORK: &[&str] = &[
    "aws_ec2_client_vpn_endpoint",
    "aws_ec2_client_vpn_network_association",
    "aws_ec2_client_vpn_route",
    "aws_ec2_client_vpn_authorization_rule",
    "aws_ec2_carrier_gateway",
    "aws_ec2_local_gateway_route",
    "aws_ec2_local_gateway_route_table_vpc_association",
    "aws_ec2_transit_gateway_connect",
    "aws_ec2_transit_gateway_connect_peer",
    "aws_ec2_transit_gateway_multicast_domain",
    "aws_ec2_transit_gateway_prefix_list_reference",
    "aws_ec2_transit_gateway_policy_table",
    "aws_ec2_transit_gateway_route_table_announcement",
    "aws_dx_gateway",
    "aws_dx_gateway_association",
    "aws_dx_private_virtual_interface",
    "aws_dx_transit_virtual_interface",
    "aws_networkmanager_core_network",
    "aws_networkmanager_vpc_attachment",
    "aws_vpc_endpoint_service",
    "aws_vpc_endpoint_connection_accepter",
    "aws_vpclattice_service_network",
    "aws_vpclattice_service_network_vpc_association",
    "aws_globalaccelerator_accelerator",
    "aws_route53_resolver_firewall_rule_group_association",
    "aws_vpc_ipam",
    "aws_vpc_ipam_pool",
    "aws_vpc_block_public_access_options",
    "aws_vpc_block_public_access_exclusion",
    "aws_ec2_traffic_mirror_session",
    "aws_ec2_subnet_cidr_reservation",
    "aws_ram_resource_share",
    "aws_ram_resource_association",
    "aws_vpc_dhcp_options_association",
    "aws_flow_log",
];

/// Attributes that reveal an AWS resource of an unlisted type is attached to the network; such a
/// resource is counted as present but not modelled.
pub(crate) const NETWORK_HINT_ATTRS: &[&str] = &[
    "vpc_id",
    "subnet_id",
    "subnet_ids",
    "security_group_ids",
    "vpc_security_group_ids",
    "vpc_config",
    "vpc_options",
    "network_configuration",
];

/// Looks up a managed resource type.
pub(crate) fn managed(rtype: &str) -> Option<&'static TypeInfo> {
    MANAGED.iter().find(|t| t.name == rtype)
}

/// The types that play `role`, managed and data source types alike (a link may name either), in
/// table order.
pub(crate) fn types_of(role: Role) -> &'static [&'static str] {
    static BY_ROLE: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
        Role::ALL
            .iter()
            .map(|role| {
                let mut names: Vec<&'static str> = Vec::new();
                for t in MANAGED.iter().chain(DATA) {
                    if t.plays.contains(role) && !names.contains(&t.name) {
                        names.push(t.name);
                    }
                }
                names
            })
            .collect()
    });
    BY_ROLE.get(role as usize).map_or(&[], Vec::as_slice)
}

/// The top-level attributes ingest keeps for a resource: its type's list, the network hint
/// attributes for a managed AWS type the catalog does not list, nothing for other types. Any
/// other attribute of such a resource reads as absent.
pub(crate) fn kept_attrs(mode: Mode, rtype: &str) -> &'static [&'static str] {
    match mode {
        Mode::Managed => match managed(rtype) {
            Some(t) => t.attrs,
            None if provider_of_type(rtype) == "aws" => NETWORK_HINT_ATTRS,
            None => &[],
        },
        Mode::Data => data(rtype).map_or(&[], |t| t.attrs),
    }
}

/// Looks up a data source type.
pub(crate) fn data(rtype: &str) -> Option<&'static TypeInfo> {
    DATA.iter().find(|t| t.name == rtype)
}

/// All route target attribute names, in the order tfvpc checks them.
pub(crate) fn route_targets() -> &'static [&'static str] {
    ROUTE_TARGETS
}

/// The provider a resource type belongs to (`aws`, `google`, `kubernetes`): the prefix before
/// the first underscore.
pub(crate) fn provider_of_type(rtype: &str) -> &str {
    rtype.split('_').next().unwrap_or(rtype)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_unique_and_keep_the_id() {
        let mut seen = std::collections::BTreeSet::new();
        for t in MANAGED {
            assert!(seen.insert(t.name), "duplicate {}", t.name);
            assert!(t.attrs.contains(&"id"), "{} must keep id", t.name);
            if let Some(w) = &t.workload {
                for path in w.subnets.iter().chain(w.security_groups) {
                    let top = path.split('.').next().unwrap();
                    assert!(t.attrs.contains(&top), "{}: {path} not kept", t.name);
                }
            }
        }
        for name in NOT_MODELLED_NETWORK {
            assert!(managed(name).is_none(), "{name} is modelled and listed as not modelled");
        }
    }

    #[test]
    fn every_role_is_played_and_declared_once_per_type() {
        for (i, role) in Role::ALL.iter().enumerate() {
            assert_eq!(*role as usize, i, "Role::ALL is out of order at {role:?}");
            // An empty list would mean "any type" to the linker.
            assert!(!types_of(*role).is_empty(), "no type plays {role:?}");
        }
        for t in DATA {
            if let Some(m) = managed(t.name) {
                assert!(t.plays.is_empty() || t.plays == m.plays, "{}: declare its roles on the managed entry", t.name);
            }
        }
        assert_eq!(types_of(Role::Vpc), ["aws_vpc", "aws_default_vpc"]);
        assert!(types_of(Role::PrefixList).contains(&"aws_prefix_list"), "data-only types play roles too");
    }
}
