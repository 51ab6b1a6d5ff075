//! [`EvalSettings`]: what the evaluator reads of the user's settings, as plain values: the prices
//! of the bill and the client port ranges configured per resource address. The configuration
//! layer fills it in (`config::Settings::eval`); the evaluator knows nothing of files.

use std::fmt;
use std::sync::Arc;

/// The settings the evaluator reads.
#[derive(Debug, Clone)]
pub struct EvalSettings {
    /// The prices of the bill ([`super::cost`]).
    pub prices: UnitPrices,
    /// Client source-port ranges by resource address, in file order: the first that matches an
    /// address applies.
    pub client_ports: Vec<ClientPortsRule>,
    /// The configuration file, as messages about configured client ports name it.
    pub config_name: String,
}

impl Default for EvalSettings {
    /// No configuration: every price zero, no client port ranges.
    fn default() -> Self {
        Self { prices: UnitPrices::default(), client_ports: Vec::new(), config_name: ".tfvpc.hcl".to_owned() }
    }
}

impl EvalSettings {
    /// The source port range clients at `address` pick, from the first rule that matches.
    pub(crate) fn client_ports_for(&self, address: &str) -> Option<(u16, u16)> {
        self.client_ports.iter().find(|rule| (rule.matches)(address)).map(|rule| (rule.from, rule.to))
    }
}

/// The prices the bill uses, in USD.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitPrices {
    /// The price region shown in output.
    pub region: String,
    /// When the prices were checked (`YYYY-MM-DD`).
    pub date: String,
    /// Per NAT gateway hour.
    pub nat_gateway_hour: f64,
    /// Per GB processed by a NAT gateway, in either direction.
    pub nat_gateway_gb: f64,
    /// Per GB crossing Availability Zones, per direction.
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
    /// Per GB out to the internet.
    pub internet_egress_gb: f64,
    /// Per public IPv4 address hour.
    pub public_ipv4_hour: f64,
}

/// Which resource addresses a client port range applies to.
pub(crate) type AddressMatcher = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// The source ports clients at the matching addresses pick (a `client_ports` block).
#[derive(Clone)]
pub struct ClientPortsRule {
    /// Which addresses it applies to.
    pub matches: AddressMatcher,
    /// What `matches` tests, for debugging output.
    pub pattern: String,
    /// Lowest port, inclusive.
    pub from: u16,
    /// Highest port, inclusive.
    pub to: u16,
}

impl fmt::Debug for ClientPortsRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientPortsRule")
            .field("pattern", &self.pattern)
            .field("from", &self.from)
            .field("to", &self.to)
            .finish()
    }
}
