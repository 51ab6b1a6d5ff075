//! The network picture: what an engineer draws on a whiteboard, computed from the model. VPCs as
//! boxes, their availability zones as columns, subnets by tier (public: default route to an
//! internet gateway; private: default route elsewhere, a NAT or a transit gateway; isolated: no
//! default route) as rows, the workloads and NAT gateways inside their subnet, the VPC's
//! gateways and endpoints on its top edge, transit gateways below, and peering, transit gateway
//! and VPN links between them. `tfvpc graph --format svg` and `tfvpc serve` draw this same
//! picture ([`svg`]); every drawn element carries its Terraform address (`data-address`), so
//! the page can light hops and pin findings on it.
//!
//! The layout is deterministic (sorted by address, no randomness), so the SVG of one input is
//! byte-for-byte stable.

pub(crate) mod svg;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{AttachmentKind, Destination, LbType, Link, Network, Object, ResId, TargetKind, Val, WorkloadKind};

/// Width of a subnet box.
const SUBNET_W: f64 = 230.0;
/// Height of a subnet box's header (name and CIDR).
const SUBNET_HEAD: f64 = 40.0;
/// Height of one row of chips (workloads, NAT gateways) inside a subnet.
const CHIP_H: f64 = 24.0;
/// Chips per row inside a subnet.
const CHIPS_PER_ROW: usize = 2;
/// Gap between boxes.
const GAP: f64 = 14.0;
/// Height of the gateway band on top of a VPC box.
const GATEWAY_BAND: f64 = 44.0;
/// Height of a VPC box's title.
const VPC_HEAD: f64 = 34.0;
/// Above this many VPCs the overview draws VPCs collapsed (their subnets as counts); zoom into
/// one with `--vpc` (or a click in `tfvpc serve`).
pub(crate) const COLLAPSE_ABOVE: usize = 12;

/// A subnet's tier, from its route table's default route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Tier {
    /// Default route to an internet gateway.
    Public,
    /// Default route to a NAT gateway, transit gateway or another target.
    Private,
    /// No default route.
    Isolated,
    /// The route table or its routes are not known until apply.
    Unknown,
}

impl Tier {
    fn as_str(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
            Tier::Isolated => "isolated",
            Tier::Unknown => "unknown",
        }
    }
}

/// A box or chip of the picture, with its position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Node {
    /// Terraform address (`aws_nat_gateway.a`).
    pub address: String,
    /// What it is: `vpc`, `subnet`, `igw`, `nat`, `eigw`, `vgw`, `endpoint`, `tgw`, `instance`,
    /// `alb`, `nlb`, `gwlb`, `clb`, `lambda`, `database`, `eni`, `workload`.
    pub kind: &'static str,
    /// Short label (the address without the type, or a CIDR).
    pub label: String,
    /// Second line (a CIDR, a tier, a count), possibly empty.
    pub detail: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// A line between two nodes: a peering connection, a transit gateway attachment, a VPN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Edge {
    /// `peering`, `tgw` or `vpn`.
    pub kind: &'static str,
    /// The resource the line stands for (the peering connection, the attachment).
    pub address: String,
    /// One end's address.
    pub from: String,
    /// The other end's address.
    pub to: String,
    /// Start point.
    pub x1: f64,
    /// Start point.
    pub y1: f64,
    /// End point.
    pub x2: f64,
    /// End point.
    pub y2: f64,
}

/// The whole picture.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Picture {
    /// Every box and chip, containers before their content.
    pub nodes: Vec<Node>,
    /// Links between VPCs and transit gateways.
    pub edges: Vec<Edge>,
    /// Drawing width.
    pub width: f64,
    /// Drawing height.
    pub height: f64,
    /// Whether VPCs are drawn collapsed (an overview of many VPCs).
    pub collapsed: bool,
    /// For resources that are not drawn (route tables, network ACLs, security groups, routes),
    /// the drawn resources they act on: where a finding or a hop about them is shown.
    pub anchors: BTreeMap<String, Vec<String>>,
}

