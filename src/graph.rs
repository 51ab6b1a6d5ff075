//! The network as a graph (petgraph): who is in which VPC and subnet, attached to, associated
//! with, routed to, peered with and protected by whom. Built from the model's links, plus the
//! associations `lower` derived (the route table and network ACL each subnet uses, adoption of
//! defaults). Every edge keeps the provenance of the link it came from.

use petgraph::graph::DiGraph;
use serde::Serialize;

use crate::catalog::Family;
use crate::model::{Link, Network, Object, Origin, Provenance, ResId, Val};

/// What an edge means. Public: the `kind` of `tfvpc graph --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A resource lives in a VPC.
    InVpc,
    /// A resource places an ENI (or is placed) in a subnet.
    InSubnet,
    /// An association: subnet or gateway with a route table, NACL with a subnet, endpoint with a
    /// route table, TGW attachment with a TGW route table.
    Associated,
    /// A route (VPC or TGW) sends traffic to a target.
    RoutesTo,
    /// A gateway or attachment is attached to a VPC or transit gateway.
    Attached,
    /// A peering connection joins a VPC.
    Peers,
    /// A security group protects a resource.
    Protects,
    /// Something uses another resource (a NAT its EIP, a load balancer listener its target
    /// group, a rule its prefix list).
    Uses,
    /// An `aws_default_*` resource adopts what AWS created with the VPC.
    Adopts,
    /// A resource is a part of another (a separate route or rule of its table, group or ACL).
    PartOf,
}

impl EdgeKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::InVpc => "in_vpc",
            EdgeKind::InSubnet => "in_subnet",
            EdgeKind::Associated => "associated",
            EdgeKind::RoutesTo => "routes_to",
            EdgeKind::Attached => "attached",
            EdgeKind::Peers => "peers",
            EdgeKind::Protects => "protects",
            EdgeKind::Uses => "uses",
            EdgeKind::Adopts => "adopts",
            EdgeKind::PartOf => "part_of",
        }
    }
}

/// One edge's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// Meaning.
    pub kind: EdgeKind,
    /// How the underlying link was found.
    pub provenance: Provenance,
}

/// The graph of one network: nodes are resources present after apply (implicit ones included).
#[derive(Debug, Clone)]
pub struct NetGraph {
    /// The petgraph graph; node weights are resource ids.
    pub graph: DiGraph<ResId, Edge>,
}

/// Which edge kind a link attribute makes, and whether the edge runs from the target to the
/// resource (security groups protect what names them).
fn kind_of(net: &Network, from: ResId, attr: &str, to: ResId) -> (EdgeKind, bool) {
    let leaf = attr.rsplit('.').next().unwrap_or(attr);
    let to_family = net.res(to).family;
    let from_family = net.res(from).family;
    let routes = matches!(from_family, Family::RouteTable | Family::Route) && attr.contains("route")
        || (from_family == Family::Route && leaf != "route_table_id");
    match leaf {
        _ if to_family == Family::SecurityGroup
            && matches!(
                from_family,
                Family::Workload | Family::NetworkInterface | Family::VpcEndpoint | Family::Placement
            ) =>
        {
            (EdgeKind::Protects, true)
        }
        "vpc_id"
            if matches!(from_family, Family::InternetGateway | Family::EgressOnlyInternetGateway | Family::Vpn) =>
        {
            (EdgeKind::Attached, false)
        }
        "vpc_id" | "peer_vpc_id" if from_family == Family::PeeringConnection => (EdgeKind::Peers, false),
        "vpc_id" if from_family == Family::TransitGatewayAttachment => (EdgeKind::Attached, false),
        "vpc_id" => (EdgeKind::InVpc, false),
        "transit_gateway_id" | "peer_transit_gateway_id" if from_family == Family::TransitGatewayAttachment => {
            (EdgeKind::Attached, false)
        }
        "internet_gateway_id" | "vpn_gateway_id" if matches!(from_family, Family::InternetGateway | Family::Vpn) => {
            (EdgeKind::Attached, false)
        }
        "default_route_table_id" | "default_network_acl_id" => (EdgeKind::Adopts, false),
        _ if routes && from_family == Family::Route && leaf == "route_table_id" => (EdgeKind::PartOf, false),
        _ if routes => (EdgeKind::RoutesTo, false),
        "route_table_id" if from_family == Family::Route => (EdgeKind::PartOf, false),
        "route_table_id" | "network_acl_id" | "transit_gateway_route_table_id" | "route_table_ids" => {
            if matches!(from_family, Family::SecurityGroupRule | Family::NetworkAclRule)
                && leaf == "network_acl_id"
                && net.res(from).rtype == "aws_network_acl_rule"
            {
                (EdgeKind::PartOf, false)
            } else {
                (EdgeKind::Associated, false)
            }
        }
        "transit_gateway_attachment_id" if net.res(from).rtype == "aws_ec2_transit_gateway_route" => {
            (EdgeKind::RoutesTo, false)
        }
        "transit_gateway_attachment_id" => (EdgeKind::Associated, false),
        "security_group_id" if from_family == Family::SecurityGroupRule => (EdgeKind::PartOf, false),
        "prefix_list_id" if net.res(from).rtype == "aws_ec2_managed_prefix_list_entry" => (EdgeKind::PartOf, false),
        "subnet_id"
        | "subnet_ids"
        | "subnets"
        | "client_subnets"
        | "vpc_zone_identifier"
        | "db_subnet_group_name"
        | "subnet_group_name" => {
            if matches!(from_family, Family::NetworkAcl | Family::NetworkAclRule | Family::RouteTableAssociation) {
                (EdgeKind::Associated, false)
            } else {
                (EdgeKind::InSubnet, false)
            }
        }
        _ => (EdgeKind::Uses, false),
    }
}

