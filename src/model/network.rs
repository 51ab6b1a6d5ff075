//! The network of one input: every resource instance in one arena, keyed by address, with typed
//! objects and links between them.

use std::collections::{BTreeMap, HashMap};

use super::objects::Object;
use super::{ResourceAddr, Val};
use crate::catalog::Family;
use crate::ingest::{Action, DocKind};

/// Index of a resource in [`Network::resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResId(pub u32);

impl ResId {
    /// The arena index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a resource comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A managed resource of the input, present after apply, with what the plan does to it.
    Managed(Action),
    /// A managed resource the plan destroys and does not re-create: remembered, not present.
    Deleted,
    /// A data source: something that exists outside this configuration, described by the input.
    Data,
    /// Created by AWS with its parent and not managed here: a VPC's main route table, default
    /// network ACL and default security group, a transit gateway's default route table.
    Implicit,
}

/// How a link between two resources was found. Public: the `provenance` of graph edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provenance {
    /// A known AWS id matched the target's id.
    Id,
    /// The configuration's `references` named the target.
    Reference,
    /// Structure decided: same `count`/`for_each` key, the module's only VPC, the VPC whose CIDR
    /// holds the subnet.
    Inferred,
    /// The target is a data source.
    Data,
}

impl Provenance {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Id => "id",
            Provenance::Reference => "reference",
            Provenance::Inferred => "inferred",
            Provenance::Data => "data",
        }
    }
}

/// A link from one attribute to another resource.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Link {
    /// Resolved to a resource of the input (or an implicit one).
    To(ResId, Provenance),
    /// Points outside the input: a literal id of another stack, a variable, an existing resource.
    External(Option<String>),
    /// Points at a resource this plan destroys and does not re-create.
    Missing(ResId),
    /// Could not be decided (unknown id, ambiguous references, a local value).
    Unknown(String),
    /// Not set.
    #[default]
    Absent,
}

impl Link {
    /// The linked resource, if resolved.
    pub fn res(&self) -> Option<ResId> {
        match self {
            Link::To(r, _) => Some(*r),
            _ => None,
        }
    }

    /// True when set but undecidable.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Link::Unknown(_))
    }
}

/// A list-valued link (`subnet_ids`, `security_group_ids`): known list of links, or unknown.
pub type Links = Val<Vec<Link>>;

/// One resource instance.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The Terraform address. For implicit resources, the parent's address.
    pub addr: ResourceAddr,
    /// The name shown to users and used as graph node id: the address, or for implicit
    /// resources `<parent address>:<what>` (`aws_vpc.main:main_route_table`).
    pub name: String,
    /// Terraform type (`aws_subnet`); for implicit resources the type that would adopt them.
    pub rtype: String,
    /// Family.
    pub family: Family,
    /// Origin.
    pub origin: Origin,
    /// AWS id after apply.
    pub id: Val<String>,
    /// AWS id before apply (update, delete, replace plans), to match literal ids.
    pub before_id: Option<String>,
    /// AWS region, when known (provider configuration, ARN or AZ).
    pub region: Option<String>,
    /// The typed object.
    pub obj: Object,
}

impl Resource {
    /// True when the resource exists after apply (not deleted).
    pub fn present(&self) -> bool {
        self.origin != Origin::Deleted
    }

    /// True for data sources.
    pub fn is_data(&self) -> bool {
        self.origin == Origin::Data
    }
}

/// A link recorded for the graph and the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecord {
    /// From.
    pub from: ResId,
    /// The attribute it comes from (`vpc_id`, `route[1].nat_gateway_id`).
    pub attr: String,
    /// The link.
    pub link: Link,
}