/// What to draw.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// Only this VPC (its address) and what it links to.
    pub vpc: Option<String>,
    /// Draw VPCs collapsed even when few.
    pub collapse: Option<bool>,
}

struct SubnetInfo {
    id: ResId,
    az: String,
    tier: Tier,
    chips: Vec<ResId>,
}

/// The drawn elements that stand for an address: itself when drawn, else what it is anchored on
/// (a route table's subnets, a group's workloads).
pub(crate) fn drawn<'p>(pic: &'p Picture, address: &'p str) -> Vec<&'p str> {
    if pic.nodes.iter().any(|n| n.address == address) {
        return vec![address];
    }
    pic.anchors.get(address).map(|a| a.iter().map(String::as_str).collect()).unwrap_or_default()
}

/// The badges of findings on the picture: each finding on its primary resource and, for a
/// grouped finding, every member's, drawn or anchored; a click goes to `#finding-N` of the first
/// (worst, in report order) finding there. `findings` pairs each finding with its report index.
pub(crate) fn badges(pic: &Picture, findings: &[(usize, &crate::finding::Finding)]) -> Vec<svg::Badge> {
    use crate::finding::Severity;
    let mut on: BTreeMap<&str, (usize, Severity, usize)> = BTreeMap::new();
    for (index, f) in findings {
        let mut addresses: Vec<&str> = f.resources.first().map(String::as_str).into_iter().collect();
        addresses.extend(f.affected.members.iter().filter_map(|m| m.address.as_deref()));
        let mut places: Vec<&str> = addresses.iter().flat_map(|a| drawn(pic, a)).collect();
        places.sort_unstable();
        places.dedup();
        for p in places {
            let entry = on.entry(p).or_insert((0, f.severity, *index));
            entry.0 += 1;
            if f.severity > entry.1 {
                entry.1 = f.severity;
                entry.2 = *index;
            }
        }
    }
    on.into_iter()
        .map(|(address, (count, severity, index))| svg::Badge {
            address: address.to_string(),
            count,
            severity: severity.as_str(),
            href: format!("#finding-{index}"),
        })
        .collect()
}

