//! The bill of a path (docs/semantics.md §10; issue 3 item 7): what a GB sent from X to Y costs along
//! the forward path, and the fixed hourly cost of the components it uses, shown apart.
//!
//! * NAT gateway: per GB processed (either direction) and per hour; its Elastic IP per hour.
//! * Crossing Availability Zones: billed at both ends, so each GB crossing costs twice the
//!   per-direction price ($0.02 at list price) — per crossing within a VPC or over same-Region
//!   peering; transit gateway hops are billed as TGW processing instead.
//! * Transit gateway: per GB processed, per TGW traversed; per attachment hour (fixed).
//! * Interface endpoint: per GB and per AZ-hour (fixed); gateway endpoints are free.
//! * Data out to the internet: per GB (first tier). Traffic to AWS services in the same Region
//!   (S3 through a NAT gateway) pays NAT processing but no internet data-out.
//!
//! Prices come from [`super::EvalSettings::prices`], which `config::Settings::eval` fills from
//! `Settings::prices()` (the built-in us-east-1 list, or `.tfvpc.hcl` overrides); the bill names
//! the price region and date.

use serde::Serialize;

use super::Evaluator;
use super::place::{Place, PlaceKind};
use crate::model::{EndpointKind, Object, ResId, Val};

/// One line of the bill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    /// What is billed (`NAT gateway data processing`).
    pub item: String,
    /// The resource (or resources) it is billed for.
    pub resource: String,
    /// USD per GB sent from X to Y (path lines).
    pub usd_per_gb: Option<f64>,
    /// USD per hour (fixed cost of the component, not of this path).
    pub usd_per_hour: Option<f64>,
    /// Notes (billed at both ends, tier, …).
    pub note: String,
    /// USD per month for `--gb-per-month` GB (per-GB lines only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_month: Option<f64>,
}

/// The bill of one path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bill {
    /// Per-GB lines of the path, then the fixed hourly lines.
    pub lines: Vec<CostLine>,
    /// The price region.
    pub price_region: String,
    /// When the built-in prices were checked.
    pub price_date: String,
    /// Sum of the per-GB lines.
    pub usd_per_gb: f64,
    /// Sum of the hourly lines (the components' fixed cost).
    pub fixed_usd_per_hour: f64,
    /// GB per month sent from X to Y, when given.
    pub gb_per_month: Option<f64>,
    /// `usd_per_gb × gb_per_month`.
    pub usd_per_month: Option<f64>,
    /// What the bill leaves out.
    pub notes: Vec<String>,
}

/// `us-east-1` of `us-east-1a`.
fn az_region(az: &str) -> &str {
    match az.char_indices().last() {
        Some((i, c)) if c.is_ascii_lowercase() => &az[..i],
        _ => az,
    }
}

fn round(x: f64) -> f64 {
    let r = (x * 1_000_000.0).round() / 1_000_000.0;
    // The sum of no floats is -0.0 in Rust: a bill never prints `-0`.
    if r == 0.0 { 0.0 } else { r }
}