/// Counts of what the model holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// VPC instances present after apply (aws_default_vpc included).
    pub vpcs: usize,
    /// Subnets.
    pub subnets: usize,
    /// Route tables (aws_default_route_table included).
    pub route_tables: usize,
    /// Internet gateways.
    pub internet_gateways: usize,
    /// Egress-only internet gateways.
    pub egress_only_internet_gateways: usize,
    /// NAT gateways.
    pub nat_gateways: usize,
    /// VPC peering connections.
    pub peering_connections: usize,
    /// Transit gateways.
    pub transit_gateways: usize,
    /// Transit gateway attachments (VPC and peering).
    pub transit_gateway_attachments: usize,
    /// VPC endpoints.
    pub vpc_endpoints: usize,
    /// Security groups (aws_default_security_group included).
    pub security_groups: usize,
    /// Network ACLs (aws_default_network_acl included).
    pub network_acls: usize,
    /// Standalone network interfaces.
    pub network_interfaces: usize,
    /// VPN gateways and connections.
    pub vpn_gateways: usize,
    /// Instances, load balancers, Lambda functions in a VPC, databases and other workloads.
    pub workloads: usize,
    /// Links that could not be decided.
    pub links_unknown: usize,
    /// Links to things outside the input.
    pub external_references: usize,
    /// AWS resources that touch the network but are not modelled, by type.
    pub not_modelled: BTreeMap<String, usize>,
    /// Resources of other providers, by provider (not an error).
    pub other_providers: BTreeMap<String, usize>,
    /// Resources this plan destroys.
    pub deleted: usize,
}

/// The modelled network of one input.
#[derive(Debug, Clone)]
pub struct Network {
    /// The input's name, as the user gave it.
    pub input: String,
    /// What kind of document it came from.
    pub kind: DocKind,
    /// Every resource instance, sorted by address (implicit resources after their parent).
    pub resources: Vec<Resource>,
    /// Links, for the graph and the summary.
    pub links: Vec<LinkRecord>,
    /// Notes about the input (partial plan, ambiguous adoption…), for `--verbose` and warnings.
    pub warnings: Vec<String>,
    /// Not-modelled network types by count.
    pub not_modelled: BTreeMap<String, usize>,
    /// Other providers' resource counts.
    pub other_providers: BTreeMap<String, usize>,
    pub(crate) by_name: HashMap<String, ResId>,
}

impl Network {
    /// A resource by index.
    pub fn res(&self, id: ResId) -> &Resource {
        &self.resources[id.index()]
    }

    /// Looks up a resource by its name (address, or implicit name).
    pub fn find(&self, name: &str) -> Option<ResId> {
        self.by_name.get(name).copied()
    }

    /// All resource ids.
    pub fn ids(&self) -> impl Iterator<Item = ResId> + '_ {
        (0..self.resources.len()).map(|i| ResId(i as u32))
    }

    /// Resources present after apply.
    pub fn present(&self) -> impl Iterator<Item = (ResId, &Resource)> + '_ {
        self.resources.iter().enumerate().filter(|(_, r)| r.present()).map(|(i, r)| (ResId(i as u32), r))
    }

    /// The name of a resource.
    pub fn name(&self, id: ResId) -> &str {
        &self.resources[id.index()].name
    }

    /// Counts per family, links unknown, external references, not-modelled types.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for r in &self.resources {
            if r.origin == Origin::Deleted {
                s.deleted += 1;
                continue;
            }
            if !matches!(r.origin, Origin::Managed(_)) {
                continue;
            }
            match r.family {
                Family::Vpc => s.vpcs += 1,
                Family::Subnet => s.subnets += 1,
                Family::RouteTable => s.route_tables += 1,
                Family::InternetGateway if r.rtype == "aws_internet_gateway" => s.internet_gateways += 1,
                Family::EgressOnlyInternetGateway => s.egress_only_internet_gateways += 1,
                Family::NatGateway => s.nat_gateways += 1,
                Family::PeeringConnection if r.rtype == "aws_vpc_peering_connection" => s.peering_connections += 1,
                Family::TransitGateway => s.transit_gateways += 1,
                Family::TransitGatewayAttachment if !r.rtype.ends_with("_accepter") => {
                    s.transit_gateway_attachments += 1
                }
                Family::VpcEndpoint if r.rtype == "aws_vpc_endpoint" => s.vpc_endpoints += 1,
                Family::SecurityGroup => s.security_groups += 1,
                Family::NetworkAcl => s.network_acls += 1,
                Family::NetworkInterface if r.rtype == "aws_network_interface" => s.network_interfaces += 1,
                Family::Vpn if r.rtype == "aws_vpn_gateway" => s.vpn_gateways += 1,
                Family::Workload if r.obj.is_workload_in_vpc() => s.workloads += 1,
                _ => {}
            }
        }
        for l in &self.links {
            match l.link {
                Link::Unknown(_) => s.links_unknown += 1,
                Link::External(_) => s.external_references += 1,
                _ => {}
            }
        }
        s.not_modelled = self.not_modelled.clone();
        s.other_providers = self.other_providers.clone();
        s
    }
}