/// Builds the picture of a network.
pub(crate) fn build(net: &Network, options: &Options) -> Picture {
    let mut vpcs: Vec<ResId> =
        net.present().filter(|(_, r)| matches!(r.obj, Object::Vpc(_))).map(|(id, _)| id).collect();
    vpcs.sort_by(|a, b| net.name(*a).cmp(net.name(*b)));
    // Subnets, chips and gateways by VPC.
    let mut subnets: BTreeMap<ResId, Vec<SubnetInfo>> = BTreeMap::new();
    let mut chips: BTreeMap<ResId, Vec<ResId>> = BTreeMap::new();
    let mut gateways: BTreeMap<ResId, Vec<ResId>> = BTreeMap::new();
    let mut tgws: Vec<ResId> = Vec::new();
    let mut anchors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, r) in net.present() {
        match &r.obj {
            Object::Workload(w) => {
                if let Val::Known(list) = &w.subnets {
                    for s in list.iter().filter_map(Link::res) {
                        chips.entry(s).or_default().push(id);
                    }
                }
                if let Val::Known(groups) = &w.security_groups {
                    for g in groups.iter().filter_map(Link::res) {
                        anchors.entry(net.name(g).to_string()).or_default().insert(net.name(id).to_string());
                    }
                }
            }
            Object::NatGateway(n) => {
                if let Some(s) = n.subnet.res() {
                    chips.entry(s).or_default().push(id);
                }
            }
            Object::InternetGateway(g) | Object::EgressOnlyGateway(g) => {
                if let Some(v) = g.vpc.res() {
                    gateways.entry(v).or_default().push(id);
                }
            }
            Object::VpnGateway(g) => {
                if let Some(v) = g.vpc.res() {
                    gateways.entry(v).or_default().push(id);
                }
            }
            Object::Endpoint(e) => {
                if let Some(v) = e.vpc.res() {
                    gateways.entry(v).or_default().push(id);
                }
            }
            Object::TransitGateway(_) => tgws.push(id),
            _ => {}
        }
    }
    for (id, r) in net.present() {
        let Object::Subnet(s) = &r.obj else { continue };
        let Some(vpc) = s.vpc.res() else { continue };
        let az = s.az.known().cloned().unwrap_or_else(|| "AZ unknown until apply".to_string());
        let tier = tier_of(net, s.route_table.res());
        let mut c = chips.remove(&id).unwrap_or_default();
        c.sort_by(|a, b| net.name(*a).cmp(net.name(*b)));
        c.dedup();
        for table in [s.route_table.res(), s.nacl.res()].into_iter().flatten() {
            anchors.entry(net.name(table).to_string()).or_default().insert(net.name(id).to_string());
        }
        subnets.entry(vpc).or_default().push(SubnetInfo { id, az, tier, chips: c });
    }
    // Separate routes and rules act where their table, ACL or group acts.
    for (id, r) in net.present() {
        let parent = match &r.obj {
            Object::RouteTable(t) => t.vpc.res(),
            Object::SecurityGroup(g) => g.vpc.res(),
            Object::NetworkAcl(a) => a.vpc.res(),
            _ => None,
        };
        let name = net.name(id).to_string();
        if let Some(v) = parent {
            // A table, ACL or group that nothing drawn uses still belongs to its VPC.
            anchors.entry(name).or_insert_with(|| BTreeSet::from([net.name(v).to_string()]));
        }
    }
    for list in subnets.values_mut() {
        list.sort_by(|a, b| net.name(a.id).cmp(net.name(b.id)));
    }
    for list in gateways.values_mut() {
        list.sort_by(|a, b| net.name(*a).cmp(net.name(*b)));
        list.dedup();
    }
    tgws.sort_by(|a, b| net.name(*a).cmp(net.name(*b)));
    // Links: peering connections, TGW attachments, VPN connections.
    let mut links: Vec<(&'static str, ResId, ResId, ResId)> = Vec::new();
    for (id, r) in net.present() {
        match &r.obj {
            Object::Peering(p) => {
                if let (Some(a), Some(b)) = (p.requester.res(), p.accepter.res()) {
                    links.push(("peering", id, a, b));
                }
            }
            Object::TgwAttachment(a) => {
                if let (Some(t), AttachmentKind::Vpc { vpc, .. }) = (a.tgw.res(), &a.kind)
                    && let Some(v) = vpc.res()
                {
                    links.push(("tgw", id, v, t));
                }
            }
            _ => {}
        }
    }
    links.sort_by(|a, b| net.name(a.1).cmp(net.name(b.1)));
    // The VPC filter: that VPC, its peers and its transit gateways.
    if let Some(only) = &options.vpc {
        let Some(focus) = vpcs.iter().copied().find(|v| net.name(*v) == only) else {
            return Picture::default();
        };
        let mut keep: BTreeSet<ResId> = BTreeSet::from([focus]);
        for (_, _, a, b) in &links {
            if *a == focus || *b == focus {
                keep.insert(*a);
                keep.insert(*b);
            }
        }
        vpcs.retain(|v| keep.contains(v));
        tgws.retain(|t| keep.contains(t));
        links.retain(|(_, _, a, b)| keep.contains(a) && keep.contains(b));
    }
    let collapsed = options.collapse.unwrap_or(vpcs.len() > COLLAPSE_ABOVE);
    let mut pic = Picture { collapsed, ..Picture::default() };
    let mut centers: BTreeMap<ResId, (f64, f64, f64, f64)> = BTreeMap::new();
    // VPCs in a grid, row by row.
    let per_row = ((vpcs.len() as f64).sqrt().ceil() as usize).max(1);
    let (mut x, mut y, mut row_h) = (GAP, GAP, 0.0_f64);
    let mut width = 0.0_f64;
    for (i, vpc) in vpcs.iter().enumerate() {
        if i > 0 && i % per_row == 0 {
            x = GAP;
            y += row_h + GAP * 3.0;
            row_h = 0.0;
        }
        let empty = Vec::new();
        let list = subnets.get(vpc).unwrap_or(&empty);
        let gws = gateways.get(vpc).cloned().unwrap_or_default();
        let (w, h) = if collapsed {
            draw_collapsed(net, &mut pic, *vpc, list, x, y)
        } else {
            draw_vpc(net, &mut pic, *vpc, list, &gws, x, y)
        };
        centers.insert(*vpc, (x, y, w, h));
        x += w + GAP * 3.0;
        width = width.max(x);
        row_h = row_h.max(h);
    }
    y += row_h + GAP * 4.0;
    // Transit gateways in a row below the VPCs.
    let mut tx = GAP;
    for t in &tgws {
        let (w, h) = (200.0, 40.0);
        pic.nodes.push(node(net, *t, "tgw", String::new(), tx, y, w, h));
        centers.insert(*t, (tx, y, w, h));
        tx += w + GAP * 2.0;
    }
    width = width.max(tx);
    let height = if tgws.is_empty() { y } else { y + 40.0 + GAP * 2.0 };
    for (kind, via, a, b) in links {
        let (Some(pa), Some(pb)) = (centers.get(&a), centers.get(&b)) else { continue };
        let (x1, y1) = anchor_point(*pa, *pb);
        let (x2, y2) = anchor_point(*pb, *pa);
        pic.edges.push(Edge {
            kind,
            address: net.name(via).to_string(),
            from: net.name(a).to_string(),
            to: net.name(b).to_string(),
            x1,
            y1,
            x2,
            y2,
        });
    }
    if collapsed {
        // Subnets and what sits in them are not drawn: they (and what acts on them) show on
        // their VPC's box.
        let mut vpc_of: BTreeMap<String, String> = BTreeMap::new();
        for vpc in &vpcs {
            for s in subnets.get(vpc).map_or(&[][..], Vec::as_slice) {
                vpc_of.insert(net.name(s.id).to_string(), net.name(*vpc).to_string());
                for c in &s.chips {
                    vpc_of.insert(net.name(*c).to_string(), net.name(*vpc).to_string());
                }
            }
        }
        for list in anchors.values_mut() {
            let mapped: BTreeSet<String> =
                list.iter().map(|a| vpc_of.get(a).cloned().unwrap_or_else(|| a.clone())).collect();
            *list = mapped;
        }
        for (inner, vpc) in vpc_of {
            anchors.entry(inner).or_default().insert(vpc);
        }
    }
    pic.width = width.max(400.0);
    pic.height = height.max(200.0);
    pic.anchors = anchors.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect();
    pic
}

