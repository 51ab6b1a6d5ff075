//! The price table for cost lines: AWS us-east-1 list prices from `prices.json` (each with its
//! source and the date it was checked), merged with the `prices` block of `.tfvpc.hcl`.
//!
//! Inter-AZ data is billed at both ends: `inter_az_gb` is the per-direction price, so a GB that
//! crosses between Availability Zones costs twice that
//! (<https://aws.amazon.com/ec2/pricing/on-demand/>, "Data Transfer within the same AWS Region").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PriceOverrides;
use crate::error::{Error, Result};

/// The built-in price data.
const PRICES_JSON: &str = include_str!("prices.json");

/// What the built-in table is called in errors.
const PRICES_FILE: &str = "src/config/prices.json (built into tfvpc)";

/// Prices in USD used for cost lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prices {
    /// The price region shown in output.
    pub region: String,
    /// Per NAT gateway hour.
    pub nat_gateway_hour: f64,
    /// Per GB processed by a NAT gateway, in either direction.
    pub nat_gateway_gb: f64,
    /// Per GB crossing Availability Zones, per direction (see [`Prices::inter_az_crossing_gb`]).
    pub inter_az_gb: f64,
    /// Per transit gateway attachment hour.
    pub transit_gateway_attachment_hour: f64,
    /// Per GB processed by a transit gateway.
    pub transit_gateway_gb: f64,
    /// Per interface endpoint hour, per Availability Zone.
    pub interface_endpoint_az_hour: f64,
    /// Per GB processed by an interface endpoint.
    pub interface_endpoint_gb: f64,
    /// Per GB through a gateway endpoint.
    pub gateway_endpoint_gb: f64,
    /// Per GB out to the internet (first 10 TB per month).
    pub internet_egress_gb: f64,
    /// Per public IPv4 address hour.
    pub public_ipv4_hour: f64,
    /// The pages the built-in prices come from, without repeats.
    pub source: Vec<String>,
    /// When the built-in prices were checked (`YYYY-MM-DD`); check before quoting.
    pub date: String,
    /// The prices (and `region`) the configuration file set, in file order.
    pub overridden: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceFile {
    region: String,
    date: String,
    #[expect(dead_code, reason = "documents the file; not shown anywhere")]
    note: String,
    prices: BTreeMap<String, PriceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceEntry {
    usd: f64,
    #[expect(dead_code, reason = "documents the file; not shown anywhere")]
    per: String,
    source: String,
}

impl Prices {
    /// The names of the price fields, as the `prices` block and `prices.json` spell them.
    pub const NAMES: [&'static str; 10] = [
        "nat_gateway_hour",
        "nat_gateway_gb",
        "inter_az_gb",
        "transit_gateway_attachment_hour",
        "transit_gateway_gb",
        "interface_endpoint_az_hour",
        "interface_endpoint_gb",
        "gateway_endpoint_gb",
        "internet_egress_gb",
        "public_ipv4_hour",
    ];

    /// The built-in us-east-1 list prices.
    pub fn list() -> Result<Prices> {
        Prices::from_json(PRICES_JSON)
    }

    fn from_json(json: &str) -> Result<Prices> {
        let invalid = |message: String| Error::Input {
            path: PRICES_FILE.to_owned(),
            message,
            help: Some("this is a bug in tfvpc; please report it".to_owned()),
        };
        let file: PriceFile = serde_json::from_str(json).map_err(|err| invalid(format!("invalid JSON: {err}")))?;
        let mut prices = Prices {
            region: file.region,
            nat_gateway_hour: f64::NAN,
            nat_gateway_gb: f64::NAN,
            inter_az_gb: f64::NAN,
            transit_gateway_attachment_hour: f64::NAN,
            transit_gateway_gb: f64::NAN,
            interface_endpoint_az_hour: f64::NAN,
            interface_endpoint_gb: f64::NAN,
            gateway_endpoint_gb: f64::NAN,
            internet_egress_gb: f64::NAN,
            public_ipv4_hour: f64::NAN,
            source: Vec::new(),
            date: file.date,
            overridden: Vec::new(),
        };
        for (name, entry) in &file.prices {
            let Some(field) = prices.field_mut(name) else {
                return Err(invalid(format!("unknown price `{name}`")));
            };
            if entry.usd < 0.0 {
                return Err(invalid(format!("price `{name}` is negative")));
            }
            *field = entry.usd;
        }
        // Sources in the order of `NAMES`, so output does not depend on the file's key order.
        for name in Prices::NAMES {
            let Some(entry) = file.prices.get(name) else {
                return Err(invalid(format!("price `{name}` is missing")));
            };
            if !prices.source.contains(&entry.source) {
                prices.source.push(entry.source.clone());
            }
        }
        Ok(prices)
    }

    /// The price called `name` (one of [`Prices::NAMES`]).
    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "nat_gateway_hour" => self.nat_gateway_hour,
            "nat_gateway_gb" => self.nat_gateway_gb,
            "inter_az_gb" => self.inter_az_gb,
            "transit_gateway_attachment_hour" => self.transit_gateway_attachment_hour,
            "transit_gateway_gb" => self.transit_gateway_gb,
            "interface_endpoint_az_hour" => self.interface_endpoint_az_hour,
            "interface_endpoint_gb" => self.interface_endpoint_gb,
            "gateway_endpoint_gb" => self.gateway_endpoint_gb,
            "internet_egress_gb" => self.internet_egress_gb,
            "public_ipv4_hour" => self.public_ipv4_hour,
            _ => return None,
        })
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut f64> {
        Some(match name {
            "nat_gateway_hour" => &mut self.nat_gateway_hour,
            "nat_gateway_gb" => &mut self.nat_gateway_gb,
            "inter_az_gb" => &mut self.inter_az_gb,
            "transit_gateway_attachment_hour" => &mut self.transit_gateway_attachment_hour,
            "transit_gateway_gb" => &mut self.transit_gateway_gb,
            "interface_endpoint_az_hour" => &mut self.interface_endpoint_az_hour,
            "interface_endpoint_gb" => &mut self.interface_endpoint_gb,
            "gateway_endpoint_gb" => &mut self.gateway_endpoint_gb,
            "internet_egress_gb" => &mut self.internet_egress_gb,
            "public_ipv4_hour" => &mut self.public_ipv4_hour,
            _ => return None,
        })
    }

    /// What one GB crossing between Availability Zones costs: both ends pay `inter_az_gb`.
    pub fn inter_az_crossing_gb(&self) -> f64 {
        2.0 * self.inter_az_gb
    }

    /// Applies the configuration file's `prices` block.
    pub(crate) fn apply(&mut self, overrides: &PriceOverrides) {
        if let Some(region) = &overrides.region {
            self.region.clone_from(region);
            self.overridden.push("region".to_owned());
        }
        for (name, usd) in &overrides.usd {
            if let Some(field) = self.field_mut(name) {
                *field = *usd;
                self.overridden.push((*name).to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::block_spec;

    #[test]
    fn built_in_table_parses_with_semantics_prices() {
        let prices = Prices::list().unwrap();
        assert_eq!(prices.region, "us-east-1");
        assert_eq!(prices.date, "2026-11-21");
        assert_eq!(prices.nat_gateway_hour, 0.045);
        assert_eq!(prices.nat_gateway_gb, 0.045);
        assert_eq!(prices.inter_az_gb, 0.01);
        assert_eq!(prices.inter_az_crossing_gb(), 0.02);
        assert_eq!(prices.transit_gateway_attachment_hour, 0.05);
        assert_eq!(prices.transit_gateway_gb, 0.02);
        assert_eq!(prices.interface_endpoint_az_hour, 0.01);
        assert_eq!(prices.interface_endpoint_gb, 0.01);
        assert_eq!(prices.gateway_endpoint_gb, 0.0);
        assert_eq!(prices.internet_egress_gb, 0.09);
        assert_eq!(prices.public_ipv4_hour, 0.005);
        assert!(prices.source.iter().all(|url| url.starts_with("https://")));
        assert!(prices.source.contains(&"https://aws.amazon.com/ec2/pricing/on-demand/".to_owned()));
        assert!(prices.overridden.is_empty());
    }

    #[test]
    fn names_match_the_schema_and_the_fields() {
        let spec = block_spec("prices").unwrap();
        let schema: Vec<&str> = spec.attribute_names().filter(|name| *name != "region").collect();
        assert_eq!(schema, Prices::NAMES);
        let mut prices = Prices::list().unwrap();
        for name in Prices::NAMES {
            assert!(prices.get(name).is_some(), "{name}");
            assert!(prices.field_mut(name).is_some(), "{name}");
        }
    }

    #[test]
    fn broken_tables_are_errors_not_panics() {
        for json in [
            "",
            r#"{"region":"x","date":"d","note":"n","prices":{}}"#,
            r#"{"region":"x","date":"d","note":"n","prices":{"bogus":{"usd":1,"per":"","source":""}}}"#,
            r#"{"region":"x","date":"d","note":"n","prices":{"nat_gateway_gb":{"usd":-1,"per":"","source":""}}}"#,
        ] {
            assert!(matches!(Prices::from_json(json), Err(Error::Input { .. })));
        }
    }
}
