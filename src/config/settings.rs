//! [`Settings`]: what the rest of tfvpc reads. Built once from the configuration file (if any),
//! the rule registry's default severities and the built-in price table; rules never read the
//! file itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::NamedSource;

use super::{ClientPorts, Config, DiffOptions, Expect, Ignore, Prices};
use crate::error::Result;
use crate::eval::{ClientPortsRule, EvalSettings, UnitPrices};
use crate::finding::Severity;

/// The resolved settings of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    config_path: Option<PathBuf>,
    config_source: Option<NamedSource<String>>,
    severities: BTreeMap<String, Option<Severity>>,
    explicit_severities: std::collections::BTreeSet<String>,
    client_ports: Vec<ClientPorts>,
    prices: Prices,
    expects: Vec<Expect>,
    ignores: Vec<Ignore>,
    diff: DiffOptions,
}

/// Merges the configuration file (if any) with the rule registry's default severities
/// (`(rule name, default severity)`, every rule enabled) and the built-in prices.
///
/// Fails only if the built-in price table is broken, which a unit test rules out.
pub fn resolve(config: Option<&Config>, defaults: &[(&str, Severity)]) -> Result<Settings> {
    let mut severities: BTreeMap<String, Option<Severity>> =
        defaults.iter().map(|(rule, severity)| ((*rule).to_owned(), Some(*severity))).collect();
    let mut prices = Prices::list()?;
    let Some(config) = config else {
        return Ok(Settings {
            config_path: None,
            config_source: None,
            severities,
            explicit_severities: std::collections::BTreeSet::new(),
            client_ports: Vec::new(),
            prices,
            expects: Vec::new(),
            ignores: Vec::new(),
            diff: DiffOptions::default(),
        });
    };
    let mut explicit_severities = std::collections::BTreeSet::new();
    for rule in &config.rules {
        if rule.severity.is_some() {
            explicit_severities.insert(rule.name.clone());
        }
        let default = severities.get(&rule.name).copied().flatten();
        let severity = match rule.enabled {
            Some(false) => None,
            Some(true) | None => rule.severity.or(default),
        };
        severities.insert(rule.name.clone(), severity);
    }
    if let Some(overrides) = &config.prices {
        prices.apply(overrides);
    }
    Ok(Settings {
        config_path: Some(config.path.clone()),
        config_source: Some(config.source()),
        severities,
        explicit_severities,
        client_ports: config.client_ports.clone(),
        prices,
        expects: config.expects.clone(),
        ignores: config.ignores.clone(),
        diff: config.diff.clone(),
    })
}

impl Settings {
    /// What `tfvpc diff` reads: the kinds of change that fail, the resources declared public.
    pub fn diff(&self) -> &DiffOptions {
        &self.diff
    }

    /// The severity findings of `rule` get, or `None` when the rule is disabled (or unknown).
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        self.severities.get(rule).copied().flatten()
    }

    /// True when the configuration sets the rule's severity (then it applies to every finding of
    /// the rule, including cases whose documented default differs from the rule's).
    pub fn severity_is_explicit(&self, rule: &str) -> bool {
        self.explicit_severities.contains(rule)
    }

    /// The source port range clients at `address` pick, from the first `client_ports` block whose
    /// pattern matches; `None` when no block matches (the rule then uses its own default).
    pub fn client_ports_for(&self, address: &str) -> Option<(u16, u16)> {
        self.client_ports.iter().find(|block| block.pattern.matches(address)).map(|block| (block.from, block.to))
    }

    /// The prices for cost lines.
    pub fn prices(&self) -> &Prices {
        &self.prices
    }

    /// The `expect` blocks, in file order.
    pub fn expects(&self) -> &[Expect] {
        &self.expects
    }

    /// The `ignore` blocks, in file order.
    pub fn ignores(&self) -> &[Ignore] {
        &self.ignores
    }

    /// The first `ignore` block that covers a finding of `rule` on `address`.
    pub fn suppression(&self, rule: &str, address: &str) -> Option<&Ignore> {
        self.ignores.iter().find(|ignore| ignore.covers(rule, address))
    }

    /// What the evaluator reads: the prices, the `client_ports` blocks and the file's name.
    pub fn eval(&self) -> EvalSettings {
        let p = &self.prices;
        EvalSettings {
            prices: UnitPrices {
                region: p.region.clone(),
                date: p.date.clone(),
                nat_gateway_hour: p.nat_gateway_hour,
                nat_gateway_gb: p.nat_gateway_gb,
                inter_az_gb: p.inter_az_gb,
                transit_gateway_attachment_hour: p.transit_gateway_attachment_hour,
                transit_gateway_gb: p.transit_gateway_gb,
                interface_endpoint_az_hour: p.interface_endpoint_az_hour,
                interface_endpoint_gb: p.interface_endpoint_gb,
                gateway_endpoint_gb: p.gateway_endpoint_gb,
                internet_egress_gb: p.internet_egress_gb,
                public_ipv4_hour: p.public_ipv4_hour,
            },
            client_ports: self
                .client_ports
                .iter()
                .map(|block| {
                    let pattern = block.pattern.clone();
                    ClientPortsRule {
                        pattern: pattern.to_string(),
                        matches: std::sync::Arc::new(move |address: &str| pattern.matches(address)),
                        from: block.from,
                        to: block.to,
                    }
                })
                .collect(),
            config_name: self
                .config_path
                .as_deref()
                .map_or_else(|| ".tfvpc.hcl".to_string(), |p| p.display().to_string()),
        }
    }

    /// The configuration file used, if any.
    pub fn config_path(&self) -> Option<&Path> {
        self.config_path.as_deref()
    }

    /// The configuration file's text, if a file is used.
    pub fn config_text(&self) -> Option<&str> {
        self.config_source.as_ref().map(|s| s.inner().as_str())
    }

    /// The configuration file's text, for findings that point into it (an unused `ignore`, a
    /// failed `expect`): pair it with the block's [`super::Location::span`].
    pub fn config_source(&self) -> Option<&NamedSource<String>> {
        self.config_source.as_ref()
    }
}