/// Where a line from box `a` toward box `b` leaves `a`: the middle of the facing edge.
fn anchor_point(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> (f64, f64) {
    let (ax, ay, aw, ah) = a;
    let (bx, by, bw, bh) = b;
    let (acx, acy, bcx, bcy) = (ax + aw / 2.0, ay + ah / 2.0, bx + bw / 2.0, by + bh / 2.0);
    if (bcy - acy).abs() * aw > (bcx - acx).abs() * ah {
        if bcy > acy { (acx, ay + ah) } else { (acx, ay) }
    } else if bcx > acx {
        (ax + aw, acy)
    } else {
        (ax, acy)
    }
}

fn tier_of(net: &Network, table: Option<ResId>) -> Tier {
    let Some(t) = table.and_then(|t| net.res(t).obj.route_table()) else { return Tier::Unknown };
    let Val::Known(routes) = &t.routes else { return Tier::Unknown };
    let default = routes
        .iter()
        .find(|r| matches!(&r.dest, Destination::V4(Val::Known(n)) if n.prefix_len() == 0))
        .or_else(|| routes.iter().find(|r| matches!(&r.dest, Destination::V6(Val::Known(n)) if n.prefix_len() == 0)));
    let Some(d) = default else { return Tier::Isolated };
    let to_igw = d.target_kind == TargetKind::Gateway
        && d.target.res().is_some_and(|g| matches!(net.res(g).obj, Object::InternetGateway(_)));
    if to_igw { Tier::Public } else { Tier::Private }
}

fn short(address: &str) -> String {
    // `module.a.aws_subnet.b["x"]` → `module.a.b["x"]`: the type is what the box's kind shows.
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find('.').map_or(after.len(), |i| i);
        parts.push(&rest[..7 + end]);
        rest = after.get(end + 1..).unwrap_or("");
    }
    let name = rest.split_once('.').map_or(rest, |(_, n)| n);
    parts.push(name);
    parts.join(".")
}