impl NetGraph {
    /// Builds the graph of a network.
    pub fn build(net: &Network) -> NetGraph {
        let mut graph = DiGraph::new();
        let mut node_of = vec![None; net.resources.len()];
        for (id, r) in net.present() {
            if r.origin == Origin::Implicit && implicit_unused(net, id) {
                continue;
            }
            node_of[id.index()] = Some(graph.add_node(id));
        }
        let mut edges: Vec<(ResId, ResId, Edge)> = Vec::new();
        for l in &net.links {
            let Link::To(to, provenance) = l.link else { continue };
            let (kind, reversed) = kind_of(net, l.from, &l.attr, to);
            let (a, b) = if reversed { (to, l.from) } else { (l.from, to) };
            edges.push((a, b, Edge { kind, provenance }));
        }
        // Derived facts: what each subnet uses, the implicit objects' VPC, adoptions.
        for (id, r) in net.present() {
            match &r.obj {
                Object::Subnet(s) => {
                    for link in [&s.route_table, &s.nacl] {
                        if let Link::To(t, p) = link {
                            edges.push((id, *t, Edge { kind: EdgeKind::Associated, provenance: *p }));
                        }
                    }
                }
                Object::RouteTable(t) if r.origin == Origin::Implicit => {
                    if let Link::To(v, p) = t.vpc {
                        edges.push((id, v, Edge { kind: EdgeKind::InVpc, provenance: p }));
                    }
                }
                Object::NetworkAcl(a) if r.origin == Origin::Implicit => {
                    if let Link::To(v, p) = a.vpc {
                        edges.push((id, v, Edge { kind: EdgeKind::InVpc, provenance: p }));
                    }
                }
                Object::SecurityGroup(g) if r.origin == Origin::Implicit => {
                    if let Link::To(v, p) = g.vpc {
                        edges.push((id, v, Edge { kind: EdgeKind::InVpc, provenance: p }));
                    }
                }
                Object::TgwRouteTable(t) if r.origin == Origin::Implicit => {
                    if let Link::To(v, p) = t.tgw {
                        edges.push((id, v, Edge { kind: EdgeKind::Attached, provenance: p }));
                    }
                }
                _ => {}
            }
            let adopts = match &r.obj {
                Object::RouteTable(t) => t.adopts,
                Object::NetworkAcl(a) => a.adopts,
                Object::SecurityGroup(g) => g.adopts,
                _ => None,
            };
            if let Some(a) = adopts {
                edges.push((id, a, Edge { kind: EdgeKind::Adopts, provenance: Provenance::Reference }));
            }
            if let Object::Workload(w) = &r.obj
                && let Val::Known(sgs) = &w.security_groups
            {
                // Security groups folded in from launch templates and ENIs protect the workload.
                for l in sgs {
                    if let Link::To(sg, p) = l {
                        edges.push((*sg, id, Edge { kind: EdgeKind::Protects, provenance: *p }));
                    }
                }
            }
        }
        edges.sort_by_key(|a| (a.0, a.1, a.2.kind));
        edges.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2.kind == b.2.kind);
        for (a, b, e) in edges {
            if let (Some(na), Some(nb)) = (node_of[a.index()], node_of[b.index()])
                && na != nb
            {
                graph.add_edge(na, nb, e);
            }
        }
        NetGraph { graph }
    }
}