impl<'n> Evaluator<'n> {
    /// The bill of a forward path (`path` as [`super::Reach`] reports it) from `src` to `dst`.
    #[must_use]
    pub fn bill(&self, src: &Place, dst: &Place, path: &[ResId], gb_per_month: Option<f64>) -> Bill {
        let prices = &self.settings.prices;
        let net = self.net;
        let mut per_gb: Vec<CostLine> = Vec::new();
        let mut fixed: Vec<CostLine> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let line =
            |item: &str, resource: String, usd_per_gb: Option<f64>, usd_per_hour: Option<f64>, note: &str| CostLine {
                item: item.to_string(),
                resource,
                usd_per_gb: usd_per_gb.map(round),
                usd_per_hour: usd_per_hour.map(round),
                note: note.to_string(),
                usd_per_month: None,
            };
        // Cross-AZ: consecutive subnets of the path, unless a transit gateway lies between.
        let mut last_subnet: Option<ResId> = None;
        let mut tgw_skip = 0u8;
        for &r in path {
            match &net.res(r).obj {
                Object::Subnet(_) => {
                    if let Some(prev) = last_subnet
                        && prev != r
                        && tgw_skip == 0
                    {
                        match (self.subnet_az(prev), self.subnet_az(r)) {
                            (Some(a), Some(b)) if a != b && az_region(a) != az_region(b) => notes.push(format!(
                                "{} ({a}) and {} ({b}) are in different Regions: inter-Region data transfer applies, not priced here",
                                net.name(prev),
                                net.name(r)
                            )),
                            (Some(a), Some(b)) if a != b => per_gb.push(line(
                                "cross-AZ data transfer",
                                format!("{} ({a}) -> {} ({b})", net.name(prev), net.name(r)),
                                Some(prices.inter_az_gb * 2.0),
                                None,
                                &format!(
                                    "billed at both ends: ${}/GB out + ${}/GB in",
                                    round(prices.inter_az_gb),
                                    round(prices.inter_az_gb)
                                ),
                            )),
                            (Some(_), Some(_)) => {}
                            _ => notes.push(format!(
                                "the Availability Zone of {} or {} is unknown: a cross-AZ charge may apply",
                                net.name(prev),
                                net.name(r)
                            )),
                        }
                    }
                    if last_subnet.is_some_and(|p| p != r) {
                        tgw_skip = tgw_skip.saturating_sub(1);
                    }
                    last_subnet = Some(r);
                }
                Object::NatGateway(n) => {
                    per_gb.push(line(
                        "NAT gateway data processing",
                        net.name(r).into(),
                        Some(prices.nat_gateway_gb),
                        None,
                        "per GB processed, each direction",
                    ));
                    fixed.push(line(
                        "NAT gateway hours",
                        net.name(r).into(),
                        None,
                        Some(prices.nat_gateway_hour),
                        "fixed cost of the NAT gateway, shared by every path through it",
                    ));
                    if n.public != Val::Known(false) {
                        fixed.push(line(
                            "public IPv4 address",
                            format!("{} (Elastic IP)", net.name(r)),
                            None,
                            Some(prices.public_ipv4_hour),
                            "in use or idle",
                        ));
                    }
                }
                Object::TransitGateway(_) => {
                    // Into the attachment subnet on the far side and on to the destination:
                    // billed as transit gateway processing, not as cross-AZ transfer.
                    tgw_skip = 2;
                    per_gb.push(line(
                        "transit gateway data processing",
                        net.name(r).into(),
                        Some(prices.transit_gateway_gb),
                        None,
                        "per GB sent from an attachment to the transit gateway",
                    ));
                }
                Object::TgwAttachment(_) | Object::VpnConnection(_)
                    if self.tgw.atts.contains_key(&r) && !fixed.iter().any(|l| l.resource == net.name(r)) =>
                {
                    fixed.push(line(
                        "transit gateway attachment hours",
                        net.name(r).into(),
                        None,
                        Some(prices.transit_gateway_attachment_hour),
                        "fixed cost of the attachment",
                    ));
                }
                Object::Endpoint(e) if e.kind == Val::Known(EndpointKind::Gateway) => {
                    per_gb.push(line(
                        "gateway endpoint",
                        net.name(r).into(),
                        Some(prices.gateway_endpoint_gb),
                        None,
                        "gateway endpoints are free",
                    ));
                }
                Object::Endpoint(e) if e.firewall.is_some() => {
                    notes.push(format!(
                        "{} (AWS Network Firewall endpoint) has its own charges (endpoint hours, data processed), not priced here",
                        net.name(r)
                    ));
                }
                Object::Endpoint(e) if e.kind == Val::Known(EndpointKind::GatewayLoadBalancer) => {
                    notes.push(format!(
                        "{} (Gateway Load Balancer endpoint) has its own charges, not priced here",
                        net.name(r)
                    ));
                }
                Object::Peering(p) if p.peer_region.known().is_some() => {
                    notes.push(format!(
                        "{} crosses Regions: inter-Region data transfer applies, not priced here",
                        net.name(r)
                    ));
                }
                _ => {}
            }
        }
        if dst.kind == PlaceKind::InterfaceEndpoint
            && let Some(e) = dst.res
        {
            let azs = match &net.res(e).obj {
                Object::Endpoint(ep) => ep.subnets.known().map_or(1, |s| s.len().max(1)),
                _ => 1,
            };
            per_gb.push(line(
                "interface endpoint data processing",
                net.name(e).into(),
                Some(prices.interface_endpoint_gb),
                None,
                "first PB per month",
            ));
            fixed.push(line(
                "interface endpoint AZ-hours",
                format!("{} ({azs} AZ{})", net.name(e), if azs == 1 { "" } else { "s" }),
                None,
                Some(prices.interface_endpoint_az_hour * azs as f64),
                "fixed cost of the endpoint",
            ));
        }
        if dst.kind == PlaceKind::Internet
            && path.iter().any(|r| matches!(net.res(*r).obj, Object::InternetGateway(_) | Object::EgressOnlyGateway(_)))
        {
            per_gb.push(line(
                "data transfer out to the internet",
                "internet".into(),
                Some(prices.internet_egress_gb),
                None,
                "first 10 TB per month tier",
            ));
        }
        if src.kind == PlaceKind::Internet {
            notes.push("data in from the internet is free; replies sent back are billed as data out".into());
        }
        if let PlaceKind::Service(s) = &dst.kind {
            notes.push(format!("traffic to {s} in its own Region pays no internet data-out"));
        }
        let usd_per_gb = round(per_gb.iter().filter_map(|l| l.usd_per_gb).sum());
        let fixed_usd_per_hour = round(fixed.iter().filter_map(|l| l.usd_per_hour).sum());
        if let Some(gb) = gb_per_month {
            for l in &mut per_gb {
                l.usd_per_month = l.usd_per_gb.map(|p| round(p * gb));
            }
        }
        per_gb.extend(fixed);
        Bill {
            lines: per_gb,
            price_region: prices.region.clone(),
            price_date: prices.date.clone(),
            usd_per_gb,
            fixed_usd_per_hour,
            gb_per_month,
            usd_per_month: gb_per_month.map(|gb| round(usd_per_gb * gb)),
            notes,
        }
    }
}