#[allow(clippy::too_many_arguments, reason = "a box is its kind, texts and geometry")]
fn node(net: &Network, id: ResId, kind: &'static str, detail: String, x: f64, y: f64, w: f64, h: f64) -> Node {
    let address = net.name(id).to_string();
    Node { label: short(&address), address, kind, detail, x, y, w, h }
}

/// The module path of an address (`module.vpc["a"].` of `module.vpc["a"].aws_subnet.x`).
fn module_prefix(address: &str) -> &str {
    let mut end = 0;
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let Some(dot) = after.find('.') else { break };
        end += 7 + dot + 1;
        rest = &address[end..];
    }
    &address[..end]
}

/// Inside a VPC's box, what shares the VPC's module needs no module path in its label.
fn relabel_inside(nodes: &mut [Node], vpc_address: &str) {
    let prefix = module_prefix(vpc_address);
    if prefix.is_empty() {
        return;
    }
    for n in nodes {
        if let Some(rest) = n.address.strip_prefix(prefix) {
            n.label = short(rest);
        }
    }
}

fn chip_kind(net: &Network, id: ResId) -> &'static str {
    match &net.res(id).obj {
        Object::NatGateway(_) => "nat",
        Object::Workload(w) => match w.kind {
            WorkloadKind::Instance => "instance",
            WorkloadKind::NetworkInterface => "eni",
            WorkloadKind::LoadBalancer(LbType::Application) => "alb",
            WorkloadKind::LoadBalancer(LbType::Network) => "nlb",
            WorkloadKind::LoadBalancer(LbType::Gateway) => "gwlb",
            WorkloadKind::ClassicLoadBalancer => "clb",
            WorkloadKind::Lambda => "lambda",
            WorkloadKind::Database => "database",
            WorkloadKind::Generic => "workload",
        },
        _ => "workload",
    }
}

fn gateway_kind(net: &Network, id: ResId) -> &'static str {
    match &net.res(id).obj {
        Object::InternetGateway(_) => "igw",
        Object::EgressOnlyGateway(_) => "eigw",
        Object::VpnGateway(_) => "vgw",
        _ => "endpoint",
    }
}

fn vpc_detail(net: &Network, vpc: ResId) -> String {
    match &net.res(vpc).obj {
        Object::Vpc(v) => {
            let mut blocks: Vec<String> =
                v.cidrs_v4.iter().filter_map(|c| c.cidr.known().map(ToString::to_string)).collect();
            blocks.extend(v.cidrs_v6.iter().filter_map(|c| c.cidr.known().map(ToString::to_string)));
            if blocks.is_empty() { "CIDR unknown until apply".into() } else { blocks.join(", ") }
        }
        _ => String::new(),
    }
}

fn subnet_detail(net: &Network, s: &SubnetInfo) -> String {
    let cidr = net
        .res(s.id)
        .obj
        .subnet()
        .and_then(|x| x.cidr_v4.known().map(ToString::to_string))
        .unwrap_or_else(|| "CIDR unknown".into());
    format!("{cidr} · {}", s.tier.as_str())
}