/// Implicit objects of a VPC whose defaults are replaced by an adopting resource stay as nodes
/// (the adoption edge explains them); an implicit object nothing uses is still the VPC's. Only
/// a transit gateway default table is dropped when the gateway disables default tables.
fn implicit_unused(net: &Network, id: ResId) -> bool {
    match &net.res(id).obj {
        Object::TgwRouteTable(t) => {
            t.tgw.res().and_then(|g| net.res(g).obj.transit_gateway()).is_some_and(|g| {
                g.default_association == Val::Known(false) && g.default_propagation == Val::Known(false)
            })
        }
        _ => false,
    }
}

/// The JSON form of a graph (public contract, version 1).
#[derive(Debug, Serialize)]
pub struct GraphJson<'a> {
    /// Contract version.
    pub version: u32,
    /// Nodes, sorted by id.
    pub nodes: Vec<NodeJson<'a>>,
    /// Edges, sorted by (from, to, kind).
    pub edges: Vec<EdgeJson<'a>>,
}

/// A node of [`GraphJson`].
#[derive(Debug, Serialize)]
pub struct NodeJson<'a> {
    /// The address (or `<parent>:<what>` for implicit resources).
    pub id: &'a str,
    /// Terraform type.
    #[serde(rename = "type")]
    pub rtype: &'a str,
    /// Family.
    pub family: &'a str,
    /// Data source.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub data: bool,
    /// Created implicitly by AWS (a VPC's main route table, default NACL, default SG).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
}

/// An edge of [`GraphJson`].
#[derive(Debug, Serialize)]
pub struct EdgeJson<'a> {
    /// Source node id.
    pub from: &'a str,
    /// Target node id.
    pub to: &'a str,
    /// Edge kind.
    pub kind: &'static str,
    /// How the link was found.
    pub provenance: &'static str,
}

impl NetGraph {
    /// The JSON form.
    pub fn to_json<'a>(&self, net: &'a Network) -> GraphJson<'a> {
        let mut nodes: Vec<NodeJson<'a>> = self
            .graph
            .node_weights()
            .map(|id| {
                let r = net.res(*id);
                NodeJson {
                    id: &r.name,
                    rtype: &r.rtype,
                    family: r.family.as_str(),
                    data: r.origin == Origin::Data,
                    implicit: r.origin == Origin::Implicit,
                }
            })
            .collect();
        nodes.sort_by(|a, b| a.id.cmp(b.id));
        let mut edges: Vec<EdgeJson<'a>> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                let w = self.graph[e];
                Some(EdgeJson {
                    from: &net.res(self.graph[a]).name,
                    to: &net.res(self.graph[b]).name,
                    kind: w.kind.as_str(),
                    provenance: w.provenance.as_str(),
                })
            })
            .collect();
        edges.sort_by(|a, b| (a.from, a.to, a.kind).cmp(&(b.from, b.to, b.kind)));
        GraphJson { version: 1, nodes, edges }
    }

    /// Graphviz DOT.
    pub fn to_dot(&self, net: &Network) -> String {
        let json = self.to_json(net);
        let mut out = String::from("digraph tfvpc {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
        for n in &json.nodes {
            let style = if n.implicit {
                ", style=dashed"
            } else if n.data {
                ", style=dotted"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {} [label={}{style}];\n",
                dot_quote(n.id),
                dot_quote(&format!("{}\n{}", n.id, n.family))
            ));
        }
        for e in &json.edges {
            let style = if e.provenance == "inferred" { ", style=dashed" } else { "" };
            out.push_str(&format!(
                "  {} -> {} [label={}{style}];\n",
                dot_quote(e.from),
                dot_quote(e.to),
                dot_quote(e.kind)
            ));
        }
        out.push_str("}\n");
        out
    }

    /// Mermaid flowchart.
    pub fn to_mermaid(&self, net: &Network) -> String {
        let json = self.to_json(net);
        let ids: std::collections::HashMap<&str, String> =
            json.nodes.iter().enumerate().map(|(i, n)| (n.id, format!("n{i}"))).collect();
        let mut out = String::from("flowchart LR\n");
        for (i, n) in json.nodes.iter().enumerate() {
            out.push_str(&format!("  n{i}[\"{}\"]\n", mermaid_escape(n.id)));
        }
        for e in &json.edges {
            let (Some(a), Some(b)) = (ids.get(e.from), ids.get(e.to)) else { continue };
            let arrow = if e.provenance == "inferred" { "-.->" } else { "-->" };
            out.push_str(&format!("  {a} {arrow}|{}| {b}\n", e.kind));
        }
        out
    }
}

fn dot_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
}