/// Draws one VPC with its AZ columns and tier rows; returns its size.
fn draw_vpc(
    net: &Network,
    pic: &mut Picture,
    vpc: ResId,
    list: &[SubnetInfo],
    gws: &[ResId],
    x: f64,
    y: f64,
) -> (f64, f64) {
    let azs: Vec<String> = list.iter().map(|s| s.az.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let tiers: Vec<Tier> = list.iter().map(|s| s.tier).collect::<BTreeSet<_>>().into_iter().collect();
    let columns = azs.len().max(1);
    let inner_w = columns as f64 * (SUBNET_W + GAP) + GAP;
    let gw_w = gws.len() as f64 * (150.0 + GAP) + GAP;
    let w = inner_w.max(gw_w).max(260.0);
    // Subnet heights per cell, to size rows.
    let height_of = |s: &SubnetInfo| SUBNET_HEAD + (s.chips.len().div_ceil(CHIPS_PER_ROW)) as f64 * CHIP_H + 6.0;
    let vpc_index = pic.nodes.len();
    pic.nodes.push(node(net, vpc, "vpc", vpc_detail(net, vpc), x, y, w, 0.0));
    // Gateways on the top band.
    let mut gx = x + GAP;
    for g in gws {
        pic.nodes.push(node(net, *g, gateway_kind(net, *g), String::new(), gx, y + VPC_HEAD, 150.0, 28.0));
        gx += 150.0 + GAP;
    }
    let top = y + VPC_HEAD + if gws.is_empty() { 0.0 } else { GATEWAY_BAND };
    // AZ headers.
    for (c, az) in azs.iter().enumerate() {
        let cx = x + GAP + c as f64 * (SUBNET_W + GAP);
        pic.nodes.push(Node {
            address: String::new(),
            kind: "az",
            label: az.clone(),
            detail: String::new(),
            x: cx,
            y: top,
            w: SUBNET_W,
            h: 18.0,
        });
    }
    let mut ry = top + 24.0;
    for tier in &tiers {
        let mut row_h = 0.0_f64;
        for (c, az) in azs.iter().enumerate() {
            let cx = x + GAP + c as f64 * (SUBNET_W + GAP);
            let mut cy = ry;
            for s in list.iter().filter(|s| s.tier == *tier && &s.az == az) {
                let h = height_of(s);
                pic.nodes.push(node(net, s.id, "subnet", subnet_detail(net, s), cx, cy, SUBNET_W, h));
                for (i, chip) in s.chips.iter().enumerate() {
                    let col = (i % CHIPS_PER_ROW) as f64;
                    let row = (i / CHIPS_PER_ROW) as f64;
                    let chip_w = (SUBNET_W - 3.0 * 6.0) / CHIPS_PER_ROW as f64;
                    pic.nodes.push(node(
                        net,
                        *chip,
                        chip_kind(net, *chip),
                        String::new(),
                        cx + 6.0 + col * (chip_w + 6.0),
                        cy + SUBNET_HEAD + row * CHIP_H,
                        chip_w,
                        CHIP_H - 4.0,
                    ));
                }
                cy += h + GAP / 2.0;
            }
            row_h = row_h.max(cy - ry);
        }
        ry += row_h + GAP / 2.0;
    }
    let h = (ry - y + GAP / 2.0).max(VPC_HEAD + 30.0);
    pic.nodes[vpc_index].h = h;
    let vpc_address = pic.nodes[vpc_index].address.clone();
    relabel_inside(&mut pic.nodes[vpc_index + 1..], &vpc_address);
    (w, h)
}

/// Draws one VPC as a single box with its counts (the overview of a large estate).
fn draw_collapsed(net: &Network, pic: &mut Picture, vpc: ResId, list: &[SubnetInfo], x: f64, y: f64) -> (f64, f64) {
    let workloads: usize = list.iter().map(|s| s.chips.len()).sum();
    let azs = list.iter().map(|s| s.az.as_str()).collect::<BTreeSet<_>>().len();
    let detail = format!("{} · {} subnets in {azs} AZs · {workloads} workloads", vpc_detail(net, vpc), list.len());
    pic.nodes.push(node(net, vpc, "vpc", detail, x, y, 340.0, 64.0));
    (340.0, 64.0)
}

#[cfg(test)]
mod tests;
